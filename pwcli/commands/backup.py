"""``backup --out FILE``: one archive of the database, the notes (with their history and
attachments), the briefing archive and the settings, with a manifest of checksums. Safe
while the app serves and ingests run (see pricewatch.backup)."""

from __future__ import annotations

import argparse

from pricewatch import backup

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("backup", help=COMMANDS["backup"])
    _common.add_db(p)
    p.add_argument("--out", required=True, metavar="FILE", help="备份文件，例如 /backup/pricewatch-2026-11-30.tar.gz")
    return p


def run(args: argparse.Namespace) -> int:
    s = backup.backup(_common.store(args), _common.settings(args), args.out)
    p = s.parts
    print(f"已备份到 {s.path}（{s.size / 1024 / 1024:.1f} MB，数据版本 {s.data_version}；"
          f"解读文件 {p.get('notes', 0)} 个，简报 {p.get('archive', 0)} 个，"
          f"配置{'已包含' if p.get('config') else '未找到（未包含）'}）")
    return 0
