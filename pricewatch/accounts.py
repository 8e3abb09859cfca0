"""Accounts: roles, salted argon2id password hashes, login with throttling.

Passwords are hashed with argon2-cffi (argon2id, a random salt per hash; the library is
maintained by the PyCA/Hynek and is what OWASP recommends). Nothing in plain text is kept.
Logins are throttled by name and by client address (:func:`held_until`): three failures of a
name from one address hold that pair for 30 s, doubling up to 15 minutes; twenty failures of
any names from one address hold the address; ten failures of a name from everywhere hold each
address that failed for it. An address that has not failed can always sign in with the right
password, so nobody can lock an account's owner out. Every refusal reads the same and does
the same hash work (:data:`LOGIN_REFUSED`, :func:`_verify`). Every attempt is audited in the
login store (:mod:`pricewatch.store.authdb`), never in a DuckDB write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import AuthError, InputError, NotFound, PermissionDenied
from .store import Store, queries, writes

ROLES = ("editor", "reviewer", "leader", "admin")
ROLE_NAMES = {"editor": "编辑（内贸股）", "reviewer": "审核（局办公室）", "leader": "领导", "admin": "管理员"}

#: what each role may do; "admin" may do everything
PERMISSIONS: dict[str, set[str]] = {
    "editor": {"upload", "write_note", "submit_note", "view_staff"},
    "reviewer": {"review_note", "release", "publish", "view_staff", "schedule", "audit", "read_notes"},
    "leader": {"view_staff", "briefing", "read_notes"},
    "admin": {"*"},
}
for _role in ("editor", "reviewer"):
    PERMISSIONS[_role].add("briefing")

_hasher = PasswordHasher()
_dummy_hash: str | None = None  # made on first use: hashing at import slowed every command
LOCK_BASE_S = 30
LOCK_MAX_S = 15 * 60
MIN_PASSWORD_LEN = 8


@dataclass(frozen=True)
class User:
    name: str
    role: str
    display_name: str | None = None

    def can(self, permission: str) -> bool:
        allowed = PERMISSIONS.get(self.role, set())
        return "*" in allowed or permission in allowed


def require(user: User | None, permission: str) -> User:
    if user is None:
        raise PermissionDenied("此操作需要登录", "请先登录")
    if not user.can(permission):
        raise PermissionDenied(
            f"用户 {user.name}（{ROLE_NAMES.get(user.role, user.role)}）无权执行此操作",
            "请联系管理员分配相应角色",
        )
    return user


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not a real password")
    return _dummy_hash


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LEN:
        raise InputError(f"密码太短（至少 {MIN_PASSWORD_LEN} 位）", "请换一个更长的密码")
    return _hasher.hash(password)


def add_user(store: Store, name: str, role: str, password: str, *, actor: str = "admin",
             display_name: str | None = None) -> User:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise InputError(f"用户名「{name}」无效", "用户名不能为空、不能含空格，且不超过 64 个字符")
    if role not in ROLES:
        raise InputError(f"未知角色「{role}」", f"角色只能是 {', '.join(ROLES)}")
    pw_hash = hash_password(password)
    with store.write() as s:
        existed = queries.accounts.user(s, name) is not None
        writes.add_user(s, name, role, pw_hash, actor=actor, display_name=display_name)
    if existed:  # a new password or role: sessions opened under the old ones end
        from .sessions import revoke_user

        revoke_user(store, name, actor=actor)
    return User(name, role, display_name)


def get_user(store: Store, name: str) -> User:
    with store.read() as s:
        row = queries.accounts.user(s, name)
    if row is None or not row[3]:
        raise NotFound(f"用户「{name}」不存在或已停用", "用 `python -m pricewatch users add` 添加")
    return User(row[0], row[1], row[7])


def user_names(store: Store) -> list[str]:
    """Every account's name (active or not), sorted."""
    with store.read() as s:
        return [str(n) for n in queries.accounts.users(s)["name"]]


#: the one answer to every refused login: an unknown name, a wrong password and a held
#: (throttled) attempt read the same, so neither the names nor the locks can be probed
LOGIN_REFUSED = ("用户名或密码错误，或尝试过于频繁", "请核对后重试；连续输错后需等几分钟再试")

#: the throttle looks back this far
THROTTLE_WINDOW = timedelta(minutes=15)
#: failures of one name from one address before that pair is held (then 30 s, doubling)
PAIR_FREE = 3
#: failures of any names from one address before the address is held (password spraying)
CLIENT_FREE = 20
#: failures of one name from all addresses before every address that failed for it is held;
#: an address that has not failed for the name is never held by this rule, so a stranger
#: cannot lock the owner out of a correct login from the owner's own computer
NAME_FREE = 10


def _backoff(count: int, free: int) -> timedelta:
    return timedelta(seconds=min(LOCK_BASE_S * 2 ** max(count - free, 0), LOCK_MAX_S))


def held_until(pair: list[datetime], by_name: list[datetime], by_client: list[datetime]) -> datetime | None:
    """When the throttle lets this (name, address) try again, or None when it is free now.

    Each list holds the failure times within :data:`THROTTLE_WINDOW`, oldest first: of this
    name from this address, of this name from anywhere, of any name from this address.
    """
    until: list[datetime] = []
    if len(pair) >= PAIR_FREE:
        until.append(pair[-1] + _backoff(len(pair), PAIR_FREE))
    if len(by_client) >= CLIENT_FREE:
        until.append(by_client[-1] + _backoff(len(by_client), CLIENT_FREE))
    if len(by_name) >= NAME_FREE and pair:
        until.append(pair[-1] + _backoff(len(by_name), NAME_FREE))
    return max(until) if until else None


#: why a login failed, as the audit line stores it (in Chinese: the log is read and exported
#: as it is); the login page itself says only :data:`LOGIN_REFUSED`
FAILURE_REASONS = {"wrong_password": "密码错误", "unknown_user": "账号不存在或已停用"}


def _verify(pw_hash: str, password: str) -> bool:
    """The one argon2 check of a login: every path (unknown name, wrong password, a held
    attempt) calls it exactly once, so they take the same time."""
    try:
        return _hasher.verify(pw_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(store: Store, name: str, password: str, *, client: str = "local",
                 now: datetime | None = None) -> User:
    """The user when name and password match and the throttle lets this address try;
    AuthError with :data:`LOGIN_REFUSED` otherwise, whatever the reason.

    Reads the account from the published snapshot (never waits for a writer) and writes
    only to the login store beside the database (:mod:`pricewatch.store.authdb`): a login
    never waits for an ingest and costs no snapshot copy. ``client`` is the address the
    attempt came from. ``now`` is naive UTC.
    """
    from .sessions import auth_db

    now = now or utcnow()
    name = (name or "").strip()[:64]
    db = auth_db(store)
    with store.read() as s:
        row = queries.accounts.user(s, name) if name else None
    known = row is not None and bool(row[3])
    held = held_until(*db.failures(name, client, now - THROTTLE_WINDOW))
    ok = _verify(row[2] if known else _dummy(), password)
    if known and ok and (held is None or held <= now):
        db.clear_failures(name, client)
        return User(row[0], row[1], row[7])
    if known and ok:  # the right password while held: refused alike, but not a failure
        db.audit(now, name, "login.locked", name, {"client": client})
    else:
        reason = FAILURE_REASONS["wrong_password" if known else "unknown_user"]
        db.record_failure(name, client, now, "login.failed", {"client": client, "reason": reason})
    raise AuthError(*LOGIN_REFUSED)


def utcnow() -> datetime:
    """Now in UTC, naive (the store's convention for stored times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def resolve_actor(store: Store, name: str | None) -> User:
    """The user named by a command's --as (the CLI trusts the shell account running it)."""
    if not name:
        raise InputError("需要用 --as 指明操作人", "例如 --as zhangsan")
    return get_user(store, name)
