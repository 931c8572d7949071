"""The yrd-nev demo's illustrative signals: warnings, bullwhip, tiers and a seeded stress test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.datasets import load_demo
from chainatlas.services import sharing as svc

DROP = "2024-09-02"  # the demo's injected 15 % end-demand drop (scripts/demo_data/signals.py)


@pytest.fixture(scope="module")
def ds():
    return load_demo("yrd-nev")


def test_demo_ships_a_year_of_weekly_signals(ds) -> None:
    sig = ds.table("signals")
    orders = sig[sig["kind"] == "orders"]
    assert orders["period"].nunique() == 52 and set(orders["freq"]) == {"week"}
    assert set(sig["firm"]) <= set(ds.firms["id"])
    assert set(sig["kind"]) >= {"orders", "forecast", "inventory_days", "utilisation"}


@pytest.mark.parametrize(("method", "max_delay"), [("robust_z", 1), ("cusum", 3)])
def test_warning_catches_the_end_demand_drop(ds, method: str, max_delay: int) -> None:
    w = svc.warnings_of(ds, method=method)
    hits = w[(w["segment"] == "vehicle") & (w["kind"] == "orders") & (w["direction"] == "down")
             & (w["period"] >= DROP)]
    assert not hits.empty
    first = pd.Timestamp(hits["period"].min())
    assert (first - pd.Timestamp(DROP)).days <= 7 * max_delay
    assert (hits["lead_time_bought_days"] > 0).any()


def test_bullwhip_grows_up_the_tiers_and_stays_under_the_iid_bound(ds) -> None:
    t = svc.bullwhip_by_tier_of(ds)
    assert t["tier"].iloc[0] == 0 and t["ratio_to_end"].iloc[0] == 1.0
    first4 = t[t["tier"] <= 3]
    assert np.all(np.diff(first4["ratio_to_end"]) > 0)
    # autocorrelated (seasonal, shifted) demand amplifies less than i.i.d. demand
    assert (first4["ratio_to_end"].iloc[1:] < first4["bound_not_shared"].iloc[1:]).all()
    assert (t["bound_shared"] <= t["bound_not_shared"] + 1e-12).all()


def test_demand_along_tiers_shows_destocking_amplified_up_the_tiers(ds) -> None:
    d = svc.demand_tiers_of(ds)
    veh = d[d["segment"] == "vehicle"]
    np.testing.assert_allclose(veh["implied"], veh["received"])
    # in the two weeks of the drop, suppliers receive less than end demand implies (forecasts
    # fall, stock targets with them), and the further up, the larger the cut
    drop = d[d["period"].isin(["2024-09-02", "2024-09-09"]) & d["tier"].between(1, 3)]
    by_tier = drop.groupby("tier")["ratio"].median()
    assert np.all(np.diff(by_tier.to_numpy()) < 0) and by_tier.loc[3] < 0.8


def test_stress_test_seeded_from_signals(ds, tmp_path) -> None:
    from chainatlas.services.datasets import import_frames

    db = tmp_path / "d.duckdb"
    import_frames(db, "yrd", ds.tables)
    state = svc.stress_seed(db, "yrd", svc.LOCAL_ADMIN)
    sig = ds.table("signals")
    assert state.from_signal_inventory.sum() == sig.loc[sig["kind"] == "inventory_days",
                                                        "firm"].nunique()
    cells = state.segment_inventory_days["cells"]
    assert cells < 15.0  # the demo's cell stocks ran down in the second half
    seeded = svc.tts_ttr_seeded_of(ds, state)
    default = svc.tts_ttr_seeded_of(ds, svc.initial_state_from_signals(
        sig.iloc[:0], ds.firms["id"]))
    assert len(seeded) == len(default) > 0
    a = seeded.set_index("firm")["tts_days"]
    b = default.set_index("firm").loc[a.index, "tts_days"]
    assert not np.allclose(a.to_numpy(), b.to_numpy())
    policy = svc.seeded_policy(state, {"inventory_days": 20})
    assert policy["segment_inventory_days"]["cells"] == cells
    log = svc.audit_log(db, "yrd", svc.LOCAL_ADMIN)
    assert (log["action"] == "stress.seed").sum() == len(set(sig["firm"]))


def test_demo_section_is_small_and_titled(ds) -> None:
    sections = svc.demo_section(ds)
    assert [len(t) > 0 for t, _ in sections] == [True, True, True]
    assert all(len(f) > 0 for _, f in sections)
