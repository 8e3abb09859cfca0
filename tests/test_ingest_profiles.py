"""Import profiles: a person's mapping reads a layout detection cannot; saved with a
fingerprint, the next file of that layout is read with it by itself; the CLI lists, shows,
renames and deletes them, and every change is audited."""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import REAL, TODAY, run, staff, write_csv, write_xlsx  # noqa: E402

from ingest.cli import main  # noqa: E402
from ingest.profiles import Mapping, fingerprint, matches, save_profile  # noqa: E402
from pricewatch.errors import InputError  # noqa: E402

GBK = REAL / "cn_xinfadi_veg_2021-03-22_gbk_noheader.csv"


def audit(store, prefix: str) -> list[tuple]:
    with store.read() as s:
        return s.all("SELECT actor, action, target, detail FROM audit_log WHERE action LIKE ? ORDER BY id",
                     [prefix + "%"])


# -- the mapping text ---------------------------------------------------------------------
def test_mapping_text_round_trip_and_refusals():
    m = Mapping.parse("commodity=B, price=I,date=M,unit=L,market=北京新发地,header=2,skip=5;9-10")
    assert m.fields == {"commodity": "B", "price": "I", "date": "M", "unit": "L", "market": "北京新发地"}
    assert (m.header, m.skip) == (2, (5, 9, 10))
    assert Mapping.parse(m.to_text()) == m
    assert Mapping.from_dict(json.loads(json.dumps(m.to_dict()))) == m
    assert Mapping.parse("品名=A,各列为市场=C:F,表头行=1").markets == ("C:F",)
    for bad, words in [("price=C", "品名"), ("commodity=A", "价格"), ("commodity=A,price", "缺少"),
                       ("commodity=A,colour=B,price=C", "不是可识别的字段"),
                       ("commodity=品名,price=C", "没有表头行"), ("commodity=A,markets=C:D", "表头行")]:
        with pytest.raises(InputError, match=words):
            Mapping.parse(bad)


# -- a headerless export ------------------------------------------------------------------
def dump_rows(day: date, rng: random.Random, prices: dict[str, float]) -> tuple[list[list], dict]:
    """A price system's dump: id, name, high, low, average (in that order), unit (斤 or 公斤),
    market, a datetime as text, the clerk and a status flag; one exact duplicate row.
    Returns the rows and the expected canonical price (元/公斤) per commodity."""
    rows, expected = [], {}
    for i, (name, per_kg) in enumerate(prices.items()):
        unit = rng.choice(["斤", "公斤"])
        avg = round(per_kg / 2, 2) if unit == "斤" else per_kg
        rows.append([1000 + i, name, round(avg * 1.2, 2), round(avg * 0.8, 2), avg, unit, "城关农贸市场",
                     f"{day.isoformat()} {8 + i % 10:02d}:{i % 60:02d}:00", "admin", 1])
        expected[name] = round(avg * (2 if unit == "斤" else 1), 6)
    rows.append(list(rows[0]))  # an exact duplicate
    return rows, expected


DUMP_MAP = "commodity=B,high=C,low=D,price=E,unit=F,market=G,date=H"


def test_headerless_dump_loads_through_a_profile_and_the_next_one_by_itself(store, tmp_path):
    rng = random.Random(7)
    prices = {"大米": 6.0, "鸡蛋": 10.4, "猪肉(五花)": 30.0, "大白菜": 2.4}
    rows, expected = dump_rows(date(2024, 4, 29), rng, prices)
    p = write_csv(tmp_path / "export_0429.csv", rows)
    # detection cannot read it (two text columns before the prices, five numbers) ...
    assert run(store, p).status == "rejected"
    # ... a mapping does, and is saved with the layout's fingerprint
    res = run(store, p, mapping=Mapping.parse(DUMP_MAP))
    assert res.status == "loaded", res.errors
    assert res.profile == "" and res.layout == "mapped"
    assert {i.code for i in res.warnings} >= {"duplicate"}
    got = staff(store).set_index("commodity")["price"].to_dict()
    assert got == pytest.approx(expected)
    assert save_profile(store, "价格系统导出", Mapping.parse(DUMP_MAP), res.peek, "editor") is True
    # next week's dump: other prices, other units, other row count; read with the profile
    prices2 = {k: round(v * rng.uniform(0.9, 1.1), 2) for k, v in prices.items()} | {"鸡蛋": 11.0}
    rows2, expected2 = dump_rows(date(2024, 5, 6), rng, prices2)
    res2 = run(store, write_csv(tmp_path / "export_0506.csv", rows2[1:-1]))
    assert res2.status == "loaded", res2.errors
    assert res2.profile == "价格系统导出"
    s = staff(store)
    week2 = s[s["obs_date"] == "2024-05-06"].set_index("commodity")["price"].to_dict()
    assert week2 == pytest.approx({k: v for k, v in expected2.items() if k != "大米"})
    with store.read() as s:
        report = json.loads(s.scalar("SELECT report FROM uploads WHERE id = ?", [res2.upload_id]))
    assert report["profile"] == "价格系统导出"
    assert [a[1] for a in audit(store, "profile.")] == ["profile.create"]


def test_a_file_of_another_shape_does_not_take_the_profile(store, tmp_path):
    rows, _ = dump_rows(date(2024, 4, 29), random.Random(1), {"大米": 6.0, "鸡蛋": 10.0})
    res = run(store, write_csv(tmp_path / "a.csv", rows), mapping=Mapping.parse(DUMP_MAP))
    save_profile(store, "导出", Mapping.parse(DUMP_MAP), res.peek, "editor")
    narrower = [r[:8] for r in rows]  # two columns fewer: not the same layout
    assert run(store, write_csv(tmp_path / "b.csv", narrower), dry_run=True).profile is None


@pytest.mark.skipif(not GBK.exists(), reason="the real files are not on this machine")
def test_real_gbk_headerless_file_through_a_profile(store, tmp_path):
    m = Mapping.parse("commodity=A,low=B,price=C,high=D,spec=E,date=F,unit=元/斤,market=北京新发地")
    res = run(store, GBK, mapping=m, accept_new_names=True)
    assert res.status == "loaded" and res.rows_loaded == 13, res.errors
    save_profile(store, "新发地菜价", m, res.peek, "editor")
    text = GBK.read_bytes().decode("gb18030").replace("2021-03-22", "2021-03-29 08:00:00")
    nxt = tmp_path / "菜价0329.csv"
    nxt.write_bytes(text.encode("gb18030"))
    res2 = run(store, nxt, accept_new_names=True)
    assert res2.status == "loaded" and res2.profile == "新发地菜价" and res2.date_min == date(2021, 3, 29)
    s = staff(store)
    cabbage = s[(s["commodity"] == "大白菜(存储)") & (s["obs_date"] == "2021-03-29")]
    assert list(cabbage["price"]) == [1.0]  # 0.50 元/斤


# -- a header the detector does not know, and markets across the columns ------------------
def test_header_texts_and_markets_across_columns(store, tmp_path):
    def sheet(day: str, rice: float, egg: float) -> list[list]:
        return [[f"监测日期 {day}"], ["货品", "计价", "城关", "惠民"],
                ["合计行之前", None, None, None], ["大米", "元/公斤", rice, rice + 0.5],
                ["鸡蛋", "元/斤", egg, None]]

    m = Mapping.parse("commodity=货品,unit=计价,markets=城关|惠民,header=2,skip=3")
    p = write_xlsx(tmp_path / "w18.xlsx", {"Sheet1": sheet("2024-04-29", 6.0, 5.2)})
    res = run(store, p, mapping=m, dry_run=True, accept_new_names=True)
    assert res.status == "dry-run", res.errors
    prev = res.preview.sort_values(["commodity", "market"])
    assert list(zip(prev["commodity"], prev["market"], prev["price"], strict=True)) == [
        ("大米", "城关", 6.0), ("大米", "惠民", 6.5), ("鸡蛋", "城关", 10.4)]
    assert str(prev["obs_date"].iloc[0])[:10] == "2024-04-29"  # from the title above the header
    save_profile(store, "市场横排", m, res.peek, "editor")
    nxt = write_xlsx(tmp_path / "w19.xlsx", {"Sheet1": sheet("2024-05-06", 6.1, 5.0)})
    res2 = run(store, nxt, dry_run=True, accept_new_names=True)
    assert res2.profile == "市场横排" and res2.rows_new == 3


def test_fingerprint_ignores_the_name_of_a_lone_sheet_but_not_of_a_workbook():
    rows = [["货品", "价格"], ["大米", 6.0]]
    m = Mapping.parse("commodity=A,price=B,header=1")
    fp = fingerprint("2024-W18", rows, m, sheet_count=1)
    assert matches(fp, "2024-W19", rows, m, 1)
    fp2 = fingerprint("城关", rows, m, sheet_count=2)
    assert matches(fp2, "城关", rows, m, 2) and not matches(fp2, "惠民", rows, m, 2)
    assert not matches(fp, "x", [["品名", "价格"], ["大米", 6.0]], m, 1)


def test_a_mapping_that_does_not_fit_is_a_clear_error(store, tmp_path):
    p = write_xlsx(tmp_path / "x.xlsx", {"s": [["货品", "售价"], ["大米", 6]]})
    res = run(store, p, mapping=Mapping.parse("commodity=品名,price=售价,header=1,date=2024-05-06,market=城关农贸市场"))
    assert res.status == "rejected"
    assert [i.code for i in res.errors] == ["map_invalid"] and "品名" in res.errors[0].message()


# -- the command line -------------------------------------------------------------------
def test_cli_map_save_profile_and_profiles_commands(store, tmp_path, capsys):
    db = str(store.path)
    rows, _ = dump_rows(date(2024, 4, 29), random.Random(3), {"大米": 6.0, "鸡蛋": 10.0})
    p = write_csv(tmp_path / "d.csv", rows)
    assert main(["--db", db, "--map", DUMP_MAP, "--save-profile", "导出A", str(p)]) == 0
    out = capsys.readouterr()
    assert "按导入方案「导出A」读取" in out.out
    rows2, _ = dump_rows(date(2024, 5, 6), random.Random(4), {"大米": 6.1, "鸡蛋": 10.2})
    assert main(["--db", db, "--json", str(write_csv(tmp_path / "e.csv", rows2))]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["profile"] == "导出A"
    assert main(["profiles", "--db", db, "list"]) == 0
    assert "导出A\t品名=B" in capsys.readouterr().out
    assert main(["profiles", "--db", db, "show", "导出A"]) == 0
    assert "commodity=B,high=C" in capsys.readouterr().out
    assert main(["profiles", "--db", db, "rename", "导出A", "价格系统"]) == 0
    assert main(["profiles", "--db", db, "delete", "价格系统"]) == 0
    assert main(["profiles", "--db", db, "show", "价格系统"]) == 1
    assert "不存在" in capsys.readouterr().err
    assert [a[1] for a in audit(store, "profile.")] == ["profile.create", "profile.rename", "profile.delete"]
    assert main(["--db", db, "--profile", "没有这个", str(p)]) == 1
    assert main(["--db", db, "--save-profile", "x", str(p)]) == 2
    assert "--save-profile 需要 --map" in capsys.readouterr().err


def test_profile_by_name_reads_any_shape(store, tmp_path):
    rows, _ = dump_rows(date(2024, 4, 29), random.Random(5), {"大米": 6.0})
    res = run(store, write_csv(tmp_path / "a.csv", rows), mapping=Mapping.parse(DUMP_MAP))
    save_profile(store, "导出", Mapping.parse(DUMP_MAP), res.peek, "editor")
    wider = [[*r, "备注"] for r in dump_rows(date(2024, 5, 6), random.Random(6), {"大米": 6.2})[0]]
    f = write_csv(tmp_path / "b.csv", wider)
    assert run(store, f, dry_run=True).profile is None
    assert run(store, f, dry_run=True, profile="导出").profile == "导出"


def test_days_without_dates_take_the_option(store, tmp_path):
    rows = [["大米", 6.0], ["鸡蛋", 10.0]]
    m = Mapping.parse("commodity=A,price=B,market=城关农贸市场,unit=元/公斤")
    day = TODAY - timedelta(days=2)
    res = run(store, write_csv(tmp_path / "a.csv", rows), mapping=m, date=day, dry_run=True)
    assert res.status == "dry-run" and res.date_min == day
