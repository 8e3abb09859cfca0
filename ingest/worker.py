"""Parsing in a child process with a memory limit, so a hostile file cannot take the
caller (the dashboard server, the CLI) down with it.

One long-lived worker process per memory limit (spawned, not forked: the dashboard runs
threads, and forking a threaded process is unsafe) reads the container and finds the
layouts; the parent gets plain records back. The child sets ``RLIMIT_DATA`` to
``Settings.parser_memory_mb`` once at start: an allocation beyond it fails inside the
child (MemoryError, reported as ``parse_memory``), and a parser that aborts the process
outright only breaks the pool, which the next call replaces. A parse that runs longer than
:data:`TIMEOUT_S` kills the worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
import types
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from .errors import ParseError
from .issues import ERROR, Issue
from .layouts import Context, SheetResult, extract

TIMEOUT_S = 300.0
_POOLS: dict[int, ProcessPoolExecutor] = {}
_LOCK = threading.Lock()


@dataclass
class Parsed:
    sheets: list[SheetResult] = field(default_factory=list)
    issue: Issue | None = None  # a file-level failure


def _limit_memory(mb: int) -> None:
    """Cap the child's memory, after its libraries are loaded.

    ``RLIMIT_DATA`` (heap and private anonymous mappings) rather than ``RLIMIT_AS``: the
    address-space limit also counts the large virtual reservations that numpy's BLAS
    threads and shared libraries make without using them, so under it a perfectly normal
    import could fail with "failed to map segment" while a parser's real allocation is
    what we want to stop. The parsers are imported first, so the limit only meets the
    file's data.
    """
    import resource

    import openpyxl  # noqa: F401 - load before the limit
    import pandas  # noqa: F401
    import python_calamine  # noqa: F401

    from .readers import read  # noqa: F401

    limit = int(mb) * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def parse(path: str, kind: str, ctx: Context) -> Parsed:
    """Read and lay out one file (runs in the child; also callable directly in tests)."""
    from .readers import read

    try:
        sheets = read(path, kind)
    except ParseError as e:
        return Parsed(issue=Issue(e.code, ERROR, params=e.params))
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - any parser failure is a property of the file
        return Parsed(issue=Issue("parse_failed", ERROR, params={"detail": f"{type(e).__name__}: {e}"[:200]}))
    return Parsed(sheets=extract(sheets, ctx))


@contextlib.contextmanager
def _plain_main():
    """Start children without the caller's ``__main__``.

    A spawned child first imports the parent's main module. Under Streamlit (and its
    AppTest) that is the page script being run, so the child would run a whole page,
    importing the dashboard, before it could parse anything. The child is started while a
    bare module stands in for ``__main__``.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _pool(mb: int) -> ProcessPoolExecutor:
    with _LOCK:
        pool = _POOLS.get(mb)
        if pool is None:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_limit_memory, initargs=(mb,))
            with _plain_main(), contextlib.suppress(Exception):
                # start the child now; a failure shows as a broken pool on the real call
                pool.submit(int).result(timeout=TIMEOUT_S)
            _POOLS[mb] = pool
        return pool


def _discard(mb: int, kill: bool = False) -> None:
    with _LOCK:
        pool = _POOLS.pop(mb, None)
    if pool is None:
        return
    if kill:
        for proc in list(getattr(pool, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def parse_isolated(path: str, kind: str, ctx: Context, memory_mb: int, timeout: float = TIMEOUT_S) -> Parsed:
    for _attempt in range(2):  # a pool broken by an earlier file is replaced once
        pool = _pool(memory_mb)
        try:
            fut = pool.submit(parse, path, kind, ctx)
        except (BrokenProcessPool, RuntimeError):
            _discard(memory_mb)
            continue
        try:
            return fut.result(timeout=timeout)
        except MemoryError:
            _discard(memory_mb, kill=True)
            return Parsed(issue=Issue("parse_memory", ERROR, params={"limit_mb": memory_mb}))
        except BrokenProcessPool:
            # the child died on this file (aborted by the parser or killed at the limit)
            _discard(memory_mb)
            return Parsed(issue=Issue("parse_memory", ERROR, params={"limit_mb": memory_mb}))
        except FutureTimeout:
            _discard(memory_mb, kill=True)
            return Parsed(issue=Issue("parse_failed", ERROR, params={"detail": f"超过 {timeout:.0f} 秒"}))
    return Parsed(issue=Issue("parse_failed", ERROR, params={"detail": "解析进程无法启动"}))


def shutdown() -> None:
    for mb in list(_POOLS):
        _discard(mb)
