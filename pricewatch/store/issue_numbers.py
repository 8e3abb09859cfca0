"""SQL behind 期号 (:mod:`pricewatch.issues`): the issue number of a period in a series.

``peek`` reads (the period's number if it has one, else the one it would get next);
``assign`` writes, inside the caller's write session, and returns the same number for a
period that already has one.
"""

from __future__ import annotations

from .session import Session


def has_table(s: Session) -> bool:
    """False on a snapshot made before migration 0020 (no number assigned there yet)."""
    return bool(s.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'issue_numbers'"))


def existing(s: Session, series: str, period: str) -> tuple[int, int] | None:
    """(number, total) already assigned to ``period`` in ``series``, or None."""
    if not has_table(s):
        return None
    row = s.one("SELECT number, total FROM issue_numbers WHERE series = ? AND period = ?",
                [series, period])
    return None if row is None else (int(row[0]), int(row[1]))


def next_numbers(s: Session, series: str, year: int) -> tuple[int, int]:
    """(number, total) the next new period of ``series`` in ``year`` would get."""
    if not has_table(s):
        return 1, 1
    row = s.one("SELECT coalesce(max(number) FILTER (WHERE year = ?), 0),"
                " coalesce(max(total), 0) FROM issue_numbers WHERE series = ?", [year, series])
    assert row is not None
    return int(row[0]) + 1, int(row[1]) + 1


def assign(s: Session, series: str, period: str, year: int, actor: str) -> tuple[int, int, bool]:
    """(number, total, new) for ``period``: its existing number, or the next one, recorded."""
    got = existing(s, series, period)
    if got is not None:
        return got[0], got[1], False
    number, total = next_numbers(s, series, year)
    s.execute("INSERT INTO issue_numbers (series, period, year, number, total, assigned_by)"
              " VALUES (?, ?, ?, ?, ?, ?)", [series, period, year, number, total, actor])
    return number, total, True
