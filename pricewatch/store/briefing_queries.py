"""SQL behind pricewatch.briefing: which figures rest on unreleased data, which markets went
quiet, and the briefing archive (reads and the one write that records a generated file)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from ..periods import Period
from .queries import Scope, obs_view
from .session import Session


def unreleased_commodities(s: Session, spans: list[Period], price_type: str = "retail") -> set[str]:
    """Commodities with at least one current but unreleased observation in any of ``spans``.

    A figure computed from the staff view for such a commodity (its price, 环比 or 同比)
    includes data the public cannot see yet, so the briefing marks it 未公开.
    """
    if not spans:
        return set()
    cond = " OR ".join("obs_date BETWEEN ? AND ?" for _ in spans)
    params: list[Any] = [price_type]
    for p in spans:
        params += [p.start, p.end]
    # only "?" placeholders are interpolated; the values are bound
    sql = f"SELECT DISTINCT commodity FROM obs_staff WHERE NOT released AND price_type = ? AND ({cond})"  # noqa: S608
    return {r[0] for r in s.all(sql, params)}


def silent_markets(s: Session, scope: Scope, cur: Period, prev: Period) -> list[str]:
    """Markets that reported anything in ``prev`` and nothing in ``cur`` (catalog order)."""
    view = obs_view(scope)  # a fixed view name
    sql = (f"SELECT m.name FROM markets m WHERE EXISTS (SELECT 1 FROM {view} o"  # noqa: S608
           " WHERE o.market_id = m.id AND o.obs_date BETWEEN ? AND ?)"
           f" AND NOT EXISTS (SELECT 1 FROM {view} o WHERE o.market_id = m.id"
           " AND o.obs_date BETWEEN ? AND ?) ORDER BY m.sort, m.name")
    return [r[0] for r in s.all(sql, [prev.start, prev.end, cur.start, cur.end])]


def add_briefing(s: Session, *, period: str, public: bool, fmt: str, data_version: int,
                 has_unreleased: bool, file_name: str, sha256: str, size_bytes: int,
                 created_by: str) -> int:
    return int(s.scalar(
        "INSERT INTO briefings (period, public, format, data_version, has_unreleased, file_name,"
        " sha256, size_bytes, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [period, public, fmt, data_version, has_unreleased, file_name, sha256, size_bytes,
         created_by]))


def briefings(s: Session, *, period: str | None = None, public_only: bool = False,
              limit: int = 200) -> pd.DataFrame:
    """Archived briefings, newest first."""
    where, params = ["true"], []
    if period:
        where.append("period = ?")
        params.append(period)
    if public_only:
        where.append("public")
    params.append(limit)
    cols = ("id, period, public, format, data_version, has_unreleased, file_name, sha256,"
            " size_bytes, created_at, created_by")
    sql = f"SELECT {cols} FROM briefings WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"  # noqa: S608
    return s.df(sql, params)


def briefing(s: Session, briefing_id: int) -> dict[str, Any] | None:
    row = s.one(
        "SELECT id, period, public, format, data_version, has_unreleased, file_name, sha256,"
        " size_bytes, created_at, created_by FROM briefings WHERE id = ?", [briefing_id])
    if row is None:
        return None
    keys = ("id", "period", "public", "format", "data_version", "has_unreleased", "file_name",
            "sha256", "size_bytes", "created_at", "created_by")
    out = dict(zip(keys, row, strict=True))
    if isinstance(out["created_at"], datetime):
        out["created_at"] = out["created_at"].replace(microsecond=0)
    return out


def set_file_name(s: Session, briefing_id: int, name: str) -> None:
    """The file name, known once the row has its id."""
    s.execute("UPDATE briefings SET file_name = ? WHERE id = ?", [name, briefing_id])


def has_archive(s: Session) -> bool:
    """False on a snapshot made before migration 0004 (nothing archived there yet)."""
    return bool(s.scalar(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'briefings'"))
