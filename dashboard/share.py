"""Shareable links and the 手机扫码查看 QR code of every public page.

A page states its view explicitly (``{"commodity": "猪肉(五花)", "range": "1y"}``) and
:func:`page_url` turns it into ``<public_base_url>/<path>?commodity=...``. The view is passed
in rather than read back from ``st.query_params`` because a widget bound to the URL removes
its parameter while it holds its default value; an explicit URL still reopens the same view
after a default changes (e.g. a new first commodity in the catalog).

The QR code is drawn by segno (pure Python) as a PNG, so it needs no network and no browser.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from urllib.parse import quote

import segno
import streamlit as st

from .i18n import LANGS, lang, tr

ParamValue = str | int | float | Sequence[str] | None


def page_url(base: str, path: str, params: Mapping[str, ParamValue] | None = None) -> str:
    """``base`` + ``/path`` + the query string of ``params``.

    ``None`` and empty values are dropped (they are the page's defaults); a list becomes the
    repeated form ``?c=a&c=b``. The URL stays readable (an IRI): Chinese and brackets are
    kept as they are (``?commodity=猪肉(五花)``), only characters that are URL syntax or
    invisible (``& = # % + ?``, spaces, controls) are percent-encoded. Browsers, WeChat and
    phone scanners read such a URL (the QR code carries it as UTF-8); people can read it too.
    """
    url = base.rstrip("/") + "/" + path.strip("/")
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        if value is None or value == "" or (isinstance(value, (list, tuple)) and not value):
            continue
        if isinstance(value, (list, tuple)):
            pairs += [(key, str(v)) for v in value]
        else:
            pairs.append((key, str(value)))
    if pairs:
        url += "?" + "&".join(f"{readable_quote(k)}={readable_quote(v)}" for k, v in pairs)
    return url


def readable_quote(text: str) -> str:
    """Percent-encode only what would break or hide in a URL; keep Chinese and ``()``."""
    return "".join(ch if ord(ch) > 0x7F and ch.isprintable() and not ch.isspace()
                   else quote(ch, safe="()!*'-._~,:@/") for ch in text)


def qr_png(url: str, scale: int = 5) -> bytes:
    """The QR code of ``url`` as PNG bytes (error correction M, quiet zone of 4 modules)."""
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def view_url(path: str, params: Mapping[str, ParamValue] | None = None) -> str:
    """The public URL of this page's current view, in the current language."""
    from .state import settings

    # keep a language that came in a link (?lang=en) for the rest of the visit: page links
    # and the menu drop the query string, the session remembers it
    wanted = st.query_params.get("lang")
    if wanted in LANGS and "lang" not in st.session_state:
        st.session_state["lang"] = wanted
    full = dict(params or {})
    if lang() != "zh":
        full["lang"] = lang()
    cfg = settings()
    return page_url(cfg.app_url or cfg.public_base_url, path, full)


# constant CSS, no user text: wrapping link labels, and 44 px tap targets for the public
# pages' controls on a phone (segmented controls and page links are shorter by default)
_PHONE_CSS = """<style>
/* long note titles in links wrap instead of being cut off */
[data-testid="stPageLink"] a { height: auto; }
[data-testid="stPageLink"] a * { white-space: normal !important; text-overflow: clip !important;
                                 overflow: visible !important; }
@media (max-width: 640px) {
  [data-testid="stButtonGroup"] button, [data-testid="stPageLink"] a { min-height: 44px; }
  [data-testid="stExpander"] summary { min-height: 44px; }
}
</style>"""


def share_box(path: str, params: Mapping[str, ParamValue] | None = None) -> str:
    """Show the QR code and the link of the current view; returns the URL it encodes."""
    st.html(_PHONE_CSS)
    url = view_url(path, params)
    # open by default: on a computer the code is the quickest way to take the view to a phone
    with st.expander(tr("手机扫码查看", "Scan to open on a phone"), icon=":material/qr_code_2:",
                     expanded=True):
        st.image(qr_png(url), width=160, caption=tr("扫一扫在手机打开", "Scan to open"))
        st.code(url, language=None, wrap_lines=True)
    return url


def url_choice(label: str, options: dict[str, tuple[str, str]], default: str, key: str,
               **kwargs: object) -> str:
    """A segmented control whose value lives in the URL as a stable code (``?range=3m``).

    Streamlit's own ``bind="query-params"`` writes the *displayed* label into the URL, which
    would make a link depend on the language it was copied in (``?range=3个月`` vs
    ``?range=3 months``); here the URL holds the option's code and the label is translated.
    ``options`` maps code -> (中文, English). An unknown code in the URL falls back to
    ``default``.
    """
    if key not in st.session_state:
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else default
    value = st.segmented_control(
        label, list(options), key=key, format_func=lambda k: tr(*options[k]), **kwargs,
    ) or default
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


#: the history ranges the chart pages offer, as URL codes
RANGES = {"3m": ("3个月", "3 months"), "1y": ("1年", "1 year"), "all": ("全部", "All")}


def range_choice() -> str:
    """The 3个月 / 1年 / 全部 switch shared by the chart pages (``?range=3m|1y|all``)."""
    return url_choice(tr("时间范围", "Range"), RANGES, "1y", key="range", width="stretch")
