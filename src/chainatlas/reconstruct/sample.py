"""Exact link sampling without an N² loop, and the calibration of *z*.

Each (supplier unit *i*, demand pair *p* = buyer *j* × input sector *a*) has a rate
``λ_ip = z · w_i · g_p · f(q_p, r_i)`` with ``w_i = (s_out,i)^α``, ``g_p = (D_p)^α`` and the
distance kernel ``f(q, r) = (1 + d_qr / d0)^(−γ)`` between the buyer's region *q* and the
supplier's region *r*. A link exists iff the Poisson number of contacts ``N_ip ~ Poisson(λ_ip)``
is ≥ 1, so ``p_ip = 1 − exp(−λ_ip)``.

Sampling per demand pair: draw ``K ~ Poisson(Λ_p)`` with ``Λ_p = Σ_i λ_ip`` (own units of the
buyer excluded), then *K* suppliers independently with probability ``λ_ip / Λ_p`` — first the
region (∝ ``W[a, r]·f(q, r)``), then the unit in it (∝ ``w_i``). By Poisson splitting the counts
``N_ip`` are independent Poisson(λ_ip): the distinct suppliers drawn are an exact sample of the
model. Cost: O(n + L·log n) per member, plus O(S·R²) for the region tables.

For an essential input, ``K`` is drawn conditioned on ``K ≥ 1`` (every buyer gets one supplier);
the link probability becomes ``(1 − e^{−λ_ip}) / (1 − e^{−Λ_p})``. For the logistic link
``λ/(1+λ)`` each drawn link is kept with probability ``(λ/(1+λ)) / (1 − e^{−λ})`` (thinning;
exact because ``1 − e^{−x} ≥ x/(1+x)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

from chainatlas.exceptions import ModelError
from chainatlas.network.area import great_circle_km

__all__ = ["Layout", "expected_links", "kernel_matrix", "region_distances", "sample_links",
           "solve_gamma", "solve_z"]

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]
_B = npt.NDArray[np.bool_]

#: Candidate (pair, unit) evaluations above which E[L] is estimated from a sample of them.
EXACT_BUDGET = 20_000_000
#: Units drawn per demand pair for the sampled estimate of E[L].
SAMPLED_UNITS = 8


def region_distances(lon: _F, lat: _F, intra_km: float | _F) -> _F:
    """Great-circle km between places (regions, or firms' own coordinates); ``intra_km`` (one
    number, or one per place) on the diagonal; a place without coordinates is put at the median
    distance of those with them."""
    R = len(lon)
    d = great_circle_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    d = np.asarray(d, dtype=np.float64).reshape(R, R)
    bad = ~np.isfinite(d)
    if bad.any():
        good = d[~bad & ~np.eye(R, dtype=bool)]
        d[bad] = float(np.median(good)) if len(good) else float(np.max(intra_km, initial=0.0))
    d[np.diag_indices(R)] = intra_km
    return d


def kernel_matrix(dist: _F, gamma: float, d0_km: float) -> _F:
    """``f(q, r) = (1 + d_qr / d0)^(−γ)``."""
    return np.asarray((1.0 + dist / d0_km) ** (-gamma), dtype=np.float64)


@dataclass
class Layout:
    """Suppliers and demand pairs grouped by layer and region for sampling.

    ``unit_*`` arrays are over supplier units (those with ``s_out > 0``), ``pair_*`` over demand
    pairs; ``layer`` is the supplier sector (or 0 when the model has no layers).
    """

    n_firms: int
    n_layers: int
    unit_firm: _I
    unit_layer: _I
    unit_region: _I
    unit_w: _F
    pair_buyer: _I
    pair_layer: _I
    pair_region: _I
    pair_g: _F
    pair_essential: _B
    n_regions: int

    def layer_region_weight(self) -> _F:
        """``W[l, r] = Σ w_i`` over the units of layer *l* in region *r*."""
        W = np.zeros((self.n_layers, self.n_regions))
        np.add.at(W, (self.unit_layer, self.unit_region), self.unit_w)
        return W

    def own_weight(self) -> _F:
        """Per pair, Σ w_i of the buyer's own units in the pair's layer (self-links excluded)."""
        n = self.n_firms
        ukey = self.unit_layer * n + self.unit_firm
        uk, inv = np.unique(ukey, return_inverse=True)
        wsum = np.bincount(inv, weights=self.unit_w, minlength=len(uk))
        pkey = self.pair_layer * n + self.pair_buyer
        pos = np.searchsorted(uk, pkey)
        pos = np.minimum(pos, max(len(uk) - 1, 0))
        hit = (len(uk) > 0) & (uk[pos] == pkey) if len(uk) else np.zeros(len(pkey), bool)
        return np.where(hit, wsum[pos] if len(uk) else 0.0, 0.0)

    def pair_rate(self, f: _F) -> _F:
        """``Λ_p / z``: the pair's total rate over suppliers other than itself."""
        W = self.layer_region_weight()
        H = W @ f.T  # H[l, q] = Σ_r W[l, r] f(q, r)
        own = self.own_weight() * f[self.pair_region, self.pair_region]
        return np.maximum(H[self.pair_layer, self.pair_region] - own, 0.0)


def _prob(lam: _F, link: str) -> _F:
    if link == "logistic":
        return lam / (1.0 + lam)
    return -np.expm1(-lam)


def _candidates(lay: Layout, rng: np.random.Generator) -> tuple[_I, _I, _F]:
    """(pair, unit, weight) evaluations of E[L]: all valid ones, or a sample of them."""
    counts = np.bincount(lay.unit_layer, minlength=lay.n_layers)
    n_eval = int(counts[lay.pair_layer].sum())
    order = np.argsort(lay.unit_layer, kind="stable")
    start = np.zeros(lay.n_layers + 1, np.int64)
    np.cumsum(counts, out=start[1:])
    if n_eval <= EXACT_BUDGET:
        c = counts[lay.pair_layer]
        p = np.repeat(np.arange(len(c)), c)
        offs = np.arange(len(p)) - np.repeat(np.cumsum(c) - c, c)
        u = order[start[lay.pair_layer[p]] + offs]
        w = np.ones(len(p))
    else:
        m = SAMPLED_UNITS
        c = np.where(counts[lay.pair_layer] > 0, m, 0)
        p = np.repeat(np.arange(len(c)), c)
        k = rng.integers(0, counts[lay.pair_layer[p]])
        u = order[start[lay.pair_layer[p]] + k]
        w = counts[lay.pair_layer[p]] / m
    valid = lay.unit_firm[u] != lay.pair_buyer[p]
    return p[valid], u[valid], w[valid]


def expected_links(z: _F, lay: Layout, f: _F, link: str, essential: bool,
                   cand: tuple[_I, _I, _F] | None = None,
                   rng: np.random.Generator | None = None) -> _F:
    """Expected link count per layer for the per-layer scale ``z`` (array of n_layers)."""
    if cand is None:
        cand = _candidates(lay, rng or np.random.default_rng(0))
    p, u, w = cand
    lam1 = lay.unit_w[u] * lay.pair_g[p] * f[lay.pair_region[p], lay.unit_region[u]]
    prob = _prob(z[lay.pair_layer[p]] * lam1, link)
    if essential:
        Lam = z[lay.pair_layer] * lay.pair_g * lay.pair_rate(f)
        norm = np.where(lay.pair_essential & (Lam > 0), -np.expm1(-Lam), 1.0)
        prob = prob / norm[p]
    return np.bincount(lay.pair_layer[p], weights=w * prob, minlength=lay.n_layers)


def solve_z(targets: _F, lay: Layout, f: _F, link: str, essential: bool,
            rng: np.random.Generator, *, per_layer: bool) -> tuple[_F, list[str]]:
    """Scales *z* (per layer, or one shared) so the expected link count meets ``targets``.

    Returns the scales and notes (a target out of reach is met as closely as possible and said).
    """
    cand = _candidates(lay, rng)
    notes: list[str] = []
    L = lay.n_layers

    def total(logz: float, mask: _B) -> float:
        z = np.full(L, np.exp(logz))
        return float(expected_links(z, lay, f, link, essential, cand)[mask].sum())

    rate1 = lay.pair_g * lay.pair_rate(f)
    top = float(rate1.max(initial=0.0))
    if top <= 0:
        return np.zeros(L), ["no buyer has a possible supplier: no links drawn"]
    # bracket: from a rate of 1e-12 to 1e4 contacts for the busiest demand pair
    lo, hi = np.log(1e-12 / top), np.log(1e4 / top)

    def solve(target: float, mask: _B, label: str) -> float:
        t_lo, t_hi = total(lo, mask), total(hi, mask)
        if target <= t_lo:
            notes.append(f"{label}: {target:.0f} links asked, at least {t_lo:.0f} needed "
                         "(every essential input gets a supplier); z set to its floor")
            return lo
        if target >= t_hi:
            notes.append(f"{label}: {target:.0f} links asked, about {t_hi:.0f} possible; "
                         "the network is (nearly) complete")
            return hi
        return float(optimize.brentq(lambda x: total(x, mask) - target, lo, hi,
                                     xtol=1e-12, rtol=1e-12, maxiter=500))

    if per_layer:
        z = np.zeros(L)
        for k in range(L):
            mask = np.zeros(L, bool)
            mask[k] = True
            z[k] = np.exp(solve(float(targets[k]), mask, f"layer {k}")) if targets[k] > 0 else 0.0
        return z, notes
    return np.full(L, np.exp(solve(float(np.sum(targets)), np.ones(L, bool), "network"))), notes


def solve_gamma(lay: Layout, dist: _F, d0_km: float, median_km: float) -> tuple[float, str]:
    """γ such that the median distance of the model's contacts equals ``median_km``.

    The contact mass at (layer, buyer region q, supplier region r) is
    ``G[l, q]·W[l, r]·f(q, r)``; self-pairs are included (a close approximation for links).
    """
    W = lay.layer_region_weight()
    G = np.zeros((lay.n_layers, lay.n_regions))
    np.add.at(G, (lay.pair_layer, lay.pair_region), lay.pair_g)
    base = G.T @ W  # base[q, r] = Σ_l G[l, q] W[l, r]
    flat_d = dist.ravel()
    order = np.argsort(flat_d, kind="stable")
    d_sorted = flat_d[order]
    base_sorted = base.ravel()[order]
    if base_sorted.sum() <= 0:
        return 0.0, "no supplier–buyer mass: distance decay off"

    def median(g: float) -> float:
        mass = base_sorted * (1.0 + d_sorted / d0_km) ** (-g)
        cum = np.cumsum(mass)
        return float(d_sorted[np.searchsorted(cum, 0.5 * cum[-1])])

    if median(0.0) <= median_km:
        return 0.0, f"median link distance {median(0.0):.0f} km without decay; γ = 0"
    if median(10.0) > median_km:
        return 10.0, (f"median link distance cannot reach {median_km:.0f} km "
                      f"(≥ {median(10.0):.0f} km with γ = 10); γ = 10")
    lo, hi = 0.0, 10.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if median(mid) > median_km:
            lo = mid
        else:
            hi = mid
    return hi, f"γ = {hi:.3f} for a median link distance of {median_km:.0f} km"


def _ztp(lam: _F, rng: np.random.Generator) -> _I:
    """Poisson(λ) conditioned on ≥ 1 (inverse CDF on the truncated range)."""
    p0 = np.exp(-lam)
    u = p0 + rng.random(len(lam)) * (1.0 - p0)
    k = stats.poisson.ppf(u, lam)
    k = np.where(np.isfinite(k), k, 1.0)
    return np.maximum(k, 1).astype(np.int64)


def sample_links(z: _F, lay: Layout, f: _F, link: str, essential: bool,
                 rng: np.random.Generator) -> tuple[_I, _I, _F, _I]:
    """One exact sample: (unit, pair, link probability, contacts) of every link, sorted by
    (pair, unit); ``contacts`` is the link's number of contacts ``N_ip`` (≥ 1)."""
    n_pairs = len(lay.pair_layer)
    Lam = z[lay.pair_layer] * lay.pair_g * lay.pair_rate(f)
    K = rng.poisson(Lam)
    if essential:
        force = lay.pair_essential & (Lam > 0)
        K[force] = _ztp(Lam[force], rng)
    pair = np.repeat(np.arange(n_pairs), K)
    if not len(pair):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)
    R = lay.n_regions
    W = lay.layer_region_weight()
    # units sorted by (layer, region); cumulative weights per group
    uorder = np.lexsort((lay.unit_region, lay.unit_layer))
    ukey = (lay.unit_layer * R + lay.unit_region)[uorder]
    cw = np.cumsum(lay.unit_w[uorder])
    gstart = np.searchsorted(ukey, np.arange(lay.n_layers * R), side="left")
    gend = np.searchsorted(ukey, np.arange(lay.n_layers * R), side="right")
    cw0 = np.concatenate([[0.0], cw])
    unit_of = np.empty(len(pair), np.int64)
    todo = np.arange(len(pair))
    layers = lay.pair_layer[pair]
    q = lay.pair_region[pair]
    for _ in range(1000):
        if not len(todo):
            break
        l_t, q_t = layers[todo], q[todo]
        r_t = np.empty(len(todo), np.int64)
        for lv in np.unique(l_t):
            sel = np.flatnonzero(l_t == lv)
            M = W[lv][None, :] * f  # M[q, r]
            cum = np.cumsum(M, axis=1)
            tot = cum[:, -1]
            # row q offset so rows are searchable in one sorted array
            offs = np.concatenate([[0.0], np.cumsum(tot)[:-1]])
            flat = (cum + offs[:, None]).ravel()
            qq = q_t[sel]
            target = offs[qq] + rng.random(len(sel)) * tot[qq]
            idx = np.searchsorted(flat, target, side="right")
            r = np.clip(idx - qq * R, 0, R - 1)
            # guard rounding at a row's end: step back to a region with weight
            bad = M[qq, r] <= 0
            while bad.any():
                r[bad] = np.maximum(r[bad] - 1, 0)
                bad = (M[qq, r] <= 0) & (r > 0)
            r_t[sel] = r
        g = l_t * R + r_t
        lo_c, hi_c = cw0[gstart[g]], cw0[gend[g]]
        target = lo_c + rng.random(len(todo)) * (hi_c - lo_c)
        k = np.clip(np.searchsorted(cw, target, side="right"), gstart[g], gend[g] - 1)
        u = uorder[k]
        ok = lay.unit_firm[u] != lay.pair_buyer[pair[todo]]
        unit_of[todo[ok]] = u[ok]
        todo = todo[~ok]
    if len(todo):
        raise ModelError("could not draw suppliers other than the buyer itself")
    key, contacts = np.unique(pair.astype(np.int64) * len(lay.unit_w) + unit_of,
                              return_counts=True)
    pr, un = key // len(lay.unit_w), key % len(lay.unit_w)
    lam = z[lay.pair_layer[pr]] * lay.unit_w[un] * lay.pair_g[pr] * f[lay.pair_region[pr],
                                                                        lay.unit_region[un]]
    prob = -np.expm1(-lam)
    if essential:
        forced = lay.pair_essential[pr] & (Lam[pr] > 0)
        prob = np.where(forced, prob / -np.expm1(-np.where(forced, Lam[pr], 1.0)), prob)
        prob = np.minimum(prob, 1.0)  # λ_ip = Λ_p (a single supplier): 1 up to rounding
    if link == "logistic":
        keep_p = (lam / (1.0 + lam)) / np.maximum(prob, 1e-300)
        keep = rng.random(len(pr)) < keep_p
        pr, un, lam, contacts = pr[keep], un[keep], lam[keep], contacts[keep]
        prob = lam / (1.0 + lam)
    return un, pr, prob, contacts.astype(np.int64)
