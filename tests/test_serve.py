"""``make run`` = ``python -m pricewatch serve``: the app and the scheduler in one command;
SIGINT (Ctrl-C) stops both, and the scheduler builds the static site meanwhile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.fixtures import public_dashboard as fx
from tests.helpers import ROOT, free_port


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


@pytest.mark.slow
def test_serve_runs_app_and_scheduler_and_stops_both(tmp_path, public_template):
    db, notes = fx.copy(public_template, tmp_path)
    port = free_port()
    env = dict(os.environ, PRICEWATCH_DB=str(db), PRICEWATCH_NOTES_DIR=str(notes),
               PRICEWATCH_SITE_DIR=str(tmp_path / "site"), PRICEWATCH_PUBLIC_URL=f"http://127.0.0.1:{port}")
    env.pop("PRICEWATCH_CONFIG", None)
    proc = subprocess.Popen([sys.executable, "-m", "pricewatch", "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        up = built = False
        while time.monotonic() < deadline and not (up and built):
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    up = r.status == 200
            except OSError:
                pass
            built = (tmp_path / "site" / "current" / "index.html").is_file()
            time.sleep(0.5)
        assert up, "the app did not answer"
        assert built, "the scheduler did not build the site"
        kids = _children(proc.pid)
        assert len(kids) == 2
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        for k in kids:  # both children are gone
            with pytest.raises(ProcessLookupError):
                os.kill(k, 0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
