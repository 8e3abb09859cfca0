"""``report [--date D | --period P] [--freq day|week|xun|month] [--public] [--json]``: one period's figures.

Every number comes from :func:`pricewatch.indicators.report` (the single source of published
figures). Without a period: the latest period with data (the latest released one with
``--public``). ``--public`` reads released data only; without it, all current data (the staff
view). ``--json`` prints the report's JSON schema; otherwise a Chinese table whose first line
is the headline, and where a figure is missing the cell says why.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .. import indicators, textfmt
from ..errors import InputError, NotFound
from ..periods import normalise_freq, parse_period
from . import _common

PRICE_TYPE_ZH = {"retail": "零售价格", "wholesale": "批发价格"}
KIND_ZH = {"rule": "预警", "alps": "ALPS", "gap": "缺报"}


def _freq(value: str) -> str:
    try:
        return normalise_freq(value)
    except InputError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("report", help="某一期的价格指标: 环比、同比、指数、涨跌家数和预警")
    _common.add_db(p)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--date", metavar="YYYY-MM-DD", help="包含该日期的一期")
    g.add_argument("--period", metavar="2024年5月上旬|2024-05-D1|2024-W05|2024-05|2024-05-06",
                   help="指定一期: 旬、ISO 周、月份或日期")
    p.add_argument("--freq", type=_freq, metavar="日|周|旬|月",
                   help="按日、周、旬或月(也可写 day/week/xun/month; 默认: pricewatch.toml 的"
                        " [publication] frequency, 未设置时按数据自动判断)")
    p.add_argument("--public", action="store_true", help="只用已发布的数据(公开口径)")
    p.add_argument("--price-type", choices=list(indicators.PRICE_TYPES), default="retail",
                   help="零售(retail, 默认)或批发(wholesale)价格")
    p.add_argument("--base", metavar="PERIOD", help="定基指数的基期(默认: 数据的第一期)")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    return p


def run(args: argparse.Namespace) -> int:
    store = _common.store(args)
    settings = _common.settings(args)
    on = _common.parse_date(args.date) if args.date else None
    if args.period and args.freq:
        named = parse_period(args.period)
        if named.freq != args.freq:
            raise InputError(f"期间 {args.period} 是{named.freq_zh}, 与 --freq {args.freq} 不一致",
                             "去掉 --freq(指定的期间自带频率)")
    if not store.exists():
        raise NotFound(f"数据库 {store.path} 不存在",
                       "运行 `python -m pricewatch demo` 建立演示库, 或用 --db 指定数据库")
    rep = indicators.report(store, period=args.period, on=on, freq=args.freq, public=args.public,
                            price_type=args.price_type, base=args.base, settings=settings)
    scope = "已发布的" if args.public else ""
    if rep is None:
        raise NotFound(f"没有{scope}{PRICE_TYPE_ZH[args.price_type]}数据",
                       "先导入并发布数据" if args.public else "先导入数据: python -m ingest 文件")
    if rep.items.empty:
        latest = indicators.resolve_period(store, freq=rep.period.freq, public=args.public,
                                           price_type=args.price_type)
        hint = f"最近有数据的一期是 {latest.label}" if latest else "先导入数据"
        raise NotFound(f"{rep.period.label_zh}没有{scope}{PRICE_TYPE_ZH[args.price_type]}数据", hint)
    try:
        if args.json:
            _common.print_json(rep.to_json())
        else:
            print(render_text(rep))
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader stopped early (`report | head`): not an error; keep Python's exit flush quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


# -- the text view -----------------------------------------------------------------------------
def _pad(text: str, width: int, right: bool = False) -> str:
    gap = max(0, width - indicators.display_width(text))
    return " " * gap + text if right else text + " " * gap


def _price(v: Any, why: dict[str, str], key: str) -> str:
    if v is None:
        return f"—({why[key]})" if key in why else "—"
    return textfmt.price(v)


def _pct(v: Any, why: dict[str, str], key: str) -> str:
    if v is None:
        return f"—({why[key]})" if key in why else "—"
    return "持平" if v == 0 else textfmt.pct(v)


def render_text(rep: indicators.Report) -> str:
    """The report as a readable Chinese table (what ``report`` prints without --json)."""
    j = rep.to_json()
    p = rep.period
    prefix = p.this_zh
    lines = [
        f"{p.label_zh}({p.start:%Y-%m-%d} 至 {p.end:%Y-%m-%d})"
        f" {PRICE_TYPE_ZH.get(rep.price_type, rep.price_type)}"
        f" · {'公开口径(仅已发布数据)' if rep.public else '内部口径(含未发布数据)'}",
        rep.headline("本期"),
    ]
    s = j["summary"]
    no_change = s["n"] - s["up"] - s["down"] - s["flat"]
    if no_change:
        lines.append(f"(其中{no_change}种商品上期无可比报价, 不计入涨跌)")
    lines.append("")
    header = ["类别", "商品", "单位", "本期价格", "上期价格", "环比", "去年同期", "同比", "市场数", "提醒"]
    rows = []
    for it in j["items"]:
        why = it.get("why") or {}
        rows.append([
            it["category"], it["commodity"], it["unit"], _price(it["price"], why, "price"),
            _price(it["prev_price"], why, "prev_price"), _pct(it["wow_pct"], why, "wow_pct"),
            _price(it["yoy_price"], why, "yoy_price"), _pct(it["yoy_pct"], why, "yoy_pct"),
            str(it["markets"]),
            "、".join(a["level_label"] if a["kind"] == "rule" else KIND_ZH[a["kind"]] for a in j["alerts"]
                     if a["commodity"] == it["commodity"] and a["kind"] != "gap"),
        ])
    numeric = {3, 4, 5, 6, 7, 8}
    widths = [max(indicators.display_width(str(r[i])) for r in [header, *rows])
              for i in range(len(header))]
    for r in [header, *rows]:
        lines.append("  ".join(_pad(str(c), widths[i], right=i in numeric)
                               for i, c in enumerate(r)).rstrip())
    lines.append("")
    lines.append("价格提醒:")
    if j["alerts"]:
        lines.extend(f"  · {a['message']}" for a in j["alerts"])
    else:
        lines.append(f"  {prefix}没有超过预警线的价格波动, 也没有缺报的市场。")
    if j["categories"]:
        base = rep.base.label_zh if rep.base else "第一期"
        lines.append("")
        lines.append(f"分类价格指数(定基, {base}=100; 固定权重篮子):")
        for c in j["categories"]:
            idx = "—(基期无报价)" if c["index"] is None else f"{c['index']:.1f}"
            wow = "—(上期无可比报价)" if c["wow_pct"] is None else _pct(c["wow_pct"], {}, "")
            lines.append(f"  {c['category']}: {idx}, 环比 {wow}")
    lines.append("")
    lines.append("注: 环比、同比只比较两期都有报价的市场; 上期价格、去年同期价格是该期全部报价市场的"
                 "平均, 报价市场有变动时, 二者相除不一定等于环比、同比。")
    return textfmt.zh_punct("\n".join(lines))
