"""Safe markdown: note text -> sanitised HTML, the same for every page, the feed and exports.

Two layers, so that one mistake is not enough:

1. markdown-it-py in "commonmark" mode with ``html`` disabled: raw HTML in a note (an
   ``<img>`` tag included) is shown as text, never passed through; its link validator
   already refuses javascript:, vbscript:, file: and data: URLs;
2. nh3 (the maintained Rust sanitiser) with an allow-list of tags and attributes, URL
   schemes limited to http, https and mailto (no data: images either), and
   ``rel="noopener noreferrer"`` on every link.

A note never makes a reader's browser call out. Images: a note may show only its own
attachments. Every image in the markdown (inline ``![a](u)``, reference-style
``![a][r]`` + ``[r]: u``, or autolinked) whose target is not one of the names in
``images`` is replaced by its alt text at render time, and nh3 drops any ``src`` that is
not one of the URLs the caller gave for them. The check at save time
(:func:`outside_images`) refuses a body that names anything else, with a message; the
render-time strip covers notes saved before it. Titles are plain text: :func:`title_problem`
refuses markup at save, :func:`escape_markdown` makes an old title inert where a page
would read it as markdown (Streamlit titles and link labels render images).

``markdown_to_html(text, images=...)`` is the one function to call; ``plain_text(text)``
gives the text without markup (for summaries and the feed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "img",
}
ALLOWED_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt", "title"},
                 "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: attachment types a body may show as an image
IMAGE_TYPES = {"png", "jpeg", "jpg"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable("strikethrough")


def _image_tokens(tokens: list[Token]) -> Iterable[tuple[list[Token], int, Token]]:
    for tok in tokens:
        if tok.children:
            for i, child in enumerate(tok.children):
                if child.type == "image":
                    yield tok.children, i, child


def _target(src: str | None) -> str:
    return unquote((src or "").strip())


def outside_images(text: str, own: Iterable[str]) -> list[str]:
    """The image targets in ``text`` that are not among the note's own attachment names."""
    names = set(own)
    out = []
    for _children, _i, tok in _image_tokens(_md.parse(text or "")):
        src = _target(tok.attrGet("src"))  # type: ignore[arg-type]
        if src not in names:
            out.append(src)
    return out


def markdown_to_html(text: str, images: Mapping[str, str] | None = None) -> str:
    """Sanitised HTML for a note body (safe to hand to st.html or to write into a page).

    ``images`` maps the note's own image attachments (by name, as the body writes them) to
    the URL this page serves them at; every other image becomes its alt text.
    """
    images = dict(images or {})
    tokens = _md.parse(text or "")
    for children, i, tok in list(_image_tokens(tokens)):
        src = _target(tok.attrGet("src"))  # type: ignore[arg-type]
        if src in images:
            tok.attrSet("src", images[src])
            continue
        alt = Token("text", "", 0)
        alt.content = f"〔图：{tok.content}〕" if tok.content else "〔图〕"
        children[i] = alt
    raw = _md.renderer.render(tokens, _md.options, {})
    allowed_src = set(images.values())

    def _filter(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src" and value not in allowed_src:
            return None
        return value

    return nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", filter_style_properties={"text-align"},
                     strip_comments=True, attribute_filter=_filter)


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


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")
_TITLE_MARKUP = re.compile(r"!\[|\]\(|\]\[|<[A-Za-z/!]|:[a-z_]+\[|https?://|\\")


def escape_markdown(text: str) -> str:
    """``text`` made inert for a place that reads markdown (a Streamlit title or link label)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def title_problem(title: str) -> str | None:
    """Why ``title`` is not plain text (an image, a link, a tag), or None."""
    m = _TITLE_MARKUP.search(title or "")
    if m is None:
        return None
    return f"「{m.group(0)}」"
