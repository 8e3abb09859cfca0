"""The catalog: commodities, markets and the aliases a file may use for them.

One reader per table (and the English names of all four name lists), in catalog order (category order, then each row's own ``sort``, then
its name). Callers that speak another vocabulary (the indicators' ``commodity_id`` /
``commodity``) rename the columns themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..session import Session

if TYPE_CHECKING:  # DuckDB imports pandas itself for a frame; the tuple readers need none
    import pandas as pd


def catalog_rows(s: Session) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """As plain tuples (``python -m ingest`` runs without pandas): commodities (name,
    category, unit) in catalog order, their aliases (alias, commodity), markets (name, kind)
    in catalog order, their aliases (alias, market)."""
    com = s.all("SELECT c.name, c.category, c.unit FROM commodities c LEFT JOIN categories k ON k.name = c.category"
                " ORDER BY coalesce(k.sort, 99), c.sort, c.name")
    ali = s.all("SELECT a.alias, c.name FROM commodity_aliases a JOIN commodities c ON c.id = a.commodity_id")
    mkt = s.all("SELECT name, kind FROM markets ORDER BY sort, name")
    mali = s.all("SELECT a.alias, m.name FROM market_aliases a JOIN markets m ON m.id = a.market_id")
    return com, ali, mkt, mali


def name_ids(s: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Catalog ids by name: (commodities, markets)."""
    return dict(s.all("SELECT name, id FROM commodities")), dict(s.all("SELECT name, id FROM markets"))


_COMMODITIES = (
    "SELECT c.id, c.name, c.category, c.spec, c.unit, c.weight, c.name_en, c.sort,"
    " coalesce(k.sort, 99) AS category_sort, k.jump_threshold_pct"
    " FROM commodities c LEFT JOIN categories k ON k.name = c.category"
    " ORDER BY category_sort, c.sort, c.name"
)
_MARKETS = "SELECT id, name, kind, name_en, sort, kind_confirmed FROM markets ORDER BY sort, name"


#: the columns the indicators need, none of them NULL (numpy.ma, which DuckDB loads to return
#: a column with NULLs, costs a fresh process ~10-20 ms)
_COMMODITY_ARRAYS = (
    "SELECT c.id, c.name, c.category, c.unit, c.weight, c.sort, coalesce(k.sort, 99) AS category_sort,"
    " coalesce(k.jump_threshold_pct, 'NaN'::DOUBLE) AS jump_threshold_pct"
    " FROM commodities c LEFT JOIN categories k ON k.name = c.category"
    " ORDER BY category_sort, c.sort, c.name"
)
_MARKET_ARRAYS = "SELECT id, name, kind, sort FROM markets ORDER BY sort, name"


def commodities(s: Session, *, arrays: bool = False) -> pd.DataFrame | dict[str, Any]:
    """id, name, category, spec, unit, weight, name_en, sort, category_sort (99 when the
    category is not in the table) and the category's jump_threshold_pct. ``arrays=True``:
    the columns without spec and name_en as numpy arrays (:meth:`Session.arrays`: no
    pandas), jump_threshold_pct NaN where the category has none."""
    return s.arrays(_COMMODITY_ARRAYS) if arrays else s.df(_COMMODITIES)


def commodity_aliases(s: Session) -> pd.DataFrame:
    return s.df(
        "SELECT a.alias, c.name AS commodity, c.id AS commodity_id FROM commodity_aliases a"
        " JOIN commodities c ON c.id = a.commodity_id"
    )


def markets(s: Session, *, arrays: bool = False) -> pd.DataFrame | dict[str, Any]:
    """id, name, kind, name_en, sort, kind_confirmed (``arrays=True``: id, name, kind and
    sort as numpy arrays)."""
    return s.arrays(_MARKET_ARRAYS) if arrays else s.df(_MARKETS)


def market_aliases(s: Session) -> pd.DataFrame:
    return s.df(
        "SELECT a.alias, m.name AS market, m.id AS market_id FROM market_aliases a"
        " JOIN markets m ON m.id = a.market_id"
    )


def english_names(s: Session) -> dict[str, dict[str, str]]:
    """kind ("category" | "commodity" | "market" | "unit") -> {Chinese name: English name},
    only where an English name is set (units: the ``units`` table, migration 0080)."""
    out: dict[str, dict[str, str]] = {}
    for kind, table in (("category", "categories"), ("commodity", "commodities"),
                        ("market", "markets"), ("unit", "units")):
        df = s.df(f"SELECT name, name_en FROM {table} WHERE coalesce(trim(name_en), '') <> ''")  # noqa: S608 (fixed names)
        out[kind] = dict(zip(df["name"].astype(str), df["name_en"].astype(str), strict=True))
    return out
