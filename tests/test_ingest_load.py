"""Loading: one upload per file, pending until released; same file -> unchanged; a
correction adds revisions (history kept, report lists old -> new); dry runs write nothing."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import long_rows, run, snapshot, staff, write_xlsx  # noqa: E402

from pricewatch import publish  # noqa: E402
from pricewatch.accounts import User  # noqa: E402
from pricewatch.store import queries  # noqa: E402

WEEK = {"大米__城关农贸市场": 6.0, "大米__惠民超市": 6.5, "鸡蛋__城关农贸市场": 10.4}


def test_load_is_pending_and_recorded(store, tmp_path):
    res = run(store, write_xlsx(tmp_path / "w18.xlsx", {"s": long_rows(**WEEK)}))
    assert res.status == "loaded" and res.upload_id == 1 and res.rows_loaded == 3
    with store.read() as s:
        up = queries.uploads.uploads(s)
        report = json.loads(queries.uploads.upload_report(s, 1))
        public = s.scalar("SELECT count(*) FROM obs_public")
        orig = s.all("SELECT orig_price, orig_unit, source FROM observations ORDER BY id LIMIT 1")
    assert list(up["status"]) == ["pending"] and up["uploaded_by"][0] == "editor"
    assert (up["rows_read"][0], up["layout"][0]) == (3, "long")
    assert report["layout"] == "long" and report["errors"] == []
    assert public == 0
    assert orig == [(6.0, "元/公斤", "s!F2")]


def test_same_file_again_is_unchanged(store, tmp_path):
    p = write_xlsx(tmp_path / "w18.xlsx", {"s": long_rows(**WEEK)})
    assert run(store, p).status == "loaded"
    before = snapshot(store)[:4]
    again = run(store, p)
    assert again.status == "unchanged" and again.upload_id is None and again.rows_loaded == 0
    assert snapshot(store)[:4] == before


def test_correction_adds_revisions_and_keeps_history(store, tmp_path):
    first = run(store, write_xlsx(tmp_path / "w18.xlsx", {"s": long_rows(**WEEK)}))
    publish.release(store, User("reviewer", "reviewer"), through=date(2024, 5, 5))
    fixed = dict(WEEK, 大米__城关农贸市场=6.2)
    res = run(store, write_xlsx(tmp_path / "w18_更正.xlsx", {"s": long_rows(**fixed)}))
    assert res.status == "loaded" and (res.rows_new, res.rows_revised, res.rows_loaded) == (0, 1, 1)
    ch = res.changes.iloc[0]
    assert (ch["commodity"], ch["market"], ch["old_price"], ch["new_price"]) == ("大米", "城关农贸市场", 6.0, 6.2)
    assert res.to_json()["changes"] == [{"commodity": "大米", "market": "城关农贸市场", "date": "2024-04-29",
                                        "price_type": "retail", "old": 6.0, "new": 6.2}]
    with store.read() as s:
        hist = queries.observations.history(s, "大米", "城关农贸市场", date(2024, 4, 29))
        public = s.scalar("SELECT price FROM obs_public WHERE commodity = '大米' AND market = '城关农贸市场'")
    assert list(hist["revision"]) == [1, 2] and list(hist["price"]) == [6.0, 6.2]
    assert list(hist["upload_id"]) == [first.upload_id, res.upload_id]
    assert public == 6.0  # the correction is pending until released
    publish.release(store, User("reviewer", "reviewer"), through=date(2024, 5, 5))
    with store.read() as s:
        assert s.scalar("SELECT price FROM obs_public WHERE commodity = '大米' AND market = '城关农贸市场'") == 6.2


def test_full_replacement_supersedes_the_old_upload(store, tmp_path):
    run(store, write_xlsx(tmp_path / "a.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)}))
    run(store, write_xlsx(tmp_path / "b.xlsx", {"s": long_rows(大米__城关农贸市场=6.1)}))
    with store.read() as s:
        assert dict(s.all("SELECT id, status FROM uploads")) == {1: "superseded", 2: "pending"}


def test_dry_run_writes_nothing_and_previews(store, tmp_path):
    run(store, write_xlsx(tmp_path / "a.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)}))
    before = snapshot(store)
    p = write_xlsx(tmp_path / "b.xlsx", {"s": long_rows(大米__城关农贸市场=6.3, 鸡蛋__城关农贸市场=10.0,
                                                        五谷杂粮__城关农贸市场=9.0)})
    res = run(store, p, dry_run=True, accept_new_names=True)
    assert res.status == "dry-run" and res.upload_id is None
    assert (res.rows_new, res.rows_revised) == (2, 1)
    prev = res.preview.set_index("commodity")
    assert prev.loc["大米", "change"] == "revised" and prev.loc["大米", "old_price"] == 6.0
    assert prev.loc["五谷杂粮", "change"] == "new"
    assert snapshot(store) == before


def test_accepted_new_names_enter_the_catalog_in_the_same_transaction(store, tmp_path):
    rows = [["日期", "市场", "类别", "品名", "单位", "价格"], ["2024-05-06", "城西市场", "干货", "香菇", "元/斤", 20]]
    res = run(store, write_xlsx(tmp_path / "n.xlsx", {"s": rows}), accept_new_names=True)
    assert res.status == "loaded"
    assert res.new_commodities == {"香菇": ("元/公斤", "干货")} and res.new_markets == ["城西市场"]
    df = staff(store)
    assert (df["commodity"][0], df["category"][0], df["unit"][0], df["price"][0]) == ("香菇", "干货", "元/公斤", 40.0)
    with store.read() as s:
        actions = [r[0] for r in s.all("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-3:] == ["catalog.add_commodity", "catalog.add_market", "ingest.load"]


def test_isolated_parse_gives_the_same_result(store, tmp_path):
    p = write_xlsx(tmp_path / "w18.xlsx", {"s": long_rows(**WEEK)})
    res = run(store, p, isolate=True)
    assert res.status == "loaded" and res.rows_loaded == 3


def test_a_failure_inside_the_write_rolls_everything_back(store, tmp_path, monkeypatch):
    """The rows, the new catalog names and the upload row are one transaction: a failure
    after they were written (here: the audit line at the very end) leaves nothing behind."""
    import ingest.load
    from pricewatch.errors import StoreError

    real = ingest.load.writes.load_observations

    def fail_at_the_end(s, frame, **kw):
        real(s, frame, **kw)
        raise StoreError("磁盘已满", "清理磁盘后重试")

    monkeypatch.setattr(ingest.load.writes, "load_observations", fail_at_the_end)
    run(store, write_xlsx(tmp_path / "a.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)}))  # rejected too
    monkeypatch.setattr(ingest.load.writes, "load_observations", real)
    run(store, write_xlsx(tmp_path / "b.xlsx", {"s": long_rows(大米__城关农贸市场=6.0)}))
    before = snapshot(store)
    monkeypatch.setattr(ingest.load.writes, "load_observations", fail_at_the_end)
    rows = [["日期", "市场", "品名", "单位", "价格"], ["2024-05-06", "城西市场", "香菇", "元/公斤", 40],
            ["2024-05-06", "城关农贸市场", "大米", "元/公斤", 6.2]]
    res = run(store, write_xlsx(tmp_path / "c.xlsx", {"s": rows}), accept_new_names=True)
    assert res.status == "rejected"
    assert [i.code for i in res.errors] == ["load_failed"] and "磁盘已满" in res.errors[0].message()
    assert snapshot(store) == before


def test_day_without_year_takes_the_title_year(store, tmp_path):
    rows = [["2024年城关农贸市场价格"], ["日期", "市场", "品名", "单位", "价格"],
            ["5月6日", "城关农贸市场", "大米", "元/公斤", 6.2]]
    res = run(store, write_xlsx(tmp_path / "t.xlsx", {"s": rows}))
    assert res.status == "loaded", res.errors
    assert res.date_min == date(2024, 5, 6)


def test_a_date_cell_naming_a_xun_is_its_first_day_and_said_so(store, tmp_path):
    """「2024年4月上旬」 and 「2024-04-中旬」 in a long table's date column: dated the 旬's
    first day (the 1st, the 11th), the report says which date it took and why."""
    rows = long_rows("2024年4月上旬", 大米__城关农贸市场=6.0, 鸡蛋__惠民超市=10.0)
    rows += long_rows("2024-04-中旬", 大米__城关农贸市场=6.1)[1:]
    res = run(store, write_xlsx(tmp_path / "xun.xlsx", {"s": rows}))
    assert res.status == "loaded" and res.rows_loaded == 3, [i.message() for i in res.errors]
    with store.read() as s:
        got = s.all("SELECT c.name, o.obs_date FROM observations o JOIN commodities c ON c.id = o.commodity_id"
                    " ORDER BY o.obs_date, c.name")
    assert got == [("大米", date(2024, 4, 1)), ("鸡蛋", date(2024, 4, 1)), ("大米", date(2024, 4, 11))]
    taken = [n.message() for n in res.notes if n.code == "date_taken"]
    assert taken == ["观测日期取 2024-04-01：日期列写明「2024年4月上旬」，旬取其第一天（上旬1日、中旬11日、下旬21日）",
                     "观测日期取 2024-04-11：日期列写明「2024-04-中旬」，旬取其第一天（上旬1日、中旬11日、下旬21日）"]
    # without a year the cell is refused as before, with the hint to give one
    bad = run(store, write_xlsx(tmp_path / "noyear.xlsx", {"s": long_rows("5月上旬", 大米__城关农贸市场=6.0)}))
    assert bad.status == "rejected" and [i.code for i in bad.errors] == ["date_no_year"]


def test_per_piece_prices_of_a_weight_commodity_are_their_own_series(tmp_path):
    """鸡蛋 is priced per 公斤; a market that reports it per piece ("10 pcs", "个") or per 箱
    keeps those prices as 「鸡蛋(按个)」 / 「鸡蛋(按箱)」 (元/个, 元/箱 on the rows): the report's
    鸡蛋 figures are those of a file without them, and the per-piece series stands apart."""
    from pricewatch import indicators
    from pricewatch.store import Store

    head = ["日期", "市场", "品名", "规格", "单位", "价格"]
    by_kg = [[day, m, "鸡蛋", "", "元/公斤", p] for day, f in (("2024-04-29", 1.0), ("2024-05-06", 1.05))
             for m, p in (("城关农贸市场", 10.4 * f), ("城南农贸市场", 10.0 * f), ("惠民超市", 11.2 * f))]
    pieces = [["2024-04-29", "惠民超市", "鸡蛋", "", "10 pcs", 9.0], ["2024-05-06", "惠民超市", "鸡蛋", "", "个", 1.0],
              ["2024-05-06", "城南农贸市场", "鸡蛋", "", "箱", 150.0]]
    reports = {}
    for name, rows in (("kg", by_kg), ("mixed", by_kg + pieces)):
        store = Store(tmp_path / f"{name}.duckdb")
        store.migrate()
        res = run(store, write_xlsx(tmp_path / f"{name}.xlsx", {"s": [head, *rows]}), accept_new_names=True)
        assert res.status == "loaded", [i.message() for i in res.errors]
        reports[name] = (store, indicators.report(store, period="2024-W19", public=False).to_json())
    kg = {i["commodity"]: i for i in reports["kg"][1]["items"]}
    mixed = {i["commodity"]: i for i in reports["mixed"][1]["items"]}
    assert mixed["鸡蛋"] == kg["鸡蛋"] and kg["鸡蛋"]["unit"] == "元/公斤"
    assert (mixed["鸡蛋(按个)"]["unit"], mixed["鸡蛋(按个)"]["price"], mixed["鸡蛋(按个)"]["prev_price"]) == ("元/个", 1.0, 0.9)
    assert (mixed["鸡蛋(按箱)"]["unit"], mixed["鸡蛋(按箱)"]["markets"]) == ("元/箱", 1)
    assert mixed["鸡蛋(按个)"]["category"] == mixed["鸡蛋"]["category"]
    with reports["mixed"][0].read() as s:
        rows = s.all("SELECT c.name, c.unit, o.orig_unit, o.price FROM observations o"
                     " JOIN commodities c ON c.id = o.commodity_id WHERE c.name LIKE '鸡蛋(按%' ORDER BY o.obs_date, c.name")
    assert rows == [("鸡蛋(按个)", "元/个", "10 pcs", 0.9), ("鸡蛋(按个)", "元/个", "个", 1.0),
                    ("鸡蛋(按箱)", "元/箱", "箱", 150.0)]


def test_rows_read_in_parts_load_as_one_file(store, tmp_path, monkeypatch):
    """A file's rows reach the write in parts (each read while the child writes the next):
    new, revised and unchanged rows, sources and counts are those of the file as a whole."""
    import ingest.load as load

    monkeypatch.setattr(load, "ROWS_PART_MIN", 2)  # 9 rows -> 4 parts
    prices = {f"商品{i}__市场{i % 3}": 1.0 + i for i in range(9)}
    res = run(store, write_xlsx(tmp_path / "a.xlsx", {"s": long_rows(**prices)}), accept_new_names=True)
    assert res.status == "loaded" and (res.rows_new, res.rows_revised) == (9, 0)
    changed = {k: (v + 0.5 if i % 3 == 0 else v) for i, (k, v) in enumerate(prices.items())}
    res = run(store, write_xlsx(tmp_path / "b.xlsx", {"s": long_rows(**changed)}), accept_new_names=True)
    assert res.status == "loaded" and (res.rows_new, res.rows_revised, res.rows_loaded) == (0, 3, 3)
    with store.read() as s:
        got = s.all("SELECT c.name || '__' || m.name, o.price, o.source FROM observations o"
                    " JOIN commodities c ON c.id = o.commodity_id JOIN markets m ON m.id = o.market_id"
                    " WHERE o.is_current ORDER BY o.source")
        n = s.scalar("SELECT count(*) FROM observations")
    assert n == 12
    assert sorted((k, p) for k, p, _src in got) == sorted(changed.items())
    assert sorted(src for _k, _p, src in got) == sorted(f"s!F{r}" for r in range(2, 11))


def test_a_rows_file_whose_rows_do_not_all_arrive_is_refused(store, tmp_path):
    """The store counts the rows each statement read from a rows file: a row whose name is
    not in the catalog is missing from the count, and the write fails (nothing is kept)."""
    import pytest

    from pricewatch.errors import InputError
    from pricewatch.store import writes

    p = tmp_path / "rows.csv"
    p.write_text("大米,城关农贸市场,2024-05-06,6.0,retail,6.0,元/公斤,s!F2\r\n"
                 "不在目录的商品,城关农贸市场,2024-05-06,6.0,retail,6.0,元/公斤,s!F3\r\n", encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(InputError, match="读到 1 行"), store.write() as s:
        writes.stage_rows(s, writes.RowsFile(p, 2))
    with pytest.raises(InputError, match="读到 1 行"), store.write() as s:
        writes.load_observations(s, writes.RowsFile(p, 2), file_name="rows.csv", sha256="x", actor="test")
    assert snapshot(store) == before
