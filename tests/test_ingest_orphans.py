"""No parser process outlives the ingest that started it (issue: 180-811 MB children stayed
alive forever after a kill -9 of the CLI or a SIGTERM of the server).

A real ``python -m ingest`` on a file large enough to be mid-read when it is killed: with
SIGKILL (nothing of the parent runs: the child's parent-death signal must end it) and with
SIGTERM (Python's default action, no atexit either). After 5 s no process of it may remain.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ppid_and_state(pid: int) -> tuple[int, str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[1]), fields[0]


def _cpu_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> set[int]:
    """Every live process whose parent chain leads to ``root``."""
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            got = _ppid_and_state(int(d))
            if got is not None:
                parents[int(d)] = got[0]
    out: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier and p not in out}
        out |= frontier
    return out


def running(pid: int) -> bool:
    got = _ppid_and_state(pid)
    return got is not None and got[1] not in ("Z", "X")  # a zombie holds no memory and runs nothing


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("orphans") / "big.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["日期", "市场", "品名", "单位", "价格"])
        for i in range(190_000):
            w.writerow([f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", f"市场{i % 50}", f"商品{i % 997}", "元/公斤",
                        f"{1 + i % 300 / 7:.2f}"])
    return p


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_killing_a_cli_ingest_mid_read_leaves_no_process(tmp_path, big_csv, sig):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = subprocess.Popen([sys.executable, "-m", "ingest", "--db", str(tmp_path / "p.duckdb"), str(big_csv)],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # wait for the child to be busy reading the file (a second of CPU of its own)
        deadline = time.monotonic() + 120
        busy: set[int] = set()
        while time.monotonic() < deadline and cli.poll() is None:
            kids = descendants(cli.pid)
            busy = {k for k in kids if _cpu_seconds(k) > 1.0}
            if busy:
                break
            time.sleep(0.05)
        assert busy, "the ingest child never started reading"
        kids = descendants(cli.pid)
        assert cli.poll() is None, "the ingest ended before it could be killed: use a larger file"
        os.kill(cli.pid, sig)
        cli.wait(30)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(running(k) for k in kids):
            time.sleep(0.1)
        left = [k for k in kids if running(k)]
        assert left == [], f"processes of the killed ingest still running: {left}"
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait()
        for k in descendants(cli.pid):
            with __import__("contextlib").suppress(OSError):
                os.kill(k, signal.SIGKILL)


def test_the_child_is_gone_when_the_file_is_done(store, tmp_path):
    """One child per file: none is left alive after an ingest returns, loaded or rejected."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "ingest"))
    from ingest_testkit import long_rows, write_xlsx

    from ingest import IngestOptions, ingest_file, worker

    before = descendants(os.getpid())
    good = write_xlsx(tmp_path / "a.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)})
    bad = tmp_path / "b.csv"
    bad.write_text("日期,市场,品名,单位,价格\n2024-05-06,城关农贸市场,大米,元/公斤,abc\n", encoding="utf-8")
    for p in (good, bad):
        res = ingest_file(store, p, IngestOptions(actor="t", today=__import__("datetime").date(2026, 1, 1)))
        assert res.status in ("loaded", "rejected")
        assert worker.live_children() == []
    time.sleep(0.2)
    left = [k for k in descendants(os.getpid()) - before if running(k)
            and "resource_tracker" not in Path(f"/proc/{k}/cmdline").read_bytes().decode(errors="replace")]
    assert left == []
