"""Name matching (brackets, full/half width, head nouns; near-misses that must not match),
pack and count units, and the audited alias write."""

from __future__ import annotations

import pytest

from pricewatch.catalog import NameIndex, add_alias, convert, parse_unit
from pricewatch.errors import InputError
from pricewatch.store import queries

CATALOG = ["猪肉(五花)", "猪肉(精瘦肉)", "牛肉", "白菜", "大白菜", "鸡蛋", "鸭蛋", "大豆油"]


@pytest.mark.parametrize("text", ["猪肉(五花)", "猪肉（五花）", "猪肉 (五花)", "猪肉【五花】", "猪肉(五花肉)",
                                  "猪肉（五花肉）", "五花肉", "五花肉 ", "\ufeff猪肉(五花)"])
def test_spellings_of_one_commodity_match(text):
    assert NameIndex(CATALOG).match(text) == "猪肉(五花)"


@pytest.mark.parametrize("text", ["猪肉", "牛肉(五花)", "牛肉(五花肉)", "五花", "猪五花", "五花肉片",
                                  "猪肉(后腿)", "小白菜", "白菜心", "鹅蛋", "鸡", "肉"])
def test_near_misses_do_not_match(text):
    assert NameIndex(CATALOG).match(text) is None


def test_exact_names_beat_loose_ones_and_shared_loose_keys_match_nothing():
    ix = NameIndex(["白菜", "大白菜", "猪肉(精瘦肉)"])
    assert ix.match("白菜") == "白菜" and ix.match("大白菜") == "大白菜"
    assert ix.match("精瘦肉") == "猪肉(精瘦肉)" and ix.match("猪肉(精瘦)") == "猪肉(精瘦肉)"
    both = NameIndex(["猪肉(五花)", "牛肉(五花)"])
    assert both.match("五花肉") is None  # which one? a person decides
    assert both.match("牛肉(五花肉)") == "牛肉(五花)"


def test_aliases_match_like_names():
    ix = NameIndex(["大豆油"], [("豆油", "大豆油")])
    assert ix.match("豆油") == "大豆油" and ix.match("豆 油") == "大豆油"


@pytest.mark.parametrize(("text", "canonical", "factor"), [
    ("500 G", "元/公斤", 2.0), ("12 KG", "元/公斤", 1 / 12), ("100 KG", "元/公斤", 0.01),
    ("90 KG", "元/公斤", 1 / 90), ("10 pcs", "元/个", 0.1), ("1 piece", "元/个", 1.0), ("1 Roll", "元/卷", 1.0),
    ("袋(5kg)", "元/公斤", 0.2), ("袋（5公斤）", "元/公斤", 0.2), ("5kg/袋", "元/公斤", 0.2), ("5kg装", "元/公斤", 0.2),
    ("箱", "元/箱", 1.0), ("元/箱", "元/箱", 1.0), ("Head", "元/头", 1.0), ("Bunch", "元/把", 1.0),
    ("Unit", "元/个", 1.0), ("500 ML", "元/升", 2.0), ("L", "元/升", 1.0), ("元/斤", "元/公斤", 2.0),
    ("¥/kg", "元/公斤", 1.0), ("元/500克", "元/公斤", 2.0), ("400 G", "元/公斤", 2.5), ("元/10个", "元/个", 0.1),
])
def test_pack_and_count_units(text, canonical, factor):
    u = parse_unit(text)
    assert u is not None and u.canonical == canonical
    assert u.factor == pytest.approx(factor)
    assert u.is_weight == (canonical == "元/公斤")


@pytest.mark.parametrize("text", ["元/坨", "abc", "0 KG", "袋(0kg)", "", "kg/kg"])
def test_unreadable_units(text):
    assert parse_unit(text) is None


def test_per_piece_never_converts_to_weight():
    assert convert(3.0, "元/个", "元/公斤") is None
    assert convert(30.0, "袋(5kg)", "元/公斤") == pytest.approx(6.0)
    assert convert(12.0, "10 pcs", "元/个") == pytest.approx(1.2)


def test_add_alias_is_audited_and_matches_next_time(store):
    assert add_alias(store, "五花猪肉", "猪肉(五花)", actor="editor") is True
    with store.read() as s:
        ali = queries.catalog.commodity_aliases(s)
        audit = s.df("SELECT actor, action, target FROM audit_log WHERE action = 'catalog.add_alias'")
    assert ("五花猪肉", "猪肉(五花)") in set(zip(ali["alias"], ali["commodity"], strict=True))
    assert list(audit.itertuples(index=False, name=None)) == [("editor", "catalog.add_alias", "猪肉(五花)")]
    assert add_alias(store, "五花猪肉", "猪肉(五花)", actor="editor") is False  # nothing twice
    with pytest.raises(InputError, match="已是商品"):
        add_alias(store, "五花猪肉", "牛肉", actor="editor")
    with pytest.raises(InputError):
        add_alias(store, "  ", "牛肉", actor="editor")


def test_add_market_alias(store):
    assert add_alias(store, "城关菜场", "城关农贸市场", actor="editor", kind="market") is True
    with store.read() as s:
        ali = queries.catalog.market_aliases(s)
        n = s.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalog.add_market_alias'")
    assert ("城关菜场", "城关农贸市场") in set(zip(ali["alias"], ali["market"], strict=True)) and n == 1
    with pytest.raises(InputError, match="已是市场"):
        add_alias(store, "城关菜场", "惠民超市", actor="editor", kind="market")


# -- English names: one lookup (pricewatch.names) for pages, charts, downloads and the site ----
def test_every_seeded_name_and_unit_has_an_english_name(store):
    from pricewatch import names

    en = names.load(store)
    with store.read() as s:
        com, mkt = queries.catalog.commodities(s), queries.catalog.markets(s)
        cat = s.df("SELECT name FROM categories")
    for kind, values in (("commodity", com["name"]), ("market", mkt["name"]), ("category", cat["name"]),
                         ("unit", com["unit"])):
        missing = [v for v in set(values) if en.show(v, "en", kind) == v]
        assert not missing, (kind, missing)
    assert en.show("猪肉(五花)", "en") == "Pork belly" and en.show("元/公斤", "en", "unit") == "yuan/kg"
    assert en.show("城关农贸市场", "en", "market") == "Chengguan wet market"
    assert en.show("肉禽蛋", "en", "category") == "Meat, poultry & eggs"
    assert en.show("猪肉(五花)", "zh") == "猪肉(五花)"  # Chinese mode: the name as it is
    assert en.show("没有英文名的商品", "en") == "没有英文名的商品"  # no English name: the Chinese one
    assert en.show("KES/公斤", "en", "unit") == "KES/公斤"


def test_a_name_without_english_falls_back_to_chinese_in_frames(store):
    import pandas as pd

    from pricewatch import names

    with store.write() as s:
        s.execute("UPDATE commodities SET name_en = NULL WHERE name = '牛肉'")
    en = names.load(store)
    df = pd.DataFrame({"commodity": ["牛肉", "猪肉(五花)"], "unit": ["元/公斤", "元/桶"], "price": [80.0, 30.0]})
    out = en.frame(df, "en")
    assert list(out["commodity"]) == ["牛肉", "Pork belly"] and list(out["unit"]) == ["yuan/kg", "yuan/jug"]
    assert list(df["commodity"]) == ["牛肉", "猪肉(五花)"]  # the caller's frame unchanged
    assert en.frame(df, "zh") is df


def test_english_download_names_the_catalog_in_english(small_db):
    import io

    import pandas as pd

    from pricewatch import export

    q = export.ExportQuery(public=True)
    en = pd.read_csv(io.BytesIO(export.export(small_db, q, "csv", "en")), encoding="utf-8-sig")
    assert {"Pork belly", "Rice"} <= set(en["commodity"]) and "猪肉(五花)" not in set(en["commodity"])
    assert set(en["unit"]) == {"yuan/kg"} and "Chengguan wet market" in set(en["market"])
    zh = pd.read_csv(io.BytesIO(export.export(small_db, q, "csv", "zh")), encoding="utf-8-sig")
    assert "猪肉(五花)" in set(zh["商品"]) and "城关农贸市场" in set(zh["市场"])


@pytest.mark.parametrize(("lang", "shown", "hidden"), [
    ("en", ["Pork belly", "Rice", "Meat, poultry & eggs", "yuan/kg"], ["猪肉(五花)", "肉禽蛋"]),
    ("zh", ["猪肉(五花)", "大米", "肉禽蛋", "元/公斤"], ["Pork belly", "Meat, poultry"]),
])
def test_pages_show_english_names_in_english_mode(small_db, lang, shown, hidden):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    # the board's item cells are links: the catalog name in the URL, the shown name after #
    links = [v for df in at.dataframe for v in df.value.iloc[:, 0] if str(v).startswith("./trend?")]
    assert links and all(("#" in v) == (lang == "en") for v in links)
    shown_links = [v.split("#", 1)[1] if lang == "en" else v.split("commodity=", 1)[1] for v in links]
    text = " ".join(str(m.value) for m in at.markdown) + " ".join(shown_links)
    for word in shown:
        assert word in text, (lang, word)
    for word in hidden:
        assert word not in text, (lang, word)
    at.switch_page("app_pages/trend.py")
    at.run()
    pick = at.selectbox(key="commodity")
    assert pick.value == "大米"  # the key stays the catalog name
    assert ("Rice" in pick.options) == (lang == "en") and ("大米" in pick.options) == (lang == "zh")
    import json

    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [str(sp["layout"].get("title", {}).get("text", "")) for sp in specs]
    assert any(("Rice" if lang == "en" else "大米") in t for t in titles), titles
    hovers = " ".join(str(d.get("hovertemplate")) for sp in specs for d in sp["data"])
    assert ("yuan/kg" in hovers) == (lang == "en"), hovers


def test_static_site_english_pages_use_english_names(small_db, tmp_path):
    from pricewatch import site
    from pricewatch.config import load_settings

    built = site.build(small_db, load_settings(), tmp_path / "site", base_url="https://prices.example.gov.cn")
    en_pages = {p.relative_to(built).as_posix(): p.read_text(encoding="utf-8")
                for p in built.rglob("*.html") if p.relative_to(built).parts[0] == "en"}
    zh_home = (built / "index.html").read_text(encoding="utf-8")
    home = en_pages["en/index.html"]
    assert "Pork belly" in home and "Meat, poultry &amp; eggs" in home and "yuan/kg" in home
    assert "猪肉(五花)" in zh_home and "Pork belly" not in zh_home
    markets = en_pages["en/markets.html"]
    assert "Chengguan wet market" in markets and "城关农贸市场" not in markets


def test_staff_release_page_names_the_catalog_in_english(small_db):
    from streamlit.testing.v1 import AppTest

    from pricewatch.accounts import User
    from tests.helpers import APP, sign_in

    def release_page(lang: str) -> str:
        at = AppTest.from_file(APP, default_timeout=60)
        sign_in(at, User("reviewer", "reviewer"))
        if lang == "en":
            at.query_params["lang"] = "en"
        at.run()
        at.switch_page("app_pages/release.py")
        at.run()
        assert not at.exception, at.exception
        return " ".join(t.value.to_string() for t in at.table)

    en, zh = release_page("en"), release_page("zh")
    assert "Pork belly" in en and "yuan/kg" in en and "猪肉(五花)" not in en
    assert "猪肉(五花)" in zh and "Pork belly" not in zh
