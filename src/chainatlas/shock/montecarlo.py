"""Monte Carlo stress tests: uncertain shock sizes and recovery times, results as distributions.

A template scenario names *what* is hit; the size of each capacity shock and how long it lasts
are drawn from distributions. Scenario :math:`k = 1..N` takes, for every shock :math:`s` of the
template,

.. math::

    \\delta_{ks} \\sim F_\\delta, \\qquad T_{ks} \\sim F_T,

(capacity loss clipped to [0, 1], duration rounded to whole days ≥ 0), and is simulated with the
Inoue–Todo model (:func:`~chainatlas.shock.firm_model.simulate`). The outcome of interest
:math:`Y_k` (total output loss, value-added loss, trough, recovery day, unmet final demand) is
summarised by its empirical quantiles :math:`\\hat Q(p)` (linear interpolation between order
statistics, Hyndman & Fan 1996 definition 7) and its mean with a normal-approximation
standard error :math:`\\hat\\sigma/\\sqrt{N}`; the daily output ratio gets a quantile fan.

Reproducibility: all draws are made up front, in the calling process, from
``numpy.random.default_rng(seed)`` in a fixed order (shock by shock: losses, then durations),
and each simulation is deterministic, so the samples — and every quantile — are identical on the
serial, process and Dask executors, whatever the chunking.

Distributions (a number means a fixed value)::

    {dist: uniform, low: 0.2, high: 0.8}
    {dist: triangular, low: 10, mode: 30, high: 90}
    {dist: beta, a: 2, b: 5, low: 0, high: 1}        # scaled to [low, high]
    {dist: lognormal, median: 30, sigma: 0.5}
    {dist: choice, values: [15, 30, 60], weights: [0.5, 0.3, 0.2]}

References
----------
R. J. Hyndman and Y. Fan, "Sample quantiles in statistical packages", *The American
Statistician* 50 (1996) 361–365.
H. Inoue and Y. Todo, "Firm-level propagation of shocks through supply-chain networks",
*Nature Sustainability* 2 (2019) 841–847.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import InputError, ScenarioError
from chainatlas.shock.executors import Executor, SerialExecutor, chunk_size
from chainatlas.shock.firm_model import simulate
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.scenario import Scenario, parse_scenario

__all__ = ["DEFAULT_QUANTILES", "METRICS", "Distribution", "MonteCarloResult", "monte_carlo",
           "parse_distribution"]

#: Quantile levels reported by default.
DEFAULT_QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Outcomes recorded per scenario (losses in 10,000 CNY; days; ratios).
METRICS: tuple[str, ...] = ("total_output_loss", "value_added_loss", "min_output_ratio",
                            "recovery_day", "final_demand_unmet")

_PARAMS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",), "uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
    "beta": ("a", "b"), "lognormal": ("median", "sigma"), "choice": ("values",),
}
_OPTIONAL: dict[str, tuple[str, ...]] = {"beta": ("low", "high"), "choice": ("weights",)}


@dataclass(frozen=True)
class Distribution:
    """A univariate distribution to draw one scenario parameter from (see the module docstring)."""

    kind: str
    params: Mapping[str, Any]

    def sample(self, rng: np.random.Generator, size: int) -> npt.NDArray[np.float64]:
        """``size`` independent draws."""
        p = self.params
        if self.kind == "fixed":
            return np.full(size, float(p["value"]))
        if self.kind == "uniform":
            return rng.uniform(p["low"], p["high"], size)
        if self.kind == "triangular":
            if p["low"] == p["high"]:
                return np.full(size, float(p["low"]))
            return rng.triangular(p["low"], p["mode"], p["high"], size)
        if self.kind == "beta":
            lo, hi = p.get("low", 0.0), p.get("high", 1.0)
            return lo + (hi - lo) * rng.beta(p["a"], p["b"], size)
        if self.kind == "lognormal":
            return rng.lognormal(np.log(p["median"]), p["sigma"], size)
        values = np.asarray(p["values"], dtype=float)
        w = p.get("weights")
        prob = None if w is None else np.asarray(w, float) / float(np.sum(w))
        return rng.choice(values, size=size, p=prob)

    def to_dict(self) -> dict[str, Any]:
        return {"dist": self.kind, **dict(self.params)}


def parse_distribution(spec: Any, name: str = "value") -> Distribution:
    """A :class:`Distribution` from a number or a mapping ``{dist: …, <parameters>}``.

    Raises :class:`ScenarioError` naming ``name`` for an unknown kind or a bad parameter.
    """
    if isinstance(spec, Distribution):
        return spec
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return Distribution("fixed", {"value": float(spec)})
    if not isinstance(spec, Mapping) or "dist" not in spec:
        raise ScenarioError(f"{name}: expected a number or a mapping with 'dist', got {spec!r}")
    kind = str(spec["dist"])
    if kind not in _PARAMS:
        raise ScenarioError(f"{name}: unknown distribution {kind!r}; expected one of "
                            f"{', '.join(sorted(_PARAMS))}")
    allowed = set(_PARAMS[kind]) | set(_OPTIONAL.get(kind, ())) | {"dist"}
    extra = sorted(set(spec) - allowed)
    missing = [k for k in _PARAMS[kind] if k not in spec]
    if extra or missing:
        raise ScenarioError(f"{name}: {kind} takes {', '.join(sorted(allowed - {'dist'}))}"
                            + (f"; unknown {', '.join(extra)}" if extra else "")
                            + (f"; missing {', '.join(missing)}" if missing else ""))
    params = {k: v for k, v in spec.items() if k != "dist"}
    try:
        if kind == "choice":
            params["values"] = [float(v) for v in params["values"]]
            if not params["values"]:
                raise ValueError("values is empty")
            if "weights" in params:
                w = [float(v) for v in params["weights"]]
                if len(w) != len(params["values"]) or min(w) < 0 or sum(w) <= 0:
                    raise ValueError("weights must be ≥ 0, not all 0, one per value")
                params["weights"] = w
        else:
            params = {k: float(v) for k, v in params.items()}
    except (TypeError, ValueError) as err:
        raise ScenarioError(f"{name}: bad {kind} parameters {spec!r}: {err}") from None
    ok = {
        "uniform": lambda q: q["low"] <= q["high"],
        "triangular": lambda q: q["low"] <= q["mode"] <= q["high"],
        "beta": lambda q: q["a"] > 0 and q["b"] > 0 and q.get("low", 0) <= q.get("high", 1),
        "lognormal": lambda q: q["median"] > 0 and q["sigma"] >= 0,
    }.get(kind, lambda q: True)
    if not ok(params) or not all(np.isfinite(v) for v in params.values()
                                 if isinstance(v, float)):
        raise ScenarioError(f"{name}: invalid {kind} parameters {spec!r}")
    return Distribution(kind, params)


@dataclass(eq=False)
class MonteCarloResult:
    """Outcome distributions of a Monte Carlo stress test.

    Attributes
    ----------
    samples : DataFrame
        One row per scenario: ``sample``, the ``capacity_loss_<s>`` and ``duration_days_<s>``
        of each template shock *s* (-1: to the horizon), and the :data:`METRICS`
        (``recovery_day`` censored at the horizon; ``recovered`` tells whether it happened).
    quantiles : DataFrame
        Index = metric; columns ``mean``, ``std_error``, then one column per quantile level.
    daily_quantiles : DataFrame
        Index = day; one column per quantile level of the network output ratio.
    meta : dict
        ``n``, ``seed``, ``horizon_days``, ``quantile_levels``, the distributions and template.
    """

    samples: pd.DataFrame
    quantiles: pd.DataFrame
    daily_quantiles: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "quantiles": [{"metric": k, **{str(c): float(v) for c, v in row.items()}}
                          for k, row in self.quantiles.iterrows()],
            "daily_quantiles": self.daily_quantiles.reset_index().to_dict(orient="records"),
        }


def _draws(template: Scenario, loss: Distribution | None, duration: Distribution | None, n: int,
           seed: int | None) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Capacity loss and duration of every (scenario, shock); a shock keeps its own value where
    no distribution is given (duration -1: the template's, i.e. to the horizon)."""
    rng = np.random.default_rng(seed)
    k = len(template.shocks)
    losses = np.empty((n, k))
    days = np.empty((n, k), dtype=np.int64)
    for s, shock in enumerate(template.shocks):
        if loss is None:
            losses[:, s] = shock.capacity_loss
        else:
            losses[:, s] = np.clip(loss.sample(rng, n), 0.0, 1.0)
        if duration is None:
            days[:, s] = -1 if shock.duration_days is None else shock.duration_days
        else:
            days[:, s] = np.maximum(0, np.rint(duration.sample(rng, n))).astype(np.int64)
    return losses, days


def _run_sample(shared: tuple[ShockNetwork, dict[str, Any]],
                item: tuple[list[float], list[int]]) -> tuple[list[float], list[float]]:
    """Simulate one drawn scenario; returns the metrics and the daily output ratio."""
    net, template = shared
    losses, days = item
    data = dict(template)
    data["shocks"] = [{**sh, "capacity_loss": float(x),
                       "duration_days": int(d) if d >= 0 else sh.get("duration_days")}
                      for sh, x, d in zip(template["shocks"], losses, days, strict=True)]
    res = simulate(net, parse_scenario(data), parallel=False)
    H = len(res.daily)
    rec = res.recovery_day
    metrics = [res.total_output_loss, res.value_added_loss, res.min_output_ratio,
               float(H if rec is None else rec),
               float(res.daily["final_demand_unmet"].sum()), float(rec is not None)]
    return metrics, res.daily["output_ratio"].tolist()


def monte_carlo(net: ShockNetwork, template: Scenario | Mapping[str, Any], *,
                capacity_loss: Any = None, duration_days: Any = None, n: int = 1000,
                seed: int | None = 0, quantiles: Sequence[float] = DEFAULT_QUANTILES,
                executor: Executor | None = None, batch_size: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
    """Simulate ``n`` scenarios whose shock sizes and durations are drawn at random.

    Parameters
    ----------
    net : ShockNetwork
        The network (sent to each worker once).
    template : Scenario or mapping
        Scenario with at least one capacity shock; its selectors, start days, recovery curves,
        demand shocks, policy and horizon are kept.
    capacity_loss, duration_days : number, mapping or Distribution, optional
        Distributions of each shock's capacity loss (share, clipped to [0, 1]) and duration
        (days, rounded; the time before the ``recovery`` curve starts), drawn independently
        per shock and scenario. Default (None): every shock keeps its own template value.
    n : int
        Number of scenarios (≥ 1).
    seed : int, optional
        Seed of ``numpy.random.default_rng``; same seed, same samples on every executor.
    quantiles : sequence of float
        Quantile levels in [0, 1].
    executor : Executor, optional
        Serial (default), processes or Dask; chunks of about ``n / (4 × slots)`` scenarios.
    batch_size : int, optional
        Scenarios per task (default from :func:`~chainatlas.shock.executors.chunk_size`).
    progress : callable, optional
        ``progress(done, n)``.

    Returns
    -------
    MonteCarloResult
    """
    tpl = parse_scenario(template)
    if not tpl.shocks:
        raise ScenarioError("a Monte Carlo template needs at least one capacity shock")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"n must be a whole number ≥ 1, got {n!r}")
    levels = [float(q) for q in quantiles]
    if not levels or any(not 0.0 <= q <= 1.0 for q in levels):
        raise InputError(f"quantile levels must lie in [0, 1], got {list(quantiles)}")
    loss = (parse_distribution(capacity_loss, "capacity_loss") if capacity_loss is not None
            else None)
    dur = (parse_distribution(duration_days, "duration_days") if duration_days is not None
           else None)
    losses, days = _draws(tpl, loss, dur, int(n), seed)
    items = [(losses[k].tolist(), days[k].tolist()) for k in range(int(n))]
    executor = executor or SerialExecutor()
    size = batch_size or chunk_size(len(items), executor.slots())
    out = executor.map(_run_sample, (net, tpl.model_dump(mode="json")), items, batch_size=size,
                       progress=(lambda done: progress(done, int(n))) if progress else None)
    metrics = np.array([m for m, _ in out], dtype=np.float64)
    paths = np.array([p for _, p in out], dtype=np.float64)

    samples = pd.DataFrame({"sample": np.arange(int(n))})
    for s in range(losses.shape[1]):
        samples[f"capacity_loss_{s}"] = losses[:, s]
        samples[f"duration_days_{s}"] = days[:, s]
    for j, name in enumerate(METRICS):
        samples[name] = metrics[:, j]
    samples["recovered"] = metrics[:, len(METRICS)].astype(bool)
    cols = [f"q{q:g}" for q in levels]
    vals = metrics[:, :len(METRICS)]
    table = pd.DataFrame(np.quantile(vals, levels, axis=0).T, index=list(METRICS), columns=cols)
    table.insert(0, "mean", vals.mean(axis=0))
    table.insert(1, "std_error", vals.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.nan)
    table.index.name = "metric"
    fan = pd.DataFrame(np.quantile(paths, levels, axis=0).T, columns=cols)
    fan.index.name = "day"
    meta = {"n": int(n), "seed": seed, "horizon_days": tpl.horizon_days,
            "quantile_levels": levels,
            "capacity_loss": loss.to_dict() if loss else "as in the template",
            "duration_days": dur.to_dict() if dur else "as in the template",
            "template": tpl.name,
            "share_recovered": float(samples["recovered"].mean()),
            "executor": executor.name}
    return MonteCarloResult(samples, table, fan, meta)
