"""The dashboard process's peak resident memory while real browsers use it.

``streamlit run dashboard/app.py`` is started against the benchmark database; headless
Chromium (Playwright, Debian's /usr/bin/chromium) opens ``sessions`` browser contexts, each
loading the home page and the trend page of several commodities over all history, one also
by market. Peak memory is the server process's ``VmHWM`` from /proc/<pid>/status (the
high-water mark of its resident set), read after the visits.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.helpers import BROWSER_ARGS, start_streamlit, stop

from . import synth
from .harness import ROOT, Result, vm_hwm_mb


def start(db: Path) -> tuple[subprocess.Popen, str]:
    """The dashboard (dashboard/app.py) on ``db``, started as every browser test starts it."""
    return start_streamlit({"PRICEWATCH_DB": str(db), "PYTHONPATH": str(ROOT)}, timeout=90, script="app.py")


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
        stop(proc)
    secs = time.perf_counter() - t0
    return [Result("rss", "dashboard process peak RSS (VmHWM)", size.name, peak, "MB", 1,
                   target=("<", 1024.0), ref=base_mb, ref_label="after start-up",
                   note=f"{sessions} browser sessions, {views} page views in {secs:.0f} s")]
