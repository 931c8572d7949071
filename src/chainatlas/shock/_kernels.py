r"""Numba kernels of one simulated day of the Inoue–Todo model (see :mod:`.firm_model`).

State per link is the absolute stock ``S[e]`` (10,000 CNY) and the order of the day
``O_b[pos_b[e]]``; per group of links (a customer's suppliers of one input segment) the stock
sum ``S_grp`` and whether every stock is exactly at its target ``n_g A_e``; per firm the
production ratio ``x[i] = P_act,i / P_ini,i``. Both ends of the range are exact:

- a group at its target consumes exactly :math:`x_i A_e` per link and an undisturbed firm
  orders exactly :math:`A_e`, so an unshocked network reproduces the baseline bit for bit;
- a group whose stock set (or exactly met) the day's output is used up exactly (see
  :data:`USED_UP`): an input exhausted with nothing delivered gives exactly 0 output, and a firm
  at 0 that orders for its production orders exactly 0.

Orders live in *bucket-major* order (:class:`~chainatlas.shock.network.ModelLayout`): links
grouped by contiguous ranges of suppliers, one bucket per thread, in link order within a
bucket. The customer pass walks customers and writes each order into its bucket (one
sequential stream per bucket); the production pass gives each thread a bucket, streams its
orders and sums them per supplier into the slice of the demand vector that bucket owns. A
supplier's orders are summed in link order either way, so the demand it sees is bit-identical
to a serial scatter in link order (the fused path of the single-threaded kernels and
:func:`demand_deviation`), whatever the number of buckets or threads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, prange

from chainatlas._jit import clone_function
from chainatlas.config import prepare_threads

prepare_threads()   # idle threads sleep at barriers (before numba starts its threads)

__all__ = ["USED_UP", "day_kernels", "demand_deviation"]

PROPORTIONAL = 0
PRIORITY = 1

#: A group whose stock, after the day's use, would cover less than ``USED_UP`` × its target
#: days is used up (stock 0, only new deliveries kept). In exact arithmetic a stock that sets
#: output (x = S_g/A_g), or one that exactly meets the day's use, leaves exactly 0; computed
#: stocks carry rounding of order 1e-16–1e-14 of their target, and under ``order_basis:
#: production`` such a residual grows by 1 + n/τ a day until a dead firm restarts. 1e-12 is
#: far above that rounding and far below any stock worth keeping.
USED_UP = 1e-12


def _customer_pass(active, cust_grp_ptr, grp_ptr, grp_n, grp_ess, A_g, A, sup, S, S_grp,
                   at_target, O_b, pos_b, x, b, level, rule, inv_tau, inv_ratio, dd,
                   fuse_demand):  # pragma: no cover
    """Inventory renewal, orders and inventory-feasible output of every customer (in place).

    ``S`` holds the absolute stock of every link and ``S_grp[g]`` its group's sum
    :math:`S_g = \\sum_{e \\in g} S_e` (summed in link order, kept from one day to the next);
    ``at_target[g]`` says every stock of group *g* is exactly at its target :math:`n_g A_e`.
    Deliveries of the previous day are ``O_e * level[sup]`` (proportional) or
    ``min(O_e, level[sup] * A[e])`` (priority water level). ``x`` is the previous day's
    production ratio (drives consumption), ``b`` the ratio orders are based on (previous
    production, planned output or demand, :math:`D^*_i/P^{ini}_i`).

    Consumption of link *e* is :math:`S_e \\, x_i A_g / S_g`, written so that the model's zeros
    and its baseline are exact:

    - a group at its target stock consumes exactly :math:`x_i A_e` (the pro-rata share of a
      group at target), so an undisturbed firm stays at its baseline bit for bit;
    - a group whose stock limited production (:math:`x_i = S_g/A_g`, the same quotient that
      set :math:`x_i`, or within :data:`USED_UP` :math:`n_g` of it) consumes exactly its whole
      stock and keeps only the new deliveries: an input used up with no delivery leaves
      exactly 0, so the firm's output is exactly 0 and, ordering for 0, stays there under
      ``order_basis: production`` (a rounding residual would otherwise grow by
      :math:`1+n/\\tau` a day until the firm restarts);
    - otherwise :math:`x_i A_e` for a group of one supplier and :math:`S_e\\,x_i A_g/S_g`
      for several; stocks are floored at 0.

    With ``fuse_demand`` (serial use only) the order deviations are also scattered into ``dd``
    (zeroed by the caller), saving the separate :func:`demand_deviation` pass;
    ``inv_ratio[i]`` receives :math:`\\min_{g\\,essential} S_g / A_g` over the groups holding
    less than a day of use (∞ if none: capacity never exceeds 1, so a group with a day of stock
    or more cannot bind, and the division is skipped). Only the customers listed in ``active``
    (ascending) are updated: every other one is exactly at its baseline and would not change.
    """
    for q in prange(len(active)):
        i = active[q]
        xi = x[i]
        bi = b[i]
        inv = np.inf
        for g in range(cust_grp_ptr[i], cust_grp_ptr[i + 1]):
            e0 = grp_ptr[g]
            e1 = grp_ptr[g + 1]
            ng = grp_n[g]
            Ag = A_g[g]
            base = at_target[g]
            single = e1 - e0 == 1
            Sg = S[e0] if single else S_grp[g]
            # used up: yesterday's output reached the quotient S_g/A_g that set it (within
            # USED_UP·n_g); only a group with less than two days of stock can qualify
            used_up = False
            q_over = 1.0
            if not base and Sg < 2.0 * Ag:
                rg = Sg / Ag
                used_up = xi >= rg - USED_UP * ng
                if used_up and xi > rg and rg > 0.0:
                    q_over = xi / rg            # non-essential input: output exceeded r_g
            share = 0.0
            if not (base or used_up or single):
                share = xi * Ag / Sg if Sg > 0.0 else 0.0
            sg_new = 0.0
            still = True
            for e in range(e0, e1):
                a = A[e]
                lv = level[sup[e]]
                p = pos_b[e]
                o = O_b[p]
                if rule == PROPORTIONAL:
                    deliv = o * lv
                else:
                    cap = lv * a
                    deliv = o if o <= cap else cap
                se = S[e]
                if base:
                    new = se + (deliv - xi * a)     # at target: the pro-rata share is x_i A_e
                elif used_up:
                    new = (se - se * q_over) + deliv    # exactly the deliveries if q_over = 1
                elif single:
                    new = (se - xi * a) + deliv
                else:
                    new = (se - se * share) + deliv
                if new < 0.0:
                    new = 0.0
                S[e] = new
                sg_new += new
                tgt = ng * a
                still = still and new == tgt
                o = a * bi + (tgt * bi - new) * inv_tau
                o = o if o > 0.0 else 0.0
                O_b[p] = o
                if fuse_demand:
                    dd[sup[e]] += o - a
            if not single:
                S_grp[g] = sg_new
            at_target[g] = still
            if grp_ess[g] and not still and sg_new < Ag:
                # a group with a day of stock or more cannot bind (capacity ≤ 1)
                r = sg_new / Ag
                if r < inv:
                    inv = r
        inv_ratio[i] = inv


@njit(cache=True, nogil=True)
def demand_deviation(active, cust_grp_ptr, grp_ptr, sup, O_b, pos_b, A, out):  # pragma: no cover
    """``out[j] = Σ_{e: sup(e)=j} (O_e − A_e)`` over the links of the active customers
    (the others contribute exactly 0), in link order; zeroes ``out`` first.

    Used while few firms are active (cheaper than summing every supplier's bucket).
    """
    out[:] = 0.0
    for q in range(len(active)):
        i = active[q]
        for e in range(grp_ptr[cust_grp_ptr[i]], grp_ptr[cust_grp_ptr[i + 1]]):
            out[sup[e]] += O_b[pos_b[e]] - A[e]


#: Rounds of iterative water-filling before the day kernels switch to selection.
WATER_ROUNDS = 6


@njit(cache=True, nogil=True)
def _water_rounds(o_all, base, o_fd, c_fd, total, available):  # pragma: no cover
    """Level λ with Σ_k min(o_k, λ a_k) = available over the candidates ``(o_all[k],
    base[k])``, plus ``(o_fd, c_fd)`` when ``c_fd > 0`` (orders o and initial orders a;
    ``total`` ≈ Σ a, the first guess is available / total).

    Rounds of water-filling, each one branch-free pass over the candidates: with λ the level
    that spreads what is left over the open candidates, every candidate with o_k ≤ λ a_k is
    served in full; λ is then recomputed over the rest (it only rises) until no candidate
    changes side — λ then solves the equation. Usually two or three rounds; returns -1 when
    :data:`WATER_ROUNDS` rounds did not settle it (ratios spread over many scales).
    """
    lam = available / total
    n_prev = -1
    for _ in range(WATER_ROUNDS):
        served = 0.0
        w_open = 0.0
        n_full = 0
        for k in range(len(o_all)):
            o = o_all[k]
            a = base[k]
            full = o <= lam * a
            served += o if full else 0.0
            w_open += 0.0 if full else a
            n_full += full
        if c_fd > 0.0:
            full = o_fd <= lam * c_fd
            served += o_fd if full else 0.0
            w_open += 0.0 if full else c_fd
            n_full += full
        if n_full == n_prev:
            return lam
        n_prev = n_full
        if w_open <= 0.0:
            return np.inf
        nxt = (available - served) / w_open
        if nxt > lam:
            lam = nxt
    return -1.0


@njit(cache=True, nogil=True)
def _water_level(rho, w, total, available):  # pragma: no cover - compiled
    """Level λ with Σ_k min(ρ_k, λ) w_k = available (0 ≤ available < Σ ρ_k w_k; total = Σ w):
    :func:`_water_rounds`, finished by :func:`_water_level_select` if the rounds do not settle.
    """
    lam = _water_rounds(rho * w, w, 0.0, 0.0, total, available)
    return lam if lam >= 0.0 else _water_level_select(rho, w, available)


@njit(cache=True, nogil=True)
def _water_level_select(rho, w, available):  # pragma: no cover - compiled
    """:func:`_water_level` by selection, not sorting (expected O(m)): a pivot ρ_p splits the
    open candidates; if serving everyone up to ρ_p already costs at least ``available``, every
    candidate at or above the pivot is capped at λ ≤ ρ_p, otherwise every candidate at or below
    it is served in full. ``rho`` and ``w`` are reordered in place.
    """
    lo = 0
    hi = len(rho)
    served_below = 0.0   # Σ ρ_k w_k of candidates known to be served in full (ρ_k < λ)
    w_capped = 0.0       # Σ w_k of candidates known to be capped at λ (ρ_k ≥ λ)
    first = True
    while hi > lo:
        # the first pivot is 1 (orders back at their initial size): links no shock has reached
        # sit exactly there, so one pass usually settles most candidates
        pivot = 1.0 if first else rho[lo + (hi - lo) // 2]
        first = False
        # three-way partition of [lo, hi) by ρ (< pivot | == pivot | > pivot), summing as it goes
        lt = lo
        gt = hi
        k = lo
        rw_less = 0.0
        w_eq = 0.0
        w_gt = 0.0
        while k < gt:
            r = rho[k]
            if r < pivot:
                wk = w[k]
                rho[k] = rho[lt]
                w[k] = w[lt]
                rho[lt] = r
                w[lt] = wk
                rw_less += r * wk
                lt += 1
                k += 1
            elif r > pivot:
                gt -= 1
                wk = w[k]
                rho[k] = rho[gt]
                w[k] = w[gt]
                rho[gt] = r
                w[gt] = wk
                w_gt += wk
            else:
                w_eq += w[k]
                k += 1
        if served_below + rw_less + pivot * (w_eq + w_gt + w_capped) >= available:
            w_capped += w_eq + w_gt
            hi = lt
        else:
            served_below += rw_less + pivot * w_eq
            lo = gt
    if w_capped > 0.0:
        return (available - served_below) / w_capped
    return np.inf


def _production_and_levels(P_ini, C, C_t, dd, from_buckets, cap, inv_ratio, A_sup, O_b, so_b,
                           A_b, sup_b, sup_ptr, bkt_ptr, rule, x, dem_ratio, level, fd_served,
                           rho_buf, w_buf, active, rationed, sup_order, cus):  # pragma: no cover - compiled
    """Production ratio ``x``, the rationing level per supplier and final demand served;
    marks the firms that leave the baseline. Returns the number of newly marked firms.

    Suppliers are processed bucket by bucket (``bkt_ptr``: first supplier of each bucket).
    Demand ratio :math:`D_j/P^{ini}_j = 1 + (C_j(t) - C_j + \\sum_k (O_{kj} - A_{kj}))/P^{ini}_j`
    with the sum in ``dd[j]``: with ``from_buckets`` it is summed here, streaming each bucket's
    orders ``O_b`` against ``A_b`` in link order, otherwise it was summed by
    :func:`demand_deviation` or the fused customer pass (the same terms in the same order).
    :math:`x_j = \\max(0, \\min(1-\\delta_j, \\min_g S_g/A_g, D_j/P^{ini}_j))`.
    Proportional: ``level = x/D`` ratio (≤ 1, 1 when demand is met); priority: water level λ
    in units of initial orders (∞ when demand is met).

    A firm is marked ``active`` when its output or demand ratio leaves 1, and all customers of
    a supplier that rations (once: ``rationed`` remembers the suppliers done); the count may
    include a customer marked by two threads at once (it is only tested for > 0).
    """
    new = 0
    for bk in prange(len(bkt_ptr) - 1):
        j0 = bkt_ptr[bk]
        j1 = bkt_ptr[bk + 1]
        if from_buckets:
            # the bucket's orders, streamed in link order, summed per supplier (slice of dd
            # owned by this bucket alone)
            for j in range(j0, j1):
                dd[j] = 0.0
            for k in range(sup_ptr[j0], sup_ptr[j1]):
                dd[sup_b[k]] += O_b[k] - A_b[k]
        for j in range(j0, j1):
            p = P_ini[j]
            if p <= 0.0:
                x[j] = 1.0
                dem_ratio[j] = 1.0
                level[j] = 1.0 if rule == PROPORTIONAL else np.inf
                fd_served[j] = C_t[j]
                continue
            k0 = sup_ptr[j]
            k1 = sup_ptr[j + 1]
            dem = 1.0 + ((C_t[j] - C[j]) + dd[j]) / p
            if dem < 0.0:
                dem = 0.0
            dem_ratio[j] = dem
            xj = cap[j]
            if inv_ratio[j] < xj:
                xj = inv_ratio[j]
            if dem < xj:
                xj = dem
            if xj < 0.0:
                xj = 0.0
            x[j] = xj
            full = xj >= dem
            if full:
                level[j] = 1.0 if rule == PROPORTIONAL else np.inf
                fd_served[j] = C_t[j]
            elif rule == PROPORTIONAL:
                phi = xj / dem
                level[j] = phi
                fd_served[j] = C_t[j] * phi
            else:
                has_fd = C[j] > 0.0
                # the customers' orders gathered once into supplier j's scratch slots (its
                # links plus one for final demand; no allocation), final demand as one more
                # candidate; the rounds then stream the slots
                m = k1 - k0
                end = k1 + j + 1 if has_fd else k1 + j
                rho = rho_buf[k0 + j:end]
                w = w_buf[k0 + j:end]
                for q in range(m):
                    rho[q] = O_b[so_b[k0 + q]]
                a_j = A_sup[k0:k1]
                lam = _water_rounds(rho[:m], a_j, C_t[j], C[j], p, xj * p)
                if lam < 0.0:
                    # not settled in a few rounds: selection on the same slots
                    for q in range(m):
                        a = a_j[q]
                        rho[q] = rho[q] / a
                        w[q] = a
                    if has_fd:
                        rho[m] = C_t[j] / C[j]
                        w[m] = C[j]
                    lam = _water_level_select(rho, w, xj * p)
                level[j] = lam
                if has_fd:
                    cap_fd = lam * C[j]
                    fd_served[j] = C_t[j] if C_t[j] <= cap_fd else cap_fd
                else:
                    fd_served[j] = C_t[j]
            if (xj != 1.0 or dem != 1.0) and not active[j]:
                active[j] = True
                new += 1
            if not full and not rationed[j]:
                rationed[j] = True
                for k in range(k0, k1):
                    c = cus[sup_order[k]]
                    if not active[c]:
                        active[c] = True
                        new += 1
    return new




_PAR = (njit(parallel=True, cache=True)(_customer_pass),
        njit(parallel=True, cache=True)(_production_and_levels))
_SER = (njit(nogil=True, cache=True)(clone_function(_customer_pass, "_customer_pass_serial")),
        njit(nogil=True, cache=True)(clone_function(_production_and_levels, "_production_serial")))


def day_kernels(parallel: bool = True) -> tuple[Any, Any]:
    """``(customer_pass, production_and_levels)``: multi-threaded, or single-threaded and
    GIL-free for running many scenarios side by side in threads."""
    return _PAR if parallel else _SER
