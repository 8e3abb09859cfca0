"""``export [--as USER | --public] [--from D] [--to D] [--commodity NAME]... [--market NAME]...
--format csv|xlsx|json [--lang zh|en] [--out FILE]``: the canonical observations, one row each.

Released data only (what the public sees) unless ``--as`` names a staff user: the staff
view (pending uploads too) is for someone the accounts know and allow to see it. ``--public``
forces the public view, whoever runs it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pricewatch import export
from pricewatch.accounts import require, resolve_actor

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("export", help=COMMANDS["export"])
    _common.add_db(p)
    p.add_argument("--public", action="store_true", help="只导出已发布数据（默认即如此）")
    p.add_argument("--as", dest="actor", metavar="USER",
                   help="以工作人员身份导出全部数据（含待发布），需要有查看内部数据权限的账号")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="起始日期")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="结束日期")
    p.add_argument("--commodity", action="append", default=[], metavar="NAME", help="商品（可重复）")
    p.add_argument("--market", action="append", default=[], metavar="NAME", help="市场（可重复）")
    p.add_argument("--format", required=True, choices=export.FORMATS, help="导出格式")
    p.add_argument("--lang", choices=export.LANGS, default="zh",
                   help="表头和取值的语言：zh 中文（默认）、en 英文")
    p.add_argument("--out", metavar="FILE", help="输出文件（默认写到标准输出）")
    return p


def run(args: argparse.Namespace) -> int:
    store = _common.store(args)
    public = True
    if args.actor and not args.public:
        require(resolve_actor(store, args.actor), "view_staff")
        public = False
    q = export.ExportQuery(
        public=public,
        start=_common.parse_date(args.start) if args.start else None,
        end=_common.parse_date(args.end) if args.end else None,
        commodities=tuple(args.commodity), markets=tuple(args.market))
    data = export.export(store, q, args.format, getattr(args, "lang", "zh"))
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"已导出到 {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
