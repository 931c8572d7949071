"""The DuckDB store: datasets as named workspaces in one file (the only package using duckdb)."""

from chainatlas.store._schema import SCHEMA_VERSION
from chainatlas.store.store import DATASET_NAME_RE, Store, validate_dataset_name

__all__ = ["DATASET_NAME_RE", "SCHEMA_VERSION", "Store", "validate_dataset_name"]
