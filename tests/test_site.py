"""The static public site (pricewatch.site): every file holds released data and published
notes only, figures are the indicators' own, links resolve, every page fits the budget,
builds swap atomically, the scheduler rebuilds after a publication; share cards and WeChat
articles."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from PIL import Image

from pricewatch import indicators, site
from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.errors import ConfigError
from pricewatch.notes import share
from pricewatch.notes.workflow import Notebook
from pricewatch.scheduler import Scheduler
from pricewatch.site import builder
from pricewatch.store import Store
from tests.fixtures import public_dashboard as fx

TZ = ZoneInfo("Asia/Shanghai")
BASE = "https://price.example.gov.cn"
PAGE_BUDGET = 300 * 1024
#: what must never reach a public file: pending prices, the pending week, unpublished notes
FORBIDDEN = (*fx.PENDING_PRICES, *fx.SECRET_TITLES, "2025-W11", "2025年第11周", "2025-03-10",
             "2025-w11-draft", "2025-w11-review", "草稿", "待审")


@pytest.fixture(scope="module")
def env(tmp_path_factory, public_template):
    root = tmp_path_factory.mktemp("site")
    db, notes = fx.copy(public_template, root)
    mp = pytest.MonkeyPatch()
    mp.setenv("PRICEWATCH_DB", str(db))
    mp.setenv("PRICEWATCH_NOTES_DIR", str(notes))
    mp.setenv("PRICEWATCH_SITE_DIR", str(root / "site"))
    mp.delenv("PRICEWATCH_CONFIG", raising=False)
    store = Store(db)
    built = site.build(store, load_settings(), root / "site", base_url=BASE)
    yield {"root": root, "store": store, "built": built, "out": root / "site"}
    mp.undo()


def _files(built: Path) -> list[Path]:
    return sorted(p for p in built.rglob("*") if p.is_file())


def _text_of(p: Path) -> str:
    """Everything a person could read in the file (xlsx cells, image metadata too)."""
    data = p.read_bytes()
    if p.suffix == ".gz":
        import gzip

        return gzip.decompress(data).decode("utf-8-sig")
    if p.suffix == ".xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
        with zipfile.ZipFile(io.BytesIO(data)) as z:  # and every XML part (titles, shared strings)
            cells += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        return "\n".join(cells)
    if p.suffix == ".png":
        img = Image.open(io.BytesIO(data))
        return json.dumps({k: str(v) for k, v in img.info.items()}, ensure_ascii=False)
    if p.suffix == ".pdf":
        return data.decode("latin-1")
    return data.decode("utf-8-sig")


def test_build_writes_every_public_page_in_both_languages(env):
    built, out = env["built"], env["out"]
    assert (out / "current").is_symlink() and (out / "current").resolve() == built.resolve()
    names = {str(p.relative_to(built)) for p in _files(built)}
    for lang in ("", "en/"):
        for page in ("index.html", "c/index.html", "c/大米.html", "c/猪肉(五花).html", "c/鸡蛋.html",
                     "markets.html", "indices.html", "notes/index.html", "downloads.html",
                     "notes/2025-w10-analysis.html", "notes/2024-w20-analysis.html"):
            assert lang + page in names
    for f in ("feed.xml", "sitemap.xml", "robots.txt", "build.json", "data/report-latest.json",
              "notes/2025-w10-analysis.files/价格表.pdf", "notes/2025-w10-analysis.png",
              "notes/2025-w10-analysis.article.html", "share/2025-W10.png", "share/2025-W10.html"):
        assert f in names
    for stem in builder.DOWNLOADS:
        for fmt in ("csv", "xlsx", "json"):
            assert f"data/{stem}.{fmt}" in names


def test_no_file_leaks_pending_data_or_unpublished_notes(env):
    files = _files(env["built"])
    assert len(files) > 30
    for p in files:
        text = _text_of(p)
        for bad in FORBIDDEN:
            assert bad not in text, f"{bad!r} in {p.relative_to(env['built'])}"
    # the share cards are drawn from the public report only (what they were made from)
    rep = indicators.report(env["store"], public=True)
    data = share.card_data(rep, load_settings(), BASE)
    assert "2025年第11周" not in data.period_zh
    assert all(m.price < 900 for m in data.rises + data.falls)
    with pytest.raises(ConfigError):
        share.card_data(indicators.report(env["store"], public=False), load_settings(), BASE)


def test_figures_are_the_indicators_own(env):
    store, built = env["store"], env["built"]
    rep = indicators.report(store, public=True)
    assert json.loads((built / "data/report-latest.json").read_text()) == json.loads(
        json.dumps(rep.to_json(), ensure_ascii=False, default=str))
    home = (built / "index.html").read_text()
    assert rep.headline("本周") in home  # 本周监测3种商品...
    # the basket's overall change beside it (hand-computed in tests/test_public_pages.py: +1.8 %)
    assert f"{rep.headline('本周')}；总体价格环比上涨1.8%" in home
    assert "Overall prices up 1.8% on the previous week" in (built / "en/index.html").read_text()
    board = indicators.board(store, public=True).set_index("commodity")
    pork = (built / "c/猪肉(五花).html").read_text()
    assert f"{board.loc['猪肉(五花)', 'price']:.2f}" in pork and "+10.0%" in pork
    assert "-5.0%" in (built / "c/鸡蛋.html").read_text()
    latest = (built / "data/prices-latest.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(latest) == 1 + 9 and all(line.startswith("2025-03-03") for line in latest[1:])
    full = json.loads((built / "data/prices-all.json").read_text())
    assert len(full) == 9 * 62 and max(r["日期"] for r in full) == "2025-03-03"
    assert latest[0].split(",") == ["日期", "市场", "商品", "分类", "单位", "价格", "价格类型"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])
        if a.get("src"):
            self.srcs.append(a["src"])


def test_compressed_copies_match(env):
    import gzip

    built = env["built"]
    for p in ("index.html", "feed.xml", "data/prices-all.csv", "en/markets.html"):
        assert gzip.decompress((built / f"{p}.gz").read_bytes()) == (built / p).read_bytes()


def _pages(built: Path) -> list[Path]:
    return [p for p in _files(built) if p.suffix == ".html" and not p.name.endswith(".article.html")
            and p.parent.name != "share"]


def test_every_link_resolves_and_every_page_fits_the_budget(env):
    built = env["built"]
    sizes = {}
    for page in _pages(built):
        parser = _Links()
        html = page.read_text()
        parser.feed(html)
        for href in parser.links:
            u = urlsplit(href)
            if u.scheme in ("http", "https", "mailto", "data"):
                continue  # absolute: the canonical URL, links inside note bodies
            target = (page.parent / unquote(u.path)).resolve()
            if unquote(u.path).endswith("/") or u.path in ("", "./"):
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(built)}: broken link {href}"
        # first load = the page and everything it pulls in (images; CSS and SVG are inline)
        extra = sum((page.parent / unquote(s)).stat().st_size for s in parser.srcs)
        sizes[str(page.relative_to(built))] = len(html.encode()) + extra
        assert "<script" not in html  # works without JavaScript: there is none
    assert max(sizes.values()) < PAGE_BUDGET, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]


def test_qr_code_and_canonical_url_name_the_page_readably(env):
    built = env["built"]
    pork = (built / "c/猪肉(五花).html").read_text()
    url = f"{BASE}/c/猪肉(五花).html"
    assert f'<link rel="canonical" href="{url}">' in pork
    assert f"<title>{url}</title>" in pork  # the QR code's own title: what it encodes
    assert "%E7" not in pork.split('class="qr"')[1]  # shown readable, not percent-encoded
    en_notes = (built / "en/notes/index.html").read_text()
    assert f"<title>{BASE}/en/notes/</title>" in en_notes
    feed = (built / "feed.xml").read_text()
    assert f"{BASE}/notes/2025-w10-analysis.html" in feed
    sitemap = (built / "sitemap.xml").read_text()
    assert f"{BASE}/c/%E7%8C%AA%E8%82%89(%E4%BA%94%E8%8A%B1).html" in sitemap
    assert sitemap.count("<loc>") == len(_pages(built))


def test_note_body_stays_sanitised(env):
    page = (env["built"] / "notes/2025-w10-analysis.html").read_text()
    assert "<script" not in page and not re.search(r'(href|src)="\s*javascript:', page)
    assert "&lt;script&gt;" in page  # the raw HTML of the note shows as text
    assert 'href="https://example.gov.cn/n"' in page


def test_rebuild_only_on_change_and_atomic_swap(env, tmp_path):
    store, settings = env["store"], load_settings()
    out = tmp_path / "site"
    first = site.build(store, settings, out, base_url=BASE)
    assert site.build_if_changed(store, settings, out, base_url=BASE) is None
    # another address is another site
    second = site.build_if_changed(store, settings, out, base_url="https://other.example.cn")
    assert second is not None and second != first
    assert (out / "current").resolve() == second.resolve()
    # four builds in all: the newest three are kept, the first is removed
    for _ in range(2):
        site.build(store, settings, out, base_url=BASE)
    kept = [p for p in (out / "builds").iterdir()]
    assert len(kept) == 3 and not any(p.name.startswith(".") for p in kept)
    assert not first.exists() and second.exists()


def test_a_failed_build_leaves_the_live_site_alone(env, tmp_path, monkeypatch):
    store, settings = env["store"], load_settings()
    out = tmp_path / "site"
    live = site.build(store, settings, out, base_url=BASE)

    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(builder.Site, "sitemap", boom)
    with pytest.raises(RuntimeError):
        site.build(store, settings, out, base_url=BASE)
    assert (out / "current").resolve() == live.resolve()
    assert [p for p in (out / "builds").iterdir()] == [live]


def test_bad_base_url_is_refused_in_chinese(env, tmp_path):
    from pricewatch.errors import InputError

    with pytest.raises(InputError, match="网站地址"):
        site.build(env["store"], load_settings(), tmp_path / "s", base_url="price.example")


def test_scheduler_publishes_then_rebuilds_the_site(notes_db, tmp_path):
    store = notes_db
    settings = load_settings()
    clock_t = [datetime(2024, 4, 30, 9, 0, tzinfo=TZ)]
    book = Notebook(store, settings, clock=lambda: clock_t[0])
    n = book.create(User("editor", "editor"), title="第17周价格简析", period="2024-W17",
                    body="猪肉(五花)均价29.13元/公斤,环比上涨2.0%。", commodities=["猪肉(五花)"])
    book.submit(User("editor", "editor"), n.id)
    book.approve(User("reviewer", "reviewer"), n.id, publish_at=clock_t[0] + timedelta(hours=1))
    out = tmp_path / "site"
    sched = Scheduler(store, settings, clock=lambda: clock_t[0], site_dir=out, base_url=BASE,
                      log=lambda _l: None)
    r = sched.tick()
    assert r.site is not None and r.published == []
    assert not (out / "current/notes" / f"{n.id}.html").exists()
    assert sched.tick().site is None  # nothing changed
    clock_t[0] += timedelta(hours=1, seconds=20)
    r = sched.tick()
    assert r.published == [n.id] and r.share_files == [n.id] and r.site is not None
    page = (out / "current/notes" / f"{n.id}.html").read_text()
    assert "第17周价格简析" in page
    assert n.id in (out / "current/feed.xml").read_text()
    kept = share.share_dir(settings, n.id)
    assert (kept / share.CARD_NAME).is_file() and (kept / share.ARTICLE_NAME).is_file()
    assert sched.tick().share_files == []  # once
    # a withdrawal takes the page down at the next run
    book.withdraw(User("reviewer", "reviewer"), n.id, "数据有误")
    assert sched.tick().site is not None
    assert not (out / "current/notes" / f"{n.id}.html").exists()
    # a release (2024-W18 was pending) shows on the home page at the next run
    from datetime import date

    from pricewatch import publish

    assert "2024年第18周" not in (out / "current/index.html").read_text()
    publish.release(store, User("reviewer", "reviewer"), through=date(2024, 5, 5))
    assert sched.tick().site is not None
    assert "2024年第18周" in (out / "current/index.html").read_text()


def test_share_card_and_wechat_article(env):
    store, settings = env["store"], load_settings()
    note = Notebook(store, settings).repo.get("2025-w10-analysis")
    files = share.note_files(store, settings, note, f"{BASE}/notes/{note.id}.html")
    img = Image.open(io.BytesIO(files[share.CARD_NAME]))
    assert img.width == 1080 and img.height > 1080
    import zxingcpp

    codes = zxingcpp.read_barcodes(img)
    assert [c.text for c in codes] == [f"{BASE}/notes/{note.id}.html"]
    article = files[share.ARTICLE_NAME].decode()
    assert "<style" not in article and "class=" not in article and "<script" not in article
    assert re.search(r'<h1 style="[^"]+">第10周猪肉价格明显上涨</h1>', article)
    assert not re.search(r'href="\s*javascript:', article)
    period = share.period_article(indicators.report(store, public=True), settings, BASE)
    assert re.search(r'<table style="[^"]*border-collapse', period)
    assert re.search(r'<td style="[^"]*border:1px solid', period)
    assert re.search(r'<h2 style="[^"]+">肉禽蛋</h2>', period)


def test_share_card_needs_the_font_and_says_so(monkeypatch):
    share.find_font.cache_clear()
    monkeypatch.setattr(share, "FONT_DIRS", ("/nonexistent",))
    try:
        with pytest.raises(ConfigError) as e:
            share.find_font()
        assert "fonts-noto-cjk" in e.value.hint
    finally:
        share.find_font.cache_clear()


def test_site_build_command(env, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "cli"
    args = [sys.executable, "-m", "pricewatch", "site", "build", "--out", str(out),
            "--base-url", BASE, "--json"]
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["pages"] > 20
    r = subprocess.run([*args, "--if-changed"], capture_output=True, text=True)
    assert json.loads(r.stdout)["built"] is None
    r = subprocess.run([*args[:-3], "--base-url", "ftp://x"], capture_output=True, text=True)
    assert r.returncode == 1 and "网站地址" in r.stderr
