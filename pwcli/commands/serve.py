"""``serve [--port N]``: the app and the scheduler together (what ``make run`` runs).

Two child processes: ``streamlit run dashboard/server.py`` (the pages and /feed.xml) and
``python -m pricewatch scheduler`` (scheduled publication, reminders, the static site).
Ctrl-C or SIGTERM stops both; when either exits on its own, the other is stopped too and
the exit code says so. In production each runs under its own systemd unit (deploy/).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pricewatch.config import PROJECT_ROOT

from . import COMMANDS, _common


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("serve", help=COMMANDS["serve"])
    _common.add_db(p)
    p.add_argument("--port", type=int, help="网页端口（默认：STREAMLIT_SERVER_PORT, 8501）")
    return p


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.db:
        env["PRICEWATCH_DB"] = str(Path(args.db).resolve())
    app = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "dashboard" / "server.py")]
    if args.port:
        app += ["--server.port", str(args.port)]
    procs = [subprocess.Popen([sys.executable, "-m", "pricewatch", "scheduler"], env=env),
             subprocess.Popen(app, env=env)]
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        _stop(procs)
    if stopping:
        print("已停止网页应用和调度器", file=sys.stderr)
        return 0
    dead = [name for name, p in zip(("调度器", "网页应用"), procs, strict=True) if p.returncode]
    print(f"{'、'.join(dead) or '一个进程'}已退出，另一个也已停止", file=sys.stderr)
    return 1
