"""csv / txt: encoding detection and delimiter sniffing.

Encodings are tried strictly in order: UTF-8 with BOM, UTF-8, then GB18030 (a superset of
GBK and GB2312, what Chinese Excel writes by default). Latin-1 is never tried: it accepts
any bytes and would turn GBK into mojibake instead of failing. The delimiter is the one of
``,`` tab ``;`` ``|`` that splits the first lines most consistently (csv.Sniffer), else ``,``.
Cells stay text; numbers and dates are parsed later.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..errors import ParseError

ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes) -> str:
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ParseError("encoding")


def read_text(path: Path, *, max_rows: int | None = None, max_cells: int | None = None) -> list[tuple[str, list[list[Any]]]]:
    text = decode(path.read_bytes())
    head = "\n".join(text.splitlines()[:20])
    try:
        delim = csv.Sniffer().sniff(head, delimiters=",\t;|").delimiter
    except csv.Error:
        delim = ","
    from . import check_size

    rows = []
    cells = 0
    for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
        rows.append(r)
        cells += len(r)
        if len(rows) % 4096 == 0:
            check_size(len(rows), cells, max_rows, max_cells)
    check_size(len(rows), cells, max_rows, max_cells)
    return [(path.stem, rows)]
