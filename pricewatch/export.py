"""Export the canonical observations: csv, xlsx or json, one row per observation.

Columns: date, market, commodity, category, unit, price, price_type, upload_id, revision,
released. ``public=True`` reads only the released public view (invariant 1); otherwise
the staff view (the newest revision of everything).

What a file shows (:func:`present`): Chinese headers and values by default (日期, 市场, …;
零售/批发), English with ``lang="en"``; the internal columns (upload_id, revision, released)
only in a staff export.

Formula injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with ``'`` so a spreadsheet shows it as text and never runs
it (a market named ``=HYPERLINK(...)`` stays a name). Numbers are never touched: they
stay numbers in every format (a negative number is a number, not a formula).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from .errors import InputError
from .names import Names
from .names import load as load_names
from .store import Store, queries

COLUMNS = ["date", "market", "commodity", "category", "unit", "price", "price_type", "upload_id",
           "revision", "released"]
INTERNAL = ("upload_id", "revision", "released")
FORMATS = ("csv", "xlsx", "json")
LANGS = ("zh", "en")
#: column -> its header in a Chinese file (an English file keeps the column names)
HEADERS_ZH = {"date": "日期", "market": "市场", "commodity": "商品", "category": "分类", "unit": "单位",
              "price": "价格", "price_type": "价格类型", "upload_id": "上传编号", "revision": "修订次数",
              "released": "已发布"}
PRICE_TYPES_ZH = {"retail": "零售", "wholesale": "批发"}
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportQuery:
    public: bool = True
    start: date | None = None
    end: date | None = None
    commodities: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()


def neutralise(value: Any) -> Any:
    """'=1+1' -> "'=1+1"; numbers, dates and safe text unchanged."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def frame(store: Store, q: ExportQuery) -> pd.DataFrame:
    if q.start and q.end and q.start > q.end:
        raise InputError(f"起始日期 {q.start} 晚于结束日期 {q.end}", "请交换 --from 和 --to")
    with store.read() as s:
        df = queries.observations.observations(
            s, "public" if q.public else "staff", start=q.start, end=q.end,
            commodities=list(q.commodities), markets=list(q.markets))
    df["date"] = pd.to_datetime(df["date"]).dt.date
    return df[COLUMNS]


def present(df: pd.DataFrame, lang: str = "zh", internal: bool = False,
            names: Names | None = None) -> pd.DataFrame:
    """The rows as a file shows them: internal columns only when ``internal`` (staff), and in
    Chinese (headers, 零售/批发, 是/否) unless ``lang`` is "en"; in English the catalog names
    (market, commodity, category, unit) are the English ones of ``names`` where set."""
    if lang not in LANGS:
        raise InputError(f"不支持的语言「{lang}」", "可选：zh（中文，默认）或 en（English）")
    out = df[[c for c in df.columns if internal or c not in INTERNAL]].copy()
    if lang == "en":
        return names.frame(out, lang, ("market", "commodity", "category", "unit")) if names else out
    if "price_type" in out:
        out["price_type"] = out["price_type"].map(lambda v: PRICE_TYPES_ZH.get(v, v))
    if "released" in out:
        out["released"] = out["released"].map(lambda v: "是" if v else "否")
    return out.rename(columns=HEADERS_ZH)


def safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def render(df: pd.DataFrame, fmt: str) -> bytes:
    """The bytes of a download in ``fmt`` (csv is UTF-8 with BOM so Excel shows Chinese)."""
    if fmt not in FORMATS:
        raise InputError(f"不支持的导出格式「{fmt}」", f"可选：{', '.join(FORMATS)}")
    out = safe(df)
    if fmt == "csv":
        return out.to_csv(index=False).encode("utf-8-sig")
    if fmt == "json":
        records = [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()}
                   for r in out.to_dict(orient="records")]
        return json.dumps(records, ensure_ascii=False, default=str).encode("utf-8")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        out.to_excel(xw, index=False, sheet_name="价格数据")
        ws = xw.sheets["价格数据"]
        for cell in ws["A"][1:]:  # the date column comes first in every language
            cell.number_format = "yyyy-mm-dd"
    return buf.getvalue()


def export(store: Store, q: ExportQuery, fmt: str, lang: str = "zh") -> bytes:
    """The file of ``q`` in ``fmt``: a public export without the internal columns."""
    names = load_names(store) if lang == "en" else None
    return render(present(frame(store, q), lang, internal=not q.public, names=names), fmt)
