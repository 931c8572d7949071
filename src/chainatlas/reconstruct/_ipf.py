"""The IPF rounds of :mod:`chainatlas.reconstruct.weights`: a compiled kernel and numpy's.

Both functions of each pair do the same arithmetic in the same order (row sums accumulate the
entries in index order, as ``numpy.bincount`` does), so they agree to rounding; the tests hold
the compiled kernels to the numpy ones. The compiled ones fuse a scaling step with the sums the
next step needs (two passes over the entries per round instead of about eight) and allocate
nothing per round.

``ipf_rounds``: the augmented problem (links + rest of country), stops when the largest relative
gap of a row to its target is ≤ ``tol`` (rows are checked after the column step, so columns hold
exactly). ``ipf_links``: links only, on the balanced layers; also checks the columns, and gives
up early when it is not converging (gap > 1e-3 after 50 rounds or > 1e-6 after 200).
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["ipf_links", "ipf_links_numpy", "ipf_rounds", "ipf_rounds_numpy"]

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]


def ipf_rounds_numpy(rows: _I, cols: _I, x: _F, r: _F, c: _F, tol: float,
                     max_iter: int) -> tuple[int, float]:
    """IPF on the entries ``(rows, cols)`` from ``x`` (scaled in place) to row sums ``r`` and
    column sums ``c``; returns (rounds, final relative row gap)."""
    nr, nc = len(r), len(c)
    it, resid = 0, 0.0
    for it in range(1, max_iter + 1):  # noqa: B007
        rs = np.bincount(rows, weights=x, minlength=nr)
        x *= np.divide(r, rs, out=np.zeros(nr), where=rs > 0)[rows]
        cs = np.bincount(cols, weights=x, minlength=nc)
        x *= np.divide(c, cs, out=np.zeros(nc), where=cs > 0)[cols]
        rs = np.bincount(rows, weights=x, minlength=nr)
        resid = float(np.max(np.abs(rs - r) / np.maximum(r, 1e-300), initial=0.0,
                             where=r > 0))
        if resid <= tol:
            break
    return it, resid


def _gap(s: _F, t: _F) -> float:
    return float(np.max(np.abs(s - t) / np.maximum(t, 1e-300), initial=0.0, where=t > 0))


def ipf_links_numpy(lu: _I, lp: _I, y: _F, ru: _F, cp: _F, tol: float,
                    max_iter: int) -> bool:
    """IPF on the links only (``y`` scaled in place); True when every row and column meets its
    target to ``tol``."""
    n_units, n_pairs = len(ru), len(cp)
    for k in range(max_iter):
        rs = np.bincount(lu, weights=y, minlength=n_units)
        y *= np.divide(ru, rs, out=np.zeros(n_units), where=rs > 0)[lu]
        cs = np.bincount(lp, weights=y, minlength=n_pairs)
        y *= np.divide(cp, cs, out=np.zeros(n_pairs), where=cs > 0)[lp]
        rs = np.bincount(lu, weights=y, minlength=n_units)
        cs = np.bincount(lp, weights=y, minlength=n_pairs)
        gap = max(_gap(rs, ru), _gap(cs, cp))
        if gap <= tol:
            return True
        if (k == 50 and gap > 1e-3) or (k == 200 and gap > 1e-6):
            return False
    return False


@numba.njit(cache=True, nogil=True)
def _factors(t: _F, s: _F, out: _F) -> None:
    for i in range(len(t)):
        out[i] = t[i] / s[i] if s[i] > 0 else 0.0


@numba.njit(cache=True, nogil=True)
def _gap_nb(s: _F, t: _F) -> float:
    g = 0.0
    for i in range(len(t)):
        if t[i] > 0:
            v = abs(s[i] - t[i]) / max(t[i], 1e-300)
            g = max(g, v)
    return g


@numba.njit(cache=True, nogil=True)
def _ipf_nb(rows: _I, cols: _I, x: _F, r: _F, c: _F, tol: float, max_iter: int,
            check_cols: bool, give_up: bool) -> tuple[int, float, bool]:
    """IPF rounds in place: (rounds run, last gap, converged). ``check_cols``: the gap is taken
    over rows and columns (else rows only); ``give_up``: stop unconverged when the gap is
    > 1e-3 after 51 rounds or > 1e-6 after 201."""
    nr, nc, n = len(r), len(c), len(x)
    rs = np.zeros(nr)
    cs = np.zeros(nc)
    fr = np.zeros(nr)
    fc = np.zeros(nc)
    for k in range(n):
        rs[rows[k]] += x[k]
    it, resid = 0, 0.0
    for it in range(1, max_iter + 1):  # noqa: B007
        _factors(r, rs, fr)
        cs[:] = 0.0
        for k in range(n):
            x[k] *= fr[rows[k]]
            cs[cols[k]] += x[k]
        _factors(c, cs, fc)
        rs[:] = 0.0
        cs[:] = 0.0
        for k in range(n):
            x[k] *= fc[cols[k]]
            rs[rows[k]] += x[k]
            cs[cols[k]] += x[k]
        resid = _gap_nb(rs, r)
        if check_cols:
            resid = max(resid, _gap_nb(cs, c))
        if resid <= tol:
            return it, resid, True
        if give_up and ((it == 51 and resid > 1e-3) or (it == 201 and resid > 1e-6)):
            return it, resid, False
    return it, resid, False


def ipf_rounds(rows: _I, cols: _I, x: _F, r: _F, c: _F, tol: float,
               max_iter: int) -> tuple[int, float]:
    """Compiled :func:`ipf_rounds_numpy`."""
    it, resid, _ = _ipf_nb(np.ascontiguousarray(rows, np.int64),
                           np.ascontiguousarray(cols, np.int64), x,
                           np.ascontiguousarray(r, np.float64),
                           np.ascontiguousarray(c, np.float64), float(tol), int(max_iter),
                           False, False)
    return int(it), float(resid)


def ipf_links(lu: _I, lp: _I, y: _F, ru: _F, cp: _F, tol: float, max_iter: int) -> bool:
    """Compiled :func:`ipf_links_numpy`."""
    return bool(_ipf_nb(np.ascontiguousarray(lu, np.int64),
                        np.ascontiguousarray(lp, np.int64), y,
                        np.ascontiguousarray(ru, np.float64),
                        np.ascontiguousarray(cp, np.float64), float(tol), int(max_iter),
                        True, True)[2])
