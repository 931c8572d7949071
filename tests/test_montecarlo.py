"""Monte Carlo stress tests: distributions, reproducibility, identities with single runs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.exceptions import InputError, ScenarioError
from chainatlas.shock.executors import SerialExecutor, chunk_size
from chainatlas.shock.firm_model import simulate
from chainatlas.shock.montecarlo import METRICS, monte_carlo, parse_distribution
from chainatlas.shock.network import ShockNetwork


def _chain() -> ShockNetwork:
    """0 → 1 → 2 (plus 3 → 2 as a second input segment), flows 1 per day each."""
    return ShockNetwork.from_arrays([0, 1, 3], [1, 2, 2], [1.0, 1.0, 1.0], n_firms=4,
                                    edge_segment=[0, 1, 2], segment_ids=["a", "b", "c"],
                                    firm_segment=[0, 1, 3 - 1, 2],
                                    firm_ids=["f0", "f1", "f2", "f3"])


TEMPLATE = {"name": "mc", "horizon_days": 40,
            "shocks": [{"firm": "f0", "capacity_loss": 0.5, "duration_days": 10}],
            "policy": {"inventory_days": 3, "tau": 2}}


def test_fixed_distribution_equals_single_simulation() -> None:
    net = _chain()
    res = monte_carlo(net, TEMPLATE, capacity_loss=0.8, duration_days=12, n=3, seed=5)
    one = simulate(net, {**TEMPLATE, "shocks": [{"firm": "f0", "capacity_loss": 0.8,
                                                "duration_days": 12}]})
    assert res.samples["total_output_loss"].tolist() == [one.total_output_loss] * 3
    assert res.samples["min_output_ratio"].tolist() == [one.min_output_ratio] * 3
    q = res.quantiles.loc["total_output_loss"]
    assert q["q0.05"] == q["q0.95"] == q["mean"] == one.total_output_loss
    assert q["std_error"] == 0.0
    np.testing.assert_array_equal(res.daily_quantiles["q0.5"], one.daily["output_ratio"])


def test_zero_loss_gives_zero_losses() -> None:
    res = monte_carlo(_chain(), TEMPLATE, capacity_loss={"dist": "uniform", "low": 0, "high": 0},
                      duration_days={"dist": "uniform", "low": 1, "high": 30}, n=20, seed=1)
    assert (res.samples["total_output_loss"] == 0).all()
    assert (res.samples["recovery_day"] == 0).all()
    assert (res.daily_quantiles == 1.0).all().all()


def test_reproducible_for_a_seed_and_batching() -> None:
    net = _chain()
    kw = {"capacity_loss": {"dist": "beta", "a": 2, "b": 3},
          "duration_days": {"dist": "lognormal", "median": 8, "sigma": 0.6}, "n": 60}
    a = monte_carlo(net, TEMPLATE, seed=7, batch_size=1, **kw)
    b = monte_carlo(net, TEMPLATE, seed=7, batch_size=25, **kw)
    c = monte_carlo(net, TEMPLATE, seed=8, **kw)
    assert a.samples.equals(b.samples) and a.quantiles.equals(b.quantiles)
    assert not a.samples["capacity_loss_0"].equals(c.samples["capacity_loss_0"])


def test_quantiles_are_those_of_the_samples_and_losses_monotone() -> None:
    res = monte_carlo(_chain(), TEMPLATE,
                      capacity_loss={"dist": "triangular", "low": 0.1, "mode": 0.5, "high": 1.0},
                      duration_days={"dist": "choice", "values": [5, 10, 20],
                                     "weights": [1, 1, 2]}, n=200, seed=3)
    s = res.samples
    for m in METRICS:
        np.testing.assert_allclose(res.quantiles.loc[m, ["q0.05", "q0.5", "q0.95"]],
                                   np.quantile(s[m], [0.05, 0.5, 0.95]))
    assert set(s["duration_days_0"]) <= {5, 10, 20}
    # for one duration, a bigger capacity loss never loses less output
    for _d, grp in s.groupby("duration_days_0"):
        g = grp.sort_values("capacity_loss_0")
        assert (np.diff(g["total_output_loss"].to_numpy()) >= -1e-9).all()
    assert res.meta["n"] == 200 and 0.0 <= res.meta["share_recovered"] <= 1.0
    d = res.to_dict()
    assert {r["metric"] for r in d["quantiles"]} == set(METRICS)


@settings(max_examples=25, deadline=None)
@given(low=st.floats(0, 1), width=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_uniform_draws_stay_in_bounds(low: float, width: float, seed: int) -> None:
    high = min(1.0, low + width)
    d = parse_distribution({"dist": "uniform", "low": low, "high": high})
    x = d.sample(np.random.default_rng(seed), 100)
    assert ((x >= low) & (x <= high)).all()


@pytest.mark.parametrize("spec, match", [
    ({"dist": "gamma", "k": 1}, "unknown distribution"),
    ({"dist": "uniform", "low": 1}, "missing high"),
    ({"dist": "uniform", "low": 2, "high": 1}, "invalid uniform"),
    ({"dist": "triangular", "low": 0, "mode": 5, "high": 1}, "invalid triangular"),
    ({"dist": "lognormal", "median": 0, "sigma": 1}, "invalid lognormal"),
    ({"dist": "choice", "values": [1, 2], "weights": [1]}, "one per value"),
    ({"dist": "uniform", "low": 0, "high": 1, "mean": 3}, "unknown mean"),
    ("lots", "expected a number"),
])
def test_bad_distributions_raise(spec: object, match: str) -> None:
    with pytest.raises(ScenarioError, match=match):
        parse_distribution(spec, "capacity_loss")


def test_bad_calls_raise() -> None:
    net = _chain()
    with pytest.raises(ScenarioError, match="at least one capacity shock"):
        monte_carlo(net, {"horizon_days": 10}, n=5)
    with pytest.raises(InputError, match="n must be"):
        monte_carlo(net, TEMPLATE, n=0)
    with pytest.raises(InputError, match="quantile"):
        monte_carlo(net, TEMPLATE, n=2, quantiles=[1.5])


def test_chunk_size() -> None:
    assert chunk_size(1000, 2) == 125
    assert chunk_size(1000, 1, most=50) == 50
    assert chunk_size(3, 16) == 1
    assert chunk_size(0, 2) == 1
    assert SerialExecutor().slots() == 1


def test_shocks_keep_their_own_values_without_distributions() -> None:
    net = _chain()
    tpl = {**TEMPLATE, "shocks": [{"firm": "f0", "capacity_loss": 0.3, "duration_days": 5},
                                  {"firm": "f3", "capacity_loss": 0.9}]}
    res = monte_carlo(net, tpl, n=2, seed=0)
    one = simulate(net, tpl)
    assert res.samples["capacity_loss_0"].tolist() == [0.3, 0.3]
    assert res.samples["capacity_loss_1"].tolist() == [0.9, 0.9]
    assert res.samples["duration_days_1"].tolist() == [-1, -1]  # to the horizon
    assert res.samples["total_output_loss"].tolist() == [one.total_output_loss] * 2
    # with a duration distribution both shocks draw their own durations
    drawn = monte_carlo(net, tpl, duration_days={"dist": "uniform", "low": 2, "high": 30},
                        n=50, seed=0)
    assert not drawn.samples["duration_days_0"].equals(drawn.samples["duration_days_1"])
    assert drawn.samples["capacity_loss_1"].eq(0.9).all()
