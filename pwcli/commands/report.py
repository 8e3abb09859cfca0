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
from pathlib import Path
from typing import Any

from pricewatch import indicators, textfmt
from pricewatch.errors import InputError, NotFound
from pricewatch.periods import normalise_freq, parse_period

from . import COMMANDS, _common

PRICE_TYPE_ZH = {"retail": "零售价格", "wholesale": "批发价格"}
KIND_ZH = {"rule": "预警", "alps": "ALPS", "gap": "缺报"}


def _freq(value: str) -> str:
    try:
        return normalise_freq(value)
    except InputError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("report", help=COMMANDS["report"])
    _common.add_db(p, json=True)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--date", metavar="YYYY-MM-DD", help="包含该日期的一期")
    g.add_argument("--period", metavar="2024年5月上旬|2024-05-D1|2024-W05|2024-05|2024-05-06",
                   help="指定一期：旬、ISO 周、月份或日期")
    p.add_argument("--freq", type=_freq, metavar="日|周|旬|月",
                   help="按日、周、旬或月（也可写 day/week/xun/month；默认：pricewatch.toml 的"
                        " [publication] frequency，未设置时按数据自动判断）")
    p.add_argument("--public", action="store_true", help="只用已发布的数据（公开口径）")
    p.add_argument("--price-type", choices=list(indicators.PRICE_TYPES), default="retail",
                   help="零售（retail，默认）或批发（wholesale）价格")
    p.add_argument("--base", metavar="PERIOD", help="定基指数的基期（默认：数据的第一期）")
    p.add_argument("--view", choices=list(VIEWS), default="items",
                   help="items：各商品（默认）；outlets：分网点价格表（本期均价、上期均价、涨跌幅）；"
                        " types：超市与农贸市场均价对比")
    p.add_argument("--out", metavar="FILE.xlsx|FILE.csv", help="把 outlets / types 视图写入文件")
    return p


def run(args: argparse.Namespace) -> int:
    store = _common.store(args)
    settings = _common.settings(args)
    on = _common.parse_date(args.date) if args.date else None
    if args.period and args.freq:
        named = parse_period(args.period)
        if named.freq != args.freq:
            raise InputError(f"期间 {args.period} 是{named.freq_zh}，与 --freq {args.freq} 不一致",
                             "去掉 --freq（指定的期间自带频率）")
    if not store.exists():
        raise NotFound(f"数据库 {store.path} 不存在",
                       "运行 `python -m pricewatch demo` 建立演示库，或用 --db 指定数据库")
    rep = indicators.report(store, period=args.period, on=on, freq=args.freq, public=args.public,
                            price_type=args.price_type, base=args.base, settings=settings)
    scope = "已发布的" if args.public else ""
    if rep is None:
        raise NotFound(f"没有{scope}{PRICE_TYPE_ZH[args.price_type]}数据",
                       "先导入并发布数据" if args.public else "先导入数据：python -m ingest 文件")
    if rep.n == 0:
        latest = indicators.resolve_period(store, freq=rep.period.freq, public=args.public,
                                           price_type=args.price_type)
        hint = f"最近有数据的一期是 {latest.label}" if latest else "先导入数据"
        raise NotFound(f"{rep.period.label_zh}没有{scope}{PRICE_TYPE_ZH[args.price_type]}数据", hint)
    if args.out and args.view == "items":
        raise InputError("--out 只用于 outlets 或 types 视图", "加 --view outlets 或 --view types；"
                         "全部观测值的导出用 python -m pricewatch export")
    try:
        if args.view != "items":
            _view(args, store, rep)
        elif args.json:
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
        return f"—（{why[key]}）" if key in why else "—"
    return textfmt.price(v)


def _pct(v: Any, why: dict[str, str], key: str) -> str:
    if v is None:
        return f"—（{why[key]}）" if key in why else "—"
    return "持平" if v == 0 else textfmt.pct(v)


def _table(header: list[str], rows: list[list[Any]], numeric: set[int]) -> list[str]:
    """Aligned columns (CJK characters count double); ``numeric`` columns align right."""
    widths = [max(indicators.display_width(str(r[i])) for r in [header, *rows])
              for i in range(len(header))]
    return ["  ".join(_pad(str(c), widths[i], right=i in numeric) for i, c in enumerate(r)).rstrip()
            for r in [header, *rows]]


VIEWS = {"items": "各商品", "outlets": "分网点价格表", "types": "超市与农贸市场对比"}
TYPE_COLUMNS = {"commodity": "品名", "category": "类别", "unit": "单位", "price_a": "超市均价",
                "markets_a": "超市数", "price_b": "农贸市场均价", "markets_b": "农贸市场数",
                "gap_pct": "超市比农贸市场(%)"}


def _view(args: argparse.Namespace, store: Any, rep: indicators.Report) -> None:
    """The outlets / types views of the report's period: a table, JSON, or a file (--out)."""
    kw = {"period": rep.period.label, "public": args.public, "price_type": args.price_type}
    summary: dict[str, Any] = {}
    if args.view == "outlets":
        _, table = indicators.outlet_table(store, **kw)
    else:
        _, frame, summary = indicators.kind_comparison(store, **kw)
        table = frame.rename(columns=TYPE_COLUMNS)
    title = f"{rep.period.label_zh}{VIEWS[args.view]}（{'公开口径' if args.public else '内部口径'}）"
    if args.out:
        path = Path(args.out)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise InputError(f"不支持的文件类型「{path.suffix}」", "写作 FILE.xlsx 或 FILE.csv")
        from pricewatch import export  # pandas, only for a file

        path.write_bytes(export.render(export.safe(table), fmt))
        print(f"已写入 {path}：{title}，{len(table)}行")
        return
    records = [{k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in r.items()}
               for r in table.to_dict(orient="records")]
    if args.json:
        _common.print_json({"period": rep.period.label, "view": args.view, "public": args.public,
                            "summary": summary, "rows": records})
        return
    lines = [title]
    if summary.get("compared"):
        g = summary["mean_gap_pct"]
        lines.append(f"{summary['compared']}种商品两类网点均有报价，超市均价平均"
                     f"{'高' if g >= 0 else '低'}于农贸市场{abs(g):.1f}%，其中{summary['dearer_at_a']}种超市更贵")
    header = list(table.columns)
    body = [["—" if r[c] is None else (f"{r[c]:.2f}" if "均价" in c else str(r[c])) for c in header]
            for r in records]
    lines += _table(header, body, set(range(2 if args.view == "outlets" else 3, len(header))))
    print(textfmt.zh_punct("\n".join(lines)))


def render_text(rep: indicators.Report) -> str:
    """The report as a readable Chinese table (what ``report`` prints without --json)."""
    j = rep.to_json()
    p = rep.period
    prefix = p.this_zh
    lines = [
        f"{p.label_zh}（{p.start:%Y-%m-%d} 至 {p.end:%Y-%m-%d}）"
        f" {PRICE_TYPE_ZH.get(rep.price_type, rep.price_type)}"
        f" · {'公开口径（仅已发布数据）' if rep.public else '内部口径（含未发布数据）'}",
        rep.headline("本期"),
    ]
    s = j["summary"]
    no_change = s["n"] - s["up"] - s["down"] - s["flat"]
    if no_change:
        lines.append(f"（其中{no_change}种商品上期无可比报价，不计入涨跌）")
    if rep.overall_sentence():
        o = rep.overall or {}
        lines.append(rep.overall_sentence() + (f"（总体价格指数{textfmt.index(o['index'])}）"
                                               if o.get("index") is not None else ""))
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
    lines += _table(header, rows, {3, 4, 5, 6, 7, 8})
    lines.append("")
    lines.append("价格提醒：")
    if j["alerts"]:
        lines.extend(f"  · {a['message']}" for a in j["alerts"])
        if not rep.public and any(a["kind"] == "alps" for a in j["alerts"]):
            lines.append(f"  {indicators.ALPS_EXPLAINED}")
    else:
        lines.append(f"  {prefix}没有超过预警线的价格波动，也没有缺报的市场。")
    if j["categories"]:
        base = rep.base.label_zh if rep.base else "第一期"
        lines.append("")
        lines.append(f"分类价格指数（定基，{base}=100；固定权重篮子）：")
        for c in j["categories"]:
            idx = "—（基期无报价）" if c["index"] is None else f"{c['index']:.1f}"
            wow = "—（上期无可比报价）" if c["wow_pct"] is None else _pct(c["wow_pct"], {}, "")
            lines.append(f"  {c['category']}：{idx}，环比 {wow}")
    lines.append("")
    lines.append("注：环比、同比只比较两期都有报价的市场；上期价格、去年同期价格是该期全部报价市场的"
                 "平均，报价市场有变动时，二者相除不一定等于环比、同比。")
    return textfmt.zh_punct("\n".join(lines))
