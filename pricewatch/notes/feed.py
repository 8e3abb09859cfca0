"""An Atom feed (RFC 4287) of published notes, for the bureau's website and WeChat account.

Only published notes go in (invariant 1): the caller passes ``Notebook.list_published()``.
Text is escaped by ElementTree; each entry's content is the sanitised HTML of
:func:`.render.markdown_to_html`, carried as escaped text (type="html"), so a feed reader
never receives markup the sanitiser did not allow.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import quote

from ..config import Settings
from ..textfmt import rfc3339
from .model import Note
from .render import markdown_to_html, plain_text

ATOM = "http://www.w3.org/2005/Atom"


def note_url(settings: Settings, note_id: str) -> str:
    return f"{settings.public_base_url}/notes?note={quote(note_id)}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def atom_feed(notes: Iterable[Note], settings: Settings, *, now: datetime,
              url_for: Callable[[str], str] | None = None) -> bytes:
    """``url_for(note_id)`` gives an entry's link (default: the app's ?note= page; the
    static site passes its permalinks)."""
    ET.register_namespace("", ATOM)
    link = url_for or (lambda nid: note_url(settings, nid))
    notes = [n for n in notes if n.status == "published"]
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", f"{settings.bureau_name} 价格监测与解读")
    _sub(feed, "id", f"{settings.public_base_url}/notes")
    _sub(feed, "link", href=f"{settings.public_base_url}/notes", rel="alternate")
    newest = max((n.published_at for n in notes if n.published_at), default=now)
    _sub(feed, "updated", rfc3339(newest, settings.timezone))
    author = _sub(feed, "author")
    _sub(author, "name", settings.bureau_name)
    for n in notes:
        e = _sub(feed, "entry")
        _sub(e, "title", n.title)
        _sub(e, "id", link(n.id))
        _sub(e, "link", href=link(n.id), rel="alternate")
        when = rfc3339(n.published_at or now, settings.timezone)
        _sub(e, "published", when)
        _sub(e, "updated", when)
        _sub(e, "category", term=n.kind)
        _sub(e, "summary", plain_text(n.body, 140))
        _sub(e, "content", markdown_to_html(n.body), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
