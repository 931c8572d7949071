"""China NBS input-output tables in the non-competitive-import layout.

The file (as tabulated by the R package ``ionet``) has columns ``Code``, ``Description``,
``DescriptionInChinese``, ``Origin`` and one column per sector (``01``..``NN``), then ``TIU``
(total intermediate use), final-use columns (``TC`` consumption, ``FU201`` gross fixed capital
formation, ``FU202`` changes in inventories, ``EX`` exports), ``TFU`` and ``GO`` (gross output).
Each product appears twice, ``Origin`` = ``Domestic`` and ``Imports``; ``TOT`` rows hold value
added (``VA001``..``VA004``) and totals (``TII``, ``TVA``, ``TI``). Units: 10,000 CNY.

The domestic block is ``Z`` (so :math:`x = Z i + Y i` holds on domestic rows); imported
intermediate use is kept separately as ``M`` and counted as a primary input in the column
balance :math:`x' = i'Z + i'M + i'V`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.iotable import IOTable

__all__ = ["read_nbs"]

_FD = ["TC", "FU201", "FU202", "EX"]
_FD_NAMES = {"TC": "final_consumption", "FU201": "gross_fixed_capital_formation",
             "FU202": "changes_in_inventories", "EX": "exports"}


def read_nbs(path: PathArg, *, labels: str = "en", check: bool = True,
             rtol: float = 1e-4, atol: float = 1.0) -> IOTable:
    """Read an NBS non-competitive-import IO table.

    Parameters
    ----------
    path : path of the CSV file.
    labels : {"en", "zh", "code"}
        Which sector labels to use (English or Chinese description, or the NBS code).
    """
    p = Path(path)
    if not p.is_file():
        raise DataNotFound(f"IO table file not found: {p}")
    try:
        frame = pd.read_csv(p, dtype={"Code": str})
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise InputError(f"{p}: cannot read NBS IO table: {err}") from err
    need = {"Code", "Origin", "GO", *_FD}
    missing = sorted(need - set(frame.columns))
    if missing:
        raise InputError(f"{p}: not an NBS non-competitive-import table; missing column(s) "
                         f"{missing}")
    origin = frame["Origin"].astype(str).str.strip()
    dom = frame[origin == "Domestic"]
    imp = frame[origin == "Imports"]
    tot = frame[origin == "TOT"].set_index(frame.loc[origin == "TOT", "Code"].astype(str))
    codes = dom["Code"].astype(str).str.strip().tolist()
    absent = [c for c in codes if c not in frame.columns]
    if absent:
        raise InputError(f"{p}: sector column(s) {absent[:5]} missing")
    if imp["Code"].astype(str).str.strip().tolist() != codes:
        raise InputError(f"{p}: 'Imports' rows do not list the same products as 'Domestic' rows")

    def num(part: pd.DataFrame, cols: list[str]) -> np.ndarray:
        vals = part[cols].apply(pd.to_numeric, errors="coerce")
        if vals.isna().to_numpy().any():
            i, j = np.argwhere(vals.isna().to_numpy())[0]
            raise InputError(f"{p}: row {part.index[i] + 2}, column {cols[j]!r}: not a number")
        return np.asarray(vals.to_numpy(dtype=np.float64))

    Z = num(dom, codes)
    M = num(imp, codes)
    Y = num(dom, _FD)
    x = num(dom, ["GO"])[:, 0]
    va_codes = [c for c in tot.index if c.startswith("VA") and c != "TVA"]
    if not va_codes:
        raise InputError(f"{p}: no value-added rows (VA001..) found")
    V = tot.loc[va_codes, codes].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    va_names = tot.loc[va_codes, "Description"].astype(str).tolist() \
        if "Description" in tot.columns else va_codes
    col = {"en": "Description", "zh": "DescriptionInChinese", "code": "Code"}.get(labels)
    if col is None or col not in dom.columns:
        raise InputError(f"{p}: labels must be 'en', 'zh' or 'code' (column present in the "
                         "file)")
    names = dom[col].astype(str).str.strip().tolist()
    try:
        table = IOTable(Z=Z, Y=Y, V=V, x=x, sectors=names,
                        fd_labels=[_FD_NAMES[c] for c in _FD], va_labels=va_names, M=M,
                        m_labels=[f"imported {n}" for n in names], unit="10k CNY", name=p.stem)
    except InputError as err:  # name the file in what the table's own checks found
        raise InputError(f"{p}: {err.message}", details=err.details) from None
    if check:
        table.check(rtol=rtol, atol=atol, source=str(p))
    return table
