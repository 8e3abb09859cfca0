"""One clock: the store stamps UTC whatever the server's zone; pages show the bureau's zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

SCRIPT = """
import sys
from pricewatch import publish
from pricewatch.accounts import User
from pricewatch.store import Store
from tests.helpers import load_rows
store = Store(sys.argv[1]); store.migrate()
res = load_rows(store, [("大米", "城关农贸市场", "2024-04-29", 6.0)])
publish.release(store, User("reviewer", "reviewer"), upload_id=res.upload_id)
with store.read() as s:
    print(s.scalar("SELECT uploaded_at FROM uploads").isoformat())
    print(s.scalar("SELECT released_at FROM uploads").isoformat())
    print(s.scalar("SELECT max(at_time) FROM audit_log").isoformat())
"""


def test_store_stamps_utc_on_a_server_set_to_beijing_time(tmp_path: Path):
    env = dict(os.environ, TZ="Asia/Shanghai")
    before = datetime.now(UTC).replace(tzinfo=None)
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "c.duckdb")], env=env,
                         capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.split()
    after = datetime.now(UTC).replace(tzinfo=None)
    for stamp in out:
        t = datetime.fromisoformat(stamp)
        # a local (UTC+8) stamp would be 8 hours ahead of the UTC window
        assert before - timedelta(seconds=5) <= t <= after + timedelta(seconds=5), stamp
