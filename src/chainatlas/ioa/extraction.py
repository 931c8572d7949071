"""Hypothetical extraction method (HEM): the output an economy loses without a sector.

Dietzenbacher, van der Linden & Steenge (1993); Miller & Lahr (2001); Miller & Blair (2009) §12.2.
With baseline total output :math:`X = i'x`:

* backward (column) extraction of *j*: :math:`A^c = A` with column *j* zeroed,
  :math:`BL_j = X - i'(I - A^c)^{-1} f`;
* forward (row, Ghosh) extraction: :math:`B^r = B` with row *j* zeroed,
  :math:`FL_j = X - v'(I - B^r)^{-1} i`;
* total extraction: row and column *j* removed, :math:`T_j = X - i'(I - A_{-j,-j})^{-1} f_{-j}`
  (it includes :math:`x_j` itself).

All three are rank-one changes of ``I − A`` (or ``I − B``), so Sherman–Morrison gives closed forms
in terms of the diagonal of ``L``, the output multipliers :math:`m_j = (i'L)_j` and the Ghosh row
sums :math:`r_j = (Gi)_j`:

.. math::

    BL_j = \\frac{(m_j - 1)\\,x_j}{l_{jj}}, \\qquad
    FL_j = \\frac{(r_j - 1)\\,x_j}{l_{jj}}, \\qquad
    T_j = \\frac{m_j\\,x_j}{l_{jj}}

(using :math:`LA = L - I`, :math:`BG = G - I` and :math:`g_{jj} = l_{jj}`; derivation in
``docs/io.md``). The all-sectors path therefore costs one factorisation plus the diagonal of
``L``; :func:`extraction_direct` re-solves the extracted system for checking.
Values are reported as output lost (positive), in table units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.linalg as sla

from chainatlas.exceptions import InputError
from chainatlas.ioa.leontief import LeontiefSolver

__all__ = ["Extraction", "extraction_direct", "hypothetical_extraction"]

Array = npt.NDArray[np.float64]


@dataclass
class Extraction:
    """HEM output losses per sector (table units; positive = output lost).

    ``*_share_`` divide by baseline total output :math:`X`.
    """

    labels: list[str]
    total_output: float
    backward_: Array
    forward_: Array
    total_: Array

    @property
    def backward_share_(self) -> Array:
        return self.backward_ / self.total_output

    @property
    def forward_share_(self) -> Array:
        return self.forward_ / self.total_output

    @property
    def total_share_(self) -> Array:
        return self.total_ / self.total_output

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"sector": self.labels, "backward": self.backward_,
                             "forward": self.forward_, "total": self.total_,
                             "backward_share": self.backward_share_,
                             "forward_share": self.forward_share_,
                             "total_share": self.total_share_})

    def to_dict(self) -> dict[str, Any]:
        return {"total_output": self.total_output, "backward": self.backward_.tolist(),
                "forward": self.forward_.tolist(), "total": self.total_.tolist()}


def hypothetical_extraction(solver: LeontiefSolver, f: npt.ArrayLike,
                            labels: list[str] | None = None, *,
                            diag_l: npt.ArrayLike | None = None) -> Extraction:
    """Backward, forward and total extraction for every sector via the rank-one closed forms.

    Parameters
    ----------
    solver : LeontiefSolver
        Factorised ``I − A`` with gross output ``x`` (so that ``x = L f``).
    f : array_like (n,)
        Final demand, table units.
    labels : list of str, optional
        Sector labels.
    diag_l : array_like (n,), optional
        :math:`\\operatorname{diag}(L)` if already known (else computed blockwise, O(n³)).

    Examples
    --------
    >>> s = LeontiefSolver([[0.15, 0.25], [0.20, 0.05]], [1000, 2000])
    >>> e = hypothetical_extraction(s, [350, 1700])
    >>> e.backward_.round(4).tolist(), e.forward_.round(4).tolist(), e.total_.round(4).tolist()
    ([413.1579, 805.8824], [728.9474, 452.9412], [1210.5263, 2588.2353])
    """
    x = solver._require_x()
    n = solver.n
    ff = np.asarray(f, dtype=np.float64).reshape(-1)
    if ff.shape != (n,):
        raise InputError(f"final demand has {ff.size} entries for {n} sectors")
    labs = [str(i) for i in range(n)] if labels is None else list(labels)
    d = solver.diagonal() if diag_l is None else np.asarray(diag_l, dtype=np.float64)
    m = solver.column_sums()
    r = solver.ghosh_row_sums()
    X = float(x.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        back = np.where(d != 0, (m - 1.0) * x / d, 0.0)
        fwd = np.where(d != 0, (r - 1.0) * x / d, 0.0)
        tot = np.where(d != 0, m * x / d, 0.0)
    return Extraction(labs, X, back, fwd, tot)


def extraction_direct(A: npt.ArrayLike, f: npt.ArrayLike, x: npt.ArrayLike, j: int,
                      kind: Literal["backward", "forward", "total"]) -> float:
    """Output lost when sector ``j`` is extracted, by re-solving the extracted system (O(n³)).

    The reference implementation of the definitions in the module docstring; used to check
    :func:`hypothetical_extraction`.
    """
    Af = np.array(A, dtype=np.float64)
    ff = np.asarray(f, dtype=np.float64)
    xf = np.asarray(x, dtype=np.float64)
    n = Af.shape[0]
    X = float(xf.sum())
    if kind == "backward":
        Af[:, j] = 0.0
        return X - float(sla.solve(np.eye(n) - Af, ff).sum())
    if kind == "forward":
        B = Af * xf[None, :] / np.where(xf != 0, xf, 1.0)[:, None]
        v = xf - (Af * xf[None, :]).sum(axis=0)
        B[j, :] = 0.0
        return X - float(sla.solve((np.eye(n) - B).T, v).sum())
    if kind == "total":
        keep = np.arange(n) != j
        sub = Af[np.ix_(keep, keep)]
        return X - float(sla.solve(np.eye(n - 1) - sub, ff[keep]).sum())
    raise InputError(f"kind must be backward, forward or total, got {kind!r}")
