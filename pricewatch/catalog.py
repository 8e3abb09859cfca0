"""Commodities, markets, aliases, units and conversions.

Canonical units: 元/公斤 unless the catalog says otherwise (元/桶 for 5 L oil, 元/个 ...).
Weight units convert to 元/公斤 exactly: 元/斤 x 2, 元/500克 x 2, 元/克 x 1000, 元/吨 / 1000,
元/N公斤 (a sack: "90 KG") / N. Per-piece units (个, 只, 盒, 袋, 箱, 把, 桶, 瓶, 头, 束 ...) are
never converted into weights: a price per piece stays per piece, and a commodity whose
canonical unit is a weight cannot take a per-piece price without a person deciding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

CANONICAL_WEIGHT_UNIT = "元/公斤"

#: unit of weight -> how many of it make a kilogram
_PER_KG = {
    "公斤": 1.0, "千克": 1.0, "kg": 1.0, "kgs": 1.0, "斤": 2.0, "市斤": 2.0, "500克": 2.0,
    "500g": 2.0, "克": 1000.0, "g": 1000.0, "吨": 0.001, "t": 0.001, "两": 20.0,
}
PIECE_UNITS = (
    "个", "只", "盒", "袋", "箱", "把", "桶", "瓶", "头", "束", "扎", "根", "棵", "盘", "件",
    "unit", "head", "bunch", "piece", "pc", "pcs", "ml", "l", "升", "毫升",
)


@dataclass(frozen=True)
class Unit:
    """A parsed price unit: ``per`` is what one price buys."""

    text: str
    canonical: str  # "元/公斤" for weights, "元/<piece>" otherwise
    factor: float  # canonical price = price x factor
    is_weight: bool


def _clean(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", "", t).replace("rmb", "元").replace("¥", "元").replace("yuan", "元")


def parse_unit(text: str) -> Unit | None:
    """Parse '元/斤', '元/公斤', '¥/kg', '元/500克', '90 KG', '斤', '元/个' ... or None."""
    if text is None:
        return None
    raw = str(text)
    t = _clean(raw)
    if not t:
        return None
    t = t.removeprefix("元").removeprefix("/").removeprefix("每")
    # "90kg", "50公斤", "2.5kg": a sack of N kilograms
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(kg|公斤|千克)", t)
    if m:
        n = float(m.group(1))
        if n <= 0:
            return None
        return Unit(raw, CANONICAL_WEIGHT_UNIT, 1.0 / n, True)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(g|克)", t)
    if m and t not in _PER_KG:
        n = float(m.group(1))
        if n <= 0:
            return None
        return Unit(raw, CANONICAL_WEIGHT_UNIT, 1000.0 / n, True)
    if t in _PER_KG:
        return Unit(raw, CANONICAL_WEIGHT_UNIT, _PER_KG[t], True)
    for piece in PIECE_UNITS:
        if t == piece or re.fullmatch(rf"\d+(?:\.\d+)?{re.escape(piece)}", t):
            return Unit(raw, f"元/{t}", 1.0, False)
    return None


def convert(price: float, unit_text: str, canonical: str) -> float | None:
    """Price in ``canonical`` units, or None when the two cannot be converted."""
    u = parse_unit(unit_text)
    if u is None:
        return None
    if u.canonical == canonical or (u.is_weight and canonical == CANONICAL_WEIGHT_UNIT):
        return price * u.factor
    target = parse_unit(canonical)
    if target is not None and u.canonical == target.canonical:
        return price * u.factor / target.factor
    return None


_UNIT_IN_TEXT = re.compile(
    r"(?:[（(]\s*|/|\s)((?:元|¥|￥|rmb)?\s*/?\s*(?:\d+(?:\.\d+)?\s*)?(?:公斤|千克|kg|斤|克|g|"
    + "|".join(re.escape(p) for p in PIECE_UNITS if p not in {"l", "g"}) + r"))\s*[)）]?\s*$",
    re.IGNORECASE,
)


def split_unit(text: str) -> tuple[str, str | None]:
    """'椰青/个' -> ('椰青', '个'); '1       ¥/kg' -> ('1', '¥/kg'); '白菜' -> ('白菜', None)."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = _UNIT_IN_TEXT.search(s)
    if not m:
        return s, None
    name = s[: m.start()].strip().rstrip("/（(").strip()
    return (name or s), m.group(1).replace(" ", "")


def normalise_name(text: str) -> str:
    """Fold full-width characters, spaces and brackets so names compare equal."""
    s = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").strip()
    s = re.sub(r"\s+", "", s)
    return s.replace("（", "(").replace("）", ")")


def suggest(name: str, candidates: list[str], limit: int = 3) -> list[str]:
    """The catalog names closest to an unknown one (for "是否为「…」?")."""
    n = normalise_name(name)
    scored = []
    for c in candidates:
        cn = normalise_name(c)
        score = SequenceMatcher(None, n, cn).ratio()
        if n and (n in cn or cn in n):
            score += 0.5
        scored.append((score, c))
    scored.sort(key=lambda x: -x[0])
    return [c for s, c in scored[:limit] if s >= 0.4]
