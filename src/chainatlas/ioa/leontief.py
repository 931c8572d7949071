"""Leontief and Ghosh quantity models solved by LU factorisation.

Notation (Miller & Blair 2009, ch.2 and §12.1):

.. math::

    A = Z\\hat x^{-1}, \\quad L = (I - A)^{-1}, \\quad x = L f; \\qquad
    B = \\hat x^{-1} Z, \\quad G = (I - B)^{-1} = \\hat x^{-1} L \\hat x, \\quad x' = v' G.

``(I − A)`` is factorised once (``scipy.linalg.lu_factor``); every product with ``L`` or ``G`` is
then a pair of triangular solves, and ``L`` itself is only formed on request
(:meth:`LeontiefSolver.leontief_inverse`). ``G`` never needs a second factorisation:
:math:`v'G = ((v ⊘ x)' L) ⊙ x'` is a transposed solve with ``(I − A)``.

Note: pymrio's documentation prints :math:`G = \\hat x L \\hat x^{-1}`, which is wrong; its code (and
this module) uses :math:`G = \\hat x^{-1} L \\hat x`.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from chainatlas.exceptions import InputError, ModelError
from chainatlas.model.iotable import IOTable

__all__ = [
    "LeontiefSolver",
    "allocation_coefficients",
    "ghosh_inverse",
    "leontief_inverse",
    "technical_coefficients",
]

Array = npt.NDArray[np.float64]


def _inv_or_zero(x: Array) -> Array:
    """:math:`1/x` with 0 where ``x == 0`` (industries without output get zero coefficients)."""
    out = np.zeros_like(x, dtype=np.float64)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def technical_coefficients(Z: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """Input coefficients :math:`A = Z\\hat x^{-1}`, :math:`a_{ij} = z_{ij}/x_j` (0 where x_j = 0).

    Examples
    --------
    >>> technical_coefficients([[150, 500], [200, 100]], [1000, 2000]).tolist()
    [[0.15, 0.25], [0.2, 0.05]]
    """
    Zf = np.asarray(Z, dtype=np.float64)
    return Zf * _inv_or_zero(np.asarray(x, dtype=np.float64))[None, :]


def allocation_coefficients(Z: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """Allocation (Ghosh) coefficients :math:`B = \\hat x^{-1} Z`, :math:`b_{ij} = z_{ij}/x_i`."""
    Zf = np.asarray(Z, dtype=np.float64)
    return Zf * _inv_or_zero(np.asarray(x, dtype=np.float64))[:, None]


def leontief_inverse(A: npt.ArrayLike) -> Array:
    """The Leontief inverse :math:`L = (I - A)^{-1}`, formed explicitly (O(n³), n² memory).

    Prefer :class:`LeontiefSolver` when only products with ``L`` are needed.
    """
    return LeontiefSolver(A).leontief_inverse()


def ghosh_inverse(L: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """The Ghosh inverse from ``L`` without a second inversion: :math:`G = \\hat x^{-1} L \\hat x`."""
    Lf = np.asarray(L, dtype=np.float64)
    xf = np.asarray(x, dtype=np.float64)
    return np.asarray(_inv_or_zero(xf)[:, None] * Lf * xf[None, :], dtype=np.float64)


class LeontiefSolver:
    """``(I − A)`` factorised once; products with ``L`` and ``G`` by triangular solves.

    Parameters
    ----------
    A : array_like or scipy.sparse matrix (n, n)
        Technical coefficients (dimensionless, table units of input per table unit of output).
        A sparse matrix is factorised with SuperLU (``scipy.sparse.linalg.splu``), so large
        sparse tables need no dense n×n array; a dense one with LAPACK ``getrf``.
    x : array_like (n,), optional
        Gross output; needed for the Ghosh products (:meth:`ghosh`, :meth:`ghosh_row_sums`).

    Raises
    ------
    ModelError
        If ``I − A`` is singular (the economy is not productive).
    """

    def __init__(self, A: npt.ArrayLike | sp.sparray | sp.spmatrix,
                 x: npt.ArrayLike | None = None) -> None:
        self.sparse = sp.issparse(A)
        self.A: Any = sp.csc_matrix(A, dtype=np.float64) if self.sparse else \
            np.asarray(A, dtype=np.float64)
        n = self.A.shape[0]
        if self.A.ndim != 2 or self.A.shape != (n, n):
            raise InputError(f"A must be square, got shape {self.A.shape}")
        self.n = n
        self.x = None if x is None else np.asarray(x, dtype=np.float64).reshape(-1)
        singular = ModelError("I − A is singular: the Leontief inverse does not exist "
                              "(check for a closed, self-sustaining block of sectors)")
        if self.sparse:
            M = (sp.identity(n, format="csc") - self.A).tocsc()
            try:
                self._splu = spla.splu(M)
            except RuntimeError as err:
                raise singular from err
            diag = np.abs(self._splu.U.diagonal())
        else:
            Md = np.eye(n) - self.A
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", sla.LinAlgWarning)
                self._lu = sla.lu_factor(Md, check_finite=False, overwrite_a=True)
            diag = np.abs(np.diag(self._lu[0]))
        if n and (not np.isfinite(diag).all() or diag.min() <= 1e-14 * max(1.0, diag.max())):
            raise singular

    @classmethod
    def from_table(cls, table: IOTable, *, sparse: bool | None = None) -> LeontiefSolver:
        """Solver for ``table`` (A from Z and x; zero-output industries get zero columns).

        ``sparse=None`` picks the sparse factorisation for tables with n ≥ 2,000 industries and
        at most 5 % nonzero flows (typical of large MRIOs), the dense one otherwise.
        """
        A = technical_coefficients(table.Z, table.x)
        if sparse is None:
            sparse = bool(table.n >= 2000 and np.count_nonzero(table.Z) <= 0.05 * table.n ** 2)
        return cls(sp.csc_matrix(A) if sparse else A, table.x)

    # -------------------------------------------------------------- Leontief products
    def solve(self, f: npt.ArrayLike) -> Array:
        """:math:`L f` — output needed for final demand ``f`` (vector or n×k matrix)."""
        ff = np.asarray(f, dtype=np.float64)
        if self.sparse:
            return np.asarray(self._splu.solve(ff), dtype=np.float64)
        return np.asarray(sla.lu_solve(self._lu, ff, check_finite=False), dtype=np.float64)

    def solve_row(self, w: npt.ArrayLike) -> Array:
        """:math:`w' L` (returned as a 1-d array or, for an n×k input, the k×n matrix ``(w'L)``)."""
        wf = np.asarray(w, dtype=np.float64)
        if self.sparse:
            out = self._splu.solve(wf, trans="T")
        else:
            out = sla.lu_solve(self._lu, wf, trans=1, check_finite=False)
        return np.asarray(out.T if out.ndim == 2 else out, dtype=np.float64)

    def leontief_inverse(self, *, block: int = 1024) -> Array:
        """The explicit Leontief inverse ``L`` (n×n), built block by block from the LU factors."""
        L = np.empty((self.n, self.n))
        for start in range(0, self.n, block):
            stop = min(self.n, start + block)
            rhs = np.zeros((self.n, stop - start))
            rhs[np.arange(start, stop), np.arange(stop - start)] = 1.0
            L[:, start:stop] = self.solve(rhs)
        return L

    def diagonal(self, *, block: int = 512) -> Array:
        """:math:`\\operatorname{diag}(L)` without keeping ``L`` (O(n³) time, O(n·block) memory)."""
        d = np.empty(self.n)
        for start in range(0, self.n, block):
            stop = min(self.n, start + block)
            rhs = np.zeros((self.n, stop - start))
            cols = np.arange(start, stop)
            rhs[cols, cols - start] = 1.0
            d[start:stop] = self.solve(rhs)[cols, cols - start]
        return d

    def column_sums(self) -> Array:
        """:math:`i'L` — output multipliers."""
        return self.solve_row(np.ones(self.n))

    def row_sums(self) -> Array:
        """:math:`L i`."""
        return self.solve(np.ones(self.n))

    # -------------------------------------------------------------- Ghosh products
    def _require_x(self) -> Array:
        if self.x is None:
            raise InputError("gross output x is needed for Ghosh quantities")
        return self.x

    def ghosh(self, v: npt.ArrayLike) -> Array:
        """:math:`v' G = ((v ⊘ x)' L) ⊙ x'` — output pushed by primary inputs ``v`` (supply side)."""
        x = self._require_x()
        vf = np.asarray(v, dtype=np.float64)
        return self.solve_row(vf * _inv_or_zero(x)) * x

    def ghosh_row_sums(self) -> Array:
        """:math:`G i = \\hat x^{-1} L x` — total forward dependence of each industry."""
        x = self._require_x()
        return self.solve(x) * _inv_or_zero(x)

    def ghosh_inverse(self) -> Array:
        """The explicit Ghosh inverse :math:`G = \\hat x^{-1} L \\hat x` (forms ``L``)."""
        return ghosh_inverse(self.leontief_inverse(), self._require_x())
