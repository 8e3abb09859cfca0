"""Safe markdown: note text -> sanitised HTML, the same for every page, the feed and exports.

Two layers, so that one mistake is not enough:

1. markdown-it-py in "commonmark" mode with ``html`` disabled: raw HTML in a note is shown
   as text, never passed through; its link validator already refuses javascript:,
   vbscript:, file: and data: (except images) URLs;
2. nh3 (the maintained Rust sanitiser) with an allow-list of tags and attributes, URL
   schemes limited to http, https and mailto (no data: images either), and
   ``rel="noopener noreferrer"`` on every link.

``markdown_to_html(text)`` is the one function to call; ``plain_text(text)`` gives the
text without markup (for summaries and the feed).
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "img",
}
ALLOWED_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt", "title"},
                 "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable("strikethrough")


def markdown_to_html(text: str) -> str:
    """Sanitised HTML for a note body (safe to hand to st.html or to write into a page)."""
    raw = _md.render(text or "")
    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", filter_style_properties={"text-align"},
                     strip_comments=True)


def plain_text(text: str, limit: int | None = None) -> str:
    """The text with markdown markup and tags removed, whitespace folded."""
    html = markdown_to_html(text)
    s = nh3.clean(html, tags=set())
    s = (s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
         .replace("&quot;", '"').replace("&#39;", "'"))
    s = re.sub(r"\s+", " ", s).strip()
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s
