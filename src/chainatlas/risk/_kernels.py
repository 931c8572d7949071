"""Compiled frontier cascade (numba): the ESRI cascade updating only the firms it reaches.

A firm's next state is a function of its suppliers' (downstream) or customers' (upstream)
current state, its suppliers' replaceability σ and its own ψ — nothing else. So between two
steps only the customers of firms whose :math:`h^d` or σ changed, and the suppliers of firms
whose :math:`h^u` changed, can change; every other firm keeps its value *exactly* (the full
sweep would recompute it from identical inputs). The largest fall over the recomputed firms is
therefore the full sweep's largest fall (the others fall by exactly 0), so the frontier method
stops at the same step with the same state.

σ reads the sector totals :math:`A_K = S_K - \\sum_{j \\in K,\\,h^d_j<1} s^{out}_j (1 - h^d_j)`
(:math:`S_K` the sector's intact output), summed over the damaged firms only; σ only matters
for damaged suppliers (the loss term is σ·(1 − h^d)), so a change of :math:`A_K` is propagated
from the damaged firms of *K* whose σ actually changed.

Workspace (one per thread, reused across scenarios): ``fw`` float rows hd, hu, psi, sigma,
new_d, new_u, sector loss; ``iw`` int rows mark_d, mark_u, cand_d, cand_u, prop_d, prop_u,
touched, touched flag, damaged, damaged flag, prop mark; ``ctr[0]`` a stamp counter.
"""

from __future__ import annotations

import numba
import numpy as np

from chainatlas.risk.full_sweep import SIGMA_FLOOR

_HD, _HU, _PSI, _SIG, _ND, _NU, _LSEC = 0, 1, 2, 3, 4, 5, 6
_MD, _MU, _CD, _CU, _PD, _PU, _TL, _TF, _DL, _DF, _PM = range(11)
N_FLOAT_ROWS, N_INT_ROWS = 7, 11


def new_workspace(n: int, n_sectors: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fw = np.ones((N_FLOAT_ROWS, max(n, n_sectors)), dtype=np.float64)
    iw = np.zeros((N_INT_ROWS, n), dtype=np.int64)
    return fw, iw, np.zeros(1, dtype=np.int64)


@numba.njit(cache=True, inline="always")
def _hd_update(j, d_ptr, d_sup, d_coef, d_key, hd, sig, psi, sub):  # pragma: no cover
    lin = 0.0
    leo = 1.0
    cur = -1
    acc = 0.0
    for e in range(d_ptr[j], d_ptr[j + 1]):
        i = d_sup[e]
        loss = 1.0 - hd[i]
        if sub:
            loss *= sig[i]
        k = d_key[e]
        if k < 0:
            lin += d_coef[e] * loss
        else:
            if k != cur:
                if cur >= 0:
                    leo = min(leo, 1.0 - acc)
                cur = k
                acc = 0.0
            acc += d_coef[e] * loss
    if cur >= 0:
        leo = min(leo, 1.0 - acc)
    v = min(min(leo, 1.0 - lin), psi[j])
    return max(0.0, v)


@numba.njit(cache=True, inline="always")
def _hu_update(i, u_ptr, u_cus, u_coef, hu, psi):  # pragma: no cover
    acc = 0.0
    for e in range(u_ptr[i], u_ptr[i + 1]):
        acc += u_coef[e] * (1.0 - hu[u_cus[e]])
    return max(0.0, min(psi[i], 1.0 - acc))


@numba.njit(cache=True)
def _touch(iw, j, nt):  # pragma: no cover
    if iw[_TF, j] == 0:
        iw[_TF, j] = 1
        iw[_TL, nt] = j
        return nt + 1
    return nt


@numba.njit(cache=True)
def run_cascade(sector, s_out, sector_out, d_ptr, d_sup, d_coef, d_key, dn_ptr, dn_cus,
                u_ptr, u_cus, u_coef, up_ptr, up_sup, seeds, seed_psi, eps, sub, max_steps,
                fw, iw, ctr):  # pragma: no cover - compiled
    """One scenario; leaves the final state in the workspace. Returns
    ``(n_touched, steps, stop_margin, capped)``; call :func:`release` afterwards."""
    hd = fw[_HD]
    hu = fw[_HU]
    psi = fw[_PSI]
    sig = fw[_SIG]
    new_d = fw[_ND]
    new_u = fw[_NU]
    lsec = fw[_LSEC]
    n_sec = sector_out.size
    nt = 0
    nd = 0
    npd = 0
    npu = 0
    c = ctr[0] + 1
    for q in range(seeds.size):
        s = seeds[q]
        v = seed_psi[q]
        psi[s] = v
        hd[s] = v
        hu[s] = v
        nt = _touch(iw, s, nt)
    for q in range(seeds.size):
        s = seeds[q]
        if psi[s] < 1.0 and iw[_PM, s] != c:
            iw[_PM, s] = c
            iw[_PD, npd] = s
            npd += 1
            iw[_PU, npu] = s
            npu += 1
            if iw[_DF, s] == 0:
                iw[_DF, s] = 1
                iw[_DL, nd] = s
                nd += 1
    if sub and nd > 0:
        for k in range(n_sec):
            lsec[k] = 0.0
        for q in range(nd):
            i = iw[_DL, q]
            lsec[sector[i]] += s_out[i] * (1.0 - hd[i])
        for q in range(nd):
            i = iw[_DL, q]
            a = sector_out[sector[i]] - lsec[sector[i]]
            if a <= SIGMA_FLOOR:
                a = 1.0
            sig[i] = min(1.0, s_out[i] / a)
    steps = 0
    margin = np.inf
    capped = False
    while True:
        if steps >= max_steps:
            capped = True
            break
        steps += 1
        c += 1
        ncd = 0
        for q in range(npd):
            i = iw[_PD, q]
            for e in range(dn_ptr[i], dn_ptr[i + 1]):
                j = dn_cus[e]
                if iw[_MD, j] != c:
                    iw[_MD, j] = c
                    iw[_CD, ncd] = j
                    ncd += 1
        ncu = 0
        for q in range(npu):
            j = iw[_PU, q]
            for e in range(up_ptr[j], up_ptr[j + 1]):
                i = up_sup[e]
                if iw[_MU, i] != c:
                    iw[_MU, i] = c
                    iw[_CU, ncu] = i
                    ncu += 1
        fall = 0.0
        for q in range(ncd):
            j = iw[_CD, q]
            v = _hd_update(j, d_ptr, d_sup, d_coef, d_key, hd, sig, psi, sub)
            new_d[q] = v
            if hd[j] - v > fall:
                fall = hd[j] - v
        for q in range(ncu):
            i = iw[_CU, q]
            v = _hu_update(i, u_ptr, u_cus, u_coef, hu, psi)
            new_u[q] = v
            if hu[i] - v > fall:
                fall = hu[i] - v
        npd = 0
        npu = 0
        anyd = False
        for q in range(ncd):
            j = iw[_CD, q]
            v = new_d[q]
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
        for q in range(ncu):
            i = iw[_CU, q]
            v = new_u[q]
            if v != hu[i]:
                hu[i] = v
                iw[_PU, npu] = i
                npu += 1
                nt = _touch(iw, i, nt)
        if sub and anyd:
            for k in range(n_sec):
                lsec[k] = 0.0
            for q in range(nd):
                i = iw[_DL, q]
                lsec[sector[i]] += s_out[i] * (1.0 - hd[i])
            for q in range(nd):
                i = iw[_DL, q]
                a = sector_out[sector[i]] - lsec[sector[i]]
                if a <= SIGMA_FLOOR:
                    a = 1.0
                s_new = min(1.0, s_out[i] / a)
                if s_new != sig[i]:
                    sig[i] = s_new
                    if iw[_PM, i] != c:
                        iw[_PM, i] = c
                        iw[_PD, npd] = i
                        npd += 1
        d = abs(fall - eps)
        if d < margin:
            margin = d
        if fall <= eps:
            break
    ctr[0] = c
    return nt, steps, margin, capped


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
def release(fw, iw, nt):  # pragma: no cover - compiled
    """Put the touched firms back to the intact state."""
    for q in range(nt):
        j = iw[_TL, q]
        fw[_HD, j] = 1.0
        fw[_HU, j] = 1.0
        fw[_PSI, j] = 1.0
        iw[_TF, j] = 0
        iw[_DF, j] = 0


@numba.njit(cache=True, parallel=True)
def all_single_firm(firms, weights, sector, s_out, sector_out, d_ptr, d_sup, d_coef, d_key,
                    dn_ptr, dn_cus, u_ptr, u_cus, u_coef, up_ptr, up_sup, eps, sub, max_steps,
                    n_chunks):  # pragma: no cover - compiled
    """ESRI of the scenario "firm k closes" for every k in ``firms`` (threads over chunks).

    Returns a ``(len(firms), 6)`` array: esri, down, up, steps, stop margin, firms touched;
    and a bool array, True where the step cap bound.
    """
    m = firms.size
    n = sector.size
    n_sec = sector_out.size
    out = np.zeros((m, 6), dtype=np.float64)
    cap = np.zeros(m, dtype=np.bool_)
    width = max(n, n_sec)
    for ch in numba.prange(n_chunks):
        lo = (m * ch) // n_chunks
        hi = (m * (ch + 1)) // n_chunks
        if lo >= hi:
            continue
        fw = np.ones((N_FLOAT_ROWS, width), dtype=np.float64)
        iw = np.zeros((N_INT_ROWS, n), dtype=np.int64)
        ctr = np.zeros(1, dtype=np.int64)
        seeds = np.zeros(1, dtype=np.int64)
        spsi = np.zeros(1, dtype=np.float64)
        for r in range(lo, hi):
            seeds[0] = firms[r]
            nt, steps, margin, capped = run_cascade(
                sector, s_out, sector_out, d_ptr, d_sup, d_coef, d_key, dn_ptr, dn_cus,
                u_ptr, u_cus, u_coef, up_ptr, up_sup, seeds, spsi, eps, sub, max_steps,
                fw, iw, ctr)
            t, dn, up = esri_sums(weights, fw, iw, nt)
            out[r, 0] = t
            out[r, 1] = dn
            out[r, 2] = up
            out[r, 3] = steps
            out[r, 4] = margin
            out[r, 5] = nt
            cap[r] = capped
            release(fw, iw, nt)
    return out, cap
