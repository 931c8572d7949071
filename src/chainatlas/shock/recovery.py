"""Recovery curves: the capacity loss δ(t) of a shock, day by day.

For a shock of size δ₀ that starts on day :math:`t_0` and keeps its full size for :math:`d`
days (end :math:`t_1 = t_0 + d`), with recovery time :math:`R` and :math:`u = t - t_1 + 1`
(1 on the first recovering day):

.. math::

    \\delta(t) = \\begin{cases}
      0 & t < t_0 \\\\
      \\delta_0 & t_0 \\le t < t_1 \\\\
      0 & t \\ge t_1 \\text{ (step)} \\\\
      \\delta_0 \\max(0, 1 - u / R) & t \\ge t_1 \\text{ (linear: back to full capacity after R days)} \\\\
      \\delta_0 e^{-u/R} & t \\ge t_1 \\text{ (exponential, time constant R)}
    \\end{cases}

These are the "uniform" (linear) and "exponential" recovery rules of the Inoue–Todo simulator,
started after the full-loss period. Several shocks on one firm combine as independent losses:
remaining capacity :math:`1-\\delta = \\prod_k (1 - \\delta_k)`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["capacity_loss_curve", "combine_losses", "window_mask"]


def capacity_loss_curve(capacity_loss: float, start_day: int, duration_days: int | None,
                        recovery: str, recovery_days: float, horizon: int) -> npt.NDArray[np.float64]:
    """δ(t) for days ``0 … horizon-1`` (see the module docstring for the formula).

    Examples
    --------
    >>> capacity_loss_curve(1.0, 1, 2, "linear", 2.0, 6).tolist()
    [0.0, 1.0, 1.0, 0.5, 0.0, 0.0]
    """
    t = np.arange(horizon, dtype=np.float64)
    end = horizon if duration_days is None else start_day + duration_days
    delta = np.zeros(horizon)
    full = (t >= start_day) & (t < end)
    delta[full] = capacity_loss
    after = t >= max(end, start_day)
    if duration_days is not None and after.any() and recovery != "step":
        u = t[after] - end + 1.0
        if recovery == "linear":
            delta[after] = capacity_loss * np.clip(1.0 - u / recovery_days, 0.0, 1.0)
        elif recovery == "exponential":
            delta[after] = capacity_loss * np.exp(-u / recovery_days)
        else:  # pragma: no cover - validated by the scenario model
            raise ValueError(recovery)
    return delta


def combine_losses(curves: list[npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    """Combined loss of independent shocks on one firm: 1 − Π(1 − δ_k)."""
    remaining = np.ones_like(curves[0])
    for c in curves:
        remaining = remaining * (1.0 - c)
    return 1.0 - remaining


def window_mask(start_day: int, duration_days: int | None, horizon: int) -> npt.NDArray[np.bool_]:
    """Days ``start_day ≤ t < start_day + duration_days`` (to the horizon when open)."""
    t = np.arange(horizon)
    end = horizon if duration_days is None else start_day + duration_days
    return (t >= start_day) & (t < end)
