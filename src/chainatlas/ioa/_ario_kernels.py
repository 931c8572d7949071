"""Numba kernels of the ARIO step over the nonzeros of Z (column-compressed).

Each kernel is one sweep over the ``nnz`` flows: ``col_ptr`` (n+1) delimits column *f* (the
customer), ``row_idx[k]`` is the supplier *i* of flow *k* and ``prod_k[k]`` its product (sector).
Per-customer arrays are stored customer-major (``n × S``) so a column's products are contiguous.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["all_close", "distribute_intermediate", "place_orders"]


@njit(cache=True, nogil=True)
def place_orders(col_ptr: np.ndarray, row_idx: np.ndarray, prod_k: np.ndarray,
                 z0: np.ndarray, weight: np.ndarray, need_t: np.ndarray,
                 orders: np.ndarray, orders_tot: np.ndarray, den: np.ndarray) -> None:
    """Split each customer's order per product across that product's suppliers.

    ``orders[k] = need_t[f, p] · z0[k]·w_i / Σ_{k' ∈ (p, f)} z0[k']·w_i'`` with ``w`` the
    supplier weights (capacity ratios for the "alt" rule, ones for fixed shares);
    ``orders_tot[i]`` is the row sum. ``den`` is a scratch array of length S.
    """
    n = col_ptr.shape[0] - 1
    S = den.shape[0]
    orders_tot[:] = 0.0
    for f in range(n):
        a, b = col_ptr[f], col_ptr[f + 1]
        for p in range(S):
            den[p] = 0.0
        for k in range(a, b):
            zw = z0[k] * weight[row_idx[k]]
            orders[k] = zw
            den[prod_k[k]] += zw
        for p in range(S):
            d = den[p]
            den[p] = need_t[f, p] / d if d != 0.0 else 0.0
        for k in range(a, b):
            o = orders[k] * den[prod_k[k]]
            orders[k] = o
            orders_tot[row_idx[k]] += o


@njit(cache=True, nogil=True)
def distribute_intermediate(col_ptr: np.ndarray, row_idx: np.ndarray, prod_k: np.ndarray,
                            orders: np.ndarray, served: np.ndarray,
                            received_t: np.ndarray) -> None:
    """Deliveries: ``received_t[f, p] = Σ_{k ∈ (p, f)} orders[k] · served[i]``.

    ``served[i] = x_i / D_i`` is supplier *i*'s rationing ratio (proportional rationing).
    """
    n = col_ptr.shape[0] - 1
    received_t[:, :] = 0.0
    for f in range(n):
        for k in range(col_ptr[f], col_ptr[f + 1]):
            received_t[f, prod_k[k]] += orders[k] * served[row_idx[k]]


@njit(cache=True, nogil=True)
def all_close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """``np.allclose(a, b, rtol, atol)`` for equal-shape 2-d arrays, stopping at the first miss.

    Equal values (including infinities of the same sign) are close; NaN is never close.
    """
    n0, n1 = a.shape
    for i in range(n0):
        for j in range(n1):
            x = a[i, j]
            y = b[i, j]
            if x == y:
                continue
            if not (np.isfinite(x) and np.isfinite(y)):
                return False
            if abs(x - y) > atol + rtol * abs(y):
                return False
    return True
