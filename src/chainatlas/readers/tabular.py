"""Read a tabular file (CSV, Excel, Parquet, JSON) into a raw frame, ready for validation.

Reading does no type conversion beyond what the format itself carries: CSV cells arrive as text,
Excel cells as the workbook's values, Parquet and JSON columns with their own types. Headers are
kept as written; :func:`chainatlas.readers.headers.map_headers` matches them to the spec.

CSV and JSON encodings are detected from the bytes (UTF-8 with or without BOM, UTF-16, GB18030/GBK,
Big5/CP950; see :mod:`chainatlas.readers.encoding`) or given by the caller. A file whose encoding
cannot be told for sure is refused, never decoded with a guess.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import InputError, LimitExceeded, Problem, ValidationError
from chainatlas.readers.encoding import check_encoding, detect_encoding

__all__ = ["FORMATS", "RawTable", "detect_encoding", "read_file", "sniff_format"]

#: File suffix → format name.
FORMATS: dict[str, str] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}


@dataclass
class RawTable:
    """A table as read from a file, before validation.

    ``frame``'s index holds each record's position in the file (0-based); the row a person sees
    is ``index + row_base`` (``row_base`` is 2 for CSV and Excel, where the header is row 1, and 1
    for Parquet and JSON, where rows are counted from the first record).
    """

    frame: pd.DataFrame
    file: str
    row_base: int = 2
    format: str = "csv"
    encoding: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)


def _fail(file: str, message: str, *, row: int | None = None, column: str | None = None,
          value: Any = None, expected: str | None = None) -> ValidationError:
    problem = Problem(message, file, row, column, value, expected)
    return ValidationError([problem], title=f"cannot read {file}")


def sniff_format(path: Path) -> str:
    """The format of ``path`` from its suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot tell the format of {path.name}: use one of "
            f"{', '.join(sorted(FORMATS))}"
        )
    return fmt


def _delimiter(first_line: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    empty = frame.isna().all(axis=1)
    return frame.loc[~empty] if bool(empty.any()) else frame


def _too_many(file: str, limit: int, rows: int | None = None) -> LimitExceeded:
    """The file holds more rows than one import accepts (``rows`` when known)."""
    if rows is None:
        return LimitExceeded(f"{file}: more than {limit:,} rows, the limit of one import "
                             "(CHAINATLAS_MAX_ROWS)")
    return LimitExceeded(f"{file}: {rows:,} rows exceed the limit of {limit:,} "
                         "(CHAINATLAS_MAX_ROWS)")


def _read_csv(path: Path, file: str, max_rows: int | None = None,
              encoding: str | None = None) -> RawTable:
    raw = path.read_bytes()
    if not raw.strip():
        raise _fail(file, "the file is empty", expected="a header row and at least one data row")
    encoding = detect_encoding(raw, file, encoding)
    text = raw.decode(encoding)
    del raw
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.split("\n", 1)[0]
    sep = _delimiter(first, path.suffix.lower())
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""],
            skip_blank_lines=False, engine="c",
            nrows=None if max_rows is None else max_rows + 1,   # parse no more than needed
        )
    except pd.errors.EmptyDataError:
        raise _fail(file, "the file is empty", expected="a header row") from None
    except pd.errors.ParserError as err:
        raise _fail(file, f"malformed CSV: {err}",
                    expected=f"the same number of '{sep}'-separated fields on every line") from None
    del text
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas turns the leading cells of a first data line longer than the header into an
        # index, shifting every value one column to the right: refuse instead.
        width = len(frame.columns)
        raise _fail(file, f"line 2 has {width + frame.index.nlevels} fields but the header has "
                    f"{width}", row=2,
                    expected=f"the same number of '{sep}'-separated fields on every line")
    if max_rows is not None and len(frame) > max_rows:
        raise _too_many(file, max_rows)
    frame = _drop_empty_rows(frame)
    return RawTable(frame, file, 2, "csv", encoding=encoding)


def _read_excel(path: Path, file: str, sheet: str | None, table: str | None,
                sheet_hints: tuple[str, ...], max_rows: int | None = None) -> RawTable:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as err:  # openpyxl raises many kinds for a broken workbook
        raise _fail(file, f"not a readable .xlsx workbook: {err}") from None
    with book:
        names = [str(n) for n in book.sheet_names]
        if sheet is not None:
            if sheet not in names:
                raise _fail(file, f"there is no sheet '{sheet}'", value=sheet,
                            expected="one of the sheets " + ", ".join(repr(n) for n in names))
            chosen = sheet
        else:
            folded = {n.strip().casefold(): n for n in names}
            hits = [folded[h.casefold()] for h in sheet_hints if h.casefold() in folded]
            chosen = hits[0] if hits else names[0]
        try:
            frame = pd.read_excel(book, sheet_name=chosen, dtype=object, keep_default_na=False,
                                  na_values=[""],
                                  nrows=None if max_rows is None else max_rows + 1)
        except Exception as err:  # a damaged sheet: zip, XML or cell values openpyxl rejects
            raise _fail(file, f"sheet '{chosen}' is not readable: {type(err).__name__}: {err}",
                        expected="a workbook saved by Excel, WPS or LibreOffice") from None
    if max_rows is not None and len(frame) > max_rows:
        raise _too_many(file, max_rows)
    frame = frame.map(lambda v: None if isinstance(v, str) and not v.strip() else v)
    frame = _drop_empty_rows(frame)
    return RawTable(frame, file, 2, "xlsx", sheet=chosen)


def _read_parquet(path: Path, file: str, max_rows: int | None = None) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        if max_rows is not None:   # the footer knows the row count: refuse before reading
            rows = pq.ParquetFile(path).metadata.num_rows
            if rows > max_rows:
                raise _too_many(file, max_rows, rows)
        table = pq.read_table(path)
        # Parquet readers do not check text: a damaged page can hold invalid UTF-8 that would
        # surface later as a decoding error deep inside validation.
        table.validate(full=True)
    except LimitExceeded:
        raise
    except Exception as err:  # pyarrow raises ArrowInvalid/OSError for broken files
        raise _fail(file, f"not a readable Parquet file: {err}") from None

    def mapper(typ: pa.DataType) -> Any:
        if pa.types.is_integer(typ):
            return pd.Int64Dtype()
        if pa.types.is_list(typ) or pa.types.is_large_list(typ):
            return pd.ArrowDtype(typ)  # tags: kept as Arrow lists, no per-row Python objects
        return None

    try:
        frame = table.to_pandas(self_destruct=True, split_blocks=True, types_mapper=mapper)
    except (pa.ArrowException, ValueError, OverflowError) as err:
        # e.g. a date or timestamp outside the range Python and pandas can hold
        raise _fail(file, f"Parquet values cannot be converted: {err}",
                    expected="dates between years 1 and 9999 and plain column types") from None
    return RawTable(frame, file, 1, "parquet")


def _read_json(path: Path, file: str, lines: bool, table: str | None,
               max_rows: int | None = None, encoding: str | None = None) -> RawTable:
    raw = path.read_bytes()
    if not raw.strip():
        raise _fail(file, "the file is empty", expected="a JSON array of records")
    try:
        text = raw.decode(detect_encoding(raw, file, encoding)).removeprefix("\ufeff")
        if lines:
            records = [json.loads(ln) for ln in text.splitlines() if ln.strip()]
        else:
            records = json.loads(text)
    except json.JSONDecodeError as err:
        raise _fail(file, f"invalid JSON: {err.msg}", row=err.lineno) from None
    if isinstance(records, dict):
        if table is not None and isinstance(records.get(table), list):
            records = records[table]
        elif all(isinstance(v, list) for v in records.values()):
            records = pd.DataFrame(records).to_dict(orient="records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise _fail(file, "the JSON is not a list of records",
                    expected='[{"column": value, …}, …]')
    if max_rows is not None and len(records) > max_rows:
        raise _too_many(file, max_rows, len(records))
    frame = pd.DataFrame.from_records(records)
    return RawTable(frame, file, 1, "jsonl" if lines else "json")


def read_file(path: PathArg, *, sheet: str | None = None, table: str | None = None,
              sheet_hints: tuple[str, ...] = (), max_rows: int | None = None,
              encoding: str | None = None) -> RawTable:
    """Read ``path`` into a :class:`RawTable` (no validation yet).

    Parameters
    ----------
    path : path
        A ``.csv``/``.tsv``, ``.xlsx``, ``.parquet`` or ``.json``/``.jsonl`` file.
    sheet : str, optional
        Excel sheet to read. Without it, the first sheet named like one of ``sheet_hints`` (for
        example the table's English or Chinese name), else the first sheet.
    table : str, optional
        The table being read (lets a JSON object ``{"firms": [...]}`` hold several tables).
    max_rows : int, optional
        Refuse a file with more data rows (:class:`LimitExceeded`), parsing at most one row
        more (a Parquet file is refused from its footer, unread).
    encoding : str, optional
        The text encoding of a CSV/JSON file (``big5``, ``gb18030``, ``utf-16``, …); without it
        the encoding is detected, and a file whose encoding is not certain is refused.

    Raises
    ------
    DataNotFound-like InputError
        When the file does not exist; :class:`ValidationError` when it cannot be read (empty,
        undecodable, malformed, missing sheet).
    """
    p = Path(path)
    file = p.name
    if not p.exists():
        raise InputError(f"file not found: {p}")
    if p.is_dir():
        raise InputError(f"{p} is a directory, not a file")
    fmt = sniff_format(p)
    if sheet is not None and fmt != "xlsx":
        raise InputError(f"--sheet applies to Excel files only, not {p.name}")
    if encoding is not None:
        if fmt not in ("csv", "json", "jsonl"):
            raise InputError(f"--encoding applies to CSV and JSON files only, not {p.name}")
        encoding = check_encoding(encoding)
    if fmt == "csv":
        out = _read_csv(p, file, max_rows, encoding)
    elif fmt == "xlsx":
        out = _read_excel(p, file, sheet, table, sheet_hints, max_rows)
    elif fmt == "parquet":
        out = _read_parquet(p, file, max_rows)
    else:
        out = _read_json(p, file, fmt == "jsonl", table, max_rows, encoding)
    if len(out.frame.columns) == 0:
        raise _fail(file, "the file is empty", expected="a header row and data rows")
    if len(out.frame) == 0:
        raise _fail(file, "the file has a header but no data rows", expected="at least one row")
    return out
