"""The official county weekly form (layout (d)) as an .xlsx, built by code.

Sheet 「价格监测表」:
  row 1  title "<县>YYYY年第N周主要商品价格监测表" (the week dates the observations: its Monday)
  row 2  监测市场: <drop-down of the catalog's markets>   价格类型: <零售|批发>
  row 3  序号 | 类别 | 品名 | 规格等级 | 计量单位 | 本周价格 | 上周价格 | 环比(%) | 备注
  rows   one per catalog commodity, pre-filled; 品名 and 计量单位 have drop-down lists
  footer 填报单位 / 填报人 / 审核人 / 日期
Sheet 「目录」 (hidden) holds the lists the drop-downs point to. There are no formulas:
ingest never evaluates any, and 上周价格 / 环比 are for the person filling it in.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from pricewatch.config import PROJECT_ROOT, load_settings

UNITS = ("元/公斤", "元/斤", "元/500克", "元/个", "元/只", "元/盒", "元/袋", "元/箱", "元/把", "元/桶", "元/瓶")
HEADER = ("序号", "类别", "品名", "规格等级", "计量单位", "本周价格", "上周价格", "环比(%)", "备注")
TITLE = "{county}{year}年第{week}周主要商品价格监测表"


def _catalog(store: Any) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(category, name, spec, unit) per commodity and the market names."""
    if store is not None:
        from pricewatch.store import queries

        with store.read() as s:
            com = queries.catalog.commodities(s)
            mkt = queries.catalog.markets(s)
        items = [(r.category, r.name, r.spec or "", r.unit) for r in com.itertuples(index=False)]
        return items, list(mkt["name"])
    seed = PROJECT_ROOT / "data" / "catalog"
    with (seed / "commodities.csv").open(encoding="utf-8-sig") as fh:
        items = [(r["category"], r["name"], r.get("spec") or "", r.get("unit") or "元/公斤")
                 for r in csv.DictReader(fh)]
    with (seed / "markets.csv").open(encoding="utf-8-sig") as fh:
        markets = [r["name"] for r in csv.DictReader(fh)]
    return items, markets


def build_template(store: Any = None, *, year: int | None = None, week: int | None = None,
                   county: str | None = None) -> bytes:
    """The template as .xlsx bytes (for a download button)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    if year is None or week is None:
        y, w, _ = date.today().isocalendar()
        year, week = year or y, week or w
    county = county or load_settings(getattr(store, "path", None)).county_name
    items, markets = _catalog(store)
    wb = Workbook()
    ws = wb.active
    ws.title = "价格监测表"
    lists = wb.create_sheet("目录")
    for i, (_c, name, _s, _u) in enumerate(items, start=1):
        lists.cell(i, 1, name)
    for i, m in enumerate(markets, start=1):
        lists.cell(i, 2, m)
    for i, u in enumerate(UNITS, start=1):
        lists.cell(i, 3, u)
    lists.sheet_state = "hidden"

    ncol = len(HEADER)
    ws.cell(1, 1, TITLE.format(county=county, year=year, week=week))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.cell(2, 1, "监测市场：")
    ws.cell(2, 2, markets[0] if markets else "")
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=3)
    ws.cell(2, 4, "价格类型：")
    ws.cell(2, 5, "零售")
    thin = Side(style="thin", color="888888")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE7F3")
    for j, h in enumerate(HEADER, start=1):
        c = ws.cell(3, j, h)
        c.font = Font(bold=True)
        c.fill = head_fill
        c.border = box
        c.alignment = Alignment(horizontal="center")
    r = 4
    for i, (cat, name, spec, unit) in enumerate(items, start=1):
        for j, v in enumerate((i, cat, name, spec, unit), start=1):
            ws.cell(r, j, v).border = box
        for j in range(6, ncol + 1):
            ws.cell(r, j).border = box
            if j in (6, 7):
                ws.cell(r, j).number_format = "0.00"
        r += 1
    last = r - 1
    n_items = max(len(items), 1)
    dv_name = DataValidation(type="list", formula1=f"=目录!$A$1:$A${n_items}", allow_blank=True,
                             showErrorMessage=False)
    dv_market = DataValidation(type="list", formula1=f"=目录!$B$1:$B${max(len(markets), 1)}",
                               allow_blank=False, showErrorMessage=True,
                               errorTitle="市场", error="请从下拉列表选择监测市场")
    dv_unit = DataValidation(type="list", formula1=f"=目录!$C$1:$C${len(UNITS)}", allow_blank=False,
                             showErrorMessage=True, errorTitle="计量单位", error="请从下拉列表选择计量单位")
    dv_type = DataValidation(type="list", formula1='"零售,批发"', allow_blank=False)
    dv_price = DataValidation(type="decimal", operator="greaterThan", formula1="0", allow_blank=True,
                              showErrorMessage=True, errorTitle="价格", error="价格须为大于 0 的数字；未采价请留空")
    for dv in (dv_name, dv_market, dv_unit, dv_type, dv_price):
        ws.add_data_validation(dv)
    dv_name.add(f"C4:C{last + 50}")
    dv_unit.add(f"E4:E{last + 50}")
    dv_market.add("B2")
    dv_type.add("E2")
    dv_price.add(f"F4:G{last + 50}")
    foot = last + 2
    for j, label in ((1, "填报单位："), (3, "填报人："), (5, "审核人："), (7, "日期：")):
        ws.cell(foot, j, label)
    ws.cell(foot + 1, 1, "说明：价格只填数字；未采到价格请留空；单位不同时请在计量单位中选择。")
    for col, width in zip("ABCDEFGHI", (6, 10, 16, 14, 10, 11, 11, 9, 16), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_template(path: str | Path, store: Any = None, **kw: Any) -> Path:
    p = Path(path)
    p.write_bytes(build_template(store, **kw))
    return p
