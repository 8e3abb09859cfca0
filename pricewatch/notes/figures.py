"""Figures in note text: live placeholders and the figure check (invariant 4).

Placeholders (rendered from the data; the period defaults to the note's period)::

    {{price 猪肉(五花) 2024-W05}}  -> 31.23元/公斤   (the commodity price, with its unit)
    {{wow 猪肉(五花)}}             -> 上涨4.6% | 下降1.0% | 持平   (环比)
    {{yoy 猪肉(五花)}}             -> 同上, 同比

so "环比{{wow 猪肉(五花)}}" reads "环比上涨4.6%". A placeholder that has no data renders as
"【无数据：...】" and the figure check reports it. At publication the placeholders are
replaced by their values for good, so a published text never changes silently when data
are revised (a revision flags the note 待更正 instead).

The figure check reads the text the way a person would: a price is a number followed by
a price unit ("31.23元/公斤") or "每公斤31.23元", a change is "环比/同比 + 上涨/下降/涨幅/降幅
(+为) + number%" or "环比持平";
each is attributed to the last commodity (name or alias) named before it in the same
clause (clauses end at 。;;!? and line breaks). A price after "上周/上期" is compared with
prev_price, after "去年同期/上年同期" with yoy_price, otherwise with the period's price.
"总体价格环比上涨0.8%" is compared with the overall index's 环比 (``Report.overall``).
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
from ..textfmt import breadth, change, round_half_up

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
#: "监测的47种商品中" / "蔬菜类12种商品中", then counts in any order (see _breadth_parts)
_BREADTH_HEAD = re.compile(r"(?:(?<!类)监测的?(\d+)种商品中?|([\u4e00-\u9fa5]{1,8})类(?:监测的?)?(\d+)种商品中?)"
                           r"\s*[,:]?\s*")
#: "上涨34种,占58.6%" or "34种上涨" (the share is optional)
_BREADTH_PART = re.compile(r"(?:(上涨|下降|下跌|持平)(\d+)种|(\d+)种(?:价格)?(上涨|下降|下跌|持平))"
                           r"(?:\s*,?\s*占(\d+(?:\.\d+)?)\s*%)?")
_BREADTH_SEP = re.compile(r"\s*[、,;]\s*")
_DIRECTION = {"上涨": "up", "下降": "down", "下跌": "down", "持平": "flat"}
#: "A、B和C分别上涨32.4%、17.9%和10.7%": one figure per name, in order
_MOVERS = re.compile(r"分别\s*(上涨|上升|增长|下降|下跌|回落)\s*"
                     r"((?:\d+(?:\.\d+)?\s*%\s*[、和与及,]\s*)*\d+(?:\.\d+)?\s*%)")
_NUM_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_NAME_JOIN = re.compile(r"\s*[、和与及,]\s*")
_BEFORE_MOVERS = re.compile(r"\s*(环比|同比)?\s*(?:价格)?\s*")
#: "黄瓜上涨32.4%" right after a name (环比 unless the clause speaks of 同比 / last year)
_BARE = re.compile(r"(?:价格)?\s*(上涨|上升|增长|下降|下跌|回落)\s*(\d+(?:\.\d+)?)\s*%")
_YOY_WORDS = re.compile(r"同比|去年同期|上年同期")
#: appendix table columns -> report fields
_TABLE_FIELDS = {"本期": "price", "本期均价": "price", "本周": "price", "上期": "prev_price",
                 "上周": "prev_price", "去年同期": "yoy_price", "环比": "wow", "同比": "yoy"}
_CLAUSE_END = re.compile(r"[。;!?\n]")
_PREV = re.compile(r"上周|上期|上月|前一周")
#: the overall change ("总体价格环比上涨0.8%") is checked against ``Report.overall``
OVERALL = "总体价格"
_YOY = re.compile(r"去年同期|上年同期")


def normalise_text(text: str) -> str:
    """NFKC per character (full-width digits and punctuation folded), same length as the input."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)




def _frame(report: Report) -> pd.DataFrame:
    """The unrounded values (``Report.raw``); ``items`` for a report made without them."""
    return report.raw if not report.raw.empty else report.items


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
    return next((c for c in report.categories if c.get("category") == category), None)


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
            return f"【无数据：{raw_name} {p or ''}】".replace(" 】", "】")
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
                        "没有该期间的数据，无法核对")
                else:
                    out.unchecked += 1
        return out

    cats = set(report.items["category"]) if not report.items.empty else set()

    def _category_pct(m: re.Match[str]) -> bool:
        """A 环比 of a category ("蔬菜类价格指数……环比上涨2.3%") against report.categories."""
        clause_start = max([b for b in bounds if b <= m.start()], default=0)
        before = t[clause_start:m.start()]
        # the category named last before the figure ("粮油类环比上涨0.3%；蔬菜类环比…"), or the
        # whole basket ("总体价格环比上涨0.8%": Report.overall)
        found = [(before.rfind(f"{c}类"), -len(c), c) for c in cats if f"{c}类" in before]
        if OVERALL in before:
            found.append((before.rfind(OVERALL), 0, OVERALL))
        cat = max(found)[2] if found else None
        if cat == OVERALL:
            row = report.overall if m.group(1) == "环比" else None
        else:
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
        who = "总体" if cat == OVERALL else f"{cat}类"
        add(who, "wow", m.group(0), f"环比{change(value)}", ok, m.start(), m.end(),
            "" if ok else f"{who}涨跌幅与数据不符")
        return True
    def clause_start(pos: int) -> int:
        return max([b for b in bounds if b <= pos], default=0)

    def _yoy_clause(pos: int, upto: int | None = None) -> bool:
        """A change written without 环比/同比 compares with last year when its clause says so."""
        seg = t[clause_start(pos):upto if upto is not None else pos]
        return bool(_YOY_WORDS.search(seg)) and "环比" not in seg

    def _check_pct(name: str, which: str, word: str, num: str | None, s_: int, e_: int,
                   found: str) -> None:
        """One written change of ``name`` (``which`` = wow | yoy) against the report."""
        label = "环比" if which == "wow" else "同比"
        row = _item_row(report, name)
        value = None if row is None else row.get("wow_pct" if which == "wow" else "yoy_pct")
        if value is None:
            add(name, which, found, None, False, s_, e_, "数据中没有可比的涨跌幅")
            return
        if num is None:  # 持平
            ok = round_half_up(value, 1) == 0
            add(name, which, found, f"{label}{change(value)}", ok, s_, e_,
                "" if ok else "涨跌幅与数据不符")
            return
        num = num.replace("−", "-")
        signed = float(num)
        if word and re.fullmatch(_DOWN, word):
            signed = -abs(signed)
        d = max(_decimals(num), 0)
        expected = round_half_up(value, d)
        ok = abs(signed - expected) < 10 ** (-d) / 2 and not (expected == 0 and word)
        add(name, which, found, f"{label}{change(value, max(d, 1))}", ok, s_, e_,
            "" if ok else "涨跌幅与数据不符")

    def _check_breadth(m: re.Match[str]) -> None:
        """"监测的N种商品中，上涨x种，占p%；持平y种…" (any order, shares optional)."""
        parts, pos = [], m.end()
        while (pm := _BREADTH_PART.match(t, pos)) is not None:
            parts.append(pm)
            pos = pm.end()
            sep = _BREADTH_SEP.match(t, pos)
            if sep is None or _BREADTH_PART.match(t, sep.end()) is None:
                break
            pos = sep.end()
        if len(parts) < 2:
            return
        if m.group(1) is not None:
            su = report.summary
            n_found, cat = int(m.group(1)), None
            want = {"n": su["n"], "up": su["up"], "down": su["down"], "flat": su["flat"]}
        else:
            cat = next((c for c in sorted(cats, key=len, reverse=True) if m.group(2).endswith(c)), None)
            if cat is None:
                out.unchecked += 1
                return
            n_found = int(m.group(3))
            d = report.items.loc[report.items["category"] == cat, "direction"]
            want = {"n": len(d), "up": int((d == "up").sum()), "down": int((d == "down").sum()),
                    "flat": int((d == "flat").sum())}
        ok, share_ok = n_found == want["n"], True
        for pm in parts:
            key = _DIRECTION[pm.group(1) or pm.group(4)]
            ok = ok and int(pm.group(2) or pm.group(3)) == want[key]
            if pm.group(5) is not None:
                dd = _decimals(pm.group(5))
                exp = round_half_up(100.0 * want[key] / want["n"], dd) if want["n"] else 0.0
                share_ok = share_ok and abs(float(pm.group(5)) - (exp or 0.0)) < 10 ** (-dd) / 2
        exp_text = (f"{cat}类" if cat else "监测") + f"{want['n']}种商品，" + breadth(
            want["n"], want["up"], want["flat"], want["down"])
        good = ok and share_ok
        add(None, "breadth", t[m.start():pos], exp_text, good, m.start(), pos,
            "" if good else (f"{cat}类" if cat else "") + ("涨跌家数与数据不符" if not ok else "涨跌占比与数据不符"))

    def _check_movers(m: re.Match[str]) -> None:
        """"A、B和C分别上涨x%、y%和z%": the names just before 分别, one figure each."""
        nums = list(_NUM_PCT.finditer(t, m.start(2), m.end(2)))
        lead = None
        for s_, e_, _ in mentions:
            if e_ <= m.start() and (g := _BEFORE_MOVERS.fullmatch(t, e_, m.start())) is not None:
                lead = (s_, g.group(1))
        chain: list[tuple[int, str]] = []
        if lead is not None:
            by_end = {e_: (s_, name) for s_, e_, name in mentions}
            cur = next((s_, name) for s_, e_, name in mentions if s_ == lead[0])
            chain.append(cur)
            while True:
                prev = next(((s_, name) for e_, (s_, name) in by_end.items()
                             if e_ <= cur[0] and _NAME_JOIN.fullmatch(t, e_, cur[0])), None)
                if prev is None or prev[0] < clause_start(m.start()):
                    break
                chain.insert(0, prev)
                cur = prev
        if len(chain) != len(nums):
            out.unchecked += len(nums)
            return
        said = lead[1] if lead else None
        which = "yoy" if said == "同比" or (said is None and _yoy_clause(chain[0][0])) else "wow"
        for (_, name), nm in zip(chain, nums, strict=True):
            _check_pct(name, which, m.group(1), nm.group(1), nm.start(), nm.end(),
                       f"{name}{m.group(1)}{nm.group(0)}")

    def _check_tables() -> None:
        """Markdown tables whose header names 本期/上期/环比/去年同期/同比: each row whose first
        cell is a commodity is compared cell by cell ("—" where the data have no value)."""
        header: dict[int, str] | None = None
        unit_col = None
        pos = 0
        for line in t.split("\n"):
            start, pos = pos, pos + len(line) + 1
            cells = line.strip().strip("|").split("|") if line.lstrip().startswith("|") else None
            if cells is None:
                header = None
                continue
            cells = [c.strip() for c in cells]
            if any(f in _TABLE_FIELDS for f in cells) and header is None:
                header = {i: _TABLE_FIELDS[c] for i, c in enumerate(cells) if c in _TABLE_FIELDS}
                unit_col = cells.index("单位") if "单位" in cells else None
                continue
            name = names.get(cells[0]) if cells else None
            if header is None or name is None:
                continue
            row = _item_row(report, name)
            offset = start + line.index(cells[0])
            for i, fld in header.items():
                if i >= len(cells) or not cells[i]:
                    continue
                cell = cells[i]
                cs = start + line.index(cell, offset - start)
                offset = cs + len(cell)
                if fld in ("wow", "yoy"):
                    value = None if row is None else row.get(f"{fld}_pct")
                    if cell in ("—", "-"):
                        if value is not None:
                            add(name, fld, cell, change(value), False, cs, cs + len(cell), "数据中有该涨跌幅")
                        continue
                    pm = re.fullmatch(r"([+\-−]?\d+(?:\.\d+)?)\s*%|持平", cell)
                    if pm is None:
                        continue
                    num = pm.group(1)
                    _check_pct(name, fld, "" if num else "持平", num, cs, cs + len(cell),
                               f"{name} {'环比' if fld == 'wow' else '同比'} {cell}")
                    continue
                want = None if row is None else row.get(fld)
                if cell in ("—", "-"):
                    if want is not None:
                        add(name, fld, cell, f"{round_half_up(want, 2):.2f}", False, cs,
                            cs + len(cell), "数据中有该价格")
                    continue
                if not re.fullmatch(r"\d+(?:\.\d+)?", cell):
                    continue
                if want is None:
                    add(name, fld, cell, None, False, cs, cs + len(cell), "数据中没有该商品该期间的价格")
                    continue
                unit = cells[unit_col] if unit_col is not None and unit_col < len(cells) else row["unit"]
                factor = 1.0 if unit == row["unit"] else convert(1.0, unit, row["unit"])
                if factor is None:
                    continue
                d = _decimals(cell)
                expected = round_half_up(want / factor, d)
                ok = expected is not None and abs(float(cell) - expected) < 10 ** (-d) / 2
                add(name, fld, f"{name} {cell}", f"{expected:.{d}f}", ok, cs, cs + len(cell),
                    "" if ok else "价格与数据不符")

    for m in _BREADTH_HEAD.finditer(t):
        _check_breadth(m)
    for m in _MOVERS.finditer(t):
        _check_movers(m)
    for s_, e_, name in mentions:
        if (b := _BARE.match(t, e_)) is not None:
            _check_pct(name, "yoy" if _yoy_clause(s_) else "wow", b.group(1), b.group(2),
                       b.start(), b.end(), t[s_:b.end()])
    _check_tables()

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
        which = "wow" if m.group(1) == "环比" else "yoy"
        if m.group(2):  # 持平
            _check_pct(o[0], which, "持平", None, m.start(), m.end(), m.group(0))
        else:
            _check_pct(o[0], which, m.group(3) or "", m.group(4), m.start(), m.end(), m.group(0))
    return out
