"""Outlet types: guessed from the name, set and confirmed by staff (audited), prices compared by
type (超市 against 农贸市场), and the per-outlet table as a report view and a file."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from pricewatch import indicators, outlets
from pricewatch.accounts import User
from pricewatch.errors import InputError, NotFound, PermissionDenied
from pricewatch.store import Store, queries, writes
from pwcli import cli
from tests.helpers import load_rows_in

W10, W11 = date(2024, 3, 4), date(2024, 3, 11)
EDITOR = User("zhang", "editor")


@pytest.mark.parametrize(("name", "kind"), [
    ("城关农贸市场", "农贸市场"), ("县农产品批发市场", "批发市场"), ("惠民超市", "超市"), ("永辉生鲜超市", "超市"),
    ("华联商超", "超市"), ("幸福社区菜店", "社区菜店"), ("东门菜市场", "农贸市场"), ("老王家", "农贸市场"),
])
def test_guess_kind_from_the_name(name, kind):
    assert outlets.guess_kind(name) == kind


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in ("PRICEWATCH_DB", "PRICEWATCH_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    s = Store(tmp_path / "o.duckdb")
    s.migrate()
    with s.write() as w:
        for name in ("甲超市", "乙超市", "甲农贸市场", "乙农贸市场"):
            writes.add_market(w, name, outlets.guess_kind(name), actor="test")
        # 大米: 超市 7.00 / 7.40 (mean 7.20), 农贸市场 6.00 / 6.40 (6.20): +16.1 %
        # 鸡蛋: 超市 only -> no gap; 白菜 (大白菜): 农贸市场 only
        prices = [("大米", "甲超市", 7.0, 6.8), ("大米", "乙超市", 7.4, None), ("大米", "甲农贸市场", 6.0, 6.0),
                  ("大米", "乙农贸市场", 6.4, 6.2), ("鸡蛋", "甲超市", 11.0, 10.0), ("大白菜", "甲农贸市场", 2.0, 2.5)]
        rows = []
        for c, m, cur, prev in prices:
            rows.append((c, m, W11, cur))
            if prev is not None:
                rows.append((c, m, W10, prev))
        load_rows_in(w, rows, file_name="o.xlsx", sha256="o", actor="test")
    return s


def test_kind_comparison_by_hand(store):
    p, frame, summary = indicators.kind_comparison(store, period="2024-W11", public=False)
    rice = frame[frame["commodity"] == "大米"].iloc[0]
    assert (rice["price_a"], rice["markets_a"], rice["price_b"], rice["markets_b"]) == (7.2, 2, 6.2, 2)
    assert rice["gap_pct"] == 16.1                        # 7.20 / 6.20 - 1 = 16.13 %
    eggs = frame[frame["commodity"] == "鸡蛋"].iloc[0]
    assert (eggs["price_a"], eggs["price_b"], eggs["gap_pct"]) == (11.0, None, None)
    assert summary == {"kinds": ["超市", "农贸市场"], "compared": 1, "mean_gap_pct": 16.1, "dearer_at_a": 1}


def test_outlet_table_like_a_county_periodical(store):
    p, t = indicators.outlet_table(store, period="2024-W11", public=False)
    assert p.label == "2024-W11"
    assert list(t.columns[:5]) == ["品名", "单位", "甲超市本期均价", "甲超市上期均价", "甲超市涨跌幅(%)"]
    rice = t[t["品名"] == "大米"].iloc[0]
    assert (rice["甲超市本期均价"], rice["甲超市上期均价"], rice["甲超市涨跌幅(%)"]) == (7.0, 6.8, 2.9)
    assert (rice["乙超市上期均价"], rice["乙超市涨跌幅(%)"]) == (None, None)   # no price last week
    cabbage = t[t["品名"] == "大白菜"].iloc[0]
    assert cabbage["甲超市本期均价"] is None and cabbage["甲农贸市场涨跌幅(%)"] == -20.0


def test_report_views_and_export(store, tmp_path, capsys):
    db = str(store.path)
    assert cli.main(["report", "--db", db, "--period", "2024-W11", "--view", "types"]) == 0
    out = capsys.readouterr().out
    assert "1种商品两类网点均有报价，超市均价平均高于农贸市场16.1%" in out
    assert cli.main(["report", "--db", db, "--period", "2024-W11", "--view", "outlets", "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["view"] == "outlets" and j["rows"][0]["品名"] == "大米"
    for suffix in ("xlsx", "csv"):
        f = tmp_path / f"outlets.{suffix}"
        assert cli.main(["report", "--db", db, "--period", "2024-W11", "--view", "outlets", "--out", str(f)]) == 0
        back = pd.read_excel(f, engine="calamine") if suffix == "xlsx" else pd.read_csv(f)
        assert back.loc[back["品名"] == "大米", "甲超市涨跌幅(%)"].iloc[0] == pytest.approx(2.9)
    capsys.readouterr()
    assert cli.main(["report", "--db", db, "--period", "2024-W11", "--view", "outlets", "--out", "x.pdf"]) == 1
    assert "不支持的文件类型" in capsys.readouterr().err


def test_set_kind_is_confirmed_and_audited(store):
    before = {r["market"]: r for r in outlets.market_list(store)}
    assert before["甲超市"]["kind"] == "超市" and before["甲超市"]["confirmed"] is False
    assert before["城关农贸市场"]["confirmed"] is True          # the seeded catalog
    assert outlets.set_kind(store, EDITOR, "甲农贸市场", "社区菜店") == "农贸市场"
    after = {r["market"]: r for r in outlets.market_list(store)}
    assert after["甲农贸市场"] == {"market": "甲农贸市场", "kind": "社区菜店", "confirmed": True}
    with store.read() as s:
        log = queries.audit.audit_log(s, action_prefix="catalog.set_market_kind")
    assert len(log) == 1 and log.iloc[0]["actor"] == "zhang"
    with pytest.raises(InputError, match="未知的网点类型"):
        outlets.set_kind(store, EDITOR, "甲超市", "商场")
    with pytest.raises(NotFound):
        outlets.set_kind(store, EDITOR, "没有这个市场", "超市")
    with pytest.raises(PermissionDenied):
        outlets.set_kind(store, User("boss", "leader"), "甲超市", "农贸市场")


def test_markets_command(store, capsys):
    from pricewatch import accounts

    accounts.add_user(store, "zhang", "editor", "a-long-password")
    db = str(store.path)
    assert cli.main(["markets", "--db", db, "set-kind", "乙超市", "社区菜店", "--as", "zhang"]) == 0
    assert "乙超市：网点类型 超市 → 社区菜店（已确认）" in capsys.readouterr().out
    assert cli.main(["markets", "--db", db, "--json"]) == 0
    rows = {r["market"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["乙超市"]["kind"] == "社区菜店"
