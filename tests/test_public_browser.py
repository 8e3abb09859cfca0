"""The public pages in a real browser (Debian chromium through Playwright).

One Streamlit server for the module, on a free port, against the database of
tests/fixtures/public_dashboard.py (a pending upload with the price 987.65 and unpublished
notes planted). Checks: every page at desktop and phone width (screenshots saved under
test-artifacts/, no exception, no sideways scrolling at 390 px); a deep link opens the
right commodity; the QR code decodes to the page's URL; the first row of the download
matches the board; the planted pending price and unpublished titles appear in no page's
text, no chart's data and no download.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import public_dashboard as fx
from tests.helpers import ROOT, app_env, chromium, chromium_or_skip, running_app

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
PAGES = {"home": ("/", "本周价格"), "trend": ("/trend", "商品走势"), "markets": ("/markets", "市场对比"),
         "indices": ("/indices", "分类指数"), "notes": ("/notes", "价格解读"),
         "download": ("/download", "数据下载")}
SECRETS = (*fx.PENDING_PRICES, *fx.SECRET_TITLES)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, public_template) -> Iterator[tuple[str, Path, Path]]:
    chromium_or_skip()
    db, notes = fx.copy(public_template, tmp_path_factory.mktemp("public_browser"))
    with running_app(app_env(db, notes)) as url:
        yield url, db, notes


@pytest.fixture(scope="module")
def browser(server):  # noqa: ANN001 - playwright types are optional here
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def tabs(browser):  # noqa: ANN001, ANN201
    """One tab per screen size, reused: the app's scripts stay in the browser cache."""
    out = {}
    for size, (w, h) in SIZES.items():
        ctx = browser.new_context(viewport={"width": w, "height": h}, accept_downloads=True)
        out[size] = ctx.new_page()
    yield out
    for page in out.values():
        page.context.close()


def open_page(tabs, url: str, heading: str, size: str = "desktop"):  # noqa: ANN001, ANN201
    page = tabs[size]
    page.goto(url, wait_until="load")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60000)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=60000)
    if page.locator("[data-testid='stPlotlyChart']").count():
        page.locator(".js-plotly-plot").first.wait_for(timeout=30000)
    page.wait_for_timeout(300)
    exc = page.locator("[data-testid='stException']")
    assert exc.count() == 0, exc.first.inner_text()
    return page


def shoot(page, path: Path) -> None:  # noqa: ANN001
    """A screenshot of the whole page. Streamlit scrolls inside its main container, so a
    full-page screenshot would stop at the viewport: grow the viewport to the content's
    height for the shot (same width), then put it back."""
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('[data-testid=stMain], body'))"
        ".map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12000)})
    page.wait_for_timeout(400)  # charts re-layout to the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def chart_data(page) -> str:  # noqa: ANN001
    """Every Plotly chart's data on the page, as JSON text (``_fullData`` holds the decoded
    arrays; ``data`` may still hold the base64 typed arrays plotly.py sends)."""
    return page.evaluate(
        "() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot')).map("
        "e => (e._fullData || e.data || []).map(t => ({name: t.name, text: t.text,"
        " x: Array.from(t.x || []), y: Array.from(t.y || [])}))))")


def test_every_page_at_desktop_and_phone_width_without_leaks(server, tabs) -> None:
    url = server[0]
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (path, heading) in PAGES.items():
        page = open_page(tabs, url + path, heading, "desktop")
        # the public never sees Streamlit's deploy button (client.toolbarMode = "viewer")
        assert page.locator("[data-testid='stAppDeployButton']").count() == 0
        text = page.inner_text("body") + chart_data(page)
        for secret in SECRETS:
            assert secret not in text, f"{secret} leaked on {name}"
        shoot(page, ARTIFACTS / f"public-{name}-desktop.png")
        # the same page narrowed to a phone: the layout is CSS, so a resize re-flows it
        page.set_viewport_size({"width": SIZES["phone"][0], "height": SIZES["phone"][1]})
        page.wait_for_timeout(700)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the phone view scrolls sideways by {overflow}px"
        shoot(page, ARTIFACTS / f"public-{name}-phone.png")
        page.set_viewport_size({"width": SIZES["desktop"][0], "height": SIZES["desktop"][1]})


def test_deep_link_opens_the_commodity_with_its_notes(server, tabs) -> None:
    url = server[0]
    page = open_page(tabs, url + "/trend?commodity=猪肉(五花)&range=3m", "商品走势", "phone")
    assert page.locator("[data-testid='stSelectbox'] input").first.input_value() == "猪肉(五花)"
    page.locator(".js-plotly-plot").first.wait_for()
    charts = json.loads(chart_data(page))
    traces = {t["name"]: t for t in charts[0]}
    assert traces["价格解读"]["text"] == [fx.PUBLISHED_TITLE]  # the hover shows the title
    # 3 months: 13 weekly points, the last one 2025-W10 at 31.41
    assert len(traces["均价"]["y"]) == 13 and traces["均价"]["y"][-1] == pytest.approx(31.41)
    assert page.get_by_text(fx.PUBLISHED_TITLE).count() >= 1  # listed below the chart too
    shoot(page, ARTIFACTS / "public-trend-deeplink-phone.png")


def test_qr_code_decodes_to_the_page_url(server, tabs) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    from dashboard.share import page_url

    url = server[0]
    page = open_page(tabs, url + "/trend?commodity=鸡蛋&range=3m", "商品走势")
    img = page.locator("[data-testid='stExpander'] img").first  # the 手机扫码查看 box is open
    img.wait_for()
    page.wait_for_timeout(300)
    got = zxingcpp.read_barcodes(Image.open(io.BytesIO(img.screenshot())))
    want = page_url(url, "/trend", {"commodity": "鸡蛋", "range": "3m", "view": "avg"})
    assert [g.text for g in got] == [want]
    # and that URL, opened, shows the same view
    page.goto(want, wait_until="networkidle")
    page.get_by_role("heading", name="商品走势").wait_for()
    assert page.locator("[data-testid='stSelectbox'] input").first.input_value() == "鸡蛋"


def _download(page, label: str) -> bytes:  # noqa: ANN001
    with page.expect_download() as d:
        page.get_by_role("button", name=label).click()
    data = Path(d.value.path()).read_bytes()
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=60000)
    return data


def test_download_first_row_matches_the_board_and_holds_only_released_data(
        server, tabs, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook
    from streamlit.testing.v1 import AppTest

    url, db, notes = server
    # the board as the home page builds it (the browser draws the grid on a canvas)
    monkeypatch.setenv("PRICEWATCH_DB", str(db))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(notes))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    first = at.dataframe[0].value.iloc[0]
    name = first["商品"].split("commodity=", 1)[1]
    board_price = float(first["价格"])

    page = open_page(tabs, url + "/download?range=latest", "数据下载")
    rows = list(csv.DictReader(io.StringIO(_download(page, "下载 CSV").decode("utf-8-sig"))))
    # the public file speaks Chinese and has no internal columns
    assert list(rows[0]) == ["日期", "市场", "商品", "分类", "单位", "价格", "价格类型"]
    assert rows[0]["商品"] == name and rows[0]["日期"] == fx.LAST.isoformat()
    same = [float(r["价格"]) for r in rows if r["商品"] == name]
    # the board's price is the mean over the markets of this commodity's rows, to 2 places:
    # 大米 6.00 + 5.88 + 6.48 = 18.36 -> 6.12
    assert len(same) == len(fx.MARKETS)
    assert round(sum(same) / len(same), 2) == pytest.approx(board_price)

    page = open_page(tabs, url + "/download?range=all", "数据下载")
    text = _download(page, "下载 CSV").decode("utf-8-sig")
    ws = load_workbook(io.BytesIO(_download(page, "下载 Excel")), read_only=True).active
    cells = [c for row in ws.iter_rows(min_row=2, values_only=True) for c in row]
    for secret in fx.PENDING_PRICES:
        assert secret not in text and float(secret) not in cells
    assert fx.PENDING_WEEK.isoformat() not in text
    # numbers stay numbers in the spreadsheet
    assert any(isinstance(c, float) for c in cells)
    assert len(text.strip().splitlines()) - 1 == 62 * 3 * 3  # 62 released weeks x 3 items x 3 markets
