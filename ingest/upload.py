"""What the upload page needs, on the same code path as the CLI.

The page holds the dropped file as bytes; :func:`check` writes them to a private temporary
file (the original name is kept only as a label: a name from a browser is never used as a
path) and runs :func:`ingest.ingest_file` as a dry run; :func:`confirm` runs it again for
real with the names the person ticked. Both go through the guard and the parser child.
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from pricewatch.store import Store, ingest_queries

from .guard import EXTENSIONS
from .load import FileResult, IngestOptions, ingest_file


def _run(store: Store, name: str, data: bytes, options: IngestOptions) -> FileResult:
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        suffix = ".bin"  # the guard refuses it with a message naming the type
    # the stem names a csv's only sheet in the report; letters, digits, - and _ only
    stem = re.sub(r"[^\w-]", "_", Path(name).stem)[:80].strip("_") or "upload"
    try:
        with tempfile.TemporaryDirectory(prefix="pricewatch-upload-") as d:
            p = Path(d) / f"{stem}{suffix}"
            p.write_bytes(data)
            return ingest_file(store, p, replace(options, file_name=Path(name).name[:200]))
    finally:
        _give_back_memory()


def _give_back_memory() -> None:
    """Return the heap a load freed to the system (glibc keeps freed blocks otherwise), so
    the server's resident memory comes back down after a large upload."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def check(store: Store, name: str, data: bytes, options: IngestOptions) -> FileResult:
    """The report and the preview; writes nothing."""
    return _run(store, name, data, replace(options, dry_run=True))


def confirm(store: Store, name: str, data: bytes, options: IngestOptions,
            new_names: Collection[str] = ()) -> FileResult:
    """Load the file (pending release), adding only the new names the person confirmed."""
    return _run(store, name, data, replace(options, dry_run=False, accept_new_names=list(new_names)))


def history(store: Store, limit: int = 100) -> pd.DataFrame:
    with store.read() as s:
        return ingest_queries.upload_history(s, limit)


def report_rows(report: Any) -> pd.DataFrame:
    """A stored upload report (JSON text or dict) as rows: severity, sheet, row, column, code, message."""
    if report is None or (isinstance(report, float) and pd.isna(report)):
        return pd.DataFrame(columns=["severity", "sheet", "row", "column", "code", "message"])
    d = json.loads(report) if isinstance(report, str) else report
    rows = [{"severity": "error", **i} for i in d.get("errors", [])]
    rows += [{"severity": i.get("severity", "warning"), **{k: v for k, v in i.items() if k != "severity"}}
             for i in d.get("warnings", [])]
    return _tidy(pd.DataFrame(rows, columns=["severity", "sheet", "row", "column", "code", "message"]))


def issues_frame(res: FileResult, lang: str = "zh") -> pd.DataFrame:
    rows = [{"severity": "error", **i.to_dict(lang)} for i in res.errors]
    rows += [{"severity": "warning", **i.to_dict(lang)} for i in res.warnings]
    return _tidy(pd.DataFrame(rows, columns=["severity", "sheet", "row", "column", "code", "message"]))


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Blank (not "None") where an issue concerns a whole sheet or file."""
    df["row"] = [("" if pd.isna(v) else str(int(v))) for v in pd.to_numeric(df["row"], errors="coerce")]
    for col in ("sheet", "column"):
        df[col] = df[col].fillna("").astype(str)
    return df
