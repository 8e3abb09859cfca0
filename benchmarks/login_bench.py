"""Login timing: an unknown name, a wrong password and a held (throttled) attempt must take
the same time, so that neither account names nor locks can be learned by timing; and a
login must not wait for an ingest.

    .venv/bin/python benchmarks/login_bench.py [--rounds 25]

The attempts are interleaved (one of each kind per round) so that machine noise falls on
all kinds alike; each kind's median, 10th and 90th percentile are printed in ms. The real
argon2 parameters are used. Then: logins while another process holds the store's write
lock (as a long ingest does), and for comparison one bookkeeping write through the DuckDB
store (the path every login took before: the write lock plus a snapshot copy).
The test suite proves the equal work (tests/test_accounts.py); this measures the time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pricewatch import accounts, sessions  # noqa: E402
from pricewatch.errors import AuthError  # noqa: E402
from pricewatch.store import Store, writes  # noqa: E402


def _ms(f) -> float:
    t = time.perf_counter()
    try:
        f()
    except AuthError:
        pass
    return (time.perf_counter() - t) * 1000


def _row(name: str, xs: list[float]) -> str:
    q = statistics.quantiles(xs, n=10)
    return f"| {name} | {statistics.median(xs):.1f} | {q[0]:.1f} | {q[-1]:.1f} | {len(xs)} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=25)
    ap.add_argument("--cheap-hash", action="store_true",
                    help="argon2 at its cheapest: what is left is the bookkeeping of each path")
    args = ap.parse_args()
    if args.cheap_hash:
        from argon2 import PasswordHasher

        accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        store.migrate()
        accounts.add_user(store, "zhang", "editor", "correct-pass-1")
        accounts.add_user(store, "li", "editor", "correct-pass-2")
        for _ in range(accounts.PAIR_FREE):  # li is held from this address for the run
            _ms(lambda: accounts.authenticate(store, "li", "nope", client="10.0.0.2"))
        kinds = {
            "unknown name": lambda i: accounts.authenticate(store, f"nobody{i}", "whatever-1", client=f"10.1.{i}.1"),
            "wrong password": lambda i: accounts.authenticate(store, "zhang", "wrong-pass", client=f"10.2.{i}.1"),
            "held, wrong password": lambda i: accounts.authenticate(store, "li", "wrong-pass", client="10.0.0.2"),
            "held, right password": lambda i: accounts.authenticate(store, "li", "correct-pass-2", client="10.0.0.2"),
            "success (+ session)": lambda i: sessions.login(store, "zhang", "correct-pass-1", client=f"10.3.{i}.1"),
        }
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for f in kinds.values():  # warm-up: imports, first hashes, files
            _ms(lambda f=f: f(999))
        for i in range(args.rounds):
            for name, f in kinds.items():
                times[name].append(_ms(lambda f=f, i=i: f(i)))
        print("| attempt | median ms | p10 | p90 | n |\n|---|---|---|---|---|")
        for name, xs in times.items():
            print(_row(name, xs))
        refused = [statistics.median(times[k]) for k in list(kinds)[:4]]
        print(f"\nspread of the refused medians: {max(refused) - min(refused):.1f} ms "
              f"({(max(refused) - min(refused)) / min(refused) * 100:.1f} % of the fastest)")

        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT);"
             " fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
             str(store.lock_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            holder.stdout.readline()
            held = [_ms(lambda i=i: sessions.login(store, "zhang", "correct-pass-1", client=f"10.4.{i}.1"))
                    for i in range(10)]
        finally:
            holder.stdin.close()
            holder.wait()
        print(f"\nlogin while another process holds the write lock: median {statistics.median(held):.1f} ms, "
              f"max {max(held):.1f} ms (n=10)")

        def old_bookkeeping() -> None:
            with store.write() as s:
                s.keep_data_version()
                writes.audit(s, "zhang", "login.ok", "zhang")

        old = [_ms(old_bookkeeping) for _ in range(10)]
        print(f"one bookkeeping write through the DuckDB store (lock + snapshot), free lock: "
              f"median {statistics.median(old):.1f} ms; under a held lock it waits for the ingest")


if __name__ == "__main__":
    main()
