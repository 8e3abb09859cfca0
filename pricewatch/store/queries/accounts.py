"""User rows (passwords as hashes; sessions and login failures live in the login store,
:mod:`pricewatch.store.authdb`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..session import Session

if TYPE_CHECKING:  # DuckDB imports pandas itself when a frame is asked for
    import pandas as pd


def user(s: Session, name: str) -> tuple | None:
    return s.one(
        "SELECT name, role, password_hash, active, failed_count, last_failed_at, locked_until,"
        " display_name FROM users WHERE name = ?", [name])


def users(s: Session) -> pd.DataFrame:
    return s.df("SELECT name, role, display_name, active, created_at FROM users ORDER BY name")
