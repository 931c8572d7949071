"""Numba kernels of the ARIO step over the nonzeros of Z (column-compressed).

Each kernel is one pass over the ``nnz`` flows: ``col_ptr`` (n+1) delimits column *f* (the
customer), ``row_idx[k]`` is the supplier *i* of flow *k*, ``prod_of[i]`` its product (sector).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["distribute_intermediate", "place_orders"]


@njit(cache=True, nogil=True)
def place_orders(col_ptr: np.ndarray, row_idx: np.ndarray, prod_of: np.ndarray,
                 z0: np.ndarray, weight: np.ndarray, need: np.ndarray,
                 orders: np.ndarray, orders_tot: np.ndarray, scratch: np.ndarray) -> None:
    """Split each customer's order per product across that product's suppliers.

    ``orders[k] = need[p, f] · z0[k]·w_i / Σ_{k' ∈ (p, f)} z0[k']·w_i'`` with ``w`` the supplier
    weights (capacity ratio for the "alt" rule, ones for fixed shares); ``orders_tot[i]`` is the
    row sum. ``scratch`` is a zeroed float array of length S (left zeroed on return).
    """
    n = col_ptr.shape[0] - 1
    orders_tot[:] = 0.0
    for f in range(n):
        a, b = col_ptr[f], col_ptr[f + 1]
        for k in range(a, b):
            i = row_idx[k]
            scratch[prod_of[i]] += z0[k] * weight[i]
        for k in range(a, b):
            i = row_idx[k]
            p = prod_of[i]
            den = scratch[p]
            if den != 0.0:
                o = need[p, f] * (z0[k] * weight[i]) / den
            else:
                o = 0.0
            orders[k] = o
            orders_tot[i] += o
        for k in range(a, b):
            scratch[prod_of[row_idx[k]]] = 0.0


@njit(cache=True, nogil=True)
def distribute_intermediate(col_ptr: np.ndarray, row_idx: np.ndarray, prod_of: np.ndarray,
                            orders: np.ndarray, served: np.ndarray,
                            received: np.ndarray) -> None:
    """Deliveries to customers: ``received[p, f] = Σ_{k ∈ (p, f)} orders[k] · served[i]``.

    ``served[i] = x_i / D_i`` is supplier *i*'s rationing ratio (proportional rationing).
    """
    n = col_ptr.shape[0] - 1
    received[:, :] = 0.0
    for f in range(n):
        for k in range(col_ptr[f], col_ptr[f + 1]):
            i = row_idx[k]
            received[prod_of[i], f] += orders[k] * served[i]
