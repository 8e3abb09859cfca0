"""The briefing for one period: what a leader reads before a meeting.

Every number here is taken from :mod:`pricewatch.indicators` (``Report.to_json()`` and
``indicators.series``) exactly as it comes, already rounded (prices 2 places, percentages 1);
this module only selects, orders and labels them.

Two variants:

* ``public=False`` (staff): the staff view, which may include data not yet released. Every
  figure that rests on an unreleased observation (in the period itself, the previous period or
  the same period last year) is marked 未公开, and the whole document carries 内部资料 注意保密.
  A staff briefing of a period whose data are all released carries neither mark.
* ``public=True``: the public view only (released data) and published notes only; it can
  be attached to a published note.

Movers: the items with the largest rounded 环比 rise (and fall), at most ``n_movers`` each,
ties kept in catalog order; 持平 items are never movers. Each mover carries its price series
for the last ``spark_periods`` periods up to the briefing's period (the sparkline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .. import daily_watch, indicators, issues
from .. import textfmt as tf
from ..config import Settings
from ..errors import InputError, NotFound
from ..periods import Period, parse_period, previous, same_period_last_year
from ..store import Store, queries
from .notes import NoteLine, notes_for_period

#: the mark on every figure that rests on unreleased data, and on the whole document
UNRELEASED = "未公开"
SECRET_MARK = "内部资料 注意保密"
#: under the price table, in every format
PRICE_NOTE = ("价格为各市场均价；环比、同比按两期都有报价的市场计算，市场数变化时可能与两期均价之比"
              "略有出入。“—”表示无可比数据。")

N_MOVERS = 5
SPARK_PERIODS = 12


@dataclass(frozen=True)
class Item:
    commodity: str
    category: str
    unit: str
    price: float | None
    prev_price: float | None
    wow_pct: float | None
    yoy_price: float | None
    yoy_pct: float | None
    markets: int
    alert: str | None
    unreleased: bool = False


@dataclass(frozen=True)
class Mover:
    item: Item
    #: (period start, commodity price) oldest first, for the sparkline
    spark: list[tuple[date, float]]


@dataclass(frozen=True)
class CategoryLine:
    category: str
    index: float | None
    wow_pct: float | None
    unreleased: bool = False


@dataclass(frozen=True)
class AlertLine:
    commodity: str | None
    market: str | None
    kind: str
    level: str | None
    message: str
    unreleased: bool = False


@dataclass
class Briefing:
    bureau_name: str
    county_name: str
    period: Period
    public: bool
    generated_at: datetime
    data_version: int
    #: 第X期 / 总第Y期 (assigned when the file is generated; a read shows what it would get)
    issue: issues.Issue
    summary: dict[str, int]
    headline: str
    items: list[Item]
    #: empty when no index could be computed
    categories: list[CategoryLine]
    movers_up: list[Mover]
    movers_down: list[Mover]
    #: empty when no alert fired this period
    alerts: list[AlertLine]
    missing_markets: list[str]
    notes: list[NoteLine]
    unreleased_commodities: set[str] = field(default_factory=set)
    #: the report exactly as pricewatch.indicators gave it (kept for checks and the archive)
    report_json: dict[str, Any] = field(default_factory=dict)

    @property
    def has_unreleased(self) -> bool:
        """True when any figure rests on unreleased data: then the document is 内部资料."""
        return (not self.public) and bool(self.unreleased_commodities)

    @property
    def index_base_zh(self) -> str | None:
        """The 定基 base period of the category indices, as the report names it."""
        base = self.report_json.get("base")
        if not base:
            return None
        try:
            return parse_period(str(base)).label_zh
        except InputError:
            return str(base)

    @property
    def title(self) -> str:
        return issues.series_name(self.period)

    @property
    def period_text(self) -> str:
        """2026年第48周（11月23日—11月29日）"""
        p = self.period
        return f"{p.label_zh}（{p.start.month}月{p.start.day}日—{p.end.month}月{p.end.day}日）"

    @property
    def monitoring_dates(self) -> str:
        """监测日期: 2026年11月23日—29日"""
        return issues.monitoring_dates(self.period)

    @property
    def variant_text(self) -> str:
        if self.public:
            return "公开版（仅含已发布数据和已发布解读）"
        return "内部版（含未发布数据）" if self.has_unreleased else "内部版"


def headline(summary: dict[str, int], prefix: str = "本期", overall: dict[str, Any] | None = None) -> str:
    """本周监测47种商品，上涨34种，占72.3%；持平5种，占10.6%；下降8种，占17.0%；总体价格环比上涨0.8%
    (the last part from the report's ``overall``, left out when it has no 环比)."""
    s = summary
    text = f"{prefix}监测{s['n']}种商品，" + tf.breadth(s["n"], s["up"], s["flat"], s["down"])
    wow = (overall or {}).get("wow_pct")
    return text if wow is None else f"{text}；总体价格环比{tf.change(wow)}"


def _item(d: dict[str, Any], unreleased: set[str]) -> Item:
    return Item(
        commodity=d["commodity"], category=d.get("category") or "", unit=d.get("unit") or "",
        price=d.get("price"), prev_price=d.get("prev_price"), wow_pct=d.get("wow_pct"),
        yoy_price=d.get("yoy_price"), yoy_pct=d.get("yoy_pct"), markets=int(d.get("markets") or 0),
        alert=d.get("alert"), unreleased=d["commodity"] in unreleased,
    )


def _movers(items: list[Item], up: bool, n: int) -> list[Item]:
    """Largest rounded 环比 rises (``up``) or falls; 持平 and missing 环比 are skipped."""
    pool = [i for i in items if i.wow_pct is not None and (i.wow_pct > 0 if up else i.wow_pct < 0)]
    # sorted() is stable: equal changes stay in catalog order
    pool = sorted(pool, key=lambda i: -i.wow_pct if up else i.wow_pct)  # type: ignore[operator]
    return pool[:n]


def _sparks(store: Store, names: list[str], p: Period, public: bool,
            n: int) -> dict[str, list[tuple[date, float]]]:
    return {c: _spark(store, c, p, public, n) for c in names}


def _spark(store: Store, commodity: str, p: Period, public: bool, n: int) -> list[tuple[date, float]]:
    """The last ``n`` periods with a price up to ``p`` from ``indicators.series``."""
    df = indicators.series(store, commodity, public=public, freq=p.freq)
    if df.empty:
        return []
    starts = df["period_start"].map(lambda v: v.date() if hasattr(v, "date") else v)
    df = df.assign(period_start=starts)
    df = df[df["period_start"] <= p.start].tail(n)
    return [(d, float(v)) for d, v in zip(df["period_start"], df["price"], strict=True)
            if v is not None]


def build(store: Store, settings: Settings, period: str | Period, *, public: bool,
          now: datetime | None = None, n_movers: int = N_MOVERS,
          spark_periods: int = SPARK_PERIODS) -> Briefing:
    """The briefing for ``period`` ("2026-W48" or "2026-11"); NotFound when it has no data."""
    p = period if isinstance(period, Period) else parse_period(period)
    version = store.version()
    rep = indicators.report(store, period=p.label, freq=p.freq, public=public, settings=settings)
    if rep is None or rep.items.empty:
        scope = "已发布的" if public else ""
        raise NotFound(f"{p.label_zh}没有{scope}价格数据",
                       "换一个有数据的期间" + ("；数据发布后才能生成公开版" if public else ""))
    j = rep.to_json()
    prev = previous(p)
    yoy = same_period_last_year(p)
    with store.read() as s:
        unreleased: set[str] = set()
        if not public:
            unreleased = queries.observations.unreleased_commodities(s, [x for x in (p, prev, yoy) if x is not None])
        silent = queries.observations.silent_markets(s, "public" if public else "staff", p, prev)
    items = [_item(d, unreleased) for d in j["items"]]
    by_cat: dict[str, bool] = {}
    for i in items:
        by_cat[i.category] = by_cat.get(i.category, False) or i.unreleased

    categories = [CategoryLine(category=c.get("category", ""), index=c.get("index"),
                               wow_pct=c.get("wow_pct"),
                               unreleased=by_cat.get(c.get("category", ""), False))
                  for c in j["categories"]]

    alerts = []
    for a in j["alerts"]:
        com = a.get("commodity")
        # a whole-market gap (no commodity) is about the period's reporting as a whole
        alerts.append(AlertLine(
            commodity=com, market=a.get("market"), kind=str(a.get("kind") or ""),
            level=a.get("level"), message=tf.zh_punct(str(a.get("message") or "")),
            unreleased=(com in unreleased) if com else bool(unreleased)))
    # a red-level alert open: the internal briefing says daily reporting is expected
    daily = None if public else daily_watch.briefing_line(store, settings, now)
    if daily:
        alerts.append(AlertLine(None, None, "daily", "red", daily))
    gap_markets = [a.market for a in alerts if a.kind == "gap" and a.market]
    missing = list(dict.fromkeys(gap_markets)) if gap_markets else silent

    up = _movers(items, True, n_movers)
    down = _movers(items, False, n_movers)
    sparks = _sparks(store, [i.commodity for i in up + down], p, public, spark_periods)
    prefix = p.this_zh
    return Briefing(
        bureau_name=settings.bureau_name, county_name=settings.county_name, period=p,
        public=public, generated_at=(now or datetime.now()).replace(microsecond=0),
        data_version=version, issue=issues.peek(store, p), summary=dict(j["summary"]),
        headline=headline(j["summary"], prefix, j.get("overall")),
        items=items, categories=categories,
        movers_up=[Mover(i, sparks[i.commodity]) for i in up],
        movers_down=[Mover(i, sparks[i.commodity]) for i in down],
        alerts=alerts, missing_markets=missing,
        notes=notes_for_period(store, settings, p, public=public),
        unreleased_commodities=unreleased, report_json=j,
    )
