"""Sheet layouts: a sheet's cells -> raw records (one per price cell), before normalising.

Each module recognises one layout; :func:`extract` tries them in order on every sheet:

* :mod:`.hxl`          WFP/HDX exports: header row + HXL hashtag row (``#date,#adm1+name,...``)
* :mod:`.table`        a header row found by synonyms; covers (a) the long table,
                       (b) wide by market (one column per market, optionally under a second
                       merged header row), (c) wide by date and (d) the county weekly form
                       (title with 第N周, column groups per market, footer with 填报日期)
* :mod:`.wide`         a wide table whose headers are not known words (e.g. English market
                       codes under a merged city header with the unit in it)
* :mod:`.headerless`   no header at all: columns by position (name, low, avg, high, spec, date)

and :mod:`.sheet_date` supplies a date from the sheet name ("Sep.21th", "5月6日") when a
sheet has no date of its own (layout (f): one sheet per date).

A record is a tuple in :data:`RAW_COLUMNS` order. Values are raw cells (text, numbers,
dates); only sheet-level dates are resolved here, because their precedence depends on the
sheet: row dates > the title (第N周 -> its Monday, or a survey date) > the sheet name >
``--date`` > a filing date in the footer (reported as a warning).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from ..issues import ERROR, WARNING, Issue

RAW_COLUMNS = ("sheet", "row", "column", "date", "market", "commodity", "spec", "unit", "price",
               "low", "high", "price_type", "category", "currency")


@dataclass
class Context:
    """What the person supplied for what a file does not say."""

    date: date | None = None
    market: str | None = None
    unit: str | None = None
    price_type: str | None = None
    #: a person's mapping for every sheet (``--map``, ``--profile``, the page): Mapping.to_dict()
    mapping: dict[str, Any] | None = None
    #: saved import profiles to match by fingerprint: (name, Mapping.to_dict(), fingerprint)
    profiles: tuple[tuple[str, dict[str, Any], dict[str, Any]], ...] = ()
    #: the profile name ``mapping`` came from, for the report
    mapping_name: str | None = None

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


class SheetResult:
    """One sheet laid out: its records (tuples in :data:`RAW_COLUMNS` order), its issues, where
    its date came from and the import profile it was read with (None: detected).

    A layout appends records one by one, or hands over a whole sheet's as columns
    (:meth:`set_columns`: a long table, without a tuple per row). Each form is made from the
    other when asked for: :attr:`records` for tools and tests, :meth:`columns` for the checks
    (which take it apart column by column anyway). Replacing :attr:`records` drops the columns."""

    __slots__ = ("sheet", "layout", "issues", "date_source", "profile", "_records", "_columns")

    def __init__(self, sheet: str, layout: str | None, records: list[tuple] | None = None,
                 issues: list[Issue] | None = None, date_source: str | None = None, profile: str | None = None) -> None:
        self.sheet = sheet
        self.layout = layout
        self.issues: list[Issue] = [] if issues is None else issues
        self.date_source = date_source
        #: the import profile (or ad-hoc mapping) the sheet was read with
        self.profile = profile
        self._records: list[tuple] | None = [] if records is None else records
        self._columns: list[list[Any]] | None = None

    @property
    def records(self) -> list[tuple]:
        if self._records is None:
            cols = self._columns
            self._records = list(zip(*cols, strict=True)) if cols else []
        # the list handed out is the sheet's records from now on (a caller may change it): the
        # columns are made again from it when asked for
        self._columns = None
        return self._records

    @records.setter
    def records(self, value: list[tuple]) -> None:
        self._records, self._columns = value, None

    @property
    def size(self) -> int:
        """How many records (without making them from the columns)."""
        if self._records is None:
            return len(self._columns[0]) if self._columns else 0
        return len(self._records)

    def set_columns(self, columns: list[list[Any]]) -> None:
        """Take a whole sheet's records as columns (RAW_COLUMNS order, of equal length); after
        any record already there they are appended as tuples."""
        assert len(columns) == len(RAW_COLUMNS)
        if self.size:
            self.records.extend(zip(*columns, strict=True))
        else:
            self._records, self._columns = None, columns

    def columns(self) -> list[list[Any]]:
        """The records as columns (RAW_COLUMNS order), made once."""
        if self._columns is None:
            recs = self._records or []
            self._columns = [list(map(itemgetter(i), recs)) for i in range(len(RAW_COLUMNS))]
        return self._columns

    def __repr__(self) -> str:
        return (f"SheetResult(sheet={self.sheet!r}, layout={self.layout!r}, records={self.size},"
                f" issues={self.issues!r}, date_source={self.date_source!r}, profile={self.profile!r})")


@dataclass
class SheetDates:
    """Sheet-level date candidates, resolved by :meth:`resolve`."""

    title: Any = None
    sheet_name: str | None = None
    footer: Any = None

    def resolve(self, sheet: str, ctx: Context, title_year: int | None) -> tuple[date | None, str | None, list[Issue]]:
        from ..normalise import parse_date

        year = title_year or ctx.year
        issues: list[Issue] = []
        if self.title is not None:
            d, problem = parse_date(self.title, year)
            if d:
                return d, "title", issues
        if self.sheet_name:
            d, problem = parse_date(self.sheet_name, year)
            if d:
                return d, "sheet_name", issues
            if problem == "no_year":
                issues.append(Issue("date_no_year", ERROR, sheet, None, None,
                                    {"value": self.sheet_name, "example": "2024-01-01"}))
                return None, None, issues
        if ctx.date is not None:
            return ctx.date, "option", issues
        if self.footer is not None:
            d, problem = parse_date(self.footer, year)
            if d:
                issues.append(Issue("date_from_footer", WARNING, sheet, None, None, {"value": d.isoformat()}))
                return d, "footer", issues
        return None, None, issues


def _mapped(name: str, rows: list[list[Any]], ctx: Context, sheet_count: int) -> SheetResult | None:
    """The sheet read by the person's mapping, or by the first saved profile it matches;
    None to detect its layout."""
    if ctx.mapping is None and not ctx.profiles:
        return None
    from ..profiles import Mapping, matches
    from .mapped import extract as extract_mapped

    if ctx.mapping is not None:
        m = Mapping.from_dict(ctx.mapping)
        if m.sheet and sheet_count > 1 and m.sheet != name:
            return SheetResult(name, None, issues=[Issue("sheet_skipped", WARNING, name)])
        return extract_mapped(name, rows, ctx, m, ctx.mapping_name or "")
    for pname, mdict, fp in ctx.profiles:
        m = Mapping.from_dict(mdict)
        if matches(fp, name, rows, m, sheet_count):
            return extract_mapped(name, rows, ctx, m, pname)
    return None


def extract(sheets: list[tuple[str, list[list[Any]]]], ctx: Context) -> list[SheetResult]:
    from . import grid, headerless, hxl, table, wide

    results = []
    filled = [(name, rows) for name, rows in sheets if any(any(c not in (None, "") for c in r) for r in rows)]
    several = len(filled) > 1  # one sheet per market: a sheet's name may be its market
    for name, rows in filled:
        rows = [r for r in rows]  # noqa: C416 - a list the layouts may index freely
        res = _mapped(name, rows, ctx, len(filled))
        if res is None:
            res = hxl.extract(name, rows, ctx) or grid.extract(name, rows, ctx, sheet_is_market=several)
        for mod in (table, wide, headerless):
            if res is not None:
                break
            res = mod.extract(name, rows, ctx)
        if res is None:
            res = SheetResult(name, None, issues=[Issue("no_layout", ERROR, name)])
        results.append(res)
    # a sheet that is not a price table (a cover page, notes) beside sheets that are is
    # skipped: with a warning when it holds numbers (prices could be hiding there), quietly
    # when it holds text alone (a list of names for drop-downs, a cover page)
    if any(r.size for r in results):
        numbers = {name: _has_numbers(rows) for name, rows in sheets}
        for r in results:
            if r.layout is None:
                r.issues = [Issue("sheet_skipped", WARNING, r.sheet)] if numbers.get(r.sheet) else []
    return results


def _has_numbers(rows: list[list[Any]]) -> bool:
    from ..normalise import parse_number

    return any(parse_number(c)[0] is not None for r in rows for c in r if c not in (None, ""))
