"""Static IO shocks: Leontief demand, Ghosh supply, the mixed model and the inoperability model.

Each function states what it changes and in which units; all return a :class:`StaticShock`.

* :func:`leontief_demand_shock` — a change of final demand :math:`\\Delta f` (table units/year)
  gives :math:`\\Delta x = L\\,\\Delta f` (Miller & Blair 2009, ch.2).
* :func:`ghosh_supply_shock` — a change of primary inputs :math:`\\Delta v` (table units/year)
  gives :math:`\\Delta x' = \\Delta v' G` (Ghosh 1958; read as an attribution or price-push model,
  Oosterhaven 1988, not as physical shortage).
* :func:`mixed_model` — output of a set *k* of sectors fixed exogenously (e.g. at reduced
  capacity), final demand of the others given (M&B §13.2):
  :math:`x_u = (I - A_{uu})^{-1}(f_u + A_{uk}\\bar x_k)`,
  :math:`f_k = (I - A_{kk})\\bar x_k - A_{ku} x_u`.
* :func:`iim_demand` — demand-side inoperability (Santos & Haimes 2004): with
  :math:`A^* = \\hat x^{-1} A \\hat x` and :math:`c^* = \\hat x^{-1}\\Delta f` (Δf ≥ 0 is the
  *loss* of final demand), :math:`q = (I - A^*)^{-1} c^* = \\hat x^{-1} L\\,\\Delta f`.
* :func:`iim_supply` — supply-side inoperability (Leung, Haimes & Santos 2007):
  :math:`q = (I - A')^{-1} \\hat x^{-1} \\Delta v`, i.e. :math:`\\hat x q = (\\Delta v' G)'`.

Inoperability is the dimensionless share of planned output lost,
:math:`q_i = (x_i - \\tilde x_i)/x_i`, clipped to [0, 1] when ``clip=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.linalg as sla

from chainatlas.exceptions import InputError
from chainatlas.ioa.leontief import LeontiefSolver, _inv_or_zero

__all__ = [
    "StaticShock",
    "ghosh_supply_shock",
    "iim_demand",
    "iim_supply",
    "leontief_demand_shock",
    "mixed_model",
]

Array = npt.NDArray[np.float64]


@dataclass
class StaticShock:
    """Result of a static shock.

    Attributes
    ----------
    model : name of the model.
    changes : what the input changed and in which units.
    labels : sector labels.
    delta_x_ : change of gross output (table units/year; negative = loss for Leontief/Ghosh;
        for the IIM, the output *lost*, :math:`\\hat x q`, positive).
    inoperability_ : :math:`q` (dimensionless share of output lost) where defined.
    extra : model-specific vectors (e.g. implied final demand of fixed sectors).
    """

    model: str
    changes: str
    labels: list[str]
    delta_x_: Array
    inoperability_: Array | None = None
    extra: dict[str, Array] = field(default_factory=dict)

    @property
    def total_(self) -> float:
        """Sum of :attr:`delta_x_` (table units/year)."""
        return float(self.delta_x_.sum())

    def to_frame(self) -> pd.DataFrame:
        out = pd.DataFrame({"sector": self.labels, "delta_x": self.delta_x_})
        if self.inoperability_ is not None:
            out["inoperability"] = self.inoperability_
        for k, v in self.extra.items():
            out[k] = v
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "changes": self.changes, "total": self.total_,
                "sectors": self.to_frame().to_dict(orient="records")}


def _vec(a: npt.ArrayLike, n: int, what: str) -> Array:
    out = np.asarray(a, dtype=np.float64).reshape(-1)
    if out.shape != (n,):
        raise InputError(f"{what} has {out.size} entries for {n} sectors")
    if not np.isfinite(out).all():
        raise InputError(f"{what} has non-finite entries")
    return out


def _labels(labels: list[str] | None, n: int) -> list[str]:
    return [str(i) for i in range(n)] if labels is None else list(labels)


def leontief_demand_shock(solver: LeontiefSolver, delta_f: npt.ArrayLike,
                          labels: list[str] | None = None) -> StaticShock:
    """:math:`\\Delta x = L\\,\\Delta f`; ``delta_f`` is the change of final demand (table units).

    Examples
    --------
    >>> s = LeontiefSolver([[0.15, 0.25], [0.20, 0.05]], [1000, 2000])
    >>> leontief_demand_shock(s, [250, -200]).delta_x_.round(2).tolist()
    [247.52, -158.42]
    """
    df = _vec(delta_f, solver.n, "delta_f")
    return StaticShock("leontief", "final demand Δf (table units/year) → Δx = LΔf",
                       _labels(labels, solver.n), solver.solve(df))


def ghosh_supply_shock(solver: LeontiefSolver, delta_v: npt.ArrayLike,
                       labels: list[str] | None = None) -> StaticShock:
    """:math:`\\Delta x' = \\Delta v' G`; ``delta_v`` is the change of primary inputs (table units)."""
    dv = _vec(delta_v, solver.n, "delta_v")
    return StaticShock("ghosh", "primary inputs Δv (table units/year) → Δx' = Δv'G",
                       _labels(labels, solver.n), solver.ghosh(dv))


def mixed_model(A: npt.ArrayLike, f: npt.ArrayLike, fixed: npt.ArrayLike,
                x_fixed: npt.ArrayLike, x: npt.ArrayLike | None = None,
                labels: list[str] | None = None) -> StaticShock:
    """Mixed model: outputs ``x_fixed`` of sectors ``fixed`` exogenous, final demand of the rest.

    Parameters
    ----------
    A : array_like (n, n)
        Technical coefficients.
    f : array_like (n,)
        Final demand of the free sectors (entries of fixed sectors are ignored), table units.
    fixed : array_like of int or bool mask
        The sectors whose output is fixed.
    x_fixed : array_like
        Their fixed output (table units/year), one value per fixed sector.
    x : array_like (n,), optional
        Baseline output; when given, ``delta_x_`` is the change against it, else the new output.

    Returns
    -------
    StaticShock
        ``delta_x_`` (output change or level) and ``extra["final_demand"]``: the final deliveries
        implied for every sector (given for free sectors, :math:`f_k` for fixed ones).
    """
    Af = np.asarray(A, dtype=np.float64)
    n = Af.shape[0]
    ff = _vec(f, n, "f")
    mask = np.zeros(n, dtype=bool)
    fixed_arr = np.asarray(fixed)
    if fixed_arr.dtype == bool:
        if fixed_arr.shape != (n,):
            raise InputError("boolean 'fixed' mask must have one entry per sector")
        mask = fixed_arr.copy()
    else:
        idx = fixed_arr.astype(np.int64).reshape(-1)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise InputError(f"fixed sector index out of range 0..{n - 1}")
        mask[idx] = True
    k = np.flatnonzero(mask)
    u = np.flatnonzero(~mask)
    xk = np.asarray(x_fixed, dtype=np.float64).reshape(-1)
    if xk.shape != (k.size,):
        raise InputError(f"x_fixed has {xk.size} values for {k.size} fixed sectors")
    xu = sla.solve(np.eye(u.size) - Af[np.ix_(u, u)], ff[u] + Af[np.ix_(u, k)] @ xk) \
        if u.size else np.zeros(0)
    new_x = np.empty(n)
    new_x[u], new_x[k] = xu, xk
    fk = xk - Af[np.ix_(k, k)] @ xk - Af[np.ix_(k, u)] @ xu
    fd = ff.copy()
    fd[k] = fk
    base = None if x is None else _vec(x, n, "x")
    dx = new_x if base is None else new_x - base
    what = "Δx against the baseline" if base is not None else "new output level"
    return StaticShock("mixed", f"output of {k.size} sector(s) fixed (table units/year); "
                       f"returns {what}", _labels(labels, n), dx,
                       extra={"final_demand": fd, "output": new_x})


def iim_demand(solver: LeontiefSolver, demand_loss: npt.ArrayLike,
               labels: list[str] | None = None, *, clip: bool = True) -> StaticShock:
    """Demand-side IIM: :math:`q = \\hat x^{-1} L\\,\\Delta f` for a final-demand *loss* Δf ≥ 0.

    Returns ``inoperability_`` (share of output lost) and ``delta_x_`` = :math:`\\hat x q`
    (output lost, table units/year; :math:`x'q = i'L\\Delta f` before clipping).

    Examples
    --------
    >>> s = LeontiefSolver([[0.15, 0.25], [0.20, 0.05]], [1000, 2000])
    >>> iim_demand(s, [35, 0]).inoperability_.round(6).tolist()
    [0.043894, 0.00462]
    """
    x = solver._require_x()
    df = _vec(demand_loss, solver.n, "demand_loss")
    q = solver.solve(df) * _inv_or_zero(x)
    if clip:
        q = np.clip(q, 0.0, 1.0)
    return StaticShock("iim_demand", "final-demand loss Δf ≥ 0 (table units/year) → "
                       "inoperability q = x̂⁻¹LΔf", _labels(labels, solver.n), x * q, q)


def iim_supply(solver: LeontiefSolver, va_loss: npt.ArrayLike,
               labels: list[str] | None = None, *, clip: bool = True) -> StaticShock:
    """Supply-side IIM: :math:`q = (I - A')^{-1}\\hat x^{-1}\\Delta v` for a primary-input loss Δv ≥ 0.

    ``delta_x_`` = :math:`\\hat x q` = :math:`(\\Delta v' G)'` (output lost, table units/year).
    """
    x = solver._require_x()
    dv = _vec(va_loss, solver.n, "va_loss")
    q = solver.solve_row(dv * _inv_or_zero(x))
    if clip:
        q = np.clip(q, 0.0, 1.0)
    return StaticShock("iim_supply", "primary-input loss Δv ≥ 0 (table units/year) → "
                       "inoperability q = (I − A')⁻¹x̂⁻¹Δv", _labels(labels, solver.n), x * q, q)
