"""WIOD 2016-release national input-output tables (``XXX_NIOT_nov16``) as published.

Timmer, M.P. et al. (2015), "An illustrated user guide to the World Input-Output Database",
*Review of International Economics* 23. One file per country holds every year (2000–2014):

* CSV: UTF-8 with a byte-order mark, ``;`` separators, spaces as thousands separators, whole
  millions of USD, a second row of column descriptions; or the xlsx workbook (sheet
  ``National IO-tables``), where the description row may come first;
* columns ``Year``, ``Code``, ``Description``, ``Origin`` (``Domestic``, ``Imports``, ``TOT``),
  the 56 industry codes (``A01`` … ``U``), final use ``CONS_h``, ``CONS_np``, ``CONS_g``,
  ``GFCF``, ``INVEN``, ``EXP``, then ``GO``;
* rows per year: the 56 ``Domestic`` rows (domestic output used), the 56 ``Imports`` rows, then
  ``II_fob`` (total intermediate inputs), ``TXSP`` (taxes less subsidies on products),
  ``EXP_adj`` (cif/fob adjustment on exports), ``PURR`` / ``PURNR`` (purchases by residents
  abroad / by non-residents), ``VA`` (value added at basic prices), ``IntTTM`` (international
  transport margins) and ``GO`` (gross output).

Read as: ``Z`` = the domestic block, ``M`` = the imported intermediate use (a primary input),
``Y`` = the domestic final-use columns, ``V`` = ``TXSP`` … ``IntTTM``, ``x`` = the published GO
column. ``II_fob`` and the GO row are totals, checked against their parts. Imported final use is
not part of final demand (it is not produced at home).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from chainatlas._types import PathArg
from chainatlas.exceptions import InputError
from chainatlas.model.iotable import IOTable
from chainatlas.readers.io_common import (
    balance_notes,
    drop_zero_output,
    parse_numbers,
    read_grid,
    rounding_unit,
)

__all__ = ["read_niot"]

_FD = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN", "EXP"]
_FD_NAMES = {"CONS_h": "household_consumption", "CONS_np": "npish_consumption",
             "CONS_g": "government_consumption", "GFCF": "gross_fixed_capital_formation",
             "INVEN": "changes_in_inventories", "EXP": "exports"}
_VA = ["TXSP", "EXP_adj", "PURR", "PURNR", "VA", "IntTTM"]
_VA_NAMES = {"TXSP": "taxes less subsidies on products", "EXP_adj": "cif/fob adjustment",
             "PURR": "direct purchases abroad by residents",
             "PURNR": "purchases on the domestic territory by non-residents",
             "VA": "value added at basic prices", "IntTTM": "international transport margins"}


def _is_header(cells: list[str]) -> bool:
    return {"Year", "Code", "Origin", "GO"} <= set(cells)


def read_niot(path: PathArg, *, year: int | None = None, check: bool = True,
              tolerance: float = 1e-4, keep_zero_output: bool = False,
              sheet: str | None = None) -> IOTable:
    """Read one year of a WIOD national IO table (CSV or xlsx, as published).

    Parameters
    ----------
    year : the table year; default the latest in the file.
    tolerance : relative gap accepted in the balance identities on top of the published
        rounding (half a million USD per cell summed).
    keep_zero_output : keep industries without output (dropped with a note by default; WIOD
        lists 56 industries for every country, some of them empty).
    """
    p = Path(path)
    grid = read_grid(p, sheet=sheet, sheet_predicate=lambda cells: any(
        _is_header([c.strip() for c in r]) for r in cells[:10]))
    h = grid.find_header(lambda c: _is_header(c),
                         "a header row with Year, Code, Description, Origin, the industry codes "
                         "and GO (a WIOD 2016 national IO table)")
    header = [c.strip() for c in grid.cells[h]]
    where = grid.where
    iy, ic, io_ = header.index("Year"), header.index("Code"), header.index("Origin")
    igo = len(header) - 1 - header[::-1].index("GO")
    missing = [c for c in _FD if c not in header]
    if missing:
        raise InputError(f"{where}: final-use column(s) {missing} not found in the header "
                         f"(line {grid.line(h)}); expected {_FD} before GO")
    first_fd = header.index(_FD[0])
    start = io_ + 1
    codes = header[start:first_fd]
    if not codes:
        raise InputError(f"{where}: no industry columns between Origin and {_FD[0]}")
    data = [r for r in range(len(grid)) if r != h and grid.cells[r][iy].strip()]
    # a description row (empty Year) is skipped by the filter above
    years_txt = sorted({grid.cells[r][iy].strip() for r in data})
    try:
        years = sorted({int(float(y)) for y in years_txt})
    except ValueError:
        bad = next(y for y in years_txt if not y.replace(".", "").isdigit())
        raise InputError(f"{where}: column 'Year' holds {bad!r}; expected a year such as "
                         "2014") from None
    if not years:
        raise InputError(f"{where}: no data rows below the header")
    yr = years[-1] if year is None else int(year)
    if yr not in years:
        raise InputError(f"{where}: no year {yr}; the file holds {years[0]}–{years[-1]}")
    rows = [r for r in data if int(float(grid.cells[r][iy])) == yr]

    def part(origin: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in rows:
            if grid.cells[r][io_].strip() == origin:
                code = grid.cells[r][ic].strip()
                if code in out:
                    raise InputError(f"{where}: year {yr}: row {origin}/{code} appears twice "
                                     f"(lines {grid.line(out[code])} and {grid.line(r)})")
                out[code] = r
        return out

    dom, imp, tot = part("Domestic"), part("Imports"), part("TOT")
    for name, got in (("Domestic", dom), ("Imports", imp)):
        if list(got) != codes:
            lack = [c for c in codes if c not in got]
            raise InputError(f"{where}: year {yr}: the {name} rows do not list the industry "
                             f"columns in order (missing {lack[:5]}, found {list(got)[:3]}…)")
    lack = [c for c in (*_VA, "II_fob", "GO") if c not in tot]
    if lack:
        raise InputError(f"{where}: year {yr}: TOT row(s) {lack} missing; expected II_fob, "
                         f"{', '.join(_VA)} and GO")
    cols = list(range(start, first_fd))
    fdc = [header.index(c) for c in _FD]

    def num(rs: list[int], cs: list[int], what: str) -> np.ndarray:
        return parse_numbers([[grid.cells[r][c] for c in cs] for r in rs], sep=grid.sep,
                             rows=[f"{grid.cells[r][io_]}/{grid.cells[r][ic]} (line "
                                   f"{grid.line(r)})" for r in rs],
                             cols=[header[c] for c in cs], where=f"{where}: year {yr}",
                             what=what)

    drows = [dom[c] for c in codes]
    Z = num(drows, cols, "the domestic Z block")
    M = num([imp[c] for c in codes], cols, "imported intermediate use")
    Y = num(drows, fdc, "domestic final use")
    x = num(drows, [igo], "gross output (GO column)")[:, 0]
    V = num([tot[c] for c in _VA], cols, "value added and other primary inputs")
    ii = num([tot["II_fob"]], cols, "total intermediate inputs (II_fob, a total)")[0]
    go_row = num([tot["GO"]], cols, "gross output (GO row, a total)")[0]
    unit = rounding_unit(Z, M, Y, V, x)
    notes = []
    for label, given, parts, terms in (
            ("II_fob", ii, Z.sum(axis=0) + M.sum(axis=0), 2 * len(codes)),
            ("GO row", go_row, x, 1)):
        gap = given - parts
        tol = 0.5 * unit * (terms + 1) + tolerance * np.abs(x) + 1e-9 * float(np.abs(x).max())
        if (np.abs(gap) > tol).any():
            i = int(np.argmax(np.abs(gap) / tol))
            what = "the column sums of the Domestic and Imports blocks" if label == "II_fob" \
                else "the GO column"
            raise InputError(f"{where}: year {yr}: total {label} disagrees with {what} for "
                             f"{codes[i]}: {given[i]:.10g} vs {parts[i]:.10g} (read: Z = "
                             f"Domestic rows × {codes[0]}…{codes[-1]}, imports = Imports rows, "
                             f"{label} as a total)")
        notes.append(f"{label} checked (largest gap {float(np.abs(gap).max()):.3g})")
    desc_col = header.index("Description") if "Description" in header else None
    names = codes if desc_col is None else codes  # codes are the WIOD labels
    table = IOTable(Z=Z, Y=Y, V=V, x=x, sectors=names, fd_labels=[_FD_NAMES[c] for c in _FD],
                    va_labels=[_VA_NAMES[c] for c in _VA], M=M,
                    m_labels=[f"imported {c}" for c in codes], unit="million USD",
                    name=f"{p.stem}:{yr}")
    table.notes.append(f"WIOD national IO table, year {yr} (file years {years[0]}–{years[-1]}"
                       f"{'; the latest, as no --year was given' if year is None else ''}): "
                       f"Z = the {len(codes)}×{len(codes)} Domestic block, imports = the Imports "
                       "rows (a primary input), final demand = " + ", ".join(_FD)
                       + " (Domestic rows), primary inputs = " + ", ".join(_VA)
                       + ", x = GO; totals " + " and ".join(notes))
    table = drop_zero_output(table, where=where, keep=keep_zero_output)
    if check:
        atol, bal = balance_notes(table, tolerance=tolerance, unit=unit,
                                  where=f"{where}: year {yr}",
                                  read_as="read: Z = Domestic rows, imports = Imports rows, "
                                          "primary inputs = TXSP…IntTTM, x = GO column")
        table.notes.extend(bal)
        table.check(rtol=0.0, atol=atol, allow_zero_output=keep_zero_output,
                    source=f"{where}: year {yr}")
    return table
