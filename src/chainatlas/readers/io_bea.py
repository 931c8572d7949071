"""US BEA Make and Use tables → an industry-by-industry IO table.

Miller & Blair (2009, ch.5), industry-technology assumption. With the Use table ``U``
(commodities × industries), commodity final demand ``E`` (commodities × categories), the Make
table ``V`` (industries × commodities), commodity output :math:`q = V'i` and industry output
:math:`x = Vi`, the market-share matrix :math:`D = V\\hat q^{-1}` gives

.. math::

    Z = D U, \\qquad Y = D E, \\qquad A = D B \\;(B = U\\hat x^{-1}),

so that :math:`Zi + Yi = D q = x` and :math:`i'Z = i'U` (columns of ``D`` sum to one): value added
is unchanged. Rows/columns ``Used`` and ``Other`` (scrap, used goods, non-comparable imports) are
treated as commodities. Units: million USD (summary tables).

Expected files (as tabulated by EPA's ``useeior``): a Use CSV whose first column ``rownames``
holds commodity codes then ``Total Intermediate``, ``V001``.. ``Total Value Added``,
``Total Industry Output``; columns: industries, ``Total Intermediate``, final demand ``F...``,
``Total Final Uses (GDP)``, ``Total Commodity Output``. A Make CSV: rows industries then
``Total Commodity Output``; columns commodities then ``Total Industry Output``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.iotable import IOTable
from chainatlas.readers.io_common import parse_numbers, read_grid

__all__ = ["find_bea_pair", "read_bea"]

_TOTAL_INT = "Total Intermediate"


def _read(p: Path) -> pd.DataFrame:
    """The table's numbers with row codes as index; empty cells are 0 (BEA leaves structural
    zeros empty), any other cell that is no number is refused naming its row and column."""
    if not p.is_file():
        raise DataNotFound(f"BEA table not found: {p}")
    grid = read_grid(p)
    if len(grid) < 2 or len(grid.cells[0]) < 2:
        raise InputError(f"{p}: expected a header row of codes and rows of a BEA Use or Make "
                         "table (row codes in the first column)")
    cols = [c.strip() for c in grid.cells[0][1:]]
    rows = [r[0].strip() for r in grid.cells[1:]]
    vals = parse_numbers([r[1:] for r in grid.cells[1:]], sep=grid.sep, rows=rows, cols=cols,
                         where=str(p), what="a flow of the BEA table", allow_empty=True)
    return pd.DataFrame(np.nan_to_num(vals), index=rows, columns=cols)


def find_bea_pair(path: PathArg) -> tuple[Path, Path]:
    """(use, make) paths from one of them, a folder, or a ``…_use_…``/``…_make_…`` name."""
    p = Path(path)
    if p.is_dir():
        uses = sorted(p.glob("*use*.csv"))
        makes = sorted(p.glob("*make*.csv"))
        if len(uses) != 1 or len(makes) != 1:
            raise InputError(f"{p}: expected exactly one *use*.csv and one *make*.csv, found "
                             f"{[u.name for u in uses]} and {[m.name for m in makes]}")
        return uses[0], makes[0]
    name = p.name
    if "use" in name:
        return p, p.with_name(name.replace("use", "make"))
    if "make" in name:
        return p.with_name(name.replace("make", "use")), p
    raise InputError(f"{p}: give the Use or Make file (names containing 'use'/'make') or their "
                     "folder")


def read_bea(use_path: PathArg, make_path: PathArg | None = None, *, check: bool = True,
             rtol: float = 1e-4, atol: float = 2.0) -> IOTable:
    """Read a BEA Use + Make pair and return the industry-by-industry table (see module doc).

    ``atol`` defaults to 2 table units because the published tables are rounded to 1 million
    USD per cell. The published Use table holds a few small negative cells (e.g. inventory
    valuation of government stocks), so negative flows are accepted.
    """
    if make_path is None:
        use_p, make_p = find_bea_pair(use_path)
    else:
        use_p, make_p = Path(use_path), Path(make_path)
    use, make = _read(use_p), _read(make_p)
    if _TOTAL_INT not in use.columns or _TOTAL_INT not in use.index:
        raise InputError(f"{use_p}: not a BEA Use table (no {_TOTAL_INT!r} row and column)")
    industries = list(use.columns[: list(use.columns).index(_TOTAL_INT)])
    commodities = list(use.index[: list(use.index).index(_TOTAL_INT)])
    fd_cols = [c for c in use.columns if c.startswith("F") and c[1:2].isdigit()]
    va_rows = [r for r in use.index if r.startswith("V") and r[1:].isdigit()]
    if not va_rows or not fd_cols:
        raise InputError(f"{use_p}: no value-added rows (V001..) or final-demand columns (F...)")
    miss_i = [i for i in industries if i not in make.index]
    miss_c = [c for c in commodities if c not in make.columns]
    if miss_i or miss_c:
        raise InputError(f"{make_p}: Make table lacks industries {miss_i[:5]} or commodities "
                         f"{miss_c[:5]} of the Use table")
    Vmake = make.loc[industries, commodities].to_numpy(dtype=np.float64)
    U = use.loc[commodities, industries].to_numpy(dtype=np.float64)
    E = use.loc[commodities, fd_cols].to_numpy(dtype=np.float64)
    q = Vmake.sum(axis=0)
    x = Vmake.sum(axis=1)
    D = Vmake * np.divide(1.0, q, out=np.zeros_like(q), where=q != 0)[None, :]
    Z = D @ U
    Y = D @ E
    V = use.loc[va_rows, industries].to_numpy(dtype=np.float64)
    try:
        table = IOTable(Z=Z, Y=Y, V=V, x=x, sectors=industries, fd_labels=fd_cols,
                        va_labels=va_rows, unit="million USD",
                        name=use_p.stem.replace("_use", ""))
    except InputError as err:  # name the files in what the table's own checks found
        raise InputError(f"{use_p} + {make_p.name}: {err.message}", details=err.details) from None
    if check:
        table.check(rtol=rtol, atol=atol, allow_negative=True,
                    source=f"{use_p} + {make_p.name}")
    return table
