"""Invariant 6 under load, at tiny size: 20 simulated public sessions (threads sharing one
Store, as the dashboard server does) run the public report and trend queries while another
process loads and releases new weeks. No reader may fail, see half a load, or go back to an
older data version. The same harness runs at 0.4 M and 10 M rows in ``make bench``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from benchmarks import concurrency, synth
from pricewatch.store import Store
from pricewatch.store.bulk import bulk_load

SIZE = synth.SIZES["tiny"]
LOADS = 3


def test_twenty_public_sessions_read_through_loads_without_errors_or_half_loads(tmp_path: Path) -> None:
    db = tmp_path / "tiny.duckdb"
    store = Store(db)
    store.migrate()
    history = pd.concat([f for _, f in synth.chunks(SIZE)], ignore_index=True)
    bulk_load(store, history, file_name="tiny.parquet", actor="test")
    rows_before = len(history)

    r = concurrency.run(db, SIZE, sessions=20, loads=LOADS, frames=True, timeout=120)

    assert r["writer_error"] is None, r["writer_error"]
    assert r["writer"]["loads"] == LOADS
    assert r["errors"] == []
    assert r["half_loaded"] == []
    assert r["regressions"] == 0
    assert r["reads"] >= 20
    # the readers saw the store while it changed, not only before and after: the history is
    # upload 1; each load adds one upload, so 1..5 uploads exist over the run
    assert len(r["uploads_seen"]) >= 2 and set(r["uploads_seen"]) <= set(range(1, LOADS + 2))
    with store.read() as s:
        assert s.scalar("SELECT count(*) FROM obs_public") == rows_before + sum(
            len(synth.week_frame(SIZE, SIZE.weeks + k)) for k in range(LOADS))
        assert s.scalar("SELECT count(*) FROM uploads WHERE status = 'released'") == LOADS + 1


def test_a_read_session_survives_two_newer_snapshots_opened_by_other_readers(tmp_path: Path) -> None:
    """A page view that spans several writes keeps reading its own snapshot."""
    store = Store(tmp_path / "held.duckdb")
    store.migrate()
    bulk_load(store, synth.week_frame(SIZE, 0), actor="test")
    with store.read() as held:
        before = held.scalar("SELECT count(*) FROM observations")
        for w in (1, 2, 3):
            bulk_load(store, synth.week_frame(SIZE, w), actor="test")
            with store.read() as other:  # another visitor: opens the newest snapshot
                assert other.scalar("SELECT count(*) FROM uploads") == w + 1
        # the held session still reads its own, older snapshot
        assert held.scalar("SELECT count(*) FROM observations") == before
