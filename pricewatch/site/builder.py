"""Write the whole public side as files (see :mod:`pricewatch.site` for the layout)."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

import pandas as pd

from .. import export as export_lib
from .. import indicators
from .. import names as names_lib
from .. import notes as notes_lib
from ..config import Settings
from ..errors import InputError, PricewatchError
from ..notes import share
from ..notes.feed import atom_feed
from ..notes.model import Note
from ..periods import FREQ_EN, parse_period
from ..store import Store, queries
from . import svg
from .html import LANGS, Page, page, pct, price, readable, t

#: bumped when the site's layout changes, so the scheduler rebuilds an old-layout site
LAYOUT_VERSION = 2  # 2: the headline names the period (本旬, 本月, 当日) and the overall change
KEEP_BUILDS = 3
DOWNLOADS = ("prices-all", "prices-latest")
_UNSAFE = re.compile(r'[\\/?#%*:|"<>\s\x00-\x1f]')


def file_name(commodity: str) -> str:
    """The commodity page's file name: the name itself, URL syntax characters replaced."""
    return _UNSAFE.sub("_", commodity).strip(".") or "_"


@dataclass
class Snapshot:
    """Everything the public may see, read once (released data, published notes)."""

    report: indicators.Report | None
    board: pd.DataFrame
    notes: list[Note]
    catalog: pd.DataFrame
    data_version: int
    generation: str
    trends: dict[str, pd.DataFrame] = field(default_factory=dict)
    markets: pd.DataFrame = field(default_factory=pd.DataFrame)
    indices: pd.DataFrame = field(default_factory=pd.DataFrame)


def read_snapshot(store: Store, settings: Settings, now: datetime | None = None) -> Snapshot:
    version, generation = store.version(), store.generation()
    rep = indicators.report(store, public=True, settings=settings)
    board = indicators.board(store, public=True) if rep is not None else pd.DataFrame()
    with store.read() as s:
        catalog = queries.catalog.commodities(s)
    snap = Snapshot(rep, board, notes_lib.list_published(settings, store, now=now), catalog,
                    version, generation)
    if rep is not None and not board.empty:
        for name in board["commodity"]:
            snap.trends[name] = indicators.trend(store, name, public=True)
        snap.markets = indicators.market_comparison(store, public=True)
        snap.indices = indicators.category_index_series(store, public=True)
    return snap


def fingerprint(snap: Snapshot, base_url: str, bureau: str) -> str:
    """Changes whenever the public would see something else: data, notes, address, layout."""
    notes = [(n.id, n.version, n.published_at.isoformat() if n.published_at else None,
              n.corrected_by) for n in snap.notes]
    key = json.dumps([LAYOUT_VERSION, snap.generation, snap.data_version, base_url, bureau, notes],
                     ensure_ascii=False, default=str)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


#: text files also written gzipped beside themselves (nginx ``gzip_static``: compressed once
#: at build time instead of on every request)
GZIP_SUFFIXES = (".html", ".xml", ".json", ".csv", ".txt")


class Writer:
    """Collects the files of one build in a fresh folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, int] = {}

    def put(self, rel: str, data: bytes | str) -> None:
        b = data.encode("utf-8") if isinstance(data, str) else data
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b)
        self.files[rel] = len(b)
        if rel.endswith(GZIP_SUFFIXES) and len(b) > 512:
            # mtime 0: the same content gives the same bytes
            p.with_name(p.name + ".gz").write_bytes(gzip.compress(b, 9, mtime=0))


# -- the pages ------------------------------------------------------------------------------
class Site:
    def __init__(self, snap: Snapshot, settings: Settings, base: str, w: Writer,
                 store: Store) -> None:
        self.snap, self.settings, self.base, self.w, self.store = snap, settings, base.rstrip("/"), w, store
        self.bureau = settings.bureau_name
        self.units = dict(zip(snap.catalog["name"], snap.catalog["unit"], strict=False))
        self.names = list(snap.board["commodity"]) if not snap.board.empty else []
        self.english = names_lib.load(store)
        self.pages: list[Page] = []

    def n(self, name: object, lang: str, kind: str | None = None) -> str:
        """A catalog name in ``lang`` (pricewatch.names: English where the catalog has it)."""
        return self.english.show(name, lang, kind)

    def link(self, p: Page, commodity: str) -> str:
        return _item_link(p, commodity, self.n(commodity, p.lang, "commodity"))

    def _named(self, a: dict[str, Any], lang: str) -> dict[str, Any]:
        """An alert with its commodity and market named in ``lang``."""
        return {**a, "commodity": self.n(a.get("commodity"), lang, "commodity") or None,
                "market": self.n(a.get("market"), lang, "market") or None}

    def emit(self, p: Page, title: str, body: str, description: str = "",
             image: str | None = None) -> None:
        self.pages.append(p)
        self.w.put(p.file, page(p, title=title, body=body, base=self.base, bureau=self.bureau,
                                description=description, image=image))

    def top(self, title: str, lang: str, meta: str = "") -> list[str]:
        """A data page's opening: its heading, the period shown, and a line ``meta`` (HTML)
        saying how to read it."""
        out = [f"<h1>{escape(title)}</h1>"]
        rep = self.snap.report
        if rep is not None:
            label = rep.period.label_zh if lang == "zh" else rep.period.label
            out.append(f'<p class="meta">{escape(label)} · {rep.period.start:%Y-%m-%d} — {rep.period.end:%Y-%m-%d}</p>')
        if meta:
            out.append(f'<p class="meta">{meta}</p>')
        return out

    def headline(self, lang: str) -> str:
        rep = self.snap.report
        assert rep is not None
        s = rep.summary
        zh = rep.headline(rep.period.this_zh)
        en = (f"{s['n']} items monitored this {FREQ_EN[rep.period.freq]}: "
              f"{s['up']} up, {s['down']} down, {s['flat']} flat")
        if rep.overall_sentence():  # the basket's one overall change, as the notes quote it
            zh, en = f"{zh}；{rep.overall_sentence()}", f"{en}. {rep.overall_sentence('en')}"
        return t(lang, zh, en)

    def no_data(self, p: Page, title: str) -> None:
        self.emit(p, title, f"<h1>{escape(title)}</h1><p>"
                  + t(p.lang, "还没有已发布的价格数据。", "No released prices yet.") + "</p>")

    # home: headline, alerts, the board by category, the latest notes
    def home(self, lang: str) -> None:
        p = Page("index.html", lang, "home")
        title = t(lang, "本期价格", "This period's prices")
        rep = self.snap.report
        if rep is None or self.snap.board.empty:
            return self.no_data(p, title)
        j = rep.to_json()
        out = [*self.top(title, lang), f'<p class="lead">{escape(self.headline(lang))}</p>',
               f"<h2>{t(lang, '价格提醒', 'Price alerts')}</h2>"]
        if j["alerts"]:
            out += [f'<div class="alert">{escape(_alert_text(self._named(a, lang), lang))}</div>'
                    for a in j["alerts"]]
        else:
            out.append(f'<div class="ok">{t(lang, "本期没有超过预警线的价格波动。", "No price moved past its alert threshold.")}</div>')
        out.append(f"<h2>{t(lang, '分类价格', 'Prices by category')}</h2>")
        spark_head = t(lang, "近12期", "12 periods")
        for category, g in self.snap.board.groupby("category", sort=False):
            units = [self.n(u, lang, "unit") for u in sorted(set(g["unit"]))]
            out.append(f"<h3>{escape(self.n(category, lang, 'category'))} <small class=meta>"
                       f"{escape(t(lang, '单位：', 'unit: ') + t(lang, '、', ', ').join(units))}</small></h3>")
            out.append(f'<div class="wrap"><table><tr><th>{t(lang, "商品", "Item")}</th>'
                       f'<th>{t(lang, "价格", "Price")}</th><th>{t(lang, "环比", "WoW")}</th>'
                       f'<th>{t(lang, "同比", "YoY")}</th><th>{spark_head}</th></tr>')
            for r in g.itertuples(index=False):
                spark = svg.sparkline([None if v is None or v != v else float(v) for v in r.spark])
                out.append(f"<tr><td>{self.link(p, r.commodity)}</td><td>{price(r.price)}</td>"
                           f"<td>{pct(r.wow_pct, lang)}</td><td>{pct(r.yoy_pct, lang)}</td>"
                           f"<td>{spark}</td></tr>")
            out.append("</table></div>")
        out.append(f'<p class="meta">{t(lang, "环比、同比只比较两期都有报价的市场，在市场有增减时可能与两期均价直接相除的结果不同。", "Changes compare only markets that reported in both periods.")}</p>')
        out.append(f"<h2>{t(lang, '最新价格解读', 'Latest notes')}</h2>")
        out.append(self.note_list(p, self.snap.notes[:3]))
        card = f"{self.base}/share/{rep.period.label}.png"
        self.emit(p, title, "".join(out), description=self.headline(lang), image=card)

    def note_list(self, p: Page, notes: Iterable[Note]) -> str:
        items = [f'<li><a href="{escape(p.href("notes/" + n.id + ".html"))}">{escape(n.title)}</a>'
                 f'<p class="meta">{escape(_note_meta(n))}</p></li>' for n in notes]
        if not items:
            return f'<p class="meta">{t(p.lang, "暂无已发布的解读。", "No published notes yet.")}</p>'
        return f'<ul class="plain">{"".join(items)}</ul>'

    # one page per commodity: the chart, the markets, the notes citing it
    def commodity(self, name: str, lang: str) -> None:
        p = Page(f"c/{file_name(name)}.html", lang, "items")
        unit = self.n(self.units.get(name, ""), lang, "unit")
        tr = self.snap.trends.get(name, pd.DataFrame())
        key, name = name, self.n(name, lang, "commodity")  # the catalog key; the name shown
        out = self.top(name, lang)
        row = self.snap.board[self.snap.board["commodity"] == key].iloc[0]
        out.append(f'<p class="lead">{price(row["price"])} {escape(unit)} · {t(lang, "环比", "WoW")} '
                   f'{pct(row["wow_pct"], lang)} · {t(lang, "同比", "YoY")} {pct(row["yoy_pct"], lang)}</p>')
        cited = [n for n in self.snap.notes if key in n.commodities]
        if not tr.empty:
            last = pd.Timestamp(tr["period_start"].iloc[-1])
            year = tr[pd.to_datetime(tr["period_start"]) > last - pd.Timedelta(days=365)]
            x = [pd.Timestamp(d).date() for d in year["period_start"]]
            markers = []
            for n in cited:
                try:
                    ps = parse_period(n.period).start if n.period else None
                except InputError:
                    ps = None
                if ps is not None and ps in x:
                    markers.append(svg.Marker(x.index(ps), n.title))
            chart = svg.Chart(x=x, unit=unit, markers=markers, title=name, lines=[
                svg.Line(t(lang, "均价", "Average"), _vals(year["price"])),
                svg.Line(t(lang, "4期移动平均", "4-period average"), _vals(year["ma4"]), svg.COLOURS[1], "2 3", 1.5),
                svg.Line(t(lang, "去年同期", "Last year"), _vals(year["yoy_price"]), svg.COLOURS[2], "6 4", 1.5),
            ])
            out.append(f"<h2>{t(lang, '近一年走势', 'The last year')}({escape(unit)})</h2>")
            out.append(svg.line_chart(chart, aria=t(lang, f"{name}近一年价格走势", f"{name}: prices over the last year")))
            if markers:
                out.append(f'<p class="meta">{t(lang, "★为价格解读", "★: a note")}</p>')
        m = self.snap.markets
        m = m[m["commodity"] == key] if not m.empty else m
        if not m.empty:
            out.append(f"<h2>{t(lang, '各市场本期价格', 'Markets this period')}</h2>")
            out.append(svg.bars([(self.n(r.market, lang, "market"), float(r.price)) for r in m.itertuples() if r.price is not None and r.price == r.price],
                                unit=unit, aria=t(lang, f"{name}各市场价格", f"{name} by market")))
            out.append(f'<div class="wrap"><table><tr><th>{t(lang, "市场", "Market")}</th><th>{t(lang, "价格", "Price")}</th>'
                       f'<th>{t(lang, "环比", "WoW")}</th><th>{t(lang, "与均价差", "vs average")}</th></tr>')
            out += [f"<tr><td>{escape(self.n(r.market, lang, 'market'))}</td><td>{price(r.price)}</td><td>{pct(r.wow_pct, lang)}</td>"
                    f"<td>{pct(r.diff_pct, lang)}</td></tr>" for r in m.itertuples()]
            out.append("</table></div>")
        if not tr.empty:
            recent = tr.tail(12).iloc[::-1]
            out.append(f"<h2>{t(lang, '最近12期', 'The last 12 periods')}</h2><div class=wrap><table>"
                       f'<tr><th>{t(lang, "期间", "Period")}</th><th>{t(lang, "均价", "Average")}</th>'
                       f'<th>{t(lang, "去年同期", "Last year")}</th><th>{t(lang, "市场数", "Markets")}</th></tr>')
            out += [f"<tr><td>{escape(str(r.period))}</td><td>{price(r.price)}</td><td>{price(r.yoy_price)}</td>"
                    f"<td>{int(r.markets)}</td></tr>" for r in recent.itertuples()]
            out.append("</table></div>")
        out.append(f"<h2>{t(lang, '相关解读', 'Related notes')}</h2>{self.note_list(p, cited)}")
        self.emit(p, name, "".join(out), description=f"{name} {price(row['price'])} {unit}")

    def commodity_index(self, lang: str) -> None:
        p = Page("c/index.html", lang, "items")
        title = t(lang, "商品走势", "Price trends")
        if not self.names:
            return self.no_data(p, title)
        out = self.top(title, lang)
        for category, g in self.snap.board.groupby("category", sort=False):
            out.append(f"<h2>{escape(self.n(category, lang, 'category'))}</h2><ul class=plain>")
            out += [f"<li>{self.link(p, n)}</li>" for n in g["commodity"]]
            out.append("</ul>")
        self.emit(p, title, "".join(out))

    def markets_page(self, lang: str) -> None:
        p = Page("markets.html", lang, "markets")
        title = t(lang, "市场对比", "Markets")
        m = self.snap.markets
        if m.empty:
            return self.no_data(p, title)
        out = self.top(title, lang, t(lang, "本期各市场价格（元）；点商品名查看走势。",
                                      "Prices this period by market; tap an item for its trend."))
        markets = list(dict.fromkeys(m["market"]))
        for category, g in m.groupby("category", sort=False):
            wide = g.pivot_table(index="commodity", columns="market", values="price", aggfunc="first", sort=False)
            out.append(f'<h2>{escape(self.n(category, lang, "category"))}</h2><div class="wrap"><table><tr><th>{t(lang, "商品", "Item")}</th>')
            out += [f"<th>{escape(self.n(mk, lang, 'market'))}</th>" for mk in markets if mk in wide.columns]
            out.append("</tr>")
            for name, r in wide.iterrows():
                out.append(f"<tr><td>{self.link(p, str(name))}</td>")
                out += [f"<td>{price(r[mk])}</td>" for mk in markets if mk in wide.columns]
                out.append("</tr>")
            out.append("</table></div>")
        self.emit(p, title, "".join(out))

    def indices_page(self, lang: str) -> None:
        p = Page("indices.html", lang, "indices")
        title = t(lang, "分类指数", "Category indices")
        ix = self.snap.indices
        if ix.empty:
            return self.no_data(p, title)
        starts = sorted(set(pd.to_datetime(ix["period_start"])))
        x = [s.date() for s in starts]
        lines = []
        for k, (category, g) in enumerate(ix.groupby("category", sort=False)):
            by = dict(zip(pd.to_datetime(g["period_start"]), g["index"], strict=False))
            lines.append(svg.Line(self.n(category, lang, "category"), [_num(by.get(s)) for s in starts], svg.COLOURS[k % len(svg.COLOURS)]))
        out = [*self.top(title, lang, t(lang, "定基指数：首期为100，固定权重篮子。",
                                        "Fixed-base index: the first period is 100 (fixed-weight basket).")),
               svg.line_chart(svg.Chart(x=x, lines=lines, title=title), aria=title)]
        latest = ix[ix["period"] == ix["period"].iloc[-1]]
        out.append(f'<div class="wrap"><table><tr><th>{t(lang, "分类", "Category")}</th><th>{t(lang, "指数", "Index")}</th>'
                   f'<th>{t(lang, "环比", "WoW")}</th></tr>')
        out += [f"<tr><td>{escape(self.n(r.category, lang, 'category'))}</td><td>{_fmt1(r.index)}</td><td>{pct(r.wow_pct, lang)}</td></tr>"
                for r in latest.itertuples()]
        out.append("</table></div>")
        self.emit(p, title, "".join(out))

    def notes_index(self, lang: str) -> None:
        p = Page("notes/index.html", lang, "notes")
        title = t(lang, "价格解读", "Price notes")
        body = (f"<h1>{title}</h1>{self.note_list(p, self.snap.notes)}"
                f'<p><a class="btn" href="{escape(p.href("feed.xml", "zh"))}">{t(lang, "Atom 订阅源", "Atom feed")}</a></p>')
        self.emit(p, title, body)

    def note_page(self, n: Note, lang: str) -> None:
        p = Page(f"notes/{n.id}.html", lang, "notes")
        out = [f"<h1>{escape(n.title)}</h1>", f'<p class="meta">{escape(_note_meta(n))}</p>']
        if n.corrected_by:
            out.append(f'<div class="alert">{t(lang, "本文已有更正说明，请同时阅读：", "A correction was published: ")}'
                       f'<a href="{escape(p.href("notes/" + n.corrected_by + ".html"))}">{t(lang, "更正说明", "the correction")}</a></div>')
        if n.corrects:
            out.append(f'<div class="ok">{t(lang, "本文为更正说明：", "This corrects ")}'
                       f'<a href="{escape(p.href("notes/" + n.corrects + ".html"))}">{t(lang, "原解读", "an earlier note")}</a></div>')
        if lang != "zh":
            out.append('<p class="meta">The note is published in Chinese.</p>')
        # the body is sanitised HTML from pricewatch.notes (no raw HTML, safe links only)
        # the note's own images are served beside it (the Chinese tree holds the attachments)
        body = notes_lib.body_html(n, image_url=lambda name: p.href(f"notes/{n.id}.files/{name}", "zh"))
        out.append(f'<div class="note" lang="zh-CN">{body}</div>')
        links = [c for c in n.commodities if c in self.names]
        if links:
            out.append(f"<h2>{t(lang, '相关商品走势', 'Trends of the items')}</h2><ul class=plain>")
            out += [f"<li>{self.link(p, c)}</li>" for c in links]
            out.append("</ul>")
        files = [a for a in n.attachments if a.get("name")]
        if files:
            out.append(f"<h2>{t(lang, '附件下载', 'Attachments')}</h2><p>")
            for a in files:
                rel = f"notes/{n.id}.files/{a['name']}"
                out.append(f'<a class="btn" href="{escape(p.href(rel, "zh"))}" download>{escape(str(a["name"]))}</a>')
            out.append("</p>")
        image = None
        if f"notes/{n.id}.png" in self.w.files:
            image = f"{self.base}/notes/{n.id}.png"
            out.append(f'<p><a class="btn" href="{escape(p.href(f"notes/{n.id}.png", "zh"))}">{t(lang, "分享图片", "Share image")}</a></p>')
        self.emit(p, n.title, "".join(out), description=notes_lib.plain_text(n.body, 80), image=image)

    def downloads_page(self, lang: str) -> None:
        p = Page("downloads.html", lang, "downloads")
        title = t(lang, "数据下载", "Downloads")
        out = [f"<h1>{title}</h1>",
               f'<p class="meta">{t(lang, "已发布的全部监测数据，每条观测一行：日期、市场、商品、分类、单位、价格。", "Every released observation, one row each: date, market, item, category, unit, price.")}</p>']
        for stem, zh, en in (("prices-all", "全部历史", "The whole history"),
                             ("prices-latest", "最新一期", "The latest period")):
            out.append(f"<h2>{t(lang, zh, en)}</h2><p>")
            for fmt in ("csv", "xlsx", "json"):
                rel = f"data/{stem}.{fmt}"
                if rel in self.w.files:
                    kb = self.w.files[rel] / 1024
                    out.append(f'<a class="btn" href="{escape(p.href(rel, "zh"))}" download>{fmt.upper()} · {kb:,.0f} KB</a>')
            out.append("</p>")
        out.append(f"<h2>{t(lang, '本期报告（JSON）', 'This period as JSON')}</h2>"
                   f'<p><a class="btn" href="{escape(p.href("data/report-latest.json", "zh"))}">report-latest.json</a></p>')
        self.emit(p, title, "".join(out))

    # -- files that are not pages ---------------------------------------------------------
    def data_files(self) -> None:
        full = export_lib.frame(self.store, export_lib.ExportQuery(public=True))
        rep = self.snap.report
        latest = full.iloc[0:0]
        if rep is not None:
            latest = full[(full["date"] >= rep.period.start) & (full["date"] <= rep.period.end)]
            self.w.put("data/report-latest.json", json.dumps(rep.to_json(), ensure_ascii=False, default=str))
        for stem, frame in (("prices-all", full), ("prices-latest", latest)):
            for fmt in ("csv", "xlsx", "json"):
                self.w.put(f"data/{stem}.{fmt}", export_lib.render(export_lib.present(frame), fmt))

    def share_files(self) -> None:
        rep = self.snap.report
        if rep is not None and not rep.items.empty:
            url = Page("index.html", "zh", "home").url(self.base)
            self.w.put(f"share/{rep.period.label}.png", share.render_card(share.card_data(rep, self.settings, url)))
            self.w.put(f"share/{rep.period.label}.html", share.period_article(rep, self.settings, url))
        for n in self.snap.notes:
            url = Page(f"notes/{n.id}.html", "zh", "notes").url(self.base)
            for name, data in share.note_files(self.store, self.settings, n, url).items():
                rel = f"notes/{n.id}.png" if name == share.CARD_NAME else f"notes/{n.id}.article.html"
                self.w.put(rel, data)

    def attachments(self) -> None:
        for n in self.snap.notes:
            for a in n.attachments:
                name = str(a.get("name") or "")
                try:
                    src = notes_lib.attachment_path(self.settings, self.store, n.id, name)
                except PricewatchError:  # listed but missing on disk: not offered
                    continue
                if src.is_file():
                    self.w.put(f"notes/{n.id}.files/{name}", src.read_bytes())

    def feed(self) -> None:
        now = datetime.now(ZoneInfo(self.settings.timezone))
        xml = atom_feed(self.snap.notes, self.settings, now=now,
                        url_for=lambda nid: f"{self.base}/notes/{quote(nid)}.html")
        self.w.put("feed.xml", xml)

    def sitemap(self) -> None:
        urls = []
        for p in self.pages:
            f = p.file[: -len("index.html")] if p.file.endswith("index.html") else p.file
            urls.append(f"<url><loc>{xml_escape(self.base + '/' + quote(f, safe='/()'))}</loc></url>")
        self.w.put("sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                   '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(urls) + "</urlset>")
        self.w.put("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {self.base}/sitemap.xml\n")


def _item_link(p: Page, commodity: str, label: str | None = None) -> str:
    """A link from page ``p`` to the commodity's page, in ``p``'s language (shown as ``label``)."""
    return (f'<a href="{escape(p.href("c/" + file_name(commodity) + ".html"))}">'
            f'{escape(label or commodity)}</a>')


def _vals(s: pd.Series) -> list[float | None]:
    return [_num(v) for v in s]


def _num(v: Any) -> float | None:
    return None if v is None or v != v else float(v)


def _fmt1(v: Any) -> str:
    return "—" if v is None or v != v else f"{float(v):.1f}"


def _note_meta(n: Note) -> str:
    return " · ".join(x for x in (n.kind, n.period or "",
                                  f"{n.published_at:%Y-%m-%d}" if n.published_at else "") if x)


def _alert_text(a: dict[str, Any], lang: str) -> str:
    if lang == "zh":
        return str(a.get("message") or "")
    what, value = a.get("commodity") or "", a.get("value")
    if a.get("kind") == "jump" and isinstance(value, (int, float)):
        return f"{what}: {value:+.1f}% on the previous period (alert line {a.get('threshold')}%)"
    if a.get("kind") == "alps":
        return f"{what}: price well above its trend and seasonal level ({a.get('level')})"
    if a.get("kind") == "gap":
        return f"{a.get('market') or ''} did not report {what or 'any price'} this period".strip()
    return str(a.get("message") or what)


def _write_all(site: Site) -> None:
    site.data_files()
    site.share_files()
    site.attachments()
    for lang in LANGS:
        site.home(lang)
        site.commodity_index(lang)
        for name in site.names:
            site.commodity(name, lang)
        site.markets_page(lang)
        site.indices_page(lang)
        site.notes_index(lang)
        for n in site.snap.notes:
            site.note_page(n, lang)
        site.downloads_page(lang)
    site.feed()
    site.sitemap()


def build(store: Store, settings: Settings, out: Path, *, base_url: str | None = None,
          now: datetime | None = None) -> Path:
    """Build into ``out/builds/<stamp>`` and swap ``out/current`` to it; returns the build."""
    out = Path(out)
    base = (base_url or settings.public_base_url).rstrip("/")
    if not re.match(r"^https?://[^\s/]+", base):
        raise InputError(f"网站地址「{base}」不对", "写完整的地址，例如 --base-url https://price.example.gov.cn")
    snap = read_snapshot(store, settings, now)
    builds = out / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    # names sort in build order (prune keeps the newest by name): the second, then the
    # nanosecond within it, then the process (two builds in one second sort by their time)
    now = time.time_ns()
    stamp = f"{time.strftime('%Y%m%d-%H%M%S', time.localtime(now // 10**9))}-{now % 10**9:09d}-{os.getpid()}"
    tmp = builds / f".{stamp}.tmp"
    w = Writer(tmp)
    try:
        site = Site(snap, settings, base, w, store)
        _write_all(site)
        meta = {"fingerprint": fingerprint(snap, base, settings.bureau_name),
                "built_at": datetime.now(ZoneInfo(settings.timezone)).isoformat(timespec="seconds"),
                "base_url": base, "data_version": snap.data_version,
                "period": snap.report.period.label if snap.report else None,
                "notes": [n.id for n in snap.notes], "pages": len(site.pages), "files": w.files}
        w.put("build.json", json.dumps(meta, ensure_ascii=False, indent=1))
        final = builds / stamp
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    swap(out, final)
    prune(builds, keep=KEEP_BUILDS)
    return final


def swap(out: Path, target: Path) -> None:
    """Point ``out/current`` at ``target`` atomically (a new symlink renamed over the old)."""
    link = out / "current"
    tmp = out / f".current.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(os.path.relpath(target, out), tmp)
    os.replace(tmp, link)


def prune(builds: Path, keep: int) -> None:
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)
    live = (builds.parent / "current").resolve()
    for old in done[:-keep]:
        if old.resolve() != live:
            shutil.rmtree(old, ignore_errors=True)


def current_meta(out: Path) -> dict[str, Any]:
    try:
        return json.loads((Path(out) / "current" / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def build_if_changed(store: Store, settings: Settings, out: Path, *, base_url: str | None = None,
                     now: datetime | None = None) -> Path | None:
    """Rebuild only when the public would see something else than the live build shows."""
    base = (base_url or settings.public_base_url).rstrip("/")
    notes = notes_lib.list_published(settings, store, now=now)
    probe = Snapshot(None, pd.DataFrame(), notes, pd.DataFrame(), store.version(), store.generation())
    if current_meta(out).get("fingerprint") == fingerprint(probe, base, settings.bureau_name):
        return None
    return build(store, settings, out, base_url=base_url, now=now)


__all__ = ["build", "build_if_changed", "current_meta", "file_name", "readable", "fingerprint"]
