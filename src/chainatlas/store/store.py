"""The DuckDB store: one file, datasets as named workspaces, every write one transaction.

Design
------
- **The file is held per operation, not per process** (:mod:`.lease`). A :class:`Store` keeps
  no connection between operations: each read (one snapshot) or write (one transaction) takes
  the file's lease, attaches it, runs on its own cursor and lets it go, so a server and any
  number of CLI processes share one store file. Writes of one process go through one lock
  (single writer) inside ``BEGIN … COMMIT`` and roll back on any error.
- **Tables keyed by a dataset column, not per-dataset schemas.** Each table of the data model is
  one physical table ``t_<table>`` with a leading ``dataset`` column. The DDL is written once from
  the specs, migrations run once per store (not once per dataset), a dataset name never becomes
  an SQL identifier (it is always a bound parameter), and listing, copying or deleting a dataset is
  a parameterised ``WHERE dataset = ?``.
- **No DuckDB key constraints on data tables.** Keys and references are checked by the import
  validator before anything is written (with messages a person can act on); an ART index over
  millions of rows would cost memory and time on every bulk insert for no extra safety.
- **Schema version and migrations** (:mod:`._schema`) are applied on every writable open; a
  read-only open of an out-of-date store is refused with a clear message.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa

from chainatlas._types import PathArg
from chainatlas.config import get_settings
from chainatlas.exceptions import DataNotFound, InputError, StoreError
from chainatlas.model.arrow import (
    frame_from_arrow,
    frame_from_parquet_bytes,
    frame_to_arrow,
    frame_to_parquet_bytes,
)
from chainatlas.model.dataset import Dataset
from chainatlas.model.tables import TABLE_ORDER, TABLES, get_spec
from chainatlas.store._schema import MIGRATIONS, SCHEMA_VERSION, physical_name, sync_tables
from chainatlas.store.integrity import IntegrityReport, check_store
from chainatlas.store.lease import FileLease, lease_for

__all__ = ["DATASET_NAME_RE", "Store", "validate_dataset_name"]

#: Dataset names: a letter or digit, then letters, digits, ``-``, ``_`` or ``.``; at most 64.
DATASET_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_BULK_ROWS = 100_000
_FRAME_KEY_RE = re.compile(r"^[^\x00-\x1f]{1,200}$")


def _first(cur: duckdb.DuckDBPyConnection, sql: str,
           params: list[Any] | None = None) -> tuple[Any, ...] | None:
    """The first row of a query (the result is read to the end, as DuckDB requires)."""
    rows = cur.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def validate_dataset_name(name: object) -> str:
    """Return ``name`` if it is a safe dataset name, else raise :class:`InputError`."""
    if not isinstance(name, str) or not DATASET_NAME_RE.match(name):
        raise InputError(
            f"invalid dataset name {name!r}: use 1-64 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )
    return name


def store_error(path: Path, err: Exception) -> StoreError:
    """The :class:`StoreError` for a DuckDB error met while opening the store at ``path``."""
    text = str(err)
    low = text.lower()
    if "different configuration" in low:
        return StoreError(
            f"store {path} is already open in this process in another mode (read-only vs "
            f"read-write); pass the open Store instead of its path: {text}"
        )
    if "lock" in low:
        return StoreError(
            f"store {path} is locked by another process (close the other chainatlas or "
            f"DuckDB session using it, or use a different --db): {text}"
        )
    if "not a valid duckdb database" in low or "corrupt" in low or "checksum" in low or \
            "serialization" in low or "database file" in low:
        return StoreError(f"store {path} is not a readable DuckDB database (corrupt?): {text}")
    return StoreError(f"cannot open store {path}: {text}")


class Store:
    """A chainatlas store in one DuckDB file.

    Open it with :meth:`Store.open` (usable as a context manager)::

        with Store.open("chainatlas.duckdb") as store:
            store.create_dataset("mine")
            store.write_tables("mine", {"firms": firms})
            ds = store.load_dataset("mine")

    A file store holds the file only while an operation runs (:mod:`chainatlas.store.lease`),
    so other processes may use the same file between any two operations; each operation sees
    one consistent snapshot. An in-memory store (``None`` or ``":memory:"``) keeps its one
    connection.
    """

    def __init__(self, path: Path, read_only: bool, *, lease: FileLease | None = None,
                 memory: duckdb.DuckDBPyConnection | None = None,
                 wait_seconds: float = 120.0) -> None:
        self.path = path
        self.read_only = read_only
        self._lease = lease
        self._memory = memory
        self._wait = wait_seconds
        self._closed = False
        self._memory_lock = threading.RLock()

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(cls, path: PathArg | None = None, read_only: bool = False) -> Store:
        """Open (creating if needed) the store at ``path``; ``None`` or ``":memory:"`` is in memory.

        Migrations are applied on a writable open. Raises :class:`StoreError` when the file is
        held by another program past ``CHAINATLAS_STORE_WAIT`` seconds, is not a DuckDB
        database, or was written by a newer release; :class:`DataNotFound` when ``read_only``
        and the file does not exist.
        """
        memory = path is None or str(path) == ":memory:"
        if memory:
            store = cls(Path(":memory:"), read_only, memory=duckdb.connect(":memory:"))
        else:
            p = Path(path)  # type: ignore[arg-type]
            if read_only and not p.exists():
                raise DataNotFound(f"no store at {p} (import data or run `chainatlas demo` first)")
            if p.exists() and p.is_dir():
                raise StoreError(f"store path {p} is a directory")
            if not read_only:
                p.parent.mkdir(parents=True, exist_ok=True)
            store = cls(p, read_only, lease=lease_for(p), wait_seconds=get_settings().store_wait)
        try:
            store._migrate()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Close the store (idempotent). A file store holds nothing between operations."""
        self._closed = True
        if self._memory is not None:
            self._memory.close()
            self._memory = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"Store({str(self.path)!r}, {mode})"

    @property
    def _lock(self) -> threading.RLock:
        """The writer lock of this process for this file."""
        return self._lease.writer if self._lease is not None else self._memory_lock

    @contextmanager
    def _held(self) -> Iterator[None]:
        """Hold the file for one operation (nested holds are free)."""
        if self._closed:
            raise StoreError("the store is closed")
        if self._lease is None:
            yield
            return
        with self._lease.hold(self._wait):
            yield

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        if self._memory is not None:
            return self._memory.cursor()
        if self._closed:
            raise StoreError("the store is closed")
        assert self._lease is not None
        return self._lease.cursor()

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A raw DuckDB cursor on the store for the length of the ``with`` block (the file is
        held meanwhile): for maintenance and tests, not for data (use the methods)."""
        with self._held():
            cur = self._cursor()
            try:
                yield cur
            finally:
                cur.close()

    # ------------------------------------------------------------------ schema
    @staticmethod
    def _has_schema_table(cur: duckdb.DuckDBPyConnection) -> bool:
        found = _first(cur,
                       "SELECT count(*) FROM information_schema.tables WHERE table_catalog = "
                       "current_database() AND table_schema = 'main' "
                       "AND table_name = 'chainatlas_schema'")
        return bool(found and found[0])

    @classmethod
    def _version(cls, cur: duckdb.DuckDBPyConnection) -> int:
        if not cls._has_schema_table(cur):
            return 0
        row = _first(cur, "SELECT max(version) FROM chainatlas_schema")
        return int(row[0]) if row and row[0] is not None else 0

    def schema_version(self) -> int:
        """The schema version recorded in the file (0 for a fresh file)."""
        with self.connection() as cur:
            return self._version(cur)

    def _migrate(self) -> None:
        try:
            with self.connection() as cur:
                current = self._version(cur)
                if not self._has_schema_table(cur):
                    other = _first(cur,
                        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = "
                        "current_database() AND table_schema = 'main'"
                    )
                    if other and other[0]:
                        raise StoreError(f"{self.path} is a DuckDB file but not a chainatlas store")
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"store {self.path} has schema version {current}, newer than this release "
                    f"understands ({SCHEMA_VERSION}); upgrade chainatlas"
                )
            if self.read_only and current == SCHEMA_VERSION:
                return
            if self.read_only and not os.access(self.path, os.W_OK):
                raise StoreError(
                    f"store {self.path} has schema version {current} < {SCHEMA_VERSION} and "
                    "cannot be migrated: the file is not writable"
                )
            # An older store is migrated on any open, read-only ones included: the migrations
            # only add tables and columns, and a reader should not have to know about them.
            with self._transaction(migrating=True) as cur:
                current = self._version(cur)  # another process may have migrated meanwhile
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS chainatlas_schema ("
                    " version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, note VARCHAR)"
                )
                for version, note, step in MIGRATIONS:
                    if version > current:
                        step(cur)
                        cur.execute("INSERT INTO chainatlas_schema VALUES (?, ?, ?)",
                                    [version, datetime.now(), note])
                sync_tables(cur)
        except duckdb.Error as err:
            raise store_error(self.path, err) from None

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _transaction(self, *, migrating: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """``BEGIN … COMMIT`` on a private cursor under the writer lock; ROLLBACK on any error."""
        if self.read_only and not migrating:
            raise StoreError(f"store {self.path} is open read-only")
        with self._lock, self._held():
            cur = self._cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                cur.execute("COMMIT")
            except duckdb.Error as err:
                raise StoreError(f"write to {self.path} failed and was rolled back: {err}") from None
            finally:
                cur.close()

    @contextmanager
    def _reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside a read transaction (a consistent snapshot across several queries)."""
        with self._held():
            cur = self._cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                yield cur
                cur.execute("COMMIT")
            except duckdb.Error as err:
                raise StoreError(f"read from {self.path} failed: {err}") from None
            finally:
                cur.close()

    def check(self, dataset: str | None = None) -> IntegrityReport:
        """Run the integrity check (:mod:`chainatlas.store.integrity`); return its report."""
        if dataset is not None:
            validate_dataset_name(dataset)
        with self.connection() as cur:
            try:
                return check_store(cur, str(self.path), dataset)
            except duckdb.Error as err:
                raise StoreError(f"integrity check of {self.path} could not run: {err}") from None

    # ------------------------------------------------------------------ catalogue
    def list_datasets(self) -> list[str]:
        """Names of the datasets in the store, sorted."""
        with self._reader() as cur:
            rows = cur.execute("SELECT name FROM datasets ORDER BY name").fetchall()
        return [r[0] for r in rows]

    def has_dataset(self, name: str) -> bool:
        """Whether a dataset called ``name`` exists."""
        validate_dataset_name(name)
        with self._reader() as cur:
            row = _first(cur, "SELECT count(*) FROM datasets WHERE name = ?", [name])
        return bool(row and row[0])

    def dataset_info(self, name: str) -> dict[str, Any]:
        """Catalogue entry of ``name``: ``name, created_at, updated_at, version, meta``."""
        validate_dataset_name(name)
        with self._reader() as cur:
            info = self._info(cur, name)
        if info is None:
            raise self._not_found(name)
        return info

    @staticmethod
    def _info(cur: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any] | None:
        row = _first(cur,
            "SELECT name, created_at, updated_at, version, meta FROM datasets WHERE name = ?",
            [name],
        )
        if row is None:
            return None
        return {"name": row[0], "created_at": row[1], "updated_at": row[2], "version": row[3],
                "meta": json.loads(row[4]) if row[4] else {}}

    def dataset_summary(self, name: str) -> dict[str, Any]:
        """:meth:`dataset_info` plus ``tables`` (:meth:`table_counts`) and ``frames``
        (:meth:`list_frames`), all read from one snapshot, so a write in between cannot pair
        one version's entry with another version's rows."""
        validate_dataset_name(name)
        with self._reader() as cur:
            info = self._info(cur, name)
            if info is not None:
                info["tables"] = self._counts(cur, name)
                info["frames"] = self._frame_keys(cur, name)
        if info is None:
            raise self._not_found(name)
        return info

    def dataset_version(self, name: str) -> int:
        """The dataset's version: starts at 0 and is bumped by every write."""
        return int(self.dataset_info(name)["version"])

    def table_counts(self, name: str) -> dict[str, int]:
        """Row count of every table of dataset ``name`` (in import order)."""
        self._require(name)
        with self._reader() as cur:
            return self._counts(cur, name)

    @staticmethod
    def _counts(cur: duckdb.DuckDBPyConnection, name: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for table in TABLE_ORDER:
            row = _first(cur, f"SELECT count(*) FROM {physical_name(table)} WHERE dataset = ?",
                         [name])
            counts[table] = int(row[0]) if row else 0
        return counts

    def _not_found(self, name: str) -> DataNotFound:
        known = self.list_datasets()
        hint = f"; datasets in the store: {', '.join(known)}" if known else "; the store is empty"
        return DataNotFound(f"no dataset '{name}' in {self.path}{hint}")

    def _require(self, name: str, cur: duckdb.DuckDBPyConnection | None = None) -> None:
        validate_dataset_name(name)
        if cur is None:
            with self._reader() as c:
                row = _first(c, "SELECT count(*) FROM datasets WHERE name = ?", [name])
        else:
            row = _first(cur, "SELECT count(*) FROM datasets WHERE name = ?", [name])
        if not (row and row[0]):
            raise self._not_found(name)

    def create_dataset(self, name: str, exist_ok: bool = False,
                       meta: Mapping[str, Any] | None = None) -> None:
        """Create an empty dataset ``name`` (``exist_ok`` makes an existing one fine)."""
        validate_dataset_name(name)
        with self._transaction() as cur:
            self._create(cur, name, exist_ok, meta)

    @staticmethod
    def _create(cur: duckdb.DuckDBPyConnection, name: str, exist_ok: bool,
                meta: Mapping[str, Any] | None = None) -> None:
        row = _first(cur, "SELECT count(*) FROM datasets WHERE name = ?", [name])
        if row and row[0]:
            if not exist_ok:
                raise InputError(f"dataset '{name}' already exists")
            return
        now = datetime.now()
        cur.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, 0, ?)",
            [name, now, now, json.dumps(dict(meta or {}), ensure_ascii=False, default=str)],
        )

    def delete_dataset(self, name: str) -> None:
        """Delete dataset ``name`` with all its tables and frames, in one transaction."""
        self._require(name)
        with self._transaction() as cur:
            for table in TABLES:
                cur.execute(f"DELETE FROM {physical_name(table)} WHERE dataset = ?", [name])
            cur.execute("DELETE FROM frames WHERE dataset = ?", [name])
            cur.execute("DELETE FROM datasets WHERE name = ?", [name])

    @staticmethod
    def _bump(cur: duckdb.DuckDBPyConnection, name: str) -> None:
        cur.execute("UPDATE datasets SET version = version + 1, updated_at = ? WHERE name = ?",
                    [datetime.now(), name])

    # ------------------------------------------------------------------ tables
    def write_tables(self, name: str, frames: Mapping[str, pd.DataFrame],
                     mode: Literal["replace", "append"] | Mapping[str, str] = "replace", *,
                     create: bool = False) -> int:
        """Write several tables of dataset ``name`` in one transaction; return the new version.

        ``mode="replace"`` replaces each given table's rows, ``"append"`` adds to them (a
        mapping gives a mode per table, ``"append"`` for tables it omits). Frames
        carry the spec's column names (absent columns are stored as nulls); values are stored as
        given — validate first (the import service does). With ``create`` a missing dataset is
        created in the same transaction. Nothing is written if anything fails.
        """
        modes = {t: (mode if isinstance(mode, str) else mode.get(t, "append")) for t in frames}
        for m in modes.values():
            if m not in ("replace", "append"):
                raise InputError(f"mode must be 'replace' or 'append', not {m!r}")
        validate_dataset_name(name)
        arrow = {t: frame_to_arrow(f, get_spec(t)) for t, f in frames.items()}
        order = [t for t in TABLE_ORDER if t in arrow] + [t for t in arrow if t not in TABLE_ORDER]
        big = sum(a.num_rows for a in arrow.values()) >= _BULK_ROWS
        with self._lock, self._held():
            return self._write(name, arrow, order, modes, create, big)

    def _write(self, name: str, arrow: Mapping[str, pa.Table], order: list[str],
               modes: Mapping[str, str], create: bool, big: bool) -> int:
        if big and not self.read_only:
            # A single-threaded bulk insert keeps DuckDB's insertion order while writing row
            # groups straight to the file; with several threads it goes through the WAL and the
            # checkpoint writes it again (measured: 2x the time, 2x the file size).
            with self.connection() as con:
                con.execute("SET threads = 1")
        try:
            with self._transaction() as cur:
                if create:
                    self._create(cur, name, exist_ok=True)
                else:
                    self._require(name, cur)
                for table in order:
                    self._insert(cur, name, table, arrow[table], modes[table])
                self._bump(cur, name)
                row = _first(cur, "SELECT version FROM datasets WHERE name = ?", [name])
        finally:
            if big and not self.read_only:
                with self.connection() as con:
                    con.execute("RESET threads")
        return int(row[0]) if row else 0

    @staticmethod
    def _insert(cur: duckdb.DuckDBPyConnection, name: str, table: str, data: pa.Table,
                mode: str) -> None:
        spec = get_spec(table)
        phys = physical_name(table)
        if mode == "replace":
            cur.execute(f"DELETE FROM {phys} WHERE dataset = ?", [name])
        if data.num_rows == 0:
            return
        cols = ", ".join(f'"{c.name}"' for c in spec.columns)
        select = ", ".join(
            f'CAST(src."{c.name}" AS DATE)' if c.dtype == "date" else f'src."{c.name}"'
            for c in spec.columns
        )
        view = f"_chainatlas_src_{table}"
        cur.register(view, data)
        try:
            cur.execute(f"INSERT INTO {phys} (dataset, {cols}) SELECT ?, {select} FROM {view} AS src",
                        [name])
        finally:
            cur.unregister(view)

    def read_table(self, name: str, table: str,
                   columns: list[str] | None = None) -> pd.DataFrame:
        """One table of dataset ``name`` as a frame with the model's dtypes (insertion order)."""
        spec = get_spec(table)
        with self._reader() as cur:
            self._require(name, cur)
            return self._read(cur, name, table, columns or spec.column_names)

    @staticmethod
    def _read(cur: duckdb.DuckDBPyConnection, name: str, table: str,
              columns: list[str]) -> pd.DataFrame:
        spec = get_spec(table)
        unknown = [c for c in columns if c not in spec.column_names]
        if unknown:
            raise InputError(f"table '{table}' has no column(s) {', '.join(unknown)}")
        select = ", ".join(
            f'CAST("{c}" AS VARCHAR) AS "{c}"' if spec.column(c).dtype == "date" else f'"{c}"'
            for c in columns
        )
        rel = cur.sql(f"SELECT {select} FROM {physical_name(table)} WHERE dataset = ?",
                      params=[name])
        return frame_from_arrow(rel.to_arrow_table(), spec)

    def load_dataset(self, name: str) -> Dataset:
        """The whole dataset ``name`` in memory (one consistent snapshot)."""
        with self._reader() as cur:
            self._require(name, cur)
            tables = {t: self._read(cur, name, t, get_spec(t).column_names) for t in TABLE_ORDER}
            row = _first(cur, "SELECT version, meta, created_at FROM datasets WHERE name = ?",
                              [name])
        meta: dict[str, Any] = json.loads(row[1]) if row and row[1] else {}
        meta["version"] = int(row[0]) if row else 0
        meta["created_at"] = str(row[2]) if row else ""  # tells a re-created dataset apart
        meta["store"] = str(self.path)
        return Dataset(name, tables, meta)

    # ------------------------------------------------------------------ auxiliary frames
    @staticmethod
    def _check_key(key: object) -> str:
        if not isinstance(key, str) or not _FRAME_KEY_RE.match(key):
            raise InputError(f"invalid frame key {key!r}: 1-200 printable characters")
        return key

    def write_frame(self, name: str, key: str, frame: pd.DataFrame, *,
                    bump_version: bool = True) -> None:
        """Store ``frame`` under ``key`` in dataset ``name`` (replacing one already there).

        Any frame round-trips exactly (index, dtypes and column names are kept). The dataset's
        version is bumped unless ``bump_version`` is false (for caches of derived results).
        """
        self._check_key(key)
        data = frame_to_parquet_bytes(frame)
        with self._transaction() as cur:
            self._require(name, cur)
            cur.execute("DELETE FROM frames WHERE dataset = ? AND key = ?", [name, key])
            cur.execute("INSERT INTO frames VALUES (?, ?, ?, ?, ?)",
                        [name, key, datetime.now(), len(data), data])
            if bump_version:
                self._bump(cur, name)

    def read_frame(self, name: str, key: str) -> pd.DataFrame:
        """The frame stored under ``key``; :class:`DataNotFound` if there is none."""
        self._check_key(key)
        with self._reader() as cur:
            self._require(name, cur)
            row = _first(cur, "SELECT data FROM frames WHERE dataset = ? AND key = ?",
                              [name, key])
        if row is None:
            raise DataNotFound(f"dataset '{name}' has no frame '{key}'")
        return frame_from_parquet_bytes(bytes(row[0]))

    def list_frames(self, name: str) -> list[str]:
        """Keys of the frames stored with dataset ``name``, sorted."""
        with self._reader() as cur:
            self._require(name, cur)
            return self._frame_keys(cur, name)

    @staticmethod
    def _frame_keys(cur: duckdb.DuckDBPyConnection, name: str) -> list[str]:
        rows = cur.execute("SELECT key FROM frames WHERE dataset = ? ORDER BY key",
                           [name]).fetchall()
        return [r[0] for r in rows]

    def delete_frame(self, name: str, key: str, *, bump_version: bool = True) -> bool:
        """Remove frame ``key``; return whether it existed."""
        self._check_key(key)
        with self._transaction() as cur:
            self._require(name, cur)
            row = _first(cur, "SELECT count(*) FROM frames WHERE dataset = ? AND key = ?",
                              [name, key])
            existed = bool(row and row[0])
            if existed:
                cur.execute("DELETE FROM frames WHERE dataset = ? AND key = ?", [name, key])
                if bump_version:
                    self._bump(cur, name)
        return existed
