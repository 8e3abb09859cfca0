"""The six public pages in AppTest: query parameters drive the view, only released data and
published notes appear (a pending price and unpublished note titles are planted and must
never show), links and QR codes encode the view, downloads neutralise formulas.

The database (tests/fixtures/public_dashboard.py): 大米, 猪肉(五花), 鸡蛋 in three markets
(price factors 1.00, 0.98, 1.08), constant from 2024-W01; in 2025-W10, the newest released
week, 大米 is flat, 猪肉(五花) +10%, 鸡蛋 -5%. 2025-W11 (all prices 987.65) and a correction
of a released price to 876.54 are uploaded but not released.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import public_dashboard as fx
from tests.helpers import APP

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("home", "trend", "markets", "indices", "notes", "download")


@pytest.fixture(scope="module")
def public_env(tmp_path_factory: pytest.TempPathFactory, public_template) -> tuple[Path, Path]:
    return fx.copy(public_template, tmp_path_factory.mktemp("public"))


@pytest.fixture
def env(public_env: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    db, notes = public_env
    monkeypatch.setenv("PRICEWATCH_DB", str(db))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(notes))
    monkeypatch.setenv("PRICEWATCH_PUBLIC_URL", "https://prices.example.gov.cn")
    return public_env


def run(page: str = "home", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "home":
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, at.exception
    return at


def everything(at: AppTest) -> str:
    """All text a page shows, its tables, its charts' data and its HTML, as one string."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning",
                 "error", "success", "code", "metric", "text"):
        for e in getattr(at, kind, []):
            parts.append(str(getattr(e, "value", "")) + str(getattr(e, "label", "")))
    parts += [df.value.to_string() for df in at.dataframe]
    for kind in ("plotly_chart", "html", "page_link", "download_button"):
        parts += [str(e.proto) for e in at.get(kind)]
    parts += [str(s.value) for s in at.selectbox] + [str(s.options) for s in at.selectbox]
    return "\n".join(parts)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def values(arr: list | dict) -> list:
    """A trace's x or y: plotly sends numbers as typed arrays ({"dtype", "bdata"} base64)."""
    if isinstance(arr, dict) and "bdata" in arr:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=np.dtype(arr["dtype"])).tolist()
    return list(arr)


# -- invariant 1 on every page ---------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_no_pending_price_or_unpublished_note_on_any_page(env, page: str) -> None:
    at = run(page)
    text = everything(at)
    for secret in (*fx.PENDING_PRICES, *fx.SECRET_TITLES, "2025-03-10", "2025年第11周"):
        assert secret not in text, f"{secret} leaked on {page}"


def test_public_pages_never_ask_for_the_staff_view() -> None:
    for page in PAGES:
        src = (ROOT / "dashboard" / "app_pages" / f"{page}.py").read_text(encoding="utf-8")
        assert "public=False" not in src and "obs_staff" not in src and '"staff"' not in src


# -- home ------------------------------------------------------------------------------------
def test_home_headline_board_alerts_and_notes(env) -> None:
    at = run()
    text = everything(at)
    assert "2025年第10周" in text
    # 大米 flat (0.0%), 猪肉(五花) and 鸡蛋 move: 猪肉 94.24/85.68 - 1 = +10.0%, 鸡蛋 -5.0%
    assert "本周监测3种商品，1种上涨、1种下降、1种持平" in text
    # the overall change, base 2024-W01 (prices constant until W10, so P_base = P_W09), catalog
    # weights 大米 3, 猪肉(五花) 4, 鸡蛋 4: (3 x 1 + 4 x 94.24/85.68 + 4 x 29.07/30.60) / 11 - 1
    # = 11.1996264 / 11 - 1 = +1.81 % -> 1.8 %; the index 100 x 11.1996264 / 11 = 101.81 -> 101.8
    assert "总体价格环比上涨1.8%（总体价格指数101.8，以2024年第1周为100）" in text
    # alerts in plain words, the level in words on a coloured badge, a link to the trend:
    # 猪肉 +10% is 价格异常波动 (a rise above 5 % in meat); 鸡蛋 -5.0% reaches 肉禽蛋's own 5 % line
    alerts = [re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown if "-badge[" in m.value]
    assert alerts == [
        ":yellow-badge[黄色预警] 猪肉(五花)价格环比上涨10.0%，超过5%的价格异常波动标准（黄色预警） "
        f"[走势 →](./trend?commodity={quote('猪肉(五花)')})",
        ":yellow-badge[黄色预警] 鸡蛋价格环比下降5.0%，达到5%的预警线（黄色预警） "
        f"[走势 →](./trend?commodity={quote('鸡蛋')})"]
    assert "ALPS" not in text and "危机" not in text
    boards = pd.concat([df.value for df in at.dataframe])
    pork = boards[boards["商品"].str.endswith("猪肉(五花)")].iloc[0]
    # 30.80 + 30.18 + 33.26 = 94.24 -> /3 = 31.4133 -> 31.41
    assert pork["价格"] == pytest.approx(31.41, abs=0.005)
    assert pork["环比"] == "▲ 10.0%" and pork["同比"] == "▲ 10.0%"
    rice = boards[boards["商品"].str.endswith("大米")].iloc[0]
    assert rice["环比"] == "持平"
    assert pork["商品"] == "./trend?commodity=猪肉(五花)"  # tap an item for its trend
    assert len(pork["近12周"]) == 12 and pork["近12周"][-1] == pytest.approx(31.41, abs=0.005)
    # the published note is listed, newest first
    links = [e.proto.label for e in at.get("page_link")]
    assert fx.PUBLISHED_TITLE in links and links.index(fx.PUBLISHED_TITLE) < links.index(fx.OLD_TITLE)


def test_home_in_english(env) -> None:
    at = run(lang="en")
    assert at.title[0].value == "This week's prices"
    assert "3 items monitored this week: 1 up, 1 down, 1 flat" in everything(at)
    assert "Overall prices up 1.8% on the previous week (overall index 101.8, 2024-W01 = 100)" in everything(at)
    first = next(m.value for m in at.markdown if "-badge[" in m.value)
    assert re.sub(r"\\(.)", r"\1", first).startswith(
        ":yellow-badge[yellow alert] Pork belly: +10.0% on the previous period, past the 5% line [trend →]")


# -- trend -----------------------------------------------------------------------------------
def test_trend_deep_link_opens_the_commodity_and_range(env) -> None:
    at = run("trend", commodity="鸡蛋", range="3m")
    assert at.selectbox(key="commodity").value == "鸡蛋"
    fig = figures(at)[0]
    avg = fig["data"][0]
    assert fig["layout"]["title"]["text"] == "鸡蛋"
    # 3 months back from 2025-03-03: the weeks after 2024-12-02, i.e. 2024-12-09 .. 2025-03-03
    assert avg["x"][0].startswith("2024-12-09") and avg["x"][-1].startswith("2025-03-03")
    assert len(avg["x"]) == 13
    # 鸡蛋 in 2025-W10: 9.50 + 9.31 + 10.26 = 29.07 -> 9.69
    assert values(avg["y"])[-1] == pytest.approx(9.69, abs=0.005)


def test_trend_marks_and_lists_the_published_notes_citing_it(env) -> None:
    at = run("trend", commodity="猪肉(五花)")
    fig = figures(at)[0]
    stars = trace(fig, "价格解读")
    assert stars["text"] == [fx.PUBLISHED_TITLE]
    assert stars["x"][0].startswith("2025-03-03")
    links = [e.proto.label for e in at.get("page_link")]
    assert fx.PUBLISHED_TITLE in links
    assert fx.OLD_TITLE not in links  # it cites 鸡蛋, not 猪肉


def test_trend_moving_average_and_last_year(env) -> None:
    at = run("trend", commodity="猪肉(五花)", range="1y")
    fig = figures(at)[0]
    ma = trace(fig, "4期移动平均")
    # the last 4 weeks: 28.56 three times and 31.4133 -> (85.68 + 31.4133) / 4 = 29.2733
    assert values(ma["y"])[-1] == pytest.approx(29.27, abs=0.01)
    last_year = trace(fig, "去年同期")
    # 2024-W10 was 28.56 (28.00, 27.44, 30.24)
    assert values(last_year["y"])[-1] == pytest.approx(28.56, abs=0.005)


def test_trend_by_market(env) -> None:
    at = run("trend", commodity="猪肉(五花)", view="markets")
    names = {t["name"] for t in figures(at)[0]["data"]}
    assert set(fx.MARKETS) <= names


# -- notes -----------------------------------------------------------------------------------
def test_notes_list_only_published_newest_first_and_filters(env) -> None:
    at = run("notes")
    links = [e.proto.label for e in at.get("page_link") if e.proto.label in
             (fx.PUBLISHED_TITLE, fx.OLD_TITLE)]
    assert links == [fx.PUBLISHED_TITLE, fx.OLD_TITLE]
    at = run("notes", commodity="鸡蛋")
    labels = [e.proto.label for e in at.get("page_link")]
    assert fx.OLD_TITLE in labels and fx.PUBLISHED_TITLE not in labels


def test_a_note_view_renders_markdown_safely_with_chart_and_attachment(env) -> None:
    at = run("notes", note="2025-w10-analysis")
    assert at.title[0].value == fx.PUBLISHED_TITLE
    html = next(e.proto.body for e in at.get("html") if "均价上涨" in e.proto.body)
    assert "<script" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # raw HTML shows as text
    assert 'href="https://example.gov.cn/n"' in html
    assert figures(at), "the cited commodity's chart is drawn"
    assert any("价格表.pdf" in e.proto.label for e in at.get("download_button"))


def test_an_unpublished_note_cannot_be_opened_by_its_id(env) -> None:
    at = run("notes", note="2025-w11-draft")
    assert fx.SECRET_TITLES[0] not in everything(at)
    assert at.warning and "没有找到" in at.warning[0].value


# -- download --------------------------------------------------------------------------------
def test_download_preview_follows_the_url(env) -> None:
    at = run("download", range="all", c="鸡蛋")
    head = at.dataframe[0].value
    assert set(head["商品"]) == {"鸡蛋"}
    assert str(head["日期"].min()).startswith("2024-01-01")
    # Chinese headers and values, no internal columns (upload_id, revision, released)
    assert list(head.columns) == ["日期", "市场", "商品", "分类", "单位", "价格", "价格类型"]
    assert set(head["价格类型"]) <= {"零售", "批发"}
    # 62 weeks x 3 markets of released 鸡蛋 rows
    assert "186" in everything(at)


def test_the_download_neutralises_formulas_and_keeps_numbers() -> None:
    """The page's files are pricewatch.export.render's: text that starts like a formula gets
    a ' prefix (pandas 3 text columns included), numbers stay numbers."""
    from openpyxl import load_workbook

    from pricewatch.export import render

    f = pd.DataFrame({"market": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@a", "\tb", "城关"],
                      "price": [1.5, 2.0, 3.0, 4.0, 5.0, -6.0]})
    rows = list(csv.reader(io.StringIO(render(f, "csv").decode("utf-8-sig"))))[1:]
    assert [r[0] for r in rows] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@a", "'\tb", "城关"]
    assert rows[-1][1] == "-6.0"
    ws = load_workbook(io.BytesIO(render(f, "xlsx"))).active
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("'=")
    assert ws["B7"].data_type == "n" and ws["B7"].value == -6.0


# -- links and QR codes ----------------------------------------------------------------------
def test_page_url_encodes_the_view() -> None:
    from dashboard.share import page_url

    url = page_url("https://p.example.cn/", "/trend", {"commodity": "猪肉(五花)", "range": "1y",
                                                       "view": None, "c": ["大米", "鸡蛋"]})
    # readable: Chinese and brackets as they are, URL syntax in a value escaped
    assert url == "https://p.example.cn/trend?commodity=猪肉(五花)&range=1y&c=大米&c=鸡蛋"
    odd = page_url("https://p.example.cn", "/trend", {"commodity": "a&b=c #1%", "x": "全角　空格"})
    assert odd == "https://p.example.cn/trend?commodity=a%26b%3Dc%20%231%25&x=全角%E3%80%80空格"
    assert page_url("https://p.example.cn", "/", {}) == "https://p.example.cn/"


def test_qr_code_decodes_to_the_url() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    from dashboard.share import page_url, qr_png

    url = page_url("https://p.example.cn", "trend", {"commodity": "猪肉(五花)"})
    got = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))
    assert [g.text for g in got] == [url]


def test_each_page_shows_the_qr_of_its_view(env) -> None:
    at = run("trend", commodity="鸡蛋", range="3m")
    codes = [e.value for e in at.code]
    assert "https://prices.example.gov.cn/trend?commodity=鸡蛋&range=3m&view=avg" in codes
    for page in PAGES:
        at = run(page)
        assert any(c.value.startswith("https://prices.example.gov.cn/") for c in at.code), page



def test_qr_points_at_the_app_url_when_the_app_lives_under_app(env, monkeypatch) -> None:
    # behind deploy/nginx the public base URL is the static site; the app's own pages are /app
    from dashboard.state import _settings

    monkeypatch.setenv("PRICEWATCH_APP_URL", "https://prices.example.gov.cn/app/")
    _settings.clear()  # settings are cached per process
    try:
        at = run("trend", commodity="鸡蛋", range="3m")
    finally:
        monkeypatch.delenv("PRICEWATCH_APP_URL")
        _settings.clear()
    assert "https://prices.example.gov.cn/app/trend?commodity=鸡蛋&range=3m&view=avg" in [
        e.value for e in at.code]

# -- markets and indices ---------------------------------------------------------------------
def test_markets_bars_for_the_latest_period_and_the_spread(env) -> None:
    at = run("markets", commodity="猪肉(五花)", range="3m")
    bars, spread = figures(at)[:2]
    # 2025-W10: 城关 28 x 1.10 = 30.80, 城南 x 0.98 -> 30.18, 惠民 x 1.08 -> 33.26 (lowest first)
    assert bars["data"][0]["y"] == ["城南农贸市场", "城关农贸市场", "惠民超市"]
    assert values(bars["data"][0]["x"]) == pytest.approx([30.18, 30.80, 33.26])
    hi, lo = trace(spread, "最高"), trace(spread, "最低")
    assert values(hi["y"])[-1] == pytest.approx(33.26) and values(lo["y"])[-1] == pytest.approx(30.18)
    assert len(values(hi["y"])) == 13
    assert values(trace(spread, "均价")["y"])[-1] == pytest.approx(31.41)
    table = at.dataframe[0].value
    # 惠民超市 sits 33.26 / 31.4133 - 1 = +5.9% above the average
    assert table.loc[table["市场"] == "惠民超市", "与均价差"].iloc[0] == "▲ 5.9%"


def test_markets_by_category(env) -> None:
    at = run("markets", by="category", category="肉禽蛋")
    table = at.dataframe[0].value
    assert list(table.index) == ["猪肉(五花)", "鸡蛋"]
    assert table.loc["鸡蛋", "城关农贸市场"] == pytest.approx(9.50)


def test_markets_by_outlet_type(env) -> None:
    at = run("markets", by="type")
    text = everything(at)
    # 惠民超市 (超市) against 城关 and 城南 (农贸市场): 1.08 / mean(1.00, 0.98) - 1 = +9.1 % or so
    assert "2025年第10周：3种商品超市与农贸市场均有报价，超市均价平均高于农贸市场9.1%" in text
    table = at.dataframe[0].value
    assert list(table["商品"]) == ["大米", "猪肉(五花)", "鸡蛋"] and all(v.startswith("▲") for v in table["价差"])


def test_indices_over_time_and_latest(env) -> None:
    at = run("indices", range="all")
    fig = figures(at)[0]
    meat = trace(fig, "肉禽蛋")
    # base 2024-W01 = 100; 2025-W10: weights 4 and 4 (catalog), 猪肉 31.4133 / 28.56 = 109.99,
    # 鸡蛋 9.69 / 10.20 = 95.0 -> (4 x 109.99 + 4 x 95.0) / 8 = 102.5
    assert values(meat["y"])[0] == pytest.approx(100.0)
    assert values(meat["y"])[-1] == pytest.approx(102.5)
    latest = at.dataframe[0].value.set_index("分类")
    assert latest.loc["肉禽蛋", "指数"] == pytest.approx(102.5)
    assert latest.loc["粮油", "环比"] == "持平"


def test_pages_switch_to_english(env) -> None:
    titles = {"trend": "Price trends", "markets": "Markets compared", "indices": "Category indices",
              "notes": "Price notes", "download": "Download data"}
    for page, title in titles.items():
        at = run(page, lang="en")
        assert at.title[0].value == title
        assert any("lang=en" in c.value for c in at.code), page  # the shared link keeps the language


@pytest.mark.parametrize("page, params", [
    ("trend", {"commodity": "<script>alert(1)</script>", "range": "10y", "view": "x"}),
    ("trend", {"commodity": "大白菜"}),  # in the catalog, but no released price
    ("notes", {"note": "../../etc/passwd"}),
    ("notes", {"commodity": "不存在", "period": "2099-W01"}),
    ("markets", {"by": "nonsense", "category": "=1+1"}),
    ("download", {"range": "forever", "c": "'; DROP TABLE observations; --"}),
])
def test_hostile_or_stale_query_parameters_fall_back_to_the_default_view(env, page: str, params) -> None:
    at = run(page, **params)  # run() asserts there is no exception
    assert at.title
    text = everything(at)
    for value in params.values():
        if len(value) > 3 and value != "大白菜":  # a real catalog name may appear
            assert value not in text, f"{value!r} echoed on {page}"


def test_the_trend_page_offers_only_commodities_with_released_prices(env) -> None:
    at = run("trend")
    assert at.selectbox(key="commodity").options == ["大米", "猪肉(五花)", "鸡蛋"]
    assert at.selectbox(key="commodity").value == "大米"


def test_every_page_copes_with_a_database_without_released_data(tmp_path, monkeypatch) -> None:
    from pricewatch.store import Store

    store = Store(tmp_path / "empty.duckdb")
    store.migrate()
    monkeypatch.setenv("PRICEWATCH_DB", str(store.path))
    monkeypatch.setenv("PRICEWATCH_NOTES_DIR", str(tmp_path / "no-notes"))
    for page in PAGES:
        at = run(page)
        assert at.title, page
        if page != "notes":
            assert any("还没有已发布的价格数据" in e.value for e in at.info), page


def test_unknown_commodity_in_the_link_says_so(env) -> None:
    at = run("trend", commodity="不存在的菜")
    warn = " ".join(w.value for w in at.warning)
    assert "没有找到商品「不存在的菜」" in warn and "大米" in warn
    assert at.selectbox(key="commodity").value == "大米"
    # a known one: no warning
    at = run("trend", commodity="鸡蛋")
    assert not any("没有找到商品" in w.value for w in at.warning)
    assert at.selectbox(key="commodity").value == "鸡蛋"
