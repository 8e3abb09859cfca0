"""zh-CN by default, English available.

Pages write both texts side by side, ``tr("本周价格", "This week")``, so a string and its
translation never drift apart. The language is kept in the URL (``?lang=en``) so a shared
link opens in the language it was copied in.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from pricewatch.textfmt import zh_punct

LANGS = {"zh": "中文", "en": "English"}


def lang() -> str:
    value = st.session_state.get("lang") or st.query_params.get("lang") or "zh"
    return value if value in LANGS else "zh"


def tr(zh: str, en: str) -> str:
    """The text in the reader's language; Chinese with full-width ，：； (pricewatch.textfmt)."""
    return en if lang() == "en" else zh_punct(zh)


def nm(name: object, kind: str | None = None) -> str:
    """A catalog name (category, commodity, market, unit, market kind) as the reader sees it:
    the catalog's English name in English mode, the Chinese name where it has none
    (pricewatch.names). Keys stay Chinese: link and filter by the name, show ``nm(name)``."""
    if lang() != "en":
        return "" if name is None else str(name)
    from .data import catalog_names

    return catalog_names().show(name, "en", kind)


def nm_frame(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """``frame`` with its name columns (commodity, category, market, unit, kind) shown by
    :func:`nm`; the frame itself in Chinese mode."""
    if lang() != "en":
        return frame
    from .data import catalog_names

    return catalog_names().frame(frame, "en", columns)


def choose() -> str:
    """The placeholder of every selectbox and multiselect (Streamlit's own is English:
    "Choose an option", "Choose options", "No options to select")."""
    return tr("请选择", "Choose")


def language_switch() -> None:
    """A small zh/en switch; writes ``lang`` into the URL."""
    current = lang()
    choice = st.segmented_control(
        "语言 / Language", list(LANGS), default=current, format_func=LANGS.get,
        key="lang_switch", label_visibility="collapsed",
    )
    if choice and choice != current:
        st.session_state["lang"] = choice
        if choice == "zh":
            st.query_params.pop("lang", None)
        else:
            st.query_params["lang"] = choice
        st.rerun()
