"""The store: the only code that imports duckdb.

Concurrency (invariant 6). DuckDB lets one process hold a file read-write *or* many
processes hold it read-only, never both. So the store keeps two kinds of files:

* the primary ``<db>``: written only inside :meth:`Store.write`, which takes an exclusive
  ``flock`` on ``<db>.lock``, opens the file read-write, runs one transaction, checkpoints
  and closes it again. Writers from any process (the CLI, the upload page) queue on the lock.
* snapshots ``<db>.snapshots/v<ns>.duckdb``: after every committed write the writer
  copies the closed primary to a new snapshot file and then atomically replaces the pointer
  file ``CURRENT``. Readers (:meth:`Store.read`) open the snapshot named by the pointer
  read-only, share one connection per snapshot in a process, and take a cursor per call
  (a shared DuckDB connection refuses concurrent calls; cursors do not). An older snapshot's
  connection is closed when its last reader is done, never under a reader.

A reader therefore never waits for a writer and never sees half a load: a snapshot is
made from a committed, closed file, and a new path is used for every version (DuckDB
caches an open database per path inside a process, so reusing a path would serve stale
data). Old snapshots are unlinked after a few versions; a process that still has one open
keeps reading it (POSIX keeps unlinked files alive), and picks the new one on its next read.

The data version (``meta.data_version``) goes up by one with every write that may change
what pages show; pages key their caches by it. A write that only appends bookkeeping (a
login, an audit line) calls :meth:`Session.keep_data_version`, so signing in does not
throw away every page's cache. The pointer file holds the snapshot's name and that version.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from ..errors import StoreBusy, StoreError
from .schema import migrate
from .session import Session

__all__ = ["Store", "Session", "open_store"]

KEEP_SNAPSHOTS = 3
LOCK_TIMEOUT_S = 120.0


class Store:
    """One database file and its snapshots. Thread-safe; cheap to share per process."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser().resolve()
        self.snapshot_dir = self.path.with_name(self.path.name + ".snapshots")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        #: snapshot path -> [shared read-only connection, readers using it now]
        self._ro: dict[Path, list] = {}
        self._latest: Path | None = None
        self._ro_lock = threading.Lock()
        self._deferred = 0  # > 0 inside batch(): snapshots wait for the end of the batch
        self._batch_wrote = False
        self._defer_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- writing -----------------------------------------------------------------
    @contextlib.contextmanager
    def _flock(self, timeout: float) -> Iterator[None]:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy(
                            f"数据库 {self.path.name} 正被另一个写入任务占用",
                            "稍后重试; 若长时间如此, 检查是否有卡住的导入进程",
                        ) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def _open_rw(self, timeout: float) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=False)
            except duckdb.IOException as e:
                # a process that does not use our lock (an older tool, a DuckDB shell) holds it
                if "lock" not in str(e).lower() or time.monotonic() > deadline:
                    raise StoreError(
                        f"无法打开数据库 {self.path}: {e}", "确认路径可写, 且没有其他程序独占该文件"
                    ) from e
                time.sleep(0.1)

    @contextlib.contextmanager
    def write(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[Session]:
        """One transaction on the primary file; on success a new snapshot is published.

        An exception inside the block rolls everything back: the store is unchanged
        (invariant 2) and no snapshot is made.
        """
        with self._flock(timeout):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            con = self._open_rw(timeout)
            try:
                migrate(con)
                if fresh:
                    _seed(con)
                version = _data_version(con)
                generation = _generation(con)
                con.execute("BEGIN TRANSACTION")
                try:
                    session = Session(con, writable=True, version=version)
                    yield session
                    if session.data_changed:
                        version += 1
                        con.execute(
                            "UPDATE meta SET value = ? WHERE key = 'data_version'", [str(version)]
                        )
                    con.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(duckdb.Error):
                        con.execute("ROLLBACK")
                    raise
                con.execute("CHECKPOINT")
            finally:
                con.close()
            with self._defer_lock:
                if self._deferred:
                    self._batch_wrote = True
                    return
            self._publish(version, generation)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Many writes, one snapshot: readers see the batch's writes together at its end.

        Each write inside is still its own transaction (a failed one changes nothing); only
        the copy to a new snapshot, the per-write cost that grows with the file, is made
        once. Readers in this process see the snapshot from before the batch until it ends.
        """
        with self._defer_lock:
            self._deferred += 1
        try:
            yield
        finally:
            with self._defer_lock:
                self._deferred -= 1
                last, wrote = self._deferred == 0, self._batch_wrote
                if last:
                    self._batch_wrote = False
            if last and wrote:
                with self._flock(LOCK_TIMEOUT_S):
                    con = self._open_rw(LOCK_TIMEOUT_S)
                    try:
                        version = _data_version(con)
                        generation = _generation(con)
                        con.execute("CHECKPOINT")
                    finally:
                        con.close()
                    self._publish(version, generation)

    def migrate(self) -> list[str]:
        """Bring the schema up to date (a no-op when it already is)."""
        with self._flock(LOCK_TIMEOUT_S):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            con = self._open_rw(LOCK_TIMEOUT_S)
            try:
                names = migrate(con)
                if fresh:
                    _seed(con)
                version = _data_version(con)
                generation = _generation(con)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            if names or self._pointer() is None:
                self._publish(version, generation, force=True)
            return names

    # -- snapshots -----------------------------------------------------------------
    def _pointer(self) -> tuple[int, Path] | None:
        """(data version, snapshot path) from CURRENT, or None before the first snapshot."""
        try:
            text = (self.snapshot_dir / "CURRENT").read_text(encoding="ascii").split()
        except FileNotFoundError:
            return None
        if len(text) < 2 or not text[0].startswith("v"):
            return None
        return int(text[1]), self.snapshot_dir / text[0]

    def generation(self) -> str:
        """An id made when the database file was created: a rebuilt database has a new one,
        so caches keyed by (generation, version) never serve the old file's results."""
        try:
            text = (self.snapshot_dir / "CURRENT").read_text(encoding="ascii").split()
        except FileNotFoundError:
            return "0"
        return text[2] if len(text) > 2 else "0"

    def cache_key(self) -> str:
        """What page caches are keyed by: the generation and the data version."""
        return f"{self.generation()}:{self.version()}"

    def _publish(self, version: int, generation: str, force: bool = False) -> None:
        """Copy the closed primary to a new snapshot, then swap the pointer (under the lock)."""
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        # a new path for every snapshot: the nanosecond clock orders them and keeps them unique
        name = f"v{time.time_ns()}.duckdb"
        tmp = self.snapshot_dir / f".tmp-{name}"
        shutil.copyfile(self.path, tmp)
        os.replace(tmp, self.snapshot_dir / name)
        ptr_tmp = self.snapshot_dir / ".CURRENT.tmp"
        ptr_tmp.write_text(f"{name}\n{version}\n{generation}\n", encoding="ascii")
        os.replace(ptr_tmp, self.snapshot_dir / "CURRENT")
        snaps = sorted(p for p in self.snapshot_dir.glob("v*.duckdb"))
        for old in snaps[:-KEEP_SNAPSHOTS]:
            with contextlib.suppress(OSError):
                old.unlink()

    # -- reading -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def version(self) -> int:
        """The data version readers see now (0 when there is no database yet)."""
        ptr = self._pointer()
        if ptr is None:
            if not self.path.exists():
                return 0
            self.migrate()
            ptr = self._pointer()
        return ptr[0] if ptr else 0

    def _acquire(self) -> tuple[int, Path, duckdb.DuckDBPyConnection]:
        """The newest snapshot's shared connection, with its reader count raised by one."""
        for _attempt in range(50):
            ptr = self._pointer()
            if ptr is None:
                if not self.path.exists():
                    raise StoreError(
                        f"数据库 {self.path} 不存在",
                        "运行 `python -m pricewatch demo` 建立演示库, 或用 `python -m ingest 文件` 导入数据",
                    )
                self.migrate()
                continue
            version, path = ptr
            with self._ro_lock:
                entry = self._ro.get(path)
                if entry is None:
                    try:
                        con = duckdb.connect(str(path), read_only=True)
                    except duckdb.Error:
                        # the pointer moved on and the old file was cleaned up: read it again
                        time.sleep(0.02)
                        continue
                    entry = self._ro[path] = [con, 0]
                    self._latest = path
                    self._close_idle()
                entry[1] += 1
                return version, path, entry[0]
        raise StoreError(f"无法读取数据库 {self.path} 的快照", "稍后重试")

    def _release(self, path: Path) -> None:
        with self._ro_lock:
            entry = self._ro.get(path)
            if entry is not None:
                entry[1] -= 1
                self._close_idle()

    def _close_idle(self) -> None:
        """Close every older snapshot connection that no reader is using (caller holds the lock).

        A reader in the middle of a page keeps its snapshot open however many newer ones
        appear; the connection goes when its last cursor is done.
        """
        for path, (con, users) in list(self._ro.items()):
            if path != self._latest and users <= 0:
                with contextlib.suppress(duckdb.Error):
                    con.close()
                del self._ro[path]

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session on the newest committed snapshot (a cursor of its own)."""
        version, path, con = self._acquire()
        try:
            cur = con.cursor()
            try:
                yield Session(cur, writable=False, version=version)
            finally:
                with contextlib.suppress(duckdb.Error):
                    cur.close()
        finally:
            self._release(path)

    def close(self) -> None:
        with self._ro_lock:
            for con, _users in self._ro.values():
                with contextlib.suppress(duckdb.Error):
                    con.close()
            self._ro.clear()
            self._latest = None


_STORES: dict[Path, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(path: str | os.PathLike[str]) -> Store:
    """The process-wide Store for a path (so read connections are shared)."""
    key = Path(path).expanduser().resolve()
    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = Store(key)
        return store


def _data_version(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0])


def _generation(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchall()
    return row[0][0] if row else "0"


def _seed(con: duckdb.DuckDBPyConnection) -> None:
    """Load the catalog seeds into a database that was just created, and give it its id."""
    con.execute("INSERT INTO meta VALUES ('db_id', ?) ON CONFLICT DO NOTHING", [str(time.time_ns())])
    from .catalog_seed import seed

    seed(con)
