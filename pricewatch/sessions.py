"""Staff sessions: server-side, revocable, held by the browser as one opaque token.

A login (:func:`login`) checks the password (:func:`pricewatch.accounts.authenticate`) and
starts a session: 32 random bytes (``secrets.token_urlsafe``) go to the browser in an
HttpOnly, SameSite=Strict cookie (Secure under HTTPS) and only their SHA-256 is kept, in the
login store beside the database (:mod:`pricewatch.store.authdb`). Every page run resolves the
token (:func:`resolve`): a session lives ``[auth] session_hours`` (default 8) from its login
and ends earlier after ``[auth] idle_minutes`` (default 60) without a page run, at logout
(:func:`end`), or when revoked (:func:`revoke_user`: ``python -m pricewatch users revoke
NAME``, and ``users disable`` or a password reset). Nothing here touches the DuckDB primary,
so logins and session bookkeeping never wait for an ingest.

A session keeps the role the account had at login; changing an account (``users add`` again)
revokes its sessions, so a new role takes effect at the next login.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from .accounts import ROLES, User, authenticate, utcnow
from .config import Settings
from .store import Store
from .store.authdb import AuthDB, SessionRow

COOKIE = "pw_session"
#: a page run refreshes a session's last use at most this often (fewer writes)
TOUCH_EVERY = timedelta(seconds=60)

#: where each role lands after logging in, when no page was asked for (url paths)
LANDING = {"leader": "briefing", "editor": "upload", "reviewer": "review", "admin": "review"}

_dbs: dict[str, AuthDB] = {}
_dbs_lock = threading.Lock()


def auth_db(store: Store) -> AuthDB:
    """The login store of ``store`` (one object per database file in a process)."""
    key = str(store.path)
    with _dbs_lock:
        db = _dbs.get(key)
        if db is None:
            db = _dbs[key] = AuthDB.beside(store.path)
        return db


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Lifetime:
    hours: float = 8.0
    idle_minutes: float = 60.0

    @classmethod
    def of(cls, settings: Settings | None) -> Lifetime:
        if settings is None:
            return cls()
        return cls(settings.session_hours, settings.session_idle_minutes)


def start(store: Store, user: User, *, client: str | None = None, agent: str | None = None,
          settings: Settings | None = None, now: datetime | None = None) -> str:
    """A new session for ``user``; returns the token for the browser (kept nowhere else)."""
    now = now or utcnow()
    life = Lifetime.of(settings)
    token = secrets.token_urlsafe(32)
    auth_db(store).create_session(
        token_hash(token), user.name, user.role, now, now + timedelta(hours=life.hours),
        int(life.idle_minutes * 60), client, agent)
    return token


def login(store: Store, name: str, password: str, *, client: str, agent: str | None = None,
          settings: Settings | None = None, now: datetime | None = None) -> tuple[User, str]:
    """Check the password and start a session: (user, token). AuthError when refused."""
    user = authenticate(store, name, password, client=client, now=now)
    return user, start(store, user, client=client, agent=agent, settings=settings, now=now)


def resolve(store: Store, token: str | None, *, now: datetime | None = None) -> User | None:
    """The user of a live session, or None (no token, unknown, expired, idle, revoked)."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    db = auth_db(store)
    h = token_hash(token)
    row = db.session(h)
    if row is None or not row.alive(now) or row.role not in ROLES:
        return None
    if now - row.last_seen >= TOUCH_EVERY:
        db.touch(h, now)
    return User(row.name, row.role)


def end(store: Store, token: str | None, *, now: datetime | None = None) -> None:
    """Logout: the session ends for every tab and window that holds its cookie."""
    if token:
        auth_db(store).revoke(now or utcnow(), "self", token_sha256=token_hash(token),
                              action="session.logout")


def revoke_user(store: Store, name: str, *, actor: str, now: datetime | None = None) -> int:
    """End every live session of ``name`` (returns how many)."""
    return auth_db(store).revoke(now or utcnow(), actor, name=name)


def active(store: Store, *, now: datetime | None = None) -> list[SessionRow]:
    """The live sessions, by name then login time."""
    return auth_db(store).sessions(now or utcnow())


def landing(user: User) -> str:
    """The url path a user lands on after logging in (leaders: the briefing)."""
    return LANDING.get(user.role, "")
