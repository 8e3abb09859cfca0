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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CANONICAL_WEIGHT_UNIT = "元/公斤"
CANONICAL_VOLUME_UNIT = "元/升"

#: unit of weight -> how many of it make a kilogram
_PER_KG = {
    "公斤": 1.0, "千克": 1.0, "kg": 1.0, "kgs": 1.0, "kilogram": 1.0, "kilograms": 1.0, "斤": 2.0,
    "市斤": 2.0, "500克": 2.0, "500g": 2.0, "克": 1000.0, "g": 1000.0, "gram": 1000.0, "grams": 1000.0,
    "吨": 0.001, "t": 0.001, "两": 20.0, "lb": 2.20462262, "lbs": 2.20462262,
}
#: unit of volume -> how many of it make a litre
_PER_L = {"l": 1.0, "升": 1.0, "litre": 1.0, "liter": 1.0, "ml": 1000.0, "毫升": 1000.0}
#: count and pack words -> the Chinese piece word a price is kept per
_PIECE_WORDS = {
    "个": "个", "只": "只", "盒": "盒", "袋": "袋", "箱": "箱", "把": "把", "桶": "桶", "瓶": "瓶", "头": "头",
    "束": "束", "扎": "扎", "根": "根", "棵": "棵", "盘": "盘", "件": "件", "包": "包", "卷": "卷", "枚": "枚",
    "罐": "罐", "听": "听", "条": "条", "颗": "颗", "板": "板", "提": "提", "支": "支", "份": "份",
    "unit": "个", "units": "个", "piece": "个", "pieces": "个", "pc": "个", "pcs": "个", "each": "个",
    "head": "头", "heads": "头", "bunch": "把", "bunches": "把", "roll": "卷", "rolls": "卷",
    "bag": "袋", "bags": "袋", "box": "箱", "boxes": "箱", "bottle": "瓶", "bottles": "瓶", "tin": "罐",
    "can": "罐", "pack": "包", "packet": "包", "loaf": "个", "dozen": "打", "打": "打", "tray": "盘",
}
#: kept for callers that list the per-piece words
PIECE_UNITS = tuple(_PIECE_WORDS)
_N = r"(\d+(?:\.\d+)?)"
_W = "|".join(sorted((re.escape(k) for k in (*_PER_KG, *_PER_L)), key=len, reverse=True))
_P = "|".join(sorted((re.escape(k) for k in _PIECE_WORDS), key=len, reverse=True))
_SIZED = re.compile(rf"{_N}?({_W})")
_PACK_OF = re.compile(rf"({_P})[(\[]?(?:约|每{_P})?{_N}({_W})[)\]]?")   # 袋(5kg), bag 5kg
_SIZE_PER = re.compile(rf"{_N}({_W})(?:[/每一]?({_P})|装)")                 # 5kg/袋, 5kg袋, 5kg装
_COUNT = re.compile(rf"{_N}?({_P})")                                       # 箱, 10pcs, 1 piece


#: currencies a price may be written in besides 元 (ISO 4217; WFP exports use BDT, KES ...)
CURRENCIES = frozenset((
    "AFN", "BDT", "BIF", "BTN", "CDF", "CNY", "DZD", "EGP", "ETB", "EUR", "GBP", "GHS", "GNF", "HKD", "IDR",
    "INR", "IQD", "JOD", "JPY", "KES", "KGS", "KHR", "KRW", "LAK", "LBP", "LKR", "LRD", "LSL", "MGA", "MMK",
    "MNT", "MOP", "MWK", "MZN", "NGN", "NPR", "PHP", "PKR", "RWF", "SDG", "SLL", "SOS", "SSP", "SYP", "SZL",
    "TJS", "THB", "TWD", "TZS", "UAH", "UGX", "USD", "VND", "XAF", "XOF", "YER", "ZAR", "ZMW", "ZWL",
))
HOME_CURRENCY = "CNY"


@dataclass(frozen=True)
class Unit:
    """A parsed price unit: ``canonical`` is what the price is turned into, by ``factor``.

    A price in another currency keeps it in its canonical unit ("KES/90 KG" -> "KES/公斤",
    factor 1/90): it never converts into 元, so ``is_weight`` (converts into 元/公斤) is
    False for it, and a commodity's prices stay in one currency.
    """

    text: str
    canonical: str  # "元/公斤" for weights, "元/升" for volumes, "元/<piece>" otherwise
    factor: float  # canonical price = price x factor
    is_weight: bool
    currency: str = HOME_CURRENCY


def unit_currency(unit: str | None) -> str:
    """The currency a canonical unit is in: "KES/公斤" -> "KES"; "元/公斤" (or nothing) -> "CNY"."""
    head = str(unit or "").partition("/")[0].strip().upper()
    return head if head in CURRENCIES else HOME_CURRENCY


def with_currency(unit: str, currency: str | None) -> str:
    """A unit text priced in ``currency``: ("90 KG", "KES") -> "KES/90 KG"; 元 stays as it is."""
    cur = (currency or "").strip().upper()
    if not cur or cur in (HOME_CURRENCY, "RMB", "元", "人民币") or cur not in CURRENCIES:
        return unit
    return unit if unit_currency(unit) == cur else f"{cur}/{unit}"


def _clean(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", "", t).replace("rmb", "元").replace("¥", "元").replace("yuan", "元")


def _sized(n: str | None, word: str, raw: str) -> Unit | None:
    size = float(n) if n else 1.0
    if size <= 0:
        return None
    if word in _PER_KG:
        return Unit(raw, CANONICAL_WEIGHT_UNIT, _PER_KG[word] / size, True)
    return Unit(raw, CANONICAL_VOLUME_UNIT, _PER_L[word] / size, False)


def parse_unit(text: str) -> Unit | None:
    """Parse a price unit, or None when it cannot be read.

    Weights become 元/公斤 and volumes 元/升 by their stated size: '元/斤' (x 2), '元/500克',
    '¥/kg', '500 G' (x 2), '12 KG' and '90 KG' (a sack: / 90), '500 ML' (x 2 per litre).
    A pack whose weight is stated is per kilogram too: '袋(5kg)', '5kg/袋', '箱(10公斤)' (/ 5,
    / 10). Counts without a weight stay per piece, N pieces divided into one: '元/个', '箱',
    '10 pcs' (元/个, / 10), '1 piece' (元/个), '1 Roll' (元/卷), 'Head' (元/头), 'Bunch' (元/把).
    """
    if text is None:
        return None
    raw = str(text)
    t = _clean(raw)
    if not t:
        return None
    head, sep, rest = t.partition("/")
    if sep and head.upper() in CURRENCIES and head.upper() != HOME_CURRENCY:
        u = parse_unit(rest)
        if u is None or u.currency != HOME_CURRENCY:
            return None
        return Unit(raw, head.upper() + u.canonical.removeprefix("元"), u.factor, False, head.upper())
    if sep and head.upper() == HOME_CURRENCY:
        t = rest
    t = t.removeprefix("元").removeprefix("/").removeprefix("每").removeprefix("per")
    if not t:
        return None
    m = _SIZED.fullmatch(t)
    if m:
        return _sized(m.group(1), m.group(2), raw)
    m = _PACK_OF.fullmatch(t)
    if m:
        return _sized(m.group(2), m.group(3), raw)
    m = _SIZE_PER.fullmatch(t)
    if m:
        return _sized(m.group(1), m.group(2), raw)
    m = _COUNT.fullmatch(t)
    if m:
        n = float(m.group(1)) if m.group(1) else 1.0
        if n <= 0:
            return None
        return Unit(raw, f"元/{_PIECE_WORDS[m.group(2)]}", 1.0 / n, False)
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


#: piece words recognised at the end of a name or header ("椰青/个"): Chinese ones, and the
#: few English ones that never end a product's own name
_SPLIT_PIECES = ("个", "只", "盒", "袋", "箱", "把", "桶", "瓶", "头", "束", "扎", "根", "棵", "盘", "件",
                 "piece", "pcs", "pc", "ml", "升", "毫升")
_UNIT_IN_TEXT = re.compile(
    r"(?:[（(]\s*|/|\s)((?:元|¥|￥|rmb)?\s*/?\s*(?:\d+(?:\.\d+)?\s*)?(?:公斤|千克|kg|斤|克|g|"
    + "|".join(re.escape(p) for p in _SPLIT_PIECES) + r"))\s*[)）]?\s*$",
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


_OPEN, _CLOSE = "(（[【〔{<《", ")）]】〕}>》"
_BRACKETS = str.maketrans({**dict.fromkeys(_OPEN, "("), **dict.fromkeys(_CLOSE, ")")})
#: head nouns a qualifier may repeat: 猪肉(五花肉) is 猪肉(五花), and 五花肉 names it too
_HEADS = ("肉",)


def normalise_name(text: str) -> str:
    """Fold full-width characters, spaces and bracket styles so names compare equal:
    「猪肉（五花）」, 「猪肉 (五花)」 and 「猪肉【五花】」 all give 「猪肉(五花)」."""
    s = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").replace("\u200b", "").strip()
    s = re.sub(r"\s+", "", s)
    return s.translate(_BRACKETS)


def _loose_keys(name: str) -> list[str]:
    """The looser spellings that also name ``name`` (already normalised): a qualifier in
    brackets with or without the head noun its base ends in, and the qualifier with that
    head noun alone: 猪肉(五花) -> 猪肉(五花肉), 五花肉; 猪肉(五花肉) -> 猪肉(五花), 五花肉."""
    m = re.fullmatch(r"([^()]+)\(([^()]+)\)", name)
    if not m:
        return []
    base, qual = m.groups()
    head = next((h for h in _HEADS if base.endswith(h)), None)
    if head is None:
        return []
    bare = qual.removesuffix(head)
    if not bare:
        return []
    return [f"{base}({bare})", f"{base}({bare}{head})", f"{bare}{head}"]


class NameIndex:
    """Names and aliases -> the catalog name they stand for.

    A name matches when its :func:`normalise_name` form equals a catalog name's or an
    alias's; failing that, when one of its :func:`_loose_keys` spellings is a loose key of
    exactly one catalog name (a key two names share matches neither). Nothing else
    matches: 「猪肉」 is not 「猪肉(五花)」, 「牛肉(五花)」 is not 「猪肉(五花)」 and 「大白菜」
    is not 「白菜」 (those are suggestions, for a person to accept).
    """

    def __init__(self, names: list[str], aliases: list[tuple[str, str]] = ()) -> None:
        self.exact: dict[str, str] = {normalise_name(n): n for n in names}
        for alias, name in aliases:
            self.exact.setdefault(normalise_name(alias), name)
        loose: dict[str, set[str]] = {}
        for key, name in self.exact.items():
            for k in _loose_keys(key):
                loose.setdefault(k, set()).add(name)
        self.loose = {k: next(iter(v)) for k, v in loose.items() if len(v) == 1}

    def match(self, text: str) -> str | None:
        key = normalise_name(text)
        hit = self.exact.get(key)
        if hit is not None:
            return hit
        hit = self.loose.get(key)
        if hit is not None:
            return hit
        for k in _loose_keys(key)[:2]:  # the bracketed spellings: the bare one drops the base
            hit = self.loose.get(k) or self.exact.get(k)
            if hit is not None:
                return hit
        return None


def commodities(store: object) -> pd.DataFrame:
    """The commodity catalog in catalog order: id, name, category, spec, unit, weight,
    name_en, sort, category_sort, jump_threshold_pct (not price data: the same for everyone)."""
    from .store import queries

    with store.read() as s:  # type: ignore[attr-defined]
        return queries.catalog.commodities(s)


def market_names(store: object) -> list[str]:
    """The catalog's market names in catalog order."""
    from .store import queries

    with store.read() as s:  # type: ignore[attr-defined]
        return [str(n) for n in queries.catalog.markets(s)["name"]]


def add_alias(store: object, alias: str, name: str, *, actor: str, kind: str = "commodity") -> bool:
    """Make ``alias`` another name of the catalog commodity (or, with ``kind="market"``, the
    market) ``name``: one audited write (``catalog.add_alias`` / ``catalog.add_market_alias``),
    so the next file that spells it so matches by itself.

    Returns False (and writes nothing) when the alias already names it; raises
    :class:`~pricewatch.errors.InputError` when the alias is empty or already names another
    entry, and NotFound when ``name`` is not in the catalog."""
    from .errors import InputError
    from .store import queries, writes

    what = {"commodity": "商品", "market": "市场"}[kind]
    text = unicodedata.normalize("NFKC", str(alias or "")).strip()
    if not text:
        raise InputError("别名不能为空", f"请填写文件中出现的{what}名称")
    with store.write() as s:  # type: ignore[attr-defined]
        if kind == "market":
            names, ali = list(queries.catalog.markets(s)["name"]), queries.catalog.market_aliases(s)
        else:
            names, ali = list(queries.catalog.commodities(s)["name"]), queries.catalog.commodity_aliases(s)
        index = NameIndex(names, list(zip(ali["alias"], ali[kind], strict=True)))
        current = index.exact.get(normalise_name(text))
        if current == name:
            return False
        if current is not None:
            raise InputError(f"「{text}」已是{what}「{current}」的名称或别名",
                             f"如要改为「{name}」，请先在目录中删除原别名")
        writes.add_alias(s, kind, text, name, actor=actor)
    return True


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
