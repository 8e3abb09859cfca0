"""writes.add_names (an ingest's confirmed names in a few statements) leaves the catalog and
the audit log as add_commodity / add_market one by one do."""

from __future__ import annotations

import pytest

from pricewatch.errors import InputError
from pricewatch.store import Store, writes

COMS = {"香菇": ("元/公斤", "干货"), "木耳": ("元/公斤", "干货"), "椰青": ("元/个", "水果"), "新品": ("元/公斤", "新类别")}
MKTS = {"城西市场": "农贸市场", "城北超市": "超市"}


def state(store: Store):
    with store.read() as s:
        return (s.all("SELECT id, name, category, spec, unit, weight, sort, created_by FROM commodities ORDER BY id"),
                s.all("SELECT id, name, kind, sort, created_by FROM markets ORDER BY id"),
                s.all("SELECT name, sort FROM categories ORDER BY name"),
                s.all("SELECT actor, action, target, detail FROM audit_log WHERE action LIKE 'catalog.%' ORDER BY id"))


def test_add_names_equals_one_by_one(tmp_path):
    a, b = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    a.migrate()
    b.migrate()
    with a.write() as s:
        for name, (unit, cat) in COMS.items():
            writes.add_commodity(s, name, cat, unit=unit, actor="editor")
        for name, kind in MKTS.items():
            writes.add_market(s, name, kind, actor="editor")
    with b.write() as s:
        writes.add_names(s, COMS, MKTS, actor="editor")
    assert state(b) == state(a)


def test_add_names_checks_lengths_before_writing(tmp_path):
    st = Store(tmp_path / "c.duckdb")
    st.migrate()
    before = state(st)
    with pytest.raises(InputError), st.write() as s:
        writes.add_names(s, {"长" * 41: ("元/公斤", "干货")}, {}, actor="editor")
    assert state(st) == before
