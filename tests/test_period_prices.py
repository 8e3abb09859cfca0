"""The stored period prices (pricewatch.store.aggregates) against the observations.

Property: after any sequence of writes - files loaded (new prices, revisions, uploads
superseded by them), releases of some uploads, a bulk load - the table holds, for each
audience, frequency (日/周/旬/月) and price type, exactly the commodity price per period that
DESIGN defines (the mean over the markets that reported of each market's mean in the period),
computed here by hand from the observation rows; the incremental upkeep equals a full build;
and the history grid the indicators read holds the same prices.

(Before the table existed the indicators grouped the whole view in every new process; this
test also compared every report, as JSON, computed that way and through the table, and
found them equal, before that code was removed.)
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricewatch import indicators
from pricewatch.indicators import history
from pricewatch.periods import from_ordinal, period_of
from pricewatch.store import Store, aggregates, writes
from pricewatch.store.bulk import bulk_load
from tests.helpers import empty_store

# three commodities in three units and two currencies (a KES price is never averaged with a 元 one)
COMMODITIES = {"甲菜": "元/公斤", "乙油": "元/升", "丙粮": "KES/公斤"}
MARKETS = ["东市", "西市", "南市"]
# dates across year, ISO-week, 旬 and month boundaries, and a year earlier for 同比
DATES = [date(2023, 1, 2), date(2023, 1, 9), date(2023, 1, 10), date(2023, 1, 21),
         date(2023, 12, 29), date(2023, 12, 31), date(2024, 1, 1), date(2024, 1, 2),
         date(2024, 1, 10), date(2024, 1, 11), date(2024, 1, 21), date(2024, 1, 31),
         date(2024, 2, 29)]
FREQS = ("day", "week", "xun", "month")

price = st.integers(min_value=50, max_value=99_999).map(lambda v: v / 100)
key = st.tuples(st.sampled_from(list(COMMODITIES)), st.sampled_from(MARKETS), st.sampled_from(DATES),
                st.sampled_from(["retail", "retail", "wholesale"]))
upload = st.tuples(st.dictionaries(key, price, min_size=1, max_size=14),
                   st.sampled_from(["now", "later", "never"]))
bulk = st.none() | st.tuples(st.dictionaries(key, price, min_size=1, max_size=20), st.booleans())
_n = itertools.count()


def _new_store(tmp_path) -> Store:
    # a copy of an empty database migrated once (migrating is ~10x the copy, per example)
    store = empty_store(tmp_path / f"pw{next(_n)}.duckdb")
    with store.write() as s:
        for name, unit in COMMODITIES.items():
            writes.add_commodity(s, name, "测试", unit=unit)
        for m in MARKETS:
            writes.add_market(s, m)
    return store


def _ids(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    with store.read() as s:
        c = dict(s.all("SELECT name, id FROM commodities"))
        m = dict(s.all("SELECT name, id FROM markets"))
    return c, m


def _apply(store: Store, bulk_rows, uploads) -> None:
    cid, mid = _ids(store)
    if bulk_rows is not None:
        rows, release = bulk_rows
        frame = pd.DataFrame([{"commodity": c, "market": m, "obs_date": d, "price_type": t, "price": p}
                              for (c, m, d, t), p in rows.items()])
        bulk_load(store, frame, release=release)
    later: list[int] = []
    for i, (rows, when) in enumerate(uploads):
        frame = pd.DataFrame([{"commodity_id": cid[c], "market_id": mid[m], "obs_date": d,
                               "price_type": t, "price": p} for (c, m, d, t), p in rows.items()])
        with store.write() as s:
            res = writes.load_observations(s, frame, file_name=f"f{i}.xlsx", actor="test",
                                           sha256=hashlib.sha256(f"{i}{rows}".encode()).hexdigest())
            if res.upload_id is not None and when == "now":
                writes.release_uploads(s, [res.upload_id], actor="test")
        if res.upload_id is not None and when == "later":
            later.append(res.upload_id)
    if later:
        with store.write() as s:
            writes.release_uploads(s, later, actor="test")


def _by_hand(store: Store, scope: str, freq: str, price_type: str) -> dict:
    """(commodity_id, period_start) -> (price, markets) from the observation rows and DESIGN's
    definitions, in Python."""
    flag = "is_public" if scope == "public" else "is_current"
    with store.read() as s:
        rows = s.all(f"SELECT commodity_id, market_id, obs_date, price FROM observations"  # noqa: S608
                     f" WHERE {flag} AND price_type = ?", [price_type])
    market: dict = defaultdict(list)
    for c, m, d, p in rows:
        market[(c, period_of(d, freq).start, m)].append(p)
    commodity: dict = defaultdict(list)
    for (c, ps, _m), ps_prices in market.items():
        commodity[(c, ps)].append(sum(ps_prices) / len(ps_prices))
    return {k: (sum(v) / len(v), len(v)) for k, v in commodity.items()}


def _stored(store: Store, scope: str, freq: str, price_type: str) -> dict:
    with store.read() as s:
        g = aggregates.commodity_periods(s, scope, freq, price_type)
    return {(int(c), from_ordinal(int(o), freq).start): (float(p), int(n))
            for c, o, p, n in zip(g["commodity_id"], g["ordinal"], g["price"], g["markets"], strict=True)}


def _assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for k, (p, n) in want.items():
        assert got[k][1] == n, k
        assert got[k][0] == pytest.approx(p, rel=1e-12, abs=0), k


def _assert_grid(store: Store, public: bool, freq: str, want: dict) -> None:
    """The history grid the indicators read: every priced cell is the hand-computed price."""
    indicators.clear_cache()
    h = history._hist(store, public, freq, "retail")
    got = {}
    for ti, ts in enumerate(h.starts):
        start = pd.Timestamp(ts).date()
        for ci, c in enumerate(h.ids):
            if h.n[ti, ci]:
                got[(int(c), start)] = (float(h.y[ti, ci]), int(h.n[ti, ci]))
    _assert_same(got, want)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bulk_rows=bulk, uploads=st.lists(upload, min_size=1, max_size=4))
def test_stored_period_prices_are_the_observations_means(tmp_path, bulk_rows, uploads):
    store = _new_store(tmp_path)
    _apply(store, bulk_rows, uploads)
    for scope, freq, pt in itertools.product(("public", "staff"), FREQS, ("retail", "wholesale")):
        _assert_same(_stored(store, scope, freq, pt), _by_hand(store, scope, freq, pt))
    # the incremental upkeep equals a build from nothing
    before = {k: _stored(store, *k) for k in itertools.product(("public", "staff"), FREQS, ("retail",))}
    with store.write() as s:
        aggregates.rebuild(s)
    for k, rows in before.items():
        _assert_same(_stored(store, *k), rows)
    # and the grid the indicators read from it
    for public, freq in itertools.product((True, False), FREQS):
        _assert_grid(store, public, freq, _by_hand(store, "public" if public else "staff", freq, "retail"))
    indicators.clear_cache()


def test_a_database_from_before_the_table_gets_it(tmp_path):
    """A snapshot without the table (made by an older version, not written since) is
    repaired by the first reader like a damaged one: the primary builds the table and a new
    snapshot is published."""
    store = _new_store(tmp_path)
    _apply(store, None, [({("甲菜", "东市", date(2024, 1, 1), "retail"): 10.0,
                           ("甲菜", "西市", date(2024, 1, 2), "retail"): 12.0}, "now")])
    with store.write() as s:
        s.execute("DELETE FROM period_prices")
        s.execute("DELETE FROM meta WHERE key = 'period_prices'")
    stale = store.snapshots()[-1]
    store.close()
    indicators.clear_cache()
    t = indicators.trend(store, "甲菜", public=True, freq="week")
    assert list(t["price"].round(2)) == [11.0]
    assert store.snapshots()[-1] != stale
    with store.read() as s:
        assert s.scalar("SELECT value FROM meta WHERE key = 'period_prices'") == aggregates.VERSION
        assert s.scalar("SELECT count(*) FROM period_prices WHERE scope = 'public'") > 0


def test_a_write_that_fails_leaves_the_table_as_it_was(tmp_path):
    store = _new_store(tmp_path)
    _apply(store, None, [({("甲菜", "东市", date(2024, 1, 1), "retail"): 10.0}, "now")])
    before = _stored(store, "staff", "week", "retail")
    cid, mid = _ids(store)
    frame = pd.DataFrame([{"commodity_id": cid["甲菜"], "market_id": mid["西市"],
                           "obs_date": date(2024, 1, 2), "price": 30.0}])
    with pytest.raises(RuntimeError), store.write() as s:
        writes.load_observations(s, frame, file_name="x.xlsx", sha256="x", actor="test")
        raise RuntimeError("stop")
    assert _stored(store, "staff", "week", "retail") == before
