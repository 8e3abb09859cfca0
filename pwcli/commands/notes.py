"""``notes list|show|new|edit|submit|approve|return|override|publish|withdraw|attach|due|feed``.

The same rules as on the pages: ``--as USER`` names the acting user (recorded in the audit
log); a refused action exits 1 with the reason. Without ``--as`` only published notes can
be listed or shown. Reading commands never change a note; ``notes due`` publishes the
scheduled notes whose time has come (what ``python -m pricewatch scheduler`` does every run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pricewatch.accounts import User, resolve_actor
from pricewatch.atomic import atomic_write
from pricewatch.errors import InputError
from pricewatch.notes import draft
from pricewatch.notes.feed import atom_feed
from pricewatch.notes.model import CHECK_NAMES, KINDS, Note, parse_dt
from pricewatch.notes.workflow import Notebook

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("notes", help=COMMANDS["notes"])
    ns = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    ns.required = True

    def cmd(name: str, help_: str, note_id: bool = True) -> argparse.ArgumentParser:
        c = ns.add_parser(name, help=help_)
        if note_id:
            c.add_argument("id", metavar="ID", help="解读编号")
        _common.add_db(c, json=True)
        _common.add_as(c)
        return c

    c = cmd("list", "列出解读（不带 --as 时只列已发布的）", note_id=False)
    c.add_argument("--status", help="只列此状态：draft submitted approved returned published withdrawn")
    c.add_argument("--mine", action="store_true", help="只列自己撰写的")
    c = cmd("show", "显示一篇解读")
    c.add_argument("--history", action="store_true", help="列出全部版本")
    c.add_argument("--diff", nargs=2, type=int, metavar=("A", "B"), help="两个版本之间的差异")
    c.add_argument("--checks", action="store_true", help="运行检查（数据核对、保密审查、数据发布）")
    c = cmd("new", "新建解读（草稿）", note_id=False)
    c.add_argument("--title", help="标题（用 --draft 时可省略）")
    c.add_argument("--kind", choices=KINDS, default="价格监测分析")
    c.add_argument("--period", help="期间，例如 2026-W47 或 2026-11")
    c.add_argument("--body-file", metavar="FILE", help="正文（markdown）文件；- 表示标准输入")
    c.add_argument("--draft", action="store_true", help="生成本期分析初稿（需要 --period）")
    c.add_argument("--commodities", help="涉及商品，逗号分隔")
    c.add_argument("--categories", help="涉及类别，逗号分隔")
    c.add_argument("--corrects", metavar="ID", help="更正说明：所更正的解读")
    c.add_argument("--note-id", metavar="ID", help="指定编号（默认自动生成）")
    c = cmd("edit", "修改草稿或退回的解读")
    c.add_argument("--title")
    c.add_argument("--period")
    c.add_argument("--body-file", metavar="FILE")
    c.add_argument("--commodities")
    c.add_argument("--categories")
    c = cmd("submit", "提交审核")
    c.add_argument("--comment")
    c = cmd("approve", "审核通过（可同时定时发布）")
    c.add_argument("--comment")
    c.add_argument("--at", metavar="DATETIME", help="定时发布时间，例如 2026-11-26T09:00")
    c.add_argument("--release-data", action="store_true", help="引用的待发布数据随解读一并发布")
    c = cmd("return", "退回修改")
    c.add_argument("--comment", required=True)
    c = cmd("override", "写明理由放行一项检查")
    c.add_argument("--check", required=True, choices=tuple(CHECK_NAMES))
    c.add_argument("--reason", required=True)
    c = cmd("publish", "立即发布，或用 --at 定时发布")
    c.add_argument("--at", metavar="DATETIME")
    c.add_argument("--release-data", action="store_true", help="引用的待发布数据随解读一并发布")
    c.add_argument("--comment")
    c = cmd("withdraw", "撤回已发布的解读")
    c.add_argument("--reason", required=True)
    c = cmd("attach", "添加附件（PDF、DOCX、PNG、JPEG）")
    c.add_argument("file", metavar="FILE")
    cmd("due", "发布已到时间的定时解读", note_id=False)
    c = cmd("feed", "生成已发布解读的 Atom 订阅源", note_id=False)
    c.add_argument("--out", metavar="FILE", required=True)
    return p


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [x.strip() for x in text.replace(",", ",").split(",") if x.strip()]


def _read_body(path: str | None) -> str | None:
    if path is None:
        return None
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"文件 {path} 不存在", "检查路径") from None
    except UnicodeDecodeError:
        raise InputError(f"文件 {path} 不是 UTF-8 文本", "另存为 UTF-8 编码后重试") from None


def _summary(n: Note) -> dict:
    return {"id": n.id, "title": n.title, "kind": n.kind, "period": n.period, "status": n.status,
            "author": n.author, "reviewer": n.reviewer, "version": n.version,
            "publish_at": n.publish_at, "published_at": n.published_at,
            "corrects": n.corrects, "corrected_by": n.corrected_by}


def _print_note(n: Note, args: argparse.Namespace, extra: str = "") -> None:
    if args.json:
        _common.print_json(_summary(n))
    else:
        print(f"{n.id}  [{n.status_name}]  {n.title}  （第 {n.version} 版）{extra}")


class _Context:
    """What every action needs: the parsed arguments, the settings, the store, the notebook
    and the acting user (None without ``--as``)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.settings = _common.settings(args)
        self.store = _common.store(args)
        self.book = Notebook(self.store, self.settings)
        self.user: User | None = resolve_actor(self.store, args.actor) if args.actor else None


def _due(c: _Context) -> None:
    due = c.book.due_publications()
    if c.args.json:
        _common.print_json({"published": due})
    elif not due:
        print("没有到期的定时解读")
    else:
        print("已按计划发布：" + "、".join(due))


def _feed(c: _Context) -> None:
    published = c.book.list_published()
    atomic_write(Path(c.args.out), atom_feed(published, c.settings, now=c.book.now()))
    if c.args.json:
        _common.print_json({"out": c.args.out, "entries": len(published)})
    else:
        print(f"已写入 {c.args.out}：{len(published)} 篇已发布解读")


def _list(c: _Context) -> None:
    user, book = c.user, c.book
    notes = book.list(user, status=c.args.status, author=user.name if (c.args.mine and user) else None)
    if c.args.json:
        out = []
        for n in notes:
            d = _summary(n)
            if user is not None and n.status == "published":
                d["needs_correction"] = bool(book.stale(n))
            out.append(d)
        _common.print_json(out)
        return
    for n in notes:
        flag = "  ⚠待更正" if user is not None and n.status == "published" and book.stale(n) else ""
        print(f"{n.id:<28} {n.status_name:<4} {n.kind:<6} {n.period or '-':<9} {n.author:<10} {n.title}{flag}")
    if not notes:
        print("没有解读")


def _show(c: _Context) -> None:
    args, book = c.args, c.book
    n = book.get(args.id, c.user)
    if args.diff:
        print(book.diff(n.id, *args.diff))
    elif args.history:
        _show_history(book.history(n.id), args)
    else:
        _show_note(n, book.checks(n, with_release=bool(n.release_uploads)) if args.checks and c.user else [],
                   args)


def _show_history(hist: list[Note], args: argparse.Namespace) -> None:
    if args.json:
        _common.print_json([{"version": h.version, "status": h.status, "updated_at": h.updated_at,
                             "updated_by": h.updated_by} for h in hist])
        return
    for h in hist:
        print(f"第 {h.version} 版  {h.status_name:<4} {h.updated_at or ''}  {h.updated_by or ''}")


def _show_note(n: Note, results: list[Any], args: argparse.Namespace) -> None:
    if args.json:
        d = _summary(n) | {"body": n.body, "commodities": n.commodities,
                           "categories": n.categories, "attachments": n.attachments,
                           "review_comments": n.review_comments, "overrides": n.overrides}
        if results:
            d["checks"] = [r.to_json() for r in results]
        _common.print_json(d)
        return
    _print_note(n, args)
    for rc in n.review_comments:
        print(f"  意见 {rc.get('at', '')} {rc.get('by', '')}：{rc.get('comment', '')}")
    print()
    print(n.body)
    for r in results:
        mark = "通过" if r.ok else ("已放行" if r.override else "未通过")
        print(f"[{r.title}] {mark}：{r.summary}")
        for line in r.finding_lines():
            print(f"    · {line}")


def _new(c: _Context) -> None:
    args = c.args
    body = _read_body(args.body_file) or ""
    title = args.title
    if args.draft:
        if not args.period:
            raise InputError("生成初稿需要 --period", "例如 --period 2026-W47")
        t, body = draft.for_period(c.store, c.settings, args.period)
        title = title or t
    if not title:
        raise InputError("需要 --title", "例如 --title \"2026年第47周价格监测分析\"")
    n = c.book.create(c.user, title=title, kind=args.kind, period=args.period, body=body,
                      commodities=_split(args.commodities), categories=_split(args.categories),
                      corrects=args.corrects, note_id=args.note_id)
    _print_note(n, args, "  已新建")


def _edit(c: _Context) -> None:
    args = c.args
    n = c.book.edit(c.user, args.id, title=args.title, period=args.period,
                    body=_read_body(args.body_file), commodities=_split(args.commodities),
                    categories=_split(args.categories))
    _print_note(n, args, "  已保存")


def _transition(act: Callable[[_Context], Note]) -> Callable[[_Context], None]:
    """An action that moves a note on: print it, with its publication time when scheduled."""

    def run_action(c: _Context) -> None:
        n = act(c)
        extra = f"  定时 {n.publish_at:%Y-%m-%d %H:%M}" if n.status == "approved" and n.publish_at else ""
        _print_note(n, c.args, extra)

    return run_action


def _publish(c: _Context) -> Note:
    at = parse_dt(c.args.at, c.settings.timezone) if c.args.at else None
    return c.book.publish(c.user, c.args.id, at=at, release_data=c.args.release_data,
                          comment=c.args.comment)


def _attach(c: _Context) -> Note:
    p = Path(c.args.file)
    if not p.is_file():
        raise InputError(f"文件 {p} 不存在", "检查路径")
    return c.book.add_attachment(c.user, c.args.id, p.name, p.read_bytes())


#: action name -> what it does (argparse allows only these names)
ACTIONS: dict[str, Callable[[_Context], None]] = {
    "list": _list,
    "show": _show,
    "new": _new,
    "edit": _edit,
    "submit": _transition(lambda c: c.book.submit(c.user, c.args.id, c.args.comment)),
    "approve": _transition(lambda c: c.book.approve(c.user, c.args.id, c.args.comment,
                                                    publish_at=c.args.at,
                                                    release_data=c.args.release_data)),
    "return": _transition(lambda c: c.book.return_(c.user, c.args.id, c.args.comment)),
    "override": _transition(lambda c: c.book.override(c.user, c.args.id, c.args.check, c.args.reason)),
    "publish": _transition(_publish),
    "withdraw": _transition(lambda c: c.book.withdraw(c.user, c.args.id, c.args.reason)),
    "attach": _transition(_attach),
    "due": _due,
    "feed": _feed,
}


def run(args: argparse.Namespace) -> int:
    ACTIONS[args.action](_Context(args))
    return 0
