"""TTS/TTR and dynamic stress runs on every real Willems (2008) chain in ../shared/data."""

from __future__ import annotations

import numpy as np
import pytest

from chainatlas.readers.willems import read_willems_stages
from chainatlas.shock import simulate
from chainatlas.shock.lp import time_to_survive_recover
from chainatlas.shock.stages import stage_networks

pytestmark = pytest.mark.realdata


def _chains(shared_data):
    files = sorted((shared_data / "supply_chains").glob("willems_*.csv"))
    assert len(files) == 8
    return files


def _networks(path):
    stages, arcs = read_willems_stages(path)
    ids = stages["stage_id"].astype(str).tolist()
    pos = {s: k for k, s in enumerate(ids)}
    return ids, stage_networks(ids, arcs["up_stage"].map(pos), arcs["stage_id"].map(pos),
                               arcs["units"], stages["ext_demand_mean"], stages["cost_rate"],
                               inventory_days=10, spare_capacity=0.1)


def test_tts_ttr_on_every_willems_chain(shared_data):
    for path in _chains(shared_data):
        ids, (bom, _) = _networks(path)
        out = time_to_survive_recover(bom, 20.0)
        assert len(out) == len(ids)
        assert out["tts_days"].between(0, 365).all()
        assert (out["performance_impact"] >= 0).all()
        assert out["rei"].max() == pytest.approx(1.0)
        # every stage holds 10 days of its throughput and no stage has 100 % spare capacity, so a
        # demand stage that is down survives exactly on its own stock: TTS = 10 days
        demand_nodes = np.flatnonzero(bom.demand > 0)
        sole = [i for i in demand_nodes if not (bom.supplier == i).any()]
        tts = out.set_index("scenario")["tts_days"]
        for i in sole:
            assert tts[ids[i]] == pytest.approx(10.0, rel=1e-6)
        # consistency: a loss over the TTR exactly when TTS < TTR
        assert ((out["performance_impact"] > 1e-6 * bom.demand.sum())
                == (out["tts_days"] < out["ttr_days"] - 1e-9)).all()


def test_stress_run_on_every_willems_chain(shared_data):
    for path in _chains(shared_data):
        ids, (_, net) = _networks(path)
        # the stage with the largest throughput value is out for 20 days
        worst = ids[int(np.argmax(net.P_ini))]
        sc = {"horizon_days": 60, "policy": {"inventory_days": 10},
              "shocks": [{"firm": worst, "capacity_loss": 1.0, "duration_days": 20}]}
        res = simulate(net, sc)
        s = res.summary()
        assert s["total_output_loss"] > 0
        assert 0.0 <= s["min_output_ratio"] < 1.0
        # zero shock on the real chain: exactly the baseline
        base = simulate(net, {"horizon_days": 30})
        assert base.total_output_loss == 0.0
