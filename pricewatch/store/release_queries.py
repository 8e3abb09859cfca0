"""What the release page shows a reviewer about each pending upload (reads only)."""

from __future__ import annotations

import pandas as pd

from .session import Session


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
