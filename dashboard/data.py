"""The only st.cache_* wrappers. Every cached result is keyed by the store's data version,
so a page view never rescans history and a new load or release is seen at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pricewatch import indicators
from pricewatch.indicators import Report
from pricewatch.store import queries

from .state import get_store


def version() -> int:
    return get_store().version()


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _report(db: str, ver: int, public: bool, period: str | None) -> Report | None:
    return indicators.report(get_store(), period=period, public=public)


def report(public: bool = True, period: str | None = None) -> Report | None:
    store = get_store()
    return _report(str(store.path), store.version(), public, period)


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _series(db: str, ver: int, commodity: str, public: bool) -> pd.DataFrame:
    return indicators.series(get_store(), commodity, public=public)


def series(commodity: str, public: bool = True) -> pd.DataFrame:
    store = get_store()
    return _series(str(store.path), store.version(), commodity, public)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _commodities(db: str, ver: int) -> pd.DataFrame:
    with get_store().read() as s:
        return queries.commodities(s)


def commodities() -> pd.DataFrame:
    store = get_store()
    return _commodities(str(store.path), store.version())
