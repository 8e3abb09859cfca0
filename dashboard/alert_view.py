"""How a page shows 价格预警: a coloured badge that says the level in words, the plain message,
and a link to the commodity's trend. Colour never carries the level alone.

The alerts are those of pricewatch.indicators.report (the public report on public pages, so
no ALPS there unless pricewatch.toml allows it, and never the word 危机).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import streamlit as st

from dashboard.i18n import lang, nm, tr
from pricewatch.indicators import LEVEL_EN, alert_en

#: Streamlit badge colour per level (rule levels, the gap notice, ALPS bands for staff)
COLOUR = {"red": "red", "orange": "orange", "yellow": "yellow", "notice": "gray",
          "crisis": "red", "alert": "orange", "stress": "yellow"}
_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def _md(text: str) -> str:
    """Markdown-escaped text: a message is shown as it is, never as markup."""
    return _MD.sub(r"\\\1", text)


def alert_line(a: dict[str, Any], lang_q: str = "") -> str:
    """One alert as a markdown line: badge (level in words), message, link to the trend."""
    level = str(a.get("level") or "")
    label = str(a.get("level_label") or tr("提示", "notice")) if lang() == "zh" else LEVEL_EN.get(level, level)
    text = str(a.get("message") or "") if lang() == "zh" else alert_en(
        {**a, "commodity": nm(a.get("commodity"), "commodity"), "market": nm(a.get("market"), "market")})
    line = f":{COLOUR.get(level, 'gray')}-badge[{_md(label)}] {_md(text)}"
    if a.get("commodity"):
        line += f" [{tr('走势', 'trend')} →](./trend?commodity={quote(str(a['commodity']))}{lang_q})"
    return line


def show_alerts(alerts: list[dict[str, Any]], *, limit: int = 5, lang_q: str = "") -> None:
    """The alerts, most severe first as the report sorts them; beyond ``limit`` they fold away."""
    with st.container(border=True):
        for a in alerts[:limit]:
            st.markdown(alert_line(a, lang_q))
        if len(alerts) > limit:
            with st.expander(tr(f"其余{len(alerts) - limit}条提醒", f"{len(alerts) - limit} more alerts")):
                for a in alerts[limit:]:
                    st.markdown(alert_line(a, lang_q))
