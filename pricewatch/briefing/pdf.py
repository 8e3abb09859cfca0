"""PDF through WeasyPrint: the HTML of :mod:`.render_html` laid out on A4 with Pango.

Fonts are found by fontconfig ("Noto Sans CJK SC", "Noto Serif CJK SC" from fonts-noto-cjk)
and embedded as subsets; ``lang="zh-CN"`` on the document makes Pango pick the Simplified
Chinese glyphs of the Noto collection. Charts stay vectors (inline SVG).
"""

from __future__ import annotations

import logging

from ..errors import PricewatchError
from . import render_html
from .model import Briefing

# WeasyPrint warns on CSS it ignores; that noise is not for the person running a command
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict:
    """The document is self-contained: nothing is ever fetched (no file, no network)."""
    raise ValueError(f"external resource refused: {url}")


def render(b: Briefing) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as e:  # OSError: Pango missing from the system
        raise PricewatchError(f"无法生成 PDF: {e}",
                              "安装 weasyprint（pip）和系统的 Pango 库后重试") from e
    html = render_html.render(b)
    meta_title = f"{b.bureau_name}{b.title} {b.period.label}"
    doc = HTML(string=html, base_url=None, url_fetcher=_no_fetch).render()
    doc.metadata.title = meta_title
    doc.metadata.authors = [b.bureau_name]
    return doc.write_pdf()
