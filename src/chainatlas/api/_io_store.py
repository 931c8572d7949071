"""Stored input-output tables through the server's open store.

``chainatlas.services.io.load_stored_table`` / ``store_io_table`` open the store from a path;
the API server holds one open :class:`~chainatlas.store.Store` for its whole life (a second
connection to the same DuckDB file in one process is refused), so these two helpers do the same
work on that store: same frame key, same checks, same errors.
"""

from __future__ import annotations

from typing import Any

from chainatlas.exceptions import DataNotFound
from chainatlas.ioa import IOTable

__all__ = ["load_io_table_from", "store_io_table_in"]

_PREFIX = "io_table:"  # the key prefix services.io stores IO tables under


def load_io_table_from(store: Any, dataset: str, table_name: str) -> IOTable:
    """The IO table ``table_name`` stored with ``dataset``, checked like the CLI's."""
    key = _PREFIX + table_name
    frames = store.list_frames(dataset)
    if key not in frames:
        have = [k[len(_PREFIX):] for k in frames if k.startswith(_PREFIX)]
        raise DataNotFound(f"dataset {dataset!r} has no IO table {table_name!r}; "
                           f"stored IO tables: {have or 'none'}")
    table = IOTable.from_long(store.read_frame(dataset, key), name=table_name)
    table.check(allow_zero_output=True, allow_negative=True, source=f"{dataset}/{table_name}")
    return table


def store_io_table_in(store: Any, dataset: str, table_name: str, table: IOTable) -> int:
    """Store ``table`` with ``dataset`` (created if missing); the number of long rows."""
    frame = table.to_long()
    if not store.has_dataset(dataset):
        store.create_dataset(dataset)
    store.write_frame(dataset, _PREFIX + table_name, frame)
    return len(frame)
