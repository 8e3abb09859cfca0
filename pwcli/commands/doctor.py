"""``doctor [--repair [--accept-loss]] [--json]``: check the database, its snapshots, the
notes and the briefing archive; repair what is safe (see pricewatch.doctor)."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from pricewatch import doctor

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("doctor", help=COMMANDS["doctor"])
    _common.add_db(p, json=True)
    p.add_argument("--repair", action="store_true", help="修复可安全修复的问题")
    p.add_argument("--accept-loss", action="store_true",
                   help="主库损坏时，即使最新快照缺少最近的写入，也用它替换主库")
    return p


def run(args: argparse.Namespace) -> int:
    settings = _common.settings(args)
    findings = doctor.run(_common.store(args), settings, repair=args.repair, accept_loss=args.accept_loss)
    if args.json:
        _common.print_json([asdict(f) for f in findings])
    else:
        for f in findings:
            print(f.line())
    bad = [f for f in findings if f.state == doctor.BAD]
    if not args.json:
        print("检查完毕：一切正常" if not bad else f"检查完毕：{len(bad)} 项异常")
    return 1 if bad else 0
