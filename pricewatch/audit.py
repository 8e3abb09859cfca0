"""The audit log as one list: the store's lines and the login store's, merged by time.

Data actions (uploads, releases, notes, accounts) are audited in the DuckDB ``audit_log``
inside their own transaction; logins, logouts and session revocations in the login store
beside it (:mod:`pricewatch.store.authdb`), so that signing in never waits for an ingest.
Readers want one log: :func:`audit_log` returns both with the same columns, newest first.
"""

from __future__ import annotations

import pandas as pd

from .sessions import auth_db
from .store import Store, queries

COLUMNS = ["id", "at_time", "actor", "action", "target", "detail"]


def audit_log(store: Store, limit: int = 200, action_prefix: str | None = None) -> pd.DataFrame:
    """The newest ``limit`` lines of both logs (``action_prefix`` filters, e.g. "login")."""
    with store.read() as s:
        main = queries.audit_log(s, limit=limit, action_prefix=action_prefix)
    logins = auth_db(store).audit_log(limit=limit, action_prefix=action_prefix)
    frames = [f[COLUMNS] for f in (main, logins) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    both = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    both["at_time"] = pd.to_datetime(both["at_time"])
    return both.sort_values("at_time", ascending=False, kind="stable").head(limit).reset_index(drop=True)
