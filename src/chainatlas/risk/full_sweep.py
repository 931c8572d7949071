"""The straightforward ESRI cascade: every firm updated at every step (sparse matrix products).

This is the textbook procedure of Diem et al. (2022) written as directly as possible, kept as the
reference the fast frontier method (:mod:`chainatlas.risk.esri`) is tested and timed against.
One step (Jacobi: both directions read the previous state):

.. math::

    \\pi_{jk}(t) &= 1 - \\sum_{i: p(i) = k} \\Lambda^d_{ij}\\, \\sigma_i(t)\\, (1 - h^d_i(t)) \\\\
    h^d_j(t+1) &= \\max\\bigl(0, \\min(\\min_{k \\in E_j} \\pi_{jk},\\;
                 1 - \\textstyle\\sum_{k \\in N_j} (1 - \\pi_{jk}),\\; \\psi_j)\\bigr) \\\\
    h^u_i(t+1) &= \\max\\bigl(0, \\min(\\psi_i, 1 - \\textstyle\\sum_j \\Lambda^u_{ij} (1 - h^u_j(t)))\\bigr)

with :math:`E_j` / :math:`N_j` the essential / non-essential supplier sectors of *j*, and the
replaceability :math:`\\sigma_i(t) = \\min(1, s^{out}_i / A_{p(i)}(t))`,
:math:`A_K(t) = \\sum_{j: p(j) = K} s^{out}_j h^d_j(t)` (set to 1 when ≤ ``1e-10``, as the
authors' C++ kernel does). The cascade stops at the first step whose largest fall of any
:math:`h^d` or :math:`h^u` is ≤ ε, keeping the new state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = ["FullSweep", "SIGMA_FLOOR", "full_sweep_model"]

SIGMA_FLOOR = 1e-10

_F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FullSweep:
    """Matrices of the full-sweep cascade (built by :func:`full_sweep_model`)."""

    n: int
    sector: npt.NDArray[np.int64]
    s_out: _F64
    G: sp.csr_matrix          # (groups × n): Λd of essential links, one row per (customer, sector)
    group_start: npt.NDArray[np.int64]   # first group row of each customer that has any
    group_owner: npt.NDArray[np.int64]   # the customer of each such run
    L1: sp.csr_matrix         # (n × n) customer × supplier: Λd of non-essential links
    Lu: sp.csr_matrix         # (n × n) supplier × customer: Λu

    def run(self, psi: npt.ArrayLike, *, epsilon: float = 0.01, substitution: bool = True,
            max_steps: int = 1_000_000) -> tuple[_F64, _F64, int, float]:
        """One cascade from capacity ``psi``: ``(hd, hu, steps, stop margin)``.

        ``stop margin`` is the smallest ``|largest fall − ε|`` over all stopping checks.
        """
        psi_a = np.asarray(psi, dtype=np.float64)
        hd = psi_a.copy()
        hu = psi_a.copy()
        n_sec = int(self.sector.max()) + 1 if self.n else 0
        margin = np.inf
        steps = 0
        while steps < max_steps:
            steps += 1
            if substitution:
                a = np.bincount(self.sector, weights=self.s_out * hd, minlength=n_sec)
                a[a <= SIGMA_FLOOR] = 1.0
                sigma = np.minimum(1.0, self.s_out / a[self.sector])
            else:
                sigma = np.ones(self.n)
            loss = sigma * (1.0 - hd)
            pi = 1.0 - self.G @ loss
            leo = np.ones(self.n)
            if self.group_start.size:
                leo[self.group_owner] = np.minimum.reduceat(pi, self.group_start)
            lin = 1.0 - self.L1 @ loss
            new_hd = np.maximum(0.0, np.minimum(np.minimum(leo, lin), psi_a))
            new_hu = np.maximum(0.0, np.minimum(psi_a, 1.0 - self.Lu @ (1.0 - hu)))
            fall = max(0.0, float(np.max(hd - new_hd, initial=0.0)),
                       float(np.max(hu - new_hu, initial=0.0)))
            hd, hu = new_hd, new_hu
            margin = min(margin, abs(fall - epsilon))
            if fall <= epsilon:
                break
        return hd, hu, steps, float(margin)


def full_sweep_model(supplier: npt.ArrayLike, customer: npt.ArrayLike, weight: npt.ArrayLike,
                     sector: npt.ArrayLike, essentiality: npt.ArrayLike) -> FullSweep:
    """Build the full-sweep matrices straight from an edge list (positions ``0..n-1``)."""
    sec = np.asarray(sector, dtype=np.int64)
    n = int(sec.size)
    ess = np.asarray(essentiality, dtype=np.int64)
    w = sp.csr_matrix((np.asarray(weight, dtype=np.float64),
                       (np.asarray(supplier, dtype=np.int64), np.asarray(customer, dtype=np.int64))),
                      shape=(n, n))
    w.sum_duplicates()
    w.eliminate_zeros()
    c = w.tocoo()
    i, j, x = c.row.astype(np.int64), c.col.astype(np.int64), c.data
    s_out = np.asarray(w.sum(axis=1)).ravel()
    s_in = np.asarray(w.sum(axis=0)).ravel()
    cls = ess[sec[i], sec[j]]
    # Π[j, k] via a (customer, sector) × supplier matrix.
    n_sec = ess.shape[0]
    rows = j * n_sec + sec[i]
    e2 = cls == 2
    keys, grp = np.unique(rows[e2], return_inverse=True)
    _, inv = np.unique(rows, return_inverse=True)
    pi_link = np.bincount(inv, weights=x)[inv]
    g = sp.csr_matrix((x[e2] / pi_link[e2], (grp, i[e2])), shape=(keys.size, n))
    owners = keys // n_sec
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if keys.size else \
        np.zeros(0, dtype=np.int64)
    e1 = cls == 1
    l1 = sp.csr_matrix((x[e1] / s_in[j[e1]], (j[e1], i[e1])), shape=(n, n))
    lu = sp.csr_matrix((x / s_out[i], (i, j)), shape=(n, n))
    return FullSweep(n=n, sector=sec, s_out=s_out, G=g, group_start=starts.astype(np.int64),
                     group_owner=owners[starts].astype(np.int64), L1=l1, Lu=lu)
