"""The benchmarks' synthetic history is deterministic and follows its documented formula;
the results table marks a target as met only where the issue sets it."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from benchmarks import synth
from benchmarks.harness import Result, table

TINY = synth.SIZES["tiny"]


def test_a_week_is_the_same_in_any_chunk_and_at_any_size() -> None:
    whole = pd.concat([f for _, f in synth.chunks(TINY, weeks_per_chunk=5)], ignore_index=True)
    again = pd.concat([f for _, f in synth.chunks(TINY, weeks_per_chunk=12)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, again)
    assert len(whole) == TINY.expected_rows()
    # the county size's commodity 2 in market 1 is the stress size's commodity 2 in market 1
    county, stress = synth.SIZES["county"], synth.SIZES["stress"]
    a = synth.week_frame(county, 7)
    b = synth.week_frame(stress, 7)
    key = ["commodity", "market", "obs_date"]
    sel = (a["commodity"] == "蔬菜002") & (a["market"] == "监测点01")
    merged = a[sel].merge(b, on=key, suffixes=("_c", "_s"))
    assert len(merged) == 1 and merged["price_c"].iloc[0] == merged["price_s"].iloc[0]


def test_prices_follow_the_documented_formula() -> None:
    p = synth._params(TINY)
    w, c, m = 5, 3, 2
    noise, keep = synth._week_noise(TINY, w)
    i = c * TINY.markets + m
    expected = round(p["level"][c] * p["market"][m]
                     * (1 + p["amp"][c] * math.sin(2 * math.pi * w / 52.18 + p["phase"][c]))
                     * (1 + p["drift"][c] * w) * (1 + noise[i]), 2)
    frame = synth.week_frame(TINY, w)
    row = frame[(frame["commodity"] == synth.commodity_names(TINY)[c])
                & (frame["market"] == synth.market_names(TINY)[m])]
    assert bool(keep[i]) == (len(row) == 1)
    if len(row):
        assert row["price"].iloc[0] == expected
    # every week is dated its Monday; the last one is LAST_MONDAY
    assert synth.week_frame(TINY, TINY.weeks - 1)["obs_date"].iloc[0] == synth.LAST_MONDAY
    assert synth.LAST_MONDAY.weekday() == 0
    assert TINY.first_monday == synth.LAST_MONDAY - timedelta(weeks=TINY.weeks - 1)
    # about 1 % of reports are missing: never all, never none at county size
    county = synth.SIZES["county"]
    kept = np.mean([synth._week_noise(county, k)[1].mean() for k in range(20)])
    assert 0.97 < kept < 1.0


def test_spreadsheets_are_long_tables_with_real_dates(tmp_path: Path) -> None:
    xlsx = synth.write_spreadsheets(TINY, tmp_path, "xlsx", weeks_per_file=6)
    csv = synth.write_spreadsheets(TINY, tmp_path, "csv", weeks_per_file=6)
    assert [p.name for p in xlsx] == ["prices_000.xlsx", "prices_001.xlsx"]
    wb = CalamineWorkbook.from_path(str(xlsx[0]))
    rows = wb.get_sheet_by_index(0).to_python()
    assert rows[0] == synth.HEADER
    assert rows[1][0] == TINY.first_monday or rows[1][0] == pd.Timestamp(TINY.first_monday)
    first = synth.week_frame(TINY, 0).iloc[0]
    assert rows[1][1:] == [first["market"], first["category"], first["commodity"], "元/公斤",
                           first["price"]]
    text = csv[1].read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == ",".join(synth.HEADER)
    assert text[1].startswith((TINY.first_monday + timedelta(weeks=6)).isoformat())
    # written once: a second call reuses the files
    before = xlsx[0].stat().st_mtime_ns
    synth.write_spreadsheets(TINY, tmp_path, "xlsx", weeks_per_file=6)
    assert xlsx[0].stat().st_mtime_ns == before


def test_the_table_checks_targets_only_where_the_issue_sets_them() -> None:
    report_10m = Result("report", "report", "province", 60.0, "ms", 20, target=("<", 50.0),
                        ref=20.0, ref_label="floor", ratio="3.0x floor")
    report_county = Result("report", "report", "county", 60.0, "ms", 20, target=("<", 50.0))
    ingest = Result("ingest_xlsx", "ingest", "county", 120_000.0, "rows/s", 10,
                    target=("≥", 100_000.0), check=True)
    errors = Result("concurrency", "readers", "province", 0.0, "errors", 300, target=("<", 1.0), check=True)
    assert (report_10m.met, report_county.met, ingest.met, errors.met) == ("**NO**", "", "yes", "yes")
    text = table([report_10m, ingest, errors])
    assert "| report | province | 60.0 ms | 20 | < 50.0 ms | **NO** | floor: 20.0 ms | 3.0x floor |" in text
    assert "| ingest | county | 120,000 rows/s | 10 | ≥ 100,000 rows/s | yes |" in text
    assert "| readers | province | 0 | 300 | 0 | yes |" in text
