"""``demo [--if-missing | --force]``: build the demo database from data/sample/."""

from __future__ import annotations

import argparse
import time

from pricewatch.config import load_settings

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("demo", help=COMMANDS["demo"])
    _common.add_db(p)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--if-missing", action="store_true", help="数据库已存在时什么也不做")
    g.add_argument("--force", action="store_true", help="删除已有数据库后重建")
    p.add_argument("--regenerate", action="store_true", help="先重新生成 data/sample/ 的样例文件")
    return p


def _ingest_loader(store, path, actor):  # noqa: ANN001 - see demo_build.Loader
    """One sample file through the real ingest path; a rejected file stops the build."""
    from ingest import IngestOptions, ingest_file
    from pricewatch.errors import InputError

    # the sample files are written by pricewatch.demo itself: no child process needed
    res = ingest_file(store, path, IngestOptions(actor=actor, settings=load_settings(store.path),
                                                 isolate=False))
    if not res.ok:
        first = res.errors[0] if res.errors else None
        raise InputError(f"样例文件 {path.name} 导入失败：{first.message() if first else res.status}",
                         "用 --regenerate 重新生成样例文件")


def run(args: argparse.Namespace) -> int:
    from pricewatch.demo_build import build

    cfg = _common.settings(args)
    if cfg.db_path.exists() and args.if_missing:
        print(f"数据库 {cfg.db_path} 已存在，跳过演示数据")
        return 0
    t0 = time.perf_counter()
    summary = build(cfg.db_path, loader=_ingest_loader, force=args.force, regenerate=args.regenerate)
    print(f"演示数据库 {cfg.db_path}：{summary}（{time.perf_counter() - t0:.1f} 秒）")
    return 0
