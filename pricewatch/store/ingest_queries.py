"""Reads the ingest needs: recent prices to compare with, and who reported last time."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .queries import filters
from .session import Session


def recent_prices(s: Session, start: date, end: date) -> pd.DataFrame:
    """Current (staff) prices dated start..end: commodity, market, price_type, obs_date, price."""
    return s.df(
        "SELECT c.name AS commodity, m.name AS market, o.price_type, o.obs_date, o.price"
        " FROM observations o JOIN commodities c ON c.id = o.commodity_id"
        " JOIN markets m ON m.id = o.market_id"
        " WHERE o.is_current AND o.obs_date BETWEEN ? AND ?", [start, end])


def markets_reporting_before(s: Session, day: date, within_days: int = 14) -> tuple[date | None, list[str]]:
    """The latest observation date before ``day`` (at most ``within_days`` earlier) and the
    markets that reported on it."""
    prev = s.scalar(
        "SELECT max(obs_date) FROM observations WHERE is_current AND obs_date < ? AND obs_date >= ?",
        [day, day - timedelta(days=within_days)])
    if prev is None:
        return None, []
    rows = s.all(
        "SELECT DISTINCT m.name, m.sort FROM observations o JOIN markets m ON m.id = o.market_id"
        " WHERE o.is_current AND o.obs_date = ? ORDER BY m.sort, m.name", [prev])
    return prev, [r[0] for r in rows]


def markets_on(s: Session, day: date) -> list[str]:
    """Markets that already have a current observation dated ``day``."""
    return [r[0] for r in s.all(
        "SELECT DISTINCT m.name FROM observations o JOIN markets m ON m.id = o.market_id"
        " WHERE o.is_current AND o.obs_date = ?", [day])]


def upload_history(s: Session, limit: int = 100) -> pd.DataFrame:
    """Uploads newest first with their stored report (JSON text)."""
    return s.df(
        "SELECT id, file_name, uploaded_by, uploaded_at, status, layout, rows_read, rows_loaded,"
        " rows_revised, date_min, date_max, released_at, report FROM uploads ORDER BY id DESC LIMIT ?",
        [limit])


def export_rows(s: Session, view: str, start: date | None, end: date | None,
                commodities: list[str] | None, markets: list[str] | None) -> pd.DataFrame:
    """Observations for export, one row each (``view`` comes from queries.obs_view only)."""
    where, params = filters(start=start, end=end, commodities=commodities, markets=markets)
    cols = "obs_date AS date, market, commodity, category, unit, price, price_type, upload_id, revision, released"
    cond = " AND ".join(where)  # fixed fragments; every value is a bound parameter
    sql = f"SELECT {cols} FROM {view} WHERE {cond} ORDER BY obs_date, commodity, market, price_type"  # noqa: S608
    return s.df(sql, params)
