"""Demo data: a deterministic generator of realistic weekly county price uploads.

``generate()`` writes one spreadsheet per ISO week into data/sample/ (a long table:
日期, 市场, 类别, 品名, 规格, 单位, 价格; the weeks in FORM_WEEKS on the county weekly form
instead, with the same prices), 2023-W48 .. 2026-W48, for 4 markets: two 农贸市场,
a supermarket and the county wholesale market (which quotes vegetables and fruit in
元/斤, as wholesale markets do). Prices follow a per-category season, the pork cycle, a slow
trend and noise; a few weekly reports are missing; one week is corrected by a later file.
The same seed always gives the same values (only the xlsx save timestamps differ).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .config import PROJECT_ROOT
from .periods import week

SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
FIRST_WEEK = (2023, 48)
LAST_WEEK = (2026, 48)
SEED = 20261125

#: base retail price (元 per canonical unit) at the 城关农贸市场
BASE = {
    "大米": 6.2, "面粉": 5.0, "挂面": 8.0, "大豆油": 72.0, "花生油": 128.0, "菜籽油": 88.0,
    "猪肉(五花)": 28.0, "猪肉(精瘦肉)": 30.0, "排骨": 42.0, "牛肉": 78.0, "羊肉": 82.0,
    "白条鸡": 20.0, "鸡蛋": 10.4, "鸭蛋": 14.0,
    "大白菜": 2.4, "油菜": 5.2, "菠菜": 8.0, "芹菜": 5.0, "韭菜": 7.0, "生菜": 6.4, "黄瓜": 6.0,
    "西红柿": 7.0, "茄子": 6.4, "青椒": 7.0, "土豆": 4.0, "白萝卜": 2.6, "胡萝卜": 4.0, "洋葱": 3.6,
    "冬瓜": 2.6, "豆角": 9.0, "大蒜": 10.0, "生姜": 12.0, "莲藕": 8.0,
    "苹果": 10.0, "香蕉": 7.0, "梨": 7.0, "橙子": 9.0, "葡萄": 14.0, "西瓜": 4.0, "猕猴桃": 14.0,
    "柑橘": 6.0,
    "草鱼": 18.0, "鲤鱼": 16.0, "鲢鱼": 12.0, "鲫鱼": 22.0, "带鱼": 32.0, "基围虾": 70.0,
}
CATEGORY = {
    **dict.fromkeys(["大米", "面粉", "挂面", "大豆油", "花生油", "菜籽油"], "粮油"),
    **dict.fromkeys(["猪肉(五花)", "猪肉(精瘦肉)", "排骨", "牛肉", "羊肉", "白条鸡", "鸡蛋", "鸭蛋"], "肉禽蛋"),
    **dict.fromkeys(["苹果", "香蕉", "梨", "橙子", "葡萄", "西瓜", "猕猴桃", "柑橘"], "水果"),
    **dict.fromkeys(["草鱼", "鲤鱼", "鲢鱼", "鲫鱼", "带鱼", "基围虾"], "水产品"),
}
UNIT = {"大豆油": "元/桶", "花生油": "元/桶", "菜籽油": "元/桶"}
SPEC = {"大米": "粳米 一级", "面粉": "富强粉", "大豆油": "5L桶装", "花生油": "5L桶装", "菜籽油": "5L桶装",
        "猪肉(五花)": "鲜五花肉", "猪肉(精瘦肉)": "后腿精瘦肉", "苹果": "富士 一级"}


@dataclass(frozen=True)
class Market:
    name: str
    factor: float
    price_type: str
    per_jin: bool  # quotes produce in 元/斤


MARKETS = (
    Market("城关农贸市场", 1.00, "retail", False),
    Market("城南农贸市场", 0.98, "retail", False),
    Market("惠民超市", 1.09, "retail", False),
    Market("县农产品批发市场", 0.76, "wholesale", True),
)
#: (year, week) -> markets that did not report that week
MISSING = {(2024, 9): {"城南农贸市场"}, (2025, 6): {"惠民超市"}, (2025, 33): {"城南农贸市场"},
           (2026, 21): {"县农产品批发市场"}, (2026, 48): {"城南农贸市场"}}
CORRECTED_WEEK = (2026, 40)
CORRECTIONS = {("猪肉(五花)", "城关农贸市场"): 0.4, ("鸡蛋", "惠民超市"): -0.3}


def category(name: str) -> str:
    return CATEGORY.get(name, "蔬菜")


def _season(name: str, t: float, woy: int) -> float:
    """Multiplicative seasonal and cyclical factor for week-of-year ``woy``, years ``t``."""
    cat = category(name)
    ang = 2 * math.pi * woy / 52.0
    if cat == "蔬菜":
        return 1 + 0.22 * math.cos(ang - 2 * math.pi * 5 / 52)
    if cat == "水果":
        return 1 + 0.12 * math.cos(ang - 2 * math.pi * 18 / 52)
    if cat == "水产品":
        return 1 + 0.05 * math.cos(ang - 2 * math.pi * 5 / 52)
    if name.startswith("猪肉") or name == "排骨":
        return 1 + 0.18 * math.sin(2 * math.pi * t / 3.2 + 0.6)
    if name in ("鸡蛋", "鸭蛋"):
        return 1 + 0.08 * math.cos(ang - 2 * math.pi * 36 / 52)
    if cat == "粮油":
        return 1 + 0.015 * t
    return 1 + 0.03 * t


def weeks() -> list[tuple[int, int]]:
    out, d = [], week(*FIRST_WEEK).start
    end = week(*LAST_WEEK).start
    while d <= end:
        y, w, _ = d.isocalendar()
        out.append((y, w))
        d += timedelta(weeks=1)
    return out


def _rows_for(rng: random.Random, drift: dict[str, float], y: int, w: int, t: float) -> list[list]:
    day = week(y, w).start
    rows = []
    for name, base in BASE.items():
        drift[name] = 0.85 * drift[name] + rng.gauss(0, 0.025 if category(name) in ("蔬菜", "水果") else 0.01)
        level = base * _season(name, t, w) * (1 + drift[name])
        for m in MARKETS:
            if m.name in MISSING.get((y, w), set()):
                continue
            if m.price_type == "wholesale" and category(name) == "粮油":
                continue
            p = level * m.factor * (1 + rng.gauss(0, 0.015))
            unit = UNIT.get(name, "元/公斤")
            if m.per_jin and category(name) in ("蔬菜", "水果"):
                p, unit = p / 2, "元/斤"
            if m.name == "惠民超市" and p > 10:
                p = math.floor(p) + 0.98  # shelf pricing
            rows.append([day, m.name, category(name), name, SPEC.get(name, ""), unit, round(p, 2),
                         "批发" if m.price_type == "wholesale" else "零售"])
    return rows


HEADER = ["日期", "市场", "类别", "品名", "规格", "单位", "价格", "价格类型"]


def _write(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "价格"
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    for cell in ws["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    wb.save(path)


#: weeks filed on the county weekly form (layout (d) of the ingest) instead of a long table:
#: the same prices, so the demo shows both layouts and builds the same database
FORM_WEEKS = frozenset((2024, w) for w in range(1, 14))
COUNTY = "示范县"


def _write_form(path: Path, y: int, w: int, rows: list[list], prev: dict[tuple[str, str], float]) -> None:
    """The week on the county form: one sheet per price type, a column group per market
    (本周价格 | 上周价格 | 环比(%)), category headings, a footer with who filed it and when."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, ptype in (("零售", "零售"), ("批发", "批发")):
        part = [r for r in rows if r[7] == ptype]
        markets = list(dict.fromkeys(r[1] for r in part))
        names = list(dict.fromkeys(r[3] for r in part))
        price = {(r[3], r[1]): r[6] for r in part}
        unit = {r[3]: r[5] for r in part}
        ws = wb.create_sheet(sheet)
        width = 5 + 3 * len(markets)
        ws.append([f"{COUNTY}{y}年第{w}周主要商品价格监测表"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append([f"价格类型：{ptype}"])
        group = [""] * 5
        for m in markets:
            group += [m, None, None]
        ws.append(group)
        for i, _m in enumerate(markets):
            col = 6 + 3 * i
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 2)
        ws.append(["序号", "类别", "品名", "规格等级", "计量单位"] + ["本周价格", "上周价格", "环比(%)"] * len(markets))
        heads = "一二三四五六七八"
        cat, n, k = None, 0, 0
        for name in names:
            if category(name) != cat:
                cat = category(name)
                ws.append([f"{heads[k]}、{cat}"])
                k += 1
            n += 1
            line = [n, "", name, SPEC.get(name, ""), unit[name]]
            for m in markets:
                p, q = price.get((name, m)), prev.get((name, m))
                line += [p, q, round((p / q - 1) * 100, 1) if p is not None and q else None]
            ws.append(line)
        ws.append([])
        filed = week(y, w).start + timedelta(days=1)  # filed on the Tuesday
        ws.append(["填报单位：示范县商务局内贸股", "", "", "填报人：王芳", "", "审核人：李明", "",
                   f"日期：{filed.year}年{filed.month}月{filed.day}日"])
    wb.save(path)


def generate(out_dir: Path = SAMPLE_DIR) -> list[Path]:
    """Write the sample uploads; returns their paths in upload order."""
    rng = random.Random(SEED)
    drift = dict.fromkeys(BASE, 0.0)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = week(*FIRST_WEEK).start
    paths = []
    prev: dict[tuple[str, str], float] = {}
    corrected_rows: list[list] = []
    for y, w in weeks():
        t = (week(y, w).start - t0).days / 365.25
        rows = _rows_for(rng, drift, y, w, t)
        path = out_dir / f"{y}-W{w:02d}_价格监测.xlsx"
        if (y, w) in FORM_WEEKS:
            _write_form(path, y, w, rows, prev)
        else:
            _write(path, rows)
        prev = {(r[3], r[1]): r[6] for r in rows}
        paths.append(path)
        if (y, w) == CORRECTED_WEEK:
            corrected_rows = [list(r) for r in rows]
    # the correction: the week resubmitted a fortnight later with two prices fixed
    for r in corrected_rows:
        delta = CORRECTIONS.get((r[3], r[1]))
        if delta is not None:
            r[6] = round(r[6] + delta, 2)
    y, w = CORRECTED_WEEK
    path = out_dir / f"{y}-W{w:02d}_价格监测_更正.xlsx"
    _write(path, corrected_rows)
    paths.insert(paths.index(out_dir / f"{y}-W{w + 2:02d}_价格监测.xlsx") + 1, path)
    return paths


def sample_files(sample_dir: Path = SAMPLE_DIR) -> list[Path]:
    """The committed sample uploads in the order they were filed (a correction after its week+2)."""
    files = sorted(p for p in sample_dir.glob("*.xlsx") if "更正" not in p.name)
    for corr in sorted(sample_dir.glob("*更正*.xlsx")):
        y, w = corr.name.split("_")[0].split("-W")
        after = sample_dir / f"{y}-W{int(w) + 2:02d}_价格监测.xlsx"
        files.insert(files.index(after) + 1 if after in files else len(files), corr)
    return files


def newest_week_start(sample_dir: Path = SAMPLE_DIR) -> date:
    return week(*LAST_WEEK).start


if __name__ == "__main__":
    for p in generate():
        print(p)
