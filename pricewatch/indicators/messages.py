"""Alert messages in plain Chinese (full-width punctuation; names keep their catalog spelling)."""

from __future__ import annotations

from typing import Any

from .alps import ALPS_LEVEL_PUBLIC, ALPS_LEVEL_ZH
from .formulas import round_half_up


# -- messages ----------------------------------------------------------------------------
def _fmt_threshold(t: float) -> str:
    return f"{t:g}"


def jump_message(commodity: str, wow_pct: float, threshold: float, label: str = "环比",
                 level_label: str = "黄色预警", standard: str = "预警线") -> str:
    """'猪肉(五花)价格环比上涨12.3%，超过5%的预警线（黄色预警）' (达到 when exactly on the line)."""
    r = round_half_up(wow_pct, 1) or 0.0
    verb = "上涨" if r > 0 else "下降"
    rel = "达到" if abs(r) == threshold else "超过"
    return f"{commodity}价格{label}{verb}{abs(r):.1f}%，{rel}{_fmt_threshold(threshold)}%的{standard}（{level_label}）"


def alps_message(commodity: str, score: float, level: str, *, public: bool = False) -> str:
    """Staff: the score and its band (关注/预警/危机); public (only where pricewatch.toml allows
    ALPS on public pages): plain words, no score and never the word 危机."""
    if public:
        return f"{commodity}价格明显高于按长期趋势和季节规律推算的水平（{ALPS_LEVEL_PUBLIC.get(level, '偏高')}）"
    return (f"{commodity}价格明显高于按长期趋势和季节规律推算的水平"
            f"（ALPS指数{round_half_up(score, 2):.2f}，{ALPS_LEVEL_ZH.get(level, level)}级）")


def gap_message(market: str, commodity: str | None = None) -> str:
    if commodity is None:
        return f"{market}本期未报送价格（上期有报价）"
    return f"{market}本期未报送{commodity}价格（上期有报价）"


#: what each alert level is called in English (the Chinese words travel in ``level_label``)
LEVEL_EN = {"red": "red alert", "orange": "orange alert", "yellow": "yellow alert", "notice": "notice",
            "stress": "slightly high", "alert": "high", "crisis": "very high"}


def alert_en(a: dict[str, Any]) -> str:
    """An alert of :func:`report` in English, from its fields (the Chinese ``message`` is the
    published one; the English pages and site say the same from the figures)."""
    what, value = a.get("commodity") or "", a.get("value")
    if a.get("kind") == "alps":
        return f"{what}: price well above its long-run trend and seasonal level"
    if a.get("kind") == "gap":
        return f"{a.get('market') or ''} did not report {what or 'any price'} this period".strip()
    if not isinstance(value, (int, float)):
        return str(a.get("message") or what)
    line = a.get("threshold")
    past = f", past the {line:g}% line" if isinstance(line, (int, float)) else ""
    measure = a.get("measure")
    if measure == "ratio":
        return f"hog-to-grain price ratio {value:.2f}:1 ({LEVEL_EN.get(str(a.get('level')), '')})"
    if measure == "consecutive":
        return f"{what}: rose several periods in a row, {value:+.1f}% in all"
    if measure == "cumulative":
        return f"{what}: {value:+.1f}% within the window{past}"
    on = "the same period last year" if measure == "yoy" else "the previous period"
    return f"{what}: {value:+.1f}% on {on}{past}"
