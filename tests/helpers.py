"""Plain functions the tests share: loading rows by name, building the small database,
signing an AppTest in, starting the app, and driving it in chromium.

Fixtures live in tests/conftest.py (pytest hands them to tests by name); everything here
is imported: ``from tests.helpers import load_rows``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pricewatch.store import Session, Store, queries, writes

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
ARTIFACTS = ROOT / "test-artifacts"
#: the dashboard entry point AppTest runs
APP = str(ROOT / "dashboard" / "app.py")


# -- data ---------------------------------------------------------------------------------
def load_rows_in(s: Session, rows: list[tuple], *, file_name: str = "test.xlsx", actor: str = "editor",
                 price_type: str = "retail", sha256: str | None = None):
    """Load (commodity, market, day, price[, price_type]) rows, named as in the catalog, as one
    upload inside an open write; ``day`` is a date or 'YYYY-MM-DD'. Returns the LoadResult."""
    com = queries.catalog.commodities(s).set_index("name")["id"]
    mkt = queries.catalog.markets(s).set_index("name")["id"]
    frame = pd.DataFrame([
        {"commodity_id": int(com[r[0]]), "market_id": int(mkt[r[1]]),
         "obs_date": date.fromisoformat(r[2]) if isinstance(r[2], str) else r[2],
         "price": float(r[3]), "price_type": r[4] if len(r) > 4 else price_type}
        for r in rows
    ])
    digest = sha256 or hashlib.sha256(repr(rows).encode()).hexdigest()
    return writes.load_observations(s, frame, file_name=file_name, sha256=digest, actor=actor)


def load_rows(store: Store, rows: list[tuple], *, file_name: str = "test.xlsx", actor: str = "editor",
              price_type: str = "retail", sha256: str | None = None):
    """:func:`load_rows_in` in a write of its own; returns the LoadResult."""
    with store.write() as s:
        return load_rows_in(s, rows, file_name=file_name, actor=actor, price_type=price_type,
                            sha256=sha256)


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


def copy_db(template: Path, path: Path) -> Store:
    """A copy of the closed database file ``template`` as the store at ``path``.

    It goes in through :meth:`Store.install` (as a restore does), so it gets a generation id
    of its own: caches keyed by (generation, data version) never mix two copies up. Much
    faster than migrating or loading afresh; fixtures build a template once per session.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.copy")
    shutil.copyfile(template, staged)
    store = Store(path)
    store.install(staged)
    return store


_EMPTY: Path | None = None


def empty_store(path: Path) -> Store:
    """A migrated store with no prices at ``path``: a copy (:func:`copy_db`) of one migrated
    once per process; where ``path`` already holds a database, that one brought up to date."""
    global _EMPTY
    if path.exists():
        store = Store(path)
        store.migrate()
        return store
    if _EMPTY is None or not _EMPTY.exists():
        import atexit

        root = Path(tempfile.mkdtemp(prefix="pricewatch-test-empty-"))
        atexit.register(shutil.rmtree, root, True)
        _EMPTY = template_db(root / "empty.duckdb")
    return copy_db(_EMPTY, path)


def template_db(path: Path, build=None) -> Path:
    """The closed database file at ``path``: migrated, then ``build(path)`` when given (e.g.
    :func:`build_small_db`); for :func:`copy_db`."""
    store = build(path) if build is not None else Store(path)
    store.migrate()
    store.close()
    return path


# -- the app ------------------------------------------------------------------------------
def sign_in(at, user) -> str:
    """Give an AppTest a real staff session of ``user`` (AppTest cannot send the browser's
    HttpOnly cookie, so the token goes where dashboard/state.py looks for a test's token)."""
    from dashboard.state import TEST_TOKEN_KEY
    from pricewatch import sessions
    from pricewatch.store import open_store

    token = sessions.start(open_store(os.environ["PRICEWATCH_DB"]), user)
    at.session_state[TEST_TOKEN_KEY] = token
    return token


def open_page(page: str, user=None, *, timeout: float = 60):
    """An AppTest of the app, signed in as ``user`` (None: the public), run on ``page``
    ("app_pages/release.py"). The caller asserts on ``at.exception`` where it expects none."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    if user is not None:
        sign_in(at, user)
    at.run()
    at.switch_page(page)
    at.run()
    return at


class Clock:
    """A clock a test sets by hand (``clock.t = ...``); call it for the time."""

    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


def free_port() -> int:
    """A free TCP port on 127.0.0.1 for a server a test starts.

    Not the OS's pick (bind to port 0): that port is free again once the probe closes, so
    two pytest-xdist workers starting servers at the same moment can both be handed it; one
    server then fails to bind while the other worker's answers its health check. Each
    worker draws from a block of its own below Linux's ephemeral range (32768-60999).
    """
    import random
    import socket

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    n = int(worker[2:]) if worker[:2] == "gw" and worker[2:].isdigit() else 0
    low = 20_000 + (n % 12) * 1_000
    for _ in range(500):
        port = random.randrange(low, low + 1_000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:  # in use, or still in TIME_WAIT from an earlier server
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{low + 999}")


def start_streamlit(env_extra: dict[str, str], timeout: float = 60.0, script: str = "server.py",
                    base_path: str = ""):
    """Start the dashboard (dashboard/<script>: the served entry point with its login and
    file routes by default) on a free port; returns (process, base_url).

    The server's own URL is its public base URL (so QR codes and feed links point at it),
    and the file watcher is off (no "file changed" bar in screenshots). ``base_path`` serves
    it under a path (``app``: http://127.0.0.1:<port>/app, as behind the deploy's nginx).
    Caller terminates it (or use :func:`running_app`, which does).
    """
    import sys
    import time
    import urllib.request

    port = free_port()
    url = f"http://127.0.0.1:{port}" + (f"/{base_path.strip('/')}" if base_path else "")
    env = {**os.environ, "PRICEWATCH_PUBLIC_URL": url, **env_extra,
           "STREAMLIT_SERVER_PORT": str(port), "STREAMLIT_SERVER_HEADLESS": "true",
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}
    if base_path:
        env["STREAMLIT_SERVER_BASE_URL_PATH"] = base_path.strip("/")
    # stderr to a file, not a pipe: a long run's log must never fill a pipe nobody reads
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / script)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:  # a server that exited (port taken) is not ours
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200 and proc.poll() is None:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop(proc)
    log.seek(0)
    raise RuntimeError("streamlit did not start: " + log.read().decode(errors="replace"))


@contextlib.contextmanager
def running_app(env_extra: dict[str, str], timeout: float = 60.0, script: str = "server.py",
                base_path: str = "") -> Iterator[str]:
    """The app started as by :func:`start_streamlit`; yields its base URL, stops it after."""
    proc, url = start_streamlit(env_extra, timeout=timeout, script=script, base_path=base_path)
    try:
        yield url
    finally:
        stop(proc)


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """End a server the tests or benchmarks started: ask it to stop, kill it when it has
    not within ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def app_env(db: Path | str, notes_dir: Path | str, **extra: str) -> dict[str, str]:
    """The environment that points the app at a database and a notes folder."""
    return {"PRICEWATCH_DB": str(db), "PRICEWATCH_NOTES_DIR": str(notes_dir), **extra}


# -- chromium -----------------------------------------------------------------------------
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
#: the two widths every page is looked at in
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def chromium_or_skip() -> str:
    """Path of Debian's chromium; skip where it is absent, but never in CI."""
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); browser test skipped")
    return path


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright browser on Debian's chromium (the test skips where it is absent)."""
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def browser_on_app(env_extra: dict[str, str], script: str = "server.py") -> Iterator[tuple[Any, str]]:
    """(browser, base URL): chromium on the app started with ``env_extra``; both stopped after.

    Skips before starting anything where chromium is absent.
    """
    chromium_or_skip()
    with running_app(env_extra, script=script) as url, chromium() as browser:
        yield browser, url


def in_each_viewport(browser: Any, url: str) -> Iterator[tuple[str, Any]]:
    """(name, page) for each of :data:`VIEWPORTS`, the page opened at ``url`` and closed after
    (a failed assertion leaves it to the browser's close)."""
    for name, (w, h) in VIEWPORTS.items():
        page = browser.new_page(viewport={"width": w, "height": h})
        page.goto(url, wait_until="networkidle")
        yield name, page
        page.close()


#: the app's frame once its script run has finished and its elements are on the page
#: (Streamlit's frontend keeps these two attributes on stApp; its own browser tests wait on them)
APP_IDLE = ("[data-testid='stApp'][data-test-connection-state='CONNECTED']"
            "[data-test-script-state='notRunning']")


def wait_for_run(page: Any, *, timeout: float = 60_000, grace: float = 100) -> None:
    """Wait until the app's current script run has finished (a condition, not a fixed sleep).

    A run that a click or key press has only just asked for starts when the server answers,
    so the state may still read "not running" for a moment: ``grace`` ms are waited first,
    and callers wait for something the run shows (a heading, a message) where there is one.
    """
    if grace:
        page.wait_for_timeout(grace)
    page.wait_for_selector(APP_IDLE, timeout=timeout)
    page.wait_for_timeout(50)  # the last delta's elements are drawn in the next frame


def assert_no_sideways_scroll(page: Any, name: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: page scrolls sideways by {overflow}px"


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
