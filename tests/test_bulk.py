"""pricewatch.store.bulk: millions of clean rows in one transaction, with the same bookkeeping
as a file loaded through writes.load_observations (upload row, revision 1, is_current,
is_public only when released, audit lines); all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pricewatch import indicators
from pricewatch.errors import InputError
from pricewatch.store import Store, queries
from pricewatch.store.bulk import bulk_load

ROWS = [
    # commodity, category, market, date, price
    ("测试米", "粮油", "甲市场", date(2024, 4, 22), 6.00),
    ("测试米", "粮油", "乙市场", date(2024, 4, 22), 6.20),
    ("测试米", "粮油", "甲市场", date(2024, 4, 29), 6.30),
    ("测试米", "粮油", "乙市场", date(2024, 4, 29), 6.51),
    ("测试菜", "蔬菜", "甲市场", date(2024, 4, 22), 3.00),
    ("测试菜", "蔬菜", "甲市场", date(2024, 4, 29), 2.70),
]


def frame(rows=ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["commodity", "category", "market", "obs_date", "price"])


def counts(store: Store) -> tuple[int, int, int]:
    with store.read() as s:
        return s.one("SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM uploads),"
                     " (SELECT count(*) FROM commodities)")


def test_a_released_bulk_load_is_what_the_public_sees_with_its_bookkeeping(store: Store) -> None:
    r = bulk_load(store, frame(), file_name="history.parquet", actor="admin")
    assert (r.rows, r.commodities_added, r.markets_added) == (6, 2, 2)
    assert (r.date_min, r.date_max) == (date(2024, 4, 22), date(2024, 4, 29))
    with store.read() as s:
        up = s.one("SELECT file_name, uploaded_by, status, layout, rows_read, rows_loaded, date_min,"
                   " date_max, release_id IS NOT NULL, length(sha256) FROM uploads WHERE id = ?",
                   [r.upload_id])
        flags = s.all("SELECT DISTINCT revision, is_current, is_public, upload_id FROM observations")
        actions = [a for (a,) in s.all("SELECT action FROM audit_log ORDER BY id")]
        com = s.one("SELECT category, unit, created_by FROM commodities WHERE name = '测试菜'")
        rel = s.one("SELECT upload_ids, through_date FROM releases WHERE id = ?", [r.release_id])
    assert up == ("history.parquet", "admin", "released", "bulk", 6, 6, date(2024, 4, 22),
                  date(2024, 4, 29), True, 64)
    assert flags == [(1, True, True, r.upload_id)]
    assert actions[-3:] == ["catalog.bulk_add", "ingest.load", "release"]
    assert com == ("蔬菜", "元/公斤", "admin")
    assert rel == ([r.upload_id], date(2024, 4, 29))
    # the public report reads it: 测试米 W18 = (6.30 + 6.51) / 2 = 6.405 -> 6.41 (half up),
    # W17 = 6.10; 环比 over the two matched markets: 6.405 / 6.10 - 1 = +5.0 %
    rep = indicators.report(store, period="2024-W18", public=True)
    row = rep.items.set_index("commodity").loc["测试米"]
    assert round(float(row["price"]), 2) == 6.41
    assert round(float(row["wow_pct"]), 1) == 5.0
    # 测试菜: 2.70 / 3.00 - 1 = -10 %
    assert round(float(rep.items.set_index("commodity").loc["测试菜", "wow_pct"]), 1) == -10.0


def test_an_unreleased_bulk_load_is_pending_and_invisible_to_the_public(store: Store) -> None:
    r = bulk_load(store, frame(), release=False)
    assert r.release_id is None
    with store.read() as s:
        assert s.scalar("SELECT status FROM uploads WHERE id = ?", [r.upload_id]) == "pending"
        assert s.scalar("SELECT count(*) FROM obs_public") == 0
        assert s.scalar("SELECT count(*) FROM obs_staff") == 6
        assert queries.uploads.pending_uploads(s) == [r.upload_id]


def test_parquet_files_and_arrow_tables_load_like_a_frame(store: Store, tmp_path: Path) -> None:
    f = frame()
    pq.write_table(pa.Table.from_pandas(f.iloc[:3], preserve_index=False), tmp_path / "a.parquet")
    pq.write_table(pa.Table.from_pandas(f.iloc[3:], preserve_index=False), tmp_path / "b.parquet")
    r = bulk_load(store, [tmp_path / "a.parquet", tmp_path / "b.parquet"])
    assert r.rows == 6
    other = Store(tmp_path / "other.duckdb")
    other.migrate()
    r2 = bulk_load(other, pa.Table.from_pandas(f, preserve_index=False))
    assert r2.rows == 6
    with store.read() as s, other.read() as t:
        q = "SELECT commodity, market, obs_date, price FROM obs_public ORDER BY ALL"
        assert s.all(q) == t.all(q)


def test_existing_names_are_reused_and_new_sort_after_them(store: Store) -> None:
    with store.read() as s:
        before = queries.catalog.commodities(s)
    n0 = len(before)
    rows = [("大米", "粮油", "城关农贸市场", date(2024, 4, 22), 6.0),
            ("新品种", "蔬菜", "城关农贸市场", date(2024, 4, 22), 2.0)]
    r = bulk_load(store, frame(rows))
    assert (r.commodities_added, r.markets_added) == (1, 0)
    with store.read() as s:
        com = queries.catalog.commodities(s).set_index("name")
        assert len(com) == n0 + 1
        assert com.loc["新品种", "sort"] == before["sort"].max() + 1


@pytest.mark.parametrize("bad, words", [
    (frame().drop(columns=["price"]), "缺少列"),
    (frame().iloc[:0], "空的"),
    (frame().assign(price=[6.0, 6.2, 0.0, 6.5, 3.0, 2.7]), "不是正数"),
    (frame().assign(market=[None, "乙市场", "甲市场", "乙市场", "甲市场", "甲市场"]), "缺少"),
    (pd.concat([frame(), frame().iloc[:1]]), "出现多次"),
    (frame().assign(price_type="批发"), "价格类型"),
])
def test_bad_input_is_refused_and_writes_nothing(store: Store, bad: pd.DataFrame, words: str) -> None:
    before = counts(store)
    with pytest.raises(InputError) as e:
        bulk_load(store, bad)
    assert words in e.value.message and e.value.hint
    assert counts(store) == before


def test_a_key_that_already_has_a_price_is_refused_not_revised(store: Store) -> None:
    bulk_load(store, frame())
    before = counts(store)
    again = frame([("测试米", "粮油", "甲市场", date(2024, 4, 29), 9.99),
                   ("测试米", "粮油", "甲市场", date(2024, 5, 6), 6.40)])
    with pytest.raises(InputError) as e:
        bulk_load(store, again)
    assert "已有价格" in e.value.message and "python -m ingest" in e.value.hint
    assert counts(store) == before
    # a later week of the same names is fine and appends
    r = bulk_load(store, frame([("测试米", "粮油", "甲市场", date(2024, 5, 6), 6.40)]))
    assert r.rows == 1 and counts(store)[0] == 7


def test_missing_parquet_file_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        bulk_load(store, tmp_path / "nope.parquet")
    assert "找不到文件" in e.value.message
