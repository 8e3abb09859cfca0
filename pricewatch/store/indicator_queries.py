"""SQL behind pricewatch.indicators (kept here: only the store speaks SQL)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..periods import Period
from .queries import Scope, obs_view
from .session import Session


def latest_date(s: Session, scope: Scope) -> date | None:
    return s.scalar(f"SELECT max(obs_date) FROM {obs_view(scope)}")  # noqa: S608 - fixed view name


def market_prices(s: Session, scope: Scope, spans: list[tuple[str, Period]],
                  price_type: str = "retail") -> pd.DataFrame:
    """Mean price per (tag, commodity, market) for each tagged period."""
    parts, params = [], []
    for tag, p in spans:
        parts.append("SELECT ? AS tag, ?::DATE AS d0, ?::DATE AS d1")
        params += [tag, p.start, p.end]
    params.append(price_type)
    return s.df(
        f"WITH spans AS ({' UNION ALL '.join(parts)})"
        " SELECT sp.tag, o.commodity, o.category, o.unit, coalesce(k.sort, 99) * 100000 + c.sort AS sort,"
        " o.market, avg(o.price) AS price"
        f" FROM {obs_view(scope)} o JOIN spans sp ON o.obs_date BETWEEN sp.d0 AND sp.d1"  # noqa: S608
        " JOIN commodities c ON c.id = o.commodity_id"
        " LEFT JOIN categories k ON k.name = o.category"
        " WHERE o.price_type = ?"
        " GROUP BY ALL ORDER BY sort, o.market",
        params,
    )


def commodity_series(s: Session, scope: Scope, commodity: str, freq: str,
                     price_type: str = "retail") -> pd.DataFrame:
    unit = "week" if freq == "week" else "month"
    return s.df(
        "WITH mp AS (SELECT date_trunc(?, obs_date)::DATE AS period_start, market,"
        f" avg(price) AS price FROM {obs_view(scope)}"  # noqa: S608 - fixed view name
        " WHERE commodity = ? AND price_type = ? GROUP BY ALL)"
        " SELECT period_start, avg(price) AS price, count(*) AS markets FROM mp"
        " GROUP BY period_start ORDER BY period_start",
        [unit, commodity, price_type],
    )
