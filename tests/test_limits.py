"""Every text field is bounded: names 40, note titles 100, comments 2,000, with Chinese messages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import LONG_HEADER, codes, run, snapshot, write_csv, write_xlsx  # noqa: E402

from pricewatch import limits  # noqa: E402
from pricewatch.errors import InputError  # noqa: E402
from pricewatch.store import writes  # noqa: E402


def test_check_names_the_field_length_and_limit_without_quoting_it_all():
    with pytest.raises(InputError) as e:
        limits.check("商品名称", "菜" * 1_000_000)
    assert e.value.message == f"商品名称「{'菜' * 20}…」太长（1000000 个字符），不能超过 40 个字符"
    assert len(str(e.value)) < 120
    assert limits.check("商品名称", "菜" * 40) == "菜" * 40


@pytest.mark.parametrize("column, field", [(2, "商品名称"), (1, "市场名称"), (4, "计量单位"), (3, "规格")])
def test_ingest_rejects_a_too_long_name_as_a_row_issue(store, tmp_path, column, field):
    before = snapshot(store)
    rows = [LONG_HEADER, ["2024-04-29", "城关农贸市场", "大米", "", "元/公斤", 6.0],
            ["2024-04-29", "城关农贸市场", "大米", "", "元/公斤", 6.0]]
    rows[2][column] = "长" * 1_000_000 if column == 2 else "长" * 41
    path = write_xlsx(tmp_path / "long.xlsx", {"s": rows})
    res = run(store, path, accept_new_names=True)
    assert res.status == "rejected" and "text_too_long" in codes(res, "error")
    issue = next(i for i in res.errors if i.code == "text_too_long")
    assert issue.row == 3 and issue.params["field"] == field
    msg = issue.message("zh")
    assert msg.startswith(f"{field}「长") and "不能超过 40 个字符" in msg and len(msg) < 150
    assert all(len(i.message("zh")) < 400 for i in [*res.errors, *res.warnings])
    assert snapshot(store) == before


def test_ingest_accepts_names_of_exactly_the_limit(store, tmp_path):
    name = "甲" * 40
    path = write_csv(tmp_path / "ok.csv", [LONG_HEADER, ["2024-04-29", "城关农贸市场", name, "", "元/公斤", 6.0]])
    res = run(store, path, accept_new_names=True)
    assert res.status == "loaded", [i.message("zh") for i in res.errors]


def test_catalog_writes_refuse_too_long_names(store):
    with pytest.raises(InputError, match="商品名称.*不能超过 40 个字符"):
        with store.write() as s:
            writes.add_commodity(s, "长" * 41, "蔬菜")
    with pytest.raises(InputError, match="市场名称"):
        with store.write() as s:
            writes.add_market(s, "市" * 100)
    with pytest.raises(InputError, match="类别"):
        with store.write() as s:
            writes.add_commodity(s, "新菜", "类" * 41)
    with pytest.raises(InputError, match="别名"):
        with store.write() as s:
            writes.add_alias(s, "commodity", "别" * 41, "大米")
    with store.read() as s:
        assert s.scalar("SELECT max(length(name)) FROM commodities") <= 40


def test_a_release_comment_is_bounded(store):
    from datetime import date

    from pricewatch import publish
    from pricewatch.accounts import User

    with pytest.raises(InputError, match="意见.*不能超过 2000 个字符"):
        publish.release(store, User("reviewer", "reviewer"), through=date(2024, 4, 30), comment="评" * 2001)
