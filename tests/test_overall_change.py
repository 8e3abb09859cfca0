"""The overall price change (总体价格指数 and its 环比) against hand-computed values.

Catalog weights: 甲米 2, the others 1. Prices (one market) in 2024-W08 (the base), W09, W10:

    甲米 (粮食)   10    10    11
    乙菜 (蔬菜)    4     5     4.5
    丙菜 (蔬菜)    —     —     7       new in W10: no base price, out of the basket
    丁菜 (蔬菜)   20     —    22       not priced in W09: in the index, not in the 环比

W10 index, base W08, basket 甲米 乙菜 丁菜:
    100 x (2 x 11/10 + 1 x 4.5/4 + 1 x 22/20) / (2 + 1 + 1) = 100 x 4.425 / 4 = 110.625 -> 110.6
W10 环比, commodities priced in W10, W09 and W08 (甲米 乙菜):
    (2 x 1.1 + 1.125) / (2 x 1.0 + 1.25) - 1 = 3.325 / 3.25 - 1 = 2.3077 % -> 2.3
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from pricewatch import briefing, indicators
from pricewatch.config import Settings
from pricewatch.notes import draft
from pricewatch.notes.checks import commodity_names
from pricewatch.notes.figures import check_figures
from pwcli.cli import main
from tests.fixtures.indicator_data import make_store

W08, W09, W10 = date(2024, 2, 19), date(2024, 2, 26), date(2024, 3, 4)
M = "甲市场"
ROWS = [
    ("甲米", M, W08, 10.0), ("甲米", M, W09, 10.0), ("甲米", M, W10, 11.0),
    ("乙菜", M, W08, 4.0), ("乙菜", M, W09, 5.0), ("乙菜", M, W10, 4.5),
    ("丙菜", M, W10, 7.0),
    ("丁菜", M, W08, 20.0), ("丁菜", M, W10, 22.0),
]
CATS = {"甲米": "粮食", "乙菜": "蔬菜", "丙菜": "蔬菜", "丁菜": "蔬菜"}
CFG = Settings(county_name="示范县", bureau_name="示范县商务局")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("overall") / "pw.duckdb", ROWS, categories=CATS,
                      weights={"甲米": 2.0})


def test_overall_index_and_change(store):
    rep = indicators.report(store, period="2024-W10", public=True, settings=CFG)
    o = rep.overall
    assert o["index"] == 110.6 and o["wow_pct"] == 2.3
    assert o["commodities"] == 3 and o["base"] == "2024-W08"
    # the unrounded figures, to the formula
    want_index = 100 * (2 * 11 / 10 + 4.5 / 4 + 22 / 20) / 4
    want_wow = ((2 * 1.1 + 1.125) / (2 * 1.0 + 1.25) - 1) * 100
    assert o["index_raw"] == pytest.approx(want_index) and o["wow_raw"] == pytest.approx(want_wow)
    assert rep.overall_sentence() == "总体价格环比上涨2.3%"
    # the base period itself: index 100, 环比 without a period before it: none
    first = indicators.report(store, period="2024-W08", public=True, settings=CFG)
    assert first.overall["index"] == 100.0 and first.overall["wow_pct"] is None
    assert first.overall_sentence() == ""


def test_the_period_before(store):
    w09 = indicators.report(store, period="2024-W09", public=True, settings=CFG)
    # W09 against W08, basket 甲米 乙菜 (丁菜 missing in W09): (2 x 1.0 + 1.25) / 3 - 1 = 8.333 %
    assert w09.overall["wow_pct"] == 8.3 and w09.overall["index"] == 108.3
    assert w09.overall_sentence() == "总体价格环比上涨8.3%"


def test_report_json_key(store, capsys):
    assert main(["report", "--db", str(store.path), "--period", "2024-W10", "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["overall"] == {"index": 110.6, "wow_pct": 2.3, "commodities": 3, "base": "2024-W08"}
    assert {"summary", "items", "alerts", "categories"} <= set(j)   # the existing keys stay


def test_text_report_states_it(store, capsys):
    assert main(["report", "--db", str(store.path), "--period", "2024-W10"]) == 0
    assert "总体价格环比上涨2.3%" in capsys.readouterr().out


def test_draft_and_briefing_say_it_and_the_check_agrees(store):
    rep = indicators.report(store, period="2024-W10", public=False, settings=CFG)
    _title, body = draft.generate_for(rep, CFG)
    section = body.split("## 一、总体情况")[1].split("## 二、")[0]
    assert "总体价格环比上涨2.3%" in section and "总体价格指数为110.6" in section
    names = commodity_names(store)
    found = check_figures(body, rep, names)
    overall = [f for f in found.figures if f.commodity == "总体"]
    assert overall and all(f.ok for f in overall)
    wrong = check_figures(body.replace("总体价格环比上涨2.3%", "总体价格环比上涨3.1%"), rep, names)
    bad = [f for f in wrong.figures if f.commodity == "总体" and not f.ok]
    assert bad and bad[0].expected == "环比上涨2.3%"
    b = briefing.build(store, CFG, "2024-W10", public=False)
    assert "总体价格环比上涨2.3%" in b.headline
