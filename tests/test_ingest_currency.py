"""Prices in another currency keep it on every row, in the unit every page shows, and are
never converted into 元 or averaged with 元 prices; WFP pack units load per kilogram where a
weight is stated, else per piece."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from ingest_testkit import codes, run, write_csv  # noqa: E402

from pricewatch import indicators  # noqa: E402

HEAD = ["date", "admin1", "admin2", "market", "latitude", "longitude", "category", "commodity", "unit",
        "priceflag", "pricetype", "currency", "price", "usdprice"]
HXL = ["#date", "#adm1+name", "#adm2+name", "#loc+market+name", "#geo+lat", "#geo+lon", "#item+type",
       "#item+name", "#item+unit", "#item+price+flag", "#item+price+type", "#currency", "#value", "#value+usd"]
#: (commodity, unit, price in BDT) -> (canonical unit, price per canonical unit)
PACKS = [
    ("Rice (coarse)", "KG", 52.0, "BDT/公斤", 52.0),
    ("Rice (coarse)", "50 KG", 2500.0, "BDT/公斤", 50.0),
    ("Lentils (masur)", "500 G", 60.0, "BDT/公斤", 120.0),
    ("Wheat flour", "12 KG", 600.0, "BDT/公斤", 50.0),
    ("Sugar", "100 KG", 11000.0, "BDT/公斤", 110.0),
    ("Eggs", "10 pcs", 125.0, "BDT/个", 12.5),
    ("Soap", "1 piece", 40.0, "BDT/个", 40.0),
    ("Toilet paper", "1 Roll", 25.0, "BDT/卷", 25.0),
    ("Oil (palm)", "L", 150.0, "BDT/升", 150.0),
]


def wfp_export(tmp_path: Path, currency: str = "BDT") -> Path:
    rows = [HEAD, HXL]
    for day in ("2024-04-15", "2024-05-15"):
        for market in ("Dhaka (Kawran Bazar)", "Chittagong"):
            for name, unit, price, _c, _p in PACKS:
                bump = 1.1 if day == "2024-05-15" else 1.0
                rows.append([day, "Dhaka", "Dhaka", market, 23.7, 90.4, "cereals and tubers", name, unit,
                             "actual", "Retail", currency, round(price * bump, 2), round(price / 110, 2)])
    return write_csv(tmp_path / "wfp_bgd.csv", rows)


def test_wfp_export_with_pack_units_keeps_its_currency(store, tmp_path):
    res = run(store, wfp_export(tmp_path), accept_new_names=True)
    assert res.status == "loaded", res.errors
    assert "unit_mismatch" not in codes(res) and "mixed_units" not in codes(res)
    with store.read() as s:
        got = s.all("SELECT c.name, c.unit, o.orig_unit, o.orig_price, o.price, o.currency FROM observations o"
                    " JOIN commodities c ON c.id = o.commodity_id JOIN markets m ON m.id = o.market_id"
                    " WHERE o.obs_date = DATE '2024-04-15' AND m.name = 'Chittagong'")
    by = {(n, ou): (u, p, cur) for n, u, ou, _op, p, cur in got}
    for name, unit, _price, canonical, per in PACKS:
        if name == "Rice (coarse)":
            continue  # two rows of one key (KG and 50 KG): one is kept, checked below
        assert by[(name, f"BDT/{unit}")] == (canonical, pytest.approx(per), "BDT")
    rice = [v for (n, _u), v in by.items() if n == "Rice (coarse)"]
    assert rice and all(u == "BDT/公斤" and p == pytest.approx(50.0 if p < 51 else 52.0) for u, p, _c in rice)
    assert {cur for *_x, cur in got} == {"BDT"}


def test_a_foreign_price_never_joins_a_yuan_commodity(store, tmp_path):
    rows = [HEAD, HXL, ["2024-05-15", "Dhaka", "Dhaka", "城关农贸市场", 0, 0, "cereals", "大米", "KG", "actual",
                        "Retail", "KES", 120.0, 0.9],
            ["2024-05-15", "Dhaka", "Dhaka", "城关农贸市场", 0, 0, "cereals", "面粉", "KG", "actual", "Retail", "CNY",
             5.2, 0.7]]
    res = run(store, write_csv(tmp_path / "mix.csv", rows))
    assert "unit_mismatch" in codes(res, "warning")  # 120 KES is not a price of 大米 in 元/公斤
    with store.read() as s:
        assert s.all("SELECT c.name, o.price, o.currency FROM observations o JOIN commodities c"
                     " ON c.id = o.commodity_id") == [("面粉", 5.2, "CNY")]


def test_reports_show_the_currency_and_keep_series_apart(store, tmp_path):
    from ingest_testkit import long_rows, write_xlsx

    run(store, write_xlsx(tmp_path / "cn.xlsx", {"s": long_rows("2024-05-13", 大米__城关农贸市场=6.0)}))
    run(store, write_xlsx(tmp_path / "cn0.xlsx", {"s": long_rows("2024-04-15", 大米__城关农贸市场=5.0)}))
    assert run(store, wfp_export(tmp_path), accept_new_names=True).status == "loaded"
    rep = indicators.report(store, public=False, on=date(2024, 5, 15), freq="month")
    items = rep.items.set_index("commodity")
    assert items.loc["Eggs", "unit"] == "BDT/个" and items.loc["Lentils (masur)", "unit"] == "BDT/公斤"
    assert items.loc["大米", "unit"] == "元/公斤" and items.loc["大米", "price"] == pytest.approx(6.0)
    assert items.loc["Soap", "price"] == pytest.approx(44.0)  # BDT, as written
    assert not any(str(u).startswith("元") for u in items.loc[[c for c, *_x in PACKS], "unit"])
