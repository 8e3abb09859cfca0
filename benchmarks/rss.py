"""The dashboard process's peak resident memory while real browsers use it.

``streamlit run dashboard/app.py`` is started against the benchmark database; headless
Chromium (Playwright, Debian's /usr/bin/chromium) opens ``sessions`` browser contexts, each
loading the home page and the trend page of several commodities over all history, one also
by market. Peak memory is the server process's ``VmHWM`` from /proc/<pid>/status (the
high-water mark of its resident set), read after the visits.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from . import synth
from .harness import ROOT, Result, vm_hwm_mb

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(db: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "PRICEWATCH_DB": str(db), "STREAMLIT_SERVER_PORT": str(port),
           "STREAMLIT_SERVER_HEADLESS": "true", "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py")],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not start")


def measure(db: Path, size: synth.Size, sessions: int = 4, log=print) -> list[Result]:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return [Result("rss", "dashboard peak RSS", size.name, None, "MB", note="chromium not installed")]
    from playwright.sync_api import sync_playwright

    names = synth.commodity_names(size)
    picks = [names[i] for i in (0, len(names) // 3, len(names) // 2, len(names) - 1)]
    proc, url = start(db)
    base_mb = vm_hwm_mb(proc.pid)
    views = 0
    t0 = time.perf_counter()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
            for k in range(sessions):
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                page = ctx.new_page()
                page.goto(url + "/", wait_until="domcontentloaded")
                page.get_by_text("本周价格").first.wait_for(timeout=180_000)
                page.wait_for_timeout(1500)
                views += 1
                for c in picks:
                    q = urllib.parse.urlencode({"commodity": c, "range": "all",
                                                "view": "markets" if k == 0 else "avg"})
                    page.goto(f"{url}/trend?{q}", wait_until="domcontentloaded")
                    page.get_by_text("商品走势").first.wait_for(timeout=180_000)
                    page.wait_for_timeout(1000)
                    views += 1
                ctx.close()
            browser.close()
        peak = vm_hwm_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    secs = time.perf_counter() - t0
    return [Result("rss", "dashboard process peak RSS (VmHWM)", size.name, peak, "MB", 1,
                   target=("<", 1024.0), ref=base_mb, ref_label="after start-up",
                   note=f"{sessions} browser sessions, {views} page views in {secs:.0f} s")]
