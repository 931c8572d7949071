"""Type-I multipliers of the Leontief model (Miller & Blair 2009, ch.6).

.. math::

    m^{out}_j = \\sum_i l_{ij} = (i'L)_j, \\qquad
    m^{s}_j = (s'L)_j,\\; s_i = F_i / x_i,

where ``s`` is any satellite coefficient row (value added, labour, emissions per unit of output).
The value-added multiplier of a closed table is :math:`v'\\hat x^{-1} L = i'` (each unit of final
demand generates exactly one unit of primary input) — a useful consistency check.
Downstream ("Ghosh") multipliers :math:`s'(G' - I)` follow pymrio's ``M_down``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from chainatlas.exceptions import InputError
from chainatlas.ioa.leontief import LeontiefSolver, _inv_or_zero

__all__ = [
    "downstream_multipliers",
    "output_multipliers",
    "satellite_multipliers",
    "value_added_multipliers",
]

Array = npt.NDArray[np.float64]


def output_multipliers(solver: LeontiefSolver) -> Array:
    """Simple output multipliers :math:`i'L` (table units of output per unit of final demand).

    Examples
    --------
    >>> s = LeontiefSolver([[0.15, 0.25], [0.20, 0.05]])
    >>> output_multipliers(s).round(6).tolist()
    [1.518152, 1.452145]
    """
    return solver.column_sums()


def satellite_multipliers(solver: LeontiefSolver, F: npt.ArrayLike,
                          x: npt.ArrayLike | None = None) -> Array:
    """Multipliers :math:`S L` of satellite rows ``F`` (e×n), :math:`S = F\\hat x^{-1}`.

    Returns an e×n array in satellite units per table unit of final demand (e.g. jobs per
    10k CNY). A 1-d ``F`` gives a 1-d result.
    """
    Ff = np.asarray(F, dtype=np.float64)
    xf = solver.x if x is None else np.asarray(x, dtype=np.float64)
    if xf is None:
        raise InputError("gross output x is needed for satellite multipliers")
    if Ff.shape[-1] != solver.n:
        raise InputError(f"satellite rows have {Ff.shape[-1]} columns for {solver.n} industries")
    S = Ff * _inv_or_zero(xf)
    if S.ndim == 1:
        return solver.solve_row(S)
    return solver.solve_row(S.T)


def value_added_multipliers(solver: LeontiefSolver, v: npt.ArrayLike) -> Array:
    """Value-added (income) multipliers :math:`v'\\hat x^{-1} L` (= 1 for primary inputs ``v``
    that close the column balance)."""
    return satellite_multipliers(solver, np.asarray(v, dtype=np.float64))


def downstream_multipliers(solver: LeontiefSolver, F: npt.ArrayLike) -> Array:
    """Downstream multipliers :math:`S (G' - I)` (pymrio ``M_down``) of satellite rows ``F``.

    :math:`S G'` has rows :math:`(G S')' = (\\hat x^{-1} L \\hat x S')'`, so it costs one solve
    per satellite row.
    """
    x = solver._require_x()
    Ff = np.atleast_2d(np.asarray(F, dtype=np.float64))
    S = Ff * _inv_or_zero(x)
    GS = solver.solve((S * x).T) * _inv_or_zero(x)[:, None]  # n×e = G S'
    out = GS.T - S
    return out[0] if np.ndim(F) == 1 else out
