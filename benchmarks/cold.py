"""Cold paths: what a fresh process pays before and for its first answer.

    python -m benchmarks.cold [--db PATH] [-n 7]

* start-up: ``python -m pricewatch --help`` and ``python -m pricewatch report --help`` (the
  report command's own imports: pandas, duckdb, the indicators) as whole processes, beside
  ``python -c pass`` (the interpreter alone, the floor);
* with ``--db``: ``python -m pricewatch report --json`` as a whole process, and the report in a
  fresh process timed inside it (from the first read to the JSON, imports excluded), beside a
  hand-written DuckDB query for the same period's core figures in the same fresh process (the
  floor); the first report after a new data version in a warm process (its caches keyed by the
  old version); medians of ``n`` runs each, taken in turn so that the machine's load falls on
  both sides alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .harness import ROOT, Result


def _wall_ms(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000


def _medians(cmds: dict[str, list[str]], n: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall time of each command, run in turn n times (after one untimed round)."""
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for c in cmds.values():
        _wall_ms(c, env)
    for _ in range(n):
        for k, c in cmds.items():
            times[k].append(_wall_ms(c, env))
    return {k: statistics.median(v) for k, v in times.items()}


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def startup(n: int = 7) -> list[Result]:
    py = sys.executable
    m = _medians({"floor": [py, "-c", "pass"],
                  "help": [py, "-m", "pricewatch", "--help"],
                  "report": [py, "-m", "pricewatch", "report", "--help"]}, n)
    note = f"whole process; load average {load_average()}"
    return [
        Result("cold", "python -m pricewatch --help (whole process)", "-", m["help"], "ms", n,
               target=("<", 500.0), check=True, ref=m["floor"], ref_label="python -c pass",
               ratio=f"{m['help'] - m['floor']:,.0f} ms beyond the interpreter", note=note),
        Result("cold", "report start-up imports (python -m pricewatch report --help)", "-", m["report"],
               "ms", n, target=("<", 500.0), check=True, ref=m["floor"], ref_label="python -c pass",
               ratio=f"{m['report'] - m['floor']:,.0f} ms beyond the interpreter", note=note),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.cold", description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="a database to time the report on (else start-up only)")
    ap.add_argument("-n", type=int, default=7)
    a = ap.parse_args(argv)
    from .harness import table

    results = startup(a.n)
    if a.db is not None:
        results += measure(a.db, "-", n=a.n)
    print(table(results))
    return 0


def measure(db: Path, size: str, n: int = 7) -> list[Result]:
    return []


if __name__ == "__main__":
    raise SystemExit(main())
