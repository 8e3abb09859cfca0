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


def read(path: str | Path, kind: str, *, max_rows: int | None = None, max_cells: int | None = None) -> Sheets:
    """``max_rows`` / ``max_cells``: a file with more rows (all sheets together) or cells is
    refused with ParseError ``too_many_rows`` / ``too_many_cells``, before its cells become
    Python objects where the container allows it (xlsx, xls, ods)."""
    if kind == "csv":
        from .text import read_text

        return read_text(Path(path), max_rows=max_rows, max_cells=max_cells)
    from .excel import read_excel

    return read_excel(Path(path), max_rows=max_rows, max_cells=max_cells)


#: rows at the top of each sheet that the row limit does not count (titles, a header block)
HEADER_ROWS = 20


def check_size(rows: int, cells: int, max_rows: int | None, max_cells: int | None, sheets: int = 1) -> None:
    """``rows``: all rows of the sheets read so far; the first HEADER_ROWS of each sheet are
    not counted against ``max_rows`` (a 200,000-row table under its header is allowed)."""
    from ..errors import ParseError

    if max_rows is not None and rows - HEADER_ROWS * sheets > max_rows:
        raise ParseError("too_many_rows", rows=rows, limit=max_rows)
    if max_cells is not None and cells > max_cells:
        raise ParseError("too_many_cells", cells=cells, limit=max_cells)
