"""``markets [set-kind NAME TYPE --as USER]``: the markets and their outlet types (网点类型).

Without a sub-command: every market, its type (农贸市场, 超市, 批发市场, 社区菜店) and whether a
person confirmed it (a new market's type is guessed from its name). ``set-kind`` sets and
confirms one market's type, with an audit line.
"""

from __future__ import annotations

import argparse

from pricewatch import outlets
from pricewatch.accounts import resolve_actor

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("markets", help=COMMANDS["markets"])
    _common.add_db(p, json=True)
    sp = p.add_subparsers(dest="action", metavar="ACTION")
    k = sp.add_parser("set-kind", help="设置并确认某市场的网点类型")
    k.add_argument("name", help="市场名称")
    k.add_argument("kind", help="网点类型：" + "、".join(outlets.KINDS))
    _common.add_as(k)
    return p


def run(args: argparse.Namespace) -> int:
    store = _common.store(args)
    if args.action == "set-kind":
        actor = resolve_actor(store, args.actor)
        before = outlets.set_kind(store, actor, args.name, args.kind)
        print(f"{args.name}：网点类型 {before} → {outlets.check_kind(args.kind)}（已确认）")
        return 0
    rows = outlets.market_list(store)
    if args.json:
        _common.print_json(rows)
        return 0
    for r in rows:
        print(f"{r['market']}\t{r['kind']}\t{'已确认' if r['confirmed'] else '按名称推断，待确认'}")
    return 0
