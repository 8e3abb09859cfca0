"""Alert messages in plain Chinese (full-width punctuation; names keep their catalog spelling)."""

from __future__ import annotations

from .alps import ALPS_LEVEL_ZH
from .formulas import round_half_up


# -- messages ----------------------------------------------------------------------------
def _fmt_threshold(t: float) -> str:
    return f"{t:g}"


def jump_message(commodity: str, wow_pct: float, threshold: float, label: str = "环比") -> str:
    """'猪肉(五花)环比上涨12.3%,超过5%预警线' (达到 when exactly at the line)."""
    r = round_half_up(wow_pct, 1) or 0.0
    verb = "上涨" if r > 0 else "下降"
    rel = "达到" if abs(r) == threshold else "超过"
    return f"{commodity}{label}{verb}{abs(r):.1f}%,{rel}{_fmt_threshold(threshold)}%预警线"


def alps_message(commodity: str, score: float, level: str) -> str:
    return (f"{commodity}价格明显高于按长期趋势和季节规律推算的水平"
            f"(ALPS指数{round_half_up(score, 2):.2f},{ALPS_LEVEL_ZH.get(level, level)}级)")


def gap_message(market: str, commodity: str | None = None) -> str:
    if commodity is None:
        return f"{market}本期未报送价格(上期有报价)"
    return f"{market}本期未报送{commodity}价格(上期有报价)"
