"""``scheduler [--once] [--interval S] [--no-site] [--json]``: the timed work.

Scheduled publication, share files, deadline reminders and static-site rebuilds
(:mod:`pricewatch.scheduler`). Long-running by default (systemd: deploy/systemd/
pricewatch-scheduler.service; ``make run`` starts it beside the app); ``--once`` runs one
pass and exits (cron: ``* * * * * python -m pricewatch scheduler --once``).
"""

from __future__ import annotations

import argparse

from pricewatch.errors import InputError
from pricewatch.scheduler import Scheduler, stop_on_signals

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("scheduler", help=COMMANDS["scheduler"])
    _common.add_db(p, json=True)
    p.add_argument("--once", action="store_true", help="只运行一次（供 cron 调用）")
    p.add_argument("--interval", type=float, metavar="S",
                   help="每隔多少秒检查一次（默认：[schedule] interval_s, 20）")
    p.add_argument("--no-site", action="store_true", help="不更新静态公开网站")
    p.add_argument("--site-dir", metavar="DIR", help="静态网站目录（默认：[site] out_dir）")
    _common.add_base_url(p)
    return p


def run(args: argparse.Namespace) -> int:
    settings = _common.settings(args)
    if args.interval is not None and args.interval <= 0:
        raise InputError(f"--interval {args.interval:g} 不对", "写一个大于 0 的秒数，例如 --interval 20")
    sched = Scheduler(_common.store(args), settings, site=not args.no_site,
                      site_dir=args.site_dir, base_url=args.base_url)
    if args.once:
        r = sched.tick()
        if args.json:
            _common.print_json(r.to_json())
        return 1 if r.errors else 0
    sched.run(args.interval, stop_on_signals())
    return 0
