"""The briefing archive: which briefings were generated (reads, and the writes that record
a generated file; the files themselves lie beside the database)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..session import Session

if TYPE_CHECKING:  # DuckDB imports pandas itself when a frame is asked for
    import pandas as pd


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
