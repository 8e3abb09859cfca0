"""The only st.cache_* wrappers. Every cached result is keyed by the store's data version,
so a page view never rescans history and a new load or release is seen at once.

Every figure comes from :mod:`pricewatch.indicators` (the single source of published
numbers); this module only caches what it returns. The public pages call these wrappers
with ``public=True`` (the default): that reads the ``obs_public`` view alone, so only
released data reach them (invariant 1). Notes are read through :func:`published_notes`,
which never returns a note whose status is not ``published``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from pricewatch import catalog as catalog_lib
from pricewatch import export as export_lib
from pricewatch import indicators
from pricewatch import names as names_lib
from pricewatch import notes as notes_lib
from pricewatch.config import Settings
from pricewatch.errors import PricewatchError
from pricewatch.indicators import Report
from pricewatch.store import Store

from .auth import attachment_url
from .state import get_store, settings


def version() -> int:
    return get_store().version()


def _key() -> tuple[str, int]:
    # the generation tells a rebuilt database at the same path from the old one
    store = get_store()
    return f"{store.path}#{store.generation()}", store.version()


# -- reports and series ----------------------------------------------------------------
@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _report(db: str, ver: int, public: bool, period: str | None) -> Report | None:
    return indicators.report(get_store(), period=period, public=public)


def report(public: bool = True, period: str | None = None) -> Report | None:
    return _report(*_key(), public, period)


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _series(db: str, ver: int, commodity: str, public: bool) -> pd.DataFrame:
    return indicators.series(get_store(), commodity, public=public)


def series(commodity: str, public: bool = True) -> pd.DataFrame:
    return _series(*_key(), commodity, public)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _board(db: str, ver: int, public: bool) -> pd.DataFrame:
    return indicators.board(get_store(), public=public)


def board(public: bool = True) -> pd.DataFrame:
    """The latest period's board: category, commodity, unit, price, wow_pct, yoy_pct,
    direction, alert, markets, spark (the last 12 prices), in catalog order."""
    return _board(*_key(), public)


#: the ranges a person can pick: how many days back from the latest period (None: all)
RANGES: dict[str, int | None] = {"3m": 91, "1y": 365, "all": None}


def _cut(frame: pd.DataFrame, rng: str, end: date | None) -> pd.DataFrame:
    """The rows of ``frame`` (with ``period_start``) inside the range ending at ``end``
    (default: its last row). Slicing only: the moving average and the other figures were
    computed by pricewatch.indicators over the whole history, so a range's first points
    keep theirs."""
    if frame.empty:
        return frame
    starts = pd.to_datetime(frame["period_start"])
    last = pd.Timestamp(end) if end is not None else starts.max()
    keep = starts <= last
    days = RANGES.get(rng)
    if days is not None:
        keep &= starts > last - pd.Timedelta(days=days)
    return frame[keep.to_numpy()].reset_index(drop=True)


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _trend(db: str, ver: int, commodity: str, public: bool) -> pd.DataFrame:
    return indicators.trend(get_store(), commodity, public=public)


def trend(commodity: str, rng: str = "1y", *, end: date | None = None,
          public: bool = True) -> pd.DataFrame:
    """One commodity per period (indicators.trend): period, period_start, price, ma4 (4-period
    moving average), yoy_price (same period a year earlier), markets ...; cut to ``rng``.
    A period without a price has price None (the line shows a gap)."""
    return _cut(_trend(*_key(), commodity, public), rng, end)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _market_trend(db: str, ver: int, commodity: str, public: bool) -> pd.DataFrame:
    return indicators.market_trend(get_store(), commodity, public=public)


def market_trend(commodity: str, rng: str = "1y", *, public: bool = True) -> pd.DataFrame:
    """One commodity per period and market: period, period_start, market, price."""
    return _cut(_market_trend(*_key(), commodity, public), rng, None)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _spread_trend(db: str, ver: int, commodity: str, public: bool) -> pd.DataFrame:
    return indicators.spread_trend(get_store(), commodity, public=public)


def spread_trend(commodity: str, rng: str = "1y", *, public: bool = True) -> pd.DataFrame:
    """The spread across markets per period (indicators.spread_trend): period, period_start,
    min, max, cv_pct (coefficient of variation, %), markets."""
    return _cut(_spread_trend(*_key(), commodity, public), rng, None)


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _market_comparison(db: str, ver: int, commodity: str | None, public: bool) -> pd.DataFrame:
    return indicators.market_comparison(get_store(), public=public, commodity=commodity)


def market_comparison(commodity: str | None = None, public: bool = True) -> pd.DataFrame:
    """The latest period, one row per (commodity, market): period, commodity, category,
    market, price, prev_price, wow_pct (that market's own), diff_pct (from the average)."""
    return _market_comparison(*_key(), commodity, public)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _kind_comparison(db: str, ver: int, public: bool) -> tuple[pd.DataFrame, dict]:
    _, frame, summary = indicators.kind_comparison(get_store(), public=public)
    return frame, summary


def kind_comparison(public: bool = True) -> tuple[pd.DataFrame, dict]:
    """超市 against 农贸市场 in the latest period (indicators.kind_comparison): per commodity
    price_a (超市), price_b (农贸市场), gap_pct; and the summary (compared, mean_gap_pct ...)."""
    return _kind_comparison(*_key(), public)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _category_indices(db: str, ver: int, public: bool) -> pd.DataFrame:
    return indicators.category_index_series(get_store(), public=public)


def category_indices(rng: str = "all", public: bool = True) -> pd.DataFrame:
    """Category index (100 at the first period with data) per period and category:
    period, period_start, category, index, wow_pct, commodities."""
    return _cut(_category_indices(*_key(), public), rng, None)


def trend_labels() -> dict[str, str]:
    from .i18n import tr

    return {"avg": tr("均价", "Average"), "ma": tr("4期移动平均", "4-period moving average"),
            "last_year": tr("去年同期", "Same period last year"), "notes": tr("价格解读", "Notes"),
            "min": tr("最低", "Lowest"), "max": tr("最高", "Highest"), "mean": tr("均价", "Average")}


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _commodities(db: str, ver: int) -> pd.DataFrame:
    return catalog_lib.commodities(get_store())


def commodities() -> pd.DataFrame:
    """The catalog (names, categories, units): not price data, the same for every audience."""
    return _commodities(*_key())


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _names(db: str, ver: int) -> names_lib.Names:
    return names_lib.load(get_store())


def catalog_names() -> names_lib.Names:
    """The catalog's English names (pricewatch.names); use them through i18n.nm."""
    return _names(*_key())


# -- downloads -----------------------------------------------------------------------------
@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _export(db: str, ver: int, fmt: str, start: date | None, end: date | None,
            names: tuple[str, ...], lang: str) -> tuple[bytes, int, pd.DataFrame]:
    q = export_lib.ExportQuery(public=True, start=start, end=end, commodities=names)
    frame = export_lib.present(export_lib.frame(get_store(), q), lang,
                               names=names_lib.load(get_store()) if lang == "en" else None)
    return export_lib.render(frame, fmt), len(frame), export_lib.safe(frame.head(20))


def export(fmt: str, start: date | None = None, end: date | None = None,
           commodities: list[str] | None = None) -> tuple[bytes, int, pd.DataFrame]:
    """Released observations as ``fmt`` (csv | xlsx): (file bytes, row count, first rows).

    The same code as ``python -m pricewatch export --public`` (pricewatch.export): always the
    public view, without internal columns, in the reader's language (Chinese headers and
    values unless English); text that looks like a formula is prefixed with ', numbers stay
    numbers.
    """
    from .i18n import lang

    return _export(*_key(), fmt, start, end, tuple(commodities or ()), lang())


def export_later(fmt: str, start: date | None = None, end: date | None = None,
                 commodities: list[str] | None = None) -> Callable[[], bytes]:
    """The same file as :func:`export`, built only when called (st.download_button calls it
    when the button is pressed): an Excel file takes ~1 s to write, a page view should not."""
    from .i18n import lang

    store = get_store()
    q = export_lib.ExportQuery(public=True, start=start, end=end, commodities=tuple(commodities or ()))
    language = lang()

    def build() -> bytes:
        return export_lib.export(store, q, fmt, language)

    return build


# -- notes ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublicNote:
    """What a public page shows of a published note (plain data, so it can be cached)."""

    id: str
    title: str
    kind: str
    period: str | None
    published_at: str | None  # ISO text in the bureau's time zone
    commodities: tuple[str, ...]
    categories: tuple[str, ...]
    html: str  # the body as sanitised HTML (pricewatch.notes.body_html)
    attachments: tuple[tuple[str, str, str], ...]  # (name, file path, MIME type)
    corrected_by: str | None = None
    corrects: str | None = None
    summary: str = ""  # the first words of the body, without markup


def _public(n: notes_lib.Note, settings_: Settings, store: Store) -> PublicNote:
    files = []
    for a in n.attachments:
        name = str(a.get("name") or "")
        try:
            path = notes_lib.attachment_path(settings_, store, n.id, name)
        except PricewatchError:
            continue  # listed but missing on disk: offer only what can be downloaded
        files.append((name, str(path), notes_lib.MIME.get(str(a.get("type")), "application/octet-stream")))
    return PublicNote(
        id=n.id, title=n.title, kind=n.kind, period=n.period,
        published_at=n.published_at.isoformat(timespec="minutes") if n.published_at else None,
        commodities=tuple(n.commodities), categories=tuple(n.categories),
        html=notes_lib.body_html(n, image_url=lambda name: attachment_url(n.id, name)),
        attachments=tuple(files),
        corrected_by=n.corrected_by, corrects=n.corrects,
        summary=notes_lib.plain_text(n.body, 80),
    )


def _dir_stamp(d: Path) -> int:
    """Changes whenever a note file is added, removed or saved (part of the cache key)."""
    if not d.is_dir():
        return 0
    files = list(d.glob("*.md"))
    return sum(p.stat().st_mtime_ns for p in files) + len(files)


# ttl: a note the scheduler publishes at its time appears within a minute (the note file
# changes, and so does the key; the ttl bounds what a stale stamp could hide)
@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _published_notes(notes_dir: str, stamp: int, ver: int) -> list[PublicNote]:
    cfg, store = settings(), get_store()
    return [_public(n, cfg, store) for n in notes_lib.list_published(cfg, store)]


def published_notes() -> list[PublicNote]:
    """Published notes only (pricewatch.notes.list_published), newest publication first."""
    d = Path(settings().interpretations_dir)
    return _published_notes(str(d), _dir_stamp(d), version())
