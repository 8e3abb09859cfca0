"""Figures in note text: live placeholders and the figure check (invariant 4).

Placeholders (rendered from the data; the period defaults to the note's period)::

    {{price 猪肉(五花) 2024-W05}}  -> 31.23元/公斤   (the commodity price, with its unit)
    {{wow 猪肉(五花)}}             -> 上涨4.6% | 下降1.0% | 持平   (环比)
    {{yoy 猪肉(五花)}}             -> 同上, 同比

so "环比{{wow 猪肉(五花)}}" reads "环比上涨4.6%". A placeholder that has no data renders as
"【无数据: ...】" and the figure check reports it. At publication the placeholders are
replaced by their values for good, so a published text never changes silently when data
are revised (a revision flags the note 待更正 instead).

The figure check reads the text the way a person would: a price is a number followed by
a price unit ("31.23元/公斤") or "每公斤31.23元", a change is "环比/同比 + 上涨/下降/涨幅/降幅
(+为) + number%" or "环比持平";
each is attributed to the last commodity (name or alias) named before it in the same
clause (clauses end at 。;;!? and line breaks). A price after "上周/上期" is compared with
prev_price, after "去年同期/上年同期" with yoy_price, otherwise with the period's price.
The county headline "监测的N种商品中,x种上涨、y种下降、z种持平" is compared with the
breadth, and "<类别>类N种商品中,x种上涨、…" with that category's breadth. A value is compared at the precision it is written in (half-up rounding of the
unrounded report value), so "31.2元" and "31.23元" are both right for 31.234. A number
that cannot be attributed to a commodity is not checked (and is counted as unchecked).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..catalog import convert
from ..indicators import Report
from ..textfmt import change, round_half_up

_PLACEHOLDER = re.compile(r"\{\{\s*(price|wow|yoy)\s+([^{}]+?)(?:\s+(\d{4}-(?:W|w)?\d{1,2}))?\s*\}\}")
_UP = "上涨|上升|增长|回升|涨幅|涨"
_DOWN = "下降|下跌|回落|减少|降幅|降|跌"
_PCT = re.compile(
    rf"(环比|同比)(?:价格)?\s*(?:(持平)|({_UP}|{_DOWN})?(?:了|为)?\s*([+\-−]?\d+(?:\.\d+)?)\s*%)")
_UNITS = sorted(["公斤", "千克", "斤", "市斤", "500克", "克", "吨", "两", "个", "只", "盒", "袋",
                 "箱", "把", "桶", "瓶", "头", "束", "扎", "根", "棵", "盘", "件", "升"],
                key=len, reverse=True)
_PRICE = re.compile(r"(\d+(?:\.\d+)?)\s*(元\s*/\s*(?:" + "|".join(_UNITS) + "))")
#: "每公斤31.23元", "每斤15.6元": the same price written the other way round
_PRICE_PER = re.compile(r"每\s*(" + "|".join(_UNITS) + r")\s*(\d+(?:\.\d+)?)\s*元")
_BREADTH = re.compile(r"(?<!类)监测的?(\d+)种商品中?[,]?\s*(\d+)种(?:价格)?上涨、(\d+)种(?:价格)?(?:下降|下跌)、(\d+)种(?:价格)?持平")
_CAT_BREADTH = re.compile(r"([\u4e00-\u9fa5]{1,8})类(?:监测的?)?(\d+)种商品中?[,]?\s*(\d+)种(?:价格)?上涨、(\d+)种(?:价格)?(?:下降|下跌)、(\d+)种(?:价格)?持平")
_CLAUSE_END = re.compile(r"[。;!?\n]")
_PREV = re.compile(r"上周|上期|上月|前一周")
_YOY = re.compile(r"去年同期|上年同期")


def normalise_text(text: str) -> str:
    """NFKC per character (full-width digits and punctuation folded), same length as the input."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)




def _frame(report: Report) -> pd.DataFrame:
    """The unrounded values when the report keeps them (``Report.raw``), else ``items``."""
    raw = getattr(report, "raw", None)
    if isinstance(raw, pd.DataFrame) and not raw.empty and "commodity" in raw.columns:
        return raw
    return report.items


def _item_row(report: Report | None, commodity: str) -> dict[str, Any] | None:
    if report is None or report.items.empty:
        return None
    f = _frame(report)
    m = f[f["commodity"] == commodity]
    if m.empty:
        return None
    return {k: v if isinstance(v, (str, dict, list)) else (None if pd.isna(v) else v)
            for k, v in m.iloc[0].to_dict().items()}


def _category_row(report: Report, category: str) -> dict[str, Any] | None:
    for c in getattr(report, "categories", None) or []:
        if isinstance(c, dict) and c.get("category") == category:
            return c
    return None


def render_placeholders(text: str, period: str | None,
                        report_for: Callable[[str], Report | None],
                        names: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Replace every placeholder by its value; returns (text, problems)."""
    problems: list[str] = []
    names = names or {}

    def sub(m: re.Match[str]) -> str:
        what, raw_name, p = m.group(1), m.group(2).strip(), m.group(3) or period
        name = names.get(normalise_text(raw_name), normalise_text(raw_name))
        rep = report_for(p.upper()) if p else None
        row = _item_row(rep, name)
        if row is None:
            problems.append(f"占位符 {m.group(0)} 没有数据")
            return f"【无数据: {raw_name} {p or ''}】".replace(" 】", "】")
        if what == "price":
            v = round_half_up(row["price"], 2)
            return f"{v:.2f}{row['unit']}"
        return change(row["wow_pct"] if what == "wow" else row["yoy_pct"])

    return _PLACEHOLDER.sub(sub, text), problems


def has_placeholders(text: str) -> bool:
    return bool(_PLACEHOLDER.search(text))


@dataclass
class Figure:
    commodity: str | None
    field: str  # price | prev_price | yoy_price | wow | yoy | breadth
    found: str
    expected: str | None
    ok: bool
    context: str
    message: str = ""
    #: the whole sentence the figure stands in (what a refusal quotes)
    sentence: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"commodity": self.commodity, "field": self.field, "found": self.found,
                "expected": self.expected, "ok": self.ok, "context": self.context,
                "message": self.message, "sentence": self.sentence}


@dataclass
class FigureReport:
    figures: list[Figure] = field(default_factory=list)
    unchecked: int = 0

    @property
    def mismatches(self) -> list[Figure]:
        return [f for f in self.figures if not f.ok]


def context(text: str, start: int, end: int, width: int = 14) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return (("…" if a > 0 else "") + text[a:start] + "【" + text[start:end] + "】" + text[end:b]
            + ("…" if b < len(text) else "")).replace("\n", " ")


_SENTENCE_END = "。！？!?\n"


def sentence(text: str, start: int, end: int, limit: int = 120) -> str:
    """The sentence of ``text`` holding ``text[start:end]`` (cut to ``limit`` characters
    around it when longer), without its line breaks: what a refusal quotes."""
    a = max((text.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    ends = [i for c in _SENTENCE_END if (i := text.find(c, end)) >= 0]
    b = min(ends) + 1 if ends else len(text)
    if text[b - 1:b] == "\n":
        b -= 1
    s = text[a:b].strip()
    if len(s) > limit:
        lo = max(a, start - limit // 2)
        s = ("…" if lo > a else "") + text[lo:min(b, lo + limit)].strip() + "…"
    return s.replace("\n", " ")


def _decimals(num: str) -> int:
    return len(num.split(".")[1]) if "." in num else 0


def _mentions(text: str, names: dict[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of every commodity named in ``text``, longest match first."""
    keys = sorted((k for k in names if k), key=len, reverse=True)
    if not keys:
        return []
    rx = re.compile("|".join(re.escape(k) for k in keys))
    return [(m.start(), m.end(), names[m.group(0)]) for m in rx.finditer(text)]


def check_figures(text: str, report: Report | None, names: dict[str, str]) -> FigureReport:
    """Compare every attributable figure in ``text`` with ``report`` (see module docstring).

    ``names`` maps a normalised name or alias to the catalog name.
    """
    t = normalise_text(text)
    out = FigureReport()
    mentions = _mentions(t, names)
    bounds = [m.end() for m in _CLAUSE_END.finditer(t)]

    def owner(pos: int) -> tuple[str, int] | None:
        clause_start = max([b for b in bounds if b <= pos], default=0)
        best = None
        for s, e, name in mentions:
            if s >= clause_start and e <= pos:
                best = (name, e)
        return best

    def add(commodity: str | None, fld: str, found: str, expected: str | None, ok: bool,
            s: int, e: int, message: str = "") -> None:
        # t folds full-width characters one for one: positions in t are positions in text
        out.figures.append(Figure(commodity, fld, found, expected, ok, context(text, s, e), message,
                                  sentence(text, s, e)))

    if report is None:
        # nothing to compare against: every attributable figure is a finding
        for rx in (_PRICE, _PRICE_PER, _PCT):
            for m in rx.finditer(t):
                o = owner(m.start())
                if o:
                    add(o[0], "unknown", m.group(0), None, False, m.start(), m.end(),
                        "没有该期间的数据, 无法核对")
                else:
                    out.unchecked += 1
        return out

    for m in _BREADTH.finditer(t):
        s = report.summary
        found = [int(m.group(i)) for i in range(1, 5)]
        want = [s["n"], s["up"], s["down"], s["flat"]]
        exp = f"监测{want[0]}种商品, {want[1]}种上涨、{want[2]}种下降、{want[3]}种持平"
        add(None, "breadth", m.group(0), exp, found == want, m.start(), m.end(),
            "" if found == want else "涨跌家数与数据不符")

    cats = set(report.items["category"]) if not report.items.empty else set()

    def _category_pct(m: re.Match[str]) -> bool:
        """A 环比 of a category ("蔬菜类价格指数……环比上涨2.3%") against report.categories."""
        clause_start = max([b for b in bounds if b <= m.start()], default=0)
        before = t[clause_start:m.start()]
        cat = next((c for c in sorted(cats, key=len, reverse=True) if f"{c}类" in before), None)
        row = _category_row(report, cat) if cat and m.group(1) == "环比" else None
        if row is None or row.get("wow_pct") is None:
            return False
        value = float(row["wow_pct"])
        if m.group(2):
            ok = round_half_up(value, 1) == 0
        else:
            num = m.group(4).replace("−", "-")
            signed = -abs(float(num)) if m.group(3) and re.fullmatch(_DOWN, m.group(3)) else float(num)
            d = _decimals(num)
            ok = abs(signed - (round_half_up(value, d) or 0.0)) < 10 ** (-d) / 2
        add(f"{cat}类", "wow", m.group(0), f"环比{change(value)}", ok, m.start(), m.end(),
            "" if ok else f"{cat}类涨跌幅与数据不符")
        return True
    for m in _CAT_BREADTH.finditer(t):
        cat = next((c for c in sorted(cats, key=len, reverse=True) if m.group(1).endswith(c)), None)
        if cat is None:
            out.unchecked += 1
            continue
        d = report.items.loc[report.items["category"] == cat, "direction"]
        want = [len(d), int((d == "up").sum()), int((d == "down").sum()), int((d == "flat").sum())]
        found = [int(m.group(i)) for i in range(2, 6)]
        exp = f"{cat}类{want[0]}种商品中, {want[1]}种上涨、{want[2]}种下降、{want[3]}种持平"
        add(None, "breadth", m.group(0), exp, found == want, m.start(), m.end(),
            "" if found == want else f"{cat}类涨跌家数与数据不符")

    prices = [(m, m.group(1), m.group(2).replace(" ", "")) for m in _PRICE.finditer(t)]
    taken = [m.span() for m, _, _ in prices]
    prices += [(m, m.group(2), f"元/{m.group(1)}") for m in _PRICE_PER.finditer(t)
               if not any(a < m.end() and m.start() < b for a, b in taken)]
    for m, num, unit in sorted(prices, key=lambda x: x[0].start()):
        o = owner(m.start())
        if o is None:
            out.unchecked += 1
            continue
        name, mention_end = o
        row = _item_row(report, name)
        between = t[mention_end:m.start()]
        fld = "prev_price" if _PREV.search(between) else "yoy_price" if _YOY.search(between) else "price"
        if row is None or row.get(fld) is None:
            add(name, fld, m.group(0), None, False, m.start(), m.end(), "数据中没有该商品该期间的价格")
            continue
        factor = 1.0 if unit == row["unit"] else convert(1.0, unit, row["unit"])
        if factor is None:
            add(name, fld, m.group(0), f"{round_half_up(row[fld], 2):.2f}{row['unit']}", False,
                m.start(), m.end(), f"单位 {unit} 与数据单位 {row['unit']} 不能换算")
            continue
        d = _decimals(num)
        expected = round_half_up(row[fld] / factor, d)
        ok = expected is not None and abs(float(num) - expected) < 10 ** (-d) / 2
        add(name, fld, m.group(0), f"{expected:.{d}f}{unit}", ok, m.start(), m.end(),
            "" if ok else "价格与数据不符")

    for m in _PCT.finditer(t):
        o = owner(m.start())
        if o is None:
            if not _category_pct(m):
                out.unchecked += 1
            continue
        name = o[0]
        which = "wow" if m.group(1) == "环比" else "yoy"
        row = _item_row(report, name)
        value = None if row is None else row.get("wow_pct" if which == "wow" else "yoy_pct")
        if value is None:
            add(name, which, m.group(0), None, False, m.start(), m.end(), "数据中没有可比的涨跌幅")
            continue
        if m.group(2):  # 持平
            ok = round_half_up(value, 1) == 0
            add(name, which, m.group(0), f"{m.group(1)}{change(value)}", ok, m.start(), m.end(),
                "" if ok else "涨跌幅与数据不符")
            continue
        num = m.group(4).replace("−", "-")
        word = m.group(3) or ""
        signed = float(num)
        if word and re.fullmatch(_DOWN, word):
            signed = -abs(signed)
        d = max(_decimals(num), 0)
        expected = round_half_up(value, d)
        ok = abs(signed - expected) < 10 ** (-d) / 2 and not (expected == 0 and word)
        add(name, which, m.group(0), f"{m.group(1)}{change(value, max(d, 1))}", ok,
            m.start(), m.end(), "" if ok else "涨跌幅与数据不符")
    return out
