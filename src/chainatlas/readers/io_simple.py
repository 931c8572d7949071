"""The ``simple`` IO table layout: one CSV (or Excel sheet) with labels.

Layout:

* the first column holds row labels, the header holds column labels;
* the first *n* columns whose labels equal the first *n* row labels (same order) are ``Z``;
* the other columns are final-demand categories (their sum is ``f``), except an optional
  ``total_output`` column, which is checked against :math:`Zi + Yi`;
* rows that are not sector rows are value-added rows (summed into ``v``), except an optional
  ``total_input`` row, which is checked against :math:`i'Z + i'V`.

Multi-regional tables use labels ``REGION/SECTOR`` on every sector row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.iotable import IOTable

__all__ = ["read_simple", "table_from_simple_frame"]

TOTAL_OUTPUT = "total_output"
TOTAL_INPUT = "total_input"


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataNotFound(f"IO table file not found: {path}")
    try:
        if path.suffix.lower() in {".xlsx", ".xls"}:
            return pd.read_excel(path, header=0, index_col=0)
        if path.suffix.lower() == ".parquet":
            fr = pd.read_parquet(path)
            return fr.set_index(fr.columns[0])
        return pd.read_csv(path, header=0, index_col=0, dtype={0: str})
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read IO table: {err}") from err


def table_from_simple_frame(frame: pd.DataFrame, *, source: str = "", unit: str = "",
                            name: str = "", check: bool = True, rtol: float = 1e-4,
                            atol: float = 1.0) -> IOTable:
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
                         f"the first row labels (got rows {rows[:3]}, columns {cols[:3]})")
    values = frame.apply(pd.to_numeric, errors="coerce")
    bad = values.isna() & frame.notna()
    if bad.to_numpy().any():
        i, j = np.argwhere(bad.to_numpy())[0]
        raise InputError(f"{where}: row {rows[i]!r}, column {cols[j]!r}: not a number "
                         f"(value: {frame.iat[i, j]!r})")
    arr = values.fillna(0.0).to_numpy(dtype=np.float64)
    fd_cols = [j for j in range(n, len(cols)) if cols[j] != TOTAL_OUTPUT]
    va_rows = [i for i in range(n, len(rows)) if rows[i] != TOTAL_INPUT]
    Z = arr[:n, :n]
    Y = arr[:n, fd_cols] if fd_cols else np.zeros((n, 1))
    V = arr[va_rows, :n] if va_rows else np.zeros((1, n))
    x = Z.sum(axis=1) + Y.sum(axis=1)
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
                        name=name)
    except InputError as err:  # name the file in what the table's own checks found
        raise InputError(f"{where}: {err.message}", details=err.details) from None
    scale = atol + rtol * np.abs(x)
    if TOTAL_OUTPUT in cols:
        given = arr[:n, cols.index(TOTAL_OUTPUT)]
        gap = np.abs(given - x)
        if (gap > scale).any():
            i = int(np.argmax(gap / scale))
            raise InputError(f"{where}: column {TOTAL_OUTPUT!r} disagrees with Zi + Yi for "
                             f"{int((gap > scale).sum())} sector(s); worst {labels[i]!r}: "
                             f"{given[i]:.6g} vs {x[i]:.6g}")
    if TOTAL_INPUT in rows:
        given = arr[rows.index(TOTAL_INPUT), :n]
        colsum = Z.sum(axis=0) + V.sum(axis=0)
        gap = np.abs(given - colsum)
        if (gap > scale).any():
            i = int(np.argmax(gap / scale))
            raise InputError(f"{where}: row {TOTAL_INPUT!r} disagrees with i'Z + i'V for "
                             f"{int((gap > scale).sum())} sector(s); worst {labels[i]!r}: "
                             f"{given[i]:.6g} vs {colsum[i]:.6g}")
    if check:
        table.check(rtol=rtol, atol=atol, source=where)
    return table


def read_simple(path: PathArg, *, unit: str = "", check: bool = True, rtol: float = 1e-4,
                atol: float = 1.0) -> IOTable:
    """Read a ``simple``-layout IO table from CSV, Excel or Parquet (see the module docstring)."""
    p = Path(path)
    return table_from_simple_frame(_read(p), source=str(p), unit=unit, name=p.stem,
                                   check=check, rtol=rtol, atol=atol)
