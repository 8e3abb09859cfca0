"""Shared fixtures: databases are built in tmp_path, never the real data/ file."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pricewatch.store import Store, queries, writes

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = ROOT.parent / "shared" / "data" / "real"


def chromium_or_skip() -> str:
    """Path of Debian's chromium; skip where it is absent, but never in CI."""
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); browser test skipped")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "test.duckdb")
    s.migrate()
    return s


def load_rows(store: Store, rows: list[tuple], *, file_name: str = "test.xlsx", actor: str = "editor",
              price_type: str = "retail"):
    """Load (commodity, market, 'YYYY-MM-DD', price) rows as one upload; returns the LoadResult."""
    with store.write() as s:
        com = queries.catalog.commodities(s).set_index("name")["id"]
        mkt = queries.catalog.markets(s).set_index("name")["id"]
        frame = pd.DataFrame([
            {"commodity_id": int(com[c]), "market_id": int(mkt[m]), "obs_date": date.fromisoformat(d),
             "price": float(p), "price_type": price_type}
            for c, m, d, p in rows
        ])
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        return writes.load_observations(s, frame, file_name=file_name, sha256=digest, actor=actor)


def build_small_db(path: Path) -> Store:
    """Three weeks of 大米 and 猪肉(五花) in three markets; the last week pending."""
    from pricewatch import publish
    from pricewatch.accounts import User

    store = Store(path)
    store.migrate()
    weeks = [("2024-04-15", 1.00), ("2024-04-22", 1.02), ("2024-04-29", 1.10)]
    for day, f in weeks:
        rows = [(c, m, day, round(base * f * k, 2))
                for c, base in (("大米", 6.0), ("猪肉(五花)", 28.0))
                for m, k in (("城关农贸市场", 1.0), ("城南农贸市场", 0.98), ("惠民超市", 1.08))]
        load_rows(store, rows, file_name=f"{day}.xlsx")
    publish.release(store, User("reviewer", "reviewer"), through=date(2024, 4, 28))
    return store


@pytest.fixture
def small_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A small database, and PRICEWATCH_DB pointing at it (for AppTest and subprocesses)."""
    store = build_small_db(tmp_path / "small.duckdb")
    monkeypatch.setenv("PRICEWATCH_DB", str(store.path))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(tmp_path / "interpretations"))
    (tmp_path / "interpretations").mkdir()
    return store


def sign_in(at, user) -> str:
    """Give an AppTest a real staff session of ``user`` (AppTest cannot send the browser's
    HttpOnly cookie, so the token goes where dashboard/state.py looks for a test's token)."""
    from dashboard.state import TEST_TOKEN_KEY
    from pricewatch import sessions
    from pricewatch.store import open_store

    token = sessions.start(open_store(os.environ["PRICEWATCH_DB"]), user)
    at.session_state[TEST_TOKEN_KEY] = token
    return token


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_streamlit(env_extra: dict[str, str], timeout: float = 60.0, script: str = "server.py"):
    """Start the dashboard (dashboard/<script>: the served entry point with its login and
    file routes by default) on a free port; returns (process, base_url).

    The server's own URL is its public base URL (so QR codes and feed links point at it),
    and the file watcher is off (no "file changed" bar in screenshots). Caller terminates it.
    """
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PRICEWATCH_PUBLIC_URL": url, **env_extra,
           "STREAMLIT_SERVER_PORT": str(port), "STREAMLIT_SERVER_HEADLESS": "true",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / script)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
