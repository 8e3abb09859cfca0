"""Chinese text and numbers, formatted one way everywhere (drafts, briefings, pages, commands).

Numbers (DESIGN.md "Display"): prices to 2 decimals, percentages to 1, rounded half away
from zero (:func:`round_half_up`; a value that is already rounded stays as it is). A
missing value is shown as "—" in tables and as "无可比数据" in sentences.

* :func:`price` "31.23", :func:`pct` "+3.2%" / "-1.5%" / "0.0%" (signed, for tables),
  :func:`arrow_pct` "▲ 3.2%" / "▼ 1.5%" / "持平" (for boards), :func:`change` "上涨3.2%" /
  "下降1.5%" / "持平" (for sentences), :func:`index` "103.25" / "100.0", :func:`share`
  "占58.6%".
* :func:`zh_list` joins names the way bulletins do: "黄瓜、菠菜和生菜"; :func:`movers`
  writes "黄瓜、菠菜和生菜分别上涨32.4%、17.9%和10.7%".
* :func:`clock` "2026-12-02 12:43": a stored time in the bureau's zone, the one format of
  every page, export and document; :func:`rfc3339` "2026-12-02T12:43:05+08:00" for feeds.
  A naive time is UTC (the store stamps UTC, migration 0060); an aware one is converted.
* :func:`zh_punct` turns the half-width comma, colon and semicolon next to a Chinese
  character into ，：； and leaves everything else alone: numbers and times ("12:00"),
  English text, and parentheses (a catalog name such as 猪肉(五花) keeps its own spelling;
  text written here uses （） itself).

No pandas here: the command line imports this module cheaply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from .rounding import round_half_up

DASH = "—"
DEFAULT_TZ = "Asia/Shanghai"
CLOCK_FORMAT = "%Y-%m-%d %H:%M"
NO_DATA = "无可比数据"
FLAT = "持平"

#: CJK ideographs (and the extension A block) plus full-width punctuation and brackets
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20「」『』【】《》"
_HALF = {",": "，", ":": "：", ";": "；"}


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """The patterns of Chinese text, compiled on first use: their character classes span
    ~28,000 code points, which takes ``re`` ~5-12 ms, paid otherwise by every process that
    imports this module (``report --json`` and ``--help`` never use them)."""
    return {"before": re.compile(rf"([{_CJK}])[ \t]*([,:;])[ \t]*"),
            "after": re.compile(rf"([,:;])[ \t]*(?=[{_CJK}])"),
            # what a test looks for: a half-width , : ; with a Chinese character on one side
            "half": re.compile(rf"[{_CJK}][ \t]*[,:;]|[,:;][ \t]*[{_CJK}]")}


def __getattr__(name: str) -> Any:
    """``HALF_WIDTH_IN_CHINESE``: a half-width , : ; with a Chinese character on one side."""
    if name == "HALF_WIDTH_IN_CHINESE":
        return _patterns()["half"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def price(v: float | None, unit: str = "") -> str:
    """31.23 (with ``unit`` appended when given: "31.23元/公斤"); — when missing."""
    r = round_half_up(v, 2)
    return DASH if r is None else f"{r:.2f}{unit}"


def pct(v: float | None, places: int = 1) -> str:
    """+3.2% / -1.5% / 0.0% (持平 rounds to 0.0%) / — when it cannot be computed."""
    r = round_half_up(v, places)
    if r is None:
        return DASH
    return f"{r:+.{places}f}%" if r != 0 else f"{0:.{places}f}%"


def arrow_pct(v: float | None, flat: str = FLAT) -> str:
    """▲ 1.2% / ▼ 0.4% / 持平 / — (a board's cell: colour follows the arrow)."""
    r = round_half_up(v, 1)
    if r is None:
        return DASH
    if r == 0:
        return flat
    return f"{'▲' if r > 0 else '▼'} {abs(r):.1f}%"


def change(v: float | None, places: int = 1) -> str:
    """上涨3.2% / 下降1.5% / 持平 / 无可比数据: a change the way price bulletins write it."""
    r = round_half_up(v, places)
    if r is None:
        return NO_DATA
    if r == 0:
        return FLAT
    return f"{'上涨' if r > 0 else '下降'}{abs(r):.{places}f}%"


def index(v: float | None) -> str:
    """An index as given: up to 2 decimals, at least 1 (100.0, 103.25)."""
    r = round_half_up(v, 2)
    if r is None:
        return DASH
    s = f"{r:.2f}"
    return s[:-1] if s.endswith("0") else s


def share(part: int, total: int) -> str:
    """占58.6%: ``part`` of ``total`` to one decimal (占0.0% when ``total`` is 0)."""
    r = round_half_up(100.0 * part / total, 1) if total else 0.0
    return f"占{r:.1f}%"


def breadth(n: int, up: int, flat: int, down: int) -> str:
    """上涨34种，占58.6%；持平5种，占8.6%；下降19种，占32.8% (shares of all ``n`` monitored)."""
    return "；".join(f"{word}{k}种，{share(k, n)}" if k else f"{word}0种"
                    for word, k in (("上涨", up), ("持平", flat), ("下降", down)))


def zh_list(names: Sequence[str], last: str = "和") -> str:
    """A、B和C (two: A和B; one: A; none: "")."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + last + names[-1]


def movers(names: Sequence[str], values: Sequence[float]) -> str:
    """"黄瓜、菠菜和生菜分别上涨32.4%、17.9%和10.7%" (all rises or all falls, same order).

    One name: "黄瓜上涨32.4%". The direction is taken from the first value; the figure check
    (:mod:`pricewatch.notes.figures`) reads this sentence form back.
    """
    if not names:
        return ""
    words = [change(v) for v in values]
    if len(names) == 1:
        return f"{names[0]}{words[0]}"
    verb = words[0][:2]
    nums = [w[2:] if w.startswith(verb) else w for w in words]
    return f"{zh_list(names)}分别{verb}{zh_list(nums)}"


def date_zh(d: date | datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def span_zh(start: date, end: date) -> str:
    """2026年11月23日—29日 / 2026年11月23日—12月6日 / 2026年12月28日—2027年1月3日."""
    if start == end:
        return date_zh(start)
    if start.year != end.year:
        tail = date_zh(end)
    elif start.month != end.month:
        tail = f"{end.month}月{end.day}日"
    else:
        tail = f"{end.day}日"
    return f"{date_zh(start)}—{tail}"


def direction(v: float | None) -> str:
    """up / down / flat (as rounded to one decimal; missing counts as flat)."""
    r = round_half_up(v, 1)
    if not r:
        return "flat"
    return "up" if r > 0 else "down"


def zh_punct(text: str) -> str:
    """Half-width , : ; beside a Chinese character -> ，：； (the spaces around them dropped).

    Numbers, times, URLs and English stay as they are; parentheses are never touched (see
    the module docstring). Idempotent.
    """
    if not text:
        return text
    pat = _patterns()
    text = pat["before"].sub(lambda m: m.group(1) + _HALF[m.group(2)], text)
    return pat["after"].sub(lambda m: _HALF[m.group(1)], text)


def half_width_in_chinese(text: str) -> list[str]:
    """Every half-width , : ; next to a Chinese character in ``text``, with its context."""
    return [text[max(0, m.start() - 8):m.end() + 8] for m in _patterns()["half"].finditer(text)]


@lru_cache(maxsize=8)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def local_time(value: datetime | str | None, tz: str = DEFAULT_TZ) -> datetime | None:
    """A stored time (naive = UTC, aware, or ISO text) in the zone ``tz``; None when missing.

    pandas' ``Timestamp`` is a ``datetime`` and works as one; ``NaT`` counts as missing.
    """
    if value is None or value != value or value == "":  # NaN / NaT compare unequal to themselves
        return None
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(dt, datetime):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(_zone(tz))


def clock(value: datetime | str | None, tz: str = DEFAULT_TZ) -> str:
    """"2026-12-02 12:43": the one way a stored time is shown (in the bureau's zone ``tz``);
    "" when missing."""
    dt = local_time(value, tz)
    return dt.strftime(CLOCK_FORMAT) if dt else ""


def rfc3339(value: datetime | str | None, tz: str = DEFAULT_TZ) -> str:
    """"2026-12-02T12:43:05+08:00": RFC 3339 with the bureau's offset, for feeds; "" when missing."""
    dt = local_time(value, tz)
    return dt.isoformat(timespec="seconds") if dt else ""
