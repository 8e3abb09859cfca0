"""Uploaded files: their history, the pending ones, what the release page shows a reviewer
about each, and when a date's data first arrived.

An upload is *superseded* when every row it loaded has since been corrected by a later
upload; it stays unreleased until a release sweeps it up, but has nothing left to review.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..session import Session

if TYPE_CHECKING:  # DuckDB imports pandas itself when a frame is asked for
    import pandas as pd


def uploads(s: Session, limit: int = 200) -> pd.DataFrame:
    """Uploads newest first, with their stored report (JSON text)."""
    return s.df(
        "SELECT id, file_name, uploaded_by, uploaded_at, status, layout, rows_read, rows_loaded,"
        " rows_revised, date_min, date_max, released_at, release_id, report FROM uploads"
        " ORDER BY id DESC LIMIT ?", [limit])


def upload_report(s: Session, upload_id: int) -> str | None:
    return s.scalar("SELECT report FROM uploads WHERE id = ?", [upload_id])


def upload_exists(s: Session, upload_id: int) -> tuple[bool, bool]:
    """(exists, released)."""
    row = s.one("SELECT released_at IS NOT NULL FROM uploads WHERE id = ?", [upload_id])
    return (row is not None, bool(row[0]) if row else False)


def pending_uploads(s: Session, through: date | None = None) -> list[int]:
    """Unreleased uploads, oldest first; with ``through``, only those wholly on or before it.

    Superseded ones are included: a release marks them released with the rest, although
    nothing of theirs is current (the release page lists :func:`pending_detail`, without them).
    """
    if through is None:
        rows = s.all("SELECT id FROM uploads WHERE released_at IS NULL ORDER BY id")
    else:
        rows = s.all(
            "SELECT id FROM uploads WHERE released_at IS NULL AND date_max <= ? ORDER BY id",
            [through])
    return [int(r[0]) for r in rows]


def uploads_between(s: Session, start: date, end: date) -> pd.DataFrame:
    """Every upload (not superseded) whose data overlap [start, end], oldest first."""
    return s.df(
        "SELECT id, file_name, uploaded_by, uploaded_at, status, date_min, date_max, released_at,"
        " rows_loaded FROM uploads WHERE status <> 'superseded' AND date_min <= ? AND date_max >= ?"
        " ORDER BY id", [end, start])


def markets_by_upload(s: Session, upload_ids: list[int], start: date, end: date) -> pd.DataFrame:
    """Which markets each upload holds current rows for in [start, end] (upload_id, market)."""
    if not upload_ids:
        import pandas as pd

        return pd.DataFrame({"upload_id": pd.Series(dtype="int64"), "market": pd.Series(dtype=str)})
    return s.df(
        "SELECT DISTINCT o.upload_id, m.name AS market FROM observations o"
        " JOIN markets m ON m.id = o.market_id"
        " WHERE o.is_current AND o.obs_date BETWEEN ? AND ? AND list_contains(?, o.upload_id)"
        " ORDER BY 1, 2", [start, end, list(upload_ids)])


def pending_detail(s: Session) -> pd.DataFrame:
    """Unreleased uploads, oldest first, with their stored report (JSON text) and the number
    of markets their current rows cover."""
    return s.df(
        "SELECT u.id, u.file_name, u.uploaded_by, u.uploaded_at, u.layout, u.rows_read, u.rows_loaded,"
        " u.rows_revised, u.date_min, u.date_max, u.report,"
        " (SELECT count(DISTINCT o.market_id) FROM observations o WHERE o.upload_id = u.id) AS markets"
        " FROM uploads u WHERE u.released_at IS NULL AND u.status <> 'superseded' ORDER BY u.id")


def upload_markets(s: Session, upload_id: int) -> list[str]:
    """Markets with a price in the upload, in catalog order."""
    return [r[0] for r in s.all(
        "SELECT DISTINCT m.name, m.sort FROM observations o JOIN markets m ON m.id = o.market_id"
        " WHERE o.upload_id = ? ORDER BY m.sort, m.name", [upload_id])]


def expected_markets(s: Session, upload_id: int) -> list[str]:
    """The markets that reported in the last released period before the upload's first
    date (the markets a complete report would cover); all catalog markets when nothing was
    released before it."""
    rows = s.all(
        "SELECT DISTINCT market, m.sort FROM obs_public p JOIN markets m ON m.id = p.market_id"
        " WHERE p.obs_date = (SELECT max(obs_date) FROM obs_public WHERE obs_date <"
        "   (SELECT min(obs_date) FROM observations WHERE upload_id = ?))"
        " ORDER BY m.sort, market", [upload_id])
    if rows:
        return [r[0] for r in rows]
    return [r[0] for r in s.all("SELECT name FROM markets ORDER BY sort, name")]


def largest_changes(s: Session, upload_id: int, limit: int = 10) -> pd.DataFrame:
    """The upload's prices on its last date beside the released price of the same
    commodity, market and price type on the last released date before the upload's first
    date, largest relative change first: commodity, market, unit, released_date,
    released_price, obs_date, price, change (a fraction: 0.1 = +10 %)."""
    return s.df(
        "WITH bounds AS (SELECT min(obs_date) AS d0, max(obs_date) AS d1 FROM observations WHERE upload_id = ?),"
        " prev AS (SELECT max(obs_date) AS d FROM obs_public WHERE obs_date < (SELECT d0 FROM bounds)),"
        " up AS (SELECT commodity_id, market_id, price_type, obs_date, price FROM observations"
        "   WHERE upload_id = ? AND is_current AND obs_date = (SELECT d1 FROM bounds)),"
        " rel AS (SELECT commodity_id, market_id, price_type, obs_date, price FROM obs_public"
        "   WHERE obs_date = (SELECT d FROM prev))"
        " SELECT c.name AS commodity, m.name AS market, c.unit, rel.obs_date AS released_date,"
        "   rel.price AS released_price, up.obs_date, up.price, up.price / rel.price - 1 AS change"
        " FROM up JOIN rel USING (commodity_id, market_id, price_type)"
        " JOIN commodities c ON c.id = up.commodity_id JOIN markets m ON m.id = up.market_id"
        " ORDER BY abs(up.price / rel.price - 1) DESC, c.sort, m.sort LIMIT ?", [upload_id, upload_id, limit])


def first_arrivals(s: Session, first: date, last: date) -> dict[date, Any]:
    """For each observation date in [first, last]: when its data first arrived (the earliest
    ``uploaded_at`` of an upload, not superseded, holding observations of that date)."""
    rows = s.all(
        "SELECT o.obs_date, min(u.uploaded_at) FROM observations o JOIN uploads u ON u.id = o.upload_id"
        " WHERE o.obs_date BETWEEN ? AND ? AND u.status <> 'superseded' GROUP BY o.obs_date",
        [first, last])
    return {r[0]: r[1] for r in rows}
