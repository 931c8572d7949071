"""Read a firm network given as a folder of Parquet files, in record batches.

Layout: one ``<table>.parquet`` file per table (what ``chainatlas generate`` and
:func:`chainatlas.datasets.synthetic.write_network` write), or a ``<table>/`` folder of part
files (``*.parquet``, read in name order) for tables written in pieces. Large tables are never
read whole: :func:`iter_batches` yields at most ``batch_rows`` rows at a time with only the
columns asked for; :func:`count_rows` reads the row count from the file footers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.tables import TABLES

__all__ = ["DEFAULT_BATCH_ROWS", "count_rows", "iter_batches", "read_table", "table_files"]

#: Rows per batch: ~1M rows keeps a batch of two id columns near 40 MB.
DEFAULT_BATCH_ROWS = 1 << 20


def table_files(folder: PathArg, table: str, *, required: bool = True) -> list[Path]:
    """The Parquet file(s) of ``table`` in ``folder`` (``table.parquet`` or ``table/*.parquet``).

    Raises :class:`DataNotFound` when ``required`` and neither exists.
    """
    if table not in TABLES:
        raise InputError(f"unknown table {table!r}")
    root = Path(folder)
    if not root.is_dir():
        raise DataNotFound(f"network folder not found: {root}")
    single = root / f"{table}.parquet"
    if single.is_file():
        return [single]
    parts = root / table
    if parts.is_dir():
        files = sorted(p for p in parts.glob("*.parquet") if p.is_file())
        if files:
            return files
    if required:
        raise DataNotFound(f"{root} has no {table}.parquet or {table}/*.parquet")
    return []


def _open(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as err:
        raise InputError(f"cannot read Parquet file {path}: {err}") from None


def count_rows(files: Sequence[Path]) -> int:
    """Total row count of Parquet files, from their footers (no data read)."""
    return sum(_open(p).metadata.num_rows for p in files)


def iter_batches(files: Sequence[Path], columns: Sequence[str], *,
                 batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Record batches of at most ``batch_rows`` rows with those of ``columns`` the files have.

    Files are read in order, so row order is kept.
    """
    if batch_rows < 1:
        raise InputError(f"batch_rows must be ≥ 1, got {batch_rows}")
    for path in files:
        pf = _open(path)
        have = [c for c in columns if c in pf.schema_arrow.names]
        try:
            yield from pf.iter_batches(batch_size=batch_rows, columns=have)
        except pa.ArrowException as err:
            raise InputError(f"cannot read Parquet file {path}: {err}") from None


def read_table(folder: PathArg, table: str) -> pd.DataFrame:
    """A small table (``segments``, ``regions`` …) whole, as a frame; empty when absent."""
    files = table_files(folder, table, required=False)
    if not files:
        return pd.DataFrame({c: [] for c in TABLES[table].column_names})
    frames = [_open(p).read().to_pandas() for p in files]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
