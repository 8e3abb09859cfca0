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

from pricewatch.store import Store, queries

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


#: a command-line hint inside a message ("(命令行 --date, 上传页「…」)", "(命令行加 --x)"):
#: a page says what to do on the page only
_CLI_PAREN = re.compile(r"[(（]\s*命令行[^()（）]*?[)）]")
_CLI_PART = re.compile(r"命令行(?:加)?\s*--[\w-]+(?:\s+\S+)?\s*[,，、]\s*")
_FLAG = re.compile(r"\s*--[a-z][\w-]*")


def page_message(text: str) -> str:
    """A report message as a page shows it: no command-line flags, full-width punctuation."""
    from pricewatch.textfmt import zh_punct

    text = _CLI_PART.sub("", text)
    text = _CLI_PAREN.sub("", text)
    text = re.sub(r"[(（]上传页「([^」]*)」[)）]", r"（见「\1」）", text).replace("上传页「", "「")
    return zh_punct(_FLAG.sub("", text))


def where_text(sheet: Any, row: Any, column: Any, lang: str = "zh") -> str:
    """工作表「价格」第 3 行 F 列 (blank parts left out)."""
    parts = []
    if sheet not in (None, ""):
        parts.append(f"工作表「{sheet}」" if lang != "en" else f"sheet \"{sheet}\"")
    if row not in (None, ""):
        parts.append(f"第 {row} 行" if lang != "en" else f"row {row}")
    if column not in (None, ""):
        parts.append(f"{column} 列" if lang != "en" else f"column {column}")
    return (" " if lang != "en" else ", ").join(parts)


def stored_report(report: Any) -> dict[str, Any]:
    """A stored upload report (JSON text or dict) as a dict ({} when there is none)."""
    if report is None or (isinstance(report, float) and pd.isna(report)):
        return {}
    return json.loads(report) if isinstance(report, str) else dict(report)


def history(store: Store, limit: int = 100) -> pd.DataFrame:
    with store.read() as s:
        return queries.uploads.uploads(s, limit)


def report_rows(report: Any) -> pd.DataFrame:
    """A stored upload report (JSON text or dict) as rows: severity, sheet, row, column, code, message."""
    d = stored_report(report)
    if not d:
        return pd.DataFrame(columns=["severity", "sheet", "row", "column", "code", "message"])
    rows = [{"severity": "error", **i} for i in d.get("errors", [])]
    rows += [{"severity": i.get("severity", "warning"), **{k: v for k, v in i.items() if k != "severity"}}
             for i in d.get("warnings", [])]
    for r in rows:
        r["message"] = page_message(str(r.get("message") or ""))
    return _tidy(pd.DataFrame(rows, columns=["severity", "sheet", "row", "column", "code", "message"]))


def issues_frame(res: FileResult, lang: str = "zh") -> pd.DataFrame:
    """One row per problem: severity, sheet, row, column, code, message (as a page shows it)."""
    rows = [{"severity": "error", **i.to_dict(lang)} for i in res.errors]
    rows += [{"severity": "warning", **i.to_dict(lang)} for i in res.warnings]
    for r in rows:
        r["message"] = page_message(r["message"])
    return _tidy(pd.DataFrame(rows, columns=["severity", "sheet", "row", "column", "code", "message"]))


def _tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Blank (not "None") where an issue concerns a whole sheet or file."""
    df["row"] = [("" if pd.isna(v) else str(int(v))) for v in pd.to_numeric(df["row"], errors="coerce")]
    for col in ("sheet", "column"):
        df[col] = df[col].fillna("").astype(str)
    return df
