"""Numba kernels of the ARIO step over the nonzeros of Z (column-compressed).

Each sweep over the ``nnz`` flows runs column by column, and within a column product by
product: the flows of column *f* (the customer) are sorted by product, then supplier, and cut
into *runs* of one product — runs ``col_run_ptr[f]:col_run_ptr[f+1]``, run *r* holding flows
``run_ptr[r]:run_ptr[r+1]`` of product ``run_prod[r]``; ``row_idx[k]`` is the supplier *i* of
flow *k*. Sums over a product's suppliers are then plain loops over a run, in supplier order. Per-customer arrays are stored customer-major (``n × S``) so a column's products are
contiguous; product × industry arrays (``S × n``: technical coefficients, stocks) are read
column by column too. Columns are split between threads; the one sum across columns (each
supplier's total orders) is added per fixed block of columns and the blocks in order, so the
result does not depend on the number of threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from chainatlas._jit import clone_function
from chainatlas.config import prepare_threads

prepare_threads()   # idle threads sleep at barriers (before numba starts its threads)

__all__ = ["distribute_intermediate", "distribute_intermediate_serial", "inventory_need",
           "place_orders", "place_orders_serial", "production_under_stocks", "use_and_restock"]

#: Fixed number of column blocks whose partial order totals are added in order.
ORDER_BLOCKS = 16


def _place_orders(col_run_ptr: np.ndarray, run_ptr: np.ndarray, run_prod: np.ndarray,
                 row_idx: np.ndarray, z0: np.ndarray, weight: np.ndarray, need_t: np.ndarray,
                 orders: np.ndarray, orders_tot: np.ndarray, partial: np.ndarray) -> None:
    """Split each customer's order per product across that product's suppliers.

    ``orders[k] = need_t[f, p] · z0[k]·w_i / Σ_{k' ∈ (p, f)} z0[k']·w_i'`` with ``w`` the
    supplier weights (capacity ratios for the "alt" rule, ones for fixed shares);
    ``orders_tot[i]`` is the row sum. ``partial`` is scratch of shape
    (:data:`ORDER_BLOCKS`, n).
    """
    n = col_run_ptr.shape[0] - 1
    nb = partial.shape[0]
    for blk in prange(nb):
        tot = partial[blk]
        tot[:] = 0.0
        for f in range(blk * n // nb, (blk + 1) * n // nb):
            for r in range(col_run_ptr[f], col_run_ptr[f + 1]):
                a, b = run_ptr[r], run_ptr[r + 1]
                d = 0.0
                for k in range(a, b):
                    d += z0[k] * weight[row_idx[k]]
                m = need_t[f, run_prod[r]] / d if d != 0.0 else 0.0
                for k in range(a, b):   # z0·w again rather than stored and read back
                    i = row_idx[k]
                    o = (z0[k] * weight[i]) * m
                    orders[k] = o
                    tot[i] += o
    orders_tot[:] = 0.0
    for blk in range(nb):
        for i in range(n):
            orders_tot[i] += partial[blk, i]


def _distribute_intermediate(col_run_ptr: np.ndarray, run_ptr: np.ndarray,
                            run_prod: np.ndarray, row_idx: np.ndarray, orders: np.ndarray,
                            served: np.ndarray, received_t: np.ndarray) -> None:
    """Deliveries: ``received_t[f, p] = Σ_{k ∈ (p, f)} orders[k] · served[i]``.

    ``served[i] = x_i / D_i`` is supplier *i*'s rationing ratio (proportional rationing).
    """
    n = col_run_ptr.shape[0] - 1
    for f in prange(n):
        row = received_t[f]
        row[:] = 0.0
        for r in range(col_run_ptr[f], col_run_ptr[f + 1]):
            acc = 0.0
            for k in range(run_ptr[r], run_ptr[r + 1]):
                acc += orders[k] * served[row_idx[k]]
            row[run_prod[r]] = acc




# The two sweeps over the flows, multi-threaded (columns split between threads) and
# single-threaded for small tables, where a parallel region costs more than the work; the same
# sums in the same order either way.
place_orders = njit(cache=True, parallel=True)(_place_orders)
place_orders_serial = njit(cache=True, nogil=True)(clone_function(_place_orders, "place_orders_serial"))
distribute_intermediate = njit(cache=True, parallel=True)(_distribute_intermediate)
distribute_intermediate_serial = njit(cache=True, nogil=True)(
    clone_function(_distribute_intermediate, "distribute_intermediate_serial"))


@njit(cache=True, nogil=True)
def _close(x: float, y: float, rtol: float, atol: float) -> bool:
    """``np.isclose(x, y, rtol, atol)``: equal values (infinities of one sign too) are close,
    NaN never is; BoARIO's dead band for stock updates and restocking."""
    if x == y:
        return True
    return bool(np.isfinite(x) and np.isfinite(y) and abs(x - y) <= atol + rtol * abs(y))


@njit(cache=True, nogil=True)
def production_under_stocks(tech: np.ndarray, opt: np.ndarray, psi: float, inv_fin: np.ndarray,
                            stocks: np.ndarray, threshold: np.ndarray,
                            production: np.ndarray) -> bool:
    """Production of each industry under its input stocks; whether any input was short.

    With ``constraint = tech · opt · ψ · inventory days`` (product × industry), an input is short
    where ``stocks < constraint`` and its use is above the technology threshold; production is
    then ``min_p opt · min(1, stocks / constraint)`` over those inputs, else ``opt``.
    """
    S, n = tech.shape
    short = False
    for f in range(n):
        o = opt[f]
        x = o
        for p in range(S):
            if not threshold[p, f]:
                continue
            c = tech[p, f] * o * psi * inv_fin[p]
            st = stocks[p, f]
            if st < c:
                short = True
                if c != 0.0:
                    r = st / c
                    v = o * (r if r < 1.0 else 1.0)
                    if v < x:
                        x = v
        production[f] = x
    return short


@njit(cache=True, nogil=True)
def use_and_restock(tech: np.ndarray, production: np.ndarray, received_t: np.ndarray,
                    stocks: np.ndarray, rtol: float, atol: float) -> bool:
    """Stocks after use and deliveries: ``stocks += received − production · tech``, unless every
    delivery equals its use within the dead band (``rtol``, ``atol``; stocks then unchanged).
    Returns whether any stock became negative."""
    S, n = tech.shape
    same = True
    for f in range(n):
        for p in range(S):
            if not _close(received_t[f, p], production[f] * tech[p, f], rtol, atol):
                same = False
                break
        if not same:
            break
    if same:
        return False
    negative = False
    for p in range(S):
        for f in range(n):
            v = stocks[p, f] - production[f] * tech[p, f] + received_t[f, p]
            stocks[p, f] = v
            if v < 0.0:
                negative = True
    return negative


@njit(cache=True, nogil=True)
def inventory_need(tech: np.ndarray, opt: np.ndarray, inv_dur: np.ndarray, stocks: np.ndarray,
                   restore: np.ndarray, production: np.ndarray, rtol: float, atol: float,
                   need_t: np.ndarray) -> None:
    """Inputs to order per customer and product (``need_t``, n × S): use of this step plus the
    restocking ``gap · restore`` towards ``goal = tech · opt · inventory days``; no gap at all
    when every stock is at its goal within the dead band, none for an infinite goal."""
    S, n = tech.shape
    at_goal = True
    for p in range(S):
        for f in range(n):
            if not _close(stocks[p, f], tech[p, f] * opt[f] * inv_dur[p], rtol, atol):
                at_goal = False
                break
        if not at_goal:
            break
    for f in range(n):
        for p in range(S):
            gap = 0.0
            if not at_goal:
                g = tech[p, f] * opt[f] * inv_dur[p]
                if np.isfinite(g):
                    gap = g - stocks[p, f]
                    if gap < 0.0:
                        gap = 0.0
            need_t[f, p] = gap * restore[p] + production[f] * tech[p, f]
