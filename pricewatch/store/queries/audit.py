"""The audit log (DuckDB side; logins are audited in the login store beside it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..session import Session

if TYPE_CHECKING:  # DuckDB imports pandas itself when a frame is asked for
    import pandas as pd


def audit_log(s: Session, limit: int = 200, action_prefix: str | None = None, actor: str | None = None,
              since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
    """The newest lines first; ``since`` (inclusive) and ``until`` (exclusive) are naive UTC."""
    return s.df(
        "SELECT id, at_time, actor, action, target, detail FROM audit_log"
        " WHERE (?::VARCHAR IS NULL OR starts_with(action, ?)) AND (?::VARCHAR IS NULL OR actor = ?)"
        " AND (?::TIMESTAMP IS NULL OR at_time >= ?) AND (?::TIMESTAMP IS NULL OR at_time < ?)"
        " ORDER BY id DESC LIMIT ?",
        [action_prefix or None, action_prefix or None, actor, actor, since, since, until, until, limit])
