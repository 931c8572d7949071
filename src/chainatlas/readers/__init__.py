"""Readers and writers of tabular files (CSV, Excel, Parquet, JSON) and the import validator.

Input-output tables have their own readers (``readers/io_*.py``).
"""

from chainatlas.readers.headers import map_headers, normalise_header
from chainatlas.readers.tabular import RawTable, detect_encoding, read_file
from chainatlas.readers.validate import ValidatedImport, find_cycle, validate_import

__all__ = [
    "RawTable",
    "ValidatedImport",
    "detect_encoding",
    "find_cycle",
    "map_headers",
    "normalise_header",
    "read_file",
    "validate_import",
]
