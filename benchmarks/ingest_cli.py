"""A whole ``python -m ingest`` process against the calamine parse alone, on one file.

    .venv/bin/python -m benchmarks.ingest_cli [--runs 5] [--rows 50000] [--root CHECKOUT] [--against OTHER_CHECKOUT]

The file: a long xlsx table (日期 市场 品名 单位 价格) of ``--rows`` rows, 100 commodities and
10 markets that are not in the catalog (so ``--accept-new-names`` adds them), weekly dates,
prices on a gentle random walk (a few price_jump warnings, not thousands). Written once
into benchmarks/out/ingest_cli/.

* ingest: wall time of ``python -m ingest --db COPY --accept-new-names FILE`` as a new
  process (interpreter start, imports, guard, the child's read and checks, the write and
  its snapshot), into a copy of a migrated, empty database (the schema and catalog seeds
  are made once, untimed: a bureau's database exists before its first upload).
* parse alone: ``CalamineWorkbook.from_path(f).get_sheet_by_index(0).to_python()`` in this
  process, warm.
* ratio: ingest / parse (target: at most 3).

Medians of ``--runs`` runs, alternating. ``--root`` runs the ingest of another checkout
(e.g. an older commit in a git worktree) for a before/after on the same machine and file;
``--against`` runs a second checkout's ingest in the same loop (ingest, the other's ingest,
parse, and again), so that both see the same moments of a shared machine.

The checkout's bytecode is compiled first (:func:`~benchmarks.harness.compile_bytecode`), as
an installation's is: where ``PYTHONDONTWRITEBYTECODE`` is set (or the sources are read-only,
as under the systemd units) a process that finds none compiles every module it imports, on
every run (~0.06 s of CPU here). ``--no-compile`` measures without it (bytecode already there is still used).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from .harness import compile_bytecode

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out" / "ingest_cli"


def write_file(path: Path, rows: int, seed: int = 7) -> Path:
    from openpyxl import Workbook

    rng = random.Random(seed)
    coms = [f"测试商品{i:03d}" for i in range(100)]
    mkts = [f"测试市场{i:02d}" for i in range(10)]
    price = {(c, m): rng.uniform(4, 40) for c in coms for m in mkts}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("价格")
    ws.append(["日期", "市场", "品名", "单位", "价格"])
    day, k = date(2020, 1, 6), 0
    while k < rows:
        for c in coms:
            for m in mkts:
                if k == rows:
                    break
                price[c, m] *= rng.uniform(0.93, 1.075)
                ws.append([day, m, c, "元/公斤", round(price[c, m], 2)])
                k += 1
        day += timedelta(days=7)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def the_file(rows: int) -> Path:
    p = OUT / f"long-{rows}.xlsx"
    if not p.exists():
        write_file(p, rows)
    return p


def empty_db(root: Path, d: Path) -> Path:
    """A migrated database without data, made by the checkout under test."""
    db = d / "empty.duckdb"
    if not db.exists():
        code = (f"from pricewatch.store import Store; s = Store({str(db)!r}); s.migrate()")
        subprocess.run([sys.executable, "-c", code], cwd=root, check=True,
                       env={**os.environ, "PYTHONPATH": str(root)})
    return db


def copy_db(src: Path, dst: Path) -> None:
    for p in list(dst.parent.glob(dst.name + "*")):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    for p in src.parent.glob(src.name + "*"):
        target = dst.parent / p.name.replace(src.name, dst.name, 1)
        shutil.copytree(p, target) if p.is_dir() else shutil.copy2(p, target)


def ingest_once(root: Path, file: Path, db: Path, work: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its child)."""
    import resource

    target = work / "run.duckdb"
    copy_db(db, target)
    env = {**os.environ, "PYTHONPATH": str(root)}
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "ingest", "--db", str(target), "--accept-new-names", str(file)],
                       cwd=root, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t
    ru2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise RuntimeError(f"ingest failed ({p.returncode}): {(p.stderr or p.stdout)[-500:]}")
    return dt, (ru2.ru_utime - ru.ru_utime) + (ru2.ru_stime - ru.ru_stime)


def parse_once(file: Path) -> float:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    wb = CalamineWorkbook.from_path(str(file))
    wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    wb.close()
    return time.perf_counter() - t


def measure(runs: int = 5, rows: int = 50_000, root: Path = ROOT, compile: bool = True) -> dict[str, float]:
    return measure_side_by_side(runs, rows, [root], compile)[0]


def measure_side_by_side(runs: int, rows: int, roots: list[Path], compile: bool = True) -> list[dict[str, float]]:
    """:func:`measure` of each checkout in ``roots``, their runs alternating in one loop with
    the parse's (each checkout's ratio is to the same parse runs)."""
    file = the_file(rows)
    if compile:
        for root in roots:
            compile_bytecode(root)
    with tempfile.TemporaryDirectory(prefix="ingest-cli-") as d:
        work = Path(d)
        dbs = []
        for k, root in enumerate(roots):
            (work / str(k)).mkdir()
            dbs.append(empty_db(root, work / str(k)))
        parse_once(file)  # warm: the file in the page cache, the library loaded
        ing: list[list[float]] = [[] for _ in roots]
        cpu: list[list[float]] = [[] for _ in roots]
        par = []
        for _ in range(runs):
            for k, root in enumerate(roots):
                wall, c = ingest_once(root, file, dbs[k], work)
                ing[k].append(wall)
                cpu[k].append(c)
            par.append(parse_once(file))
    p = statistics.median(par)
    load = os.getloadavg()[0]
    return [{"ingest_s": statistics.median(i), "parse_s": p, "ratio": statistics.median(i) / p, "runs": runs,
             "rows": rows, "cpu_s": statistics.median(c), "ingest_all": i, "parse_all": par, "load": load,
             "root": root} for i, c, root in zip(ing, cpu, roots, strict=True)]


def results(runs: int = 5, rows: int = 50_000) -> list:
    """The line of ``python -m benchmarks`` (measurement ``ingest_cli``)."""
    from .harness import Result

    m = measure(runs, rows)
    return [Result("ingest_cli", f"whole `python -m ingest` process, {rows:,}-row long xlsx (100 new commodities,"
                   " 10 new markets)", "-", m["ingest_s"] * 1000, "ms", runs, target=("<", 3 * m["parse_s"] * 1000),
                   ref=m["parse_s"] * 1000, ref_label="calamine parse alone",
                   ratio=f"{m['ratio']:.1f}x the parse (target ≤ 3x)", check=True,
                   note=f"new process each run (bytecode compiled), into a copy of a migrated empty database;"
                        f" CPU (process + child)"
                        f" {m['cpu_s']:.2f} s; load average {m['load']:.1f} on {os.cpu_count()} CPUs")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose ingest is run")
    ap.add_argument("--against", type=Path, help="another checkout whose ingest runs in the same loop")
    ap.add_argument("--no-compile", action="store_true", help="do not compile the checkout's bytecode first")
    a = ap.parse_args()
    roots = [a.root.resolve(), *([a.against.resolve()] if a.against else [])]
    got = measure_side_by_side(a.runs, a.rows, roots, compile=not a.no_compile)
    print(f"{'rows':>7} {'ingest process s':>17} {'(CPU s)':>8} {'parse alone s':>14} {'ratio':>7}   (bytecode"
          f" {'as found' if a.no_compile else 'compiled'}, load average {got[0]['load']:.1f} at the end)")
    for m in got:
        print(f"{m['rows']:>7} {m['ingest_s']:>17.3f} {m['cpu_s']:>8.2f} {m['parse_s']:>14.3f} {m['ratio']:>6.2f}x"
              f"   root {m['root']}: ingest {', '.join(f'{x:.2f}' for x in m['ingest_all'])};"
              f" parse {', '.join(f'{x:.2f}' for x in m['parse_all'])}")


if __name__ == "__main__":
    main()
