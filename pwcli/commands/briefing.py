"""``briefing --period P [--public] --out FILE.pdf|FILE.docx``: the leadership briefing.

Also ``briefing --list [--period P] [--json]`` (the archive) and ``briefing --fetch ID --out
FILE`` (an archived briefing, byte for byte). Without --public the briefing is the staff
variant: it may include unreleased data, each such figure marked 未公开 and the document
marked 内部资料 注意保密. Every generated briefing is archived.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pricewatch import briefing
from pricewatch.accounts import require, resolve_actor
from pricewatch.atomic import atomic_write
from pricewatch.errors import InputError, PricewatchError

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("briefing", help=COMMANDS["briefing"])
    _common.add_db(p)
    p.add_argument("--period", metavar="P", help="期间：周 2026-W48 或月 2026-11")
    p.add_argument("--public", action="store_true", help="公开版：只用已发布的数据和已发布的解读")
    p.add_argument("--out", metavar="FILE", help="输出文件，扩展名 .pdf 或 .docx 决定格式")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--list", action="store_true", help="列出已归档的简报")
    g.add_argument("--fetch", type=int, metavar="ID", help="取出一份归档简报（配合 --out）")
    _common.add_as(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出（用于 --list 和生成结果）")
    return p


def _format_of(out: str) -> str:
    ext = Path(out).suffix.lower().lstrip(".")
    if ext not in briefing.FORMATS:
        raise InputError(f"输出文件「{out}」的扩展名不支持", "用 .pdf 或 .docx 结尾，例如 --out 简报.pdf")
    return ext


def _write(out: str, content: bytes) -> None:
    try:
        atomic_write(Path(out), content)
    except OSError as e:
        raise PricewatchError(f"无法写入 {out}：{e}", "检查输出路径是否存在且可写") from e


def run(args: argparse.Namespace) -> int:
    settings = _common.settings(args)
    store = _common.store(args)
    if args.list:
        df = briefing.archive.listing(store, period=args.period)
        if args.json:
            _common.print_json(df.to_dict(orient="records"))
            return 0
        if df.empty:
            print("归档中还没有简报；用 `python -m pricewatch briefing --period 2026-W48 --out 简报.pdf` 生成")
        for r in df.itertuples():
            print(f"#{r.id}\t{r.period}\t{'公开版' if r.public else '内部版'}\t{r.format}\t"
                  f"数据版本 {r.data_version}\t{r.created_at:%Y-%m-%d %H:%M}\t{r.created_by}\t{r.file_name}")
        return 0
    if not args.out:
        raise InputError("缺少 --out", "例如 --out 简报.pdf 或 --out 简报.docx")
    if args.fetch is not None:
        rec, content = briefing.archive.fetch(store, settings, args.fetch)
        if _format_of(args.out) != rec["format"]:
            raise InputError(f"简报 #{args.fetch} 是 {rec['format']} 文件",
                             f"输出文件请用 .{rec['format']} 结尾")
        _write(args.out, content)
        print(f"已取出简报 #{rec['id']}（{rec['period']}）-> {args.out}")
        return 0
    if not args.period:
        raise InputError("缺少 --period", "例如 --period 2026-W48（周）或 --period 2026-11（月）")
    fmt = _format_of(args.out)
    actor = "cli"  # the CLI trusts the shell account running it, as every command does
    if args.actor:
        actor = require(resolve_actor(store, args.actor), "briefing").name
    g = briefing.generate(store, settings, args.period, public=args.public, fmt=fmt, actor=actor)
    _write(args.out, g.content)
    b = g.briefing
    if args.json:
        _common.print_json({"out": args.out, "archive_id": g.archived.id, "period": b.period.label,
                            "public": b.public, "has_unreleased": b.has_unreleased,
                            "data_version": b.data_version, "issue": b.issue.text,
                            "bytes": len(g.content)})
    else:
        mark = "，含未公开数据（内部资料 注意保密）" if b.has_unreleased else ""
        print(f"已生成{b.variant_text.split('（')[0]}{b.title} {b.period.label_zh} {b.issue.text}"
              f"{mark} -> {args.out}（归档 #{g.archived.id}）")
    return 0
