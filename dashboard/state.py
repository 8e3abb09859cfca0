"""Per-process resources and per-session state shared by every page."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from pricewatch import sessions, textfmt
from pricewatch.accounts import User
from pricewatch.config import Settings, load_settings
from pricewatch.store import Store, open_store


@st.cache_resource
def _settings(db_env_key: str) -> Settings:
    return load_settings()


def settings() -> Settings:
    # keyed by the configured path so a test that changes PRICEWATCH_DB gets fresh settings
    import os

    return _settings(os.environ.get("PRICEWATCH_DB", ""))


@st.cache_resource
def _store(path: str) -> Store:
    return open_store(path)


def shown_time(value: object) -> str:
    """A stored time as every page shows it: "2026-12-02 12:43" in the bureau's zone."""
    return textfmt.clock(value, settings().timezone)  # type: ignore[arg-type]


_ZONE_NUMBERS = "零一二三四五六七八九十"


def zone_name_zh(tz: str | None = None) -> str:
    """The bureau's time zone in Chinese words: 北京时间 for Asia/Shanghai, else 东八区-style
    from its current offset (a half-hour offset as 东5:30区)."""
    from zoneinfo import ZoneInfo

    tz = tz or settings().timezone
    if tz in ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"):
        return "北京时间"
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "零时区"
    side, hours, rest = ("东" if minutes > 0 else "西"), abs(minutes) // 60, abs(minutes) % 60
    if rest:
        return f"{side}{hours}:{rest:02d}区"
    return f"{side}{'十' + _ZONE_NUMBERS[hours - 10] if hours > 10 else _ZONE_NUMBERS[hours]}区"


def shown_times(values: object) -> list[str]:
    """:func:`shown_time` of each value of a column."""
    return [shown_time(v) for v in values]  # type: ignore[attr-defined]


def get_store() -> Store:
    """The process-wide store (read connections are shared; never mutate what it returns)."""
    return _store(str(settings().db_path))


#: where a test (AppTest cannot send cookies) puts a real session token; the served app
#: never writes it: there the token comes only from the HttpOnly cookie
TEST_TOKEN_KEY = "_session_token"


def session_token() -> str | None:
    """The opaque token of this browser's session: the HttpOnly cookie the login route set
    (st.context.cookies holds the cookies of the page's WebSocket request)."""
    try:
        token = st.context.cookies.get(sessions.COOKIE)
    except Exception:  # noqa: BLE001 (no browser context: bare runs, AppTest)
        token = None
    if not isinstance(token, str) or not token:
        token = st.session_state.get(TEST_TOKEN_KEY)
    return token if isinstance(token, str) else None


def current_user() -> User | None:
    """The signed-in user, checked against the server-side session on every run: a session
    that was revoked, ended at logout in another tab, expired or idled out gives None."""
    if settings().auth_provider == "oidc":
        return _oidc_user()
    return sessions.resolve(get_store(), session_token())


def _oidc_user() -> User | None:
    """With ``[auth] provider = "oidc"``: the identity provider's user (st.user), mapped to
    the account of the same name (email, else preferred_username) for its role."""
    from pricewatch.accounts import get_user
    from pricewatch.errors import NotFound

    if not getattr(st.user, "is_logged_in", False):
        return None
    name = st.user.get("email") or st.user.get("preferred_username")
    if not name:
        return None
    try:
        user = get_user(get_store(), str(name))
    except NotFound:
        return None
    issued = st.user.get("iat")
    revoked = sessions.auth_db(get_store()).last_revoked(user.name)
    if revoked is not None and (not isinstance(issued, int | float) or
                                datetime.fromtimestamp(issued, UTC).replace(tzinfo=None) <= revoked):
        return None
    return user


def logout() -> None:
    """End this browser's session everywhere (every tab holding its cookie)."""
    if settings().auth_provider == "oidc":
        st.logout()
        return
    sessions.end(get_store(), session_token())
    st.session_state.pop(TEST_TOKEN_KEY, None)


def require_user(permission: str, refusal_zh: str, refusal_en: str) -> User:
    """The signed-in user who holds ``permission``; anyone else sees the refusal and the page
    stops. The navigation hides staff pages from the public; this also guards a typed URL."""
    from .i18n import tr

    user = current_user()
    if user is None or not user.can(permission):
        st.error(tr(refusal_zh, refusal_en))
        st.stop()
    return user
