"""Domain model: table specs and the in-memory dataset."""

from chainatlas.model.dataset import Dataset, empty_frame
from chainatlas.model.tables import TABLE_ORDER, TABLES, Column, ForeignKey, TableSpec, get_spec

__all__ = [
    "TABLES",
    "TABLE_ORDER",
    "Column",
    "Dataset",
    "ForeignKey",
    "TableSpec",
    "empty_frame",
    "get_spec",
]
