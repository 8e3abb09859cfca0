"""One file in: guard -> child (read, layouts, every check, preview) -> one transaction.

:func:`ingest_file` is the one code path of the CLI and the upload page. The file's cells
never enter this process: its child (:mod:`ingest.worker`) reads and checks it and answers
with a bounded summary (counts, issues, the first preview rows); on a real load it writes
the canonical rows to a CSV file that DuckDB reads into the write
(:class:`pricewatch.store.writes.RowsFile`). No pandas here: a frame is made only when a
caller asks for :attr:`FileResult.changes` or :attr:`FileResult.preview`. A file is loaded
whole or not at all (invariant 2): every check is in before the commit (the rows are
read and loaded while the history checks run, and rolled back if they refuse the file); the
write is one :meth:`Store.write` transaction (names confirmed as new, the upload row and every
observation), so a failure at any point leaves the store as it was. The same file again
is "unchanged"; a file that changes prices of a loaded period adds revisions (the report
lists each change old -> new; the old rows stay, see ``pricewatch.store.writes``).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import logging
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pricewatch.config import Settings, load_settings
from pricewatch.errors import PricewatchError, PublishFailed
from pricewatch.store import Store, queries, writes

from . import worker
from .issues import ERROR, WARNING, Issue
from .layouts import Context

#: stored prices this many days before a file's first date are its history (as
#: ``ingest.validate.JUMP_WINDOW_DAYS``: this process does not import the checks)
JUMP_WINDOW_DAYS = 45

if TYPE_CHECKING:  # pandas is imported only when a caller asks for a frame (the page)
    import pandas as pd

PREVIEW_COLUMNS = ["commodity", "market", "obs_date", "price_type", "price", "old_price", "change"]
CHANGE_COLUMNS = ["commodity", "market", "obs_date", "price_type", "old_price", "new_price"]

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
    #: read every sheet with this mapping (``--map``, the page's mapping step): a Mapping
    mapping: Any = None
    #: read with this saved import profile whatever the file looks like (``--profile``)
    profile: str | None = None
    #: match saved profiles by the layout's fingerprint (off: detection only)
    use_profiles: bool = True
    #: load the rows without errors, skipping the rows with errors (needs ``reason``)
    skip_invalid_rows: bool = False
    reason: str | None = None
    #: "SHEET:ROW" -> the reason a person gave for accepting that row's jump
    confirm_rows: dict[str, str] = field(default_factory=dict)
    #: record a rejection in the audit log even on a dry run (the page's check)
    audit_rejected: bool = False
    #: the person ticked "checked" for the file's other warnings (kept with the upload)
    warnings_checked: bool = False



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
    new_commodities: dict[str, tuple[str, str]] = field(default_factory=dict)
    new_markets: list[str] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)
    #: information lines: which date each sheet took and why (``date_taken``)
    notes: list[Issue] = field(default_factory=list)
    #: the import profile the file was read with ("" for an unsaved mapping), else None
    profile: str | None = None
    #: the first rows of the first sheets (the page's mapping grid)
    peek: list[tuple[str, list[list[Any]]]] = field(default_factory=list)
    #: rows confirmed one by one: sheet, row, column, code, message, reason, by
    confirmed: list[dict[str, Any]] = field(default_factory=list)
    #: rows skipped by choice: sheet, row, column, code, message, count; and why, by whom
    skipped: list[dict[str, Any]] = field(default_factory=list)
    skip_reason: str | None = None
    skipped_by: str | None = None
    #: when a rejection is confined to rows: (rows to skip, rows that would load)
    skip_offer: tuple[int, int] | None = None
    #: who ticked "checked" for the file's other warnings (the page), else None
    checked_by: str | None = None
    #: :attr:`changes` and :attr:`preview` as rows (tuples) or as the frame once made
    change_rows: Any = field(default=None, repr=False)
    preview_rows: Any = field(default=None, repr=False)

    @property
    def changes(self) -> pd.DataFrame:
        """Revised prices: commodity, market, obs_date, price_type, old_price, new_price
        (a frame, made on first use: the command line prints them without pandas)."""
        if self.change_rows is None or isinstance(self.change_rows, list):
            self.change_rows = _frame(self.change_rows, CHANGE_COLUMNS)
        return self.change_rows

    @changes.setter
    def changes(self, value: Any) -> None:
        self.change_rows = value

    @property
    def preview(self) -> pd.DataFrame:
        """What a load would do (dry run): the canonical rows with change new | revised | same."""
        if self.preview_rows is None or isinstance(self.preview_rows, list):
            self.preview_rows = _frame(self.preview_rows, PREVIEW_COLUMNS)
        return self.preview_rows

    @preview.setter
    def preview(self, value: Any) -> None:
        self.preview_rows = value

    def change_list(self) -> list[tuple]:
        """The revised prices as tuples in CHANGE_COLUMNS order (no pandas needed)."""
        c = self.change_rows
        if c is None:
            return []
        if isinstance(c, list):
            return c
        return list(c[CHANGE_COLUMNS].itertuples(index=False, name=None)) if not c.empty else []

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        """The CLI's --json shape: file, status, layout, upload_id, rows_read, rows_loaded
        (new + revised), commodities and markets (distinct counts in the loaded rows),
        date_min, date_max, errors and warnings ({sheet, row, column, code, message}), notes,
        changes (revised prices: commodity, market, date, price_type, old, new), profile (the
        import profile the file was read with, "" for an unsaved mapping, else null),
        confirmed (rows confirmed one by one: sheet, row, column, code, message, reason, by),
        skipped ({reason, by, rows} when rows were skipped by choice, else null) and
        skip_offer ([rows with errors, rows that would load] when a rejection is confined
        to rows, else null)."""
        return {
            "file": self.file, "status": self.status, "layout": self.layout, "upload_id": self.upload_id,
            "rows_read": self.rows_read, "rows_loaded": self.rows_loaded, "commodities": self.commodities,
            "markets": self.markets,
            "date_min": self.date_min.isoformat() if self.date_min else None,
            "date_max": self.date_max.isoformat() if self.date_max else None,
            "profile": self.profile,
            "confirmed": self.confirmed,
            "skipped": ({"reason": self.skip_reason, "by": self.skipped_by, "rows": self.skipped}
                        if self.skipped else None),
            "skip_offer": list(self.skip_offer) if self.skip_offer else None,
            "errors": [i.to_dict(lang) for i in self.errors],
            "warnings": [i.to_dict(lang) for i in self.warnings],
            "notes": [i.to_dict(lang) for i in self.notes],
            "changes": [
                {"commodity": com, "market": mkt, "date": str(day)[:10], "price_type": pt, "old": old, "new": new}
                for com, mkt, day, pt, old, new in self.change_list()],
        }

    def report(self) -> dict[str, Any]:
        """What is stored with the upload (shown again in the upload history)."""
        d = self.to_json("zh")
        d["issues"] = [i.to_record() for i in [*self.errors, *self.warnings]]
        return d


def _frame(rows: list[tuple] | None, columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows or [], columns=columns)


def _reject(res: FileResult, issues: list[Issue]) -> FileResult:
    res.status = "rejected"
    res.errors = [i for i in issues if i.severity == ERROR]
    res.warnings = [i for i in issues if i.severity != ERROR]
    return res


def ingest_file(store: Store, path: str | Path, options: IngestOptions | None = None, *,
                begun: worker.Begun | None = None) -> FileResult:
    """Check, parse, validate and (unless a dry run) load one file. Never raises for a bad
    file: the problems are in the result (status "rejected").

    ``begun``: the file's child already started by :func:`ingest.worker.begin` (the CLI
    starts it before it imports and opens the store); otherwise it is started here.

    A fault of the program itself (an exception nobody foresaw) also ends as "rejected" with
    the code ``internal`` and nothing written, and its traceback goes to the log: a file must
    never take the dashboard down (invariant 5). Errors of the store (busy, unreadable) are
    raised as the PricewatchError they are.

    A rejected load (not a dry run, unless ``audit_rejected``) leaves one audit line,
    ``ingest.reject``, and nothing else."""
    opts = options or IngestOptions()
    try:
        res = _ingest_file(store, path, opts, begun)
    except PricewatchError:
        raise
    except Exception as e:  # noqa: BLE001 - see the docstring
        log.exception("ingest of %s failed", path)
        res = FileResult(file=opts.file_name or Path(path).name, status="rejected")
        res = _reject(res, [Issue("internal", ERROR, params={"detail": f"{type(e).__name__}: {e}"[:300]})])
    finally:
        if begun is not None:
            begun.close()
    if res.status == "rejected" and (not opts.dry_run or opts.audit_rejected) and store.exists():
        with store.write() as s:
            s.keep_data_version()
            writes.audit(s, opts.actor or _shell_user(), "ingest.reject", res.file, {
                "errors": len(res.errors), "codes": sorted({i.code for i in res.errors}),
                "first": [i.to_dict("zh") for i in res.errors[:5]]})
    return res


def _with_mapping(store: Store, ctx: Context, opts: IngestOptions) -> Context:
    """The context with the person's mapping, the named profile, or the saved profiles to
    match (raises NotFound for an unknown profile name)."""
    from pricewatch.errors import NotFound
    from pricewatch.store import profiles as stored

    if opts.mapping is not None:
        return replace(ctx, mapping=opts.mapping.to_dict(), mapping_name="")
    if not store.exists() or not (opts.profile or opts.use_profiles):
        return ctx
    with store.read() as s:
        if opts.profile:
            got = stored.get_profile(s, opts.profile)
            if got is None:
                raise NotFound(f"导入方案「{opts.profile}」不存在", "用 python -m ingest profiles list 查看已有方案")
            return replace(ctx, mapping=got[0], mapping_name=opts.profile)
        return replace(ctx, profiles=_saved_profiles(s))


def _saved_profiles(s: Any) -> tuple[tuple[str, Any, Any], ...]:
    from pricewatch.store import profiles as stored_profiles

    return tuple((n, _json(m), _json(f)) for n, m, f in stored_profiles.profile_rows(s))


def _lay_out(w: Any, ctx: Context, opts: IngestOptions, cfg: Settings, res: FileResult) -> None:
    """Read the sheets again with a mapping or the saved profiles when there are any; the
    first rows for the page's mapping grid."""
    if ctx.mapping is not None or ctx.profiles:
        res.profile = w.call("relayout", ctx, opts.today or worker.bureau_today(cfg))
    res.peek = w.call("peek")


def _json(v: Any) -> Any:
    return json.loads(v) if isinstance(v, str) else v


def _context(opts: IngestOptions) -> Context:
    return Context(date=opts.date, market=opts.market, unit=opts.unit, price_type=opts.price_type)


def _ingest_file(store: Store, path: str | Path, options: IngestOptions | None,
                 begun: worker.Begun | None) -> FileResult:
    opts = options or IngestOptions()
    cfg = opts.settings or load_settings(store.path)
    p = Path(path)
    res = FileResult(file=opts.file_name or p.name, status="rejected")
    if begun is None or begun.path != str(p):
        begun = worker.begin(p, _context(opts), worker.Limits.of(cfg), cfg.max_upload_mb, opts.isolate,
                             opts.today or worker.bureau_today(cfg))
    try:
        with contextlib.ExitStack() as stack:
            stack.callback(begun.close)  # the child is gone when this file is done
            return _checked_file(store, p, opts, cfg, res, begun)
    except worker.ChildFailed as e:
        return _reject(res, [e.issue])


def _checked_file(store: Store, p: Path, opts: IngestOptions, cfg: Settings, res: FileResult,
                  begun: worker.Begun) -> FileResult:
    if begun.issue is not None or begun.session is None:
        return _reject(res, [begun.issue] if begun.issue else [])
    w = begun.session
    if not store.exists():
        store.migrate()  # a new database: the schema and the catalog seeds, no data
    # the parse sent by begin() (its time is the file's to decide) is done before any store
    # lock is taken; the layout and the cell checks (bounded by the row and cell limits) go
    # on in the child while this process opens the write
    read_issue = begun.parsed()
    if read_issue is not None:
        return _reject(res, [read_issue])
    # the saved profiles to match are read in the write's own session (no snapshot opened
    # for them); a person's mapping or a named profile before it
    early = opts.dry_run or opts.mapping is not None or bool(opts.profile) or not opts.use_profiles
    ctx = _with_mapping(store, _context(opts), opts) if early else _context(opts)
    if early:
        begun.laid_out()
        _lay_out(w, ctx, opts, cfg, res)
    actor = opts.actor or _shell_user()
    if opts.dry_run:
        with store.read() as s:
            issues, summary = _prepare(s, w, ctx, opts, res)
            issues, preview = _history_and_choices(s, w, summary, cfg, opts, res, actor, issues, preview=True)
        if _blocking(issues, opts):
            return _finish_rejected(res, issues, opts)
        res.status = "dry-run"
        res.errors = []
        res.warnings = _ordered(issues)
        if preview is not None:
            res.preview = list(preview.head)
            res.rows_new, res.rows_revised = preview.new, preview.revised
            res.changes = list(preview.changes)
        res.rows_loaded = res.rows_new + res.rows_revised
        return res
    with p.open("rb") as fh:
        sha = hashlib.file_digest(fh, "sha256").hexdigest()
    res.checked_by = actor if opts.warnings_checked else None
    # everything from reading the catalog to the last row is one transaction: the names
    # and the previous prices the checks use are the ones the load writes against
    try:
        with store.write() as s, tempfile.TemporaryDirectory(prefix="pricewatch-rows-") as tmp:
            # read while the child is still laying the sheets out
            profiles = _saved_profiles(s) if not early else ()
            catalog = queries.catalog.catalog_rows(s)
            begun.laid_out()
            if not early:
                ctx = replace(ctx, profiles=profiles)
                _lay_out(w, ctx, opts, cfg, res)
            issues, summary = _prepare(s, w, ctx, opts, res, catalog)
            rows_file = None
            rows: writes.StagedRows | None = None
            lr: writes.LoadResult | None = None  # loaded before its report is complete
            failed: PricewatchError | None = None
            asked_rows = False  # the rows file asked for and not yet collected
            if opts.skip_invalid_rows:
                # the rows to leave out depend on the history checks: those first, then the rows
                issues, _preview = _history_and_choices(s, w, summary, cfg, opts, res, actor, issues,
                                                        preview=False)
                if summary.rows and not _blocking(issues, opts):
                    rows_file = _send_rows(w, tmp, summary.rows)
                    asked_rows = True
                    _add_names(s, summary.new_commodities, summary.new_markets, actor)
            else:
                # the child writes the rows first and then works through the history checks,
                # while this process adds the new names, reads the rows into the write and loads
                # them (rolled back with the rest if the checks refuse the file; the upload's
                # report, which holds their warnings, is written once they are in)
                parts: list[writes.RowsFile] = []
                if _has_rows(summary) and not _blocking(issues, opts):
                    parts = _send_parts(w, tmp, summary.rows)
                    rows_file = parts[0]
                asked = _send_history(s, w, summary, cfg, preview=False)
                if parts:
                    _add_names(s, summary.new_commodities, summary.new_markets, actor)
                    for part in parts:
                        w.result()  # this part of the rows is written: DuckDB reads it while the next is
                        try:
                            if failed is None:
                                rows = writes.stage_rows(s, part, rows)
                        except PricewatchError as e:
                            failed = e  # reported as the load's failure once the checks are in
                    try:
                        if failed is None and rows is not None:
                            lr = writes.load_observations(s, rows, file_name=res.file, sha256=sha, actor=actor,
                                                          layout=res.layout, rows_read=res.rows_read)
                    except PricewatchError as e:
                        failed = e
                if asked:
                    issues.extend(_judge(w.result().issues, opts, cfg, res, actor))
                    if _blocking(issues, opts):
                        _skip(w, issues, opts, res, actor)  # the offer, for the report
            if _blocking(issues, opts) or rows_file is None:
                raise _Abort(issues)
            if asked_rows:
                w.result()  # the rows file is complete
            res.errors, res.warnings = [], _ordered(issues)
            if failed is not None:
                raise failed
            if lr is None:
                lr = writes.load_observations(
                    s, rows if rows is not None else rows_file, file_name=res.file, sha256=sha, actor=actor,
                    layout=res.layout, rows_read=res.rows_read, report=_stored_report(res))
            elif lr.upload_id:
                writes.set_upload_report(s, lr.upload_id, _stored_report(res))
            target = f"upload:{lr.upload_id}" if lr.upload_id else res.file
            if res.skipped:
                writes.audit(s, actor, "ingest.skip_rows", target, {
                    "file": res.file, "reason": res.skip_reason, "rows": res.skipped})
            if res.confirmed:
                writes.audit(s, actor, "ingest.confirm_rows", target, {"file": res.file, "rows": res.confirmed})
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
    res.changes = lr.change_rows
    return res


class _Abort(Exception):
    """Raised inside the write session to roll it back when the checks block the file."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("rejected")
        self.issues = issues


def _blocking(issues: list[Issue], opts: IngestOptions) -> bool:
    return any(i.severity == ERROR or (opts.strict and i.code not in CONFIRMED and "confirmed" not in i.params)
               for i in issues)


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


def _prepare(s: Any, w: Any, ctx: Context, opts: IngestOptions, res: FileResult, catalog: Any = None
             ) -> tuple[list[Issue], worker.Summary]:
    """The names against the catalog seen by session ``s`` (``catalog``: its rows, read in
    ``s`` already), in the child (which has done the cell checks already): the catalog goes
    over, the summary comes back."""
    if catalog is None:
        catalog = queries.catalog.catalog_rows(s)  # the child builds its name index from these
    summary: worker.Summary = w.call("prepare", catalog, ctx, opts.accept_new_names, opts.strict)
    res.layout, res.rows_read = summary.layout, summary.rows_read
    res.notes = list(summary.notes)
    res.new_commodities = dict(summary.new_commodities)
    res.new_markets = list(summary.new_markets)
    res.unknown_names = [n for names in summary.unknown.values() for n in names]
    if summary.rows:
        res.commodities, res.markets = summary.commodities, summary.markets
        res.date_min, res.date_max = summary.date_min, summary.date_max
    return list(summary.issues), summary


def _has_rows(summary: worker.Summary) -> bool:
    return bool(summary.rows) and summary.date_min is not None and summary.date_max is not None


def _send_history(s: Any, w: Any, summary: worker.Summary, cfg: Settings, *, preview: bool) -> bool:
    """Send the child the stored prices around the file's dates for the history checks (and
    the preview); False when the file has no rows to check."""
    if not _has_rows(summary):
        return False
    start, end = summary.date_min - timedelta(days=JUMP_WINDOW_DAYS), summary.date_max
    recent = queries.observations.recent_price_rows(s, start, end)
    reported: tuple = (None, [])
    # a file of one market is that market's form: the others file their own
    if summary.dates == 1 and summary.markets > 1:
        prev, markets = queries.observations.markets_reporting_before(s, summary.date_min)
        # a correction of a week already loaded is not a missing report
        done = set(queries.observations.markets_reporting(s, summary.date_min, summary.date_min))
        reported = (prev, [m for m in markets if m not in done])
    w.send("history", [tuple(r) for r in recent], reported, cfg.ingest_jump_warning, preview)
    return True


def _history_and_choices(s: Any, w: Any, summary: worker.Summary, cfg: Settings, opts: IngestOptions,
                         res: FileResult, actor: str, issues: list[Issue], *, preview: bool
                         ) -> tuple[list[Issue], worker.Preview | None]:
    """The history checks, then the person's choices: jumps judged row by row
    (:func:`_judge`) and, when chosen, the rows with errors left out (:func:`_skip`), after
    which the checks and the preview are those of the rest."""
    if not _send_history(s, w, summary, cfg, preview=preview):
        return issues, None
    pv: worker.Preview = w.result()
    hist = _judge(pv.issues, opts, cfg, res, actor)
    drop = _skip(w, [*issues, *hist], opts, res, actor)
    if drop is None:
        return [*issues, *hist], pv
    kept: worker.Summary = w.call("drop", drop, True)
    for k in ("rows", "commodities", "markets", "date_min", "date_max", "dates"):
        setattr(summary, k, getattr(kept, k))
    res.commodities, res.markets = kept.commodities, kept.markets
    res.date_min, res.date_max = kept.date_min, kept.date_max
    rest = [i for i in issues if i.severity != ERROR]
    res.confirmed = []
    if not _send_history(s, w, summary, cfg, preview=preview):
        return rest, None
    pv = w.result()
    return [*rest, *_judge(pv.issues, opts, cfg, res, actor)], pv


#: row errors a person may choose to skip (the rest of the file loads): each concerns its
#: own row; an error of a sheet or of the file (no row) never is
SKIPPABLE = frozenset({
    "not_a_number", "price_not_positive", "price_absurd", "date_unreadable", "date_missing", "date_no_year",
    "date_future", "unit_unknown", "unit_missing", "commodity_missing", "market_missing", "price_jump_large"})
#: warnings that can hide a wrong number (a jump; a unit other than the one stored before):
#: confirmed row by row, with a reason (a jump beyond the bound is an error until then)
PER_ROW = frozenset({"price_jump", "price_jump_large", "unit_changed"})


def row_key(sheet: Any, row: Any) -> str:
    """How a row is named for ``--confirm-row``: SHEET:ROW."""
    return f"{sheet}:{row}"


def _judge(issues: list[Issue], opts: IngestOptions, cfg: Settings, res: FileResult, actor: str) -> list[Issue]:
    """A jump beyond ``cfg.ingest_jump_error`` times (or under 1/that of) the previous price
    is an error unless its row is confirmed; a confirmed jump row is recorded in
    ``res.confirmed`` (who, why)."""
    factor = cfg.ingest_jump_error
    out: list[Issue] = []
    for i in issues:
        if i.code == "price_jump":
            ratio = 1 + float(i.params.get("pct", 0)) / 100
            if ratio > factor or ratio < 1 / factor:
                i = Issue("price_jump_large", ERROR, i.sheet, i.row, i.column,
                          {**i.params, "ratio": ratio, "factor": factor})
        reason = opts.confirm_rows.get(row_key(i.sheet, i.row)) if i.code in PER_ROW else None
        if reason:
            i.severity = WARNING
            i.params["confirmed"] = reason
            res.confirmed.append({"sheet": i.sheet, "row": i.row, "column": i.column, "code": i.code,
                                  "message": i.message("zh"), "reason": reason, "by": actor})
        out.append(i)
    return out


def _skip(w: Any, issues: list[Issue], opts: IngestOptions, res: FileResult, actor: str) -> set | None:
    """When every error is one of a row and other rows remain: offer to skip them
    (``res.skip_offer``); with ``skip_invalid_rows`` and a reason, the rows to leave out
    (recorded in ``res.skipped``), else None."""
    errors = [i for i in issues if i.severity == ERROR]
    if not errors or any(i.row is None or i.code not in SKIPPABLE for i in errors):
        return None
    drop = {(str(i.sheet), int(i.row)) for i in errors if i.row is not None}
    remaining = w.call("drop", drop, False).rows
    if not remaining:
        return None
    res.skip_offer = (sum(int(i.params.get("count", 1)) for i in errors), remaining)
    reason = (opts.reason or "").strip()
    if not (opts.skip_invalid_rows and reason):
        return None
    res.skipped = [i.to_dict("zh") | {"count": int(i.params.get("count", 1))} for i in errors]
    res.skip_reason, res.skipped_by = reason, actor
    return drop


def _stored_report(res: FileResult) -> dict[str, Any]:
    return {"layout": res.layout, "rows_read": res.rows_read, "profile": res.profile,
            "confirmed": res.confirmed, "checked_by": res.checked_by,
            "skipped": {"reason": res.skip_reason, "by": res.skipped_by, "rows": res.skipped} if res.skipped else None,
            "warnings": [i.to_dict("zh") | {"severity": i.severity} for i in res.warnings],
            "errors": [i.to_dict("zh") for i in res.errors],
            "notes": [i.to_dict("zh") for i in res.notes]}


def _shell_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "cli"


def _add_names(s: Any, new_commodities: dict[str, tuple[str, str]], new_markets: dict[str, str],
               actor: str) -> None:
    """Add, inside the write transaction, the confirmed new names the catalog lacks."""
    known, known_m = queries.catalog.name_ids(s)
    writes.add_names(s, {k: v for k, v in new_commodities.items() if k not in known},
                     {k: v for k, v in new_markets.items() if k not in known_m}, actor=actor)


#: a file's rows are written in parts of at least this many rows, at most ROWS_PARTS parts
ROWS_PART_MIN, ROWS_PARTS = 10_000, 4


def _send_parts(w: Any, tmp: str, n: int) -> list[writes.RowsFile]:
    """As :func:`_send_rows`, in parts: the caller reads each part into the write as soon as
    the child has written it, while the child writes the next (the reads of all but the last
    no longer come after the writing)."""
    k = max(1, min(ROWS_PARTS, n // ROWS_PART_MIN))
    # the first part half the size of the others (in halves: 1, 2, 2, ...): it is written while
    # the caller adds the new names, and read as soon as they are in
    total = 2 * k - 1
    bounds = [0, *(n * (2 * i + 1) // total for i in range(k))]
    parts = []
    for i in range(k):
        path = Path(tmp) / f"rows-{i}.csv"
        w.send("write_rows", str(path), bounds[i], bounds[i + 1])
        parts.append(writes.RowsFile(path, bounds[i + 1] - bounds[i]))
    return parts


def _send_rows(w: Any, tmp: str, n: int) -> writes.RowsFile:
    """Ask the child to write the canonical rows into a CSV file in ``tmp`` (this process's
    private temporary directory), which the store reads with DuckDB: the names and cells of
    a file never enter this process. The caller collects the answer before the load."""
    path = Path(tmp) / "rows.csv"
    w.send("write_rows", str(path))
    return writes.RowsFile(path, n)
