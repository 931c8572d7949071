"""Link values fitted on a sampled network so every member reproduces the flows it is given.

On each layer (supplier sector *a*) the sampled links form a bipartite support between supplier
units and demand pairs. Exact marginals on a sparse random support are usually infeasible, so the
layer's **rest-of-country** node takes part in the fit as one more row and one more column:

- rows: every unit *i* with target ``s_out,i``, and the rest-of-country seller of *a*;
- columns: every pair *p* with target ``(1 − m_a)·D_p``, and the rest-of-country buyer of *a*;
- support: the sampled links (seed value 1), unit → rest-of-country buyer and rest-of-country
  seller → pair (seed ``δ``, small, so trade stays local where the links allow it), and the
  seller–buyer corner of the rest of the country (seed 1).

With the corner in the support the problem is strictly feasible, so iterative proportional
fitting (IPF) converges; it ends on the column step. The **import** node of *a* sells
``m_a·D_p`` to every pair. Hence in every member each buyer's purchases by input sector, each
unit's sales, and so every sector-pair flow ``Σ_{j ∈ b} D_{j,a}`` (all origins), hold exactly
(to rounding); the local part is as large as the sampled links can carry. Where IPF stops at
``max_iter`` first, a unit above its sales is scaled down to them, so the identities still hold
and only the split between local and rest-of-country trade is short of the IPF optimum. Known link values are
kept as given and taken off the targets first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from chainatlas.reconstruct._ipf import ipf_links, ipf_links_numpy, ipf_rounds, ipf_rounds_numpy

__all__ = ["FittedWeights", "fit_ipf"]

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]


@dataclass
class FittedWeights:
    """Link values and the aggregate nodes' flows of one member.

    ``value`` is per link; ``roc_in``/``imports`` per demand pair (what the rest of the country
    and imports sell to it); ``roc_out`` per unit (what the rest of the country buys from it).
    ``iterations`` and ``row_residual`` (largest relative gap of a unit's local sales to its row
    target) say how IPF ended.
    """

    value: _F
    roc_in: _F
    imports: _F
    roc_out: _F
    iterations: int
    row_residual: float


def fit_ipf(link_unit: _I, link_pair: _I, supply: _F, demand: _F, import_share: _F,
            unit_layer: _I, pair_layer: _I, n_layers: int, *, delta: float = 1e-4,
            fixed_value: _F | None = None, seed_value: _F | None = None, tol: float = 1e-9,
            max_iter: int = 1000, kernel: str = "numba") -> FittedWeights:
    """Fit link values (see the module text).

    Parameters
    ----------
    link_unit, link_pair : int arrays (L,)
        Supplier unit and demand pair of every link.
    supply : float array (n_units,)
        ``s_out,i`` (10,000 CNY/yr).
    demand, import_share : float arrays (n_pairs,)
        ``D_p`` and ``m`` of the pair's input sector.
    unit_layer, pair_layer : int arrays
        Layer of every unit and pair.
    delta : float
        Seed value of the links to and from the rest of the country (relative to 1 for a link).
    fixed_value : float array (L,), optional
        Known values (NaN where unknown): kept as given and taken off the targets first.
    seed_value : float array (L,), optional
        Starting value of every link (> 0; default 1): IPF keeps the seed's pattern (its
        cross-ratios) and fits it to the targets, so random seeds give random fitted values.
        Only their ratios to ``delta`` and to each other matter.
    tol : float
        Largest relative gap of a row to its target when IPF stops.
    kernel : {"numba", "numpy"}
        The compiled IPF rounds or the numpy ones (same arithmetic, kept as the reference).
    """
    if kernel not in ("numba", "numpy"):
        raise ValueError(f"kernel must be 'numba' or 'numpy', got {kernel!r}")
    rounds = ipf_rounds if kernel == "numba" else ipf_rounds_numpy
    links_only = ipf_links if kernel == "numba" else ipf_links_numpy
    n_units, n_pairs = len(supply), len(demand)
    dom = demand * (1.0 - import_share)
    L = len(link_unit)
    fixed = np.zeros(L, bool) if fixed_value is None else np.isfinite(fixed_value)
    fixed_v = np.where(fixed, fixed_value if fixed_value is not None else 0.0, 0.0)
    free = ~fixed
    r_u = np.maximum(supply - np.bincount(link_unit, weights=fixed_v, minlength=n_units), 0.0)
    c_p = np.maximum(dom - np.bincount(link_pair, weights=fixed_v, minlength=n_pairs), 0.0)
    S_l = np.bincount(unit_layer, weights=r_u, minlength=n_layers)
    D_l = np.bincount(pair_layer, weights=c_p, minlength=n_layers)
    corner = np.maximum(S_l, D_l)
    # augmented problem: rows = units + RoC sellers, cols = pairs + RoC buyers
    lu = link_unit[free]
    lp = link_pair[free]
    n_free = len(lu)
    rows = np.concatenate([lu, np.arange(n_units), n_units + pair_layer,
                           n_units + np.arange(n_layers)])
    cols = np.concatenate([lp, n_pairs + unit_layer, np.arange(n_pairs),
                           n_pairs + np.arange(n_layers)])
    seed = np.ones(n_free) if seed_value is None else np.asarray(seed_value, np.float64)[free]
    x = np.concatenate([seed, np.full(n_units, delta), np.full(n_pairs, delta),
                        np.ones(n_layers)])
    r = np.concatenate([r_u, D_l + corner])
    c = np.concatenate([c_p, S_l + corner])
    x[(r[rows] <= 0) | (c[cols] <= 0)] = 0.0
    it, resid = rounds(rows, cols, x, r, c, tol, max_iter)
    value = fixed_v.copy()
    value[free] = x[:n_free]
    # where the links alone can carry all of the layer's trade (S_l = D_l), try that: IPF on the
    # links only, from the fit above; kept only if it meets every target to the tolerance
    bal = np.isclose(S_l, D_l, rtol=1e-9, atol=0.0)
    if n_free and bal.any():
        y = value[free].copy()
        sel = bal[unit_layer[lu]]
        y[~sel] = 0.0
        ru = np.where(bal[unit_layer], r_u, 0.0)
        cp = np.where(bal[pair_layer], c_p, 0.0)
        ok = links_only(lu, lp, y, ru, cp, tol, max_iter)
        if ok:
            v = value[free]
            v[sel] = y[sel]
            value[free] = v
    # a unit over its sales by the IPF tolerance is scaled down (its buyers' shortfall then
    # goes to the rest of the country), so sales and purchases hold exactly however IPF ended
    local_out = np.bincount(link_unit, weights=value, minlength=n_units)
    over = free & (local_out[link_unit] > supply[link_unit])
    if over.any():
        scale = np.divide(supply, local_out, out=np.ones(n_units), where=local_out > 0)
        value[over] *= scale[link_unit[over]]
    local_in = np.bincount(link_pair, weights=value, minlength=n_pairs)
    local_out = np.bincount(link_unit, weights=value, minlength=n_units)
    roc_in = np.maximum(dom - local_in, 0.0)
    roc_out = np.maximum(supply - local_out, 0.0)
    return FittedWeights(value, roc_in, demand * import_share, roc_out, it, resid)
