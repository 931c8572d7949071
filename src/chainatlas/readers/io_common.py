"""Shared steps of the IO table readers: reading a file as a grid of cells, numbers as published
(thousands separators, empty cells), balance checks with a rounding-aware tolerance, and dropping
industries without output.

Each reader reads the published file as a grid of text cells (CSV in any of the encodings and
separators the data importer detects; the sheets of an xlsx workbook), finds its header row, and
says in every error what it read as what (the Z block, final demand, totals, value added).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import DataNotFound, InputError, ValidationError
from chainatlas.model.iotable import IOTable
from chainatlas.readers.tabular import detect_encoding

__all__ = [
    "Grid",
    "balance_notes",
    "drop_zero_output",
    "parse_numbers",
    "read_grid",
    "rounding_unit",
]

Array = npt.NDArray[np.float64]

# a space-like thousands separator between digit groups: "10 873", "1 234 567", "1\u00a0234"
_SPACE_GROUPS = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'](?=\d{3}(?:\D|$))")
_COMMA_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


class Grid:
    """A file's cells as text (``cells[r][c]``; '' for an empty cell) with where they came from.

    ``line(r)`` is the row a person sees in a spreadsheet or editor (1-based).
    """

    def __init__(self, cells: list[list[str]], source: str, sep: str = ",",
                 sheet: str | None = None, lines: list[int] | None = None) -> None:
        width = max((len(r) for r in cells), default=0)
        self.cells = [r + [""] * (width - len(r)) for r in cells]
        self.source = source
        self.sep = sep
        self.sheet = sheet
        self.lines = lines if lines is not None else list(range(1, len(cells) + 1))

    def __len__(self) -> int:
        return len(self.cells)

    @property
    def where(self) -> str:
        return f"{self.source} (sheet {self.sheet!r})" if self.sheet else self.source

    def line(self, r: int) -> int:
        return self.lines[r]

    def find_header(self, predicate: Callable[[list[str]], bool], what: str,
                    max_rows: int = 20) -> int:
        """Index of the first row (within ``max_rows``) for which ``predicate(cells)`` holds."""
        for r in range(min(len(self.cells), max_rows)):
            if predicate([c.strip() for c in self.cells[r]]):
                return r
        raise InputError(f"{self.where}: no header row found in the first {max_rows} rows; "
                         f"expected {what}")


def _csv_cells(path: Path) -> tuple[list[list[str]], str, list[int]]:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path}: the file is empty; expected a header row and data rows")
    try:
        encoding = detect_encoding(raw, str(path))
    except ValidationError as err:
        raise InputError(str(err)) from None
    text = raw.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    sep = max(counts, key=lambda d: counts[d]) if max(counts.values()) else ","
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    start = 1
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise InputError(f"{path}: line {reader.line_num}: malformed CSV ({err}); expected "
                         f"'{sep}'-separated text fields") from None
    return rows, sep, lines


def _excel_cell(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    return str(v)


def read_grid(path: Path, *, sheet_predicate: Callable[[list[list[str]]], bool] | None = None,
              sheet: str | None = None) -> Grid:
    """The cells of a CSV file or of one sheet of an xlsx workbook.

    For a workbook, ``sheet`` names the sheet; otherwise the first sheet for which
    ``sheet_predicate(cells)`` holds (or the first sheet).
    """
    if not path.is_file():
        raise DataNotFound(f"IO table file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        try:
            book = pd.read_excel(path, header=None, dtype=object, sheet_name=None)
        except Exception as err:  # noqa: BLE001 - zip, XML and openpyxl errors alike
            raise InputError(f"{path}: cannot read the workbook ({type(err).__name__}: "
                             f"{str(err)[:200]}); expected an xlsx file") from None
        if sheet is not None and sheet not in book:
            raise InputError(f"{path}: no sheet {sheet!r}; sheets: {list(book)}")
        chosen = None
        grids: dict[str, list[list[str]]] = {}
        for name, frame in book.items():
            grids[str(name)] = [[_excel_cell(v) for v in row]
                                for row in frame.itertuples(index=False, name=None)]
        if sheet is not None:
            chosen = sheet
        else:
            for name, cells in grids.items():
                if sheet_predicate is None or sheet_predicate(cells):
                    chosen = name
                    break
        if chosen is None:
            raise InputError(f"{path}: no sheet looks like an IO table; sheets: {list(grids)}")
        keep = [k for k, r in enumerate(grids[chosen]) if any(c.strip() for c in r)]
        return Grid([grids[chosen][k] for k in keep], str(path), sep="",
                    sheet=chosen if len(grids) > 1 else None, lines=[k + 1 for k in keep])
    cells, sep, lines = _csv_cells(path)
    return Grid(cells, str(path), sep=sep, lines=lines)


def parse_numbers(cells: Sequence[Sequence[str]], *, sep: str = ",",
                  rows: Sequence[str] = (), cols: Sequence[str] = (),
                  where: str = "", what: str | Callable[[int, int], str] = "",
                  allow_empty: bool = False) -> Array:
    """Numbers from text cells as published: spaces, and commas between groups of three digits
    (``1,234,567.5``), as thousands separators; a Unicode minus; ``allow_empty`` reads empty
    cells (and ``-``) as NaN. ``sep`` is the file's separator (kept for the messages).

    A cell that is no number raises :class:`InputError` naming its row and column labels and
    what the cell was read as (``what``).
    """
    nrows = len(cells)
    ncols = len(cells[0]) if nrows else len(cols)
    if nrows == 0 or ncols == 0:
        return np.zeros((nrows, ncols))
    flat = pd.Series([str(c) for r in cells for c in r], dtype=object).str.strip()
    quick = np.array(pd.to_numeric(flat, errors="coerce"), dtype=np.float64)
    slow = np.isnan(quick)
    if slow.any():  # thousands separators, unicode minus, empty cells: only those cells
        text = flat[slow].str.replace(_SPACE_GROUPS, "", regex=True)
        text = text.where(~text.str.match(_COMMA_GROUPS), text.str.replace(",", "",
                                                                            regex=False))
        text = text.str.replace("\u2212", "-", regex=False)
        quick[slow] = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    empty_flat = flat.isin(["", "-", "—", "nan", "NaN", "NA"]).to_numpy()
    quick[empty_flat] = np.nan
    arr = quick.reshape(nrows, ncols)
    empty = empty_flat.reshape(nrows, ncols)
    bad = np.isnan(arr) & ~empty
    if not allow_empty:
        bad |= empty
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        rlab = rows[i] if i < len(rows) else str(i)
        clab = cols[j] if j < len(cols) else str(j)
        part = what(i, j) if callable(what) else what
        raise InputError(f"{where}: row {rlab!r}, column {clab!r}: {cells[i][j]!r} is not a "
                         f"number (read as {part}); expected a number"
                         f"{'' if allow_empty else ' (no empty cells there)'}")
    return np.asarray(arr, dtype=np.float64)


def rounding_unit(*blocks: Array) -> float:
    """1.0 when every finite value of ``blocks`` is a whole number (a table rounded to whole
    units, e.g. WIOD's millions of USD), else 0.0."""
    vals = np.concatenate([b[np.isfinite(b)].ravel() for b in blocks]) if blocks else np.zeros(0)
    if vals.size == 0 or not np.any(vals):
        return 0.0
    return 1.0 if bool(np.all(vals == np.round(vals))) else 0.0


def balance_notes(table: IOTable, *, tolerance: float, unit: float, where: str,
                  read_as: str = "", atol: float = 0.0) -> tuple[Array, list[str]]:
    """The absolute tolerance per industry and notes on both balance identities.

    The allowed gap of industry *i* is ``0.5·unit·(terms + 1) + tolerance·|x_i|``: half a rounding
    unit for each published cell summed plus the published total (the worst case of rounding),
    plus the relative ``tolerance`` and ``atol``; at least 1e-9·max|x| (floating-point noise). A gap beyond it
    raises :class:`InputError` saying what was read as what; a gap within it becomes a note.
    """
    n = table.n
    x = np.abs(table.x)
    floor = 1e-9 * float(x.max(initial=0.0))
    m_rows = 0 if table.M is None else table.M.shape[0]
    row_terms = n + table.Y.shape[1]
    col_terms = n + m_rows + table.V.shape[0]
    row_tol = np.maximum(0.5 * unit * (row_terms + 1) + atol + tolerance * x, floor)
    col_tol = np.maximum(0.5 * unit * (col_terms + 1) + atol + tolerance * x, floor)
    notes: list[str] = []
    labels = table.labels
    row_gap = table.x - table.Z.sum(axis=1) - table.Y.sum(axis=1)
    col_gap = table.x - table.Z.sum(axis=0) - table.v
    how = ("half a unit of rounding for each of the {terms} whole-number cells and the total"
           if unit else "") + (f"{' + ' if unit else ''}{atol:g}" if atol else "") + \
        (f"{' + ' if unit or atol else ''}{tolerance:g}·x" if tolerance else "")
    tail = f" ({read_as})" if read_as else ""
    for name, gap, tol, terms in (("row balance x = Zi + Yi", row_gap, row_tol, row_terms),
                                  ("column balance x' = i'Z + i'M + i'V", col_gap, col_tol,
                                   col_terms)):
        ratio = np.abs(gap) / tol
        worst = int(np.argmax(ratio)) if n else 0
        if n and ratio[worst] > 1.0:
            bad = np.flatnonzero(ratio > 1.0)
            order = bad[np.argsort(-ratio[bad])][:5]
            names = ", ".join(f"{labels[i]} (gap {gap[i]:.6g}, allowed {tol[i]:.3g})"
                              for i in order)
            raise InputError(f"{where}: {name} fails for {bad.size} industry(ies); worst: "
                             f"{names}{tail}. Allowed gap: {how.format(terms=terms) or 'none'}; "
                             "set --tolerance to accept a larger relative gap")
        big = float(np.abs(gap).max(initial=0.0))
        if n and big > floor:
            notes.append(f"{name}: gap {gap[worst]:.6g} at {labels[worst]} (the closest to its "
                         f"tolerance; largest gap {big:.3g}), within "
                         f"tolerance ({tol[worst]:.3g}: {how.format(terms=terms)})")
    return np.minimum(row_tol, col_tol), notes


def drop_zero_output(table: IOTable, *, where: str, keep: bool = False) -> IOTable:
    """Drop industries with zero gross output (they have no input coefficients and no
    multipliers), adding a note naming them; ``keep`` keeps them (with a note).

    An industry with zero output that still sells or buys in ``Z`` or has final demand cannot be
    dropped without changing the table: that raises :class:`InputError`.
    """
    x = table.x
    if (x < 0).any():
        i = int(np.flatnonzero(x < 0)[0])
        raise InputError(f"{where}: industry {table.labels[i]!r} has negative gross output "
                         f"{x[i]:.6g} (read as total output); expected x ≥ 0")
    zero = x == 0
    if not zero.any():
        return table
    names = [table.labels[i] for i in np.flatnonzero(zero)]
    if keep:
        table.notes.append(f"{len(names)} industry(ies) with zero output kept (no multipliers "
                           f"or linkages; shown as empty): {', '.join(names)}")
        return table
    busy = (np.abs(table.Z[zero]).sum(axis=1) + np.abs(table.Z[:, zero]).sum(axis=0)
            + np.abs(table.Y[zero]).sum(axis=1))
    if (busy > 0).any():
        culprits = [n for n, b in zip(names, busy, strict=True) if b > 0]
        raise InputError(f"{where}: industry(ies) {culprits[:5]} have zero output but nonzero "
                         "flows in the Z block or final demand, so they cannot be dropped "
                         "(--keep-zero-output keeps them, without multipliers)")
    k = ~zero
    out = IOTable(Z=table.Z[np.ix_(k, k)], Y=table.Y[k], V=table.V[:, k], x=x[k],
                  sectors=[s for s, z in zip(table.sectors, zero, strict=True) if not z],
                  regions=[r for r, z in zip(table.regions, zero, strict=True) if not z],
                  fd_labels=table.fd_labels, va_labels=table.va_labels,
                  M=None if table.M is None else table.M[:, k], m_labels=table.m_labels,
                  F=None if table.F is None else table.F[:, k], f_labels=table.f_labels,
                  unit=table.unit, name=table.name, notes=list(table.notes))
    out.notes.append(f"{len(names)} industry(ies) with zero output dropped (no flows, no "
                     f"final demand; --keep-zero-output keeps them): {', '.join(names)}")
    return out
