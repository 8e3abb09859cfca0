"""One file in: guard -> parse (child process) -> prepare + checks -> one transaction.

:func:`ingest_file` is the one code path of the CLI and the upload page. A file is loaded
whole or not at all (invariant 2): every check runs before the write; the write is one
:meth:`Store.write` transaction (names confirmed as new, the upload row and every
observation), so a failure at any point leaves the store as it was. The same file again
is "unchanged"; a file that changes prices of a loaded period adds revisions (the report
lists each change old -> new; the old rows stay, see ``pricewatch.store.writes``).
"""

from __future__ import annotations

import getpass
import hashlib
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pricewatch.config import Settings, load_settings
from pricewatch.errors import PricewatchError, PublishFailed
from pricewatch.store import Store, ingest_queries, writes

from . import guard, worker
from .issues import ERROR, INFO, Issue
from .layouts import Context
from .lengths import check_lengths
from .normalise import Catalog
from .validate import Prepared, history_checks, prepare, window

log = logging.getLogger(__name__)

#: warnings that a confirmation already covers: --strict does not turn them into errors
CONFIRMED = {"new_commodity", "new_market"}


@dataclass
class IngestOptions:
    actor: str | None = None
    dry_run: bool = False
    strict: bool = False
    #: True, or the names a person confirmed on the upload page
    accept_new_names: bool | Collection[str] = False
    market: str | None = None
    date: date | None = None
    unit: str | None = None
    price_type: str | None = None
    #: the name to record (the page saves uploads under a temporary name)
    file_name: str | None = None
    #: parse in a child process with a memory limit (off only for trusted files in tests)
    isolate: bool = True
    settings: Settings | None = None
    today: date | None = None


@dataclass
class FileResult:
    file: str
    status: str  # loaded | unchanged | rejected | dry-run
    layout: str | None = None
    upload_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_new: int = 0
    rows_revised: int = 0
    commodities: int = 0
    markets: int = 0
    date_min: date | None = None
    date_max: date | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    #: revised prices: commodity, market, obs_date, price_type, old_price, new_price
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: what a load would do (dry run): the canonical rows with change new | revised | same
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    new_commodities: dict[str, tuple[str, str]] = field(default_factory=dict)
    new_markets: list[str] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)
    #: information lines: which date each sheet took and why (``date_taken``)
    notes: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        """The CLI's --json shape: file, status, layout, upload_id, rows_read, rows_loaded
        (new + revised), commodities and markets (distinct counts in the loaded rows),
        date_min, date_max, errors and warnings ({sheet, row, column, code, message}), and
        changes (revised prices: commodity, market, date, price_type, old, new)."""
        return {
            "file": self.file, "status": self.status, "layout": self.layout, "upload_id": self.upload_id,
            "rows_read": self.rows_read, "rows_loaded": self.rows_loaded, "commodities": self.commodities,
            "markets": self.markets,
            "date_min": self.date_min.isoformat() if self.date_min else None,
            "date_max": self.date_max.isoformat() if self.date_max else None,
            "errors": [i.to_dict(lang) for i in self.errors],
            "warnings": [i.to_dict(lang) for i in self.warnings],
            "notes": [i.to_dict(lang) for i in self.notes],
            "changes": [
                {"commodity": r.commodity, "market": r.market, "date": str(r.obs_date)[:10],
                 "price_type": r.price_type, "old": r.old_price, "new": r.new_price}
                for r in self.changes.itertuples(index=False)] if not self.changes.empty else [],
        }

    def report(self) -> dict[str, Any]:
        """What is stored with the upload (shown again in the upload history)."""
        d = self.to_json("zh")
        d["issues"] = [i.to_record() for i in [*self.errors, *self.warnings]]
        return d


def _reject(res: FileResult, issues: list[Issue]) -> FileResult:
    res.status = "rejected"
    res.errors = [i for i in issues if i.severity == ERROR]
    res.warnings = [i for i in issues if i.severity != ERROR]
    return res


def ingest_file(store: Store, path: str | Path, options: IngestOptions | None = None) -> FileResult:
    """Check, parse, validate and (unless a dry run) load one file. Never raises for a bad
    file: the problems are in the result (status "rejected").

    A fault of the program itself (an exception nobody foresaw) also ends as "rejected" with
    the code ``internal`` and nothing written, and its traceback goes to the log: a file must
    never take the dashboard down (invariant 5). Errors of the store (busy, unreadable) are
    raised as the PricewatchError they are."""
    try:
        return _ingest_file(store, path, options)
    except PricewatchError:
        raise
    except Exception as e:  # noqa: BLE001 - see the docstring
        log.exception("ingest of %s failed", path)
        opts = options or IngestOptions()
        res = FileResult(file=opts.file_name or Path(path).name, status="rejected")
        return _reject(res, [Issue("internal", ERROR, params={"detail": f"{type(e).__name__}: {e}"[:300]})])


def _ingest_file(store: Store, path: str | Path, options: IngestOptions | None) -> FileResult:
    opts = options or IngestOptions()
    cfg = opts.settings or load_settings(store.path)
    p = Path(path)
    res = FileResult(file=opts.file_name or p.name, status="rejected")
    if not p.is_file():
        return _reject(res, [Issue("parse_failed", ERROR, params={"detail": f"文件 {p} 不存在"})])
    verdict = guard.check(p, max_mb=cfg.max_upload_mb)
    if verdict.kind is None:
        return _reject(res, [verdict.issue] if verdict.issue else [])
    ctx = Context(date=opts.date, market=opts.market, unit=opts.unit, price_type=opts.price_type)
    if opts.isolate:
        parsed = worker.parse_isolated(str(p), verdict.kind, ctx, cfg.parser_memory_mb)
    else:
        parsed = worker.parse(str(p), verdict.kind, ctx)
    if parsed.issue is not None:
        return _reject(res, [parsed.issue])
    if not store.exists():
        store.migrate()  # a new database: the schema and the catalog seeds, no data
    if opts.dry_run:
        with store.read() as s:
            prep = _check(s, parsed.sheets, ctx, opts, cfg, res)
            if _blocking(prep.issues, opts):
                return _finish_rejected(res, prep.issues, opts)
            res.preview = _preview(s, prep.frame, prep)
        res.status = "dry-run"
        res.errors = []
        res.warnings = _ordered(prep.issues)
        if not res.preview.empty:
            res.rows_new = int((res.preview["change"] == "new").sum())
            res.rows_revised = int((res.preview["change"] == "revised").sum())
            res.changes = res.preview[res.preview["change"] == "revised"][
                ["commodity", "market", "obs_date", "price_type", "old_price", "price"]
            ].rename(columns={"price": "new_price"})
        res.rows_loaded = res.rows_new + res.rows_revised
        return res
    actor = opts.actor or _shell_user()
    sha = hashlib.sha256(p.read_bytes()).hexdigest()
    # everything from reading the catalog to the last row is one transaction: the names
    # and the previous prices the checks use are the ones the load writes against
    try:
        with store.write() as s:
            prep = _check(s, parsed.sheets, ctx, opts, cfg, res)
            if _blocking(prep.issues, opts):
                raise _Abort(prep.issues)
            res.errors, res.warnings = [], _ordered(prep.issues)
            ids = _ids(s, prep, actor)
            lr = writes.load_observations(
                s, _to_ids(prep.frame, ids), file_name=res.file, sha256=sha, actor=actor,
                layout=res.layout, rows_read=res.rows_read, report=_stored_report(res))
    except _Abort as a:
        return _finish_rejected(res, a.issues, opts)
    except PublishFailed:
        raise  # committed: the file is in the store, only its publication is late
    except PricewatchError as e:
        return _reject(res, [*res.warnings, Issue("load_failed", ERROR, params={"detail": str(e)})])
    res.status = lr.status
    res.upload_id = lr.upload_id
    res.rows_new, res.rows_revised = lr.rows_new, lr.rows_revised
    res.rows_loaded = lr.rows_new + lr.rows_revised
    res.changes = lr.changes
    return res


class _Abort(Exception):
    """Raised inside the write session to roll it back when the checks block the file."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("rejected")
        self.issues = issues


def _blocking(issues: list[Issue], opts: IngestOptions) -> bool:
    return any(i.severity == ERROR or (opts.strict and i.code not in CONFIRMED) for i in issues)


def _ordered(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: i.code in CONFIRMED)  # row problems first


def _finish_rejected(res: FileResult, issues: list[Issue], opts: IngestOptions) -> FileResult:
    res.status = "rejected"
    if opts.strict:  # under --strict every warning is an error (confirmed new names aside)
        res.errors = [i for i in issues if i.severity == ERROR or i.code not in CONFIRMED]
        res.warnings = [i for i in issues if i not in res.errors]
    else:
        res.errors = [i for i in issues if i.severity == ERROR]
        res.warnings = _ordered([i for i in issues if i.severity != ERROR])
    return res


def _check(s: Any, sheets: list, ctx: Context, opts: IngestOptions, cfg: Settings,
           res: FileResult) -> Prepared:
    """Prepare the frame and run every check against the store seen by session ``s``."""
    catalog = Catalog.from_session(s)
    too_long = check_lengths(sheets)  # a step of its own, before any name is looked up
    prep = prepare(sheets, catalog, ctx, accept_new_names=opts.accept_new_names,
                   strict=opts.strict, today=opts.today or _today(cfg))
    if too_long:
        prep.issues[:0] = too_long
        prep.issues = [i for i in prep.issues if i.code != "no_data"]
    res.layout, res.rows_read = prep.layout, prep.rows_read
    # what the reader decided (which date a sheet took and why): told, never a warning
    res.notes = [i for i in prep.issues if i.severity == INFO]
    prep.issues = [i for i in prep.issues if i.severity != INFO]
    res.new_commodities = dict(prep.new_commodities)
    res.new_markets = list(prep.new_markets)
    res.unknown_names = [n for names in prep.unknown.values() for n in names]
    frame = prep.frame
    if not frame.empty:
        res.commodities = int(frame["commodity"].nunique())
        res.markets = int(frame["market"].nunique())
        res.date_min, res.date_max = min(frame["obs_date"]), max(frame["obs_date"])
        start, end = window(frame)
        recent = ingest_queries.recent_prices(s, start, end)
        reported: tuple = (None, [])
        # a file of one market is that market's form: the others file their own
        if frame["obs_date"].nunique() == 1 and frame["market"].nunique() > 1:
            prev, markets = ingest_queries.markets_reporting_before(s, res.date_min)
            # a correction of a week already loaded is not a missing report
            done = set(ingest_queries.markets_on(s, res.date_min))
            reported = (prev, [m for m in markets if m not in done])
        prep.issues.extend(history_checks(frame, recent, reported, cfg.ingest_jump_warning))
    return prep


def _stored_report(res: FileResult) -> dict[str, Any]:
    return {"layout": res.layout, "rows_read": res.rows_read,
            "warnings": [i.to_dict("zh") | {"severity": i.severity} for i in res.warnings],
            "errors": [i.to_dict("zh") for i in res.errors]}


def _today(cfg: Settings) -> date:
    """Today where the bureau is (a file dated today in Beijing is not "in the future" while
    the server's UTC clock is still on yesterday)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return datetime.now(ZoneInfo(cfg.timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return date.today()


def _shell_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "cli"


def _ids(s: Any, prep: Prepared, actor: str) -> tuple[dict[str, int], dict[str, int]]:
    """Catalog ids inside the write transaction, adding the confirmed new names first."""
    from pricewatch.store import queries

    com = queries.commodities(s)
    known = set(com["name"])
    for name, (unit, category) in prep.new_commodities.items():
        if name not in known:
            writes.add_commodity(s, name, category, unit=unit, actor=actor)
    mk = set(queries.markets(s)["name"])
    for name, kind in prep.new_markets.items():
        if name not in mk:
            writes.add_market(s, name, kind, actor=actor)
    com = queries.commodities(s)
    mkt = queries.markets(s)
    return (dict(zip(com["name"], com["id"], strict=True)), dict(zip(mkt["name"], mkt["id"], strict=True)))


def _to_ids(frame: pd.DataFrame, ids: tuple[dict[str, int], dict[str, int]]) -> pd.DataFrame:
    cid, mid = ids
    out = frame.assign(commodity_id=frame["commodity"].map(cid), market_id=frame["market"].map(mid),
                       source=frame["sheet"].astype(str) + "!" + frame["column"].astype(str)
                       + frame["row"].astype(str))
    return out


def _preview(s: Any, frame: pd.DataFrame, prep: Prepared) -> pd.DataFrame:
    from pricewatch.store import queries

    com = queries.commodities(s)
    mkt = queries.markets(s)
    cid = dict(zip(com["name"], com["id"], strict=True))
    mid = dict(zip(mkt["name"], mkt["id"], strict=True))
    f = frame.assign(commodity_id=frame["commodity"].map(cid), market_id=frame["market"].map(mid))
    known = f["commodity_id"].notna() & f["market_id"].notna()
    parts = []
    if known.any():
        d = writes.preview_load(s, f[known].astype({"commodity_id": "int64", "market_id": "int64"}))
        d = d.assign(commodity=d["commodity_id"].map({v: k for k, v in cid.items()}),
                     market=d["market_id"].map({v: k for k, v in mid.items()}))
        parts.append(d[["commodity", "market", "obs_date", "price_type", "price", "old_price", "change"]])
    if (~known).any():
        n = f[~known][["commodity", "market", "obs_date", "price_type", "price"]].assign(
            old_price=float("nan"), change="new")
        parts.append(n)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
