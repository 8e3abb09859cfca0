"""``deadlines [--json] [--now ISO]``: this week's 限时发布 status, overdue items marked."""

from __future__ import annotations

import argparse

from pricewatch import deadlines
from pricewatch.notes.model import parse_dt

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("deadlines", help=COMMANDS["deadlines"])
    _common.add_db(p, json=True)
    p.add_argument("--now", metavar="YYYY-MM-DDTHH:MM", help="按此时间计算（默认：现在）")
    return p


def run(args: argparse.Namespace) -> int:
    settings = _common.settings(args)
    store = _common.store(args)
    now = parse_dt(args.now, settings.timezone) if args.now else None
    st = deadlines.week_status(store, settings, now)
    if args.json:
        _common.print_json(st.to_json())
        return 0
    print(f"{st.week.label_zh}（{st.week.start}至{st.week.end}）限时发布进度，现在{st.now:%Y-%m-%d %H:%M}")
    print(f"时间表：{st.schedule}")
    for it in st.items:
        print(f"  {it.label:<6} 截止 {deadlines.fmt_due(it.due)}  {it.describe(st.now)}  {it.detail}")
    if st.overdue:
        print(f"逾期{len(st.overdue)}项：" + "、".join(i.label for i in st.overdue))
    if st.late:
        print(f"逾期完成{len(st.late)}项：" + "、".join(i.label for i in st.late))
    return 0
