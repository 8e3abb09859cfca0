"""The login store: sessions, login failures and their audit lines, in SQLite beside the database.

Why a second file. Every write to the DuckDB primary takes the store's exclusive lock and
copies the file to a new snapshot; a login written there waited behind a long ingest (one
waited 36.8 s) and cost a full snapshot copy. Logins and session bookkeeping need neither:
they are a few small rows written often, read on every page run, and never shown to the
public. So they live in ``<db>.auth.sqlite`` (WAL journal: readers never wait for a writer,
a write takes milliseconds and never waits for an ingest, which holds only the DuckDB lock).

Tables:

* ``sessions``: one row per login. The browser holds an opaque random token; only its SHA-256
  is stored here, so a copy of this file lets nobody sign in. A session ends at its absolute
  expiry, after ``idle`` seconds without use, or when revoked (logout, ``users revoke``,
  ``users disable``, a password reset).
* ``login_failures``: one row per refused login (name as typed, client address, time). The
  throttle in :mod:`pricewatch.accounts` counts them; rows older than a day are pruned.
* ``auth_log``: the audit lines of logins, logouts and revocations, append-only, with the
  same columns as the DuckDB ``audit_log`` (the audit page shows both, merged by time).

Times are UTC, stored as ISO 8601 text without offset (the same convention as the DuckDB
audit log, whose ``current_timestamp`` is taken in UTC on these servers).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    token_sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    idle_s INTEGER NOT NULL,
    client TEXT,
    agent TEXT,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE INDEX IF NOT EXISTS sessions_name ON sessions (name);
CREATE TABLE IF NOT EXISTS login_failures (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    client TEXT NOT NULL,
    at_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_name ON login_failures (name, at_time);
CREATE INDEX IF NOT EXISTS login_failures_client ON login_failures (client, at_time);
CREATE TABLE IF NOT EXISTS auth_log (
    id INTEGER PRIMARY KEY,
    at_time TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
);
"""


def _iso(t: datetime) -> str:
    return t.replace(tzinfo=None).isoformat(timespec="microseconds")


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class SessionRow:
    name: str
    role: str
    created_at: datetime
    last_seen: datetime
    expires_at: datetime
    idle_s: int
    client: str | None
    agent: str | None
    revoked_at: datetime | None

    def alive(self, now: datetime) -> bool:
        """Not revoked, not past its absolute expiry, used within its idle time."""
        if self.revoked_at is not None or now >= self.expires_at:
            return False
        return (now - self.last_seen).total_seconds() < self.idle_s


class AuthDB:
    """``<db>.auth.sqlite``; thread-safe (a connection per call), shared per process."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._ready = False
        self._init_lock = threading.Lock()

    @classmethod
    def beside(cls, db_path: str | Path) -> AuthDB:
        p = Path(db_path)
        return cls(p.with_name(p.name + ".auth.sqlite"))

    @contextlib.contextmanager
    def _con(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as e:
            raise StoreError(f"无法打开登录记录 {self.path.name}: {e}",
                             "确认数据库所在目录可写，磁盘未满") from e
        try:
            if not self._ready:
                with self._init_lock:
                    con.execute("PRAGMA journal_mode=WAL")
                    con.executescript(_SCHEMA)
                    self._ready = True
            con.execute("PRAGMA synchronous=NORMAL")
            yield con
        except sqlite3.Error as e:
            raise StoreError(f"登录记录读写失败：{e}", "磁盘已满或文件损坏时，请联系管理员") from e
        finally:
            con.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._con() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    @staticmethod
    def _audit(con: sqlite3.Connection, now: datetime, actor: str, action: str,
               target: str | None, detail: Any) -> None:
        con.execute(
            "INSERT INTO auth_log (at_time, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            [_iso(now), actor, action, target,
             json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None])

    # -- audit ---------------------------------------------------------------------
    def audit(self, now: datetime, actor: str, action: str, target: str | None = None,
              detail: Any = None) -> None:
        with self._tx() as con:
            self._audit(con, now, actor, action, target, detail)

    def audit_log(self, limit: int = 200, action_prefix: str | None = None, actor: str | None = None,
                  since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
        """The newest lines first, with the DuckDB audit log's columns (id negative: its own);
        ``since`` (inclusive) and ``until`` (exclusive) are naive UTC."""
        cols = ["id", "at_time", "actor", "action", "target", "detail"]
        if not self.path.exists():
            return pd.DataFrame(columns=cols)
        sql = "SELECT -id, at_time, actor, action, target, detail FROM auth_log"
        sql += (" WHERE (? IS NULL OR substr(action, 1, ?) = ?) AND (? IS NULL OR actor = ?)"
                " AND (? IS NULL OR at_time >= ?) AND (? IS NULL OR at_time < ?) ORDER BY id DESC LIMIT ?")
        prefix = action_prefix or None
        lo, hi = since and _iso(since), until and _iso(until)
        params: list[Any] = [prefix, len(prefix or ""), prefix, actor, actor, lo, lo, hi, hi]
        with self._con() as con:
            rows = con.execute(sql, [*params, int(limit)]).fetchall()
        df = pd.DataFrame(rows, columns=cols)
        df["at_time"] = pd.to_datetime(df["at_time"])
        return df

    # -- login failures ------------------------------------------------------------------
    def record_failure(self, name: str, client: str, now: datetime, action: str,
                       detail: Any = None) -> None:
        with self._tx() as con:
            con.execute("INSERT INTO login_failures (name, client, at_time) VALUES (?, ?, ?)",
                        [name, client, _iso(now)])
            con.execute("DELETE FROM login_failures WHERE at_time < ?",
                        [_iso(now - timedelta(days=1))])  # the throttle looks back minutes
            self._audit(con, now, name or "?", action, name, detail)

    def failures(self, name: str, client: str, since: datetime) -> tuple[list[datetime], list[datetime], list[datetime]]:
        """Failure times since ``since``: of this name from this client, of this name from
        anywhere, of any name from this client (each oldest first)."""
        with self._con() as con:
            def times(where: str, params: list[Any]) -> list[datetime]:
                rows = con.execute(
                    f"SELECT at_time FROM login_failures WHERE {where} AND at_time >= ?"  # noqa: S608 (fixed fragments)
                    " ORDER BY at_time", [*params, _iso(since)]).fetchall()
                return [datetime.fromisoformat(r[0]) for r in rows]

            return (times("name = ? AND client = ?", [name, client]),
                    times("name = ?", [name]), times("client = ?", [client]))

    def clear_failures(self, name: str, client: str) -> None:
        with self._tx() as con:
            con.execute("DELETE FROM login_failures WHERE name = ? AND client = ?", [name, client])

    # -- sessions ------------------------------------------------------------------------
    def create_session(self, token_sha256: str, name: str, role: str, now: datetime,
                       expires_at: datetime, idle_s: int, client: str | None,
                       agent: str | None) -> None:
        with self._tx() as con:
            con.execute(
                "INSERT INTO sessions (token_sha256, name, role, created_at, last_seen, expires_at,"
                " idle_s, client, agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [token_sha256, name, role, _iso(now), _iso(now), _iso(expires_at), int(idle_s),
                 client, (agent or "")[:200]])
            self._audit(con, now, name, "login.ok", name, {"client": client})

    def session(self, token_sha256: str) -> SessionRow | None:
        with self._con() as con:
            r = con.execute(
                "SELECT name, role, created_at, last_seen, expires_at, idle_s, client, agent,"
                " revoked_at FROM sessions WHERE token_sha256 = ?", [token_sha256]).fetchone()
        if r is None:
            return None
        return SessionRow(r[0], r[1], _dt(r[2]), _dt(r[3]), _dt(r[4]), int(r[5]), r[6], r[7],
                          _dt(r[8]))

    def touch(self, token_sha256: str, now: datetime) -> None:
        with self._tx() as con:
            con.execute("UPDATE sessions SET last_seen = ? WHERE token_sha256 = ? AND revoked_at IS NULL",
                        [_iso(now), token_sha256])

    def revoke(self, now: datetime, actor: str, *, token_sha256: str | None = None,
               name: str | None = None, action: str = "session.revoke") -> int:
        """Revoke one session (by token) or every live session of ``name``; returns how many."""
        with self._tx() as con:
            if token_sha256 is not None:
                row = con.execute("SELECT name FROM sessions WHERE token_sha256 = ?"
                                  " AND revoked_at IS NULL", [token_sha256]).fetchone()
                cur = con.execute("UPDATE sessions SET revoked_at = ?, revoked_by = ?"
                                  " WHERE token_sha256 = ? AND revoked_at IS NULL",
                                  [_iso(now), actor, token_sha256])
                target = row[0] if row else None
            else:
                cur = con.execute("UPDATE sessions SET revoked_at = ?, revoked_by = ?"
                                  " WHERE name = ? AND revoked_at IS NULL AND expires_at > ?",
                                  [_iso(now), actor, name, _iso(now)])
                target = name
            n = cur.rowcount
            if n or token_sha256 is None:
                self._audit(con, now, actor, action, target, {"sessions": n})
            return n

    def sessions(self, now: datetime, *, include_ended: bool = False) -> list[SessionRow]:
        with self._con() as con:
            rows = con.execute(
                "SELECT name, role, created_at, last_seen, expires_at, idle_s, client, agent,"
                " revoked_at FROM sessions ORDER BY name, created_at").fetchall()
        out = [SessionRow(r[0], r[1], _dt(r[2]), _dt(r[3]), _dt(r[4]), int(r[5]), r[6], r[7], _dt(r[8]))
               for r in rows]
        return out if include_ended else [s for s in out if s.alive(now)]

    def last_revoked(self, name: str) -> datetime | None:
        """When the sessions of ``name`` were last revoked (for sign-ins we keep no row of:
        an identity provider's)."""
        if not self.path.exists():
            return None
        with self._con() as con:
            r = con.execute("SELECT max(at_time) FROM auth_log WHERE action = 'session.revoke'"
                            " AND target = ?", [name]).fetchone()
        return _dt(r[0]) if r else None

    def copy_to(self, dest: str | Path) -> bool:
        """A consistent copy of the login store into ``dest`` (SQLite's online backup: safe
        while logins go on); False when there is no login store yet."""
        if not self.path.exists():
            return False
        with self._con() as con:
            out = sqlite3.connect(dest)
            try:
                con.backup(out)
            finally:
                out.close()
        return True

    def revoke_all(self, now: datetime, actor: str, action: str = "session.revoke_all") -> int:
        """End every live session (a restored login store must not bring sessions back)."""
        with self._tx() as con:
            n = con.execute("UPDATE sessions SET revoked_at = ?, revoked_by = ? WHERE revoked_at IS NULL",
                            [_iso(now), actor]).rowcount
            self._audit(con, now, actor, action, None, {"sessions": n})
            return n
