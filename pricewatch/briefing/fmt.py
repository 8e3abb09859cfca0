"""Display formats shared by the PDF and the Word renderers (one place, so both agree).

Prices to 2 decimals, percentages to 1 (DESIGN.md); the values arrive already rounded from
pricewatch.indicators, formatting only fixes the number of digits shown.
"""

from __future__ import annotations

from datetime import date, datetime

DASH = "—"
UNRELEASED = "未公开"
SECRET_MARK = "内部资料 注意保密"


def price(v: float | None) -> str:
    return DASH if v is None else f"{v:.2f}"


def pct(v: float | None) -> str:
    """+3.2% / -1.5% / 0.0% (持平 rounds to 0.0 %) / — when it cannot be computed."""
    if v is None:
        return DASH
    return f"{v:+.1f}%" if v != 0 else "0.0%"


def index(v: float | None) -> str:
    """An index as given: up to 2 decimals, at least 1 (100.0, 103.25)."""
    if v is None:
        return DASH
    s = f"{v:.2f}"
    return s[:-1] if s.endswith("0") else s


def change_words(v: float | None) -> str:
    """上涨3.2% / 下降1.5% / 持平 — the way Chinese price bulletins write a change."""
    if v is None:
        return "无可比数据"
    if v == 0:
        return "持平"
    return f"{'上涨' if v > 0 else '下降'}{abs(v):.1f}%"


def date_zh(d: date | datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def direction_class(v: float | None) -> str:
    if v is None or v == 0:
        return "flat"
    return "up" if v > 0 else "down"
