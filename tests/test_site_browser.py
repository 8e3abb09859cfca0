"""The built static site, served by a real nginx with deploy/nginx/pricewatch.conf, walked
in Debian's chromium with JavaScript off, at phone (390x844) and desktop sizes, and once
with WeChat's user agent.

Every page: status 200, no sideways scrolling at 390 px, every link and button at least
44 px tall, every same-site link answers 200, the bytes of the first load (measured from
the responses: HTML, images; gzip as nginx sends it) under 300 KB, the QR code decodes to
the page's own URL. Downloads open with their types; internal endpoints are not served.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from pricewatch import site
from pricewatch.config import load_settings
from pricewatch.store import Store
from tests.fixtures import public_dashboard as fx
from tests.helpers import ROOT, app_env, chromium, chromium_or_skip, free_port, running_app

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
BUDGET = 300 * 1024
WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI "
             "Language/zh_CN")


def nginx_or_skip() -> None:
    from benchmarks.nginx import nginx_binary

    if nginx_binary() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is required in CI (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx); site browser test skipped")


@pytest.fixture(scope="module")
def served(tmp_path_factory, public_template) -> Iterator[tuple[str, Path]]:
    chromium_or_skip()
    nginx_or_skip()
    from benchmarks import nginx

    root = tmp_path_factory.mktemp("site_browser")
    db, notes = fx.copy(public_template, root)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    mp = pytest.MonkeyPatch()
    mp.setenv("PRICEWATCH_NOTES_DIR", str(notes))
    mp.delenv("PRICEWATCH_CONFIG", raising=False)
    try:
        built = site.build(Store(db), load_settings(db), root / "site", base_url=base)
        with nginx.serve(root / "site" / "current", port, root / "nginx", app_port=free_port()):
            yield base, built
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def browser(served):  # noqa: ANN001
    with chromium() as b:
        yield b


def _pages(built: Path) -> list[str]:
    """Site paths of every page (what the sitemap lists)."""
    out = []
    for p in sorted(built.rglob("*.html")):
        rel = str(p.relative_to(built))
        if rel.endswith(".article.html") or rel.startswith("share/"):
            continue
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


def _decode_qr(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_phone_and_desktop(served, browser, size):
    base, built = served
    w, h = SIZES[size]
    ctx = browser.new_context(viewport={"width": w, "height": h}, java_script_enabled=False,
                              device_scale_factor=1)
    page = ctx.new_page()
    finished: list = []
    page.on("requestfinished", lambda r: finished.append(r))
    ARTIFACTS.mkdir(exist_ok=True)
    paths = _pages(built)
    assert len(paths) >= 20
    links: set[str] = set()
    for path in paths:
        finished.clear()
        url = f"{base}/{path}"
        resp = page.goto(url)
        assert resp is not None and resp.status == 200, url
        page.wait_for_load_state("load")
        # bytes on the wire (gzip as nginx sends it) of the page and everything it loaded
        total = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished)
        assert 0 < total < BUDGET, f"{path}: first load {total} bytes"
        assert page.evaluate("document.documentElement.scrollWidth") <= w, f"{path} scrolls sideways"
        if size == "phone":
            small = page.evaluate("""() => [...document.querySelectorAll('a, button')]
                .filter(e => !e.closest('.note') && e.offsetParent !== null)
                .map(e => [e.textContent.trim(), e.getBoundingClientRect().height])
                .filter(([t, h]) => h < 44)""")
            assert small == [], f"{path}: tap targets under 44 px: {small[:5]}"
        # the QR code: decoded from what the browser drew, it names this page
        qr = page.locator(".qr svg").screenshot()
        assert _decode_qr(qr) == [unquote(page.url)], path
        for href in page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)"):
            if urlsplit(href).netloc == urlsplit(base).netloc:
                links.add(href.split("#")[0])
        if path in ("", "c/猪肉(五花).html", "notes/2025-w10-analysis.html", "en/", "markets.html"):
            name = (path.replace("/", "_").replace(".html", "") or "home")
            page.screenshot(path=str(ARTIFACTS / f"site-{name}-{size}.png"), full_page=True)
    # every same-site link answers (pages, downloads, attachments, feed, share images)
    for href in sorted(links):
        r = page.request.get(href)
        assert r.status == 200, href
    ctx.close()


def test_downloads_open_with_their_types(served, browser):
    base, _built = served
    ctx = browser.new_context(java_script_enabled=False)
    req = ctx.request
    kinds = {"csv": "text/csv", "xlsx": "spreadsheetml", "json": "application/json"}
    for stem in ("prices-all", "prices-latest"):
        for fmt, kind in kinds.items():
            r = req.get(f"{base}/data/{stem}.{fmt}")
            assert r.status == 200 and kind in r.headers["content-type"], (stem, fmt)
            assert "max-age=3600" in r.headers["cache-control"]
            body = r.body()
            assert not any(bad.encode() in body for bad in fx.PENDING_PRICES)
    feed = req.get(f"{base}/feed.xml")
    assert feed.status == 200 and "atom" in feed.headers["content-type"]
    page = req.get(f"{base}/", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip" and "max-age=300" in page.headers["cache-control"]
    # not for the public: the build record, Streamlit's internal endpoints
    for path in ("/build.json", "/_stcore/metrics", "/app/_stcore/metrics"):
        assert req.get(f"{base}{path}").status == 404, path
    ctx.close()


def test_readable_in_wechat(served, browser):
    base, _built = served
    ctx = browser.new_context(user_agent=WECHAT_UA, viewport={"width": 390, "height": 844},
                              device_scale_factor=2, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path, expect in (("/", "本周监测3种商品"), ("/c/猪肉(五花).html", "31.41"),
                         ("/notes/2025-w10-analysis.html", fx.PUBLISHED_TITLE)):
        r = page.goto(urljoin(base, path))
        assert r is not None and r.status == 200
        assert page.evaluate("navigator.userAgent").endswith("Language/zh_CN")
        assert expect in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # the text is large enough to read without zooming
        px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p, main li, main td')).fontSize)")
        assert px >= 14
    page.goto(f"{base}/notes/2025-w10-analysis.html")
    page.screenshot(path=str(ARTIFACTS / "site-wechat-note.png"), full_page=True)
    assert errors == []
    ctx.close()


def test_staff_app_connects_behind_nginx_at_app(tmp_path, browser, monkeypatch, public_template):
    """The deploy config proxies the Streamlit app at /app/: its page must connect (it pings
    health and host-config first) and render, and its metrics stay hidden."""
    import urllib.request

    from benchmarks import nginx

    db, notes = fx.copy(public_template, tmp_path)
    monkeypatch.delenv("PRICEWATCH_CONFIG", raising=False)
    with running_app(app_env(db, notes), base_path="app") as app_url:
        app_port = urlsplit(app_url).port
        with nginx.serve(tmp_path / "empty-site", free_port(), tmp_path / "nginx", app_port=app_port) as base:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            page.goto(f"{base}/app/", wait_until="domcontentloaded")
            # the app's own content arrives over the websocket only once it connected
            page.wait_for_selector("[data-testid='stSidebar']", timeout=60000)
            heading = page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60000)
            assert heading.inner_text().endswith("价格")
            ctx.close()
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(f"{base}/app/_stcore/metrics", timeout=5)
            assert e.value.code == 404
