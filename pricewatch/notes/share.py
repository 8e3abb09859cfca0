"""WeChat and sharing: a share card (PNG, 1080 px wide) and an article HTML with inline styles.

For a published note and for a period: the card carries the bureau's name, the period,
the headline counts (x涨y跌z平), the largest movers and a QR code to the page; the article
is the note (or the period's table) as HTML whose every element has its style inline, so
pasting it into the WeChat 公众号 editor keeps headings and tables (the editor drops
``<style>`` blocks and classes).

Figures come from :func:`pricewatch.indicators.report` with ``public=True`` (released data
only) and the note's own published text; nothing is recomputed here.

The PNG is drawn by Pillow with Noto Sans CJK SC from Debian's fonts-noto-cjk: both install
without network access at run time, draw Chinese correctly, and need no browser (kaleido
or chromium would take seconds per image and a browser on the server). Without the font
:func:`find_font` raises a ConfigError that says what to install.

Files kept with a note: ``<id>.files/share/分享卡片.png`` and ``公众号文章.html`` (with
``share.json``: the note version and data version they were made from), written by the
scheduler (:func:`keep_all`) after publication, one audited write per note.
"""

from __future__ import annotations

import functools
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import segno

from .. import indicators
from ..atomic import atomic_write
from ..config import Settings
from ..errors import ConfigError, PricewatchError
from ..store import Store, writes
from .model import Note, NoteRepo
from .render import markdown_to_html

CARD_W = 1080
CARD_NAME = "分享卡片.png"
ARTICLE_NAME = "公众号文章.html"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto",
             "/usr/share/fonts/noto-cjk", "/usr/local/share/fonts")
RED, GREEN, GREY, INK = "#c0392b", "#1e8449", "#666666", "#222222"


@functools.cache
def find_font(bold: bool = False) -> tuple[str, int]:
    """(file, face index) of Noto Sans CJK SC, or a ConfigError saying how to install it."""
    from PIL import ImageFont

    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    for d in FONT_DIRS:
        p = Path(d) / name
        if not p.is_file():
            continue
        for i in range(10):
            try:
                family = ImageFont.truetype(str(p), 12, index=i).getname()[0]
            except OSError:
                break
            if "CJK SC" in family and "Mono" not in family:
                return str(p), i
    raise ConfigError(f"找不到中文字体 Noto Sans CJK SC（{name}），无法生成分享卡片",
                      "请安装字体：apt-get install fonts-noto-cjk")


@dataclass
class Mover:
    commodity: str
    price: float
    unit: str
    wow_pct: float


@dataclass
class CardData:
    bureau: str
    title: str
    period_zh: str
    counts: dict[str, int]
    url: str
    rises: list[Mover] = field(default_factory=list)
    falls: list[Mover] = field(default_factory=list)


def movers(rep: indicators.Report, k: int = 3) -> tuple[list[Mover], list[Mover]]:
    """The ``k`` largest rises and falls of the period by 环比 (as published)."""
    items = rep.items.dropna(subset=["wow_pct"])
    ms = [Mover(str(r.commodity), float(r.price), str(r.unit), float(r.wow_pct))
          for r in items.itertuples(index=False)]
    rises = sorted([m for m in ms if m.wow_pct > 0], key=lambda m: -m.wow_pct)[:k]
    falls = sorted([m for m in ms if m.wow_pct < 0], key=lambda m: m.wow_pct)[:k]
    return rises, falls


def card_data(rep: indicators.Report, settings: Settings, url: str,
              title: str | None = None) -> CardData:
    if not rep.public:
        raise ConfigError("分享卡片只能用已发布的数据生成", "用 public=True 的报告")
    rises, falls = movers(rep)
    return CardData(bureau=settings.bureau_name, title=title or f"{rep.period.label_zh}价格监测",
                    period_zh=rep.period.label_zh, counts=rep.summary, url=url,
                    rises=rises, falls=falls)


def _wrap(draw: Any, text: str, font: Any, width: int) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if draw.textlength(cur + ch, font=font) > width and cur:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    return lines + ([cur] if cur else [])


def render_card(d: CardData) -> bytes:
    """The card as PNG bytes, 1080 px wide."""
    from PIL import Image, ImageDraw, ImageFont

    reg, reg_i = find_font()
    bold, bold_i = find_font(bold=True)

    def font(size: int, b: bool = False) -> Any:
        return ImageFont.truetype(bold if b else reg, size, index=bold_i if b else reg_i)

    rows = len(d.rises) + len(d.falls)
    h = 1180 + 78 * rows
    img = Image.new("RGB", (CARD_W, h), "white")
    dr = ImageDraw.Draw(img)
    dr.rectangle([0, 0, CARD_W, 150], fill="#8b1a1a")
    dr.text((60, 42), d.bureau, font=font(52, True), fill="white")
    y = 200
    for line in _wrap(dr, d.title, font(58, True), CARD_W - 120)[:3]:
        dr.text((60, y), line, font=font(58, True), fill=INK)
        y += 76
    dr.text((60, y + 4), d.period_zh, font=font(38), fill=GREY)
    y += 86
    c = d.counts
    dr.text((60, y), f"监测{c['n']}种商品", font=font(44), fill=INK)
    y += 70
    x = 60
    for label, n, colour in (("上涨", c["up"], RED), ("下降", c["down"], GREEN), ("持平", c["flat"], GREY)):
        dr.text((x, y), f"{n}", font=font(96, True), fill=colour)
        dr.text((x, y + 118), f"种{label}", font=font(40), fill=colour)
        x += 320
    y += 200
    for head, group, colour in (("涨幅居前", d.rises, RED), ("跌幅居前", d.falls, GREEN)):
        if not group:
            continue
        dr.text((60, y), head, font=font(42, True), fill=INK)
        y += 66
        for m in group:
            dr.text((80, y), m.commodity, font=font(40), fill=INK)
            dr.text((520, y), f"{m.price:.2f} {m.unit}", font=font(40), fill=GREY)
            dr.text((1020, y), f"{m.wow_pct:+.1f}%", font=font(40, True), fill=colour, anchor="ra")
            y += 62
        y += 20
    qr = segno.make(d.url, error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=8, border=2)
    q = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    q = q.resize((300, 300), Image.NEAREST)
    y = max(y + 20, h - 360)
    img.paste(q, (60, y))
    dr.text((400, y + 70), "扫一扫在手机打开", font=font(40, True), fill=INK)
    dr.text((400, y + 140), "数据来源：" + d.bureau, font=font(32), fill=GREY)
    dr.text((400, y + 190), "价格监测与解读发布", font=font(32), fill=GREY)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


# -- the WeChat article: every style inline --------------------------------------------------
STYLES = {
    "h1": "font-size:22px;font-weight:bold;margin:16px 0 8px;color:#222;",
    "h2": "font-size:19px;font-weight:bold;margin:18px 0 8px;color:#8b1a1a;border-left:4px solid #8b1a1a;padding-left:8px;",
    "h3": "font-size:17px;font-weight:bold;margin:14px 0 6px;color:#222;",
    "h4": "font-size:16px;font-weight:bold;margin:12px 0 6px;color:#222;",
    "p": "font-size:16px;line-height:1.8;margin:0 0 12px;color:#333;text-align:justify;",
    "table": "border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:14px;",
    "th": "border:1px solid #d0d0d0;background:#f5f0f0;padding:6px 8px;text-align:center;font-weight:bold;",
    "td": "border:1px solid #d0d0d0;padding:6px 8px;text-align:center;",
    "ul": "margin:0 0 12px;padding-left:22px;", "ol": "margin:0 0 12px;padding-left:22px;",
    "li": "font-size:16px;line-height:1.8;color:#333;",
    "blockquote": "margin:0 0 12px;padding:8px 12px;border-left:4px solid #ddd;color:#555;background:#fafafa;",
}
_TAG = re.compile(r"<(h1|h2|h3|h4|p|table|th|td|ul|ol|li|blockquote)(\s[^>]*)?>")


def inline_styles(html: str) -> str:
    """Put each element's style inline (merged with a sanitised text-align already there)."""
    def sub(m: re.Match[str]) -> str:
        tag, attrs = m.group(1), m.group(2) or ""
        own = re.search(r'style="([^"]*)"', attrs)
        style = STYLES[tag] + (own.group(1) if own else "")
        attrs = re.sub(r'\s*style="[^"]*"', "", attrs)
        return f'<{tag} style="{escape(style)}"{attrs}>'
    return _TAG.sub(sub, html)


def _page(title: str, inner: str) -> str:
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title></head><body>"
            f'<section style="max-width:677px;margin:0 auto;padding:0 4px;font-family:-apple-system,'
            f"'PingFang SC','Microsoft YaHei',sans-serif;\">{inner}</section></body></html>")


def _footer(settings: Settings, url: str) -> str:
    return (f'<p style="{STYLES["p"]}color:#888;font-size:14px;text-align:left;">来源：{escape(settings.bureau_name)}'
            f'价格监测。原文与完整数据：<a href="{escape(url)}" style="color:#2471a3;">{escape(url)}</a></p>')


def note_article(note: Note, settings: Settings, url: str) -> str:
    """A published note as WeChat-ready HTML (the sanitised body, styles inline)."""
    meta = " · ".join(x for x in (note.kind, note.period or "",
                                  f"{note.published_at:%Y-%m-%d}" if note.published_at else "") if x)
    inner = (f'<h1 style="{STYLES["h1"]}">{escape(note.title)}</h1>'
             f'<p style="{STYLES["p"]}color:#888;font-size:14px;">{escape(settings.bureau_name)} · {escape(meta)}</p>'
             + inline_styles(markdown_to_html(note.body)) + _footer(settings, url))
    return _page(note.title, inner)


def _pct(v: Any) -> str:
    return "—" if v is None or v != v else ("持平" if abs(float(v)) < 0.05 else f"{float(v):+.1f}%")


def period_article(rep: indicators.Report, settings: Settings, url: str) -> str:
    """A period's prices as WeChat-ready HTML: headline, alerts, a table per category."""
    monthly = rep.period.freq == "month"
    parts = [f'<h1 style="{STYLES["h1"]}">{escape(settings.bureau_name)}{escape(rep.period.label_zh)}价格监测</h1>',
             f'<p style="{STYLES["p"]}">{escape(rep.headline("本月" if monthly else "本周"))}。</p>']
    if rep.alerts:
        parts.append(f'<h2 style="{STYLES["h2"]}">价格提醒</h2><ul style="{STYLES["ul"]}">')
        parts += [f'<li style="{STYLES["li"]}">{escape(str(a.get("message") or ""))}</li>' for a in rep.alerts]
        parts.append("</ul>")
    for category, g in rep.items.groupby("category", sort=False):
        parts.append(f'<h2 style="{STYLES["h2"]}">{escape(str(category))}</h2><table style="{STYLES["table"]}">'
                     f'<tr><th style="{STYLES["th"]}">商品</th><th style="{STYLES["th"]}">价格</th>'
                     f'<th style="{STYLES["th"]}">环比</th><th style="{STYLES["th"]}">同比</th></tr>')
        for r in g.itertuples(index=False):
            parts.append(f'<tr><td style="{STYLES["td"]}">{escape(str(r.commodity))}</td>'
                         f'<td style="{STYLES["td"]}">{float(r.price):.2f} {escape(str(r.unit))}</td>'
                         f'<td style="{STYLES["td"]}">{_pct(r.wow_pct)}</td>'
                         f'<td style="{STYLES["td"]}">{_pct(r.yoy_pct)}</td></tr>')
        parts.append("</table>")
    parts.append(_footer(settings, url))
    return _page(f"{rep.period.label_zh}价格监测", "".join(parts))


# -- per note: made from what is published, kept with the note ------------------------------
def note_report(store: Store, note: Note) -> indicators.Report | None:
    """The public report of the note's period (the latest released one when it has none)."""
    if note.period:
        try:
            return indicators.report(store, period=note.period, public=True)
        except PricewatchError:  # a period label the data cannot read: the latest instead
            pass
    return indicators.report(store, public=True)


def note_files(store: Store, settings: Settings, note: Note, url: str) -> dict[str, bytes]:
    """{file name: bytes} of the card and the article of one published note."""
    if note.status != "published":
        raise ConfigError(f"解读「{note.id}」尚未发布，不能生成分享文件", "发布后再生成")
    rep = note_report(store, note)
    files = {ARTICLE_NAME: note_article(note, settings, url).encode("utf-8")}
    if rep is not None and not rep.items.empty:
        files[CARD_NAME] = render_card(card_data(rep, settings, url, title=note.title))
    return files


def note_url(settings: Settings, note_id: str) -> str:
    """The note's permalink on the static site (readable: the id is plain ASCII)."""
    return f"{settings.public_base_url.rstrip('/')}/notes/{note_id}.html"


def share_dir(settings: Settings, note_id: str) -> Path:
    return NoteRepo(settings.interpretations_dir).files_dir(note_id) / "share"


def keep(store: Store, settings: Settings, note: Note) -> Path:
    """Write the note's share files beside its attachments (one audited write)."""
    d = share_dir(settings, note.id)
    files = note_files(store, settings, note, note_url(settings, note.id))
    stamp = {"version": note.version, "data_version": store.version()}
    with store.write() as s:
        s.keep_data_version()
        for name, data in files.items():
            atomic_write(d / name, data)
        atomic_write(d / "share.json", json.dumps(stamp).encode())
        writes.audit(s, "system", "note.share", f"note:{note.id}",
                     {"files": sorted(files), "version": note.version})
    return d


def _stamp(settings: Settings, note_id: str) -> dict[str, Any]:
    try:
        return json.loads((share_dir(settings, note_id) / "share.json").read_text())
    except (OSError, ValueError):
        return {}


def share_file(store: Store, settings: Settings, note: Note, name: str) -> bytes:
    """One share file of a published note: the kept copy when it is current, else drawn now
    (nothing is written: a page that offers the download stays a pure read)."""
    kept = share_dir(settings, note.id) / name
    if _stamp(settings, note.id).get("version") == note.version and kept.is_file():
        return kept.read_bytes()
    files = note_files(store, settings, note, note_url(settings, note.id))
    if name not in files:
        raise ConfigError(f"解读「{note.id}」没有可用的{name}", "该期没有已发布的价格数据")
    return files[name]


def keep_all(store: Store, settings: Settings, *, now: datetime | None = None) -> list[str]:
    """Make the share files of every published note that lacks current ones; their ids."""
    from .workflow import Notebook

    book = Notebook(store, settings, clock=(lambda: now) if now else None)
    done = []
    for note in book.list_published():
        if _stamp(settings, note.id).get("version") != note.version:
            keep(store, settings, note)
            done.append(note.id)
    return done
