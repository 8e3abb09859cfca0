"""THE OLD PATH, kept only as the reference of tests/test_ingest_differential.py (delete both
together once the columnar ingest/validate.py has been trusted long enough): the row-by-row
prepare() and the pandas history_checks() exactly as they were before the rewrite.

Records -> one canonical frame and every problem at once (the report is data).

:func:`prepare` walks all records and never stops at the first problem: each one becomes
an :class:`~ingest.issues.Issue` with a reason code, severity ``error`` (the file cannot be
loaded) or ``warning`` (loaded unless ``--strict``; the upload page asks a person to tick
it). Codes that concern many rows the same way (no market, 0/0/0 rows, an unknown name)
are reported once with the first row and a count, so a 46,000-row file gives a readable
report.

Checks (code, severity):
  not_a_number E, price_not_positive E, price_absurd E (canonical price > ABSURD_PRICE),
  date_missing E, date_unreadable E, date_no_year E, date_future E, unit_missing E,
  unit_unknown E, market_missing E, commodity_missing E, no_data E;
  price_missing W (row skipped), no_quote W (low = avg = high = 0: "no quote", skipped),
  low_gt_high W (the average is loaded), avg_from_range W (average blank or 0 beside a
  real low..high range: the midpoint (low + high) / 2 is loaded), duplicate W (same key and price: loaded once),
  duplicate_conflict W (same key, other price: the later row wins), unit_mismatch W (a
  per-piece price for a weight commodity or the reverse: skipped, never converted),
  mixed_units W (a new name with several unconvertible units: the most frequent one is
  kept), unknown_commodity / unknown_market W (E with --strict; rows skipped until the
  name is confirmed), new_commodity / new_market W (confirmed names), currency W,
  price_jump W (more than ``Settings.ingest_jump_warning`` away from the previous price of
  the same commodity, market and price type within 45 days, in the store or earlier in the
  file), market_not_reported W (a single-date file without a market that reported on the
  previous date and has nothing stored for this date either: a correction is not a gap).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ingest.issues import ERROR, WARNING, Issue
from ingest.layouts import Context, SheetResult
from ingest.normalise import Catalog, clean_text, is_blank, parse_date, parse_number, price_type_of
from pricewatch.catalog import parse_unit, split_unit

ABSURD_PRICE = 100_000.0
JUMP_WINDOW_DAYS = 45
NEW_CATEGORY = "其他"
FRAME_COLUMNS = ["sheet", "row", "column", "obs_date", "market", "commodity", "category", "unit",
                 "price", "price_type", "orig_price", "orig_unit", "spec"]


@dataclass
class Prepared:
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    layout: str | None = None
    rows_read: int = 0
    #: name -> (canonical unit, category) for commodities not in the catalog, that are loaded
    new_commodities: dict[str, tuple[str, str]] = field(default_factory=dict)
    new_markets: dict[str, str] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]


class _Agg:
    """Issues reported once per (code, sheet, key) with the first row and a count."""

    def __init__(self) -> None:
        self.first: dict[tuple, Issue] = {}
        self.count: Counter = Counter()

    def add(self, issue: Issue, key: Any = None) -> None:
        k = (issue.code, issue.sheet, key)
        self.count[k] += 1
        if k not in self.first:
            self.first[k] = issue

    def issues(self) -> list[Issue]:
        out = []
        for k, issue in self.first.items():
            issue.params.setdefault("count", self.count[k])
            out.append(issue)
        return out


def _qualified_names(records: list[tuple]) -> set[str]:
    """Names quoted with several specs for the same market and day: their spec becomes part
    of the name ("大白菜" 存储 / 新 -> 「大白菜(存储)」, 「大白菜(新)」), so both prices are kept."""
    specs: dict[tuple, set] = defaultdict(set)
    for r in records:
        if not is_blank(r[6]):
            specs[(clean_text(r[5]), str(r[4]), str(r[3]))].add(clean_text(r[6]))
    return {k[0] for k, v in specs.items() if len(v) > 1}


def prepare(sheets: list[SheetResult], catalog: Catalog, ctx: Context, *, accept_new_names: Any = False,
            strict: bool = False, today: date | None = None) -> Prepared:
    today = today or date.today()
    issues: list[Issue] = []
    agg = _Agg()
    layouts = []
    records: list[tuple] = []
    for sh in sheets:
        issues.extend(sh.issues)
        if sh.layout:
            layouts.append(sh.layout)
        records.extend(sh.records)
    layout = "+".join(dict.fromkeys(layouts)) or None
    qualified = _qualified_names(records)
    rows: list[dict[str, Any]] = []
    currencies: set[str] = set()
    units: dict[str, Any] = {}  # parse each distinct unit text once
    names: dict[str, tuple[str, str | None]] = {}
    pts: dict[str, str | None] = {}  # price type per distinct text

    def _pt(value: Any) -> str | None:
        pt = price_type_of(value)
        if value.__class__ is str:
            pts[value] = pt
        return pt

    for rec in records:
        sheet, rown, col, d_raw, m_raw, c_raw, spec, u_raw, p_raw, lo_raw, hi_raw, pt_raw, cat_raw, cur = rec
        name = clean_text(c_raw)
        # a float cell (the common case) and an empty one are their own parse: no call
        if p_raw.__class__ is float and p_raw == p_raw:
            price, p_unit, p_ok = p_raw, None, True
        else:
            price, p_unit, p_ok = parse_number(p_raw)
        low = None if lo_raw is None else parse_number(lo_raw)[0]
        high = None if hi_raw is None else parse_number(hi_raw)[0]
        if not name:
            if price is not None or not p_ok:
                issues.append(Issue("commodity_missing", ERROR, sheet, rown, col))
            continue
        if not p_ok:
            issues.append(Issue("not_a_number", ERROR, sheet, rown, col, {"value": clean_text(p_raw)}))
            continue
        if (price is None or price == 0) and low and high and 0 < low <= high:
            # the average is missing or 0 beside a real range: the midpoint, said so
            mid = round((low + high) / 2, 4)
            issues.append(Issue("avg_from_range", WARNING, sheet, rown, col, {"low": low, "high": high, "price": mid}))
            price = mid
        if price is None:
            if low == 0 and high == 0:
                agg.add(Issue("no_quote", WARNING, sheet, rown, col))
            else:
                issues.append(Issue("price_missing", WARNING, sheet, rown, col))
            continue
        if price == 0 and (low in (0, None)) and (high in (0, None)) and (low is not None or high is not None):
            agg.add(Issue("no_quote", WARNING, sheet, rown, col))
            continue
        if price <= 0:
            issues.append(Issue("price_not_positive", ERROR, sheet, rown, col, {"value": price}))
            continue
        if low is not None and high is not None and low > high:
            issues.append(Issue("low_gt_high", WARNING, sheet, rown, col, {"low": low, "high": high, "price": price}))
        if name not in names:
            names[name] = split_unit(name)
        base, name_unit = names[name]
        if name_unit and name_unit not in units:
            units[name_unit] = parse_unit(name_unit)
        if name_unit and units[name_unit]:
            name = base
        else:
            name_unit = None
        if name in qualified and not is_blank(spec):
            name = f"{name}({clean_text(spec)})"
        unit_text = p_unit or name_unit or clean_text(u_raw) or (ctx.unit or "")
        if not unit_text:
            agg.add(Issue("unit_missing", ERROR, sheet, rown, col))
            continue
        if unit_text not in units:
            units[unit_text] = parse_unit(unit_text)
        unit = units[unit_text]
        if unit is None:
            issues.append(Issue("unit_unknown", ERROR, sheet, rown, col, {"value": unit_text}))
            continue
        if isinstance(d_raw, date):
            obs_date = d_raw if not hasattr(d_raw, "date") else d_raw.date()
        elif is_blank(d_raw):
            if ctx.date is None:
                agg.add(Issue("date_missing", ERROR, sheet, rown, None))
                continue
            obs_date = ctx.date
        else:
            obs_date, problem = parse_date(d_raw, ctx.year)
            if obs_date is None:
                code = "date_no_year" if problem == "no_year" else "date_unreadable"
                agg.add(Issue(code, ERROR, sheet, rown, None, {"value": clean_text(d_raw), "example": "2024-01-01"}),
                        key=clean_text(d_raw))
                continue
        if obs_date > today:
            issues.append(Issue("date_future", ERROR, sheet, rown, None, {"value": obs_date.isoformat()}))
            continue
        market = clean_text(m_raw) or (ctx.market or "")
        if not market:
            agg.add(Issue("market_missing", ERROR, sheet, rown, None))
            continue
        cur_text = clean_text(cur).upper() if cur is not None else ""
        if cur_text and cur_text not in ("CNY", "RMB", "元", "人民币"):
            currencies.add(cur_text)
        rows.append({"sheet": sheet, "row": rown, "column": col, "obs_date": obs_date, "market": market,
                     "commodity": name, "raw_category": clean_text(cat_raw) or None, "unit_obj": unit,
                     "unit_text": unit_text, "orig_price": price, "spec": clean_text(spec) or None,
                     "pt": None if pt_raw is None else pts[pt_raw] if pt_raw in pts else _pt(pt_raw)})
    for c in sorted(currencies):
        issues.append(Issue("currency", WARNING, params={"value": c}))
    issues.extend(agg.issues())
    prep = Prepared(pd.DataFrame(columns=FRAME_COLUMNS), layout=layout, rows_read=len(records))
    if not rows:
        if not any(i.severity == ERROR for i in issues):
            issues.append(Issue("no_data", ERROR))
        prep.issues = issues
        return prep
    _resolve(rows, catalog, ctx, accept_new_names, strict, issues, prep)
    prep.issues = issues
    return prep


def _accepts(accept: Any, name: str) -> bool:
    if isinstance(accept, bool):
        return accept
    return name in accept


def _resolve(rows: list[dict], catalog: Catalog, ctx: Context, accept: Any, strict: bool,
             issues: list[Issue], prep: Prepared) -> None:
    """Names -> catalog names (or confirmed new ones), prices -> canonical units, then
    duplicates. Appends to ``issues``; fills ``prep.frame``."""
    sev_unknown = ERROR if strict else WARNING
    from ingest.validate import per_piece_name

    for r in rows:  # a per-piece price of a per-weight commodity: that commodity's per-piece series
        piece = per_piece_name(catalog, r["commodity"], r["unit_obj"])
        if piece is not None:
            r["commodity"] = piece[0]
            r["raw_category"] = r["raw_category"] or piece[1]
    com_map: dict[str, str | None] = {}
    by_name: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_name[r["commodity"]].append(r)
    for name, rs in by_name.items():
        known = catalog.commodity(name)
        if known:
            com_map[name] = known
            continue
        if _accepts(accept, name):
            units = Counter(r["unit_obj"].canonical for r in rs)
            canonical = units.most_common(1)[0][0]
            cats = Counter(r["raw_category"] for r in rs if r["raw_category"])
            category = cats.most_common(1)[0][0] if cats else NEW_CATEGORY
            prep.new_commodities[name] = (canonical, category)
            com_map[name] = name
            issues.append(Issue("new_commodity", WARNING, rs[0]["sheet"], rs[0]["row"], None,
                                {"name": name, "unit": canonical, "category": category, "count": len(rs)}))
        else:
            sug = catalog.suggest_commodity(name)
            prep.unknown.setdefault("commodity", []).append(name)
            issues.append(Issue("unknown_commodity", sev_unknown, rs[0]["sheet"], rs[0]["row"], None, {
                "name": name, "count": len(rs), "suggestion": _sug_zh(sug), "suggestion_en": _sug_en(sug),
                "suggestions": sug}))
            com_map[name] = None
    mkt_map: dict[str, str | None] = {}
    for r in rows:
        m = r["market"]
        if m in mkt_map:
            continue
        known = catalog.market(m)
        if known:
            mkt_map[m] = known
        elif _accepts(accept, m):
            mkt_map[m] = m
            prep.new_markets[m] = "农贸市场"
            issues.append(Issue("new_market", WARNING, r["sheet"], r["row"], None, {"name": m}))
        else:
            mkt_map[m] = None
            sug = catalog.suggest_market(m)
            cnt = sum(1 for x in rows if x["market"] == m)
            prep.unknown.setdefault("market", []).append(m)
            issues.append(Issue("unknown_market", sev_unknown, r["sheet"], r["row"], None, {
                "name": m, "count": cnt, "suggestion": _sug_zh(sug), "suggestion_en": _sug_en(sug),
                "suggestions": sug}))
    out: list[tuple] = []  # rows in FRAME_COLUMNS order
    targets: dict[str, Any] = {}
    mixed: dict[str, list[dict]] = defaultdict(list)
    # (commodity, unit text) -> (canonical unit, factor or None when unconvertible, category):
    # the unit object is a function of its text, so each pair is worked out once
    conv: dict[tuple[str, str], tuple[str, float | None, str]] = {}
    kinds: dict[str, str] = {}
    for r in rows:
        cname, mname = com_map[r["commodity"]], mkt_map[r["market"]]
        if cname is None or mname is None:
            continue
        ck = (cname, r["unit_text"])
        if ck not in conv:
            if cname in prep.new_commodities:
                canonical = prep.new_commodities[cname][0]
            else:
                canonical = catalog.commodity_info[cname][0]
            if canonical not in targets:
                targets[canonical] = parse_unit(canonical)
            target = targets[canonical]
            u = r["unit_obj"]
            factor: float | None
            if u.canonical == canonical or (u.is_weight and target is not None and target.is_weight):
                factor = u.factor / (target.factor if target and target.is_weight else 1.0)
            elif target is not None and u.canonical == target.canonical:
                factor = u.factor / target.factor
            else:
                factor = None
            category = (prep.new_commodities[cname][1] if cname in prep.new_commodities
                        else catalog.commodity_info[cname][1])
            conv[ck] = (canonical, factor, category)
        canonical, factor, category = conv[ck]
        if factor is None:
            if cname in prep.new_commodities:
                mixed[cname].append(r)
            else:
                issues.append(Issue("unit_mismatch", WARNING, r["sheet"], r["row"], r["column"], {
                    "name": cname, "unit": r["unit_text"], "canonical": canonical}))
            continue
        price = r["orig_price"] * factor
        if price > ABSURD_PRICE:
            issues.append(Issue("price_absurd", ERROR, r["sheet"], r["row"], r["column"],
                                {"value": r["orig_price"], "limit": ABSURD_PRICE}))
            continue
        if mname not in kinds:
            kinds[mname] = catalog.market_kind.get(mname, prep.new_markets.get(mname, ""))
        pt = r["pt"] or ctx.price_type or ("wholesale" if kinds[mname] == "批发市场" else "retail")
        out.append((r["sheet"], r["row"], r["column"], r["obs_date"], mname, cname, category, canonical,
                    round(price, 6), pt, r["orig_price"], r["unit_text"], r["spec"]))
    for cname, rs in mixed.items():
        units = sorted({r["unit_text"] for r in rs} | {prep.new_commodities[cname][0]})
        issues.append(Issue("mixed_units", WARNING, rs[0]["sheet"], rs[0]["row"], rs[0]["column"], {
            "name": cname, "units": "、".join(units), "canonical": prep.new_commodities[cname][0],
            "count": len(rs)}))
    frame = pd.DataFrame(out, columns=FRAME_COLUMNS)
    frame = _dedupe(frame, issues)
    # a confirmed new name whose rows were all skipped is not added to the catalog
    used = set(frame["commodity"].unique())  # unique() first: iterating Arrow strings is slow
    prep.new_commodities = {k: v for k, v in prep.new_commodities.items() if k in used}
    used_m = set(frame["market"].unique())
    prep.new_markets = {k: v for k, v in prep.new_markets.items() if k in used_m}
    prep.frame = frame
    if frame.empty and not any(i.severity == ERROR for i in issues):
        issues.append(Issue("no_data", ERROR))


def _sug_zh(sug: list[str]) -> str:
    return f"，是否为「{sug[0]}」？" if sug else ""


def _sug_en(sug: list[str]) -> str:
    return f" (did you mean \"{sug[0]}\"?)" if sug else ""


def _dedupe(frame: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    key = ["commodity", "market", "obs_date", "price_type"]
    dup = frame.duplicated(key, keep=False)
    if not dup.any():
        return frame
    drop = []
    for _k, g in frame[dup].groupby(key, sort=False):
        idx = list(g.index)
        last = idx[-1]
        for i in idx[:-1]:
            a, b = frame.loc[i], frame.loc[last]
            if abs(a["price"] - b["price"]) < 1e-9:
                issues.append(Issue("duplicate", WARNING, b["sheet"], int(b["row"]), b["column"],
                                    {"other": int(a["row"])}))
            else:
                issues.append(Issue("duplicate_conflict", WARNING, b["sheet"], int(b["row"]), b["column"], {
                    "other": int(a["row"]), "old": a["orig_price"], "new": b["orig_price"], "row": int(b["row"])}))
            drop.append(i)
    return frame.drop(index=drop).reset_index(drop=True)


def history_checks(frame: pd.DataFrame, recent: pd.DataFrame, reported: tuple[date | None, list[str]],
                   jump: float) -> list[Issue]:
    """Warnings against earlier prices: jumps and markets that stopped reporting.

    ``recent`` holds stored current prices (commodity, market, price_type, obs_date, price)
    from before and during the file's dates; a stored price on a date the file also has is
    the value being corrected, not a previous one, so it is left out.
    """
    issues: list[Issue] = []
    if frame.empty:
        return issues
    key = ["commodity", "market", "price_type"]
    f = frame[[*key, "obs_date", "price", "sheet", "row", "column"]].assign(src=1)
    if not recent.empty:
        r = recent.assign(obs_date=pd.to_datetime(recent["obs_date"]).dt.date, src=0)
        r = r.merge(f[[*key, "obs_date"]], on=[*key, "obs_date"], how="left", indicator=True)
        r = r[r["_merge"] == "left_only"].drop(columns="_merge")
        allp = pd.concat([r, f], ignore_index=True)
    else:
        allp = f
    allp = allp.sort_values([*key, "obs_date", "src"], kind="stable")
    g = allp.groupby(key, sort=False)
    allp["prev_price"] = g["price"].shift(1)
    allp["prev_date"] = g["obs_date"].shift(1)
    cand = allp[(allp["src"] == 1) & allp["prev_price"].notna()]
    # a first cut on whole columns: only rows whose change passes the threshold are walked
    # in Python, where the window and the change are computed exactly as before (a float
    # quotient is the same in numpy and Python; a 0 previous price is left to Python)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = cand["price"].to_numpy(dtype=float) / cand["prev_price"].to_numpy(dtype=float)
    keep = ~(np.abs(ratio - 1) <= jump)  # NaN and inf stay in: Python decides them
    for row in cand[keep].itertuples(index=False):
        if (row.obs_date - row.prev_date).days > JUMP_WINDOW_DAYS:
            continue
        change = row.price / row.prev_price - 1
        if abs(change) > jump:
            issues.append(Issue("price_jump", WARNING, row.sheet, int(row.row), row.column, {
                "name": row.commodity, "market": row.market, "new": round(row.price, 2),
                "old": round(row.prev_price, 2), "prev_date": row.prev_date.isoformat(),
                "pct": change * 100}))
    prev_date, markets = reported
    if prev_date is not None:
        present = set(frame["market"])
        for m in markets:
            if m not in present:
                issues.append(Issue("market_not_reported", WARNING, params={
                    "name": m, "prev_date": prev_date.isoformat()}))
    return issues


def window(frame: pd.DataFrame) -> tuple[date, date]:
    return min(frame["obs_date"]) - timedelta(days=JUMP_WINDOW_DAYS), max(frame["obs_date"])
