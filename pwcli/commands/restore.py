"""``restore FILE --db PATH [--notes-dir DIR] [--archive-dir DIR] [--force]``: check a
backup's manifest, then restore it: the database at PATH, the notes and the briefing
archive beside it (or where told). Refuses to replace existing data unless --force."""

from __future__ import annotations

import argparse

from pricewatch import backup

from . import COMMANDS


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("restore", help=COMMANDS["restore"])
    p.add_argument("file", metavar="FILE", help="backup 命令生成的备份文件")
    p.add_argument("--db", required=True, metavar="PATH", help="恢复后的数据库文件")
    p.add_argument("--notes-dir", metavar="DIR", help="解读目录（默认：数据库旁的 interpretations/）")
    p.add_argument("--archive-dir", metavar="DIR", help="简报归档目录（默认：数据库旁的 archive/）")
    p.add_argument("--force", action="store_true", help="目标已有数据时仍然恢复（原目录保留为 *.before-restore-时间）")
    return p


def run(args: argparse.Namespace) -> int:
    r = backup.restore(args.file, args.db, notes_dir=args.notes_dir, archive_dir=args.archive_dir,
                       force=args.force)
    print(f"已恢复：数据库 {r.db}（数据版本 {r.data_version}），解读 {r.notes_dir}，简报归档 {r.archive_dir}；"
          f"清单中 {r.files} 个文件全部校验通过")
    if r.config is not None:
        print(f"备份中的配置已存为 {r.config}，请与现用的 pricewatch.toml 核对后合并")
    print(f"使用恢复的数据：PRICEWATCH_DB={r.db} PRICEWATCH_NOTES_DIR={r.notes_dir}")
    return 0
