"""Hostile files are refused before any parser runs, or fail inside the child process;
the caller survives every one of them and the store is unchanged."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, run, snapshot, write_xlsx  # noqa: E402

from ingest import guard, worker  # noqa: E402
from ingest.layouts import Context  # noqa: E402
from pricewatch.config import Settings  # noqa: E402


def rejected_with(store, path, code, **kw):
    before = snapshot(store)
    res = run(store, path, **kw)
    assert res.status == "rejected"
    assert [i.code for i in res.errors] == [code], res.errors
    assert snapshot(store) == before
    return res.errors[0]


def test_zip_bomb_is_refused_before_parsing(store, tmp_path):
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert p.stat().st_size < 200_000
    issue = rejected_with(store, p, "zip_bomb")
    assert "解压后达 64 MB" in issue.message()


def test_zip_with_too_many_entries(store, tmp_path):
    p = tmp_path / "many.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(guard.MAX_ENTRIES + 1):
            zf.writestr(f"x/{i}", "")
    rejected_with(store, p, "zip_bomb")


def test_renamed_html_is_refused(store, tmp_path):
    p = tmp_path / "报表.xls"
    p.write_text("<!DOCTYPE html><html><body><table><tr><td>大米</td></tr></table></body></html>", encoding="utf-8")
    issue = rejected_with(store, p, "file_type")
    assert "网页" in issue.message()
    q = tmp_path / "报表.csv"
    q.write_text("<html><body>x</body></html>", encoding="utf-8")
    rejected_with(store, q, "file_type")


def test_random_bytes_are_refused(store, tmp_path):
    data = os.urandom(20_000)
    for name in ("r.xlsx", "r.xls", "r.ods"):
        (tmp_path / name).write_bytes(data)
        rejected_with(store, tmp_path / name, "file_type")
    (tmp_path / "r.csv").write_bytes(b"\x00" + data)
    rejected_with(store, tmp_path / "r.csv", "file_type")


def test_undecodable_text(store, tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes("品名,价格\n".encode() + bytes([0xFF, 0xFE, 0x81, 0x30, 0xFF]) + b"\n")
    rejected_with(store, p, "encoding")


def test_oversize_and_empty(store, tmp_path):
    p = write_xlsx(tmp_path / "big.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)})
    tiny = Settings(db_path=store.path, max_upload_mb=0.001)
    issue = rejected_with(store, p, "file_too_large", settings=tiny)
    assert "超过上限 0.001 MB" in issue.message()
    (tmp_path / "e.csv").write_bytes(b"")
    rejected_with(store, tmp_path / "e.csv", "file_empty")


def test_unsupported_extension_and_zip_without_sheet(store, tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 ...")
    rejected_with(store, tmp_path / "a.pdf", "file_type")
    p = tmp_path / "z.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("readme.txt", "hello")
    rejected_with(store, p, "file_type")


def test_damaged_xlsx_fails_cleanly_in_the_child(store, tmp_path):
    p = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='a' r:id='rId1'/></sheets")
    rejected_with(store, p, "parse_failed", isolate=True)


def test_child_memory_limit_protects_the_caller(tmp_path):
    """A parse that needs more memory than the limit fails in the child; the caller goes on."""
    rows = [["日期", "市场", "品名", "单位", "价格"]] + [["2024-05-06", "城关农贸市场", f"品{i}" * 40, "元/公斤", i + 1]
                                                 for i in range(60000)]
    p = tmp_path / "wide.csv"
    p.write_text("\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8")
    # the child holds no pandas: ~30 MB of its own, and this file needs well over 100 MB
    parsed = worker.parse_isolated(str(p), "csv", Context(), memory_mb=50)
    assert parsed.issue is not None and parsed.issue.code in ("parse_memory", "parse_failed")
    ok = worker.parse_isolated(str(p), "csv", Context(), memory_mb=2048)
    assert ok.issue is None and len(ok.sheets[0].records) == 60000


@pytest.mark.parametrize("formula", ["=HYPERLINK(\"http://x\",\"y\")", "=1+1"])
def test_formulas_are_never_evaluated(store, tmp_path, formula):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "市场", "品名", "单位", "价格"])
    ws.append(["2024-05-06", "城关农贸市场", "大米", "元/公斤", formula])
    wb.save(tmp_path / "f.xlsx")
    res = run(store, tmp_path / "f.xlsx")
    # openpyxl saves no cached value, so the cell reads as empty text: never as a computed 2
    assert res.status == "rejected" or res.rows_loaded == 0


def test_an_unforeseen_fault_is_a_rejection_not_a_crash(store, tmp_path, monkeypatch):
    import ingest.validate

    def boom(*a, **k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(ingest.validate, "resolve", boom)
    p = write_xlsx(tmp_path / "a.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)})
    issue = rejected_with(store, p, "internal")
    assert "ZeroDivisionError" in issue.message() and "发给管理员" in issue.message()


def test_a_child_that_dies_is_reported_and_the_next_file_gets_a_new_one(store, tmp_path):
    """A child that dies mid-read (killed by its own memory limit in a C allocation, or by
    anyone) fails only its own file, as parse_memory; the next file gets a fresh child."""
    import os as _os
    import signal

    p = write_xlsx(tmp_path / "a.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)})
    s = worker.Session(worker.Limits(memory_mb=777))
    _os.kill(s.pid, signal.SIGKILL)
    with pytest.raises(worker.ChildFailed) as e:
        s.call("read", str(p), "xlsx", Context(), s.limits)
    s.close()
    assert e.value.issue.code == "parse_memory" and s.pid not in worker.live_children()
    parsed = worker.parse_isolated(str(p), "xlsx", Context(), memory_mb=777)
    assert parsed.issue is None and len(parsed.sheets[0].records) == 1


FORKED = """
import os, sys
from openpyxl import Workbook
from ingest import worker
from ingest.layouts import Context
wb = Workbook()
wb.active.append(["日期", "市场", "品名", "单位", "价格"])
wb.active.append(["2024-05-06", "城关农贸市场", "大米", "元/公斤", 6.0])
wb.save({path!r})
assert worker.may_fork()
s = worker.Session(worker.Limits(memory_mb=777), fork=True)
assert s._proc._start_method == "fork", s._proc._start_method
assert s.call("read", {path!r}, "xlsx", Context(), s.limits, None, False) is None
print(len(s.call("sheets")[0].records), os.getpgid(s.pid) == s.pid,
      str(777 * 1024 * 1024) in open(f"/proc/{{s.pid}}/limits").read())
s.close()
print(s.pid in worker.live_children(), os.path.exists(f"/proc/{{s.pid}}"))
import duckdb  # noqa: F401 - its threads are not Python's: no fork once it is loaded
s = worker.Session(worker.Limits(), fork=True)
print(s._proc._start_method)
s.close()
"""


def test_the_command_lines_forked_child_is_isolated_like_a_spawned_one(tmp_path):
    """The CLI forks its first file's child (no thread, no DuckDB yet): the child leads its
    own process group, has the memory limit, reads, and is gone when closed; once DuckDB is
    loaded a child is spawned."""
    import subprocess

    code = FORKED.format(path=str(tmp_path / "a.xlsx"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       cwd=Path(__file__).parent.parent)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:3] == ["1 True True", "False False", "spawn"]


def test_no_fork_in_a_process_with_duckdb_or_threads():
    import duckdb  # noqa: F401 - the test process has it (the server does too)

    assert not worker.may_fork()
