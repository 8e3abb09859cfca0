"""``users add NAME --role ROLE`` / ``users list`` / ``users disable NAME``."""

from __future__ import annotations

import argparse

from .. import accounts
from ..store import queries, writes
from . import _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("users", help="管理账号")
    us = p.add_subparsers(dest="users_cmd", required=True, metavar="add|list|disable")
    a = us.add_parser("add", help="添加账号或重设密码(密码从终端输入, 或从标准输入读第一行)")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=accounts.ROLES)
    a.add_argument("--display-name")
    _common.add_db(a)
    ls = us.add_parser("list", help="列出账号")
    _common.add_db(ls)
    d = us.add_parser("disable", help="停用账号")
    d.add_argument("name")
    _common.add_db(d)
    _common.add_as(d)
    return p


def run(args: argparse.Namespace) -> int:
    store = _common.store(args)
    if args.users_cmd == "add":
        pw = _common.read_password()
        u = accounts.add_user(store, args.name, args.role, pw, actor="cli",
                              display_name=args.display_name)
        print(f"已保存账号 {u.name}({accounts.ROLE_NAMES[u.role]})")
    elif args.users_cmd == "list":
        with store.read() as s:
            df = queries.users(s)
        if df.empty:
            print("还没有账号; 用 `python -m pricewatch users add NAME --role editor` 添加")
        for r in df.itertuples():
            print(f"{r.name}\t{accounts.ROLE_NAMES.get(r.role, r.role)}\t{'启用' if r.active else '停用'}")
    else:
        with store.write() as s:
            writes.set_user_active(s, args.name, False, actor=args.actor or "cli")
        print(f"已停用 {args.name}")
    return 0
