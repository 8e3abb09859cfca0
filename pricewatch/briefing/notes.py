"""The interpretation notes of a period, as a briefing shows them.

A note's front matter is the source of truth for its status (DESIGN.md). When the notes
library (:mod:`pricewatch.notes`) is present the notes are read through it (its repository,
its rule for "published": status published and ``published_at`` not in the future, and its
placeholder rendering); otherwise straight from the front matter of
``Settings.interpretations_dir/*.md``. Either way ``period`` must equal the briefing's period
label ("2026-W48", "2026-11"). The public variant lists ``published`` notes only; the staff
variant also lists ``approved`` ones, marked 已审核待发布. Drafts, submitted, returned and
withdrawn notes never appear.

A note's text is untrusted: the markdown is rendered with raw HTML disabled, reduced to plain
text by nh3 (which drops every tag), and cut to a short excerpt; renderers escape it again
before it enters HTML. Live placeholders (``{{price 猪肉 2024-W05}}``) are rendered by the
notes library from the report (public data for the public variant); without that library
they are shown as 〔数据〕, so no figure appears that did not come from the report.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import nh3
from markdown_it import MarkdownIt

from ..config import Settings
from ..errors import PricewatchError
from ..periods import Period
from ..store import Store

EXCERPT_CHARS = 180
_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")
_md = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class NoteLine:
    id: str
    title: str
    kind: str
    status: str  # "published" | "approved"
    excerpt: str  # plain text, not escaped
    published_at: str | None = None

    @property
    def status_text(self) -> str:
        return "已发布" if self.status == "published" else "已审核待发布"


def plain_text(markdown_text: str) -> str:
    """Markdown -> plain text with every tag removed (placeholders shown as 〔数据〕)."""
    rendered = _md.render(_PLACEHOLDER.sub("〔数据〕", markdown_text or ""))
    text = html.unescape(nh3.clean(rendered, tags=set()))
    return re.sub(r"\s+", " ", text).strip()


def excerpt(markdown_text: str, limit: int = EXCERPT_CHARS) -> str:
    text = plain_text(markdown_text)
    return text if len(text) <= limit else text[:limit].rstrip() + "……"


def _one(path: Path, label: str, public: bool) -> NoteLine | None:
    try:
        post = frontmatter.load(str(path))
    except Exception:  # a broken note must not break the briefing; the notes page reports it
        return None
    meta = post.metadata
    if str(meta.get("period", "")).strip() != label:
        return None
    status = str(meta.get("status", "")).strip()
    allowed = {"published"} if public else {"published", "approved"}
    if status not in allowed:
        return None
    pub = meta.get("published_at")
    return NoteLine(
        id=str(meta.get("id") or path.stem), title=str(meta.get("title") or path.stem),
        kind=str(meta.get("kind") or ""), status=status, excerpt=excerpt(post.content),
        published_at=str(pub) if pub else None,
    )


def _from_library(store: Store, settings: Settings, period: Period,
                  public: bool) -> list[NoteLine] | None:
    """Through pricewatch.notes; None when that library is not available."""
    try:
        from ..notes.checks import render_body
        from ..notes.workflow import Notebook
    except ImportError:
        return None
    book = Notebook(store, settings)
    chosen = list(book.list_published(period=period.label))
    if not public:
        chosen += [n for n in book.repo.all() if n.status == "approved" and n.period == period.label]
    out = []
    for n in chosen:
        try:
            body = render_body(store, n, public=public)
        except PricewatchError:
            body = n.body  # a placeholder without data: plain_text shows it as 〔数据〕
        out.append(NoteLine(
            id=n.id, title=n.title, kind=n.kind, status=n.status, excerpt=excerpt(body),
            published_at=n.published_at.isoformat(timespec="minutes") if n.published_at else None))
    return out


def notes_for_period(store: Store, settings: Settings, period: Period, *,
                     public: bool) -> list[NoteLine]:
    """Published (and, for staff, approved) notes of ``period``; published first, then by id."""
    lib = _from_library(store, settings, period, public)
    if lib is not None:
        return sorted(lib, key=lambda n: (n.status != "published", n.id))
    folder = Path(settings.interpretations_dir)
    if not folder.is_dir():
        return []
    found = [n for p in sorted(folder.glob("*.md"))
             if (n := _one(p, period.label, public)) is not None]
    return sorted(found, key=lambda n: (n.status != "published", n.id))
