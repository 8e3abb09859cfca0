"""The benchmark databases: built once per size and generator version, then reused.

county   through the real ingest path (``ingest.ingest_file`` on the yearly xlsx long tables,
         then one release of everything), as an office would load its history;
province, stress (and tiny)  through :func:`pricewatch.store.bulk.bulk_load` from parquet
         (one transaction, released).

The databases live in ``benchmarks/out/db/<size>.duckdb`` (git-ignored) with a stamp file
recording how they were built; measurements that write (the publish cost, concurrent
readers, a weekly ingest) work on a scratch copy, so the cached database never changes.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from . import synth
from .harness import OUT

#: bump when the way a database is built changes (the data files stay valid)
BUILD_VERSION = 2


def data_dir(size: synth.Size) -> Path:
    return OUT / "data" / size.name


def db_path(size: synth.Size) -> Path:
    return OUT / "db" / f"{size.name}.duckdb"


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".stamp.json")


def remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".lock"), path.with_name(path.name + ".wal"),
              _stamp(path)):
        p.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".snapshots"), ignore_errors=True)


def cached(size: synth.Size) -> dict | None:
    path = db_path(size)
    try:
        info = json.loads(_stamp(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (info.get("generator") != synth.GENERATOR_VERSION or info.get("build") != BUILD_VERSION
            or not path.exists()):
        return None
    return info


def release_all(store: object, through: date) -> None:
    from pricewatch import publish
    from pricewatch.accounts import User

    publish.release(store, User("bench", "admin"), through=through)  # type: ignore[arg-type]


def ensure_db(size: synth.Size, log=print) -> tuple[Path, dict]:
    """The cached database of ``size`` (built now when missing or stale)."""
    from pricewatch.store import open_store

    info = cached(size)
    path = db_path(size)
    if info is None:
        remove_db(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if size.name == "county":
            info = build_via_ingest(size, path, log)
        else:
            info = build_via_bulk(size, path, log)
        _stamp(path).write_text(json.dumps(info, ensure_ascii=False, default=str), encoding="utf-8")
    open_store(path).migrate()  # a migration added since the build is applied (a no-op otherwise)
    return path, info


def build_via_bulk(size: synth.Size, path: Path, log=print) -> dict:
    from pricewatch.store import Store
    from pricewatch.store.bulk import bulk_load

    t = time.perf_counter()
    files = synth.write_parquet(size, data_dir(size) / "parquet")
    t_gen = time.perf_counter() - t
    log(f"  {size.name}: generated {len(files)} parquet files in {t_gen:.1f} s")
    store = Store(path)
    store.migrate()
    t = time.perf_counter()
    r = bulk_load(store, files, file_name=f"synthetic-{size.name}.parquet", actor="bench",
                  comment=f"synthetic {size.name} history")
    t_load = time.perf_counter() - t
    store.close()
    log(f"  {size.name}: bulk-loaded {r.rows:,} rows in {t_load:.1f} s ({r.rows / t_load:,.0f} rows/s)")
    return {"generator": synth.GENERATOR_VERSION, "build": BUILD_VERSION, "size": size.name,
            "rows": r.rows, "path": "bulk",
            "seconds": round(t_load, 2), "generate_seconds": round(t_gen, 2),
            "built": time.strftime("%Y-%m-%d %H:%M:%S")}


def ingest_files(store: object, files: list[Path], *, isolate: bool = True) -> list[tuple[str, int, float]]:
    """Ingest ``files`` in order through ``ingest.ingest_file``; (name, rows loaded, seconds) each.

    Raises RuntimeError when a file is rejected (the synthetic files are valid)."""
    from ingest import IngestOptions, ingest_file

    out = []
    for f in files:
        t = time.perf_counter()
        r = ingest_file(store, f, IngestOptions(actor="bench", accept_new_names=True, isolate=isolate))  # type: ignore[arg-type]
        dt = time.perf_counter() - t
        if r.status != "loaded":
            codes = ", ".join(sorted({i.code for i in r.errors})) or r.status
            raise RuntimeError(f"ingest of {f.name} gave {r.status}: {codes}")
        out.append((f.name, r.rows_loaded, dt))
    return out


def build_via_ingest(size: synth.Size, path: Path, log=print) -> dict:
    """The county history through the real ingest path; bulk when the ingest library is absent."""
    from pricewatch.store import Store

    try:
        import ingest  # noqa: F401
    except ImportError:
        log("  ingest library not importable: county built through the bulk path instead")
        return build_via_bulk(size, path, log)
    files = synth.write_spreadsheets(size, data_dir(size) / "xlsx", "xlsx")
    store = Store(path)
    store.migrate()
    t = time.perf_counter()
    per_file = ingest_files(store, files)
    release_all(store, synth.LAST_MONDAY + timedelta(days=6))
    total = time.perf_counter() - t
    rows = sum(n for _, n, _ in per_file)
    store.close()
    log(f"  {size.name}: ingested {rows:,} rows from {len(files)} xlsx files in {total:.1f} s")
    return {"generator": synth.GENERATOR_VERSION, "build": BUILD_VERSION, "size": size.name,
            "rows": rows, "path": "ingest",
            "seconds": round(total, 2), "per_file": per_file, "built": time.strftime("%Y-%m-%d %H:%M:%S")}


def adopt_county(db: Path, per_file: list[tuple[str, int, float]], log=print) -> None:
    """Keep a database just built by ingesting the county xlsx files (the ingest measurement)
    as the cached county database, when there is none: the same files through the same path,
    so the county build is not done twice."""
    from pricewatch.store import Store

    size = synth.SIZES["county"]
    if cached(size) is not None:
        return
    path = db_path(size)
    remove_db(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db, path)
    store = Store(path)
    store.migrate()
    release_all(store, synth.LAST_MONDAY + timedelta(days=6))
    store.close()
    rows = sum(n for _, n, _ in per_file)
    info = {"generator": synth.GENERATOR_VERSION, "build": BUILD_VERSION, "size": size.name,
            "rows": rows, "path": "ingest", "seconds": round(sum(s for _, _, s in per_file), 2),
            "per_file": per_file, "built": time.strftime("%Y-%m-%d %H:%M:%S")}
    _stamp(path).write_text(json.dumps(info, ensure_ascii=False, default=str), encoding="utf-8")
    log(f"  county: kept the xlsx ingest's database ({rows:,} rows) as the county database")


def scratch_copy(path: Path, name: str) -> Path:
    """A private copy of a benchmark database (its primary file; the store makes a snapshot)."""
    from pricewatch.store import Store

    dest = OUT / "scratch" / f"{name}.duckdb"
    remove_db(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, dest)
    Store(dest).migrate()
    return dest
