"""Short leases on a store file, so that any number of processes share one store.

DuckDB lets one process at a time open a database file for writing. chainatlas therefore never
keeps the file open between operations: every store operation (one read snapshot or one write
transaction) takes a *lease* on the file, attaches it to the process's in-memory DuckDB host,
runs, and detaches it again (3–6 ms of CPU on the demo store, benchmarks/bench_store_lease.py).
A server, a CLI import and a CLI report on the same file therefore all work; they take turns
per operation, and each operation sees the file as the last committed write left it.

Protocol (POSIX ``flock`` on two small files next to the store)
---------------------------------------------------------------
``<store>.lock``
    Held exclusively by the one process that has the file attached. It carries the holder's
    pid and command, to name it when a wait times out. The kernel drops it when the process
    dies, so a killed process never leaves the store locked.
``<store>.queue``
    The turnstile. A process that wants the lease takes it first and keeps it until it holds
    the lease. While a process holds the lease, its own further operations join in only while
    the turnstile is free; once another process waits, they queue behind it, so a busy server
    cannot starve a CLI command (and a long CLI command delays the server by at most its own
    length).

Within one process the lease is shared: operations of several threads (and of several
:class:`~chainatlas.store.Store` objects on the same file) run on cursors of the one attached
database; the file is detached when the last of them ends. A wait that outlasts
``CHAINATLAS_STORE_WAIT`` seconds (default 120) raises :class:`StoreError` naming the holder.
Without ``fcntl`` (Windows) the lease falls back to retrying DuckDB's own lock.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from chainatlas.exceptions import StoreError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["FileLease", "lease_for", "side_files"]

_HOST: duckdb.DuckDBPyConnection | None = None
_HOST_LOCK = threading.Lock()
_LEASES: dict[Path, FileLease] = {}


def _host() -> duckdb.DuckDBPyConnection:
    """The process's in-memory DuckDB instance that store files are attached to (created on
    first use; it holds no file while nothing is attached)."""
    global _HOST
    with _HOST_LOCK:
        if _HOST is None:
            _HOST = duckdb.connect(":memory:")
        return _HOST


def side_files(path: Path) -> tuple[Path, Path]:
    """The lock and turnstile files of the store at ``path``."""
    return path.with_name(path.name + ".lock"), path.with_name(path.name + ".queue")


def lease_for(path: Path) -> FileLease:
    """The process-wide lease of the store file at ``path`` (one per resolved path)."""
    key = path.resolve()
    with _HOST_LOCK:
        lease = _LEASES.get(key)
        if lease is None:
            lease = _LEASES[key] = FileLease(key)
        return lease


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _flock_until(fd: int, deadline: float) -> bool:
    """Take an exclusive ``flock`` on ``fd``, polling until ``deadline``; False on timeout."""
    assert fcntl is not None
    delay = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.02)


class FileLease:
    """The lease on one store file, shared by the threads of this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.alias = "s_" + hashlib.sha1(str(path).encode()).hexdigest()[:16]
        #: Serialises writers of this process (DuckDB would abort one of two concurrent writers).
        self.writer = threading.RLock()
        self._cond = threading.Condition()
        self._users = 0
        self._attached = False
        self._acquiring = False
        self._local = threading.local()
        self._lock_fd: int | None = None
        self._probe_fd: int | None = None

    # ------------------------------------------------------------------ public
    @contextmanager
    def hold(self, wait_seconds: float) -> Iterator[None]:
        """Hold the lease (nested holds in one thread are free)."""
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth = depth
            return
        self._enter(wait_seconds)
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            self._leave()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the attached file (call inside :meth:`hold`)."""
        if not getattr(self._local, "depth", 0):
            raise StoreError(f"store {self.path}: cursor asked for outside a lease")
        cur = _host().cursor()
        cur.execute(f"USE {self.alias}")
        return cur

    # ------------------------------------------------------------------ in-process sharing
    def _others_waiting(self) -> bool:
        """Whether another process sits in the turnstile (called with ``_cond`` held)."""
        if fcntl is None:
            return False
        if self._probe_fd is None:
            self._probe_fd = os.open(side_files(self.path)[1], os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._probe_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._probe_fd, fcntl.LOCK_UN)
        return False

    def _enter(self, wait_seconds: float) -> None:
        deadline = time.monotonic() + wait_seconds
        with self._cond:
            while True:
                if self._attached and not self._others_waiting():
                    self._users += 1
                    return
                if not self._attached and not self._acquiring:
                    self._acquiring = True
                    break
                if time.monotonic() >= deadline:
                    raise self._busy(wait_seconds)
                self._cond.wait(0.02)
        try:
            self._acquire(deadline, wait_seconds)
        except BaseException:
            with self._cond:
                self._acquiring = False
                self._cond.notify_all()
            raise
        with self._cond:
            self._acquiring = False
            self._attached = True
            self._users += 1
            self._cond.notify_all()

    def _leave(self) -> None:
        with self._cond:
            self._users -= 1
            if self._users == 0:
                self._release()
            self._cond.notify_all()

    # ------------------------------------------------------------------ the file
    def _acquire(self, deadline: float, wait_seconds: float) -> None:
        if fcntl is None:  # pragma: no cover - Windows: DuckDB's own lock, retried
            self._attach(deadline, wait_seconds)
            return
        lock_path, queue_path = side_files(self.path)
        queue = os.open(queue_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _flock_until(queue, deadline):
                raise self._busy(wait_seconds)
            lock = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                if not _flock_until(lock, deadline):
                    raise self._busy(wait_seconds)
                os.ftruncate(lock, 0)
                os.pwrite(lock, f"{os.getpid()} {' '.join(sys.argv)[:200]}\n".encode(), 0)
                self._attach(deadline, wait_seconds)
            except BaseException:
                os.close(lock)  # closing drops the flock
                raise
            self._lock_fd = lock
        finally:
            os.close(queue)

    def _attach(self, deadline: float, wait_seconds: float) -> None:
        from chainatlas.store.store import store_error

        read_only = self.path.exists() and not os.access(self.path, os.W_OK)
        sql = (f"ATTACH {_sql_literal(str(self.path))} AS {self.alias}"
               + (" (READ_ONLY)" if read_only else ""))
        delay = 0.005
        while True:
            try:
                _host().execute(sql)
                return
            except duckdb.Error as err:
                # Another program (the DuckDB shell, an older chainatlas) has the file open:
                # wait for it like for a lease, then report it.
                if "lock" not in str(err).lower() or time.monotonic() >= deadline:
                    raise store_error(self.path, err) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)

    def _release(self) -> None:
        global _HOST
        try:
            _host().execute(f"DETACH {self.alias}")
        except duckdb.Error:
            # Never let the file lock go while DuckDB may still hold the file: drop the host.
            with _HOST_LOCK:
                if _HOST is not None:
                    _HOST.close()
                    _HOST = None
        self._attached = False
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _busy(self, wait_seconds: float) -> StoreError:
        holder = ""
        try:
            text = side_files(self.path)[0].read_text(encoding="utf-8", errors="replace").strip()
            if text:
                holder = f" (held by pid {text})"
        except OSError:
            pass
        return StoreError(
            f"store {self.path} is busy: another process has used it for more than "
            f"{wait_seconds:g} s{holder}; try again when it has finished "
            "(CHAINATLAS_STORE_WAIT sets how long to wait)"
        )
