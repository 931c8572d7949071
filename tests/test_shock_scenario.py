"""Scenario files, recovery curves, selectors, demand shocks and the demo section."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from chainatlas.exceptions import ScenarioError
from chainatlas.shock import ShockNetwork, load_scenario, parse_scenario, simulate
from chainatlas.shock.recovery import capacity_loss_curve, combine_losses
from chainatlas.shock.targets import select_firms

DOCS = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_defaults_and_round_trip(tmp_path):
    sc = parse_scenario({"shocks": [{"region": 340881}]})
    assert sc.horizon_days == 90 and sc.policy.inventory_days == 15 and sc.policy.tau == 6
    assert sc.shocks[0].region == "340881" and sc.shocks[0].capacity_loss == 1.0
    p = tmp_path / "s.json"
    p.write_text(json.dumps(sc.to_dict()), "utf-8")
    assert load_scenario(p) == sc


@pytest.mark.parametrize(("doc", "needle"), [
    ({"shocks": [{"firm": "F1", "capacity_loss": 1.5}]}, "shocks[0].capacity_loss"),
    ({"shocks": [{"capacity_loss": 0.5}]}, "needs at least one of firm"),
    ({"shocks": [{"firm": "F1", "recovery": "slow"}]}, "shocks[0].recovery"),
    ({"horizon_days": 0}, "horizon_days"),
    ({"policy": {"tau": 0}}, "policy.tau"),
    ({"policy": {"inventory_days": 0.5}}, "policy.inventory_days"),
    ({"policy": {"rationing": "random"}}, "policy.rationing"),
    ({"policy": {"segment_inventory_days": {"cells": 0}}}, "segment 'cells'"),
    ({"shock": []}, "shock: unknown key"),
    ({"demand_shocks": [{"segment": "x", "change": -2}]}, "demand_shocks[0].change"),
])
def test_errors_name_the_key_and_value(doc, needle):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(doc)
    assert needle in str(err.value)


def test_bad_files(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "none.yaml")
    p = tmp_path / "bad.yaml"
    p.write_text("shocks: [firm: a\n", "utf-8")
    with pytest.raises(ScenarioError, match="cannot parse"):
        load_scenario(p)
    p.write_text("- 1\n- 2\n", "utf-8")
    with pytest.raises(ScenarioError, match="mapping"):
        load_scenario(p)


def test_documented_examples_are_valid():
    files = sorted(DOCS.glob("*.yaml")) + sorted(DOCS.glob("*.json"))
    assert len(files) >= 3
    from chainatlas.datasets import load_demo
    from chainatlas.services.stress import run_scenario_of

    ds = load_demo("yrd-nev")
    for f in files:
        res = run_scenario_of(ds, f)
        assert res.total_output_loss > 0, f.name


def test_recovery_curves_by_hand():
    # full loss 0.8 on days 2–4, then: step → 0; linear over 4 days → 0.6, 0.4, 0.2, 0;
    # exponential with time constant 2 → 0.8 e^{-1/2}, 0.8 e^{-1}, …
    assert capacity_loss_curve(0.8, 2, 3, "step", 4, 8).tolist() == [0, 0, .8, .8, .8, 0, 0, 0]
    np.testing.assert_allclose(capacity_loss_curve(0.8, 2, 3, "linear", 4, 10),
                               [0, 0, .8, .8, .8, .6, .4, .2, 0, 0])
    exp = capacity_loss_curve(0.8, 2, 3, "exponential", 2, 8)
    np.testing.assert_allclose(exp[5:], 0.8 * np.exp(-np.arange(1, 4) / 2))
    # open-ended shock lasts to the horizon; independent shocks multiply capacities
    assert capacity_loss_curve(0.5, 1, None, "linear", 3, 4).tolist() == [0, .5, .5, .5]
    np.testing.assert_allclose(combine_losses([np.array([0.5]), np.array([0.5])]), [0.75])


def _small() -> ShockNetwork:
    return ShockNetwork.from_arrays(
        [0, 1, 2], [3, 3, 3], [1.0, 1.0, 1.0], n_firms=4, final_demand=[0, 0, 0, 5.0],
        firm_ids=["US1", "JP1", "CN1", "CN2"], edge_segment=[0, 0, 1],
        segment_ids=["chips", "steel"], firm_segment=[0, 0, 1, 1],
        firm_region=["USA", "JPN", "340881", "320100"],
        firm_country=["USA", "JPN", "CHN", "CHN"])


def test_selectors_intersect():
    net = _small()
    pick = lambda **kw: select_firms(net, parse_scenario({"shocks": [kw]}).shocks[0],  # noqa: E731
                                     "shocks[0]").tolist()
    assert pick(origin="USA") == [0]
    assert pick(segment="chips") == [0, 1]
    assert pick(segment="chips", origin="jpn") == [1]
    assert pick(region="34") == [2]
    assert pick(firm=["CN1", "CN2"]) == [2, 3]
    with pytest.raises(ScenarioError, match=r"shocks\[0\]\.origin"):
        pick(origin="FRA")
    with pytest.raises(ScenarioError, match="matches no firm"):
        pick(origin="USA", segment="steel")


def test_demand_shock_by_hand():
    # CN2 buys 3/day and sells 5/day to final demand; a 20 % fall of its final demand on days
    # 2–5 lowers its output to 0.8 exactly (no supply constraint) and nothing else upstream
    # on day 2 (orders react the next day)
    net = _small()
    res = simulate(net, {"horizon_days": 8, "demand_shocks": [
        {"firm": "CN2", "change": -0.2, "start_day": 2, "duration_days": 4}]}, record_firms=True)
    x = res.firm_ratio["CN2"].to_numpy()
    np.testing.assert_allclose(x, [1, 1, .8, .8, .8, .8, 1, 1])
    assert res.firm_ratio.loc[2, "US1"] == 1.0
    assert res.firm_ratio.loc[3, "US1"] < 1.0
    assert res.daily["final_demand"].iloc[2] == pytest.approx(4.0)


def test_segment_inventory_days_override():
    # chips stock 2 days, steel 10 days: with both suppliers down the customer stops on day 2
    net = _small()
    sc = {"horizon_days": 6, "policy": {"inventory_days": 10,
                                        "segment_inventory_days": {"chips": 2}},
          "shocks": [{"segment": "chips"}]}
    x = simulate(net, sc, record_firms=True).firm_ratio["CN2"].to_numpy()
    np.testing.assert_array_equal(x, [1, 1, 0, 0, 0, 0])


def test_substitution_pools_stocks_of_one_segment():
    # two chip suppliers (1/day each, 4 days of stock); one stops. Without substitution the
    # customer stops when that link's stock is gone (day 4); with it the pooled stock and the
    # other supplier keep it at ≥ 1/2 of baseline output.
    net = _small()
    base = {"horizon_days": 30, "policy": {"inventory_days": 4}, "shocks": [{"firm": "US1"}]}
    no_sub = simulate(net, {**base, "policy": {"inventory_days": 4, "substitution": False}},
                      record_firms=True).firm_ratio["CN2"].to_numpy()
    sub = simulate(net, base, record_firms=True).firm_ratio["CN2"].to_numpy()
    assert no_sub[3] == 1.0 and no_sub[4] == 0.0
    assert sub.min() >= 0.5 - 1e-12 and sub[4] > 0.5


def test_demo_section_runs_on_the_demo_chain():
    from chainatlas.datasets import load_demo
    from chainatlas.services.stress import demo_section

    sections = demo_section(load_demo("yrd-nev"))
    title, frame = sections[0]
    assert len(frame) == 2
    assert (frame.iloc[:, 1] > 0).all()      # both scenarios lose output
    assert (frame.iloc[:, 4] < 1).all()      # and dip below baseline


def test_dataset_without_link_values_is_a_model_error():
    import pandas as pd

    from chainatlas.exceptions import ModelError
    from chainatlas.model.dataset import Dataset
    from chainatlas.services.stress import network_of

    ds = Dataset("x", {
        "firms": pd.DataFrame({"id": ["A", "B"], "name": ["A", "B"], "region": ["310000"] * 2}),
        "supply_links": pd.DataFrame({"supplier": ["A"], "customer": ["B"], "segment": ["s"],
                                      "value": [float("nan")]}),
    })
    with pytest.raises(ModelError, match="supply_links.value"):
        network_of(ds)


def test_ttr_files_as_mappings(tmp_path):
    from chainatlas.exceptions import InputError
    from chainatlas.services.stress import read_ttr_file

    (tmp_path / "t.yaml").write_text("F1: 3\n'*': 7\n", "utf-8")
    assert read_ttr_file(tmp_path / "t.yaml") == {"F1": 3.0, "*": 7.0}
    (tmp_path / "t.json").write_text('{"F1": -2}', "utf-8")
    with pytest.raises(InputError, match="≥ 0"):
        read_ttr_file(tmp_path / "t.json")
    (tmp_path / "t.csv").write_text("who,days\nF1,2\n", "utf-8")
    with pytest.raises(InputError, match="firm,ttr_days"):
        read_ttr_file(tmp_path / "t.csv")


def test_recording_every_firm_has_a_limit(monkeypatch):
    from chainatlas.exceptions import LimitExceeded
    from chainatlas.shock import firm_model

    monkeypatch.setattr(firm_model, "MAX_RECORDED_VALUES", 10)
    with pytest.raises(LimitExceeded, match="record_firms"):
        simulate(_small(), {"horizon_days": 5}, record_firms=True)
    assert simulate(_small(), {"horizon_days": 5}).total_output_loss == 0.0
