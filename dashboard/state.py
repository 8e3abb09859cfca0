"""Per-process resources and per-session state shared by every page."""

from __future__ import annotations

import streamlit as st

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


def get_store() -> Store:
    """The process-wide store (read connections are shared; never mutate what it returns)."""
    return _store(str(settings().db_path))


def current_user() -> User | None:
    return st.session_state.get("user")


def login(user: User) -> None:
    st.session_state["user"] = user


def logout() -> None:
    st.session_state.pop("user", None)


def require_user(permission: str, refusal_zh: str, refusal_en: str) -> User:
    """The signed-in user who holds ``permission``; anyone else sees the refusal and the page
    stops. The navigation hides staff pages from the public; this also guards a typed URL."""
    from .i18n import tr

    user = current_user()
    if user is None or not user.can(permission):
        st.error(tr(refusal_zh, refusal_en))
        st.stop()
    return user
