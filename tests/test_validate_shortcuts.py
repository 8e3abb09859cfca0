"""The shortcuts of ingest/validate.py (whole-column cell checks and conversion, per-name
counts and conversions for a file in one unit) against its row walk (``SHORTCUTS = False``).

Generated sheets (tests/fixtures/generated_sheets.py), mixed and clean, run through the real
layouts, then through ``prepare`` both ways with random options: records, issue codes,
severities, places, parameters and both languages' messages must be identical, and so must
the names to add and the unknown names. The history checks take stored prices as a frame or
as tuples: both must give the same issues.
"""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pytest

import ingest.validate as v
from ingest.layouts import Context, extract
from ingest.validate import history_checks, prepare
from tests.fixtures.generated_sheets import (
    TODAY,
    catalog,
    clean_sheet,
    context,
    generated_sheet,
    issue_view,
    recent_prices,
)

SEEDS = 200


def _both(monkeypatch, sheet: list[list], ctx: Context, **options):
    """(prepared with the shortcuts, prepared by the row walk) of one sheet."""
    fast = prepare(extract([("价格", [list(r) for r in sheet])], ctx), catalog(), ctx, today=TODAY, **options)
    with monkeypatch.context() as m:
        m.setattr(v, "SHORTCUTS", False)
        walk = prepare(extract([("价格", [list(r) for r in sheet])], ctx), catalog(), ctx, today=TODAY, **options)
    return fast, walk


def _same(fast, walk, seed) -> None:
    assert issue_view(fast.issues) == issue_view(walk.issues), seed
    pd.testing.assert_frame_equal(fast.frame, walk.frame)
    assert (fast.layout, fast.rows_read, fast.new_commodities, fast.new_markets, fast.unknown) == (
        walk.layout, walk.rows_read, walk.new_commodities, walk.new_markets, walk.unknown), seed


@pytest.mark.parametrize("seed", range(SEEDS))
def test_mixed_sheets_agree_with_the_row_walk(monkeypatch, seed):
    rng = random.Random(10_000 + seed)
    ctx = context(rng)
    accept = rng.choice([False, True, ["香菇", "城西市场"], ["木耳", "新市场", "鸽子蛋"]])
    fast, walk = _both(monkeypatch, generated_sheet(seed), ctx, accept_new_names=accept, strict=rng.random() < 0.2)
    _same(fast, walk, seed)
    if not fast.frame.empty:
        recent = recent_prices(rng, fast.frame)
        reported = rng.choice([(None, []), (date(2024, 3, 25), ["城关农贸市场", "惠民超市", "别的市场"])])
        jump = rng.choice([0.1, 0.5])
        tuples = list(recent.itertuples(index=False, name=None))
        assert issue_view(history_checks(fast.columns, recent, reported, jump)) == issue_view(
            history_checks(fast.columns, tuples, reported, jump))


def test_the_generator_reaches_every_check():
    """The generated sheets are varied enough to exercise the checks compared above."""
    seen: set[str] = set()
    for seed in range(SEEDS):
        rng = random.Random(10_000 + seed)
        ctx = context(rng)
        accept = rng.choice([False, True, ["香菇", "城西市场"], ["木耳", "新市场", "鸽子蛋"]])
        prep = prepare(extract([("价格", generated_sheet(seed))], ctx), catalog(), ctx,
                       accept_new_names=accept, today=TODAY)
        seen |= {i.code for i in prep.issues}
        if len(prep):
            seen |= {i.code for i in history_checks(prep.columns, recent_prices(rng, prep.frame),
                                                    (date(2024, 3, 25), ["别的市场"]), 0.1)}
    expected = {"not_a_number", "price_not_positive", "price_absurd", "date_missing", "date_unreadable",
                "date_no_year", "date_future", "unit_missing", "unit_unknown", "market_missing",
                "commodity_missing", "price_missing", "no_quote", "low_gt_high", "avg_from_range", "duplicate",
                "duplicate_conflict", "unit_mismatch", "mixed_units", "unknown_commodity", "unknown_market",
                "new_commodity", "new_market", "currency", "price_jump", "market_not_reported"}
    assert expected <= seen, expected - seen


def test_clean_sheets_take_the_shortcuts_and_agree(monkeypatch):
    taken = {"cells": 0, "resolve": 0}
    all_pass, all_convert = v._all_pass, v._all_convert

    def spy_pass(*a, **k):
        got = all_pass(*a, **k)
        taken["cells"] += got is not None
        return got

    def spy_convert(*a, **k):
        got = all_convert(*a, **k)
        taken["resolve"] += got
        return got

    monkeypatch.setattr(v, "_all_pass", spy_pass)
    monkeypatch.setattr(v, "_all_convert", spy_convert)
    for seed in range(80):
        rng = random.Random(20_000 + seed)
        ctx = Context(price_type=rng.choice([None, "retail"]))
        fast, walk = _both(monkeypatch, clean_sheet(seed), ctx, accept_new_names=rng.choice([True, ["香菇", "城西市场"]]))
        _same(fast, walk, seed)
    assert taken["cells"] >= 60 and taken["resolve"] >= 20, taken


def test_sheets_in_one_unit_agree(monkeypatch):
    """A file in one unit (the usual case) takes the one-unit shortcuts: the same rows, names
    and issues as the row walk."""
    for seed in range(60):
        rng = random.Random(30_000 + seed)
        rows = clean_sheet(seed)
        j = rows[0].index("单位")
        unit = rng.choice(["元/公斤", "元/斤", "kg", "元/个"])
        for r in rows[1:]:
            r[j] = unit
        ctx = Context(price_type=rng.choice([None, "retail"]))
        fast, walk = _both(monkeypatch, rows, ctx, accept_new_names=rng.choice([True, ["香菇", "城西市场"]]))
        _same(fast, walk, seed)
