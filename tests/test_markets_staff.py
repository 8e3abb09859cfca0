"""The markets page's 网点类型 section: staff who edit the catalog set or confirm a market's
outlet type there; the write is pricewatch.outlets.set_kind (the command's), with its audit line."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pricewatch import audit, outlets
from pricewatch.accounts import User
from pricewatch.store import Store, writes
from tests.helpers import open_page


def open_markets(user: User | None) -> AppTest:
    at = open_page("app_pages/markets.py", user, timeout=90)
    assert not at.exception, at.exception
    return at


def kind_table(at: AppTest):
    """The staff table of markets and their types (the one with a 状态 column)."""
    return next(d.value for d in at.dataframe if "状态" in d.value.columns)


def test_public_and_leaders_see_no_type_control(small_db: Store) -> None:
    for user in (None, User("lead", "leader")):
        at = open_markets(user)
        assert not [b for b in at.button if b.key == "kind_save"]
        assert "网点类型（工作人员）" not in "\n".join(str(m.value) for m in at.markdown)


NEW = "东关便民超市"   # a market first seen in an upload: its type guessed from the name


@pytest.fixture
def with_new_market(small_db: Store) -> Store:
    with small_db.write() as s:
        writes.add_market(s, NEW, outlets.guess_kind(NEW), actor="editor")
    return small_db


def test_editor_sets_a_type_and_the_audit_log_has_it(with_new_market: Store) -> None:
    store = with_new_market
    before = {r["market"]: r for r in outlets.market_list(store)}
    assert before[NEW] == {"market": NEW, "kind": "超市", "confirmed": False}
    at = open_markets(User("editor", "editor"))
    table = kind_table(at)
    row = table[table["市场"] == NEW].iloc[0]
    assert (row["网点类型"], row["状态"]) == ("超市", "按名称推断，待确认")
    at.selectbox(key="kind_market").set_value(NEW).run()
    assert at.selectbox(key="kind_value").value == "超市"   # starts at the market's own type
    at.selectbox(key="kind_value").set_value("社区菜店").run()
    at.button(key="kind_save").click().run()
    assert not at.exception, at.exception
    assert f"{NEW}：网点类型 超市 → 社区菜店" in at.success[0].value
    after = {r["market"]: r for r in outlets.market_list(store)}
    assert after[NEW] == {"market": NEW, "kind": "社区菜店", "confirmed": True}
    assert {k: v for k, v in after.items() if k != NEW} == {k: v for k, v in before.items() if k != NEW}
    log = audit.audit_log(store, action_prefix="catalog.set_market_kind")
    assert len(log) == 1
    line = log.iloc[0]
    assert (line["actor"], line["target"]) == ("editor", NEW)
    assert "社区菜店" in str(line["detail"]) and "超市" in str(line["detail"])   # after and before
    table = kind_table(at)
    row = table[table["市场"] == NEW].iloc[0]
    assert (row["网点类型"], row["状态"]) == ("社区菜店", "已确认")


def test_a_reviewer_confirms_the_guess_as_it_is(with_new_market: Store) -> None:
    at = open_markets(User("rev", "reviewer"))
    at.selectbox(key="kind_market").set_value(NEW).run()
    at.button(key="kind_save").click().run()
    assert not at.exception, at.exception
    assert {r["market"]: r for r in outlets.market_list(with_new_market)}[NEW] == {
        "market": NEW, "kind": "超市", "confirmed": True}
    log = audit.audit_log(with_new_market, action_prefix="catalog.set_market_kind")
    assert list(log["actor"]) == ["rev"]
