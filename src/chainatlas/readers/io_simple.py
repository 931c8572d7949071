"""The ``simple`` IO table layout: one CSV (or Excel sheet) with labels.

Layout:

* the first column holds row labels, the header holds column labels;
* the first *n* columns whose labels equal the first *n* row labels (same order) are ``Z``;
* the other columns are final-demand categories (their sum is ``f``), except an optional
  ``total_output`` column, which is checked against :math:`Zi + Yi`;
* rows that are not sector rows are value-added rows (summed into ``v``), except an optional
  ``total_input`` row, which is checked against :math:`i'Z + i'V`; without value-added rows,
  :math:`v' = x' - i'Z` is derived (with a note; an error where it would be negative).

CSV files are read like the data importer reads them: the encoding (UTF-8 with or without BOM,
GBK/GB18030) and the separator (``,``, ``;``, tab, ``|``) are detected, and spaces (and, in a file
not separated by commas, commas) between digit groups are thousands separators. Industries with
zero output and no flows are dropped with a note (``keep_zero_output`` keeps them).

Multi-regional tables use labels ``REGION/SECTOR`` on every sector row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.iotable import IOTable
from chainatlas.readers.io_common import (
    balance_notes,
    drop_zero_output,
    parse_numbers,
    read_grid,
    rounding_unit,
)

__all__ = ["read_simple", "table_from_simple_frame"]

TOTAL_OUTPUT = "total_output"
TOTAL_INPUT = "total_input"


def _read(path: Path) -> tuple[pd.DataFrame, str]:
    if not path.is_file():
        raise DataNotFound(f"IO table file not found: {path}")
    if path.suffix.lower() in {".parquet", ".pq"}:
        try:
            fr = pd.read_parquet(path)
        except Exception as err:  # noqa: BLE001 - pyarrow raises many kinds; say what failed
            raise InputError(f"{path}: cannot read the Parquet file ({type(err).__name__}); "
                             "expected a Parquet table with row labels in the first column"
                             ) from None
        if fr.shape[1] == 0:
            raise InputError(f"{path}: the Parquet table has no columns")
        return fr.set_index(fr.columns[0]).astype(object), ","
    grid = read_grid(path)
    if len(grid) < 2 or len(grid.cells[0]) < 2:
        raise InputError(f"{grid.where}: expected a header row of column labels and at least "
                         "one row of a sector block (row labels in the first column)")
    header = [c.strip() for c in grid.cells[0][1:]]
    body = grid.cells[1:]
    frame = pd.DataFrame([r[1:] for r in body], index=[r[0].strip() for r in body],
                         columns=header, dtype=object)
    return frame.mask(frame.apply(lambda c: c.astype(str).str.strip() == "")), grid.sep


def _layout_hint(cols: list[str]) -> str:
    """A pointer to the layout a published table needs, from its column names."""
    have = set(cols)
    if "CONS_h" in have or {"Origin", "EXP"} <= have:
        return "; this looks like a WIOD national table: use --layout niot"
    if "Origin" in have or {"TIU", "GO"} <= have or have & {"总产出", "中间使用合计", "部门"}:
        return "; this looks like an NBS table: use --layout nbs"
    return ""


def table_from_simple_frame(frame: pd.DataFrame, *, source: str = "", unit: str = "",
                            name: str = "", check: bool = True, rtol: float = 1e-4,
                            atol: float = 1.0, sep: str = ",",
                            keep_zero_output: bool = False) -> IOTable:
    """Build an :class:`IOTable` from a frame in the ``simple`` layout (index = row labels)."""
    where = source or "IO table"
    rows = [str(r).strip() for r in frame.index]
    cols = [str(c).strip() for c in frame.columns]
    n = 0
    while n < min(len(rows), len(cols)) and rows[n] == cols[n] and rows[n] not in (
            TOTAL_OUTPUT, TOTAL_INPUT):
        n += 1
    if n == 0:
        raise InputError(f"{where}: no sector block found: the first column labels must equal "
                         f"the first row labels (got rows {rows[:3]}, columns {cols[:3]})"
                         f"{_layout_hint(cols)}")
    cells = [["" if (v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA)
              else str(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    fd_cols = [j for j in range(n, len(cols)) if cols[j] != TOTAL_OUTPUT]
    va_rows = [i for i in range(n, len(rows)) if rows[i] != TOTAL_INPUT]
    read_as = (f"read: Z = rows/columns {rows[0]!r}…{rows[n - 1]!r} ({n} sectors), final demand "
               f"= columns {[cols[j] for j in fd_cols]}, value added = rows "
               f"{[rows[i] for i in va_rows]}"
               + (f", {TOTAL_OUTPUT!r}/{TOTAL_INPUT!r} as totals" if TOTAL_OUTPUT in cols
                  or TOTAL_INPUT in rows else ""))
    def part(i: int, j: int) -> str:
        if i < n and j < n:
            return "the Z block"
        if i < n:
            return "total output" if cols[j] == TOTAL_OUTPUT else "final demand"
        if j < n:
            return "total input" if rows[i] == TOTAL_INPUT else "value added"
        return "a corner cell (ignored when empty)"

    arr = np.nan_to_num(parse_numbers(cells, sep=sep, rows=rows, cols=cols, where=where,
                                      what=part, allow_empty=True))
    Z = arr[:n, :n]
    Y = arr[:n, fd_cols] if fd_cols else np.zeros((n, 1))
    x = Z.sum(axis=1) + Y.sum(axis=1)
    notes: list[str] = []
    if va_rows:
        V = arr[va_rows, :n]
    else:
        V = (x - Z.sum(axis=0))[None, :]
        neg = V[0] < -(atol + rtol * np.abs(x))
        if neg.any():
            worst = np.argsort(V[0])[: 5]
            names = ", ".join(f"{rows[i]} ({V[0, i]:.6g})" for i in worst if neg[i])
            raise InputError(f"{where}: no value-added rows, and v = x − i'Z (x = Zi + Yi) is "
                             f"negative for {int(neg.sum())} sector(s): {names}; the columns "
                             f"buy more than the rows sell ({read_as})")
        notes.append("no value-added rows: value added derived as v' = x' − i'Z "
                     "(x = Zi + Yi)")
    labels = rows[:n]
    if all("/" in lab for lab in labels):
        regions = [lab.split("/", 1)[0] for lab in labels]
        sectors = [lab.split("/", 1)[1] for lab in labels]
    else:
        regions, sectors = [], labels
    try:
        table = IOTable(Z=Z, Y=Y, V=V, x=x, sectors=sectors, regions=regions,
                        fd_labels=[cols[j] for j in fd_cols] or ["final_demand"],
                        va_labels=[rows[i] for i in va_rows] or ["value_added"], unit=unit,
                        name=name, notes=notes)
    except InputError as err:  # name the file in what the table's own checks found
        raise InputError(f"{where}: {err.message} ({read_as})", details=err.details) from None
    scale = atol + rtol * np.abs(x)
    if TOTAL_OUTPUT in cols:
        given = arr[:n, cols.index(TOTAL_OUTPUT)]
        gap = np.abs(given - x)
        if (gap > scale).any():
            i = int(np.argmax(gap / scale))
            raise InputError(f"{where}: column {TOTAL_OUTPUT!r} disagrees with Zi + Yi for "
                             f"{int((gap > scale).sum())} sector(s); worst {labels[i]!r}: "
                             f"{given[i]:.6g} vs {x[i]:.6g} ({read_as})")
    if TOTAL_INPUT in rows:
        given = arr[rows.index(TOTAL_INPUT), :n]
        colsum = Z.sum(axis=0) + V.sum(axis=0)
        gap = np.abs(given - colsum)
        if (gap > scale).any():
            i = int(np.argmax(gap / scale))
            raise InputError(f"{where}: row {TOTAL_INPUT!r} disagrees with i'Z + i'V for "
                             f"{int((gap > scale).sum())} sector(s); worst {labels[i]!r}: "
                             f"{given[i]:.6g} vs {colsum[i]:.6g} ({read_as}); a table "
                             "without value-added rows gets v = x − i'Z")
    table = drop_zero_output(table, where=where, keep=keep_zero_output)
    if check:
        tol, bal = balance_notes(table, tolerance=rtol, unit=rounding_unit(Z, Y, V), atol=atol,
                                 where=where, read_as=read_as)
        table.notes.extend(bal)
        try:
            table.check(rtol=0.0, atol=tol, allow_zero_output=keep_zero_output, source=where)
        except InputError as err:
            raise InputError(f"{err.message} ({read_as})", details=err.details) from None
    return table


def read_simple(path: PathArg, *, unit: str = "", check: bool = True, rtol: float = 1e-4,
                atol: float = 1.0, keep_zero_output: bool = False) -> IOTable:
    """Read a ``simple``-layout IO table from CSV, Excel or Parquet (see the module docstring)."""
    p = Path(path)
    frame, sep = _read(p)
    return table_from_simple_frame(frame, source=str(p), unit=unit, name=p.stem,
                                   check=check, rtol=rtol, atol=atol, sep=sep,
                                   keep_zero_output=keep_zero_output)
