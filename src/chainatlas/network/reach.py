"""Upper bounds on the weight a firm's failure can reach (for exact chokepoint pruning).

A failure spreads only along essential input links, supplier → customer, so the firms that fail
when ``k`` fails all lie in the set :math:`R(k)` of firms reachable from ``k`` along those links
(``k`` included). Hence, for every weight :math:`w \\ge 0`,

.. math:: \\sum_{i \\in F(k)} w_i \\;\\le\\; \\sum_{i \\in R(k)} w_i =: \\mathrm{reach}_w(k).

Moreover the first firm to fail after ``k`` must have ``k`` as the *only* supplier of one of its
essential inputs (no other firm has failed yet), and tracing any failed firm back through the
latest-failed supplier of the input group that stopped it ends at such a sole customer. So
:math:`F(k) \\subseteq \\{k\\} \\cup \\bigcup_{c \\in \\mathrm{Sole}(k)} R(c)` and

.. math:: \\sum_{i \\in F(k)} w_i \\;\\le\\; w_k + \\sum_{c \\in \\mathrm{Sole}(k)} \\mathrm{reach}_w(c).

:func:`reach_weight_bound` computes :math:`\\mathrm{reach}_w` on the condensation of the
essential-link graph (strongly connected components, Tarjan), components in reverse topological
order: exactly (bit sets of the heaviest weighted components, OR-ed up the DAG) for up to
``max_bits`` weighted components, plus an additive bound for the lighter rest (the light weight
of a component plus that of its children, which counts a shared descendant once per path and
therefore never undercounts), capped at the total. Both parts are upper bounds of the exact
reach weight, so their sum is one too.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from chainatlas.network._kernels import group_order, strong_components
from chainatlas.network.cascade import InputGroups

__all__ = ["cascade_bound", "reach_weight_bound"]

_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]


@numba.njit(cache=True)
def _reach_dag(n_comp: int, indptr: _I64, adj: _I64, bit_of: _I64, n_words: int,
               light: _F64, bit_weight: _F64, light_total: float) -> _F64:  # pragma: no cover
    """Reach weight bound of every component; children have smaller ids (Tarjan's order)."""
    bits = np.zeros((n_comp, max(n_words, 1)), dtype=np.uint64)
    add = np.zeros(n_comp, dtype=np.float64)
    out = np.zeros(n_comp, dtype=np.float64)
    # byte tables: weight of the set bits of byte b of word j
    table = np.zeros((max(n_words, 1) * 8, 256), dtype=np.float64)
    for j in range(n_words):
        for byte in range(8):
            base = j * 64 + byte * 8
            for v in range(256):
                s = 0.0
                for b in range(8):
                    if (v >> b) & 1:
                        s += bit_weight[base + b]
                table[j * 8 + byte, v] = s
    for c in range(n_comp):
        a = light[c]
        if bit_of[c] >= 0:
            bits[c, bit_of[c] // 64] |= np.uint64(1) << np.uint64(bit_of[c] % 64)
        for e in range(indptr[c], indptr[c + 1]):
            d = adj[e]
            a += add[d]
            for j in range(n_words):
                bits[c, j] |= bits[d, j]
        if a > light_total:
            a = light_total
        add[c] = a
        s = a
        for j in range(n_words):
            word = bits[c, j]
            for byte in range(8):
                s += table[j * 8 + byte, np.int64((word >> np.uint64(8 * byte)) & np.uint64(255))]
        out[c] = s
    return out


def reach_weight_bound(groups: InputGroups, weight: npt.ArrayLike, *,
                       max_bits: int = 4096) -> _F64:
    """Upper bound of the weight reachable from each firm along essential input links.

    Parameters
    ----------
    groups : InputGroups
        Essential input groups (:func:`~chainatlas.network.cascade.input_groups`).
    weight : array of float, shape (n,)
        Non-negative weight per firm (e.g. the target's output).
    max_bits : int
        Most weighted components tracked exactly (bit sets); the rest are bounded additively.
        With at most ``max_bits`` weighted components the result is the exact reach weight.

    Returns
    -------
    ndarray of float, shape (n,)
        :math:`\\ge \\sum_{i \\in R(k)} w_i` for every firm ``k`` (``k`` included).
    """
    n = groups.n_firms
    w = np.asarray(weight, dtype=np.float64)
    if n == 0:
        return np.zeros(0)
    src = groups.pair_supplier
    dst = groups.customer[groups.pair_group]
    keep = src != dst
    key = np.unique(src[keep] * n + dst[keep])
    src, dst = key // n, key % n
    indptr, order = group_order(src.astype(np.int32), n)
    memb = strong_components(n, indptr, dst[order].astype(np.int64))
    n_comp = int(memb.max()) + 1
    cw = np.bincount(memb, weights=w, minlength=n_comp)
    cs, cd = memb[src], memb[dst]
    cross = cs != cd
    ckey = np.unique(cs[cross] * n_comp + cd[cross])
    csrc, cdst = ckey // n_comp, ckey % n_comp
    cptr, corder = group_order(csrc.astype(np.int32), n_comp)
    cadj = cdst[corder].astype(np.int64)
    weighted = np.flatnonzero(cw > 0)
    # memory guard: bit sets of n_comp × words
    words_cap = max(1, int(2e7 // max(n_comp, 1)))
    n_bits = min(len(weighted), max_bits, 64 * words_cap)
    heavy = weighted[np.argsort(-cw[weighted], kind="stable")[:n_bits]]
    bit_of = np.full(n_comp, -1, dtype=np.int64)
    bit_of[heavy] = np.arange(len(heavy))
    n_words = (len(heavy) + 63) // 64
    bit_weight = np.zeros(max(n_words, 1) * 64)
    bit_weight[:len(heavy)] = cw[heavy]
    light = cw.copy()
    light[heavy] = 0.0
    comp = _reach_dag(n_comp, cptr.astype(np.int64), cadj, bit_of, n_words, light, bit_weight,
                      float(light.sum()))
    return np.asarray(comp[memb], dtype=np.float64)


def cascade_bound(groups: InputGroups, weight: npt.ArrayLike, *,
                  max_bits: int = 4096) -> _F64:
    """Upper bound of the weight that fails with each firm (module docstring):
    ``min(reach_w(k), w_k + Σ_{c ∈ Sole(k)} reach_w(c))``."""
    w = np.asarray(weight, dtype=np.float64)
    reach = reach_weight_bound(groups, w, max_bits=max_bits)
    sup, cust, _ = groups.sole_suppliers()
    if len(sup):
        pair = np.unique(sup * max(groups.n_firms, 1) + cust)
        sup, cust = pair // max(groups.n_firms, 1), pair % max(groups.n_firms, 1)
    via = w + np.bincount(sup, weights=reach[cust], minlength=groups.n_firms)
    return np.minimum(reach, via)
