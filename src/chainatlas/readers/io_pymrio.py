"""Multi-regional IO tables through pymrio's parsers (OECD ICIO, WIOD, EXIOBASE 3, Eora26, GLORIA).

Files are given by path (as downloaded by the user); nothing is downloaded here. The parsed
``pymrio.IOSystem`` is converted to an :class:`IOTable`: ``Z`` and ``Y`` as parsed, ``x`` from
:math:`Zi + Yi` when the parser leaves it empty, value added as the closing row
:math:`x' - i'Z` (published MRIOs put taxes, international margins and discrepancies in different
places; the closing row keeps both balance identities exact), and the first extension whose name
looks like factor inputs / value added as satellite rows ``F``. Industries with zero output and no
flows (common in Eora and EXIOBASE) are dropped by :func:`read_mrio` with a note
(``keep_zero_output`` keeps them, as :func:`table_from_pymrio` does by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.iotable import IOTable

__all__ = ["LAYOUTS", "read_mrio", "table_from_pymrio"]

#: layout name → pymrio parser name
LAYOUTS = {"oecd": "parse_oecd", "wiod": "parse_wiod", "exiobase3": "parse_exiobase3",
           "eora26": "parse_eora26", "gloria": "parse_gloria"}

#: What each parser expects, said when it fails.
EXPECTED = {
    "oecd": "an OECD ICIO CSV as published (e.g. ICIO2021_2018.csv or ICIO2023_2020.csv: row "
            "and column labels REGION_SECTOR such as AUS_01T02 / AUS_D01T02, final demand "
            "columns REGION_HFCE … , rows TLS/VA/OUT) or its zip",
    "wiod": "a WIOD 2013-release world table as published (wiot{yy}_row_sep12.xlsx, or their "
            "folder with --year: title, system and unit in the first cells, four header rows, "
            "sectors c1…c35, final use c37…c42); a national table XXX_NIOT_nov16 needs "
            "--layout niot",
    "exiobase3": "an EXIOBASE 3 monetary release as distributed (IOT_{year}_{ixi|pxp}.zip or "
                 "its unpacked folder with Z.txt, Y.txt, A.txt and satellite/)",
    "eora26": "an Eora26 year zip as distributed (Eora26_{year}_bp.zip with "
              "Eora26_{year}_bp_T.txt, _FD.txt, _VA.txt and the labels_*.txt files)",
    "gloria": "a GLORIA release folder with --year: GLORIA_MRIOs_{version}_{year}.zip (or "
              "unpacked), GLORIA_SatelliteAccounts_0{version}_{year}.zip and "
              "GLORIA_ReadMe_0{version}.xlsx",
}

_VA_NAMES = ("factor_inputs", "factor inputs", "va", "value added", "value_added",
             "satellite accounts", "satellite")


def table_from_pymrio(io: Any, *, name: str = "", unit: str = "", check: bool = True,
                      rtol: float = 1e-4, atol: float = 1.0,
                      keep_zero_output: bool = True) -> IOTable:
    r"""Convert a pymrio ``IOSystem`` to an :class:`IOTable`.

    ``Z`` and ``Y`` are used as parsed; a system parsed as coefficients (GLORIA gives ``A`` and
    ``Y``) is completed first with pymrio's ``calc_system`` (:math:`x = (I-A)^{-1}Yi`,
    :math:`Z = A\hat x`).
    """
    if getattr(io, "Z", None) is None and getattr(io, "A", None) is not None \
            and getattr(io, "Y", None) is not None:
        try:
            io.calc_system()
        except Exception as err:  # noqa: BLE001 - a singular or malformed A
            raise InputError(f"{name or 'MRIO'}: the parsed coefficients A could not be turned "
                             f"into flows ({type(err).__name__}); expected a productive A "
                             "matrix with its final demand Y") from None
    if getattr(io, "Z", None) is None or getattr(io, "Y", None) is None:
        raise InputError("the IO system has no Z or Y (parse or calculate it first)")
    Zf, Yf = io.Z, io.Y
    Z = Zf.to_numpy(dtype=np.float64)
    Y = Yf.reindex(Zf.index).to_numpy(dtype=np.float64)
    x_frame = getattr(io, "x", None)
    x = (Z.sum(axis=1) + Y.sum(axis=1)) if x_frame is None else \
        x_frame.reindex(Zf.index).to_numpy(dtype=np.float64).reshape(-1)
    idx = Zf.index
    if getattr(idx, "nlevels", 1) >= 2:
        regions = [str(v) for v in idx.get_level_values(0)]
        sectors = [str(v) for v in idx.get_level_values(1)]
    else:
        regions, sectors = [], [str(v) for v in idx]
    ycols = Yf.columns
    fd_labels = ["/".join(str(p) for p in c) if isinstance(c, tuple) else str(c) for c in ycols]
    F = None
    f_labels: list[str] = []
    for ext_name in list(io.get_extensions()):
        if str(ext_name).lower() in _VA_NAMES:
            ext = getattr(io, ext_name)
            if getattr(ext, "F", None) is not None:
                F = ext.F.reindex(columns=Zf.columns).fillna(0.0).to_numpy(dtype=np.float64)
                f_labels = ["/".join(map(str, r)) if isinstance(r, tuple) else str(r)
                            for r in ext.F.index]
                break
    V = (x - Z.sum(axis=0))[None, :]
    table = IOTable(Z=Z, Y=Y, V=V, x=x, sectors=sectors, regions=regions, fd_labels=fd_labels,
                    va_labels=["value_added (closing row)"], F=F, f_labels=f_labels,
                    unit=unit or str(getattr(getattr(io, "meta", None), "unit", "") or ""),
                    name=name or str(getattr(io, "name", "") or ""))
    if check:
        table.check(rtol=rtol, atol=atol, allow_zero_output=True,
                    allow_negative=True, source=name or "MRIO")
    if not keep_zero_output:
        from chainatlas.readers.io_common import drop_zero_output

        try:
            table = drop_zero_output(table, where=name or "MRIO")
        except InputError:  # zero output with flows: kept, without multipliers
            table = drop_zero_output(table, where=name or "MRIO", keep=True)
    return table


def read_mrio(path: PathArg, layout: str, *, year: int | None = None, check: bool = True,
              rtol: float = 1e-4, keep_zero_output: bool = False,
              **parser_kwargs: Any) -> IOTable:
    """Parse an MRIO file or folder with pymrio and convert it.

    Parameters
    ----------
    path : the downloaded file/folder (zip archives are accepted where pymrio accepts them).
    layout : one of :data:`LAYOUTS` (``oecd``, ``wiod``, ``exiobase3``, ``eora26``, ``gloria``).
    year : the table year, for parsers that need it.
    """
    if layout not in LAYOUTS:
        raise InputError(f"unknown MRIO layout {layout!r}; expected one of {sorted(LAYOUTS)}")
    p = Path(path)
    if not p.exists():
        raise DataNotFound(f"MRIO source not found: {p}")
    import pymrio

    parser = getattr(pymrio, LAYOUTS[layout])
    kwargs = dict(parser_kwargs)
    if year is not None and layout != "exiobase3":
        kwargs["year"] = year
    hint = ""
    if p.is_file() and "_NIOT" in p.name.upper():
        hint = f"; {p.name} looks like a WIOD national table: use --layout niot"
    try:
        io = parser(p, **kwargs)
    except Exception as err:  # noqa: BLE001 - parsers fail in many ways; say what was expected
        raise InputError(f"{p}: cannot be read as {layout} ({type(err).__name__} in the "
                         f"pymrio parser); expected {EXPECTED[layout]}{hint}") from None
    if (getattr(io, "Z", None) is None and getattr(io, "A", None) is None) \
            or getattr(io, "Y", None) is None:
        raise InputError(f"{p}: read as {layout}, but no Z block or final demand was found; "
                         f"expected {EXPECTED[layout]}{hint}")
    try:
        return table_from_pymrio(io, name=f"{layout}:{p.name}", check=check, rtol=rtol,
                                 keep_zero_output=keep_zero_output)
    except InputError as err:
        raise InputError(f"{p}: {err.message} (read: Z = the parser's Z, final demand = "
                         "its Y, value added = x' − i'Z)",
                         details=err.details) from None
