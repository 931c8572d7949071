"""ARIO trajectories against BoARIO (GPL, test-only oracle) on pymrio's test MRIO."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("progressbar")
boario_sim = pytest.importorskip("boario.simulation")
boario_models = pytest.importorskip("boario.extended_models")
boario_event = pytest.importorskip("boario.event")
pymrio = pytest.importorskip("pymrio")

from chainatlas.ioa.ario import ARIOEvent, ARIOModel  # noqa: E402
from chainatlas.readers.io_pymrio import table_from_pymrio  # noqa: E402

pytestmark = [pytest.mark.oracle, pytest.mark.filterwarnings("ignore")]


@pytest.fixture(scope="module")
def mrio():
    logging.getLogger("boario").setLevel(logging.ERROR)
    return pymrio.load_test().calc_all()


@pytest.fixture(scope="module")
def table(mrio):
    return table_from_pymrio(mrio)


def _run_boario(mrio, ev, steps, **model_kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = boario_models.ARIOPsiModel(mrio, **model_kw)
        sim = boario_sim.Simulation(model, n_temporal_units_to_sim=steps)
        sim.add_event(ev)
        sim.loop()
    return model, sim


def _ours(table, ev, kind, steps, **kw):
    imp = ev.impact.reindex(table.index).fillna(0.0).to_numpy()
    e = ARIOEvent(imp, kind=kind, occurrence=ev.occurrence, duration=ev.duration,
                  recovery_tau=getattr(ev, "recovery_tau", None),
                  rebuilding_sectors=(dict(ev.rebuilding_sectors) if kind == "rebuild" else None),
                  rebuild_tau=getattr(ev, "rebuild_tau", None))
    return ARIOModel(**kw).simulate(table, [e], steps)


def _compare(table, sim, res, rtol=1e-6):
    cols = pd.MultiIndex.from_arrays([table.regions, table.sectors])
    bp = sim.production_realised.reindex(columns=cols).to_numpy()
    bc = sim.production_capacity.reindex(columns=cols).to_numpy()
    assert bp.shape == res.production_.shape
    np.testing.assert_allclose(res.production_, bp, rtol=rtol, atol=0)
    np.testing.assert_allclose(res.capacity_, bc, rtol=rtol, atol=0)
    np.testing.assert_allclose(res.final_demand_unmet_.sum(),
                               sim.final_demand_unmet.to_numpy().sum(), rtol=rtol)


def test_recovery_event_matches_boario(mrio, table):
    ev = boario_event.from_scalar_regions_sectors(
        impact=8e4, event_type="recovery", affected_regions=["reg1"],
        affected_sectors=["manufactoring", "mining"], impact_regional_distrib="equal",
        impact_sectoral_distrib="equal", event_monetary_factor=10**6, duration=5,
        recovery_tau=60, occurrence=3)
    _, sim = _run_boario(mrio, ev, 200)
    res = _ours(table, ev, "recovery", 200)
    _compare(table, sim, res)
    # the shock is visible: reg1 mining loses ~40 % of its capacity
    assert res.relative_production_.min() < 0.7


def test_rebuild_event_matches_boario(mrio, table):
    x = mrio.x["indout"].loc["reg1", ["manufactoring", "mining"]]
    ev = boario_event.from_scalar_regions_sectors(
        impact=5e5, event_type="rebuild", affected_regions=["reg1"],
        affected_sectors=["manufactoring", "mining"], impact_regional_distrib="equal",
        impact_sectoral_distrib=x / x.sum(), event_monetary_factor=10**6, duration=15,
        rebuild_tau=180, rebuilding_sectors={"construction": 0.55, "manufactoring": 0.45},
        occurrence=5)
    _, sim = _run_boario(mrio, ev, 400)
    res = _ours(table, ev, "rebuild", 400)
    _compare(table, sim, res)
    assert res.rebuild_demand_.max() > 0


def test_shortage_with_noalt_orders_matches_boario(mrio, table):
    """A large capital loss with fixed supplier shares and short inventories starves clients."""
    ev = boario_event.from_scalar_regions_sectors(
        impact=4.5e8, event_type="recovery", affected_regions=["reg2"],
        affected_sectors=["manufactoring"], impact_regional_distrib="equal",
        impact_sectoral_distrib="equal", event_monetary_factor=10**6, duration=10,
        recovery_tau=90, occurrence=2)
    kw = {"order_type": "noalt", "main_inv_dur": 10}
    model, sim = _run_boario(mrio, ev, 150, **kw)
    res = _ours(table, ev, "recovery", 150, order_type="noalt", inventory_days=10)
    assert model.had_shortage and res.had_shortage_
    _compare(table, sim, res)


def test_sparse_random_mrio_matches_boario():
    """Orders kept on Z's sparsity pattern give BoARIO's dense result on a sparse MRIO."""
    rng = np.random.default_rng(7)
    regions, sectors = ["ra", "rb", "rc"], ["s1", "s2", "s3", "s4", "s5"]
    idx = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    n = len(idx)
    A = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.35)
    A *= rng.uniform(0.2, 0.5, n) / np.maximum(A.sum(axis=0), 1e-12)
    f = rng.uniform(100, 300, n)
    x = np.linalg.solve(np.eye(n) - A, f)
    cols = pd.MultiIndex.from_product([regions, ["hh", "gov"]], names=["region", "category"])
    Y = np.zeros((n, len(cols)))
    Y[np.arange(n), 2 * (np.arange(n) // len(sectors))] = 0.8 * f
    Y[np.arange(n), 2 * (np.arange(n) // len(sectors)) + 1] = 0.2 * f
    io = pymrio.IOSystem(Z=pd.DataFrame(A * x, index=idx, columns=idx),
                         Y=pd.DataFrame(Y, index=idx, columns=cols))
    io.calc_system()
    table = table_from_pymrio(io)
    va = table.x - table.Z.sum(axis=0)
    impact = pd.Series(0.3 * 4 * va[[1, 7]], index=idx[[1, 7]])
    ev = boario_event.from_series(impact, event_type="recovery", occurrence=2, duration=4,
                                  recovery_tau=40, event_monetary_factor=10**6)
    _, sim = _run_boario(io, ev, 120, main_inv_dur=15)
    res = _ours(table, ev, "recovery", 120, inventory_days=15)
    _compare(table, sim, res)


def test_infinite_inventories_match_boario(mrio, table):
    va = table.x - table.Z.sum(axis=0)
    hit = [table.labels.index("reg3/manufactoring"), table.labels.index("reg3/electricity")]
    impact = pd.Series(0.4 * 4 * va[hit], index=table.index[hit])
    ev = boario_event.from_series(impact, event_type="recovery", occurrence=4, duration=3,
                                  recovery_tau=50, event_monetary_factor=10**6)
    model, sim = _run_boario(mrio, ev, 120, main_inv_dur=20,
                             infinite_inventories_sect=["trade", "other"])
    res = _ours(table, ev, "recovery", 120, inventory_days=20,
                infinite_inventory_sectors=["trade", "other"])
    assert model.had_shortage == res.had_shortage_
    _compare(table, sim, res)
