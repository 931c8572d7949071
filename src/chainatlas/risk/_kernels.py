r"""Compiled frontier cascade (numba): the ESRI cascade updating only the firms it reaches.

A firm's next state is a function of its suppliers' (downstream) or customers' (upstream)
current state, its suppliers' replaceability σ and its own ψ — nothing else. So between two
steps only the customers of firms whose :math:`h^d` or σ changed, and the suppliers of firms
whose :math:`h^u` changed, can change; every other firm keeps its value *exactly* (the full
sweep would recompute it from identical inputs). The largest fall over the recomputed firms is
therefore the full sweep's largest fall (the others fall by exactly 0), so the frontier method
stops at the same step with the same state.

The sums are kept as accumulators that changed firms *push* into (work per step = the links of
the firms that changed, not the in-links of every firm they reach): ``acc_d[j]`` is the
non-essential loss :math:`\sum \Lambda^d_{ij} \sigma_i (1 - h^d_i)` of customer *j*,
``acc_d[n + g]`` the loss of group *g* = (customer, essential supplier sector), ``acc_u[i]`` the
upstream loss :math:`\sum_j \Lambda^u_{ij} (1 - h^u_j)`. Summing the same terms in another order
changes the result by rounding only (~1e-16); the tests hold it to the full sweep.

σ reads the sector totals :math:`A_K = S_K - \sum_{j \in K,\,h^d_j<1} s^{out}_j (1 - h^d_j)`
summed over the damaged firms only; σ only matters for damaged suppliers (the loss term is
σ·(1 − h^d)), so a change of :math:`A_K` is pushed from the damaged firms whose σ changed.
"""

from __future__ import annotations

import numba
import numpy as np

from chainatlas.config import prepare_threads
from chainatlas.risk.full_sweep import SIGMA_FLOOR

prepare_threads()   # idle threads sleep at barriers (before numba starts its threads)

_HD, _HU, _PSI, _SIG, _NV, _LSEC, _TERM, _ACCU, _DU = range(9)
_MD, _MU, _CD, _CU, _PD, _CHU, _TL, _TF, _DL, _DF, _PM, _XL, _XF = range(13)
N_FLOAT_ROWS, N_INT_ROWS = 9, 13
#: The int32 marks hold a step counter; past this it restarts (after clearing the marks).
MARK_LIMIT = 2**31 - 2**20


def new_workspace(n: int, n_sectors: int, n_slots: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    fw = np.ones((N_FLOAT_ROWS, max(n, n_sectors, 1)), dtype=np.float64)
    fw[_TERM] = 0.0
    fw[_ACCU] = 0.0
    iw = np.zeros((N_INT_ROWS, max(n, 1)), dtype=np.int32)
    return fw, iw, np.zeros(max(n_slots, 1), dtype=np.float64), np.zeros(1, dtype=np.int64)


@numba.njit(cache=True)
def _touch(iw, j, nt):  # pragma: no cover
    if iw[_TF, j] == 0:
        iw[_TF, j] = 1
        iw[_TL, nt] = j
        return nt + 1
    return nt


@numba.njit(cache=True)
def _dirty(iw, j, nx):  # pragma: no cover
    if iw[_XF, j] == 0:
        iw[_XF, j] = 1
        iw[_XL, nx] = j
        return nx + 1
    return nx


@numba.njit(cache=True)
def _sigma(sector, s_out, sector_out, fw, iw, nd):  # pragma: no cover
    """σ of every damaged firm from the sector totals; returns nothing, writes fw[_NV] = old σ."""
    lsec = fw[_LSEC]
    for k in range(sector_out.size):
        lsec[k] = 0.0
    for q in range(nd):
        i = iw[_DL, q]
        lsec[sector[i]] += s_out[i] * (1.0 - fw[_HD, i])
    for q in range(nd):
        i = iw[_DL, q]
        a = sector_out[sector[i]] - lsec[sector[i]]
        if a <= SIGMA_FLOOR:
            a = 1.0
        fw[_SIG, i] = min(1.0, s_out[i] / a)


@numba.njit(cache=True)
def run_cascade(sector, s_out, sector_out, g_ptr, dn_ptr, dn_cus, dn_coef, dn_slot,
                up_ptr, up_sup, up_coef, seeds, seed_psi, eps, sub, max_steps,
                fw, iw, accd, ctr):  # pragma: no cover - compiled
    """One scenario; leaves the final state in the workspace. Returns
    ``(n_touched, n_dirty, steps, stop_margin, capped)``; call :func:`release` afterwards."""
    n = sector.size
    hd = fw[_HD]
    hu = fw[_HU]
    psi = fw[_PSI]
    sig = fw[_SIG]
    newv = fw[_NV]
    term = fw[_TERM]
    accu = fw[_ACCU]
    du = fw[_DU]
    nt = 0
    nx = 0
    nd = 0
    c = ctr[0] + 1
    if c > MARK_LIMIT:   # the int32 step marks would overflow: clear them, count afresh
        for j in range(n):
            iw[_MD, j] = 0
            iw[_MU, j] = 0
            iw[_PM, j] = 0
        c = 1
    for q in range(seeds.size):
        s = seeds[q]
        psi[s] = seed_psi[q]
        nt = _touch(iw, s, nt)
    # prop_d: firms whose loss term must be pushed; chu: firms whose hu fell (delta in du)
    npd = 0
    nchu = 0
    for q in range(seeds.size):
        s = seeds[q]
        if psi[s] < 1.0 and iw[_PM, s] != c:
            iw[_PM, s] = c
            iw[_PD, npd] = s
            npd += 1
            iw[_CHU, nchu] = s
            du[s] = 1.0 - psi[s]
            nchu += 1
            hd[s] = psi[s]
            hu[s] = psi[s]
            if iw[_DF, s] == 0:
                iw[_DF, s] = 1
                iw[_DL, nd] = s
                nd += 1
    if sub and nd > 0:
        _sigma(sector, s_out, sector_out, fw, iw, nd)
    steps = 0
    margin = np.inf
    capped = False
    while True:
        # push the changes of the state just committed; collect who must be recomputed
        c += 1
        ncd = 0
        for q in range(npd):
            i = iw[_PD, q]
            t_new = 1.0 - hd[i]
            if sub:
                t_new *= sig[i]
            d = t_new - term[i]
            if d == 0.0:
                continue
            term[i] = t_new
            for e in range(dn_ptr[i], dn_ptr[i + 1]):
                j = dn_cus[e]
                accd[dn_slot[e]] += dn_coef[e] * d
                if iw[_MD, j] != c:
                    iw[_MD, j] = c
                    iw[_CD, ncd] = j
                    ncd += 1
                    nx = _dirty(iw, j, nx)
        ncu = 0
        for q in range(nchu):
            j = iw[_CHU, q]
            d = du[j]
            for e in range(up_ptr[j], up_ptr[j + 1]):
                i = up_sup[e]
                accu[i] += up_coef[e] * d
                if iw[_MU, i] != c:
                    iw[_MU, i] = c
                    iw[_CU, ncu] = i
                    ncu += 1
                    nx = _dirty(iw, i, nx)
        if steps >= max_steps:
            capped = True
            break
        steps += 1
        # new values of the recomputed firms (downstream first into newv, then commit)
        fall = 0.0
        for q in range(ncd):
            j = iw[_CD, q]
            v = 1.0 - accd[j]
            for g in range(g_ptr[j], g_ptr[j + 1]):
                x = 1.0 - accd[n + g]
                if x < v:
                    v = x
            if psi[j] < v:
                v = psi[j]
            if v < 0.0:
                v = 0.0
            newv[j] = v
            if hd[j] - v > fall:
                fall = hd[j] - v
        for q in range(ncu):
            i = iw[_CU, q]
            v = 1.0 - accu[i]
            if psi[i] < v:
                v = psi[i]
            if v < 0.0:
                v = 0.0
            if hu[i] - v > fall:
                fall = hu[i] - v
            du[i] = hu[i] - v
        npd = 0
        anyd = False
        for q in range(ncd):
            j = iw[_CD, q]
            v = newv[j]
            if v != hd[j]:
                hd[j] = v
                iw[_PM, j] = c
                iw[_PD, npd] = j
                npd += 1
                anyd = True
                nt = _touch(iw, j, nt)
                if iw[_DF, j] == 0:
                    iw[_DF, j] = 1
                    iw[_DL, nd] = j
                    nd += 1
        nchu = 0
        for q in range(ncu):
            i = iw[_CU, q]
            d = du[i]
            if d != 0.0:
                hu[i] = hu[i] - d
                iw[_CHU, nchu] = i
                nchu += 1
                nt = _touch(iw, i, nt)
        d0 = abs(fall - eps)
        if d0 < margin:
            margin = d0
        if fall <= eps:
            break
        if sub and anyd:
            _sigma(sector, s_out, sector_out, fw, iw, nd)
            for q in range(nd):
                i = iw[_DL, q]
                if iw[_PM, i] != c:
                    t_new = sig[i] * (1.0 - hd[i])
                    if t_new != term[i]:
                        iw[_PM, i] = c
                        iw[_PD, npd] = i
                        npd += 1
    ctr[0] = c
    return nt, nx, steps, margin, capped


@numba.njit(cache=True)
def esri_sums(weights, fw, iw, nt):  # pragma: no cover - compiled
    """(ESRI, ESRI_down, ESRI_up) of the state in the workspace (sums over touched firms)."""
    tot = 0.0
    dn = 0.0
    up = 0.0
    for q in range(nt):
        j = iw[_TL, q]
        a = fw[_HD, j]
        b = fw[_HU, j]
        w = weights[j]
        tot += w * (1.0 - min(a, b))
        dn += w * (1.0 - a)
        up += w * (1.0 - b)
    return tot, dn, up


@numba.njit(cache=True)
def release(g_ptr, fw, iw, accd, nt, nx):  # pragma: no cover - compiled
    """Put the touched firms and the accumulators back to the intact state."""
    n = g_ptr.size - 1
    for q in range(nt):
        j = iw[_TL, q]
        fw[_HD, j] = 1.0
        fw[_HU, j] = 1.0
        fw[_PSI, j] = 1.0
        fw[_TERM, j] = 0.0
        iw[_TF, j] = 0
        iw[_DF, j] = 0
    for q in range(nx):
        j = iw[_XL, q]
        iw[_XF, j] = 0
        fw[_ACCU, j] = 0.0
        accd[j] = 0.0
        for g in range(g_ptr[j], g_ptr[j + 1]):
            accd[n + g] = 0.0


@numba.njit(cache=True, parallel=True)
def all_single_firm(firms, weights, sector, s_out, sector_out, g_ptr, dn_ptr, dn_cus, dn_coef,
                    dn_slot, up_ptr, up_sup, up_coef, n_slots, eps, sub, max_steps,
                    n_chunks):  # pragma: no cover - compiled
    """ESRI of the scenario "firm k closes" for every k in ``firms`` (threads over chunks).

    Returns a ``(len(firms), 6)`` array: esri, down, up, steps, stop margin, firms touched;
    and a bool array, True where the step cap bound.
    """
    m = firms.size
    n = sector.size
    width = max(n, sector_out.size, 1)
    out = np.zeros((m, 6), dtype=np.float64)
    cap = np.zeros(m, dtype=np.bool_)
    for ch in numba.prange(n_chunks):
        lo = (m * ch) // n_chunks
        hi = (m * (ch + 1)) // n_chunks
        if lo >= hi:
            continue
        fw = np.ones((N_FLOAT_ROWS, width), dtype=np.float64)
        fw[_TERM] = 0.0
        fw[_ACCU] = 0.0
        iw = np.zeros((N_INT_ROWS, max(n, 1)), dtype=np.int32)
        accd = np.zeros(max(n_slots, 1), dtype=np.float64)
        ctr = np.zeros(1, dtype=np.int64)
        seeds = np.zeros(1, dtype=np.int64)
        spsi = np.zeros(1, dtype=np.float64)
        for r in range(lo, hi):
            seeds[0] = firms[r]
            nt, nx, steps, margin, capped = run_cascade(
                sector, s_out, sector_out, g_ptr, dn_ptr, dn_cus, dn_coef, dn_slot,
                up_ptr, up_sup, up_coef, seeds, spsi, eps, sub, max_steps, fw, iw, accd, ctr)
            t, dn, up = esri_sums(weights, fw, iw, nt)
            out[r, 0] = t
            out[r, 1] = dn
            out[r, 2] = up
            out[r, 3] = steps
            out[r, 4] = margin
            out[r, 5] = nt
            cap[r] = capped
            release(g_ptr, fw, iw, accd, nt, nx)
    return out, cap
