"""The page frame of the static site: one small inline stylesheet, no script, no web font.

Phone first: the layout is one column up to 640 px, every link or control people tap is at
least 44 px tall, tables fit a 390 px screen (wide ones scroll inside their own box, never
the page), and charts are inline SVG scaled to the column. Everything a person or a note
wrote is escaped here, except note bodies, which arrive as HTML already sanitised by
pricewatch.notes.render.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import segno

LANGS = ("zh", "en")

CSS = """*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.6 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#222;background:#fff}
a{color:#1a4f8b}
header{background:#8b1a1a;color:#fff;padding:0 12px}
header a{color:#fff;text-decoration:none;display:flex;align-items:center;min-height:48px;font-weight:700;font-size:17px}
nav{display:flex;flex-wrap:wrap;background:#f4f4f4;border-bottom:1px solid #ddd;padding:0 4px}
nav a{display:flex;align-items:center;min-height:44px;padding:0 9px;text-decoration:none}
nav a[aria-current]{font-weight:700;box-shadow:inset 0 -3px #8b1a1a;color:#222}
main{max-width:960px;margin:0 auto;padding:4px 12px 24px}
h1{font-size:22px;margin:14px 0 2px;line-height:1.35}
h2{font-size:18px;margin:22px 0 6px}
.meta{color:#666;font-size:14px;margin:2px 0}
.lead{font-size:18px;font-weight:700;margin:10px 0}
.wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:15px;font-variant-numeric:tabular-nums}
th{font-weight:600;color:#555;font-size:14px;background:#fafafa}
th,td{padding:0 4px;border-bottom:1px solid #eee;text-align:right;height:44px;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal}
td a{display:flex;align-items:center;min-height:44px}
.up{color:#c0392b}.down{color:#1e8449}.flat{color:#666}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain li{border-bottom:1px solid #eee}
ul.plain li>a{display:flex;align-items:center;min-height:44px;padding:4px 0}
.alert{background:#fdf2e9;border-left:4px solid #c0392b;padding:8px 10px;margin:6px 0}
.ok{background:#eafaf1;border-left:4px solid #1e8449;padding:8px 10px;margin:6px 0}
.btn{display:inline-flex;align-items:center;min-height:44px;padding:0 14px;border:1px solid #1a4f8b;border-radius:6px;text-decoration:none;margin:4px 6px 4px 0}
.note{line-height:1.8;overflow-wrap:anywhere}
.note table{display:block;overflow-x:auto;width:auto}
.note th,.note td{border:1px solid #ddd;height:auto;padding:4px 8px;white-space:normal}
.note img{max-width:100%}
.qr{display:flex;gap:12px;align-items:center;margin-top:28px;padding-top:12px;border-top:1px solid #ddd}
.qr svg{width:132px;height:132px;flex:none}
.qr p{margin:0;font-size:14px;color:#555;overflow-wrap:anywhere}
footer{color:#777;font-size:13px;text-align:center;padding:16px 12px 28px;border-top:1px solid #eee}
.cols{display:grid;gap:0 24px}
@media(min-width:760px){.cols{grid-template-columns:2fr 1fr}}
"""

#: (zh, en) of every word the frame and the pages show
WORDS: dict[str, tuple[str, str]] = {
    "home": ("本期价格", "Prices"),
    "items": ("商品走势", "Trends"),
    "markets": ("市场对比", "Markets"),
    "indices": ("分类指数", "Indices"),
    "notes": ("价格解读", "Notes"),
    "downloads": ("数据下载", "Downloads"),
    "other_lang": ("English", "中文"),
    "scan": ("扫一扫在手机打开", "Scan to open on a phone"),
    "site": ("价格监测与解读发布", "Price monitoring"),
    "footer": ("数据为已发布的监测数据；价格为各报价市场的均价。",
               "Released monitoring data only; prices are averages over the markets that reported."),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


def t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def readable(path: str) -> str:
    """A site path as people read it: Chinese left as it is, only URL syntax escaped."""
    return (path.replace("%", "%25").replace(" ", "%20").replace("#", "%23")
            .replace("?", "%3F").replace('"', "%22"))


@dataclass(frozen=True)
class Page:
    """One page: its path in the site ("c/大米.html"), language, and nav section."""

    path: str
    lang: str
    section: str

    @property
    def file(self) -> str:
        return self.path if self.lang == "zh" else f"en/{self.path}"

    @property
    def depth(self) -> int:
        return self.file.count("/")

    def href(self, target: str, lang: str | None = None) -> str:
        """A relative link from this page to ``target`` (a zh path) in ``lang``."""
        lang = lang or self.lang
        full = target if lang == "zh" else f"en/{target}"
        if full.endswith("index.html"):
            full = full[: -len("index.html")] or "./"
        return readable("../" * self.depth + full) or "./"

    def url(self, base: str) -> str:
        f = self.file
        if f.endswith("index.html"):
            f = f[: -len("index.html")]
        return base.rstrip("/") + "/" + readable(f)


NAV = (("home", "index.html"), ("items", "c/index.html"), ("markets", "markets.html"),
       ("indices", "indices.html"), ("notes", "notes/index.html"), ("downloads", "downloads.html"))


def qr_svg(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2, title=url,
                                                              svgclass="qrcode")


def page(p: Page, *, title: str, body: str, base: str, bureau: str, description: str = "",
         image: str | None = None) -> str:
    """A whole HTML document for ``p``: header, nav, the body, the QR code of its URL."""
    url = p.url(base)
    other = "en" if p.lang == "zh" else "zh"
    nav = "".join(
        f'<a href="{escape(p.href(target))}"{" aria-current=page" if key == p.section else ""}>'
        f"{escape(word(key, p.lang))}</a>" for key, target in NAV)
    nav += (f'<a href="{escape(p.href(p.path, other))}" hreflang="{"en" if other == "en" else "zh-CN"}" '
            f'lang="{"en" if other == "en" else "zh-CN"}">{word("other_lang", p.lang)}</a>')
    og = (f'<meta property="og:title" content="{escape(title)}">'
          f'<meta property="og:url" content="{escape(url)}">')
    if description:
        og += (f'<meta name="description" content="{escape(description)}">'
               f'<meta property="og:description" content="{escape(description)}">')
    if image:
        og += f'<meta property="og:image" content="{escape(image)}">'
    alt = Page(p.path, other, p.section)
    return (
        f'<!doctype html><html lang="{"zh-CN" if p.lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)} · {escape(bureau)}</title>{og}"
        f'<link rel="canonical" href="{escape(url)}">'
        f'<link rel="alternate" hreflang="{"en" if other == "en" else "zh-CN"}" href="{escape(alt.url(base))}">'
        f'<link rel="alternate" type="application/atom+xml" href="{escape(p.href("feed.xml", "zh"))}">'
        f"<style>{CSS}</style></head><body>"
        f'<header><a href="{escape(p.href("index.html"))}">{escape(bureau)} · {word("site", p.lang)}</a></header>'
        f"<nav>{nav}</nav><main>{body}"
        f'<div class="qr">{qr_svg(url)}<p>{word("scan", p.lang)}<br>{escape(url)}</p></div>'
        f'</main><footer>{escape(bureau)} · {word("footer", p.lang)}</footer></body></html>')


def pct(v: object, lang: str) -> str:
    """'+10.0%' / '-5.0%' / '持平' / '—' with a class for colour."""
    if v is None or v != v:
        return '<span class="flat">—</span>'
    f = float(v)  # type: ignore[arg-type]
    if abs(f) < 0.05:
        return f'<span class="flat">{t(lang, "持平", "flat")}</span>'
    cls = "up" if f > 0 else "down"
    return f'<span class="{cls}">{f:+.1f}%</span>'


def price(v: object) -> str:
    return "—" if v is None or v != v else f"{float(v):.2f}"  # type: ignore[arg-type]
