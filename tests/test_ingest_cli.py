"""``python -m ingest``: exit codes 0/1/2, one line per problem, the --json schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, write_xlsx  # noqa: E402

from ingest.cli import main  # noqa: E402
from pricewatch import accounts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FILE_KEYS = {"file", "status", "layout", "upload_id", "rows_read", "rows_loaded", "commodities", "markets",
             "date_min", "date_max", "errors", "warnings", "notes", "changes", "profile", "confirmed", "skipped",
             "skip_offer"}
ISSUE_KEYS = {"sheet", "row", "column", "code", "message"}


@pytest.fixture
def files(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"s": long_rows(大米__城关农贸市场=6.0, 鸡蛋__惠民超市=10.0)})
    bad_rows = long_rows(面粉__城关农贸市场=5.0)
    bad_rows.append(["2024-04-29", "城关农贸市场", "挂面", "", "元/公斤", "abc"])
    bad = write_xlsx(tmp_path / "bad.xlsx", {"s": bad_rows})
    return good, bad


def cli(*args, db):
    return subprocess.run([sys.executable, "-m", "ingest", "--db", str(db), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_exit_codes_and_json_schema(tmp_path, files):
    good, bad = files
    db = tmp_path / "c.duckdb"
    r = cli("--json", good, bad, db=db)
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"files"} and [f["status"] for f in out["files"]] == ["loaded", "rejected"]
    for f in out["files"]:
        assert set(f) == FILE_KEYS
        for i in f["errors"] + f["warnings"]:
            assert set(i) == ISSUE_KEYS
    g, b = out["files"]
    assert (g["upload_id"], g["rows_read"], g["rows_loaded"], g["commodities"], g["markets"]) == (1, 2, 2, 2, 2)
    assert (g["date_min"], g["date_max"], g["layout"]) == ("2024-04-29", "2024-04-29", "long")
    assert b["errors"] == [{"sheet": "s", "row": 3, "column": "F", "code": "not_a_number",
                            "message": "「abc」不是数字；价格只填数字，如 12.5"}]
    r = cli("--json", good, db=db)
    assert r.returncode == 0 and json.loads(r.stdout)["files"][0]["status"] == "unchanged"


def test_human_output_one_line_per_problem_no_traceback(tmp_path, files, capsys):
    _good, bad = files
    db = str(tmp_path / "c.duckdb")
    assert main(["--db", db, str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines() == ["bad.xlsx：被拒绝", "  错误 [not_a_number] [s] 第3行 F列：「abc」不是数字；价格只填数字，如 12.5",
                                "  错误只在 1 行：加 --skip-invalid-rows --reason 原因 可跳过这些行，导入其余 1 行"]
    assert main(["--db", db, "--lang", "en", str(bad)]) == 1
    assert "[not_a_number] [s] row 3 col F: \"abc\" is not a number" in capsys.readouterr().err


def test_usage_and_configuration_errors_exit_2(tmp_path, files, capsys):
    good, _ = files
    db = str(tmp_path / "c.duckdb")
    assert main(["--db", db]) == 2
    assert main(["--db", db, "--date", "2024-13-01", str(good)]) == 2
    assert "格式不对" in capsys.readouterr().err
    assert main(["--db", db, "--unit", "元/坨", str(good)]) == 2
    with pytest.raises(SystemExit) as e:
        main(["--db", db, "--price-type", "cheap", str(good)])
    assert e.value.code == 2


def test_dry_run_and_missing_file(tmp_path, files, capsys):
    good, _ = files
    db = str(tmp_path / "c.duckdb")
    assert main(["--db", db, "--dry-run", "--json", str(good)]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["status"] == "dry-run"
    assert main(["--db", db, "--json", str(tmp_path / "nope.xlsx")]) == 1
    assert json.loads(capsys.readouterr().out)["files"][0]["status"] == "rejected"


def test_as_user_needs_upload_permission(tmp_path, files, capsys):
    from pricewatch.store import Store

    good, _ = files
    db = tmp_path / "c.duckdb"
    store = Store(db)
    store.migrate()
    accounts.add_user(store, "wang", "editor", "long-password-1", actor="admin")
    accounts.add_user(store, "li", "leader", "long-password-2", actor="admin")
    assert main(["--db", str(db), "--as", "li", str(good)]) == 1
    assert "无权" in capsys.readouterr().err
    assert main(["--db", str(db), "--as", "wang", "--json", str(good)]) == 0
    with store.read() as s:
        assert s.scalar("SELECT uploaded_by FROM uploads") == "wang"


def test_template_option(tmp_path):
    out = tmp_path / "模板.xlsx"
    assert main(["--db", str(tmp_path / "c.duckdb"), "--template", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"


def test_a_load_and_a_revision_import_no_pandas_or_pyarrow(tmp_path):
    """The command line loads a file (and then its correction) without pandas: the rows go
    from the child's CSV file into DuckDB; the revised prices print from plain tuples."""
    db = tmp_path / "p.duckdb"
    first = write_xlsx(tmp_path / "w1.xlsx", {"s": long_rows(大米__城关农贸市场=6.0, 鸡蛋__惠民超市=10.0)})
    again = write_xlsx(tmp_path / "w2.xlsx", {"s": long_rows(大米__城关农贸市场=6.5, 鸡蛋__惠民超市=10.0)})
    code = ("import sys; from ingest.cli import main; rc = [main(['--db', sys.argv[1], f]) for f in sys.argv[2:]];"
            " heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow', 'numpy'});"
            " print('HEAVY', heavy, rc)")
    r = subprocess.run([sys.executable, "-c", code, str(db), str(first), str(again)], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert "HEAVY [] [0, 0]" in r.stdout, r.stdout + r.stderr
    assert "更正 大米 城关农贸市场" in r.stdout and "6.00 → 6.50" in r.stdout


def test_the_history_window_is_the_checks_own():
    import ingest.load
    import ingest.validate

    assert ingest.load.JUMP_WINDOW_DAYS == ingest.validate.JUMP_WINDOW_DAYS


def test_a_unit_other_than_the_stored_one_is_confirmed_row_by_row(tmp_path):
    """元/斤 last week, 元/公斤 now (and a pack unit): a warning of those rows, confirmed one
    by one like a jump (--confirm-row SHEET:ROW --reason); --strict refuses the file while a
    row is unconfirmed. The confirmations are kept with the upload and audited."""
    db = tmp_path / "u.duckdb"
    head = ["日期", "市场", "品名", "规格", "单位", "价格"]
    w1 = write_xlsx(tmp_path / "w1.xlsx", {"s": [head, ["2024-04-29", "城关农贸市场", "大米", "", "元/斤", 3.0],
                                                 ["2024-04-29", "惠民超市", "鸡蛋", "", "元/公斤", 10.0]]})
    w2 = write_xlsx(tmp_path / "w2.xlsx", {"s": [head, ["2024-05-06", "城关农贸市场", "大米", "", "元/公斤", 6.1],
                                                 ["2024-05-06", "惠民超市", "鸡蛋", "", "5kg/袋", 50.0]]})
    assert cli(w1, db=db).returncode == 0
    r = cli("--json", "--strict", w2, db=db)
    assert r.returncode == 1
    f = json.loads(r.stdout)["files"][0]
    assert [(e["code"], e["row"]) for e in f["errors"]] == [("unit_changed", 2), ("unit_changed", 3)]
    assert "计量单位由上期的「元/斤」（2024-04-29）变为「元/公斤」" in f["errors"][0]["message"]
    one = cli("--json", "--strict", "--confirm-row", "s:2", "--reason", "改按公斤报价", w2, db=db)
    assert one.returncode == 1  # each row its own confirmation: row 3 is not
    o = json.loads(one.stdout)["files"][0]
    assert [c["row"] for c in o["confirmed"]] == [2] and ("unit_changed", 3) in [(e["code"], e["row"]) for e in o["errors"]]
    both = cli("--json", "--strict", "--confirm-row", "s:2", "--confirm-row", "s:3", "--reason", "改按公斤报价", w2,
               db=db)
    assert both.returncode == 0, both.stdout + both.stderr
    g = json.loads(both.stdout)["files"][0]
    assert g["status"] == "loaded" and [(c["row"], c["code"], c["reason"]) for c in g["confirmed"]] == [
        (2, "unit_changed", "改按公斤报价"), (3, "unit_changed", "改按公斤报价")]
    con = __import__("duckdb").connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'ingest.confirm_rows'").fetchone()[0] == 1
        rep = json.loads(con.execute("SELECT report FROM uploads ORDER BY id DESC LIMIT 1").fetchone()[0])
    finally:
        con.close()
    assert [c["row"] for c in rep["confirmed"]] == [2, 3]
    # the same unit again next week: nothing to confirm; another change without --strict
    # loads with the warning (a machine export that mixes 斤 and 公斤 is not stopped)
    w3 = write_xlsx(tmp_path / "w3.xlsx", {"s": [head, ["2024-05-13", "城关农贸市场", "大米", "", "公斤", 6.2]]})
    assert cli("--strict", w3, db=db).returncode == 0
    w4 = write_xlsx(tmp_path / "w4.xlsx", {"s": [head, ["2024-05-20", "城关农贸市场", "大米", "", "斤", 3.1]]})
    r4 = cli("--json", w4, db=db)
    assert r4.returncode == 0 and [w["code"] for w in json.loads(r4.stdout)["files"][0]["warnings"]] == ["unit_changed"]
