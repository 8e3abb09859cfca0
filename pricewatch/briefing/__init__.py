"""Leadership briefing: one period on one screen, as an A4 PDF and an editable Word file.

    b = briefing.build(store, settings, "2026-W48", public=False)
    pdf = briefing.render(b, "pdf")            # bytes
    out = briefing.generate(store, settings, "2026-W48", public=False, fmt="pdf", actor="leader")

:func:`generate` builds, renders and archives in one go (every generated briefing is kept,
see :mod:`.archive`). No streamlit here: the page and the command both call this package.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import Settings
from ..errors import InputError
from ..store import Store
from . import archive
from .model import Briefing, build

FORMATS = ("pdf", "docx")

__all__ = ["Briefing", "Generated", "build", "render", "generate", "archive", "FORMATS"]


def render(b: Briefing, fmt: str) -> bytes:
    """The briefing as PDF or DOCX bytes."""
    if fmt == "pdf":
        from . import pdf

        return pdf.render(b)
    if fmt == "docx":
        from . import word

        return word.render(b)
    raise InputError(f"不支持的简报格式「{fmt}」", "只能生成 .pdf 或 .docx")


@dataclass(frozen=True)
class Generated:
    briefing: Briefing
    content: bytes
    archived: archive.Archived
    fmt: str

    @property
    def mime(self) -> str:
        return archive.MIME[self.fmt]


def generate(store: Store, settings: Settings, period: str, *, public: bool, fmt: str,
             actor: str) -> Generated:
    """Build, render and archive one briefing; its 期号 is assigned in the archive's write."""
    if fmt not in FORMATS:
        raise InputError(f"不支持的简报格式「{fmt}」", "只能生成 .pdf 或 .docx")
    b = build(store, settings, period, public=public)
    for _ in range(3):
        content = render(b, fmt)
        try:
            rec = archive.archive(store, settings, content, period=b.period.label, public=public,
                                  fmt=fmt, data_version=b.data_version,
                                  has_unreleased=b.has_unreleased, actor=actor, issue=b.issue)
        except archive.IssueMoved as e:  # another period was numbered first: render again
            b = replace(b, issue=e.issue)
            continue
        return Generated(b, content, rec, fmt)
    raise archive.IssueMoved(b.issue)
