"""Containers -> sheets: ``read(path, kind)`` returns ``[(sheet name, rows)]``.

``kind`` is what :func:`ingest.guard.check` found in the bytes ("xlsx", "xls", "ods", "csv"),
not the file name. Rows are lists of cell values: str, float, int, bool, date, datetime.
No formula is ever evaluated (calamine returns the values Excel saved) and macros in
.xlsm files are never read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

Sheets = list[tuple[str, list[list[Any]]]]


def read(path: str | Path, kind: str) -> Sheets:
    if kind == "csv":
        from .text import read_text

        return read_text(Path(path))
    from .excel import read_excel

    return read_excel(Path(path))
