"""A thin wrapper over a DuckDB connection or cursor.

Code outside pricewatch.store never sees a duckdb object: it gets a :class:`Session`,
whose methods bind parameters (never str.format) and turn DuckDB errors into
:class:`~pricewatch.errors.StoreError` with a hint.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import duckdb

from ..errors import StoreError

if TYPE_CHECKING:  # pandas is imported by DuckDB's .df() when a caller asks for a frame
    import pandas as pd

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any] | None


class Session:
    """One connection or cursor; not shared between threads."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, writable: bool, version: int) -> None:
        self._con = con
        self.writable = writable
        #: the data version this session reads (for a writer: the version before its commit)
        self.version = version
        #: a writer bumps the data version on commit unless told the data did not change
        self.data_changed = True
        #: audiences whose observations this write changed (see pricewatch.store.aggregates)
        self.touched: set[str] = set()

    @contextlib.contextmanager
    def sibling(self) -> Iterator[Session]:
        """A second read session on the same snapshot, for another thread: its own cursor, so
        two queries of one page can run side by side and still read the same data version."""
        if self.writable:
            raise RuntimeError("a write session has no siblings: its transaction is its own")
        cur = self._con.cursor()
        try:
            yield Session(cur, writable=False, version=self.version)
        finally:
            with contextlib.suppress(duckdb.Error):
                cur.close()

    def keep_data_version(self) -> None:
        """This write only appends bookkeeping (audit, login state): page caches stay valid."""
        self.data_changed = False

    def _failed(self, e: duckdb.Error, sql: str) -> StoreError:
        """The error to raise for a failed statement. A reader's may reach the public, so it
        says no more than "数据暂时无法读取"; DuckDB's own words (paths included) go to the log."""
        if not self.writable:
            log.error("query failed on a snapshot: %s; sql: %.200s", e, sql)
            return StoreError("数据暂时无法读取", "请稍后再试")
        return StoreError(f"数据库操作失败：{e}", "这是程序错误或数据库损坏；请把这段信息发给管理员")

    def execute(self, sql: str, params: Params = None) -> None:
        try:
            self._con.execute(sql, params)
        except duckdb.Error as e:
            raise self._failed(e, sql) from e

    def all(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        try:
            return self._con.execute(sql, params).fetchall()
        except duckdb.Error as e:
            raise self._failed(e, sql) from e

    def one(self, sql: str, params: Params = None) -> tuple[Any, ...] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Params = None) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def df(self, sql: str, params: Params = None) -> pd.DataFrame:
        try:
            return self._con.execute(sql, params).df()
        except duckdb.Error as e:
            raise self._failed(e, sql) from e

    def arrays(self, sql: str, params: Params = None) -> dict[str, Any]:
        """The result as one plain numpy array per column (no DataFrame built, no pandas: for
        large numeric reads, about half the time of :meth:`df`). NULL is NaN in a float
        column and None in any other (an integer column with NULLs becomes floats)."""
        try:
            got = self._con.execute(sql, params).fetchnumpy()
        except duckdb.Error as e:
            raise self._failed(e, sql) from e
        return {k: _plain(v) for k, v in got.items()}

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Expose a DataFrame to SQL as ``name`` for the life of this session."""
        self._con.register(name, frame)

    def unregister(self, name: str) -> None:
        self._con.unregister(name)


def _plain(a: Any) -> Any:
    """A numpy masked array (DuckDB's NULLs) as a plain array: NaN in floats, None elsewhere.

    ``numpy.ma`` is asked for only once something imported it (DuckDB does, to return a
    column with NULLs): numpy loads it lazily, and its import costs ~25 ms of a fresh
    process's report, where no column holds a NULL."""
    import sys

    ma = sys.modules.get("numpy.ma")
    if ma is None or not isinstance(a, ma.MaskedArray):
        return a
    import numpy as np

    if a.dtype.kind == "f":
        return a.filled(np.nan)
    if a.dtype.kind in "iub":
        return a.astype("float64").filled(np.nan)
    return a.astype(object).filled(None)
