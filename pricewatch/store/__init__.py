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

Faults (what happens when the disk fills, a process is killed, a file is damaged):

* Before a write the free space is checked: the snapshot needs a full copy of the file, so
  a write is refused up front (:class:`~pricewatch.errors.StoreFull`, nothing changed) when
  the disk cannot hold one more copy plus :attr:`Store.reserve_bytes` for the write itself.
* A write leaves the marker ``<db>.snapshots/PENDING`` (holding its process id) from just
  before its commit until its snapshot is published. A failure after the commit (the
  checkpoint, the snapshot copy, the pointer swap) raises
  :class:`~pricewatch.errors.PublishFailed`, whose message says the truth: written, but the
  public data is not updated yet. Its temporary files are removed; the store stays writable.
* A marker whose writer is gone (killed, or it failed to publish) is noticed by the next
  read or write in any process, which publishes the primary's committed state itself: a
  ``kill -9`` late in an ingest does not leave the pages on the previous version.
* A reader whose current snapshot is missing or damaged rebuilds it from the primary when
  no writer is at work, else falls back to the newest older snapshot that opens. The public
  sees only "数据暂时无法读取"; the details (paths, DuckDB's words) go to the log.
* ``python -m pricewatch doctor`` (:mod:`pricewatch.store.health`) checks every file and
  repairs what it safely can.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from ..errors import PublishFailed, StoreBusy, StoreError, StoreFull, StoreUnavailable
from . import aggregates
from .schema import migrate
from .session import Session

__all__ = ["Store", "Session", "open_store"]

log = logging.getLogger(__name__)

KEEP_SNAPSHOTS = 3
LOCK_TIMEOUT_S = 120.0
#: how long a reader waits before it tries again to repair a snapshot it could not repair
RETRY_REPAIR_S = 30.0
MB = 1024 * 1024


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reason(e: BaseException) -> str:
    """A person's words for why a file operation failed (no paths: this may reach the public)."""
    no = getattr(e, "errno", None)
    if no in (errno.ENOSPC, errno.EDQUOT):
        return "磁盘空间不足"
    if no in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限"
    if isinstance(e, duckdb.Error) and "space" in str(e).lower():
        return "磁盘空间不足"
    return "生成公开数据副本失败"


class Store:
    """One database file and its snapshots. Thread-safe; cheap to share per process."""

    #: free space a write needs beyond one copy of the file (its log and new rows)
    reserve_bytes: int = 8 * MB

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser().resolve()
        self.snapshot_dir = self.path.with_name(self.path.name + ".snapshots")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.marker = self.snapshot_dir / "PENDING"
        #: snapshot path -> [shared read-only connection, readers using it now]
        self._ro: dict[Path, list] = {}
        self._latest: Path | None = None
        self._ro_lock = threading.Lock()
        self._deferred = 0  # > 0 inside batch(): snapshots wait for the end of the batch
        self._batch_wrote = False
        self._defer_lock = threading.Lock()
        #: snapshot path -> when a reader found it unreadable (and could not repair it)
        self._bad: dict[Path, float] = {}
        self._recover_after = 0.0

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- writing -----------------------------------------------------------------
    def _try_flock(self) -> int | None:
        """The write lock's descriptor if it is free now, else None (never waits)."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    def _lock_or_none(self) -> int | None:
        """The lock if free now; None if busy or if this process may not take it (a reader
        without write permission leaves the repair to someone who may)."""
        try:
            return self._try_flock()
        except OSError as e:
            log.warning("cannot take the write lock of %s: %s", self.path, e)
            return None

    @contextlib.contextmanager
    def _flock(self, timeout: float) -> Iterator[None]:
        deadline = time.monotonic() + timeout
        while True:
            fd = self._try_flock()
            if fd is not None:
                break
            if time.monotonic() > deadline:
                raise StoreBusy(
                    "数据库正被另一个写入任务占用",
                    "稍后重试；若长时间如此，检查是否有卡住的导入进程",
                )
            time.sleep(0.05)
        try:
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def _open_rw(self, timeout: float) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=False)
            except duckdb.Error as e:
                # a process that does not use our lock (an older tool, a DuckDB shell) holds it
                if "lock" in str(e).lower() and time.monotonic() <= deadline:
                    time.sleep(0.1)
                    continue
                log.error("cannot open the primary database %s: %s", self.path, e)
                raise StoreError(
                    "数据库无法打开写入（文件可能已损坏或被其他程序占用），本次操作未执行",
                    "请管理员运行 python -m pricewatch doctor 检查并修复",
                ) from e

    def free_bytes(self) -> int:
        return shutil.disk_usage(self.path.parent).free

    def needed_bytes(self) -> int:
        """Free space one write needs: a copy of the file (its snapshot) and the reserve."""
        size = 0
        for p in (self.path, self.path.with_name(self.path.name + ".wal")):
            with contextlib.suppress(OSError):
                size += p.stat().st_size
        return size + self.reserve_bytes

    def _check_space(self) -> None:
        need, free = self.needed_bytes(), self.free_bytes()
        if free < need:
            log.error("refusing a write to %s: %d bytes free, %d needed", self.path, free, need)
            raise StoreFull(
                f"磁盘空间不足：写入需要约 {need / MB:.1f} MB（含一份公开数据副本），"
                f"现在只有 {free / MB:.1f} MB，本次操作未执行，数据未改变",
                "请管理员清理磁盘（旧备份、日志）后重试，再运行 python -m pricewatch doctor --repair",
            )

    def _mark(self) -> None:
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(f"{os.getpid()}\n", encoding="ascii")

    def _unmark(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.marker.unlink()

    @contextlib.contextmanager
    def write(self, timeout: float = LOCK_TIMEOUT_S) -> Iterator[Session]:
        """One transaction on the primary file; on success a new snapshot is published.

        An exception inside the block rolls everything back: the store is unchanged
        (invariant 2) and no snapshot is made. A failure after the commit raises
        :class:`PublishFailed` (the data is saved; the next read or write publishes it).
        """
        with self._flock(timeout):
            self._check_space()
            had_marker = self.marker.exists()
            con, _, _, version, generation = self._open_current(timeout)
            committed = False
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    session = Session(con, writable=True, version=version)
                    yield session
                    # the periods of the observations this write changed, in its transaction
                    aggregates.refresh(session)
                    if session.data_changed:
                        version += 1
                        con.execute(
                            "UPDATE meta SET value = ? WHERE key = 'data_version'", [str(version)]
                        )
                    self._mark()
                    con.execute("COMMIT")
                    committed = True
                except BaseException:
                    with contextlib.suppress(duckdb.Error):
                        con.execute("ROLLBACK")
                    if not had_marker:
                        self._unmark()
                    raise
                try:
                    con.execute("CHECKPOINT")
                except duckdb.Error as e:
                    log.error("checkpoint of %s failed after commit: %s", self.path, e)
                    raise PublishFailed(_reason(e)) from e
            finally:
                con.close()
            assert committed
            with self._defer_lock:
                if self._deferred:
                    self._batch_wrote = True
                    return
            self._publish_committed(version, generation)

    def _open_current(self, timeout: float) -> tuple[duckdb.DuckDBPyConnection, list[str], bool, int, str]:
        """The primary opened read-write (caller holds the lock, which made its folder, and
        closes it) with its schema and period aggregates brought up to date and, when the file
        is new, the catalog seeded: (connection, migrations applied, whether the aggregates
        were built, data version, generation)."""
        fresh = not self.path.exists()
        con = self._open_rw(timeout)
        try:
            names, built = _migrate(con)
            if fresh:
                _seed(con)
            return con, names, built, _data_version(con), _generation(con)
        except BaseException:
            con.close()
            raise

    def _publish_committed(self, version: int, generation: str) -> None:
        """Publish what was just committed (caller holds the lock); the marker goes after."""
        try:
            self._publish(version, generation)
        except (OSError, duckdb.Error) as e:
            log.error("publishing a snapshot of %s failed: %s", self.path, e)
            self._recover_after = time.monotonic() + RETRY_REPAIR_S
            raise PublishFailed(_reason(e)) from e
        self._unmark()

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
                    self._republish_locked()

    def _republish_locked(self) -> None:
        """Publish the primary's committed state (caller holds the lock), its schema and
        period aggregates brought up to date first."""
        con, _, _, version, generation = self._open_current(LOCK_TIMEOUT_S)
        try:
            con.execute("CHECKPOINT")
        except duckdb.Error as e:
            raise PublishFailed(_reason(e)) from e
        finally:
            con.close()
        self._publish_committed(version, generation)

    def migrate(self) -> list[str]:
        """Bring the schema and the period aggregates up to date (a no-op when they already
        are)."""
        with self._flock(LOCK_TIMEOUT_S):
            con, names, built, version, generation = self._open_current(LOCK_TIMEOUT_S)
            try:
                con.execute("CHECKPOINT")
            finally:
                con.close()
            if names or built or self._pointer() is None or self.marker.exists():
                self._publish_committed(version, generation)
            return names

    # -- backup and restore ------------------------------------------------------------
    def copy_to(self, dst: Path, timeout: float = LOCK_TIMEOUT_S) -> tuple[int, str]:
        """A consistent copy of the primary as of now: (its data version, its generation).

        Taken under the write lock, so it waits for a write in progress (an ingest) to end
        and holds the lock only for the copy; readers are not disturbed at all."""
        with self._flock(timeout):
            if not self.path.exists():
                raise StoreError("数据库还不存在，没有可备份的数据", "检查 --db 的路径")
            if self.path.with_name(self.path.name + ".wal").exists():
                con = self._open_rw(timeout)  # fold a log left by a failed checkpoint in
                try:
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
            con = duckdb.connect(str(self.path), read_only=True)
            try:
                version, generation = _data_version(con), _generation(con)
            finally:
                con.close()
            _copy(self.path, dst)
        return version, generation

    def install(self, src: Path, timeout: float = LOCK_TIMEOUT_S) -> tuple[int, str]:
        """Make the database file ``src`` (a restored copy) this store's primary and publish it.

        It gets a new generation id, so no page cache keyed by the old one serves its results,
        and the schema is brought up to date. ``src`` is moved, not copied (same filesystem)."""
        with self._flock(timeout):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, self.path)
            with contextlib.suppress(FileNotFoundError):
                self.path.with_name(self.path.name + ".wal").unlink()
            con = self._open_rw(timeout)
            try:
                _migrate(con)
                con.execute("UPDATE meta SET value = ? WHERE key = 'db_id'", [str(time.time_ns())])
                version, generation = _data_version(con), _generation(con)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            self._publish_committed(version, generation)
        return version, generation

    # -- recovery ------------------------------------------------------------------
    def pending_owner(self) -> int | None:
        """The process id in the PENDING marker (0 when unreadable), None without one."""
        try:
            text = self.marker.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except OSError:
            return 0
        return int(text) if text.isdigit() else 0

    def recover(self) -> bool:
        """Publish what a writer committed but did not publish (it died, or its copy failed).

        Does nothing while a writer is at work (the lock is taken, or the marker's process
        is alive in a batch) or inside this process's own batch; never waits. True when a
        new snapshot was published.
        """
        owner = self.pending_owner()
        if owner is None:
            return False
        if owner == os.getpid():
            if self._deferred:
                return False  # our own batch publishes at its end
        elif _pid_alive(owner):
            return False  # another process is between the writes of a batch, or will retry
        if time.monotonic() < self._recover_after:
            return False
        fd = self._lock_or_none()
        if fd is None:
            return False
        try:
            if self.pending_owner() is None:
                return False  # published meanwhile
            self._republish_locked()
            log.warning("published the unpublished writes of %s (process %s)", self.path, owner)
            return True
        except PricewatchErrorTypes as e:
            log.error("could not publish the pending writes of %s: %s", self.path, e)
            self._recover_after = time.monotonic() + RETRY_REPAIR_S
            return False
        finally:
            os.close(fd)

    def rebuild_snapshot(self) -> bool:
        """A new snapshot from the primary, when no writer is at work (never waits)."""
        if not self.path.exists():
            return False
        fd = self._lock_or_none()
        if fd is None:
            return False
        try:
            self._republish_locked()
            return True
        except PricewatchErrorTypes as e:
            log.error("could not rebuild a snapshot of %s: %s", self.path, e)
            return False
        finally:
            os.close(fd)

    # -- snapshots -----------------------------------------------------------------
    def _pointer(self) -> tuple[int, Path] | None:
        """(data version, snapshot path) from CURRENT, or None before the first snapshot."""
        try:
            text = (self.snapshot_dir / "CURRENT").read_text(encoding="ascii").split()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        if len(text) < 2 or not text[0].startswith("v") or not text[1].isdigit():
            return None
        return int(text[1]), self.snapshot_dir / text[0]

    def generation(self) -> str:
        """An id made when the database file was created: a rebuilt database has a new one,
        so caches keyed by (generation, version) never serve the old file's results."""
        try:
            text = (self.snapshot_dir / "CURRENT").read_text(encoding="ascii").split()
        except (FileNotFoundError, UnicodeDecodeError):
            return "0"
        return text[2] if len(text) > 2 else "0"

    def cache_key(self) -> str:
        """What page caches are keyed by: the generation and the data version."""
        return f"{self.generation()}:{self.version()}"

    def snapshots(self) -> list[Path]:
        """Every snapshot file, oldest first."""
        return sorted(self.snapshot_dir.glob("v*.duckdb"))

    def _publish(self, version: int, generation: str) -> None:
        """Copy the closed primary to a new snapshot, then swap the pointer (under the lock).

        Every temporary file is removed whatever happens (and those of a writer that died
        are removed here: under the lock no other copy can be in progress)."""
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.snapshot_dir.glob(".tmp-*"):
            with contextlib.suppress(OSError):
                stale.unlink()
        # a new path for every snapshot: the nanosecond clock orders them and keeps them unique
        name = f"v{time.time_ns()}.duckdb"
        tmp = self.snapshot_dir / f".tmp-{name}"
        ptr_tmp = self.snapshot_dir / ".tmp-CURRENT"
        try:
            _copy(self.path, tmp)
            os.replace(tmp, self.snapshot_dir / name)
            _write_pointer(ptr_tmp, f"{name}\n{version}\n{generation}\n")
            os.replace(ptr_tmp, self.snapshot_dir / "CURRENT")
        except BaseException:
            for p in (tmp, ptr_tmp):
                with contextlib.suppress(OSError):
                    p.unlink()
            raise
        self._bad.pop(self.snapshot_dir / name, None)
        for old in self.snapshots()[:-KEEP_SNAPSHOTS]:
            with contextlib.suppress(OSError):
                old.unlink()

    # -- reading -------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    def version(self) -> int:
        """The data version readers see now (0 when there is no database yet)."""
        self.recover()
        ptr = self._pointer()
        if ptr is None:
            if not self.path.exists():
                return 0
            self.migrate()
            ptr = self._pointer()
        return ptr[0] if ptr else 0

    def _open_snapshot(self, path: Path) -> tuple[duckdb.DuckDBPyConnection, int] | None:
        """A read-only connection to a snapshot and its data version, or None if it is
        missing, does not read as a database, or predates the period aggregates (made by an
        older version and not written since): it is then repaired like a damaged one, by a new
        snapshot of the primary, which builds them first."""
        if not path.is_file():
            return None
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.Error as e:
            log.warning("snapshot %s does not open: %s", path, e)
            return None
        try:
            meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('data_version', 'period_prices')")
                        .fetchall())  # one query: every fresh reader pays it
            version = int(meta["data_version"])
            current = meta.get("period_prices") == aggregates.VERSION
        except (duckdb.Error, KeyError, ValueError) as e:
            log.warning("snapshot %s is damaged: %s", path, e)
            with contextlib.suppress(duckdb.Error):
                con.close()
            return None
        if not current:
            log.warning("snapshot %s has no current period aggregates; a new one is made", path)
            with contextlib.suppress(duckdb.Error):
                con.close()
            return None
        return con, version

    def _fallback(self, bad: Path) -> tuple[int, Path, duckdb.DuckDBPyConnection] | None:
        """The newest snapshot other than ``bad`` that opens (caller holds ``_ro_lock``)."""
        for path in reversed(self.snapshots()):
            if path == bad or path in self._bad:
                continue
            entry = self._ro.get(path)
            if entry is not None:
                entry[1] += 1
                self._latest = path
                return entry[2], path, entry[0]
            opened = self._open_snapshot(path)
            if opened is None:
                self._bad[path] = time.monotonic()
                continue
            con, version = opened
            entry = self._ro[path] = [con, 1, version]
            self._latest = path  # keep it open: the next reads come here too
            log.warning("reading the older snapshot %s instead of %s", path, bad)
            return version, path, con
        return None

    def _acquire(self) -> tuple[int, Path, duckdb.DuckDBPyConnection]:
        """The newest snapshot's shared connection, with its reader count raised by one."""
        self.recover()
        for _attempt in range(50):
            ptr = self._pointer()
            if ptr is None:
                if not self.path.exists():
                    log.error("no database at %s", self.path)
                    raise StoreUnavailable(
                        "数据暂时无法读取：数据库还不存在",
                        "管理员可运行 python -m pricewatch demo 建立演示库，或用 python -m ingest 导入数据",
                    )
                self.migrate()
                continue
            version, path = ptr
            with self._ro_lock:
                entry = self._ro.get(path)
                if entry is not None:
                    entry[1] += 1
                    return version, path, entry[0]
                since = self._bad.get(path)
                if since is None or time.monotonic() - since > RETRY_REPAIR_S:
                    opened = self._open_snapshot(path)
                    if opened is not None:
                        con = opened[0]
                        self._bad.pop(path, None)
                        self._ro[path] = [con, 1, version]
                        self._latest = path
                        self._close_idle()
                        return version, path, con
                    if self._pointer() != ptr:
                        continue  # the pointer moved on and the old file was cleaned up
                    self._bad[path] = time.monotonic()
                    bad = True
                else:
                    bad = False
            if bad and self.rebuild_snapshot():
                continue  # a good new snapshot replaced the damaged one
            with self._ro_lock:
                found = self._fallback(path)
            if found is not None:
                return found
            break
        log.error("no readable snapshot of %s", self.path)
        raise StoreUnavailable("数据暂时无法读取", "请稍后再试")

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
        idle = []
        for path, (con, users, _v) in list(self._ro.items()):
            if path != self._latest and users <= 0:
                idle.append(con)
                del self._ro[path]
        if idle:
            # closing frees the old snapshot's buffers (~10 ms at 10 M rows): off the reader's
            # clock, on a thread of its own (nobody can reach these connections any more). Not
            # a daemon: the interpreter waits for it at exit, where a daemon thread would be
            # stopped inside DuckDB's C++ (and the process aborted)
            threading.Thread(target=_close_all, args=(idle,), name="pricewatch-close").start()

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
            for con, _users, _v in self._ro.values():
                with contextlib.suppress(duckdb.Error):
                    con.close()
            self._ro.clear()
            self._latest = None


PricewatchErrorTypes = (StoreError, OSError, duckdb.Error)

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


def _close_all(connections: list[duckdb.DuckDBPyConnection]) -> None:
    for con in connections:
        with contextlib.suppress(duckdb.Error):
            con.close()


def _copy(src: Path, dst: Path) -> None:
    # no fsync: it would cost more than the copy, and a reader falls back from a damaged one
    shutil.copyfile(src, dst)


def _write_pointer(path: Path, text: str) -> None:
    path.write_text(text, encoding="ascii")


def _migrate(con: duckdb.DuckDBPyConnection) -> tuple[list[str], bool]:
    """The migrations, then the period aggregates when they need a build (a database from
    before them, a restored backup): (migrations applied, whether the aggregates were built)."""
    names = migrate(con)
    con.execute("BEGIN TRANSACTION")
    try:
        built = aggregates.ensure(Session(con, writable=True, version=0))
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    return names, built


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
