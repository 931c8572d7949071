"""Rasmussen (1956) backward and forward linkages and key-sector classes.

Miller & Blair (2009) §12.1:

.. math::

    U^{b}_j = \\frac{n\\,\\sum_i l_{ij}}{\\sum_{ij} l_{ij}} \\;(\\text{power of dispersion}),\\qquad
    U^{f}_i = \\frac{n\\,\\sum_j g_{ij}}{\\sum_{ij} g_{ij}} \\;(\\text{sensitivity of dispersion}),

with the forward index taken from the Ghosh inverse ``G`` (M&B's preferred form) or, classically,
from the rows of ``L``. Both indices average to 1 over sectors. A sector is *key* when both exceed
1, *backward* (strong backward only) or *forward* (strong forward only), else *weak*.
Direct linkages use column sums of ``A`` and row sums of ``B``. Only three solves are needed; ``L``
is formed only for the coefficient of variation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.ioa.leontief import LeontiefSolver, _inv_or_zero

__all__ = ["Linkages", "key_sector_class", "rasmussen_linkages"]

Array = npt.NDArray[np.float64]


@dataclass
class Linkages:
    """Rasmussen linkages per sector (all dimensionless).

    Attributes
    ----------
    backward_ : power of dispersion :math:`n\\,i'L / i'Li`.
    forward_ : sensitivity of dispersion (from ``G`` or ``L`` rows, see ``forward_basis``).
    direct_backward_, direct_forward_ : column sums of ``A``, row sums of ``B``.
    multipliers_ : output multipliers (column sums of ``L``).
    key_class_ : ``"key"``, ``"backward"``, ``"forward"`` or ``"weak"``.
    cv_backward_ : Rasmussen coefficient of variation of each column of ``L`` (only if asked).
    """

    labels: list[str]
    backward_: Array
    forward_: Array
    direct_backward_: Array
    direct_forward_: Array
    multipliers_: Array
    key_class_: list[str]
    forward_basis: str
    cv_backward_: Array | None = field(default=None)

    def to_frame(self) -> pd.DataFrame:
        """One row per sector."""
        out = pd.DataFrame({"sector": self.labels, "output_multiplier": self.multipliers_,
                            "backward_linkage": self.backward_, "forward_linkage": self.forward_,
                            "direct_backward": self.direct_backward_,
                            "direct_forward": self.direct_forward_, "key_class": self.key_class_})
        if self.cv_backward_ is not None:
            out["cv_backward"] = self.cv_backward_
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"forward_basis": self.forward_basis,
                "sectors": self.to_frame().to_dict(orient="records")}

    @property
    def key_sectors(self) -> list[str]:
        """Labels of the sectors with both indices above 1."""
        return [s for s, c in zip(self.labels, self.key_class_, strict=True) if c == "key"]


def key_sector_class(backward: npt.ArrayLike, forward: npt.ArrayLike) -> list[str]:
    """Classify sectors by Rasmussen indices: key / backward / forward / weak (threshold 1)."""
    b = np.asarray(backward) > 1.0
    f = np.asarray(forward) > 1.0
    return ["key" if bi and fi else "backward" if bi else "forward" if fi else "weak"
            for bi, fi in zip(b, f, strict=True)]


def rasmussen_linkages(solver: LeontiefSolver, labels: list[str] | None = None, *,
                       forward: Literal["ghosh", "leontief"] = "ghosh",
                       coefficient_of_variation: bool = False) -> Linkages:
    """Rasmussen linkages and key-sector classes for the system in ``solver``.

    Parameters
    ----------
    solver : LeontiefSolver
        Factorised ``I − A`` (with ``x`` for the Ghosh forward index).
    labels : list of str, optional
        Sector labels (default ``"0".."n-1"``).
    forward : {"ghosh", "leontief"}
        Forward index from the rows of ``G`` (default) or of ``L``.
    coefficient_of_variation : bool
        Also compute :math:`V_j = \\sqrt{\\sum_i (l_{ij} - \\bar l_j)^2/(n-1)} / \\bar l_j`
        (forms ``L``).

    Examples
    --------
    >>> s = LeontiefSolver([[0.15, 0.25], [0.20, 0.05]], [1000, 2000])
    >>> lk = rasmussen_linkages(s)
    >>> lk.backward_.round(6).tolist(), lk.forward_.round(6).tolist()
    ([1.022222, 0.977778], [1.208333, 0.791667])
    """
    n = solver.n
    labs = [str(i) for i in range(n)] if labels is None else list(labels)
    if len(labs) != n:
        raise InputError(f"{len(labs)} labels for {n} sectors")
    col = solver.column_sums()
    back = n * col / col.sum()
    if forward == "ghosh":
        rows = solver.ghosh_row_sums()
    elif forward == "leontief":
        rows = solver.row_sums()
    else:
        raise InputError(f"forward must be 'ghosh' or 'leontief', got {forward!r}")
    fwd = n * rows / rows.sum()
    direct_b = np.asarray(solver.A.sum(axis=0), dtype=np.float64).ravel()
    if solver.x is not None:
        x = solver.x
        Z = solver.A.multiply(x[None, :]) if solver.sparse else solver.A * x[None, :]
        direct_f = np.asarray(Z.sum(axis=1), dtype=np.float64).ravel() * _inv_or_zero(x)
    else:
        direct_f = np.full(n, np.nan)
    cv = None
    if coefficient_of_variation:
        L = solver.leontief_inverse()
        mean = L.mean(axis=0)
        cv = np.sqrt(((L - mean) ** 2).sum(axis=0) / max(n - 1, 1)) / mean
    return Linkages(labs, back, fwd, direct_b, direct_f, col, key_sector_class(back, fwd),
                    forward, cv)
