"""Accounts: roles, salted argon2id password hashes, login with throttling.

Passwords are hashed with argon2-cffi (argon2id, a random salt per hash; the library is
maintained by the PyCA/Hynek and is what OWASP recommends). Nothing in plain text is kept.
After ``login_max_tries`` failures in a row the account is locked for 30 s, doubling with
every further failure up to 15 minutes; a locked account refuses even the right password
until the lock expires. Every login attempt goes into the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import AuthError, InputError, NotFound, PermissionDenied
from .store import Store, queries, writes

ROLES = ("editor", "reviewer", "leader", "admin")
ROLE_NAMES = {"editor": "编辑(内贸股)", "reviewer": "审核(局办公室)", "leader": "领导", "admin": "管理员"}

#: what each role may do; "admin" may do everything
PERMISSIONS: dict[str, set[str]] = {
    "editor": {"upload", "write_note", "submit_note", "view_staff"},
    "reviewer": {"review_note", "release", "publish", "view_staff", "schedule"},
    "leader": {"view_staff", "briefing"},
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
            f"用户 {user.name}({ROLE_NAMES.get(user.role, user.role)})无权执行此操作",
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
        raise InputError(f"密码太短(至少 {MIN_PASSWORD_LEN} 位)", "请换一个更长的密码")
    return _hasher.hash(password)


def add_user(store: Store, name: str, role: str, password: str, *, actor: str = "admin",
             display_name: str | None = None) -> User:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise InputError(f"用户名「{name}」无效", "用户名不能为空、不能含空格, 且不超过 64 个字符")
    if role not in ROLES:
        raise InputError(f"未知角色「{role}」", f"角色只能是 {', '.join(ROLES)}")
    pw_hash = hash_password(password)
    with store.write() as s:
        writes.add_user(s, name, role, pw_hash, actor=actor, display_name=display_name)
    return User(name, role, display_name)


def get_user(store: Store, name: str) -> User:
    with store.read() as s:
        row = queries.user(s, name)
    if row is None or not row[3]:
        raise NotFound(f"用户「{name}」不存在或已停用", "用 `python -m pricewatch users add` 添加")
    return User(row[0], row[1], row[7])


def authenticate(store: Store, name: str, password: str, *, max_tries: int = 3,
                 now: datetime | None = None) -> User:
    """The user when name and password match; AuthError otherwise (always the same wording).

    The failure is recorded (and the transaction committed) before the error is raised:
    raising inside the write block would roll the failure count back.
    """
    now = now or datetime.now()
    failure: AuthError | None = None
    user: User | None = None
    with store.write() as s:
        s.keep_data_version()  # a login changes no figure: page caches stay valid
        row = queries.user(s, name)
        if row is None or not row[3]:
            try:  # spend the same time as a real check, so names cannot be probed by timing
                _hasher.verify(_dummy(), password)
            except VerificationError:
                pass
            writes.audit(s, name or "?", "login.failed", name, {"reason": "unknown user"})
            failure = AuthError("用户名或密码错误", "请检查后重试")
        else:
            _, role, pw_hash, _, failed, _, locked_until, display = row
            if locked_until is not None and locked_until > now:
                wait = int((locked_until - now).total_seconds()) + 1
                writes.audit(s, name, "login.locked", name)
                failure = AuthError("尝试次数过多, 账号暂时锁定", f"请在 {wait} 秒后重试")
            else:
                try:
                    _hasher.verify(pw_hash, password)
                except (VerifyMismatchError, VerificationError, InvalidHashError):
                    failed += 1
                    lock = None
                    if failed >= max_tries:
                        secs = min(LOCK_BASE_S * 2 ** (failed - max_tries), LOCK_MAX_S)
                        lock = now + timedelta(seconds=secs)
                    writes.record_login(s, name, ok=False, locked_until=lock)
                    failure = (
                        AuthError("用户名或密码错误; 尝试次数过多, 账号暂时锁定",
                                  f"请在 {int((lock - now).total_seconds())} 秒后重试")
                        if lock is not None else AuthError("用户名或密码错误", "请检查后重试")
                    )
                else:
                    new_hash = _hasher.hash(password) if _hasher.check_needs_rehash(pw_hash) else None
                    writes.record_login(s, name, ok=True, new_hash=new_hash)
                    user = User(name, role, display)
    if failure is not None:
        raise failure
    assert user is not None
    return user


def resolve_actor(store: Store, name: str | None) -> User:
    """The user named by a command's --as (the CLI trusts the shell account running it)."""
    if not name:
        raise InputError("需要用 --as 指明操作人", "例如 --as zhangsan")
    return get_user(store, name)
