r"""Compiled time-to-survive of a single-sourced, acyclic bill of materials (see :mod:`.lp`).

With one supplier per material, shipments can be eliminated from the TTS LP (a shipment above
:math:`r_{jk} u_k` only uses up the supplier's stock), which leaves, in rate form with
:math:`\theta = 1/t`: find the least :math:`\theta \ge 1/T_{max}` for which some production
:math:`0 \le u \le c` (:math:`c = 0` on the disrupted nodes) satisfies, for every affected node,

.. math::

    u_j \ge \sum_k r_{jk} u_k + d_j - s_j \theta .

The right-hand side grows with every :math:`u_k`, so the least solution
:math:`u^{\min}(\theta)` comes from one pass from the final nodes up
(:math:`u_j = \max(0, \sum_k r_{jk} u_k + d_j - s_j\theta)`, customers before suppliers), any
feasible plan is at least :math:`u^{\min}`, and a plan exists iff :math:`u^{\min}(\theta) \le c`.
Each :math:`g_j(\theta) = u^{\min}_j(\theta) - c_j` is convex, piecewise linear and
non-increasing in :math:`\theta` (sums with non-negative weights and maxima with 0 of such
functions). Newton steps from the left on any :math:`g_j > 0`, with the right derivative
carried through the same pass, never pass the root of :math:`g_j`, hence never pass
:math:`\theta^*`; the longest such step is taken, and on piecewise-linear functions the
iteration ends after finitely many steps at :math:`\theta^*` (the LP optimum). A
:math:`g_j > 0` with right derivative 0 stays positive for all larger :math:`\theta`: no horizon
is short enough (TTS = 0).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["INFEASIBLE", "NO_CONVERGENCE", "least_theta"]

#: Returned when demand cannot be met even for an instant (TTS = 0).
INFEASIBLE = -1.0
#: Returned when the iteration did not settle (the caller then solves the LP).
NO_CONVERGENCE = -2.0


@njit(cache=True)
def least_theta(order: np.ndarray, out_ptr: np.ndarray, out_cus: np.ndarray,
                out_r: np.ndarray, demand: np.ndarray, inventory: np.ndarray,
                cap: np.ndarray, theta_lo: float, u: np.ndarray, du: np.ndarray,
                max_iter: int) -> float:  # pragma: no cover - compiled
    """The least feasible θ on the nodes ``order`` (customers before suppliers).

    ``cap`` holds the capacities with 0 on the disrupted nodes; ``u`` and ``du`` are work
    arrays of one value per node of the whole network, 0 outside ``order`` (they are left
    that way on return).
    """
    theta = theta_lo
    result = NO_CONVERGENCE
    for _ in range(max_iter):
        step = 0.0
        stuck = False
        for idx in range(order.shape[0]):
            j = order[idx]
            inner = demand[j] - inventory[j] * theta
            slope = -inventory[j]
            for e in range(out_ptr[j], out_ptr[j + 1]):
                k = out_cus[e]
                inner += out_r[e] * u[k]
                slope += out_r[e] * du[k]
            if inner > 0.0:
                u[j] = inner
                du[j] = slope
            else:
                u[j] = 0.0
                du[j] = 0.0
            c = cap[j]
            gap = u[j] - c
            if gap > 1e-12 * (1.0 + c):
                if du[j] >= 0.0:
                    stuck = True
                else:
                    s = gap / -du[j]
                    if s > step:
                        step = s
        if stuck:
            result = INFEASIBLE
            break
        if step <= 1e-15 * theta:
            result = theta
            break
        theta += step
    for idx in range(order.shape[0]):
        u[order[idx]] = 0.0
        du[order[idx]] = 0.0
    return result
