"""期号: 第X期 / 总第Y期 of the bureau's numbered publications, kept in the store.

A county's price bulletin is a periodical: each period's issue carries its number within
the year (第X期), its number over the series' life (总第Y期), the monitoring unit
(监测单位) and the monitoring dates (监测日期). One series per publication frequency
(价格监测周报, 旬报, 月报, 日报); the auto-draft, the public bulletin (the published note) and
the leaders' briefing of a period are the same issue, so they share its number.

A number is assigned in the same store write that creates or publishes the publication
(:func:`assign`: creating a note with the auto-draft, publishing a 价格监测分析 note,
archiving a generated briefing) and is never reused: a period keeps the number it first
got, and the next new period gets the next one, whatever order periods are published in.
Reads never assign: :func:`peek` returns the period's number, or the one it would get now
(``assigned`` False), so a page can show it without writing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .periods import Period
from .store import Store
from .store import issue_numbers as q
from .store.session import Session
from .textfmt import span_zh

SERIES = {"day": "价格监测日报", "xun": "价格监测旬报", "week": "价格监测周报",
          "month": "价格监测月报"}

def series_name(p: Period) -> str:
    return SERIES.get(str(p.freq), "价格监测报告")


def year_of(p: Period) -> int:
    """The year a period belongs to (an ISO week's year: 2026-W01 starts in 2025)."""
    return int(p.label[:4])


@dataclass(frozen=True)
class Issue:
    series: str
    period: str
    number: int
    total: int
    #: False: the number this period would get if it were assigned now (a read's view)
    assigned: bool

    @property
    def text(self) -> str:
        """第12期　总第58期"""
        return f"第{self.number}期　总第{self.total}期"


def peek(store: Store, p: Period) -> Issue:
    """The period's issue number (read only)."""
    series = series_name(p)
    with store.read() as s:
        got = q.existing(s, series, p.label)
        if got is not None:
            return Issue(series, p.label, got[0], got[1], True)
        number, total = q.next_numbers(s, series, year_of(p))
    return Issue(series, p.label, number, total, False)


def assign(s: Session, p: Period, actor: str) -> Issue:
    """The period's issue number, recorded in the caller's write session if it is new."""
    series = series_name(p)
    number, total, _ = q.assign(s, series, p.label, year_of(p), actor)
    return Issue(series, p.label, number, total, True)


def monitoring_dates(p: Period) -> str:
    """监测日期 of a period: 2026年11月23日—29日."""
    return span_zh(p.start, p.end)


def masthead(issue: Issue, settings: Settings, p: Period) -> str:
    """第12期　总第58期　监测单位：示范县商务局　监测日期：2026年11月23日—29日"""
    return (f"{issue.text}　监测单位：{settings.bureau_name}　"
            f"监测日期：{monitoring_dates(p)}")
