"""The serving process's memory while a huge upload is refused and a large one is loaded.

    .venv/bin/python -m benchmarks.upload_memory [--big 1000000] [--large 200000]

A fresh process plays the dashboard server: it calls ``ingest.upload.check`` and
``ingest.upload.confirm`` exactly as the upload page does (the file as bytes in memory),
after one small upload has loaded every module. It reports its resident memory (VmRSS)
before, its peak (VmHWM, reset before each step through /proc/self/clear_refs) and after
each step. Targets (issue "bounded upload memory"): the peak grows by under 150 MB, and
after the step the process is back within 50 MB of where it was.

* refuse: a ``--big``-row long xlsx (default 1,000,000 rows, over the 200,000-row limit);
* load: a ``--large``-row xlsx of catalog names (check, then confirm).

The files are written once into benchmarks/out/upload_memory/ (shared strings, like Excel).
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import subprocess
import sys
import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out" / "upload_memory"
HEADER = ["日期", "市场", "品名", "单位", "价格"]


def write_xlsx(path: Path, rows: int, names: list[str], markets: list[str], start: date) -> Path:
    """A long table written straight as SpreadsheetML (openpyxl takes minutes for a million rows)."""
    strings: dict[str, int] = {}

    def sst(s: str) -> int:
        if s not in strings:
            strings[s] = len(strings)
        return strings[s]

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
                     b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            head = "".join(f'<c t="s"><v>{sst(h)}</v></c>' for h in HEADER)
            fh.write(f"<row>{head}</row>".encode())
            k, day, buf = 0, start, []
            step = 0
            while k < rows:
                for ni, name in enumerate(names):
                    for mi, m in enumerate(markets):
                        if k == rows:
                            break
                        # each series keeps its level (a few % from day to day): a file of
                        # sane prices, not one the jump rule refuses
                        base = 3 + ((ni * len(markets) + mi) * 7919 % 4000) / 100
                        price = round(base * (1 + (step % 7) / 100), 2)
                        # cells without their r="A2" address, as many writers save them
                        buf.append(f'<row><c t="s"><v>{sst(day.isoformat())}</v></c><c t="s"><v>{sst(m)}</v></c>'
                                   f'<c t="s"><v>{sst(name)}</v></c><c t="s"><v>{sst("元/公斤")}</v></c>'
                                   f"<c><v>{price}</v></c></row>")
                        k += 1
                        if len(buf) >= 10_000:
                            fh.write("".join(buf).encode())
                            buf = []
                day += timedelta(days=1)
                step += 1
            fh.write("".join(buf).encode())
            fh.write(b"</sheetData></worksheet>")
        items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        zf.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns='
                    f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}"'
                    f' uniqueCount="{len(strings)}">{items}</sst>')
        zf.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns='
                    '"http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml"'
                    ' ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                    '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
                    '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
                    '"xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns='
                    '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats'
                    '.org/officeDocument/2006/relationships"><sheets><sheet name="价格" sheetId="1" r:id="rId1"/>'
                    '</sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship'
                    ' Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
                    ' Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    tmp.replace(path)
    return path


def catalog_names() -> tuple[list[str], list[str]]:
    with (ROOT / "data" / "catalog" / "commodities.csv").open(encoding="utf-8-sig") as fh:
        names = [r["name"] for r in csv.DictReader(fh) if r["unit"] == "元/公斤"]
    with (ROOT / "data" / "catalog" / "markets.csv").open(encoding="utf-8-sig") as fh:
        markets = [r["name"] for r in csv.DictReader(fh)]
    return names, markets


def files(big: int, large: int) -> tuple[Path, Path]:
    names, markets = catalog_names()
    b = OUT / f"long-{big}.xlsx"
    if not b.exists():
        write_xlsx(b, big, names, markets, date(2015, 1, 1))
    g = OUT / f"catalog-{large}-steady.xlsx"  # steady prices (the jump rule passes them)
    if not g.exists():
        write_xlsx(g, large, names, markets, date(2020, 1, 1))
    return b, g


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def serve(big: Path, large: Path) -> None:
    """The measuring process (run by :func:`main` as a fresh interpreter)."""
    from ingest import IngestOptions, upload
    from pricewatch.config import load_settings
    from pricewatch.store import Store

    d = Path(tempfile.mkdtemp(prefix="upload-mem-"))
    store = Store(d / "p.duckdb")
    store.migrate()
    cfg = load_settings(store.path)
    opts = IngestOptions(actor="editor", settings=cfg)
    names, markets = catalog_names()
    small = write_xlsx(d / "small.xlsx", 200, names, markets, date(2019, 1, 1))
    upload.confirm(store, "small.xlsx", small.read_bytes(), opts)  # every module loaded
    mb = 1024 * 1024
    for label, path, load in (("refuse", big, False), ("load", large, True)):
        data = path.read_bytes()
        gc.collect()
        before = _status("VmRSS")
        _reset_peak()
        res = upload.check(store, path.name, data, opts)
        check_peak = _status("VmHWM")
        status = res.status
        codes = sorted({i.code for i in res.errors})
        if load and res.ok:
            done = upload.confirm(store, path.name, data, opts, res.unknown_names)
            status, codes = done.status, sorted({i.code for i in done.errors})
            rows = done.rows_loaded
        else:
            rows = res.rows_read
        peak = _status("VmHWM")
        del res, data
        gc.collect()
        after = _status("VmRSS")
        print(f"{label}\t{path.name}\t{status}\t{','.join(codes)}\t{rows}\t{before / mb:.0f}\t{(peak - before) / mb:.0f}"
              f"\t{(after - before) / mb:.0f}\t{(check_peak - before) / mb:.0f}", flush=True)


def measure(big: int = 1_000_000, large: int = 200_000) -> list[dict]:
    b, g = files(big, large)
    p = subprocess.run([sys.executable, "-m", "benchmarks.upload_memory", "--serve", str(b), str(g)], cwd=ROOT,
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=1800)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-1000:])
    out = []
    for line in p.stdout.strip().splitlines():
        label, name, status, codes, rows, before, grow, after, check = line.split("\t")
        out.append({"step": label, "file": name, "status": status, "codes": codes, "rows": int(rows),
                    "rss_before_mb": int(before), "peak_growth_mb": int(grow), "after_growth_mb": int(after),
                    "check_peak_growth_mb": int(check),
                    "size_mb": (OUT / name).stat().st_size / 1024 / 1024})
    return out


def results(big: int = 1_000_000, large: int = 200_000) -> list:
    """The lines of ``python -m benchmarks`` (measurement ``upload_memory``)."""
    from .harness import Result

    out = []
    for m in measure(big, large):
        what = "refused" if m["step"] == "refuse" else "checked and loaded"
        out.append(Result("upload_memory", f"server RSS growth while a {m['file']} upload is {what}", "-",
                          m["peak_growth_mb"], "MB", 1, target=("<", 150), check=True,
                          ref=m["after_growth_mb"], ref_label="after the upload (target < 50 MB)",
                          note=f"{m['size_mb']:.1f} MB file, status {m['status']} {m['codes']}, {m['rows']:,} rows;"
                               f" RSS before {m['rss_before_mb']} MB"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--large", type=int, default=200_000)
    ap.add_argument("--serve", nargs=2, type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(*a.serve)
        return
    print(f"{'step':<7} {'file':<24} {'MB':>5} {'status':<9} {'rows':>9} {'RSS before':>11} {'peak +MB':>9}"
          f" {'after +MB':>10} {'check +MB':>10}   (targets: peak < +150 MB, after < +50 MB)")
    for m in measure(a.big, a.large):
        print(f"{m['step']:<7} {m['file']:<24} {m['size_mb']:>5.1f} {m['status']:<9} {m['rows']:>9,}"
              f" {m['rss_before_mb']:>11} {m['peak_growth_mb']:>9} {m['after_growth_mb']:>10}"
              f" {m['check_peak_growth_mb']:>10}   {m['codes']}")


if __name__ == "__main__":
    main()
