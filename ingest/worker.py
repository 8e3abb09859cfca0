"""The untrusted part of an ingest runs in a child process with a memory limit.

Why: a hostile or merely huge file must not take the caller (the dashboard server, the
CLI) down, nor grow the server's memory. So the child does the whole read, the layout
detection, the validation, the history checks and the preview; the caller sends it the
catalog and the stored prices it needs (the store stays the caller's), and gets back a
bounded :class:`Summary`: counts, the issues (at most :data:`MAX_ISSUES_PER_CODE` of a
code, then one line saying how many more), the first rows of the preview. The canonical
rows leave the child only on a real load, as a CSV file the caller's store reads with DuckDB
(``write_rows``).

One child per file (:class:`Session`), spawned (not forked: the dashboard runs threads,
and forking a threaded process is unsafe) and gone when the file is done, so nothing it
allocated outlives the upload. The one exception is the command line's first file: the CLI
starts its child before it has any thread or has imported DuckDB (:func:`may_fork`), and
there a fork saves the new interpreter, its imports and the resource tracker a spawn
starts (~0.15 s of a 50,000-row ingest's wall time). The child:

* sets ``RLIMIT_DATA`` to ``Settings.parser_memory_mb`` once its parser is loaded, before
  any file is read (the layouts and the checks load under it, in a thread, while the first
  parse runs): an allocation beyond it fails inside the child (``parse_memory``); a parser
  that aborts the process outright shows as a dead child, reported the same way;
* refuses a file with more rows or cells than ``Settings.max_rows`` / ``max_cells``
  before turning its cells into Python objects (``too_many_rows`` / ``too_many_cells``);
* dies with its parent: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (Linux), so a ``kill -9`` of
  the CLI or the server takes the child with it, and a check of ``getppid()`` right after
  closes the window in which the parent died before the call;
* leads its own process group, which :meth:`Session.close` ends with ``killpg`` (any
  process the parser might start goes too); :func:`shutdown`, run at exit, ends every
  live one (the server's SIGTERM path).

A call that runs longer than :data:`TIMEOUT_S` kills the child. The handlers also run
in-process (:class:`LocalSession`) for trusted files in tests.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import signal
import sys
import threading
import types
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import ParseError
from .issues import ERROR, INFO, Issue
from .layouts import Context, SheetResult

TIMEOUT_S = 300.0
#: issues of one code sent back in a summary; the rest are counted in one more issue
MAX_ISSUES_PER_CODE = 1000
#: preview rows (and revised prices) a summary carries
PREVIEW_ROWS = 200
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    rows: int = 200_000
    cells: int = 5_000_000
    memory_mb: int = 2048

    @classmethod
    def of(cls, settings: Any) -> Limits:
        return cls(rows=int(getattr(settings, "max_rows", cls.rows)),
                   cells=int(getattr(settings, "max_cells", cls.cells)),
                   memory_mb=int(getattr(settings, "parser_memory_mb", cls.memory_mb)))


@dataclass
class Summary:
    """What the caller learns about a file (bounded whatever the file's size)."""

    issues: list[Issue] = field(default_factory=list)
    layout: str | None = None
    rows_read: int = 0
    rows: int = 0  # canonical rows
    commodities: int = 0
    markets: int = 0
    date_min: date | None = None
    date_max: date | None = None
    dates: int = 0
    new_commodities: dict[str, tuple[str, str]] = field(default_factory=dict)
    new_markets: dict[str, str] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    #: what the reader decided (which date a sheet took and why): told, never a warning
    notes: list[Issue] = field(default_factory=list)


@dataclass
class Preview:
    """History issues and what a load would do: counts, the first rows, the revised prices."""

    issues: list[Issue] = field(default_factory=list)
    new: int = 0
    revised: int = 0
    same: int = 0
    #: (commodity, market, obs_date, price_type, price, old_price | None, change), the first rows
    head: list[tuple] = field(default_factory=list)
    #: (commodity, market, obs_date, price_type, old_price, new_price), the first revised ones
    changes: list[tuple] = field(default_factory=list)


class ChildFailed(Exception):
    """The child died, ran out of memory or time: ``issue`` says which, for the report."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.code)
        self.issue = issue


# -- the work (in the child, or in-process for LocalSession) ----------------------------
class _State:
    def __init__(self) -> None:
        self.sheets: list[SheetResult] = []
        self.cells: Any = None
        self.too_long: list[Issue] = []
        self.prep: Any = None
        #: the cells as read, until prepare: a person's mapping may lay them out again
        self.raw: list[tuple[str, list[list[Any]]]] = []
        self.parsed = False  # the last parse read the file
        #: (the columns, their texts) of the rows file's parts (``_texts``)
        self.texts: tuple[Any, dict] | None = None


PEEK_SHEETS, PEEK_ROWS, PEEK_COLS, PEEK_CHARS = 10, 30, 40, 80


def peek(sheets: list[tuple[str, list[list[Any]]]]) -> list[tuple[str, list[list[Any]]]]:
    """The top-left corner of each of the first sheets, long texts cut: a bounded sample a
    person maps columns on, and the rows a profile's fingerprint is taken from."""
    out = []
    for name, rows in sheets[:PEEK_SHEETS]:
        if not any(any(c not in (None, "") for c in r) for r in rows[:PEEK_ROWS]):
            continue
        out.append((name, [[c[:PEEK_CHARS] if isinstance(c, str) else c for c in r[:PEEK_COLS]]
                           for r in rows[:PEEK_ROWS]]))
    return out


def _do_read(st: _State, path: str, kind: str, ctx: Context, limits: Limits, today: date | None = None,
             check: bool = True) -> Issue | None:
    """Read, lay out and (``check``) run the cell checks, which need no catalog."""
    issue = _do_parse(st, path, kind, limits)
    if issue is None:
        _do_layout(st, ctx, today, check)
    return issue


def _do_parse(st: _State, path: str, kind: str, limits: Limits) -> Issue | None:
    """Read the file's cells (the step whose time and memory the file decides), else the issue."""
    from .readers import read

    st.raw, st.parsed = [], False
    try:
        sheets = read(path, kind, max_rows=limits.rows, max_cells=limits.cells)
    except ParseError as e:
        return Issue(e.code, ERROR, params=e.params)
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - any parser failure is a property of the file
        return Issue("parse_failed", ERROR, params={"detail": f"{type(e).__name__}: {e}"[:200]})
    st.raw, st.parsed = sheets, True  # kept until prepare: a saved profile or a person's mapping may apply
    return None


def _do_layout(st: _State, ctx: Context, today: date | None = None, check: bool = True) -> None:
    """Lay the cells read out and (``check``) run the cell checks (none after a failed parse:
    the caller has its issue and does not ask for more)."""
    from .layouts import extract

    if not st.parsed:
        return
    st.sheets = extract(st.raw, ctx)
    if check:
        _check_cells(st, ctx, today)


def _check_cells(st: _State, ctx: Context, today: date | None) -> None:
    from .lengths import check_lengths
    from .validate import check_cells

    st.too_long = check_lengths(st.sheets)  # a step of its own, before any name is looked up
    st.cells = check_cells(st.sheets, ctx, today)
    st.sheets = []  # the records are in the cells now


def _do_peek(st: _State) -> list[tuple[str, list[list[Any]]]]:
    return peek(st.raw)


def _do_relayout(st: _State, ctx: Context, today: date | None) -> str | None:
    """Lay the sheets out again with the person's mapping or the saved profiles in ``ctx``
    and check their cells; the profile a sheet was read with ("" for an unsaved mapping),
    else None."""
    from .layouts import extract

    st.sheets = extract(st.raw, ctx)
    profile = next((sh.profile for sh in st.sheets if sh.profile is not None), None)
    _check_cells(st, ctx, today)
    return profile


def _do_drop(st: _State, rows: set[tuple[str, int]], apply: bool) -> Summary:
    """The canonical rows left without those of ``rows`` ((sheet, row) pairs): their counts,
    and (``apply``) the rows themselves from now on."""
    cols = st.prep.columns
    keep = [(str(a), int(b)) not in rows for a, b in zip(cols["sheet"], cols["row"], strict=True)]
    kept = {k: [v for v, k_ in zip(vals, keep, strict=True) if k_] for k, vals in cols.items()}
    if apply:
        st.prep.columns = kept
    days = kept["obs_date"]
    return Summary(rows=len(days), commodities=len(set(kept["commodity"])), markets=len(set(kept["market"])),
                   date_min=min(days) if days else None, date_max=max(days) if days else None,
                   dates=len(set(days)))


def _bounded(issues: list[Issue]) -> list[Issue]:
    """At most MAX_ISSUES_PER_CODE issues of a code, then one issue counting the rest."""
    seen: dict[str, int] = {}
    out: list[Issue] = []
    more: dict[tuple[str, str], list] = {}  # (code, severity) -> [count, the first left out]
    for i in issues:
        n = seen.get(i.code, 0)
        seen[i.code] = n + 1
        if n < MAX_ISSUES_PER_CODE:
            out.append(i)
        elif (i.code, i.severity) in more:
            more[(i.code, i.severity)][0] += 1
        else:
            more[(i.code, i.severity)] = [1, i]
    for (code, severity), (n, first) in more.items():
        out.append(Issue("more_issues", severity, first.sheet, first.row, first.column, params={
            "code": code, "count": n, "example": first.message("zh"), "example_en": first.message("en")}))
    return out


def _do_prepare(st: _State, catalog: Any, ctx: Context, accept: Any, strict: bool) -> Summary:
    """``catalog``: a :class:`~ingest.normalise.Catalog` or the rows it is made of
    (``pricewatch.store.queries.catalog.catalog_rows``)."""
    from .normalise import Catalog
    from .validate import resolve

    if not isinstance(catalog, Catalog):
        catalog = Catalog(*catalog)

    prep = st.prep = resolve(st.cells, catalog, ctx, accept_new_names=accept, strict=strict)
    st.cells, st.raw = None, []
    if st.too_long:
        prep.issues[:0] = st.too_long
        prep.issues = [i for i in prep.issues if i.code != "no_data"]
    notes = [i for i in prep.issues if i.severity == INFO]
    prep.issues = [i for i in prep.issues if i.severity != INFO]
    cols = prep.columns
    days = cols["obs_date"]
    return Summary(
        issues=_bounded(prep.issues), layout=prep.layout, rows_read=prep.rows_read, rows=len(prep),
        commodities=len(set(cols["commodity"])), markets=len(set(cols["market"])),
        date_min=min(days) if days else None, date_max=max(days) if days else None, dates=len(set(days)),
        new_commodities=dict(prep.new_commodities), new_markets=dict(prep.new_markets),
        unknown={k: list(v) for k, v in prep.unknown.items()}, notes=notes)


def _do_history(st: _State, recent: list[tuple], reported: tuple, jump: float, preview: bool = True) -> Preview:
    """History checks, then (``preview``) each row against the stored current price of its
    key: new, revised (differs by more than 1e-9) or the same (as ``writes.preview_load``
    decides; a real load leaves that to the store)."""
    from .validate import history_checks, unit_changes

    cols = st.prep.columns
    out = Preview(issues=_bounded([*history_checks(cols, recent, reported, jump), *unit_changes(cols, recent)]))
    if not preview:
        return out
    stored = {(r[0], r[1], r[2], r[3]): r[4] for r in recent}
    lim = PREVIEW_ROWS
    for com, mkt, day, pt, price in zip(cols["commodity"], cols["market"], cols["obs_date"], cols["price_type"],
                                        cols["price"], strict=True):
        old = stored.get((com, mkt, pt, day))
        if old is None:
            change = "new"
            out.new += 1
        elif abs(price - old) > 1e-9:
            change = "revised"
            out.revised += 1
            if len(out.changes) < lim:
                out.changes.append((com, mkt, day, pt, old, price))
        else:
            change = "same"
            out.same += 1
        if len(out.head) < lim:
            out.head.append((com, mkt, day, pt, price, old, change))
    return out


#: characters that make the csv module quote a field (QUOTE_MINIMAL, its default dialect)
_CSV_SPECIAL = (",", '"', "\r", "\n")
#: rows joined into one write
_CSV_CHUNK = 20_000


def csv_field(v: Any) -> str:
    """A field as ``csv.writer`` writes it (default dialect): None empty, quoted when needed."""
    if v is None:
        return ""
    t = v if v.__class__ is str else repr(v) if v.__class__ is float else str(v)
    if any(ch in t for ch in _CSV_SPECIAL):
        return '"' + t.replace('"', '""') + '"'
    return t


def _field_texts(col: list[Any]) -> dict[Any, str] | None:
    """Each distinct value's field (:func:`csv_field`), None when a value is unhashable."""
    try:
        return {v: csv_field(v) for v in set(col)}
    except TypeError:
        return None


def _number_texts(*cols: list[Any]) -> dict[float, str] | None:
    """Each distinct number's ``repr`` over ``cols`` when every value is a float (a file's
    prices repeat, and a price is mostly its original price: a few thousand distinct among
    100,000), else None (``repr`` one by one)."""
    if any(set(map(type, col)) != {float} for col in cols):
        return None
    distinct = set().union(*cols)
    if 0.0 in distinct:  # 0.0 and -0.0 are one key but two texts
        return None
    return {v: repr(v) for v in distinct}  # a NaN is found by identity, as it was put in


#: the columns of a rows file whose texts are worked out once per distinct value
_TEXT_COLUMNS = ("commodity", "market", "price_type", "orig_unit")


def _texts(st: _State) -> dict[str, dict | None]:
    """The fields of the file's distinct values, per column (made at the first part, for
    every part: the rows left out by a drop make a new columns dict, and new texts)."""
    c = st.prep.columns
    got = st.texts
    if got is not None and got[0] is c:
        return got[1]
    texts: dict[str, dict | None] = {k: _field_texts(c[k]) for k in _TEXT_COLUMNS}
    texts["obs_date"] = {d: csv_field(d.isoformat()) for d in set(c["obs_date"])}
    texts["price"] = _number_texts(c["price"], c["orig_price"])
    st.texts = (c, texts)
    return texts


def _do_write_rows(st: _State, path: str, start: int = 0, stop: int | None = None) -> int:
    """Write the canonical rows (those from ``start`` to ``stop``, by default all) to ``path``
    as a :class:`pricewatch.store.writes.RowsFile` (the caller's store reads it with DuckDB);
    the number of rows.

    The bytes are those ``csv.writer`` writes (QUOTE_MINIMAL, CRLF), made without it: names,
    units, dates and prices (few distinct values) are turned into text once per value for
    all the parts, the source of a sheet's one value column as its prefix and the row
    number, and each line is a join (half the time of the csv module on 50,000 rows)."""
    import itertools

    texts = _texts(st)
    c = st.prep.columns
    if start or stop is not None:
        c = {k: c[k][start:stop] for k in ("sheet", "column", "row", "obs_date", "price", "orig_price",
                                            *_TEXT_COLUMNS)}
    sheets = {sh: csv_field(sh) == sh for sh in set(c["sheet"])}  # a sheet name that needs no quotes
    letters = set(c["column"])
    if len(sheets) == 1 and len(letters) == 1 and all(sheets.values()):
        prefix = f"{next(iter(sheets))}!{next(iter(letters))}"
        source = list(map(prefix.__add__, map(str, c["row"])))
    else:
        source = [f"{sh}!{col}{row}" if sheets[sh] else csv_field(f"{sh}!{col}{row}")
                  for sh, col, row in zip(c["sheet"], c["column"], c["row"], strict=True)]

    def fields(k: str) -> Any:
        t = texts[k]
        return map(csv_field, c[k]) if t is None else map(t.__getitem__, c[k])

    nums = texts["price"]
    price, orig = ((map(repr, c["price"]), map(repr, c["orig_price"])) if nums is None
                   else (map(nums.__getitem__, c["price"]), map(nums.__getitem__, c["orig_price"])))
    lines = map(",".join, zip(fields("commodity"), fields("market"), map(texts["obs_date"].__getitem__, c["obs_date"]),
                              price, fields("price_type"), orig, fields("orig_unit"), source, strict=True))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        while chunk := list(itertools.islice(lines, _CSV_CHUNK)):
            fh.write("\r\n".join(chunk))
            fh.write("\r\n")
    return len(source)


def _do_sheets(st: _State) -> list[SheetResult]:
    return st.sheets


_HANDLERS = {"read": _do_read, "parse": _do_parse, "layout": _do_layout, "prepare": _do_prepare, "history": _do_history,
             "sheets": _do_sheets, "write_rows": _do_write_rows, "peek": _do_peek, "relayout": _do_relayout, "drop": _do_drop}


# -- the child process ---------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when the parent dies (Linux ``PR_SET_PDEATHSIG``)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the call above: follow it now
        os._exit(1)


def _limit_memory(mb: int) -> None:
    """Cap the child's memory, after its modules are loaded.

    ``RLIMIT_DATA`` (heap and private anonymous mappings) rather than ``RLIMIT_AS``: the
    address-space limit also counts large virtual reservations that libraries make without
    using them, while a parser's real allocation is what we want to stop."""
    import resource

    limit = int(mb) * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


class _Loading:
    """The modules of the layouts and the checks, imported in a thread of their own."""

    def __init__(self) -> None:
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = threading.Thread(target=self._load, daemon=True)
        self.thread.start()

    def _load(self) -> None:
        try:
            from . import lengths, validate  # noqa: F401
            from .layouts import grid, headerless, hxl, table, wide  # noqa: F401 - what extract() imports
        except BaseException as e:  # noqa: BLE001 - raised again in the thread that needs them
            self.error = e

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error


def _child(conn: Any, memory_mb: int, parent: int, parents_end: Any = None) -> None:
    if parents_end is not None:  # forked: the caller's end of the pipe is the caller's alone
        parents_end.close()
    _die_with_parent(parent)
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from .readers import read  # noqa: F401 - the parser, before the limit

    _limit_memory(memory_mb)
    # a file's cells, records and columns are millions of objects that live as long as the
    # child, hardly any in a reference cycle: a collection every 700 allocations walks them
    # again and again (~8% of the child's work on a 50,000-row file); every 200,000 it does not
    gc.set_threshold(200_000, 10, 10)
    # the layouts and the checks load in a thread while the first parse runs (calamine parses
    # a sheet without holding the GIL): the file is being read from the child's first moment
    loading = _Loading()
    st = _State()
    while True:
        try:
            op, args = conn.recv()
        except (EOFError, OSError):
            return
        if op == "close":
            # nothing to keep: leave at once, without taking the file's objects apart one by one
            # (with a 50,000-row file that teardown is a noticeable part of an upload)
            conn.close()
            os._exit(0)
        try:
            if op != "parse":
                loading.wait()
            reply: tuple = ("ok", _HANDLERS[op](st, *args))
        except MemoryError:
            st = _State()  # let go of what the file took, then say so and leave
            with contextlib.suppress(Exception):
                conn.send(("memory", None))
            os._exit(3)
        except Exception as e:  # noqa: BLE001 - reported to the caller as an internal error
            reply = ("error", f"{type(e).__name__}: {e}"[:300])
        try:
            conn.send(reply)
        except MemoryError:
            with contextlib.suppress(Exception):
                conn.send(("memory", None))
            os._exit(3)


@contextlib.contextmanager
def _plain_main():
    """Start children without the caller's ``__main__``.

    A spawned child first imports the parent's main module. Under Streamlit (and its
    AppTest) that is the page script being run, and under ``python -m ingest`` the CLI, so
    the child would import the dashboard or pandas before it could read anything. The
    child is started while a bare module stands in for ``__main__``.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


_LIVE: set[Session] = set()
_LIVE_LOCK = threading.Lock()


class Session:
    """One child process for one file. Calls are answered in the order they were sent, so
    a caller can :meth:`send` the read, do its own work (imports, the store), and
    :meth:`result` it later. Use as a context manager: the child ends on exit."""

    def __init__(self, limits: Limits, timeout: float = TIMEOUT_S, *, fork: bool = False) -> None:
        """``fork``: fork this process instead of spawning a new interpreter, when
        :func:`may_fork` says it is safe now (else the child is spawned)."""
        import multiprocessing

        self.limits = limits
        self.timeout = timeout
        forked = fork and may_fork()
        mp = multiprocessing.get_context("fork" if forked else "spawn")
        self._conn, child_conn = mp.Pipe()
        # a forked child closes its copy of this end (else it would never see the pipe close)
        self._proc = mp.Process(target=_child, args=(child_conn, limits.memory_mb, os.getpid(),
                                                     self._conn if forked else None),
                                daemon=True, name="pricewatch-ingest")
        with _LIVE_LOCK, _plain_main():
            self._proc.start()
            _LIVE.add(self)
        child_conn.close()
        self.pid: int | None = self._proc.pid
        self._pending = 0
        self._dead: Issue | None = None
        self._closed = False

    def send(self, op: str, *args: Any) -> None:
        if self._dead is not None:
            return
        try:
            self._conn.send((op, args))
            self._pending += 1
        except (OSError, ValueError):
            self._dead = self._died()

    def result(self) -> Any:
        """The answer to the oldest call not yet answered; raises :class:`ChildFailed`."""
        if self._dead is not None:
            raise ChildFailed(self._dead)
        try:
            if not self._conn.poll(self.timeout):
                self._dead = Issue("parse_failed", ERROR, params={"detail": f"超过 {self.timeout:.0f} 秒"})
                self.close()
                raise ChildFailed(self._dead)
            kind, value = self._conn.recv()
        except (EOFError, OSError):
            self._dead = self._died()
            self.close()
            raise ChildFailed(self._dead) from None
        self._pending -= 1
        if kind == "memory":
            self._dead = self._died()
            self.close()
            raise ChildFailed(self._dead)
        if kind == "error":
            raise RuntimeError(value)
        return value

    def call(self, op: str, *args: Any) -> Any:
        self.send(op, *args)
        return self.result()

    def _died(self) -> Issue:
        return Issue("parse_memory", ERROR, params={"limit_mb": self.limits.memory_mb})

    def close(self) -> None:
        """End the child and its process group; wait for it (no zombie is left)."""
        with _LIVE_LOCK:
            _LIVE.discard(self)
            if self._closed:
                return
            self._closed = True
        with contextlib.suppress(Exception):
            if self._proc.is_alive() and self._dead is None:
                self._conn.send(("close", ()))
                self._proc.join(2)
        pid = self.pid
        if pid is not None and self._proc.is_alive():
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                self._proc.kill()
        with contextlib.suppress(Exception):
            self._proc.join(5)
        with contextlib.suppress(Exception):
            self._conn.close()
        with contextlib.suppress(Exception):
            self._proc.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class LocalSession:
    """The same calls run in this process (trusted files in tests: no isolation)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._st = _State()
        self._queue: list[tuple[str, tuple]] = []

    def send(self, op: str, *args: Any) -> None:
        self._queue.append((op, args))

    def result(self) -> Any:
        op, args = self._queue.pop(0)
        return _HANDLERS[op](self._st, *args)

    def call(self, op: str, *args: Any) -> Any:
        self.send(op, *args)
        return self.result()

    def close(self) -> None:
        self._st = _State()

    def __enter__(self) -> LocalSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def may_fork() -> bool:
    """True when forking this process is safe: Linux-like ``fork``, one thread, and no DuckDB
    loaded (its threads are not Python's, and its open files must not be shared with the
    child). The command line's first file is started so; the server never is."""
    return (hasattr(os, "fork") and sys.platform.startswith("linux") and threading.active_count() == 1
            and "duckdb" not in sys.modules)


def open_session(limits: Limits, isolate: bool = True, fork: bool = False) -> Session | LocalSession:
    return Session(limits, fork=fork) if isolate else LocalSession(limits)


@dataclass
class Parsed:
    sheets: list[SheetResult] = field(default_factory=list)
    issue: Issue | None = None  # a file-level failure


def parse(path: str, kind: str, ctx: Context, limits: Limits | None = None) -> Parsed:
    """Read and lay out one file in this process (tests, tools)."""
    st = _State()
    issue = _do_read(st, path, kind, ctx, limits or Limits(), None, False)
    return Parsed(sheets=st.sheets, issue=issue)


def parse_isolated(path: str, kind: str, ctx: Context, memory_mb: int, timeout: float = TIMEOUT_S) -> Parsed:
    """Read and lay out one file in a child with ``memory_mb``; the records come back.

    For tools and tests: an ingest itself never brings the records into the caller."""
    with Session(Limits(memory_mb=memory_mb), timeout) as s:
        try:
            issue = s.call("read", path, kind, ctx, s.limits, None, False)
            if issue is not None:
                return Parsed(issue=issue)
            s.send("sheets")
            return Parsed(sheets=s.result())
        except ChildFailed as e:
            return Parsed(issue=e.issue)


def live_children() -> list[int]:
    """Process ids of the children alive now (for tests and shutdown)."""
    with _LIVE_LOCK:
        return [s.pid for s in _LIVE if s.pid is not None]


def shutdown() -> None:
    """End every live child (at exit; the server's shutdown)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for s in live:
        s.close()


atexit.register(shutdown)



@dataclass
class Begun:
    """A file past the guard whose read has been sent to its child (or refused: ``issue``):
    the parse, then the layout and the cell checks, answered one after the other."""

    path: str
    issue: Issue | None = None
    session: Session | LocalSession | None = None
    _laying_out: bool = False

    def parsed(self) -> Issue | None:
        """Wait for the parse: None when the cells are read (the layout goes on), else its issue."""
        assert self.session is not None
        self._laying_out = True
        return self.session.result()

    def laid_out(self) -> None:
        """Wait for the layout and the cell checks (before any other call to the child)."""
        if self._laying_out:
            self._laying_out = False
            assert self.session is not None
            self.session.result()

    def close(self) -> None:
        if self.session is not None:
            self.session.close()


def begin(path: Any, ctx: Context, limits: Limits, max_mb: float, isolate: bool = True,
          today: date | None = None, fork: bool = False) -> Begun:
    """Guard the file, start its child and send it the read and the cell checks (``today``:
    the bureau's date, for dates in the future); the caller collects the answers with
    :meth:`Begun.parsed` and :meth:`Begun.laid_out` when it is ready for them (the CLI
    imports the store meanwhile, and opens the write while the child lays the sheets out).
    ``fork``: see :class:`Session`."""
    from pathlib import Path

    from . import guard

    p = Path(path)
    if not p.is_file():
        return Begun(str(p), Issue("parse_failed", ERROR, params={"detail": f"文件 {p} 不存在"}))
    verdict = guard.check(p, max_mb=max_mb)
    if verdict.kind is None:
        return Begun(str(p), verdict.issue or Issue("file_type", ERROR, params={"detail": "文件无法识别"}))
    session = open_session(limits, isolate, fork)
    session.send("parse", str(p), verdict.kind, limits)
    session.send("layout", ctx, today)
    return Begun(str(p), None, session)


def bureau_today(settings: Any) -> date:
    """Today where the bureau is (a file dated today in Beijing is not "in the future" while
    the server's UTC clock is still on yesterday)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return datetime.now(ZoneInfo(settings.timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return date.today()
