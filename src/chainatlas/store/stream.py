"""Stream one table of a stored dataset in Arrow record batches (no frame of the whole table).

Used to pack national-size supply networks into CSR arrays: DuckDB produces the batches from a
single consistent snapshot, and only the columns asked for leave the database.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import duckdb
import pyarrow as pa

from chainatlas.exceptions import InputError, StoreError
from chainatlas.model.tables import get_spec
from chainatlas.store._schema import physical_name
from chainatlas.store.store import Store

__all__ = ["count_rows", "iter_batches"]


def _select(table: str, columns: Sequence[str]) -> str:
    spec = get_spec(table)
    unknown = [c for c in columns if c not in spec.column_names]
    if unknown:
        raise InputError(f"table '{table}' has no column(s) {', '.join(unknown)}")
    return ", ".join(f'"{c}"' for c in columns)


def count_rows(store: Store, name: str, table: str) -> int:
    """Rows of ``table`` in dataset ``name``."""
    return int(store.table_counts(name).get(table, 0))


def iter_batches(store: Store, name: str, table: str, columns: Sequence[str], *,
                 batch_rows: int = 1 << 20) -> Iterator[pa.RecordBatch]:
    """Record batches of ``columns`` of ``table`` in dataset ``name``, in insertion order
    (the order :meth:`Store.read_table` returns).

    Raises :class:`~chainatlas.exceptions.DataNotFound` when the dataset does not exist and
    :class:`StoreError` when DuckDB fails while reading.
    """
    if batch_rows < 1:
        raise InputError(f"batch_rows must be ≥ 1, got {batch_rows}")
    select = _select(table, columns)
    with store._reader() as cur:
        store._require(name, cur)
        try:
            rel = cur.sql(f"SELECT {select} FROM {physical_name(table)} WHERE dataset = ?",
                          params=[name])
            yield from rel.to_arrow_reader(batch_rows)
        except duckdb.Error as err:
            raise StoreError(f"reading {table} of {name!r} failed: {err}") from None
