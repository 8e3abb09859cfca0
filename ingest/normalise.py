"""Cells to values: header synonyms, numbers, dates and units.

Pure functions with no store access, so they run inside the parser child process too.

Dates understood by :func:`parse_date` (``year`` is the year taken from context: ``--date``
or the sheet's title; without it a date that lacks a year is reported, never guessed):

* real Excel dates and datetimes (the time is dropped);
* Excel serial numbers 20000..80000 (origin 1899-12-30, as Excel's 1900 system);
* ``2024-05-01``, ``2024/5/1``, ``2024.5.1``, ``2024年5月1日``, ``20240501``, each optionally
  followed by a time;
* ``5月1日`` and English ``Sep.21th`` / ``Oct 5`` / ``Nov.2nd`` with the year from context;
* ISO weeks ``2024-W18`` and ``2024年第18周`` (``第18周`` with the year from context):
  dated the Monday of that week (2024年第18周 -> 2024-04-29).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

#: canonical field -> header texts (compared after :func:`header_key`)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "发布日期", "采价日期", "监测日期", "调查日期", "报价日期", "时间", "date",
             "采集日期", "填报日期"),
    "market": ("市场", "市场名称", "监测点", "采价点", "监测市场", "农贸市场", "market", "市场/超市"),
    "commodity": ("品名", "商品", "商品名称", "品种", "名称", "产品", "产品名称", "品目", "commodity",
                  "product", "item", "商品名"),
    "spec": ("规格", "规格等级", "等级", "规格型号", "规格/等级", "spec", "grade", "产地"),
    "unit": ("单位", "计量单位", "unit", "价格单位"),
    "price": ("价格", "本周价格", "本期价格", "当日价格", "今日价格", "平均价", "均价", "平均价格",
              "零售价", "零售价格", "批发价", "批发价格", "price", "avg", "average"),
    "low": ("最低价", "最低价格", "最低", "low", "min", "minprice"),
    "high": ("最高价", "最高价格", "最高", "high", "max", "maxprice"),
    "price_type": ("价格类型", "价格种类", "pricetype", "price_type"),
    "category": ("类别", "分类", "大类", "商品类别", "category"),
    "currency": ("currency", "币种"),
    # recognised so they are not mistaken for markets or dates; their values are not loaded
    "ignore": ("序号", "上周价格", "上期价格", "环比", "环比(%)", "同比", "同比(%)", "备注", "涨跌",
               "涨跌幅", "latitude", "longitude", "admin1", "admin2", "priceflag", "usdprice",
               "变动", "上周", "说明"),
}
_LOOKUP = {k: field for field, keys in SYNONYMS.items() for k in keys}

FOOTER_WORDS = ("填报单位", "填报人", "审核人", "负责人", "制表", "填表", "填报日期", "报送日期",
                "备注", "说明", "注:", "注：")

_BRACKET = re.compile(r"^(.*?)[（(\[](.*)[)）\]]$")


_WS = re.compile(r"\s+")
_BLANKS = " \t\r\n\ufeff\u200b\u3000\xa0"


@lru_cache(maxsize=200_000)
def _clean_str(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).replace("\ufeff", "").replace("\u200b", "")
    return _WS.sub(" ", s).strip()


def clean_text(value: Any) -> str:
    """Cell text with NFKC folding, stray BOMs removed and runs of spaces collapsed.

    Cached per distinct string: a sheet repeats the same names, markets and units."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return _clean_str(str(value))


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip(_BLANKS)
    if isinstance(value, float):
        return math.isnan(value)
    return False


def header_key(text: Any) -> str:
    return clean_text(text).lower().replace(" ", "").replace("：", ":").rstrip(":")


def classify_header(text: Any) -> tuple[str | None, str | None]:
    """(field, unit) for a header cell: '价格(元/公斤)' -> ('price', '元/公斤')."""
    from pricewatch.catalog import parse_unit

    key = header_key(text)
    if not key:
        return None, None
    if key in _LOOKUP:
        return _LOOKUP[key], None
    m = _BRACKET.match(key)
    if m and m.group(1) in _LOOKUP:
        inner = m.group(2)
        return _LOOKUP[m.group(1)], inner if parse_unit(inner) else None
    for sep in ("/", "／"):
        base, _, tail = key.partition(sep)
        if tail and base in _LOOKUP and _LOOKUP[base] == "price" and parse_unit(tail):
            return "price", tail
    if key.startswith("#"):
        return None, None
    return None, None


# -- numbers -----------------------------------------------------------------------
#: cells that say "not reported" (NFKC has already folded the full-width '－' to '-')
NOT_REPORTED = frozenset(("", "-", "—", "/", "\\", "--", "——", "―", "─", "－", "无", "n/a", "NA", "na",
                          "未采", "未采价", "未采集", "缺货", "无货", "暂无", "停售", "断货", "未报", "x", "X", "×"))
_NUM = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(?:[（(]\s*([^()（）]*?)\s*[)）]|/?\s*([^\d\s()（）]+))?$")


def parse_number(value: Any) -> tuple[float | None, str | None, bool]:
    if isinstance(value, str):
        return _parse_number_str(value)
    return _parse_number(value)


@lru_cache(maxsize=200_000)
def _parse_number_str(value: str) -> tuple[float | None, str | None, bool]:
    return _parse_number(value)


def _parse_number(value: Any) -> tuple[float | None, str | None, bool]:
    """(number, unit written beside it, readable).

    Blank -> (None, None, True). '7.00' -> 7.0; '1,234' -> 1234; '1,30' -> 1.3 (a decimal
    comma: thousands groups have three digits); '2.7（个）' -> (2.7, '个');
    '12元' -> 12; 'abc' -> (None, None, False). Booleans are not numbers.
    """
    if value is None:
        return None, None, True
    if isinstance(value, bool):
        return None, None, False
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None, None, True
        return float(value), None, True
    s = clean_text(value)
    if s in NOT_REPORTED:
        return None, None, True
    s = s.replace("¥", "").replace("￥", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")  # thousands separators: 1,234.5
    elif re.fullmatch(r"[-+]?\d+,\d{1,2}", s):
        s = s.replace(",", ".")  # a decimal comma (semicolon-separated files): 1,30
    s = s.removesuffix("元")
    m = _NUM.match(s)
    if not m:
        return None, None, False
    unit = m.group(2) or m.group(3)
    return float(m.group(1)), (unit or None), True


# -- dates -------------------------------------------------------------------------
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_YMD = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
_YW = re.compile(r"(?<!\d)(\d{4})\s*-?\s*W(\d{1,2})(?!\d)", re.IGNORECASE)
_YW_ZH = re.compile(r"(\d{4})\s*年\s*(?:度\s*)?第\s*(\d{1,2})\s*周")
_W_ZH = re.compile(r"第\s*(\d{1,2})\s*周")
_MD_ZH = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_EN = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*(\d{1,2})"
                 r"(?:st|nd|rd|th)?\b(?:,?\s*(\d{4}))?", re.IGNORECASE)
_EN_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                     r"[a-z]*\.?(?:,?\s*(\d{4}))?", re.IGNORECASE)
_YMD8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
EXCEL_EPOCH = date(1899, 12, 30)


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _monday(y: int, w: int) -> date | None:
    try:
        return date.fromisocalendar(y, w, 1)
    except ValueError:
        return None


def parse_date(value: Any, year: int | None = None) -> tuple[date | None, str | None]:
    """(date, problem): problem is None, "no_year" (a day without a year and no context year)
    or "unreadable"."""
    if isinstance(value, str):
        return _parse_date_str(value, year)
    return _parse_date(value, year)


@lru_cache(maxsize=50_000)
def _parse_date_str(value: str, year: int | None) -> tuple[date | None, str | None]:
    return _parse_date(value, year)


def _parse_date(value: Any, year: int | None = None) -> tuple[date | None, str | None]:
    if value is None:
        return None, "unreadable"
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date(), None
    if isinstance(value, bool):
        return None, "unreadable"
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None, "unreadable"
        if 20000 <= value <= 80000:
            return EXCEL_EPOCH + timedelta(days=int(value)), None
        m = _YMD8.match(str(int(value))) if float(value).is_integer() else None
        if m:
            d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return (d, None) if d else (None, "unreadable")
        return None, "unreadable"
    s = clean_text(value)
    if not s:
        return None, "unreadable"
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return parse_date(float(s), year)
    m = _YMD8.match(s)
    if m:
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return (d, None) if d else (None, "unreadable")
    k = xun_in(s, year)
    if k is not None:
        return (k[0], None) if k[0] is not None else (None, k[1])
    m = _YMD.search(s)
    if m:
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return (d, None) if d else (None, "unreadable")
    m = _YW.search(s) or _YW_ZH.search(s)
    if m:
        d = _monday(int(m.group(1)), int(m.group(2)))
        return (d, None) if d else (None, "unreadable")
    m = _W_ZH.search(s)
    if m:
        if year is None:
            return None, "no_year"
        d = _monday(year, int(m.group(1)))
        return (d, None) if d else (None, "unreadable")
    m = _MD_ZH.search(s)
    if m:
        if year is None:
            return None, "no_year"
        d = _mk(year, int(m.group(1)), int(m.group(2)))
        return (d, None) if d else (None, "unreadable")
    for rx, mi, di in ((_EN, 1, 2), (_EN_DMY, 2, 1)):
        m = rx.search(s)
        if m:
            y = int(m.group(3)) if m.group(3) else year
            if y is None:
                return None, "no_year"
            d = _mk(y, _MONTHS[m.group(mi)[:3].lower()], int(m.group(di)))
            return (d, None) if d else (None, "unreadable")
    return None, "unreadable"


_XUN = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:份)?\s*(上|中|下)\s*旬")
_YMD_RANGE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*(?:-|~|～|—|至|到)\s*"
                        r"(?:\d{1,2}\s*月\s*)?\d{1,2}\s*日")
_YM = re.compile(r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月(?:份)?|[-/.](\d{1,2}))(?![\d.\-/日号])")


_XUN_CELL = re.compile(r"^(?:(\d{4})\s*(?:年|[-/.])\s*)?(\d{1,2})\s*(?:月(?:份)?|[-/.])\s*(?:([上中下])\s*旬|[DdXx]([123]))$")


def xun_in(text: str, year: int | None = None) -> tuple[date | None, str] | None:
    """A cell that names a 旬 (2024年5月上旬, 2024-05-上旬, 2024-05-D1; 5月中旬 with ``year``):
    (its first day, "") or (None, "no_year" | "unreadable"); None when the text is no 旬."""
    m = _XUN_CELL.match(text.replace(" ", ""))
    if not m:
        return None
    y = int(m.group(1)) if m.group(1) else year
    if y is None:
        return None, "no_year"
    k = "上中下".index(m.group(3)) + 1 if m.group(3) else int(m.group(4))
    d = _xun_start(y, int(m.group(2)), k)
    return (d, "") if d is not None else (None, "unreadable")


def _xun_start(year: int, month: int, k: int) -> date | None:
    """The first day of a 旬 (pricewatch.periods: 上旬 the 1st, 中旬 the 11th, 下旬 the 21st)."""
    from pricewatch.errors import InputError
    from pricewatch.periods import xun

    try:
        return xun(year, month, k).start
    except InputError:
        return None


def title_period(text: Any, year: int | None = None) -> tuple[date | None, str | None, str | None]:
    """The date a sheet's title (or name) dates its prices by, with what it read and the rule.

    (date, matched text, rule) where rule is one of "week" (第N周 with its year: the Monday),
    "xun" (2024年5月上旬/中旬/下旬: the 旬's first day, the 1st, 11th or 21st), "range"
    (5月1日-10日: its first day), "day" (2024.05.06, 2024年5月6日), "month" (2024年5月: the
    1st). A 旬, range or day without a year takes ``year``; without one: (None, text, "no_year").
    Nothing found: (None, None, None).
    """
    s = clean_text(text)
    if not s:
        return None, None, None
    m = _YW.search(s) or _YW_ZH.search(s)
    if m:
        return _monday(int(m.group(1)), int(m.group(2))), m.group(0), "week"
    m = _W_ZH.search(s)
    if m:
        return (_monday(year, int(m.group(1))) if year else None), m.group(0), "week" if year else "no_year"
    m = _XUN.search(s)
    if m:
        y = int(m.group(1)) if m.group(1) else year
        if y is None:
            return None, m.group(0), "no_year"
        return _xun_start(y, int(m.group(2)), "上中下".index(m.group(3)) + 1), m.group(0), "xun"
    m = _YMD_RANGE.search(s)
    if m:
        y = int(m.group(1)) if m.group(1) else year
        if y is None:
            return None, m.group(0), "no_year"
        return _mk(y, int(m.group(2)), int(m.group(3))), m.group(0), "range"
    m = _YMD.search(s)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.group(0), "day"
    m = _MD_ZH.search(s)
    if m:
        if year is None:
            return None, m.group(0), "no_year"
        return _mk(year, int(m.group(1)), int(m.group(2))), m.group(0), "day"
    m = _YM.search(s)
    if m:
        return _mk(int(m.group(1)), int(m.group(2) or m.group(3)), 1), m.group(0), "month"
    d, problem = parse_date(s, year)
    if d is not None:
        return d, s, "day"
    return (None, s, "no_year") if problem == "no_year" else (None, None, None)


def looks_like_date(value: Any) -> bool:
    """True when a header cell is a date (with or without a year): wide-by-date columns."""
    if isinstance(value, datetime | date):
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return 30000 <= value <= 80000
    d, problem = parse_date(value, 2000)
    s = clean_text(value)
    return d is not None and len(s) <= 24


def year_in(text: Any) -> int | None:
    m = re.search(r"(?<!\d)(20\d{2}|19\d{2})\s*年", clean_text(text))
    if m:
        return int(m.group(1))
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", clean_text(text))
    return int(m.group(1)) if m else None


def price_type_of(value: Any) -> str | None:
    """'批发'/'wholesale' -> wholesale, '零售'/'retail' -> retail, else None."""
    s = clean_text(value).lower()
    if not s:
        return None
    if "批发" in s or "wholesale" in s:
        return "wholesale"
    if "零售" in s or "retail" in s:
        return "retail"
    return None


# -- names ---------------------------------------------------------------------------
class Catalog:
    """Commodity and market names (with aliases) as the store holds them, for lookups.

    Names match through :class:`pricewatch.catalog.NameIndex`: full-width folded, spaces and
    bracket styles ignored (「猪肉（五花）」 finds 「猪肉(五花)」), and a qualifier with or
    without its head noun (「猪肉(五花肉)」 and 「五花肉」 find 「猪肉(五花)」).
    """

    def __init__(self, commodities: list[tuple[str, str, str]], commodity_aliases: list[tuple[str, str]],
                 markets: list[tuple[str, str]], market_aliases: list[tuple[str, str]]) -> None:
        from pricewatch.catalog import NameIndex

        self.commodity_info = {n: (unit, cat) for n, cat, unit in commodities}
        self.market_kind = dict(markets)
        self._com = NameIndex([n for n, _c, _u in commodities], commodity_aliases)
        self._mkt = NameIndex([n for n, _k in markets], market_aliases)

    @classmethod
    def from_session(cls, s: Any) -> Catalog:
        from pricewatch.store import queries

        com, ali, mkt, mali = queries.catalog.catalog_rows(s)
        return cls([tuple(r) for r in com], [tuple(r) for r in ali], [tuple(r) for r in mkt],
                   [tuple(r) for r in mali])

    def commodity(self, name: str) -> str | None:
        return self._com.match(name)

    def market(self, name: str) -> str | None:
        return self._mkt.match(name)

    def suggest_commodity(self, name: str) -> list[str]:
        from pricewatch.catalog import suggest

        return suggest(name, list(self.commodity_info))

    def suggest_market(self, name: str) -> list[str]:
        from pricewatch.catalog import suggest

        return suggest(name, list(self.market_kind))
