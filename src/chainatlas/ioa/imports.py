"""Imports in IO tables: the domestic table of a competitive-import table, and import multipliers.

In a *competitive-import* table (China's NBS 149/153-sector tables) imports sit inside the use
block: :math:`z_{ij}` is what industry *j* uses of product *i* from any origin, and
:math:`x_i = \\sum_j z_{ij} + \\sum_k y_{ik} - IM_i`. Coefficients :math:`A = Z\\hat x^{-1}` then
count imported inputs as if they were produced at home, which inflates multipliers and linkages of
import-intensive sectors. The standard remedy (Miller & Blair 2009, §2.6; the NBS/OECD
"import proportionality" assumption) splits every use of product *i* by the same import share

.. math::

    m_i = \\frac{IM_i}{TIU_i + TFU_i - EX_i},\\qquad Z^d = (I - \\hat m) Z,\\qquad
    Y^d = (I - \\hat m) Y_{\\text{domestic use}}\\;(\\text{exports unchanged}),

so that :math:`x = Z^d i + Y^d i` still holds with the published gross output (exports are all
domestic, hence excluded from the denominator). The imported intermediate use :math:`\\hat m Z`
becomes an imports block ``M`` (a primary input), and :math:`x' = i'Z^d + i'M + i'V`.

The *import multiplier* of product *j* is the imported intermediate input needed, directly and
indirectly, per unit of final demand for *j*: :math:`\\mu' = i'M\\hat x^{-1} L^d` with the domestic
Leontief inverse :math:`L^d = (I - Z^d\\hat x^{-1})^{-1}`. With the value-added multipliers of the
domestic system it sums to one (:math:`v'\\hat x^{-1}L^d + \\mu' = i'`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from chainatlas.exceptions import InputError
from chainatlas.ioa.leontief import LeontiefSolver, _inv_or_zero
from chainatlas.model.iotable import IMPORTS_LABEL, IOTable

__all__ = ["DOMESTIC_NOTE", "domestic_table", "import_multipliers", "import_shares"]

Array = npt.NDArray[np.float64]

#: Final-demand categories that are not domestic use (not split by the import share).
_NOT_DOMESTIC_USE = ("exports", "other", IMPORTS_LABEL)

DOMESTIC_NOTE = ("imports removed in proportion to use: m_i = IM_i / (TIU_i + TFU_i − EX_i), "
                 "Z^d = (I − m̂)Z and domestic final use likewise (exports unchanged), x "
                 "unchanged; imported intermediate inputs m̂Z are an imports block (a primary "
                 "input) and imported final use is left out of final demand")


def import_shares(table: IOTable) -> Array:
    """The import share of every product's domestic use, :math:`m_i = IM_i/(TIU_i + TFU_i -
    EX_i)`, for a competitive-import table (see the module docstring)."""
    if not table.is_competitive:
        raise InputError(f"{table.name or 'the table'} is not a competitive-import table (it "
                         "has no 'imports' final-demand column)")
    j_im = table.fd_labels.index(IMPORTS_LABEL)
    imports = -table.Y[:, j_im]
    use_cols = [k for k, lab in enumerate(table.fd_labels) if lab not in _NOT_DOMESTIC_USE]
    use = table.Z.sum(axis=1) + table.Y[:, use_cols].sum(axis=1)
    labels = table.labels
    if (imports < 0).any():
        i = int(np.flatnonzero(imports < 0)[0])
        raise InputError(f"{labels[i]}: negative imports {-imports[i]:.6g} (the imports column "
                         "holds −IM)")
    bad = (use <= 0) & (imports > 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{labels[i]}: imports {imports[i]:.6g} but domestic use "
                         f"TIU + TFU − EX = {use[i]:.6g}; the import share is undefined")
    m = np.zeros(table.n)
    np.divide(imports, use, out=m, where=use > 0)
    if (m > 1.0 + 1e-12).any():
        i = int(np.argmax(m))
        raise InputError(f"{labels[i]}: imports {imports[i]:.6g} exceed domestic use "
                         f"TIU + TFU − EX = {use[i]:.6g} (import share {m[i]:.4g} > 1)")
    return np.minimum(m, 1.0)


def domestic_table(table: IOTable) -> IOTable:
    """The domestic table of a competitive-import table (imports removed in proportion to use).

    A table that already keeps imports apart (non-competitive, ``M`` set) is returned as it is,
    with a note. See the module docstring for the formulas.

    Examples
    --------
    >>> t = IOTable(Z=[[10., 20.], [30., 5.]], Y=[[70., 10., -20.], [60., 5., 0.]],
    ...             V=[[50., 75.]], x=[90., 100.], sectors=["a", "b"],
    ...             fd_labels=["consumption", "exports", "imports"])
    >>> d = domestic_table(t)
    >>> d.Z.tolist(), d.Y.tolist(), d.M.sum().round(6).item()
    ([[8.0, 16.0], [30.0, 5.0]], [[56.0, 10.0], [60.0, 5.0]], 6.0)
    """
    if not table.is_competitive:
        out = _copy(table)
        out.notes.append("--domestic: the table already keeps imports apart (non-competitive "
                         "form); Z is its domestic block")
        return out
    m = import_shares(table)
    keep = 1.0 - m
    fd_keep = [k for k, lab in enumerate(table.fd_labels) if lab != IMPORTS_LABEL]
    Y = table.Y[:, fd_keep].copy()
    for col, k in enumerate(fd_keep):
        if table.fd_labels[k] not in _NOT_DOMESTIC_USE:
            Y[:, col] *= keep
    out = IOTable(Z=table.Z * keep[:, None], Y=Y, V=table.V, x=table.x, sectors=table.sectors,
                  regions=table.regions, fd_labels=[table.fd_labels[k] for k in fd_keep],
                  va_labels=table.va_labels, M=table.Z * m[:, None],
                  m_labels=[f"imported {s}" for s in table.labels], F=table.F,
                  f_labels=table.f_labels, unit=table.unit, name=table.name,
                  notes=list(table.notes))
    out.notes.append(DOMESTIC_NOTE)
    return out


def import_multipliers(table: IOTable, solver: LeontiefSolver | None = None) -> Array:
    """Imported intermediate input per unit of final demand, :math:`i'M\\hat x^{-1} L^d`.

    For a competitive-import table the imports block and the domestic inverse come from
    :func:`domestic_table` (import proportionality); for a non-competitive table from its own
    ``M`` and ``Z`` (``solver``, when given, must be that table's). A table without imports
    (neither form) gives zeros.
    """
    if table.is_competitive:
        table = domestic_table(table)
        solver = None
    if table.M is None:
        return np.zeros(table.n)
    s = solver if solver is not None else LeontiefSolver.from_table(table)
    return s.solve_row(table.M.sum(axis=0) * _inv_or_zero(table.x))


def _copy(table: IOTable) -> IOTable:
    return IOTable(Z=table.Z, Y=table.Y, V=table.V, x=table.x, sectors=table.sectors,
                   regions=table.regions, fd_labels=table.fd_labels, va_labels=table.va_labels,
                   M=table.M, m_labels=table.m_labels, F=table.F, f_labels=table.f_labels,
                   unit=table.unit, name=table.name, notes=list(table.notes))
