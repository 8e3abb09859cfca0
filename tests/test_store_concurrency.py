"""Invariant 6: a command-line write works while another process reads, and no reader
ever sees half a load. Two real processes share one database file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from pricewatch.store import Store

ROOT = Path(__file__).resolve().parent.parent
BATCH = 40  # rows per load: a reader must only ever see a multiple of this
LOADS = 12

WRITER = textwrap.dedent("""
    import sys, datetime, pandas as pd
    from pricewatch.store import Store, writes
    store = Store(sys.argv[1])
    batch, loads = int(sys.argv[2]), int(sys.argv[3])
    for n in range(loads):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=n)
        frame = pd.DataFrame({"commodity_id": [1 + i % 40 for i in range(batch)],
                              "market_id": [1 + i // 40 for i in range(batch)],
                              "obs_date": [day] * batch, "price": [1.0 + n] * batch})
        with store.write() as s:
            writes.load_observations(s, frame, file_name=f"f{n}.csv", sha256=str(n), actor="cli")
    print("done")
""")

READER = textwrap.dedent("""
    import sys, json, time
    from pricewatch.store import Store
    store = Store(sys.argv[1])
    seen, errors, t_end = [], [], time.time() + 120
    while time.time() < t_end:
        try:
            with store.read() as s:
                n = s.scalar("SELECT count(*) FROM obs_staff")
                uploads = s.scalar("SELECT count(*) FROM uploads")
            seen.append([n, uploads])
        except Exception as e:  # any error at all is a failure of the invariant
            errors.append(repr(e))
        if seen and seen[-1][1] >= int(sys.argv[2]):
            break
        time.sleep(0.005)
    print(json.dumps({"seen": seen, "errors": errors}))
""")


def test_a_reader_process_runs_through_a_writer_process_and_never_sees_half_a_load(tmp_path: Path) -> None:
    db = tmp_path / "shared.duckdb"
    Store(db).migrate()
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(LOADS)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer = subprocess.run([sys.executable, "-c", WRITER, str(db), str(BATCH), str(LOADS)],
                            cwd=ROOT, capture_output=True, text=True, timeout=180)
    out, err = reader.communicate(timeout=180)
    assert writer.returncode == 0, writer.stderr
    assert reader.returncode == 0, err
    result = json.loads(out)
    assert result["errors"] == []
    seen = result["seen"]
    assert len(seen) > LOADS  # the reader really read while the writer wrote
    for rows, uploads in seen:
        assert rows == uploads * BATCH, f"half a load seen: {rows} rows for {uploads} uploads"
    counts = [r for r, _ in seen]
    assert counts == sorted(counts) and counts[-1] == LOADS * BATCH
    assert len(set(counts)) > 2  # it saw intermediate states, not just before and after


def test_two_writers_in_two_processes_queue_on_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "two.duckdb"
    Store(db).migrate()
    script = textwrap.dedent("""
        import sys
        from pricewatch.store import Store, writes
        store = Store(sys.argv[1])
        for i in range(15):
            with store.write() as s:
                writes.audit(s, sys.argv[2], "test.write", str(i))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db), who], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for who in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    with Store(db).read() as s:
        assert s.all("SELECT actor, count(*) FROM audit_log GROUP BY 1 ORDER BY 1") == [("a", 15), ("b", 15)]
        assert s.scalar("SELECT value FROM meta WHERE key = 'data_version'") == "30"
