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
