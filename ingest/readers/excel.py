"""xlsx / xlsm / xls / ods through python-calamine (Rust; ~10x faster than openpyxl).

Hidden sheets and chart sheets are skipped. Merged cells keep their value in the top-left cell only; the layouts forward-fill the
header rows where that matters. Date-formatted cells arrive as date/datetime; unformatted
serials stay numbers and are read as dates by :func:`ingest.normalise.parse_date`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from . import check_size


def read_excel(path: Path, *, max_rows: int | None = None, max_cells: int | None = None) -> list[tuple[str, list[list[Any]]]]:
    """The sizes are checked on calamine's own (compact) cells, before ``to_python``."""
    wb = CalamineWorkbook.from_path(str(path))
    try:
        out = []
        rows = cells = 0
        sheets = 0
        for meta in wb.sheets_metadata:
            # hidden sheets hold drop-down lists and lookups, not prices; chart sheets no cells
            # (the enum's text is "SheetVisibleEnum.Hidden": compare its member name)
            if str(meta.visible).rsplit(".", 1)[-1] != "Visible" or str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue
            name = meta.name
            sheet = wb.get_sheet_by_name(name)
            rows += sheet.height
            cells += sheet.height * sheet.width
            sheets += 1
            check_size(rows, cells, max_rows, max_cells, sheets)
            out.append((name, sheet.to_python(skip_empty_area=False)))
        return out
    finally:
        wb.close()
