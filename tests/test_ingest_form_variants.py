"""Several hundred generated county forms (every layout axis combined at random, fixed
seed) load with exactly the canonical rows the generator computed; plus the whole path
(file -> store) for a sample of them."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "ingest"))
from form_variants import CATEGORIES, MARKETS, variant  # noqa: E402

from ingest.layouts import Context, extract  # noqa: E402
from ingest.normalise import Catalog  # noqa: E402
from ingest.readers import read  # noqa: E402
from ingest.validate import prepare  # noqa: E402

N_VARIANTS = 400
TODAY = date(2026, 12, 1)


def catalog() -> Catalog:
    return Catalog([(c, cat, "元/公斤") for c, cat in CATEGORIES.items()], [], [(m, "农贸市场") for m in MARKETS], [])


def load_variant(seed: int, tmp_path: Path):
    v = variant(seed)
    path = v.write(tmp_path / f"v{seed}.xlsx")
    sheets = extract(read(path, "xlsx"), Context())
    prep = prepare(sheets, catalog(), Context(), today=TODAY)
    return v, prep


def canonical(frame) -> set:
    return {(d, m, c, round(p, 4)) for d, m, c, p in
            zip(frame["obs_date"], frame["market"], frame["commodity"], frame["price"], strict=True)}


@pytest.mark.parametrize("chunk", range(8))
def test_generated_forms_load_exactly(chunk, tmp_path):
    failures = []
    for seed in range(chunk, N_VARIANTS, 8):
        v, prep = load_variant(seed, tmp_path)
        problems = [i for i in prep.issues if i.severity in ("error", "warning")]
        got = canonical(prep.frame)
        if problems or got != v.expected:
            failures.append((seed, {k: x for k, x in v.axes.items() if not k.startswith("_")},
                             [(i.code, i.sheet, i.row, i.column, i.params) for i in problems][:3],
                             sorted(v.expected - got)[:3], sorted(got - v.expected)[:3]))
    assert not failures, "\n".join(map(str, failures[:5])) + f"\n{len(failures)} variants failed"


def test_the_generator_covers_every_axis():
    seen: dict[str, set] = {}
    for seed in range(N_VARIANTS):
        for k, x in variant(seed).axes.items():
            if not k.startswith("_"):
                seen.setdefault(k, set()).add(x)
    assert seen["orient"] == {"rows", "cols"}
    assert seen["header"] == {"one", "market_over", "price_over", "three", "xun", "single"}
    assert {"week", "xun", "range", "day", "month", "sheet_name"} <= seen["period"]
    assert {"column", "title", "header", "unit_row"} <= seen["unit"]
    assert {"columns", "sheets", "line", "title"} <= seen["market"]
    assert seen["blocks"] == {1, 2}
    for extra in ("headings", "totals", "notes", "footer", "zeros"):
        assert seen[extra] == {True, False}


@pytest.mark.parametrize("seed", [3, 11, 26, 57, 101, 202, 303, 399])
def test_generated_forms_through_the_whole_path(seed, store, tmp_path):
    from ingest_testkit import run

    v = variant(seed)
    res = run(store, v.write(tmp_path / f"v{seed}.xlsx"), today=TODAY, accept_new_names=True)
    assert res.status == "loaded", res.errors
    with store.read() as s:
        got = {(d, m, c, round(p, 4)) for d, m, c, p in s.all(
            "SELECT obs_date, market, commodity, price FROM obs_staff")}
    assert got == v.expected
    assert len(res.notes) == len(v.sheets)  # each sheet says which date it took and why
