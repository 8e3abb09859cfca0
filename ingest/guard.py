"""Checks on an untrusted file before any parser sees it (invariant 5).

1. Size: at most ``Settings.max_upload_mb`` (default 20 MB); empty files are refused.
2. Type by content, not by name: xlsx/xlsm (a zip with ``xl/workbook.xml``), ods (a zip
   whose ``mimetype`` is OpenDocument spreadsheet), xls (the OLE2 signature), csv/txt
   (decodes as UTF-8 or GB18030, no NUL bytes, not HTML/XML). A renamed HTML page
   ("报表.xls" as exported by some web systems), a PDF or random bytes is refused with a
   message saying what it is.
3. Zip bombs: at most :data:`MAX_ENTRIES` entries; the declared inflated size at most
   :data:`MAX_INFLATED` bytes in total, and when it exceeds :data:`RATIO_FLOOR` bytes, at
   most :data:`MAX_RATIO` times the file size (a 1 MB xlsx that inflates to 1 GB made the
   parser abort the whole process). Declared sizes can lie; the parser child's memory limit
   is the second line of defence.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .issues import ERROR, Issue

MAX_ENTRIES = 2000
MAX_INFLATED = 1024**3
MAX_RATIO = 100
RATIO_FLOOR = 50 * 1024**2

EXTENSIONS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv",
              ".txt": "csv", ".tsv": "csv"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Verdict:
    kind: str | None
    issue: Issue | None = None


def _reject(code: str, **params: object) -> Verdict:
    return Verdict(None, Issue(code, ERROR, None, None, None, dict(params)))


def _what(head: bytes) -> tuple[str, str]:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if h.startswith((b"<!doctype html", b"<html", b"<head", b"<table", b"<meta")):
        return "这是网页（HTML）文件，只是扩展名像表格", "this is an HTML page with a spreadsheet name"
    if h.startswith(b"<?xml") or h.startswith(b"<"):
        return "这是 XML/网页文件，不是表格", "this is an XML/HTML file, not a spreadsheet"
    if head.startswith(b"%PDF"):
        return "这是 PDF 文件，不是表格", "this is a PDF, not a spreadsheet"
    return "文件内容不是可识别的表格格式", "the content is not a recognised spreadsheet format"


def check(path: str | Path, *, max_mb: float) -> Verdict:
    p = Path(path)
    size = p.stat().st_size
    if size == 0:
        return _reject("file_empty")
    if size > max_mb * 1024 * 1024:
        return _reject("file_too_large", size_mb=size / 1024 / 1024, limit_mb=max_mb)
    ext = p.suffix.lower()
    with p.open("rb") as fh:
        head = fh.read(4096)
    if ext not in EXTENSIONS:
        return _reject("file_type", detail=f"不支持的文件类型「{ext or '无扩展名'}」",
                       detail_en=f"unsupported file type \"{ext}\"")
    if head.startswith(b"PK\x03\x04"):
        return _check_zip(p, size)
    if head.startswith(OLE2):
        return Verdict("xls")
    if EXTENSIONS[ext] == "csv":
        if b"\x00" in head:
            return _reject("file_type", detail="文件含有二进制内容，不是文本表格",
                           detail_en="binary content, not a text table")
        what = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if what.startswith(b"<") or head.startswith(b"%PDF"):
            zh, en = _what(head)
            return _reject("file_type", detail=zh, detail_en=en)
        from .errors import ParseError
        from .readers.text import decode

        try:
            decode(p.read_bytes())
        except ParseError:
            return _reject("encoding")
        return Verdict("csv")
    zh, en = _what(head)
    return _reject("file_type", detail=zh, detail_en=en)


def _check_zip(p: Path, size: int) -> Verdict:
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                return _reject("zip_bomb", detail=f"包含 {len(infos)} 个条目（上限 {MAX_ENTRIES}）",
                               detail_en=f"{len(infos)} entries (limit {MAX_ENTRIES})")
            inflated = sum(i.file_size for i in infos)
            if inflated > MAX_INFLATED or (inflated > RATIO_FLOOR and inflated > MAX_RATIO * size):
                return _reject(
                    "zip_bomb",
                    detail=f"{size / 1024 / 1024:.1f} MB 的文件解压后达 {inflated / 1024 / 1024:.0f} MB",
                    detail_en=f"{size / 1024 / 1024:.1f} MB inflates to {inflated / 1024 / 1024:.0f} MB")
            names = {i.filename for i in infos}
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return Verdict("xlsx")
            if "mimetype" in names:
                mt = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mt:
                    return Verdict("ods")
            return _reject("file_type", detail="这是一个压缩包（zip），里面没有表格",
                           detail_en="a zip archive without a spreadsheet inside")
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        return _reject("file_type", detail=f"文件已损坏（{e}）", detail_en=f"the file is damaged ({e})")
