"""``python -m pricewatch export`` and pricewatch.export: one row per observation, public
means released only, formulas neutralised, numbers stay numbers."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pricewatch import export, publish
from pricewatch.accounts import User
from pricewatch.errors import InputError
from pricewatch.store import writes
from tests.helpers import load_rows

ROOT = Path(__file__).resolve().parent.parent


def _load(store):
    with store.write() as s:
        writes.add_market(s, "=HYPERLINK(\"http://evil\",\"点我\")", actor="test")
    load_rows(store, [("大米", "城关农贸市场", "2024-04-29", 6.0), ("鸡蛋", "惠民超市", "2024-04-29", 10.4)],
              file_name="a.xlsx")
    publish.release(store, User("reviewer", "reviewer"), through=date(2024, 4, 30))
    load_rows(store, [("大米", "城关农贸市场", "2024-05-06", 6.2),
                      ("大米", "=HYPERLINK(\"http://evil\",\"点我\")", "2024-05-06", -1 * -6.3)], file_name="b.xlsx")


def test_public_export_has_only_released_rows(store):
    _load(store)
    df = export.frame(store, export.ExportQuery(public=True))
    assert list(df.columns) == export.COLUMNS
    assert len(df) == 2 and set(df["released"]) == {True}
    staff = export.frame(store, export.ExportQuery(public=False))
    assert len(staff) == 4 and list(staff["released"]).count(False) == 2


def test_filters(store):
    _load(store)
    q = export.ExportQuery(public=False, start=date(2024, 5, 1), commodities=("大米",), markets=("城关农贸市场",))
    df = export.frame(store, q)
    assert list(df["price"]) == [6.2] and list(df["date"]) == [date(2024, 5, 6)]


def test_csv_neutralises_formulas_and_keeps_numbers(store):
    _load(store)
    data = export.export(store, export.ExportQuery(public=False), "csv", "en")
    assert data.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert "'=HYPERLINK(\"http://evil\",\"点我\")" in set(df["market"])
    assert df["price"].dtype.kind == "f" and 6.3 in set(df["price"])


def test_xlsx_cells_are_text_not_formulas(store, tmp_path):
    _load(store)
    p = tmp_path / "e.xlsx"
    p.write_bytes(export.export(store, export.ExportQuery(public=False), "xlsx"))
    ws = load_workbook(p)["价格数据"]
    kinds = {c.value: c.data_type for c in ws["B"][1:]}
    assert kinds["'=HYPERLINK(\"http://evil\",\"点我\")"] == "s"
    prices = [c.value for c in ws["F"][1:]]
    assert all(c.data_type == "n" for c in ws["F"][1:]) and 6.3 in prices
    assert ws["A2"].is_date


def test_public_files_are_chinese_without_internal_columns(store):
    _load(store)
    df = pd.read_csv(io.BytesIO(export.export(store, export.ExportQuery(public=True), "csv")), encoding="utf-8-sig")
    assert list(df.columns) == ["日期", "市场", "商品", "分类", "单位", "价格", "价格类型"]
    assert set(df["价格类型"]) == {"零售"} and "retail" not in df.to_csv()
    en = pd.read_csv(io.BytesIO(export.export(store, export.ExportQuery(public=True), "csv", "en")))
    assert list(en.columns) == ["date", "market", "commodity", "category", "unit", "price", "price_type"]
    assert set(en["price_type"]) == {"retail"}
    # the staff export keeps where each row came from; in Chinese too
    staff = pd.read_csv(io.BytesIO(export.export(store, export.ExportQuery(public=False), "csv")), encoding="utf-8-sig")
    assert list(staff.columns)[-3:] == ["上传编号", "修订次数", "已发布"]
    assert set(staff["已发布"]) == {"是", "否"}
    rows = [json.loads(export.export(store, export.ExportQuery(public=True), "json", lang))
            for lang in ("zh", "en")]
    assert set(rows[0][0]) == set(df.columns) and set(rows[1][0]) == set(en.columns)
    with pytest.raises(InputError):
        export.export(store, export.ExportQuery(), "csv", "fr")


def test_wholesale_is_批发(store):
    load_rows(store, [("大米", "城关农贸市场", "2024-04-29", 5.0)], price_type="wholesale", file_name="w.xlsx")
    publish.release(store, User("reviewer", "reviewer"), through=date(2024, 4, 30))
    df = export.present(export.frame(store, export.ExportQuery(public=True)))
    assert set(df["价格类型"]) == {"批发"}


def test_neutralise_rules():
    assert [export.neutralise(v) for v in ("=1", "+1", "-1", "@x", "\tx", "\rx", "ok", -1.5, 3)] == [
        "'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "ok", -1.5, 3]


def test_cli_json_and_out(store, tmp_path):
    _load(store)
    r = subprocess.run([sys.executable, "-m", "pricewatch", "export", "--db", str(store.path), "--public",
                        "--format", "json", "--lang", "en"], capture_output=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    # English: the catalog's English names
    assert {(x["commodity"], x["price"], x["date"]) for x in rows} == {("Rice", 6.0, "2024-04-29"), ("Eggs", 10.4, "2024-04-29")}
    from pwcli.cli import main

    assert main(["export", "--db", str(store.path), "--format", "csv", "--from", "2024-05-01",
                 "--to", "2024-04-01", "--out", str(tmp_path / "x.csv")]) == 1
    assert not (tmp_path / "x.csv").exists()
    assert main(["export", "--db", str(store.path), "--format", "xlsx", "--commodity", "鸡蛋",
                 "--out", str(tmp_path / "x.xlsx")]) == 0
    assert [c.value for c in load_workbook(tmp_path / "x.xlsx")["价格数据"]["C"]] == ["商品", "鸡蛋"]


def test_cli_exports_released_data_unless_a_staff_user_asks(store, tmp_path, capsys):
    from pricewatch import accounts
    from pwcli.cli import main

    _load(store)
    accounts.add_user(store, "zhang", "editor", "a-long-password-1")
    out = tmp_path / "x.json"
    assert main(["export", "--db", str(store.path), "--format", "json", "--out", str(out)]) == 0
    public = json.loads(out.read_bytes())  # no flag: public, so no internal columns
    assert len(public) == 2 and not {"已发布", "released", "上传编号"} & set(public[0])
    assert main(["export", "--db", str(store.path), "--format", "json", "--out", str(out),
                 "--as", "zhang"]) == 0
    assert len(json.loads(out.read_bytes())) == 4
    out.unlink()
    assert main(["export", "--db", str(store.path), "--format", "json", "--out", str(out),
                 "--as", "nobody"]) == 1
    assert not out.exists() and "不存在" in capsys.readouterr().err
