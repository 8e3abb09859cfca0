"""Read queries shared by the library, the CLI and the pages.

``scope`` chooses the audience: "public" reads only the public view ``obs_public``
(released data, invariant 1); "staff" reads ``obs_staff`` (the newest revision of
everything). There is no other way in: :func:`obs_view` is the one place that maps a scope
to a view name, from a fixed set.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import pandas as pd

from ..errors import InputError
from .session import Session

Scope = Literal["public", "staff"]
_VIEWS = {"public": "obs_public", "staff": "obs_staff"}


def obs_view(scope: Scope) -> str:
    try:
        return _VIEWS[scope]
    except KeyError:
        raise InputError(f"未知的数据范围 {scope!r}", "只能是 public 或 staff") from None


def categories(s: Session) -> pd.DataFrame:
    return s.df("SELECT name, name_en, sort, jump_threshold_pct FROM categories ORDER BY sort, name")


def commodities(s: Session) -> pd.DataFrame:
    return s.df(
        "SELECT c.id, c.name, c.category, c.spec, c.unit, c.weight, c.name_en, c.sort,"
        " coalesce(k.sort, 99) AS category_sort"
        " FROM commodities c LEFT JOIN categories k ON k.name = c.category"
        " ORDER BY category_sort, c.sort, c.name"
    )


def commodity_aliases(s: Session) -> pd.DataFrame:
    return s.df(
        "SELECT a.alias, c.name AS commodity, c.id AS commodity_id FROM commodity_aliases a"
        " JOIN commodities c ON c.id = a.commodity_id"
    )


def markets(s: Session) -> pd.DataFrame:
    return s.df("SELECT id, name, kind, name_en, sort, kind_confirmed FROM markets ORDER BY sort, name")


def market_aliases(s: Session) -> pd.DataFrame:
    return s.df(
        "SELECT a.alias, m.name AS market, m.id AS market_id FROM market_aliases a"
        " JOIN markets m ON m.id = a.market_id"
    )


def latest_date(s: Session, scope: Scope) -> date | None:
    return s.scalar(f"SELECT max(obs_date) FROM {obs_view(scope)}")  # noqa: S608 - fixed view name


def date_range(s: Session, scope: Scope) -> tuple[date | None, date | None]:
    row = s.one(f"SELECT min(obs_date), max(obs_date) FROM {obs_view(scope)}")  # noqa: S608
    return (row[0], row[1]) if row else (None, None)


def filters(*, start: date | None = None, end: date | None = None,
            commodities: list[str] | None = None, markets: list[str] | None = None,
            ) -> tuple[list[str], list]:
    """WHERE fragments (fixed text) and their bound values for the usual observation filters."""
    where, params = ["true"], []
    if start is not None:
        where.append("obs_date >= ?")
        params.append(start)
    if end is not None:
        where.append("obs_date <= ?")
        params.append(end)
    if commodities:
        where.append("list_contains(?, commodity)")
        params.append(list(commodities))
    if markets:
        where.append("list_contains(?, market)")
        params.append(list(markets))
    return where, params


def observations(
    s: Session, scope: Scope, *, start: date | None = None, end: date | None = None,
    commodities: list[str] | None = None, markets: list[str] | None = None,
) -> pd.DataFrame:
    """Canonical observations, one row each, oldest first."""
    where, params = filters(start=start, end=end, commodities=commodities, markets=markets)
    return s.df(
        "SELECT obs_date AS date, market, market_kind, commodity, category, unit, price, price_type,"  # noqa: S608 - view from obs_view(), values bound
        f" upload_id, revision, released FROM {obs_view(scope)} WHERE {' AND '.join(where)}"
        " ORDER BY obs_date, commodity, market",
        params,
    )


def uploads(s: Session, limit: int = 200) -> pd.DataFrame:
    return s.df(
        "SELECT id, file_name, uploaded_by, uploaded_at, status, layout, rows_read, rows_loaded,"
        " rows_revised, date_min, date_max, released_at, release_id FROM uploads"
        " ORDER BY id DESC LIMIT ?", [limit])


def upload_report(s: Session, upload_id: int) -> str | None:
    return s.scalar("SELECT report FROM uploads WHERE id = ?", [upload_id])


def pending_uploads(s: Session, through: date | None = None) -> list[int]:
    """Unreleased uploads, oldest first; with ``through``, only those wholly on or before it."""
    if through is None:
        rows = s.all("SELECT id FROM uploads WHERE released_at IS NULL ORDER BY id")
    else:
        rows = s.all(
            "SELECT id FROM uploads WHERE released_at IS NULL AND date_max <= ? ORDER BY id",
            [through])
    return [int(r[0]) for r in rows]


def upload_exists(s: Session, upload_id: int) -> tuple[bool, bool]:
    """(exists, released)."""
    row = s.one("SELECT released_at IS NOT NULL FROM uploads WHERE id = ?", [upload_id])
    return (row is not None, bool(row[0]) if row else False)


def history(s: Session, commodity: str, market: str, obs_date: date) -> pd.DataFrame:
    """Every revision of one price, oldest first (invariant 3: the history can be shown)."""
    return s.df(
        "SELECT o.revision, o.price, o.price_type, o.upload_id, u.file_name, u.uploaded_by,"
        " u.uploaded_at, u.released_at, o.is_current, o.is_public FROM observations o"
        " JOIN commodities c ON c.id = o.commodity_id JOIN markets m ON m.id = o.market_id"
        " JOIN uploads u ON u.id = o.upload_id"
        " WHERE c.name = ? AND m.name = ? AND o.obs_date = ? ORDER BY o.revision",
        [commodity, market, obs_date])


def audit_log(s: Session, limit: int = 200, action_prefix: str | None = None, actor: str | None = None,
              since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
    """The newest lines first; ``since`` (inclusive) and ``until`` (exclusive) are naive UTC."""
    return s.df(
        "SELECT id, at_time, actor, action, target, detail FROM audit_log"
        " WHERE (?::VARCHAR IS NULL OR starts_with(action, ?)) AND (?::VARCHAR IS NULL OR actor = ?)"
        " AND (?::TIMESTAMP IS NULL OR at_time >= ?) AND (?::TIMESTAMP IS NULL OR at_time < ?)"
        " ORDER BY id DESC LIMIT ?",
        [action_prefix or None, action_prefix or None, actor, actor, since, since, until, until, limit])


def user(s: Session, name: str) -> tuple | None:
    return s.one(
        "SELECT name, role, password_hash, active, failed_count, last_failed_at, locked_until,"
        " display_name FROM users WHERE name = ?", [name])


def users(s: Session) -> pd.DataFrame:
    return s.df("SELECT name, role, display_name, active, created_at FROM users ORDER BY name")
