"""Essential-input dependence: sole suppliers and the failure cascade they carry.

Production is Leontief across input segments and substitutable within one (Inoue & Todo 2019;
Diem et al. 2022): a firm keeps producing while, for **every** essential input segment it buys,
**at least one** of its suppliers of that segment still produces. An *input group* is a pair
(customer ``i``, essential segment ``s``) with its distinct suppliers :math:`S_{is}`. Firm ``i``
fails when some group has lost all of its suppliers:

.. math:: \\mathrm{fail}(i) \\iff \\exists s:\\; S_{is} \\subseteq F

where ``F`` is the set of failed firms. Starting from a seed set the cascade is computed to its
fixed point in time linear in the input links touched (a counter per group, decremented once per
failed supplier). A *sole supplier* is the single member of a group with :math:`|S_{is}| = 1`.

Links whose segment is unknown (-1) form one essential group per customer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from chainatlas.network.graph import FirmGraph

__all__ = ["InputGroups", "failure_cascade", "input_groups", "lost_share", "single_seed_losses"]

_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]
_BOOL = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class InputGroups:
    """Essential input groups of a graph.

    Attributes
    ----------
    customer, segment : ndarray of int64, shape (G,)
        The customer firm and the input segment of each group (segment -1 = unknown).
    n_suppliers : ndarray of int64, shape (G,)
        Distinct suppliers per group.
    pair_supplier, pair_group : ndarray of int64, shape (P,)
        Distinct (supplier, group) pairs, sorted by supplier.
    supplier_indptr : ndarray of int64, shape (n + 1,)
        CSR index of the pairs by supplier.
    """

    n_firms: int
    customer: _I64
    segment: _I64
    n_suppliers: _I64
    pair_supplier: _I64
    pair_group: _I64
    supplier_indptr: _I64

    def sole_suppliers(self) -> tuple[_I64, _I64, _I64]:
        """``(supplier, customer, segment)`` of every group served by one supplier only."""
        single = self.n_suppliers[self.pair_group] == 1
        g = self.pair_group[single]
        return self.pair_supplier[single], self.customer[g], self.segment[g]


def input_groups(graph: FirmGraph) -> InputGroups:
    """Group the links into essential input groups (customer, segment) with distinct suppliers.

    Links of non-essential segments (``graph.segment_essential`` False) are left out.
    """
    from chainatlas.network._kernels import group_order

    n = graph.n_firms
    seg = graph.edge_segment.astype(np.int64)
    keep = np.ones(graph.n_edges, dtype=bool)
    known = seg >= 0
    if graph.n_segments:
        keep[known] = graph.segment_essential[seg[known]]
    src = graph.src[keep].astype(np.int64)
    dst = graph.dst[keep].astype(np.int64)
    seg = seg[keep]
    m1 = graph.n_segments + 1
    nn = max(n, 1)
    # one sort of the (customer, segment, supplier) keys gives distinct pairs grouped by group
    pair = np.sort((dst * m1 + (seg + 1)) * nn + src)
    if len(pair):
        pair = pair[np.concatenate(([True], pair[1:] != pair[:-1]))]
    gkey = pair // nn
    p_sup = pair % nn
    new_group = np.concatenate(([True], gkey[1:] != gkey[:-1])) if len(gkey) else gkey.astype(bool)
    p_grp = np.cumsum(new_group) - 1
    ukey = gkey[new_group]
    counts = np.bincount(p_grp, minlength=len(ukey)).astype(np.int64)
    indptr, order = group_order(p_sup.astype(np.int32), n)
    return InputGroups(n, ukey // m1, ukey % m1 - 1, counts, p_sup[order],
                       p_grp[order].astype(np.int64), indptr)


@numba.njit(cache=True)
def _cascade(seeds: _I64, indptr: _I64, pair_group: _I64, counts: _I64,
             customer: _I64, n: int) -> _BOOL:  # pragma: no cover - compiled
    left = counts.copy()
    failed = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    for k in seeds:
        if not failed[k]:
            failed[k] = True
            queue[tail] = k
            tail += 1
    while head < tail:
        u = queue[head]
        head += 1
        for p in range(indptr[u], indptr[u + 1]):
            g = pair_group[p]
            left[g] -= 1
            if left[g] == 0:
                c = customer[g]
                if not failed[c]:
                    failed[c] = True
                    queue[tail] = c
                    tail += 1
    return failed


def failure_cascade(groups: InputGroups, seeds: npt.ArrayLike) -> _BOOL:
    """Firms that stop producing when the ``seeds`` fail (seeds included).

    Parameters
    ----------
    groups : InputGroups
        From :func:`input_groups`.
    seeds : array of int
        Node indices of the firms that fail first.

    Returns
    -------
    ndarray of bool, shape (n,)
        The fixed point of the rule "a firm fails when all suppliers of one of its essential
        input segments have failed".
    """
    s = np.asarray(seeds, dtype=np.int64).ravel()
    return _cascade(s, groups.supplier_indptr, groups.pair_group, groups.n_suppliers,
                    groups.customer, groups.n_firms)


def lost_share(groups: InputGroups, seeds: npt.ArrayLike, weight: _F64) -> tuple[float, int]:
    """Share of ``weight`` lost and number of firms that fail when ``seeds`` fail."""
    failed = failure_cascade(groups, seeds)
    total = float(weight.sum())
    share = float(weight[failed].sum()) / total if total > 0 else 0.0
    return share, int(failed.sum())


@numba.njit(cache=True)
def _single_seed(seeds: _I64, indptr: _I64, pair_group: _I64, counts: _I64, customer: _I64,
                 n: int, weight: _F64) -> tuple[_F64, _I64]:  # pragma: no cover - compiled
    left = counts.copy()
    failed = np.zeros(n, dtype=np.bool_)
    queue = np.empty(n, dtype=np.int64)
    touched = np.empty(len(pair_group), dtype=np.int64)
    lost_w = np.zeros(len(seeds), dtype=np.float64)
    lost_n = np.zeros(len(seeds), dtype=np.int64)
    for q in range(len(seeds)):
        k = seeds[q]
        head = 0
        tail = 1
        nt = 0
        queue[0] = k
        failed[k] = True
        acc = 0.0
        while head < tail:
            u = queue[head]
            head += 1
            acc += weight[u]
            for p in range(indptr[u], indptr[u + 1]):
                g = pair_group[p]
                if left[g] == counts[g]:
                    touched[nt] = g
                    nt += 1
                left[g] -= 1
                if left[g] == 0:
                    c = customer[g]
                    if not failed[c]:
                        failed[c] = True
                        queue[tail] = c
                        tail += 1
        lost_w[q] = acc
        lost_n[q] = tail
        for j in range(tail):  # reset only what this cascade touched
            failed[queue[j]] = False
        for j in range(nt):
            left[touched[j]] = counts[touched[j]]
    return lost_w, lost_n


def single_seed_losses(groups: InputGroups, seeds: npt.ArrayLike,
                       weight: npt.ArrayLike) -> tuple[_F64, _I64]:
    """Weight lost and firms failed when each seed fails *alone* (one cascade per seed).

    The same fixed point as :func:`failure_cascade` with one seed, for many seeds in one
    compiled loop; the work of each cascade is linear in the input links of the firms it stops.

    Returns
    -------
    lost_weight : ndarray of float, shape (len(seeds),)
    lost_firms : ndarray of int64, shape (len(seeds),)
        The seed included.
    """
    s = np.asarray(seeds, dtype=np.int64).ravel()
    w = np.asarray(weight, dtype=np.float64)
    return _single_seed(s, groups.supplier_indptr, groups.pair_group, groups.n_suppliers,
                        groups.customer, groups.n_firms, w)
