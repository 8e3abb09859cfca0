"""``users add NAME --role ROLE`` / ``users list`` / ``users disable NAME`` /
``users sessions`` / ``users revoke NAME``."""

from __future__ import annotations

import argparse

from pricewatch import accounts, sessions, textfmt
from pricewatch.errors import NotFound
from pricewatch.store import queries, writes

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("users", help=COMMANDS["users"])
    us = p.add_subparsers(dest="users_cmd", required=True, metavar="add|list|disable|sessions|revoke")
    a = us.add_parser("add", help="添加账号或重设密码（密码从终端输入，或从标准输入读第一行）")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=accounts.ROLES)
    a.add_argument("--display-name")
    _common.add_db(a)
    ls = us.add_parser("list", help="列出账号")
    _common.add_db(ls)
    d = us.add_parser("disable", help="停用账号（并结束它的全部会话）")
    d.add_argument("name")
    _common.add_db(d)
    _common.add_as(d)
    se = us.add_parser("sessions", help="列出有效的登录会话")
    _common.add_db(se, json=True)
    r = us.add_parser("revoke", help="结束一个账号的全部登录会话（所有浏览器立即退出）")
    r.add_argument("name")
    _common.add_db(r)
    _common.add_as(r)
    return p


def _known(store, name: str) -> None:
    with store.read() as s:
        if queries.accounts.user(s, name) is None:
            raise NotFound(f"用户「{name}」不存在", "用 `python -m pricewatch users list` 查看账号")


def run(args: argparse.Namespace) -> int:
    store = _common.store(args)
    if args.users_cmd == "add":
        pw = _common.read_password()
        u = accounts.add_user(store, args.name, args.role, pw, actor="cli",
                              display_name=args.display_name)
        print(f"已保存账号 {u.name}（{accounts.ROLE_NAMES[u.role]}）")
    elif args.users_cmd == "list":
        with store.read() as s:
            df = queries.accounts.users(s)
        if df.empty:
            print("还没有账号；用 `python -m pricewatch users add NAME --role editor` 添加")
        for r in df.itertuples():
            print(f"{r.name}\t{accounts.ROLE_NAMES.get(r.role, r.role)}\t{'启用' if r.active else '停用'}")
    elif args.users_cmd == "sessions":
        rows = sessions.active(store)
        tz = _common.settings(args).timezone
        if args.json:
            # RFC 3339 with the bureau's offset, as the feeds write times
            _common.print_json([{"name": r.name, "role": r.role, "login_at": textfmt.rfc3339(r.created_at, tz),
                                 "last_seen_at": textfmt.rfc3339(r.last_seen, tz),
                                 "expires_at": textfmt.rfc3339(r.expires_at, tz),
                                 "client": r.client} for r in rows])
        elif not rows:
            print("没有有效的登录会话")
        for r in rows if not args.json else []:
            print(f"{r.name}\t{accounts.ROLE_NAMES.get(r.role, r.role)}\t"
                  f"登录 {textfmt.clock(r.created_at, tz)}\t最近使用 {textfmt.clock(r.last_seen, tz)}\t"
                  f"到期 {textfmt.clock(r.expires_at, tz)}\t{r.client or ''}")
        if rows and not args.json:
            print(f"（时间按{tz}时区显示）")
    elif args.users_cmd == "revoke":
        _known(store, args.name)
        n = sessions.revoke_user(store, args.name, actor=args.actor or "cli")
        print(f"已结束 {args.name} 的 {n} 个登录会话")
    else:
        _known(store, args.name)
        with store.write() as s:
            writes.set_user_active(s, args.name, False, actor=args.actor or "cli")
        n = sessions.revoke_user(store, args.name, actor=args.actor or "cli")
        print(f"已停用 {args.name}，结束 {n} 个登录会话")
    return 0
