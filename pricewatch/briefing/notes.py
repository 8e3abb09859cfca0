"""The interpretation notes of a period, as a briefing shows them.

Read through the notes library (:mod:`pricewatch.notes`): its repository, its rule for
"published" (status published and ``published_at`` not in the future) and its placeholder
rendering. ``period`` must equal the briefing's period label ("2026-W48", "2026-11"). The
public variant lists ``published`` notes only; the staff variant also lists ``approved``
ones, marked 已审核待发布. Drafts, submitted, returned and withdrawn notes never appear.

A note's text is untrusted: it is reduced to plain text by the notes library's
:func:`~pricewatch.notes.render.plain_text` (markdown rendered with raw HTML disabled, then
every tag dropped by nh3) and cut to a short excerpt; renderers escape it again before it
enters HTML. Placeholders (``{{price 猪肉 2024-W05}}``) are rendered from the report (public
data for the public variant); one that cannot be rendered shows as 〔数据〕, so no figure
appears that did not come from the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Settings
from ..errors import PricewatchError
from ..notes.checks import render_body
from ..notes.render import plain_text as _plain
from ..notes.workflow import Notebook
from ..periods import Period
from ..store import Store

EXCERPT_CHARS = 180
_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")


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
    return _plain(_PLACEHOLDER.sub("〔数据〕", markdown_text or ""))


def excerpt(markdown_text: str, limit: int = EXCERPT_CHARS) -> str:
    text = plain_text(markdown_text)
    return text if len(text) <= limit else text[:limit].rstrip() + "……"


def notes_for_period(store: Store, settings: Settings, period: Period, *,
                     public: bool) -> list[NoteLine]:
    """Published (and, for staff, approved) notes of ``period``; published first, then by id."""
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
    return sorted(out, key=lambda n: (n.status != "published", n.id))
