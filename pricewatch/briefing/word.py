"""The briefing as an editable Word file (python-docx), with the same content as the PDF.

Chinese text needs the East Asian font slot (``w:rFonts/@w:eastAsia``) set explicitly, or
Word falls back to a Western font for it; every style and run used here sets it. The fonts
are ones every Chinese Windows installation has (宋体 for text, 黑体 for headings); Word and
WPS substitute them elsewhere. Sparklines become a row of block characters (▁▂▃▅▇), which
stay editable text. Page numbers are Word fields (PAGE, NUMPAGES) in the footer; the
内部资料 注意保密 mark sits in the header of every page when unreleased data are included.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .. import textfmt as tf
from ..indicators.alps import ALPS_EXPLAINED
from .model import PRICE_NOTE, SECRET_MARK, UNRELEASED, Briefing, Item, Mover

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)
UP = RGBColor(0xC6, 0x28, 0x28)
DOWN = RGBColor(0x2E, 0x7D, 0x32)
BLOCKS = "▁▂▃▄▅▆▇"


def _fonts(rpr_owner, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and the East Asian font of a run or a style (w:rFonts)."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr, val in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia),
                      ("w:cs", latin)):
        rfonts.set(qn(attr), val)


def _run(p: Paragraph, text: str, *, bold: bool = False, size: float | None = None,
         colour: RGBColor | None = None, font: str = BODY_FONT) -> Run:
    r = p.add_run(text)
    r.bold = bold
    if size:
        r.font.size = Pt(size)
    if colour is not None:
        r.font.color.rgb = colour
    _fonts(r._r, font)
    return r


def _tag(p: Paragraph, on: bool) -> None:
    if on:
        _run(p, f" [{UNRELEASED}]", size=7, colour=RED)


def _pct_run(p: Paragraph, v: float | None, size: float = 8) -> None:
    colour = UP if v is not None and v > 0 else DOWN if v is not None and v < 0 else None
    _run(p, tf.pct(v), size=size, colour=colour)


def spark_text(values: list[float]) -> str:
    """Values as block characters, lowest ▁ to highest ▇ (a flat series is all ▄)."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return BLOCKS[3] * len(values)
    return "".join(BLOCKS[round((v - lo) / (hi - lo) * (len(BLOCKS) - 1))] for v in values)


def _field(p: Paragraph, instr: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the page out."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)


def _heading(doc, text: str, tag: bool = False) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.space_after = Pt(3)
    p.paragraph_format.keep_with_next = True
    _run(p, text, bold=True, size=12, font=HEAD_FONT)
    _tag(p, tag)


def _cell(cell, text: str, *, align_right: bool = True, bold: bool = False, size: float = 8,
          colour: RGBColor | None = None) -> Paragraph:
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align_right else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.space_after = Pt(0)
    _run(p, text, bold=bold, size=size, colour=colour)
    return p


def _table(doc, header: list[str], n_rows: int):
    t = doc.add_table(rows=1 + n_rows, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for k, h in enumerate(header):
        _cell(t.rows[0].cells[k], h, align_right=k > 0, bold=True)
    return t


def _movers(doc, title: str, movers: list[Mover], per_row: bool) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(2)
    _run(p, title, bold=True, size=9.5)
    if not movers:
        _run(p, "：无", size=9.5)
        return
    n = max(len(m.spark) for m in movers)
    t = _table(doc, ["商品", "本期均价", "环比", f"近{n}期走势" if n > 1 else "走势"], len(movers))
    for row, m in zip(t.rows[1:], movers, strict=True):
        i = m.item
        _tag(_cell(row.cells[0], i.commodity, align_right=False), per_row and i.unreleased)
        _cell(row.cells[1], f"{tf.price(i.price)} {i.unit}")
        _pct_run(_cell(row.cells[2], ""), i.wow_pct)
        _cell(row.cells[3], spark_text([v for _, v in m.spark]), align_right=False,
              colour=UP if (i.wow_pct or 0) > 0 else DOWN)


def _prices(doc, items: list[Item], per_row: bool) -> None:
    t = _table(doc, ["商品", "单位", "本期", "上期", "环比", "去年同期", "同比"], len(items))
    for row, i in zip(t.rows[1:], items, strict=True):
        _tag(_cell(row.cells[0], i.commodity, align_right=False), per_row and i.unreleased)
        _cell(row.cells[1], i.unit, align_right=False)
        _cell(row.cells[2], tf.price(i.price))
        _cell(row.cells[3], tf.price(i.prev_price))
        _pct_run(_cell(row.cells[4], ""), i.wow_pct)
        _cell(row.cells[5], tf.price(i.yoy_price))
        _pct_run(_cell(row.cells[6], ""), i.yoy_pct)


def render(b: Briefing) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(20)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(18)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10)
    _fonts(normal.element, BODY_FONT)
    doc.core_properties.title = f"{b.bureau_name}{b.title} {b.period.label}"
    doc.core_properties.author = b.bureau_name

    all_unrel = b.has_unreleased and all(i.unreleased for i in b.items)
    per_row = b.has_unreleased and not all_unrel
    if b.has_unreleased:
        hp = sec.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(hp, SECRET_MARK, bold=True, size=10, colour=RED, font=HEAD_FONT)
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(fp, "第 ", size=8)
    _field(fp, "PAGE")
    _run(fp, " 页 共 ", size=8)
    _field(fp, "NUMPAGES")
    _run(fp, " 页", size=8)

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, b.bureau_name, bold=True, size=24, colour=RED)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, b.title, bold=True, size=15, font=HEAD_FONT)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, b.issue.text, size=10.5)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, f"监测单位：{b.bureau_name}　监测日期：{b.monitoring_dates}　"
            f"{tf.date_zh(b.generated_at)}印发", size=9)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, f"{b.period_text} · {b.variant_text}", size=8)
    _rule(p)

    s = b.summary
    _heading(doc, "一、总体情况", all_unrel)
    p = doc.add_paragraph()
    _run(p, b.headline + "。", bold=True, size=11)
    _tag(p, per_row)
    p = doc.add_paragraph()
    _run(p, f"上涨 {s['up']} 种", colour=UP)
    _run(p, f"    下降 {s['down']} 种", colour=DOWN)
    _run(p, f"    持平 {s['flat']} 种    监测 {s['n']} 种")

    _heading(doc, "二、分类价格指数", all_unrel)
    if not b.categories:
        doc.add_paragraph("本期没有可计算的分类指数。")
    else:
        t = _table(doc, ["类别", "指数", "环比"], len(b.categories))
        for row, c in zip(t.rows[1:], b.categories, strict=True):
            _tag(_cell(row.cells[0], c.category, align_right=False), per_row and c.unreleased)
            _cell(row.cells[1], tf.index(c.index))
            _pct_run(_cell(row.cells[2], ""), c.wow_pct)
        if b.index_base_zh:
            p = doc.add_paragraph()
            _run(p, f"指数以{b.index_base_zh}为基期（=100）；篮子权重取自商品目录。", size=8)

    _heading(doc, "三、涨跌幅居前的商品", all_unrel)
    _movers(doc, "涨幅居前", b.movers_up, per_row)
    _movers(doc, "跌幅居前", b.movers_down, per_row)

    _heading(doc, "四、价格预警", all_unrel)
    if not b.alerts:
        doc.add_paragraph("本期没有触发预警。")
    for a in b.alerts:
        p = doc.add_paragraph(style="List Bullet")
        _run(p, a.message)
        _tag(p, per_row and a.unreleased)
    if not b.public and any(a.kind == "alps" for a in b.alerts):
        _run(doc.add_paragraph(), ALPS_EXPLAINED, size=8)

    _heading(doc, "五、未报送市场")
    doc.add_paragraph(f"{'、'.join(b.missing_markets)} 本期未报送价格（上期有报送）。"
                      if b.missing_markets else "上期报送的市场本期均已报送。")

    _heading(doc, "六、主要商品价格及与上期、去年同期比较", all_unrel)
    _prices(doc, b.items, per_row)
    p = doc.add_paragraph()
    _run(p, PRICE_NOTE, size=8)

    _heading(doc, "七、本期价格解读")
    if not b.notes:
        doc.add_paragraph("本期暂无" + ("已发布的" if b.public else "已发布或已审核的") + "解读。")
    for n in b.notes:
        p = doc.add_paragraph()
        _run(p, (f"〔{n.kind}〕" if n.kind else "") + n.title, bold=True)
        if n.status != "published":
            _run(p, f" [{n.status_text}]", size=8, colour=RED)
        doc.add_paragraph(n.excerpt)

    p = doc.add_paragraph()
    note = (f"说明：标有“{UNRELEASED}”的数字含尚未发布的数据，仅供内部参考，不得对外引用。"
            if b.has_unreleased else "本简报数据均已发布。" if b.public else "")
    _run(p, f"{b.bureau_name} 编制 · 数据来源：{b.county_name}重点市场价格监测 · {note}", size=8)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _rule(p: Paragraph) -> None:
    """A red double line under the title block (a paragraph bottom border)."""
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "thinThickSmallGap"), ("w:sz", "18"), ("w:space", "4"),
                 ("w:color", "C00000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)
