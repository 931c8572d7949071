"""Economic Systemic Risk Index (ESRI) of Diem et al. (2022), by the frontier cascade.

.. math::

    \\mathrm{ESRI} = \\sum_j w_j \\bigl(1 - \\min(h^d_j, h^u_j)\\bigr), \\quad
    \\mathrm{ESRI}^{down} = \\sum_j w_j (1 - h^d_j), \\quad
    \\mathrm{ESRI}^{up} = \\sum_j w_j (1 - h^u_j)

with :math:`h^d, h^u` the cascade's state at the ε stopping step (not the fixed point) and
weights :math:`w_j = s^{out}_j / \\sum_k s^{out}_k` by default; the shocked firm's own loss is
included. The cascade is the one of :mod:`chainatlas.risk.full_sweep`, computed by the compiled
frontier kernel in :mod:`chainatlas.risk._kernels`: same steps, same state, but the work is
proportional to the firms the cascade reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from chainatlas.config import compute_threads
from chainatlas.exceptions import InputError
from chainatlas.risk import _kernels as K
from chainatlas.risk.network import EsriNetwork

__all__ = ["Cascade", "EsriResult", "esri_cascade", "esri_scenario", "esri_single_firms"]

_F64 = npt.NDArray[np.float64]
_I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class EsriResult:
    """Per scenario arrays (one entry per firm or ψ scenario)."""

    esri: _F64
    esri_downstream: _F64
    esri_upstream: _F64
    steps: _I64
    stop_margin: _F64
    touched: _I64
    capped: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Cascade:
    """The full final state of one scenario (for reasons and drawing a firm's loss cascade)."""

    hd: _F64
    hu: _F64
    weights: _F64
    steps: int
    stop_margin: float
    capped: bool

    @property
    def loss(self) -> _F64:
        """Weighted loss of every firm, :math:`w_j (1 - \\min(h^d_j, h^u_j))`."""
        return self.weights * (1.0 - np.minimum(self.hd, self.hu))

    @property
    def esri(self) -> float:
        return float(self.loss.sum())


def _weights(net: EsriNetwork, weights: npt.ArrayLike | None) -> _F64:
    if weights is None:
        return net.out_strength_weights()
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.size != net.n:
        raise InputError(f"weights must have one entry per firm ({net.n}), got {w.size}")
    if not np.all(np.isfinite(w)) or w.min(initial=0.0) < 0 or w.sum() <= 0:
        raise InputError("weights must be finite, ≥ 0 and not all zero")
    return w / w.sum()


def _check(epsilon: float, max_steps: int) -> None:
    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise InputError(f"epsilon must be a finite number ≥ 0, got {epsilon}")
    if max_steps < 1:
        raise InputError("max_steps must be ≥ 1")
    if epsilon == 0 and max_steps >= 10**9:
        raise InputError("epsilon = 0 never stops in strongly connected networks: give max_steps")


def _args(net: EsriNetwork) -> tuple[object, ...]:
    return (net.k_sector, net.k_s_out, net.sector_out, net.g_ptr, net.dn_ptr, net.dn_cus,
            net.dn_coef, net.dn_slot, net.up_ptr, net.up_sup, net.up_coef)


def esri_single_firms(net: EsriNetwork, firms: npt.ArrayLike | None = None, *,
                      epsilon: float = 0.01, substitution: bool = True,
                      weights: npt.ArrayLike | None = None, max_steps: int = 10**9,
                      threads: int | None = None, chunks: int | None = None) -> EsriResult:
    """ESRI of every scenario "firm *k* closes" (ψ_k = 0, all others 1).

    Parameters
    ----------
    net : the cascade network (:func:`chainatlas.risk.esri_network`).
    firms : firm positions to evaluate (default: every firm).
    epsilon : the stopping rule's tolerance ε (the reference uses 0.01).
    substitution : replaceability σ on (default) or off.
    weights : aggregation weights (default: out-strength); normalised to sum 1.
    max_steps : optional cap on steps (none in the reference); ``capped`` says where it bound.
    threads : threads (default: ``CHAINATLAS_THREADS``, else every thread numba started;
        never more than ``CHAINATLAS_THREADS`` allows, see
        :func:`chainatlas.config.compute_threads`). The numbers do not depend on it: every
        scenario runs whole on one thread.
    chunks : scenario batches (default: 8 per thread).

    >>> from chainatlas.risk import esri_network
    >>> net = esri_network([0], [1], [1.0], [0, 0], [[2]])
    >>> esri_single_firms(net).esri.tolist()
    [1.0, 1.0]
    """
    _check(epsilon, max_steps)
    w = _weights(net, weights)
    f = np.arange(net.n, dtype=np.int64) if firms is None else \
        np.asarray(firms, dtype=np.int64).ravel()
    if f.size and (f.min() < 0 or f.max() >= net.n):
        raise InputError(f"firm positions must lie in 0..{net.n - 1}")
    old = numba.get_num_threads()
    allowed = compute_threads(numba.config.NUMBA_NUM_THREADS)
    nthreads = allowed if threads is None else max(1, min(int(threads), allowed))
    numba.set_num_threads(nthreads)
    # chunks are handed to threads one at a time as they free up (a thread held up by
    # another process on a shared machine takes fewer), not split in equal halves up front
    old_chunk = numba.set_parallel_chunksize(1)
    try:
        n_chunks = chunks if chunks is not None else max(1, min(f.size, 8 * nthreads))
        out, cap = K.all_single_firm(net.rank[f], w[net.order], *_args(net), int(net.n_slots),
                                     float(epsilon),
                                     bool(substitution), int(max_steps), int(n_chunks))
    finally:
        numba.set_parallel_chunksize(old_chunk)
        numba.set_num_threads(old)
    return EsriResult(esri=out[:, 0].copy(), esri_downstream=out[:, 1].copy(),
                      esri_upstream=out[:, 2].copy(), steps=out[:, 3].astype(np.int64),
                      stop_margin=out[:, 4].copy(), touched=out[:, 5].astype(np.int64),
                      capped=cap)


def _psi_seeds(net: EsriNetwork, psi: npt.ArrayLike) -> tuple[_I64, _F64]:
    p = np.asarray(psi, dtype=np.float64).ravel()
    if p.size != net.n:
        raise InputError(f"ψ must have one capacity per firm ({net.n}), got {p.size}")
    if not np.all(np.isfinite(p)) or p.min(initial=1.0) < 0 or p.max(initial=0.0) > 1:
        raise InputError("ψ must lie in [0, 1] (1 intact, 0 closed)")
    p = p[net.order]   # the kernels' internal order
    seeds = np.flatnonzero(p < 1.0).astype(np.int64)
    return seeds, p[seeds].astype(np.float64)


def esri_cascade(net: EsriNetwork, psi: npt.ArrayLike, *, epsilon: float = 0.01,
                 substitution: bool = True, weights: npt.ArrayLike | None = None,
                 max_steps: int = 10**9) -> Cascade:
    """The final state of the cascade from capacities ``psi`` (one per firm, in [0, 1])."""
    _check(epsilon, max_steps)
    w = _weights(net, weights)
    seeds, spsi = _psi_seeds(net, psi)
    fw, iw, accd, ctr = K.new_workspace(net.n, net.n_sectors, net.n_slots)
    nt, nx, steps, margin, capped = K.run_cascade(*_args(net), seeds, spsi, float(epsilon),
                                                  bool(substitution), int(max_steps), fw, iw,
                                                  accd, ctr)
    return Cascade(hd=fw[K._HD, net.rank].copy(), hu=fw[K._HU, net.rank].copy(), weights=w,
                   steps=int(steps), stop_margin=float(margin), capped=bool(capped))


def esri_scenario(net: EsriNetwork, psis: npt.ArrayLike, *, epsilon: float = 0.01,
                  substitution: bool = True, weights: npt.ArrayLike | None = None,
                  max_steps: int = 10**9) -> EsriResult:
    """ESRI of one or more ψ scenarios (``psis``: one vector of length *n*, or rows of them)."""
    _check(epsilon, max_steps)
    w = _weights(net, weights)
    p = np.atleast_2d(np.asarray(psis, dtype=np.float64))
    m = p.shape[0]
    res = np.zeros((m, 6))
    cap = np.zeros(m, dtype=bool)
    fw, iw, accd, ctr = K.new_workspace(net.n, net.n_sectors, net.n_slots)
    w_int = w[net.order]
    for r in range(m):
        seeds, spsi = _psi_seeds(net, p[r])
        nt, nx, steps, margin, capped = K.run_cascade(*_args(net), seeds, spsi, float(epsilon),
                                                      bool(substitution), int(max_steps), fw,
                                                      iw, accd, ctr)
        t, dn, up = K.esri_sums(w_int, fw, iw, nt)
        res[r] = (t, dn, up, steps, margin, nt)
        cap[r] = capped
        K.release(net.g_ptr, fw, iw, accd, nt, nx)
    return EsriResult(esri=res[:, 0].copy(), esri_downstream=res[:, 1].copy(),
                      esri_upstream=res[:, 2].copy(), steps=res[:, 3].astype(np.int64),
                      stop_margin=res[:, 4].copy(), touched=res[:, 5].astype(np.int64),
                      capped=cap)
