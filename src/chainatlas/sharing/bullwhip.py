r"""The bullwhip effect: order-variance amplification tier by tier, with and without shared demand.

Model (Chen, Drezner, Ryan & Simchi-Levi 2000, "Quantifying the bullwhip effect in a simple
supply chain", *Management Science* 46(3):436–443). Each period a stage observes its demand
:math:`D_t`, forecasts lead-time demand with a moving average over :math:`p` periods and orders
up to

.. math::

    y_t = \hat D^L_t + z\,\hat\sigma^L_t, \qquad \hat D^L_t = \frac{L}{p}\sum_{i=0}^{p-1} D_{t-i},
    \qquad q_t = y_t - y_{t-1} + D_t ,

with :math:`\hat\sigma^L_t = \sqrt{L}\,s_t` (:math:`s_t` the moving standard deviation of the same
:math:`p` demands). Orders may be negative (returns), as in the paper. For i.i.d. demand and
:math:`z = 0`, :math:`q_t = D_t + \frac{L}{p}(D_t - D_{t-p})` and the bound is an equality:

.. math::

    \frac{\operatorname{Var}(q)}{\operatorname{Var}(D)} \ge 1 + \frac{2L}{p} + \frac{2L^2}{p^2}.

Serial chain of :math:`K` stages with lead times :math:`L_1..L_K`:

* **decentralised** — stage *k* forecasts from the orders of stage *k−1*:
  :math:`\operatorname{Var}(q^K)/\operatorname{Var}(D) \ge \prod_k (1 + 2L_k/p + 2L_k^2/p^2)`;
* **shared end demand** — every stage forecasts from the end demand :math:`D` (centralised
  information): :math:`q^k_t = q^{k-1}_t + L_k(\bar D_t - \bar D_{t-1})` and
  :math:`\operatorname{Var}(q^K)/\operatorname{Var}(D) \ge 1 + 2\sum_k L_k/p + 2(\sum_k L_k)^2/p^2`:
  additive instead of multiplicative in the lead times.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import InputError

__all__ = [
    "bullwhip_bound",
    "order_up_to_orders",
    "simulate_serial_chain",
    "tier_bullwhip",
    "variance_ratios",
]

_F = npt.NDArray[np.float64]


def _moving(x: _F, p: int) -> tuple[_F, _F]:
    """Trailing mean and standard deviation over ``p`` values (NaN for the first p−1)."""
    n = len(x)
    mean = np.full(n, np.nan)
    std = np.full(n, np.nan)
    if n >= p:
        w = np.lib.stride_tricks.sliding_window_view(x, p)
        mean[p - 1:] = w.mean(axis=1)
        std[p - 1:] = w.std(axis=1, ddof=1) if p > 1 else 0.0
    return mean, std


def _check(lead_time: float, p: int) -> None:
    if not (lead_time >= 0):
        raise InputError(f"lead time must be ≥ 0 periods, got {lead_time}")
    if int(p) != p or p < 1:
        raise InputError(f"the moving average needs p ≥ 1 periods, got {p}")


def order_up_to_orders(demand: npt.ArrayLike, lead_time: float, p: int, z: float = 0.0,
                       forecast_from: npt.ArrayLike | None = None) -> _F:
    r"""Orders :math:`q_t` of an order-up-to stage with a moving-average forecast.

    Parameters
    ----------
    demand : array (T)
        Demand the stage receives each period (units/period).
    lead_time : float
        :math:`L`, periods.
    p : int
        Moving-average window.
    z : float
        Safety factor on :math:`\hat\sigma^L_t = \sqrt L\, s_t`.
    forecast_from : array (T), optional
        Series the forecast uses (default ``demand``; the end demand when it is shared).

    Returns
    -------
    array (T)
        NaN for the first ``p`` periods (no forecast yet, no previous level).
    """
    _check(lead_time, p)
    d = np.asarray(demand, dtype=float)
    f = d if forecast_from is None else np.asarray(forecast_from, dtype=float)
    if f.shape != d.shape:
        raise InputError("forecast_from must have the shape of demand")
    mean, std = _moving(f, p)
    y = lead_time * mean + z * np.sqrt(lead_time) * std
    q = np.full_like(d, np.nan)
    q[1:] = y[1:] - y[:-1] + d[1:]
    return q


def simulate_serial_chain(demand: npt.ArrayLike, lead_times: Sequence[float], p: int, *,
                          shared: bool = False, z: float = 0.0) -> _F:
    """Orders of every stage of a serial chain (row 0 is the end demand, row k stage k's orders).

    With ``shared`` each stage forecasts from the end demand (information sharing), else from
    the orders it receives. Leading NaNs are kept (stage *k* starts after *k·p* periods).
    """
    d = np.asarray(demand, dtype=float)
    out = np.full((len(lead_times) + 1, len(d)), np.nan)
    out[0] = d
    for k, L in enumerate(lead_times, start=1):
        incoming = out[k - 1]
        ok = ~np.isnan(incoming)
        start = int(np.argmax(ok)) if ok.any() else len(d)
        seg = incoming[start:]
        fc = d[start:] if shared else None
        out[k, start:] = order_up_to_orders(seg, L, p, z, forecast_from=fc)
    return out


def bullwhip_bound(lead_times: Sequence[float] | float, p: int, *, shared: bool) -> float:
    """Chen et al. (2000) lower bound on Var(orders of the last stage)/Var(end demand)."""
    Ls = ([float(lead_times)] if isinstance(lead_times, (int, float))
          else [float(x) for x in lead_times])
    for L in Ls:
        _check(L, p)
    if shared:
        s = sum(Ls)
        return 1 + 2 * s / p + 2 * s * s / p**2
    return float(np.prod([1 + 2 * L / p + 2 * L * L / p**2 for L in Ls]))


def variance_ratios(orders: _F) -> pd.DataFrame:
    """Per stage: Var(q^k)/Var(D) and Var(q^k)/Var(q^{k-1}) on the periods where all are defined."""
    ok = ~np.isnan(orders).any(axis=0)
    v = orders[:, ok].var(axis=1, ddof=1)
    return pd.DataFrame({"stage": np.arange(len(v)), "variance": v, "ratio_to_demand": v / v[0],
                         "ratio_to_downstream": np.r_[1.0, v[1:] / v[:-1]]})


def tier_bullwhip(orders: pd.DataFrame, tiers: pd.Series, multipliers: pd.Series,
                  lead_periods: pd.Series | None = None, p: int = 4) -> pd.DataFrame:
    """Measured amplification by tier from received orders, with the theoretical bounds.

    Parameters
    ----------
    orders : DataFrame
        ``segment, period, value``: orders received (units of the segment), summed over firms.
    tiers : Series
        Segment → tier (0 = end segments).
    multipliers : Series
        Segment → units needed per unit of end product (so tiers are compared in end units).
    lead_periods : Series, optional
        Segment → replenishment lead time in periods (for the bounds).
    p : int
        Forecast window assumed for the bounds.

    Returns
    -------
    DataFrame
        ``tier, segments, variance, ratio_to_end, ratio_to_downstream, bound_shared,
        bound_not_shared``: the variance of the tier's mean order series in end-product units
        (each segment's orders divided by its multiplier, averaged over the tier's segments).
    """
    o = orders.groupby(["segment", "period"])["value"].sum().unstack("period").sort_index(axis=1)
    o = o[o.index.isin(tiers.index)]
    m = multipliers.reindex(o.index)
    o = o[(m > 0).to_numpy()]
    norm = o.div(m[m > 0], axis=0)
    t = tiers.reindex(norm.index)
    by_tier = norm.groupby(t.to_numpy()).mean().sort_index()
    cols = ["tier", "segments", "variance", "ratio_to_end", "ratio_to_downstream",
            "bound_shared", "bound_not_shared"]
    if by_tier.empty or 0 not in by_tier.index:
        return pd.DataFrame(columns=cols)
    var = by_tier.var(axis=1, ddof=1)
    rows = []
    lead_acc: list[float] = []
    prev = None
    for key, v in var.items():
        tier = int(key)  # type: ignore[call-overload]
        segs = sorted(norm.index[t.to_numpy() == tier])
        if lead_periods is not None and tier > 0:
            lead_acc.append(float(lead_periods.reindex(segs).median()))
        shared = bullwhip_bound(lead_acc, p, shared=True) if lead_acc else 1.0
        alone = bullwhip_bound(lead_acc, p, shared=False) if lead_acc else 1.0
        rows.append({"tier": tier, "segments": ",".join(segs), "variance": float(v),
                     "ratio_to_end": float(v / var.iloc[0]),
                     "ratio_to_downstream": float(v / prev) if prev else 1.0,
                     "bound_shared": shared if lead_periods is not None else np.nan,
                     "bound_not_shared": alone if lead_periods is not None else np.nan})
        prev = float(v)
    return pd.DataFrame(rows, columns=cols)
