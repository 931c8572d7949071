"""Dynamic inoperability input-output model (DIIM).

Haimes et al. (2005, eq.51); Lian & Haimes (2006, eq.21, 26). Inoperability
:math:`q_i(t) \\in [0, 1]` (share of planned output lost) evolves in discrete steps (days) as

.. math::

    q(t+1) = q(t) + K\\,[A^* q(t) + c^*(t) - q(t)], \\qquad A^* = \\hat x^{-1} A \\hat x,

with :math:`K = \\operatorname{diag}(k_i)` the industry resilience (1/day). Without forcing the
continuous solution is :math:`q(t) = \\exp(-K(I - A^*)t)\\,q(0)`. Resilience is calibrated from the
time :math:`T_i` sector *i* needs to bring inoperability from :math:`q_i(0)` down to
:math:`\\lambda q_i(0)`:

.. math::

    k_i = \\frac{\\ln(1/\\lambda)}{T_i\\,(1 - a^*_{ii})}.

The economic loss is :math:`\\sum_t x' q(t)` (table units per year of output, times days / 365
for a daily step); :func:`diim` reports the trapezoid over the trajectory.

Note: ``stigrs/diimpy`` builds :math:`A^*` as :math:`z_{ij}/x_j` (= A); the correct interdependency
matrix is :math:`z_{ij}/x_i`, used here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.linalg as sla

from chainatlas.exceptions import InputError

__all__ = ["DIIMResult", "diim", "diim_continuous", "resilience_from_recovery"]

Array = npt.NDArray[np.float64]


@dataclass
class DIIMResult:
    """Trajectory of the DIIM.

    Attributes
    ----------
    q_ : (T+1, n) inoperability per step (dimensionless), row 0 = q(0).
    loss_ : (T+1,) economic loss per step, :math:`x'q(t)` (table units/year rate).
    cumulative_loss_ : trapezoid of ``loss_`` over steps, times ``step_years`` (table units).
    """

    labels: list[str]
    q_: Array
    loss_: Array
    cumulative_loss_: float

    def to_frame(self) -> pd.DataFrame:
        out = pd.DataFrame(self.q_, columns=self.labels)
        out.insert(0, "t", np.arange(self.q_.shape[0]))
        out["loss"] = self.loss_
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"labels": self.labels, "q": self.q_.tolist(), "loss": self.loss_.tolist(),
                "cumulative_loss": self.cumulative_loss_}


def resilience_from_recovery(recovery_time: npt.ArrayLike, a_star_diag: npt.ArrayLike,
                             lam: float = 0.01) -> Array:
    """Resilience :math:`k_i = \\ln(1/\\lambda) / (T_i (1 - a^*_{ii}))` (1/day).

    ``recovery_time`` in days (:math:`T_i > 0`); ``lam`` is the inoperability left at
    :math:`T_i` relative to the start (default 1 %).
    """
    T = np.asarray(recovery_time, dtype=np.float64)
    d = np.asarray(a_star_diag, dtype=np.float64)
    if not 0 < lam < 1:
        raise InputError(f"lambda must be in (0, 1), got {lam}")
    if (T <= 0).any() or not np.isfinite(T).all():
        raise InputError("recovery times must be positive and finite (days)")
    return np.asarray(np.log(1.0 / lam) / (T * (1.0 - d)), dtype=np.float64)


def diim(A_star: npt.ArrayLike, k: npt.ArrayLike, q0: npt.ArrayLike, steps: int, *,
         c_star: npt.ArrayLike | None = None, x: npt.ArrayLike | None = None,
         labels: list[str] | None = None, step_years: float = 1.0 / 365.0,
         clip: bool = True) -> DIIMResult:
    """Simulate the discrete DIIM for ``steps`` steps.

    Parameters
    ----------
    A_star : array_like (n, n)
        Interdependency matrix :math:`A^* = \\hat x^{-1} A \\hat x` (= Ghosh ``B``).
    k : array_like (n,) or scalar
        Resilience per sector (1/step), :math:`0 \\le k_i \\le 1`.
    q0 : array_like (n,)
        Initial inoperability.
    c_star : array_like (n,) or (steps, n), optional
        Normalised demand perturbation :math:`\\hat x^{-1}\\Delta f` per step (default 0).
    x : array_like (n,), optional
        Gross output (table units/year) for the loss; default ones (loss in output shares).
    clip : bool
        Keep q in [0, 1] after each step.

    Examples
    --------
    >>> r = diim([[0.15, 0.5], [0.1, 0.05]], 0.1, [0.1, 0.0], 1)
    >>> r.q_[1].round(6).tolist()
    [0.0915, 0.001]
    """
    As = np.asarray(A_star, dtype=np.float64)
    n = As.shape[0]
    kk = np.broadcast_to(np.asarray(k, dtype=np.float64), (n,)).copy()
    if (kk < 0).any() or (kk > 1).any():
        raise InputError("resilience k must lie in [0, 1] per step")
    q = np.asarray(q0, dtype=np.float64).reshape(-1).copy()
    if q.shape != (n,):
        raise InputError(f"q0 has {q.size} entries for {n} sectors")
    if steps < 0:
        raise InputError("steps must be ≥ 0")
    if c_star is None:
        c = np.zeros((max(steps, 1), n))
    else:
        c = np.asarray(c_star, dtype=np.float64)
        c = np.broadcast_to(c, (max(steps, 1), n)) if c.ndim == 1 else c
        if c.shape[0] < steps or c.shape[1] != n:
            raise InputError(f"c_star must be (n,) or (steps, n) = ({steps}, {n})")
    xs = np.ones(n) if x is None else np.asarray(x, dtype=np.float64).reshape(-1)
    traj = np.empty((steps + 1, n))
    traj[0] = q
    for t in range(steps):
        q = q + kk * (As @ q + c[t] - q)
        if clip:
            np.clip(q, 0.0, 1.0, out=q)
        traj[t + 1] = q
    loss = traj @ xs
    cum = float(np.trapezoid(loss) * step_years) if steps else 0.0
    return DIIMResult([str(i) for i in range(n)] if labels is None else list(labels), traj,
                      loss, cum)


def diim_continuous(A_star: npt.ArrayLike, k: npt.ArrayLike, q0: npt.ArrayLike,
                    t: float) -> Array:
    """Pure recovery in continuous time: :math:`q(t) = \\exp(-K(I - A^*)t)\\,q(0)`."""
    As = np.asarray(A_star, dtype=np.float64)
    n = As.shape[0]
    K = np.diag(np.broadcast_to(np.asarray(k, dtype=np.float64), (n,)))
    return np.asarray(sla.expm(-K @ (np.eye(n) - As) * t) @ np.asarray(q0, dtype=np.float64),
                      dtype=np.float64)
