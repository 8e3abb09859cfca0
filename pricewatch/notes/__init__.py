"""Interpretation notes (价格监测分析, 政策解读, 更正说明) and their publication workflow.

Modules: :mod:`.model` (files, front matter, history, attachments), :mod:`.workflow`
(the state machine, roles, scheduled publication, audit), :mod:`.checks` (figure check,
confidentiality scan, data released), :mod:`.figures` (placeholders, figure parsing),
:mod:`.scan`, :mod:`.draft` (生成本期分析初稿), :mod:`.render` (safe markdown), :mod:`.feed`.

Public API for pages that show notes to the public (everything here returns published
notes only). Reading is pure (invariant 7): nothing here changes a note. A scheduled note
is published by :mod:`pricewatch.scheduler` when its time comes, not by whoever reads next::

    from pricewatch import notes
    items = notes.list_published(settings, store, now=None, commodity="猪肉(五花)",
                                 category="肉禽蛋", period="2026-W47", kind="价格监测分析")
    note = notes.get_published(settings, store, "2026-w47-analysis")   # NotFound otherwise
    html = notes.body_html(note)           # sanitised HTML: st.html(html) is safe
    for a in note.attachments:             # {name, type, size, sha256}
        path = notes.attachment_path(settings, store, note.id, a["name"])   # a file Path
        mime = notes.MIME[a["type"]]
    correction = note.corrected_by          # id of a published 更正说明, or None
    xml = notes.feed_xml(settings, store)   # the Atom feed (bytes)

``Note`` fields: id, title, kind, period ("2026-W47" | "2026-11" | None), commodities,
categories, markets, author, status, published_at (aware datetime), corrects,
corrected_by, attachments, body (markdown; placeholders already frozen at publication).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..config import Settings
from ..store import Store
from .model import KINDS, MIME, STATUS_NAMES, Note, NoteRepo
from .render import markdown_to_html, plain_text
from .workflow import Notebook

__all__ = ["KINDS", "MIME", "STATUS_NAMES", "Note", "NoteRepo", "Notebook", "list_published",
           "get_published", "attachment_path", "body_html", "feed_xml", "markdown_to_html",
           "plain_text"]


def _book(settings: Settings, store: Store, now: datetime | None) -> Notebook:
    return Notebook(store, settings, clock=(lambda: now) if now is not None else None)


def list_published(settings: Settings, store: Store, *, now: datetime | None = None,
                   commodity: str | None = None, category: str | None = None,
                   period: str | None = None, kind: str | None = None) -> list[Note]:
    """Published notes, newest first, optionally filtered."""
    return _book(settings, store, now).list_published(
        commodity=commodity, category=category, period=period, kind=kind)


def get_published(settings: Settings, store: Store, note_id: str, *,
                  now: datetime | None = None) -> Note:
    """One published note (NotFound for a draft, an unknown id or a withdrawn note)."""
    return _book(settings, store, now).get_published(note_id)


def attachment_path(settings: Settings, store: Store, note_id: str, name: str) -> Path:
    """The file of one attachment of a published note (NotFound otherwise)."""
    return Notebook(store, settings).published_attachment(note_id, name)


def body_html(note: Note, image_url: Callable[[str], str] | None = None) -> str:
    """The body as sanitised HTML. ``image_url`` gives the URL at which this surface serves
    one of the note's own attachments (by name); with it, the body's images of its own PNG
    and JPEG attachments are shown, and every other image is still only its alt text."""
    images = {}
    if image_url is not None:
        images = {str(a["name"]): image_url(str(a["name"])) for a in note.attachments
                  if a.get("name") and a.get("type") in ("png", "jpeg")}
    return markdown_to_html(note.body, images=images)


def feed_xml(settings: Settings, store: Store, *, now: datetime | None = None) -> bytes:
    from .feed import atom_feed

    book = _book(settings, store, now)
    return atom_feed(book.list_published(), settings, now=book.now())
