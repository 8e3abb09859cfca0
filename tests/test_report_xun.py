"""``report --period 2024年5月上旬 --json`` and its neighbours: exact figures computed by hand
from the observations below, at 旬 boundaries (a 30- and a 31-day month, February in a leap
and a common year, the year boundary), with daily data averaged per 旬 and per week."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pricewatch import indicators
from pricewatch.store import Store
from pwcli import cli
from tests.fixtures.indicator_data import make_store

A, B = "甲市场", "乙市场"
D = date.fromisoformat
ROWS = [
    # 大米, 2024-05-D1 and around it
    ("大米", A, D("2024-04-30"), 6.00),            # 04-D3 (21-30): last day of a 30-day month
    ("大米", B, D("2024-04-21"), 6.20),            # 04-D3: its first day
    ("大米", A, D("2024-05-01"), 6.30),            # 05-D1, daily data: mean 6.40
    ("大米", A, D("2024-05-10"), 6.50),            # 05-D1: its last day
    ("大米", B, D("2024-05-05"), 6.60),
    ("大米", A, D("2024-05-11"), 9.99),            # 05-D2: not in 上旬
    ("大米", A, D("2023-05-10"), 5.80),            # 2023-05-D1
    ("大米", B, D("2023-05-11"), 7.00),            # 2023-05-D2: not the same 旬
    # 鸡蛋: nothing in 04-D3 (its quote of 04-20 is 中旬)
    ("鸡蛋", A, D("2024-04-20"), 9.00),
    ("鸡蛋", A, D("2024-05-02"), 10.00),
    # 31-day month: May's 下旬 is 21-31
    ("大米", A, D("2024-05-21"), 6.80), ("大米", A, D("2024-05-31"), 7.00),
    ("大米", B, D("2024-05-20"), 8.00),            # 05-D2
    ("大米", A, D("2024-06-01"), 7.10), ("大米", A, D("2024-06-10"), 7.30),
    # February: 2024-02-D3 is 21-29, 2023-02-D3 is 21-28
    ("大米", A, D("2024-02-21"), 5.80), ("大米", A, D("2024-02-29"), 6.00),
    ("大米", A, D("2024-03-01"), 6.49),
    ("大米", A, D("2023-02-28"), 5.00), ("大米", A, D("2023-03-01"), 9.00),
    # the year boundary: 2024-12-D3 is 21-31
    ("大米", A, D("2024-12-21"), 7.00), ("大米", A, D("2024-12-31"), 8.00),
    ("大米", A, D("2025-01-01"), 8.25),
    ("大米", A, D("2024-01-10"), 7.50), ("大米", A, D("2024-01-11"), 99.0),
]
CATEGORIES = {"大米": "粮食", "鸡蛋": "蛋类"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("xun") / "pw.duckdb"
    make_store(path, ROWS, categories=CATEGORIES)
    return str(path)


@pytest.fixture(autouse=True)
def clean_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in ("PRICEWATCH_DB", "PRICEWATCH_CONFIG"):
        monkeypatch.delenv(var, raising=False)


def report_json(capsys, db, *argv) -> dict:
    code = cli.main(["report", "--db", db, *argv, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def item(j: dict, name: str) -> dict:
    return next(i for i in j["items"] if i["commodity"] == name)


@pytest.mark.parametrize("spelling", ["2024年5月上旬", "2024-05-上旬", "2024-05-D1"])
def test_may_first_xun_by_hand(capsys, db, spelling):
    j = report_json(capsys, db, "--period", spelling)
    assert (j["period"], j["start"], j["end"]) == ("2024-05-D1", "2024-05-01", "2024-05-10")
    rice = item(j, "大米")
    # A: mean(6.30, 6.50) = 6.40; B: 6.60 -> 6.50. Before: A 6.00, B 6.20 -> 6.10.
    # 环比 over A and B: 6.50 / 6.10 - 1 = 6.557 % -> 6.6. 同比: only A a year earlier (B's
    # 2023-05-11 is 中旬): 6.40 / 5.80 - 1 = 10.345 % -> 10.3; yoy_price 5.80.
    assert (rice["price"], rice["prev_price"], rice["wow_pct"]) == (6.5, 6.1, 6.6)
    assert (rice["yoy_price"], rice["yoy_pct"], rice["markets"]) == (5.8, 10.3, 2)
    eggs = item(j, "鸡蛋")
    assert (eggs["price"], eggs["prev_price"], eggs["wow_pct"]) == (10.0, None, None)
    assert eggs["why"]["prev_price"] == "上期无报价"
    assert j["summary"] == {"up": 1, "down": 0, "flat": 0, "n": 2}


@pytest.mark.parametrize(("period", "price", "prev", "wow", "yoy_price", "yoy"), [
    # 上旬 of June after 下旬 of May (21-31): A mean(7.10, 7.30) = 7.20 against mean(6.80, 7.00)
    # = 6.90 -> +4.3 %; B's 05-20 is 中旬.
    ("2024-06-D1", 7.2, 6.9, 4.3, None, None),
    # 上旬 of March after February's 下旬 in a leap year (21-29): 6.49 / mean(5.80, 6.00) = 1.1;
    # a year earlier 2023-03-D1 holds 03-01 (9.00): 6.49 / 9.00 - 1 = -27.89 % -> -27.9
    ("2024-03-D1", 6.49, 5.9, 10.0, 9.0, -27.9),
    # February's 下旬: 5.90 against 2023's (21-28, not 03-01): 5.90 / 5.00 - 1 = 18 %
    ("2024-02-D3", 5.9, None, None, 5.0, 18.0),
    # the year boundary: 2025年1月上旬 after 2024年12月下旬 (21-31), 7.50 -> 8.25 = +10 %;
    # a year earlier 2024-01-D1 (01-11 is 中旬): 8.25 / 7.50 - 1 = 10 %
    ("2025年1月上旬", 8.25, 7.5, 10.0, 7.5, 10.0),
])
def test_xun_boundaries_by_hand(capsys, db, period, price, prev, wow, yoy_price, yoy):
    rice = item(report_json(capsys, db, "--period", period), "大米")
    assert (rice["price"], rice["prev_price"], rice["wow_pct"]) == (price, prev, wow)
    assert (rice["yoy_price"], rice["yoy_pct"]) == (yoy_price, yoy)


def test_daily_data_per_week_and_per_day(capsys, db):
    # ISO week 2024-W18 is 04-29 .. 05-05: A 04-30 6.00 and 05-01 6.30 -> 6.15; B 05-05 6.60
    # -> price mean(6.15, 6.60) = 6.375 -> 6.38 (half up)
    rice = item(report_json(capsys, db, "--period", "2024-W18"), "大米")
    assert (rice["price"], rice["markets"]) == (6.38, 2)
    day = report_json(capsys, db, "--period", "2024-05-10")
    assert (day["period"], item(day, "大米")["price"], item(day, "大米")["prev_price"]) == ("2024-05-10", 6.5, None)
    feb29 = report_json(capsys, db, "--period", "2024-02-29")
    assert item(feb29, "大米")["why"]["yoy_price"] == "去年没有2月29日"


def test_publication_frequency_from_config(capsys, db, tmp_path, monkeypatch):
    (tmp_path / "pricewatch.toml").write_text('[publication]\nfrequency = "旬"\n', encoding="utf-8")
    j = report_json(capsys, db)
    assert j["period"] == "2025-01-D1"           # the latest 旬 with data
    indicators.clear_cache()
    t = indicators.trend(Store(db), "大米", public=False)
    assert t["period"].iloc[-1] == "2025-01-D1" and "2024-05-D1" in set(t["period"])
    (tmp_path / "pricewatch.toml").write_text('[publication]\nfrequency = "季"\n', encoding="utf-8")
    code = cli.main(["report", "--db", db])
    err = capsys.readouterr().err
    assert code != 0 and "[publication] frequency" in err and "Traceback" not in err


def test_text_view_speaks_of_the_xun(capsys, db):
    code = cli.main(["report", "--db", db, "--period", "2024年5月上旬"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("2024年5月上旬（2024-05-01 至 2024-05-10）")
