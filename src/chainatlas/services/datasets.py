"""Dataset use cases: open the store, load a dataset, import (validated), export, templates.

Every import is validated whole against the dataset's current contents (:mod:`chainatlas.readers.
validate`) and then written in one transaction, so it lands whole or not at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from chainatlas._types import PathArg
from chainatlas.config import get_settings
from chainatlas.exceptions import DataNotFound, InputError, LimitExceeded, Problem
from chainatlas.model.dataset import Dataset, empty_frame
from chainatlas.model.tables import TABLE_ORDER, get_spec
from chainatlas.readers.tabular import RawTable, read_file
from chainatlas.readers.validate import validate_import
from chainatlas.readers.writers import EXPORT_FORMATS, write_table, write_template
from chainatlas.store import Store, validate_dataset_name

__all__ = [
    "DbArg",
    "ImportReport",
    "dataset_summary",
    "delete_dataset",
    "export_dataset",
    "import_directory",
    "import_file",
    "import_frames",
    "list_datasets",
    "load_dataset",
    "open_store",
    "template",
]

#: Where the store is: a path, an open :class:`Store` (used and left open), or None (default).
DbArg = PathArg | Store | None
Mode = Literal["append", "replace"]


def open_store(db: PathArg | None = None, read_only: bool = False) -> Store:
    """Open the store at ``db`` (default: ``$CHAINATLAS_DB`` or ``./chainatlas.duckdb``)."""
    return Store.open(get_settings(db).db_path, read_only=read_only)


@contextmanager
def _store(db: DbArg, read_only: bool = False) -> Iterator[Store]:
    """Use ``db`` if it is an open :class:`Store` (left open), else open and close one."""
    if isinstance(db, Store):
        yield db
        return
    store = open_store(db, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def load_dataset(db: DbArg, name: str, *, member: int | None = None,
                 ensemble: bool = False) -> Dataset:
    """Dataset ``name`` from the store at ``db``; :class:`DataNotFound` if there is none.

    A reconstructed dataset (``supply_links.member`` ≥ 1) holds an ensemble of networks; it is
    returned as one network — the observed links and member ``member`` (default 1), with
    ``meta["member"]`` saying which — so no analysis adds the members' links together.
    ``ensemble=True`` returns every member's links (for :mod:`chainatlas.services.bands`).
    """
    validate_dataset_name(name)
    with _store(db, read_only=True) as store:
        ds = store.load_dataset(name)
    if ensemble or not ds.is_reconstructed:
        if member is not None and not ensemble:
            return ds.member_view(member)
        return ds
    return ds.member_view(1 if member is None else member)


@dataclass
class ImportReport:
    """What an import did.

    Attributes
    ----------
    dataset, mode : str
    tables : dict[str, int]
        Rows written per table.
    files : dict[str, str]
        Source per table (a file name, or ``"<frame>"``).
    warnings : list[Problem]
        Non-fatal problems (unknown columns ignored, …).
    regions_added : list[str]
        Codes of places taken from the built-in region reference into the dataset's regions.
    version : int
        The dataset's version after the import.
    seconds : float
        Wall time of read + validate + write.
    """

    dataset: str
    mode: str
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    regions_added: list[str] = field(default_factory=list)
    version: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset, "mode": self.mode, "tables": dict(self.tables),
            "files": dict(self.files), "rows": self.rows,
            "warnings": [w.to_dict() for w in self.warnings],
            "regions_added": list(self.regions_added), "version": self.version,
            "seconds": round(self.seconds, 3),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per table written (for ``--format table``)."""
        return pd.DataFrame({
            "dataset": self.dataset,
            "table": list(self.tables),
            "rows": list(self.tables.values()),
            "mode": self.mode,
            "source": [self.files.get(t, "") for t in self.tables],
            "version": self.version,
        })


def _existing_reader(store: Store, name: str, exists: bool) -> Any:
    cache: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}

    def existing(table: str, columns: list[str]) -> pd.DataFrame:
        if not exists:
            return empty_frame(table)[columns]
        k = (table, tuple(columns))
        if k not in cache:
            cache[k] = store.read_table(name, table, columns)
        return cache[k]

    return existing


def _land(store: Store, dataset: str, inputs: Mapping[str, RawTable], mode: str,
          create: bool, started: float) -> ImportReport:
    validate_dataset_name(dataset)
    if mode not in ("append", "replace"):
        raise InputError(f"mode must be 'append' or 'replace', not {mode!r}")
    exists = store.has_dataset(dataset)
    if not exists and not create:
        raise DataNotFound(f"no dataset '{dataset}' (create it, or import with create=True)")
    limit = get_settings().max_rows
    for table, raw in inputs.items():
        get_spec(table)
        if len(raw.frame) > limit:
            raise LimitExceeded(f"{raw.file}: {len(raw.frame):,} rows exceed the limit of "
                                f"{limit:,} (CHAINATLAS_MAX_ROWS)")
    checked = validate_import(inputs, _existing_reader(store, dataset, exists), mode)
    frames = dict(checked.frames)
    modes: dict[str, str] = {t: mode for t in frames}
    added: list[str] = []
    if checked.added_regions is not None and len(checked.added_regions):
        added = checked.added_regions["code"].astype(str).tolist()
        if "regions" in frames:
            frames["regions"] = pd.concat([frames["regions"], checked.added_regions],
                                          ignore_index=True)
        else:
            frames["regions"] = checked.added_regions
            modes["regions"] = "append"
    version = store.write_tables(dataset, frames, modes, create=create)
    return ImportReport(
        dataset=dataset, mode=mode,
        tables={t: len(frames[t]) for t in TABLE_ORDER if t in frames},
        files={t: raw.file for t, raw in inputs.items()},
        warnings=checked.warnings, regions_added=added, version=version,
        seconds=time.perf_counter() - started,
    )


def import_file(db: DbArg, dataset: str, table: str, path: PathArg, *, sheet: str | None = None,
                mode: Mode = "append", create: bool = True,
                encoding: str | None = None) -> ImportReport:
    """Import one file into ``table`` of ``dataset``: validated whole, then one transaction.

    Parameters
    ----------
    db : path, Store or None
        The store (default location when None).
    dataset, table : str
        Target dataset (created when missing and ``create``) and table (see ``chainatlas.model``).
    path : path
        CSV (UTF-8 with or without BOM, UTF-16, GB18030/GBK, Big5), .xlsx, .parquet or
        .json/.jsonl.
    sheet : str, optional
        Excel sheet; default: the sheet named after the table, else the first.
    mode : "append" | "replace"
    encoding : str, optional
        Text encoding of a CSV/JSON file; detected when not given (a file whose encoding is not
        certain is refused, naming this option).

    Raises
    ------
    ValidationError
        With up to 20 problems, each naming file, row, column, value and what was expected.
    """
    started = time.perf_counter()
    spec = get_spec(table)
    raw = read_file(path, sheet=sheet, table=table, sheet_hints=(spec.name, spec.zh),
                    max_rows=get_settings().max_rows, encoding=encoding)
    with _store(db) as store:
        return _land(store, dataset, {table: raw}, mode, create, started)


def import_frames(db: DbArg, dataset: str, frames: Mapping[str, pd.DataFrame],
                  mode: Mode = "append", *, create: bool = True,
                  source: str = "<frame>") -> ImportReport:
    """Import several tables at once (validated together, one transaction).

    Frames may use canonical, Chinese or alias headers and raw or typed cells, like files.
    Problems name the table as ``<source>:<table>`` and rows by position, counting the first
    row as 1.
    """
    started = time.perf_counter()
    inputs = {}
    for table, frame in frames.items():
        get_spec(table)
        f = frame.reset_index(drop=True)
        inputs[table] = RawTable(f, f"{source}:{table}", row_base=1, format="frame")
    with _store(db) as store:
        return _land(store, dataset, inputs, mode, create, started)


def import_directory(db: DbArg, dataset: str, directory: PathArg, *, mode: Mode = "append",
                     create: bool = True, encoding: str | None = None) -> ImportReport:
    """Import every ``<table>.<csv|xlsx|parquet|json>`` file of ``directory`` in one transaction.

    This is the inverse of :func:`export_dataset`.
    """
    started = time.perf_counter()
    d = Path(directory)
    if not d.is_dir():
        raise InputError(f"not a directory: {d}")
    inputs: dict[str, RawTable] = {}
    for table in TABLE_ORDER:
        spec = get_spec(table)
        for ext in (".csv", ".xlsx", ".parquet", ".json", ".jsonl"):
            path = d / f"{table}{ext}"
            if path.exists():
                inputs[table] = read_file(path, table=table, sheet_hints=(spec.name, spec.zh),
                                          max_rows=get_settings().max_rows,
                                          encoding=encoding if ext in (".csv", ".json", ".jsonl")
                                          else None)
                break
    if not inputs:
        raise InputError(f"no table files (<table>.csv|xlsx|parquet|json) in {d}")
    with _store(db) as store:
        return _land(store, dataset, inputs, mode, create, started)


#: Tables holding firm-level data shared under agreements; exported only when asked explicitly.
PRIVATE_TABLES = ("signals",)


def export_dataset(db: DbArg, dataset: str, to_dir: PathArg,
                   fmt: str = "csv", *, include_private: bool = False) -> list[Path]:
    """Write every non-empty table of ``dataset`` to ``to_dir/<table>.<fmt>``; return the paths.

    ``fmt`` is ``csv`` (UTF-8 with BOM, so Excel opens Chinese text correctly), ``parquet`` or
    ``xlsx``; tags are written ``a;b`` in csv and xlsx.
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"export format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    ds = load_dataset(db, dataset, ensemble=True)  # every member of a reconstruction
    out = Path(to_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in ds.present():
        if table in PRIVATE_TABLES and not include_private:
            continue  # firm signals are shared only under agreements (services.sharing)
        paths.append(write_table(ds.table(table), table, out / f"{table}.{fmt}", fmt))
    return paths


def template(table: str, lang: str = "zh", path: PathArg | None = None,
             fmt: str | None = None) -> Path:
    """Write an empty template for ``table`` (headers in ``lang`` and one example row)."""
    if lang not in ("zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    spec = get_spec(table)
    p = Path(path) if path is not None else Path(f"{table}_template.{fmt or 'csv'}")
    kind = fmt or (p.suffix.lstrip(".").lower() or "csv")
    if kind not in ("csv", "xlsx"):
        raise InputError(f"template format must be csv or xlsx, not {kind!r}")
    return write_template(spec, lang, p, kind)


def list_datasets(db: DbArg) -> pd.DataFrame:
    """One row per dataset: name, version, updated_at and row counts of the main tables."""
    rows = []
    with _store(db, read_only=True) as store:
        for name in store.list_datasets():
            info = store.dataset_summary(name)
            counts = info["tables"]
            rows.append({"name": name, "version": info["version"],
                         "updated_at": str(info["updated_at"])[:19],
                         "segments": counts["segments"], "firms": counts["firms"],
                         "supply_links": counts["supply_links"],
                         "rows": sum(counts.values())})
    return pd.DataFrame(rows, columns=["name", "version", "updated_at", "segments", "firms",
                                       "supply_links", "rows"])


def dataset_summary(db: DbArg, name: str) -> dict[str, Any]:
    """Catalogue entry, rows per table and stored frames of dataset ``name``."""
    validate_dataset_name(name)
    with _store(db, read_only=True) as store:
        info = store.dataset_summary(name)   # one snapshot: entry, counts and frames agree
    return {
        "name": name,
        "version": info["version"],
        "created_at": str(info["created_at"])[:19],
        "updated_at": str(info["updated_at"])[:19],
        "meta": info["meta"],
        "tables": info["tables"],
        "frames": info["frames"],
    }


def delete_dataset(db: DbArg, name: str) -> None:
    """Delete dataset ``name`` (tables and frames) in one transaction."""
    with _store(db) as store:
        store.delete_dataset(name)
