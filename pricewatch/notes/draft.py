"""生成本期分析初稿: the period's 价格监测分析 as a county 监测周报 (旬报, 月报) issue.

Built only from ``Report.to_json()`` (summary, items, categories, alerts), so every figure in
it passes the figure check (:mod:`.figures` reads each sentence form written here back).
The layout, in the house style of county price bulletins::

    第12期　总第58期　监测单位：示范县商务局　监测日期：2026年11月23日—29日
    ## 一、总体情况   本周我县监测的47种商品中，上涨34种，占72.3%；持平5种，占10.6%；
                      下降8种，占17.0%。总体以涨为主。总体价格环比上涨0.8%，总体价格指数为
                      103.2（以……为100）。分类价格指数中，…… (the overall figures:
                      ``Report.overall``, left out when there is no 环比)
    ## 二、分类价格   one paragraph per category: its index and 环比, its breadth, its largest
                      movers ("黄瓜、菠菜和生菜分别上涨32.4%、17.9%和10.7%") and the items
                      above the warning line (those with a rule alert)
    ## 三、价格预警   the report's alerts in plain words (their ``message``; ALPS scores stay
                      with staff, a note is for the public), then the markets that did not report
    ## 四、后期走势   left for the editor: a prompt (:data:`PROMPT`) that the figure check
                      reports until it is replaced
    ## 附表           本期 | 上期 | 环比 | 去年同期 | 同比 for every commodity, and how the
                      changes are computed

The first line is the issue's masthead: its 期号 is the store's (:mod:`pricewatch.issues`),
assigned in the write that creates the note and again, for good, in the write that publishes
it (:func:`stamp`), which also puts the masthead on a note written without the draft.
A missing 环比 or 同比 is left out of a sentence rather than written as 0.
"""

from __future__ import annotations

import re
from typing import Any

from .. import issues
from .. import textfmt as tf
from ..config import Settings
from ..errors import InputError
from ..indicators import Report, report
from ..periods import Period, parse_period
from ..store import Store
from ..store.session import Session

TOP_N = 3
KIND = "价格监测分析"
#: the 后期走势 paragraph until the editor writes it (the figure check reports it while it stays)
PROMPT_MARK = "【请编辑填写】"
PROMPT = (PROMPT_MARK + "结合季节变化、供求情况和上级部门的预测，研判下期主要商品价格走势，"
          "并提出保供稳价的建议；写好后删去本提示。")
_MASTHEAD = re.compile(r"\A\s*第\d+期　总第\d+期[^\n]*\n*")
#: alerts the public does not read in a note (a statistician's score; staff see it elsewhere)
_STAFF_ONLY = {"alps"}


def masthead(issue: issues.Issue, settings: Settings, p: Period) -> str:
    return issues.masthead(issue, settings, p)


def set_masthead(body: str, line: str) -> str:
    """``body`` with ``line`` as its first line (replacing a masthead already there)."""
    return line + "\n\n" + _MASTHEAD.sub("", body, count=1).lstrip("\n")


def numbered(kind: str, period: str | None, body: str, action: str) -> bool:
    """Whether the write ``action`` gives this note its period's 期号: creating a note from the
    draft (its body starts with a masthead), publishing a 价格监测分析 of a period."""
    if not period:
        return False
    if action == "create":
        return bool(_MASTHEAD.match(body))
    return action == "publish" and kind == KIND


def stamp(s: Session, body: str, period: str, settings: Settings, actor: str) -> str:
    """Assign the period's 期号 in the write session ``s`` and put it at the top of ``body``."""
    p = parse_period(period)
    return set_masthead(body, masthead(issues.assign(s, p, actor), settings, p))


def _movers(its: list[dict[str, Any]], up: bool) -> list[dict[str, Any]]:
    """The largest rounded 环比 rises (falls), at most TOP_N; 持平 never moves."""
    pool = [it for it in its if tf.direction(it.get("wow_pct")) == ("up" if up else "down")]
    return sorted(pool, key=lambda it: -abs(it["wow_pct"]))[:TOP_N]


def _counts(its: list[dict[str, Any]]) -> tuple[int, int, int]:
    d = [tf.direction(it["wow_pct"]) for it in its if it.get("wow_pct") is not None]
    return d.count("up"), d.count("flat"), d.count("down")


def _overall(s: dict[str, int], word: str, county: str) -> str:
    n, up, down, flat = s.get("n", 0), s.get("up", 0), s.get("down", 0), s.get("flat", 0)
    text = f"{word}{county}监测的{n}种商品中，{tf.breadth(n, up, flat, down)}。"
    if up > down + flat:
        text += "总体以涨为主。"
    elif down > up + flat:
        text += "总体以降为主。"
    elif flat >= up + down:
        text += "总体基本稳定。"
    else:
        text += "涨跌互现。"
    return text


def _category_paragraph(cat: str, its: list[dict[str, Any]], row: dict[str, Any] | None,
                        base: str | None, warned: list[str]) -> str:
    out = []
    if row and row.get("index") is not None:
        idx = f"{cat}类价格指数为{tf.index(row['index'])}" + (f"（以{base}为100）" if base else "")
        if row.get("wow_pct") is not None:
            idx += f"，环比{tf.change(row['wow_pct'])}"
        out.append(idx + "。")
    up, flat, down = _counts(its)
    out.append(f"{cat}类{len(its)}种商品中，上涨{up}种、持平{flat}种、下降{down}种。")
    moves = [tf.movers([it["commodity"] for it in m], [it["wow_pct"] for it in m])
             for m in (_movers(its, True), _movers(its, False)) if m]
    if moves:
        out.append("；".join(moves) + "。")
    if warned:
        out.append(f"其中{tf.zh_list(warned)}的涨跌幅超过预警线（见价格预警）。")
    return "".join(out)


def _table(items: list[dict[str, Any]]) -> str:
    rows = ["| 商品 | 单位 | 本期 | 上期 | 环比 | 去年同期 | 同比 |",
            "|:---|:---|---:|---:|---:|---:|---:|"]
    rows += [f"| {it['commodity']} | {it.get('unit', '')} | {tf.price(it.get('price'))} | "
             f"{tf.price(it.get('prev_price'))} | {tf.pct(it.get('wow_pct'))} | "
             f"{tf.price(it.get('yoy_price'))} | {tf.pct(it.get('yoy_pct'))} |" for it in items]
    return "\n".join(rows)


def generate(report_json: dict[str, Any], settings: Settings,
             issue: issues.Issue | None = None) -> tuple[str, str]:
    """(title, markdown body) for the report's period; ``issue`` is its 期号 (the masthead
    is left out without one)."""
    p = parse_period(report_json["period"])
    word = p.this_zh
    county = settings.county_name
    title = f"{county}{p.label_zh}重要商品价格监测分析"
    head = [masthead(issue, settings, p)] if issue is not None else []
    items = [it for it in report_json.get("items", []) if it.get("price") is not None]
    if not items:
        return title, "\n\n".join([*head, f"{word}暂无价格监测数据。"]) + "\n"
    alerts = [a for a in report_json.get("alerts") or [] if isinstance(a, dict)]
    warned = {a.get("commodity") for a in alerts if a.get("kind") not in ("gap", *_STAFF_ONLY)}

    cats: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        cats.setdefault(it.get("category") or "其他", []).append(it)
    cat_rows = {c.get("category"): c for c in report_json.get("categories") or []
                if isinstance(c, dict)}
    base = report_json.get("base")
    base_zh = parse_period(base).label_zh if base else None

    overall = _overall(report_json.get("summary") or {}, word, "我县")
    total = report_json.get("overall") or {}
    if total.get("wow_pct") is not None:
        overall += f"总体价格环比{tf.change(total['wow_pct'])}"
        if total.get("index") is not None:
            overall += f"，总体价格指数为{tf.index(total['index'])}" + (f"（以{base_zh}为100）" if base_zh else "")
        overall += "。"
    moved = [f"{c}类环比{tf.change(r['wow_pct'])}" for c, r in cat_rows.items()
             if c in cats and r.get("wow_pct") is not None]
    if moved:
        overall += "分类价格指数中，" + "；".join(moved) + "。"
    out = [*head, "## 一、总体情况", overall, "## 二、分类价格"]
    for cat, its in cats.items():
        names = [it["commodity"] for it in its if it["commodity"] in warned]
        out.append(f"**{cat}类**：" + _category_paragraph(cat, its, cat_rows.get(cat), base_zh, names))

    out.append("## 三、价格预警")
    plain = [tf.zh_punct(str(a.get("message") or "")) for a in alerts
             if a.get("kind") not in ("gap", *_STAFF_ONLY) and a.get("message")]
    gaps = [tf.zh_punct(str(a.get("message") or a.get("market") or "")) for a in alerts
            if a.get("kind") == "gap"]
    if plain:
        out.append("\n".join(f"- {m}" for m in plain))
    else:
        out.append(f"{word}没有商品的价格涨跌幅触发预警。")
    if gaps:
        out.append("**数据缺报**：\n\n" + "\n".join(f"- {m}" for m in gaps))
    out += ["## 四、后期走势", PROMPT]
    out += ["## 附表　主要商品价格", f"{p.label_zh}与上期、去年同期比较：", _table(items),
            "注：价格为各监测点均价；环比、同比按两期都有报价的监测点计算，四舍五入保留一位小数，"
            "四舍五入后为0.0%的记为持平；“—”表示无可比数据。"]
    return title, "\n\n".join(out) + "\n"


def generate_for(rep: Report, settings: Settings,
                 issue: issues.Issue | None = None) -> tuple[str, str]:
    return generate(rep.to_json(), settings, issue)


def for_period(store: Store, settings: Settings, period: str) -> tuple[str, str]:
    """(title, body) of the draft for ``period`` from the staff data, with the 期号 the period
    has (or would get: the write that creates the note assigns it). A read: nothing changes."""
    p = parse_period(period)
    rep = report(store, period=p.label, freq=p.freq, public=False, settings=settings)
    if rep is None or rep.items.empty:
        raise InputError(f"{p.label_zh}没有价格数据，无法生成初稿", "先上传该期数据，或换一个期间")
    return generate_for(rep, settings, issues.peek(store, p))
