"""Run deploy/nginx/pricewatch.conf for real, as an unprivileged process on loopback.

The site file is used as it is, with three substitutions: the listen address (a port of
ours on 127.0.0.1), the root (a built site) and the upstream port (a Streamlit app, when
one runs). It is wrapped in a minimal main config that keeps logs, the pid file and nginx's
temporary folders in a scratch directory. Used by tests/test_site_browser.py and
benchmarks/site_load.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import stop

ROOT = Path(__file__).resolve().parent.parent
SITE_CONF = ROOT / "deploy" / "nginx" / "pricewatch.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def site_conf(root: Path, port: int, app_port: int = 8501) -> str:
    text = SITE_CONF.read_text(encoding="utf-8")
    for old, new in (("listen 80;", f"listen 127.0.0.1:{port};"),
                     ("root /srv/pricewatch/site/current;", f"root {root};"),
                     ("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};")):
        assert old in text, f"deploy/nginx/pricewatch.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


def main_conf(work: Path, site: Path, workers: int = 1) -> str:
    temps = "".join(f"{k}_temp_path {work / k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # as root, nginx's workers would drop to nobody and could not read a private temp folder
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}daemon off;\nworker_processes {workers};\npid {work / 'nginx.pid'};\n"
            f"error_log {work / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
            "  access_log off;\n  sendfile on;\n  keepalive_requests 100000;\n"
            f"  {temps}  include {site};\n}}\n")


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {port}")


@contextlib.contextmanager
def serve(root: Path, port: int, work: Path, *, app_port: int = 8501, workers: int = 1) -> Iterator[str]:
    """nginx serving ``root`` at http://127.0.0.1:<port> (yields that base URL)."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
    work.mkdir(parents=True, exist_ok=True)
    site = work / "pricewatch.conf"
    site.write_text(site_conf(Path(root).resolve(), port, app_port), encoding="utf-8")
    conf = work / "nginx.conf"
    conf.write_text(main_conf(work, site, workers), encoding="utf-8")
    check = subprocess.run([binary, "-t", "-c", str(conf), "-p", str(work)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed: {check.stderr}")
    proc = subprocess.Popen([binary, "-c", str(conf), "-p", str(work)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc, timeout=10)
