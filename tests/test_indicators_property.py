"""Property: 环比 on matched markets, as the report computes it in SQL, does not move when a
market that reported in only one of the two periods is added."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricewatch import indicators
from pricewatch.config import Settings
from tests.fixtures.indicator_data import add_rows, make_store

MARKETS = ["一号市场", "二号市场", "三号市场", "四号市场", "五号市场"]
PREV, CUR = date(2024, 5, 6), date(2024, 5, 13)   # 2024-W19, 2024-W20
_names = (f"性质菜{i}" for i in itertools.count())
price = st.floats(min_value=0.5, max_value=500, allow_nan=False).map(lambda v: round(v, 2))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("prop") / "pw.duckdb",
                      [("底菜", m, PREV, 1.0) for m in MARKETS])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(price, price), min_size=1, max_size=4), extra=price,
       in_current=st.booleans())
def test_wow_ignores_a_market_in_one_period_only(store, pairs, extra, in_current):
    _ignores_a_market_in_one_period_only(store, pairs, extra, in_current, PREV, "wow_pct")


def _ignores_a_market_in_one_period_only(store, pairs, extra, in_current, base: date, column: str):
    """Two commodities with the same (base, current) prices in the same markets; the second
    has a fifth market that quotes only in the current period, or only in the base period.
    The change (环比 from last week, 同比 from a year ago) is over matched markets only, so
    both get the same figure, the one computed by hand."""
    a, b = next(_names), next(_names)
    rows = []
    for name in (a, b):
        for m, (p_base, p_cur) in zip(MARKETS, pairs, strict=False):
            rows += [(name, m, base, p_base), (name, m, CUR, p_cur)]
    rows.append((b, MARKETS[4], CUR if in_current else base, extra))
    add_rows(store, rows, release=False, name=f"{a}.xlsx")
    rep = indicators.report(store, period="2024-W20", public=False, settings=Settings())
    raw = rep.raw.set_index("commodity")
    want = (sum(c for _, c in pairs) / sum(p for p, _ in pairs) - 1) * 100
    assert raw.loc[a, column] == pytest.approx(want, rel=1e-9)
    assert raw.loc[b, column] == pytest.approx(raw.loc[a, column], rel=1e-12)
    items = rep.items.set_index("commodity")
    assert items.loc[b, column] == items.loc[a, column]


YOY = date(2023, 5, 15)   # 2023-W20, the same ISO week a year earlier


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(price, price), min_size=1, max_size=4), extra=price,
       in_current=st.booleans())
def test_yoy_ignores_a_market_in_one_period_only(store, pairs, extra, in_current):
    _ignores_a_market_in_one_period_only(store, pairs, extra, in_current, YOY, "yoy_pct")
