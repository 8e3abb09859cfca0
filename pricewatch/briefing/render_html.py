"""The briefing as one self-contained HTML document for WeasyPrint (A4 portrait).

Every piece of text goes through :func:`html.escape` (names from the catalog, alert messages,
note titles and excerpts, which :mod:`.notes` has already reduced to plain text with nh3);
the only markup is this module's own. Charts are inline SVG from :mod:`.svg`.
"""

from __future__ import annotations

from html import escape

from .. import textfmt as tf
from ..indicators.alps import ALPS_EXPLAINED
from . import svg
from .model import PRICE_NOTE, SECRET_MARK, UNRELEASED, Briefing, Item, Mover

CSS = """
@page {
  size: A4 portrait;
  margin: 16mm 15mm 17mm 15mm;
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页";
                   font: 8pt "Noto Sans CJK SC"; color: #555; }
}
html { font-family: "Noto Sans CJK SC", sans-serif; font-size: 9pt; color: #212121; }
body { margin: 0; }
.secret { float: right; border: 1.2pt solid #c00; color: #c00; font-weight: 700;
          padding: 1mm 2.5mm; font-size: 10pt; letter-spacing: 1pt; margin-top: -2mm; }
.org { font-family: "Noto Serif CJK SC", serif; font-weight: 700;
       color: #c00; font-size: 24pt; text-align: center; letter-spacing: 3pt; margin: 2mm 0 1mm; }
.doctitle { text-align: center; font-size: 15pt; font-weight: 700; letter-spacing: 2pt; margin: 0; }
.issue { text-align: center; font-size: 10.5pt; margin: 1.5mm 0 0; letter-spacing: 1pt; }
.meta { text-align: center; color: #424242; margin: 1.5mm 0 0; font-size: 9pt; }
.rule { border: 0; border-top: 1.6pt solid #c00; margin: 2.5mm 0 0; }
.rule2 { border: 0; border-top: .5pt solid #c00; margin: .6mm 0 3mm; }
h2 { font-size: 11pt; margin: 3.2mm 0 1.5mm; padding-left: 2mm; border-left: 2.2pt solid #c00;
     page-break-after: avoid; }
.headline { font-size: 11pt; font-weight: 700; margin: 0 0 1mm; }
.breadth span { display: inline-block; margin-right: 5mm; font-size: 10pt; }
.up { color: #c62828; } .down { color: #2e7d32; } .flat { color: #616161; }
.tag { display: inline-block; border: .6pt solid #c00; color: #c00; font-size: 6.5pt;
       padding: 0 .8mm; margin-left: 1mm; font-weight: 400; vertical-align: 1pt; line-height: 1.25; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .55mm 1.1mm; border-bottom: .4pt solid #ddd; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; font-weight: 700; border-bottom: .6pt solid #999; font-size: 8pt; }
td.l, th.l { text-align: left; }
.small { font-size: 7.5pt; color: #616161; }
/* floats, not flex: WeasyPrint lays a flex item out several times, tables included */
.clear { clear: both; height: 0; }
.two > div { float: left; width: 48.6%; }
.two > div + div { float: right; }
.prices td, .prices th { font-size: 7.6pt; padding: .35mm .8mm; }
.cat table { width: 52%; float: left; }
.cat > div { float: right; width: 45%; }
ul.alerts { margin: 0; padding-left: 4.5mm; }
ul.alerts li { margin: .4mm 0; }
.note { margin: 1mm 0 2mm; page-break-inside: avoid; }
.note .t { font-weight: 700; }
.note .x { color: #333; margin-top: .5mm; text-align: justify; }
svg.spark { vertical-align: middle; }
.foot { margin-top: 3mm; color: #616161; font-size: 7.5pt; border-top: .4pt solid #ccc; padding-top: 1mm; }
"""

# on every page after the first (the first shows the boxed mark under the margin)
SECRET_CSS = f"""
@page {{ @top-right {{ content: "{SECRET_MARK}"; font: 700 9pt "Noto Sans CJK SC";
                      color: #c00; }} }}
@page :first {{ @top-right {{ content: none; }} }}
"""


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes, line breaks and "<" escaped, so no text can
    end the string or the <style> element."""
    out = []
    for ch in text:
        if ch in '"\\<>' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _page_css(b: Briefing) -> str:
    """Running footer (bureau left, period right) on every page after the first."""
    foot = 'font: 8pt "Noto Sans CJK SC"; color: #555;'
    return (f"@page {{ @bottom-left {{ content: {css_string(b.bureau_name)}; {foot} }}"
            f" @bottom-right {{ content: {css_string(b.title + ' ' + b.period.label_zh)}; {foot} }} }}"
            "@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }")


def _tag(on: bool) -> str:
    return f'<span class="tag">{UNRELEASED}</span>' if on else ""


def _pct(v: float | None) -> str:
    return f'<span class="{tf.direction(v)}">{escape(tf.pct(v))}</span>'


def _mover_rows(movers: list[Mover], up: bool, per_row_tags: bool) -> str:
    if not movers:
        return f'<tr><td class="l" colspan="4">{"本期没有上涨的商品" if up else "本期没有下降的商品"}</td></tr>'
    colour = svg.UP if up else svg.DOWN
    rows = []
    for m in movers:
        i = m.item
        spark = svg.sparkline([v for _, v in m.spark], colour=colour)
        rows.append(
            f'<tr><td class="l">{escape(i.commodity)}{_tag(per_row_tags and i.unreleased)}</td>'
            f'<td>{tf.price(i.price)}<span class="small"> {escape(i.unit)}</span></td>'
            f"<td>{_pct(i.wow_pct)}</td><td>{spark}</td></tr>")
    return "".join(rows)


def _price_table(items: list[Item], per_row_tags: bool) -> str:
    # a <thead> is repeated by WeasyPrint on every page the table runs onto
    head = ('<thead><tr><th class="l">商品</th><th class="l">单位</th><th>本期</th><th>上期</th>'
            "<th>环比</th><th>去年同期</th><th>同比</th></tr></thead>")
    rows = []
    for i in items:
        rows.append(
            f'<tr><td class="l">{escape(i.commodity)}{_tag(per_row_tags and i.unreleased)}</td>'
            f'<td class="l">{escape(i.unit)}</td><td>{tf.price(i.price)}</td>'
            f"<td>{tf.price(i.prev_price)}</td><td>{_pct(i.wow_pct)}</td>"
            f"<td>{tf.price(i.yoy_price)}</td><td>{_pct(i.yoy_pct)}</td></tr>")
    return f'<table class="prices">{head}<tbody>{"".join(rows)}</tbody></table>'


def render(b: Briefing) -> str:
    """The whole document as an HTML string."""
    all_unrel = b.has_unreleased and all(i.unreleased for i in b.items)
    # when every figure is unreleased one mark per section says it; otherwise one per figure
    per_row = b.has_unreleased and not all_unrel
    sec_tag = _tag(all_unrel)
    out: list[str] = [f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
                      f"<title>{escape(b.bureau_name)} {escape(b.title)} {escape(b.period.label)}</title>"
                      f"<style>{CSS}{_page_css(b)}{SECRET_CSS if b.has_unreleased else ''}</style>"
                      "</head><body>"]
    if b.has_unreleased:
        out.append(f'<div class="secret">{SECRET_MARK}</div>')
    out.append(f'<div class="org">{escape(b.bureau_name)}</div>')
    out.append(f'<div class="doctitle">{escape(b.title)}</div>')
    out.append(f'<div class="issue">{escape(b.issue.text)}</div>')
    out.append(f'<div class="meta">监测单位：{escape(b.bureau_name)}　'
               f"监测日期：{escape(b.monitoring_dates)}　{tf.date_zh(b.generated_at)}印发</div>")
    out.append(f'<div class="meta small">{escape(b.period_text)} · {escape(b.variant_text)}</div>')
    out.append('<hr class="rule"><hr class="rule2">')

    s = b.summary
    out.append(f"<h2>一、总体情况{sec_tag}</h2>")
    out.append(f'<p class="headline">{escape(b.headline)}。{_tag(b.has_unreleased and not all_unrel)}</p>')
    out.append('<div class="breadth">'
               f'<span class="up">上涨 <b>{s["up"]}</b> 种</span>'
               f'<span class="down">下降 <b>{s["down"]}</b> 种</span>'
               f'<span class="flat">持平 <b>{s["flat"]}</b> 种</span>'
               f'<span>监测 <b>{s["n"]}</b> 种</span></div>')

    out.append(f"<h2>二、分类价格指数{sec_tag}</h2>")
    if not b.categories:
        out.append('<p class="small">本期没有可计算的分类指数。</p>')
    else:
        rows = "".join(
            f'<tr><td class="l">{escape(c.category)}{_tag(per_row and c.unreleased)}</td>'
            f"<td>{tf.index(c.index)}</td><td>{_pct(c.wow_pct)}</td></tr>" for c in b.categories)
        chart = svg.bars([(c.category, c.wow_pct) for c in b.categories], width=290)
        base = f"指数以{escape(b.index_base_zh)}为基期（=100）；" if b.index_base_zh else ""
        out.append(f'<div class="cat"><table><tr><th class="l">类别</th><th>指数</th>'
                   f"<th>环比</th></tr>{rows}</table><div>{chart}"
                   f'<div class="small">各类别指数环比（%）。{base}篮子权重取自商品目录。</div>'
                   '</div></div><div class="clear"></div>')

    out.append(f"<h2>三、涨跌幅居前的商品{sec_tag}</h2>")
    n_spark = max((len(m.spark) for m in b.movers_up + b.movers_down), default=0)
    trend = f"近{n_spark}期走势" if n_spark > 1 else "走势"
    head = ('<tr><th class="l">{}</th><th>本期均价</th><th>环比</th>'
            f'<th class="l">{trend}</th></tr>')
    out.append('<div class="two"><div><table>' + head.format("涨幅居前")
               + _mover_rows(b.movers_up, True, per_row) + "</table></div><div><table>"
               + head.format("跌幅居前") + _mover_rows(b.movers_down, False, per_row)
               + '</table></div></div><div class="clear"></div>')

    out.append(f"<h2>四、价格预警{sec_tag}</h2>")
    if not b.alerts:
        out.append("<p>本期没有触发预警。</p>")
    else:
        out.append('<ul class="alerts">' + "".join(
            f"<li>{escape(a.message)}{_tag(per_row and a.unreleased)}</li>" for a in b.alerts)
            + "</ul>")
        if not b.public and any(a.kind == "alps" for a in b.alerts):
            out.append(f'<p class="small">{escape(ALPS_EXPLAINED)}</p>')

    out.append("<h2>五、未报送市场</h2>")
    if b.missing_markets:
        out.append(f"<p>{escape('、'.join(b.missing_markets))} 本期未报送价格（上期有报送）。</p>")
    else:
        out.append("<p>上期报送的市场本期均已报送。</p>")

    out.append(f"<h2>六、主要商品价格及与上期、去年同期比较{sec_tag}</h2>")
    half = (len(b.items) + 1) // 2
    out.append('<div class="two"><div>' + _price_table(b.items[:half], per_row) + "</div><div>"
               + _price_table(b.items[half:], per_row) + '</div></div><div class="clear"></div>')
    out.append(f'<p class="small">{PRICE_NOTE}</p>')

    out.append("<h2>七、本期价格解读</h2>")
    if not b.notes:
        out.append("<p>本期暂无" + ("已发布的" if b.public else "已发布或已审核的") + "解读。</p>")
    for n in b.notes:
        status = f'<span class="tag">{escape(n.status_text)}</span>' if n.status != "published" else ""
        kind = f"〔{escape(n.kind)}〕" if n.kind else ""
        out.append(f'<div class="note"><div class="t">{kind}{escape(n.title)}{status}</div>'
                   f'<div class="x">{escape(n.excerpt)}</div></div>')

    foot = (f"说明：标有“{UNRELEASED}”的数字含尚未发布的数据，仅供内部参考，不得对外引用。"
            if b.has_unreleased else "本简报数据均已发布。" if b.public else "")
    out.append(f'<div class="foot">{escape(b.bureau_name)} 编制 · 数据来源：{escape(b.county_name)}'
               f"重点市场价格监测 · {foot}</div>")
    out.append("</body></html>")
    return "".join(out)
