"""Load on loopback: the static site against the Streamlit home page, behind the same nginx.

    python benchmarks/site_load.py --db data/pricewatch.duckdb [--connections 200] [--duration 30]

Builds the static site of the database (``pricewatch.site.build``), starts the Streamlit
app (``dashboard/server.py`` with ``--server.baseUrlPath app``, as deploy/systemd runs it)
and nginx with deploy/nginx/pricewatch.conf, then runs wrk against, one after the other:

* ``/``             the static home page (nginx, gzip),
* ``/c/<商品>.html`` a static commodity page,
* ``/app/``          the Streamlit home page through nginx's proxy.

Each run: ``--connections`` concurrent clients for ``--duration`` seconds, 2 threads.
Prints requests/s, p50 and p95 latency and errors (socket errors + non-2xx answers) as a
table (and JSON with ``--json``). Bounded: every run stops after its duration; the servers
are stopped at the end. What a Streamlit page costs beyond its HTML shell (a websocket and
a script run per visitor) is not in these numbers: see ``rss`` and ``pages`` in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import nginx  # noqa: E402
from tests.helpers import free_port, running_app  # noqa: E402

LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, '
    .. '"p99_ms": %.2f, "socket_errors": %d, "non_2xx": %d, "bytes": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect + e.read + e.write + e.timeout, e.status, summary.bytes))
end
"""


def wait_http(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def wrk(url: str, connections: int, duration: int, script: Path) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
           "-H", "Accept-Encoding: gzip", "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    line = [x for x in out.stdout.splitlines() if x.startswith("{")]
    if out.returncode != 0 or not line:
        raise RuntimeError(f"wrk failed: {out.stderr or out.stdout}")
    r = json.loads(line[-1])
    r["rps"] = r["requests"] / r["seconds"] if r["seconds"] else 0.0
    r["errors"] = r["socket_errors"] + r["non_2xx"]
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="a database with released data (e.g. the demo)")
    ap.add_argument("--notes", help="notes folder (default: PRICEWATCH_NOTES_DIR or interpretations/)")
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if shutil.which("wrk") is None or nginx.nginx_binary() is None:
        print("needs wrk and nginx (apt-get install wrk nginx)", file=sys.stderr)
        return 2
    from pricewatch import site
    from pricewatch.config import load_settings
    from pricewatch.store import Store

    env = {"PRICEWATCH_DB": str(Path(args.db).resolve())}
    if args.notes:
        env["PRICEWATCH_NOTES_DIR"] = str(Path(args.notes).resolve())
        os.environ["PRICEWATCH_NOTES_DIR"] = env["PRICEWATCH_NOTES_DIR"]
    work = Path(tempfile.mkdtemp(prefix="pw_site_load_"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = load_settings(args.db)
    store = Store(args.db)
    built = site.build(store, settings, work / "site", base_url=base)
    meta = site.current_meta(work / "site")
    first = next(iter(json.loads((built / "data/report-latest.json").read_text())["items"]))["commodity"]
    script = work / "report.lua"
    script.write_text(LUA)
    results = {}
    try:
        with (running_app(env, timeout=90, base_path="app") as app_url,
              nginx.serve(work / "site" / "current", port, work / "nginx",
                          app_port=urlsplit(app_url).port, workers=1)):
            targets = {"static home (/)": f"{base}/",
                       "static commodity page": f"{base}/c/{quote(site.file_name(first))}.html",
                       "Streamlit home (/app/)": f"{base}/app/"}
            for name, url in targets.items():
                wait_http(url)
                print(f"wrk {args.connections} connections, {args.duration} s: {url}", file=sys.stderr)
                results[name] = wrk(url, args.connections, args.duration, script)
                time.sleep(2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"pages": meta.get("pages"), "results": results}, ensure_ascii=False, indent=1))
        return 0
    print(f"\n{args.connections} concurrent clients, {args.duration} s each, loopback, nginx 1 worker, "
          f"site of {meta.get('pages')} pages\n")
    print("| target | requests/s | p50 ms | p95 ms | p99 ms | errors | requests |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
              f"| {r['errors']} | {r['requests']:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
