"""``release --through YYYY-MM-DD | --upload ID [--as USER]``: make pending data public."""

from __future__ import annotations

import argparse

from pricewatch import publish
from pricewatch.accounts import resolve_actor

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("release", help=COMMANDS["release"])
    _common.add_db(p, json=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--through", metavar="YYYY-MM-DD", help="发布数据日期在此日及以前的全部待发布上传")
    g.add_argument("--upload", type=int, metavar="ID", help="只发布这一个上传")
    p.add_argument("--comment", help="发布说明")
    _common.add_as(p)
    return p


def run(args: argparse.Namespace) -> int:
    store = _common.store(args)
    actor = resolve_actor(store, args.actor)
    through = _common.parse_date(args.through) if args.through else None
    res = publish.release(store, actor, through=through, upload_id=args.upload, comment=args.comment)
    if args.json:
        _common.print_json({"release_id": res.release_id, "uploads": res.upload_ids})
    elif res.upload_ids:
        print(f"已发布 {len(res.upload_ids)} 个上传（发布批次 #{res.release_id}）："
              + ", ".join(f"#{i}" for i in res.upload_ids))
    else:
        print("没有需要发布的上传")
    return 0
