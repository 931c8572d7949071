"""ARIO behaviour and the common contract of every IO shock model."""

from __future__ import annotations

import numpy as np
import pytest

from chainatlas.exceptions import InputError, ModelError
from chainatlas.ioa import (
    IOTable,
    LeontiefSolver,
    diim,
    ghosh_supply_shock,
    iim_demand,
    iim_supply,
    leontief_demand_shock,
    mixed_model,
    technical_coefficients,
)
from chainatlas.ioa.ario import ARIOEvent, ARIOModel


def _mrio(seed: int = 0, regions: int = 3, sectors: int = 4, density: float = 0.7) -> IOTable:
    rng = np.random.default_rng(seed)
    n = regions * sectors
    A = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < density)
    A *= rng.uniform(0.2, 0.6, n) / np.maximum(A.sum(axis=0), 1e-12)
    f = rng.uniform(50, 150, n)
    x = np.linalg.solve(np.eye(n) - A, f)
    Z = A * x
    return IOTable.from_flows(Z, np.column_stack([0.7 * f, 0.3 * f]),
                              [f"s{j}" for _ in range(regions) for j in range(sectors)],
                              regions=[f"r{i}" for i in range(regions) for _ in range(sectors)])


@pytest.fixture(scope="module")
def table() -> IOTable:
    return _mrio()


def _capital(table: IOTable) -> np.ndarray:
    return 4.0 * (table.x - table.Z.sum(axis=0))


def test_no_event_is_a_steady_state(table):
    res = ARIOModel().simulate(table, [], 120)
    np.testing.assert_allclose(res.production_, np.tile(res.x0_, (120, 1)), rtol=1e-9)
    assert res.final_demand_unmet_.max() < 1e-9 * res.x0_.max()
    assert not res.had_shortage_
    assert res.labels == table.labels


def test_half_capital_loss_halves_production(table):
    imp = np.zeros(table.n)
    imp[[1, 5]] = 0.5 * _capital(table)[[1, 5]]
    ev = ARIOEvent(imp, kind="recovery", occurrence=2, duration=5, recovery_tau=30)
    res = ARIOModel().simulate(table, [ev], 80)
    rel = res.relative_production_
    assert rel[:, [1, 5]].min() == pytest.approx(0.5, abs=1e-12)
    # unaffected industries keep their capital: capacity ratio equals overproduction exactly
    others = np.setdiff1d(np.arange(table.n), [1, 5])
    np.testing.assert_array_equal(res.capital_lost_[:, others], 0.0)
    np.testing.assert_allclose(res.capacity_[:, others] / res.x0_[others],
                               res.overproduction_[:, others], rtol=1e-15)
    # linear recovery: damage gone after occurrence + duration + recovery_tau
    done = 2 + 5 + 30 + 1
    assert res.capital_lost_[done:].max() == 0.0
    assert res.capital_lost_[done - 5:done - 1, 1].min() > 0


def test_arbitrary_event_cuts_capacity_by_its_share(table):
    imp = np.zeros(table.n)
    imp[3] = 0.3
    ev = ARIOEvent(imp, kind="arbitrary", occurrence=1, duration=10, recovery_tau=20)
    res = ARIOModel().simulate(table, [ev], 60)
    assert (res.capacity_[1:10, 3] / res.x0_[3]).min() == pytest.approx(0.7, abs=1e-12)
    assert res.capacity_[-1, 3] / res.x0_[3] >= 1.0


def test_rebuild_event_creates_and_serves_reconstruction_demand(table):
    imp = np.zeros(table.n)
    imp[2] = 0.2 * _capital(table)[2]
    ev = ARIOEvent(imp, kind="rebuild", occurrence=1, duration=3,
                   rebuilding_sectors={"s0": 0.6, "s3": 0.4}, rebuild_tau=30)
    res = ARIOModel().simulate(table, [ev], 200)
    assert res.rebuild_demand_[:4].max() == 0.0
    assert res.rebuild_demand_[5].sum() > 0
    # reconstruction is addressed only to the rebuilding sectors
    rebuilders = [i for i, s in enumerate(table.sectors) if s in ("s0", "s3")]
    others = np.setdiff1d(np.arange(table.n), rebuilders)
    assert res.rebuild_demand_[:, others].max() == 0.0
    assert res.capital_lost_[-1, 2] < 0.1 * imp[2]


def test_ario_contract(table):
    Z0, x0 = table.Z.copy(), table.x.copy()
    imp = np.zeros(table.n)
    imp[0] = 0.1 * _capital(table)[0]
    imp_copy = imp.copy()
    ev = ARIOEvent(imp, occurrence=1, duration=2, recovery_tau=10)
    a = ARIOModel().simulate(table, [ev], 30)
    b = ARIOModel().simulate(table, [ev], 30)
    np.testing.assert_array_equal(a.production_, b.production_)
    np.testing.assert_array_equal(table.Z, Z0)
    np.testing.assert_array_equal(table.x, x0)
    np.testing.assert_array_equal(imp, imp_copy)
    assert a.summary()["industry"].tolist() == table.labels


@pytest.mark.parametrize(("event", "match"), [
    (dict(impact="zeros"), "not all zero"),
    (dict(occurrence=0), "occurrence"),
    (dict(occurrence=25, duration=10), "occurrence"),
    (dict(kind="recovery", recovery_tau=None), "recovery_tau"),
    (dict(kind="arbitrary", impact="big"), "shares"),
    (dict(kind="rebuild", rebuilding_sectors={"nope": 1.0}), "unknown rebuilding"),
    (dict(kind="rebuild", rebuilding_sectors={"s0": 0.5}), "summing to 1"),
    (dict(recovery_function="cubic"), "recovery function"),
])
def test_bad_events_raise_input_error(table, event, match):
    imp = np.zeros(table.n)
    imp[0] = 1.0
    kw = dict(impact=imp, occurrence=1, duration=1, recovery_tau=5)
    kw.update(event)
    if isinstance(kw["impact"], str):
        kw["impact"] = np.zeros(table.n) if kw["impact"] == "zeros" else np.full(table.n, 2.0)
    with pytest.raises(InputError, match=match):
        ARIOModel().simulate(table, [ARIOEvent(**kw)], 30)


def test_impact_beyond_capital_is_a_model_error(table):
    imp = np.zeros(table.n)
    imp[0] = 2 * _capital(table)[0]
    with pytest.raises(ModelError, match="exceeds the capital"):
        ARIOModel().simulate(table, [ARIOEvent(imp, recovery_tau=5)], 10)


def test_bad_parameters(table):
    with pytest.raises(InputError, match="order_type"):
        ARIOModel(order_type="any").simulate(table, [], 5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="psi"):
        ARIOModel(psi=1.5).simulate(table, [], 5)


def test_static_shock_contract(table):
    """Zero shock → zero impact; inputs untouched; output follows the table's order."""
    s = LeontiefSolver.from_table(table)
    zeros = np.zeros(table.n)
    A = technical_coefficients(table.Z, table.x)
    A0 = A.copy()
    for res in (leontief_demand_shock(s, zeros, table.labels),
                ghosh_supply_shock(s, zeros, table.labels),
                iim_demand(s, zeros, table.labels), iim_supply(s, zeros, table.labels)):
        np.testing.assert_array_equal(res.delta_x_, 0.0)
        assert res.to_frame()["sector"].tolist() == table.labels
    same = mixed_model(A, table.f, [0, 3], table.x[[0, 3]], x=table.x, labels=table.labels)
    np.testing.assert_allclose(same.delta_x_, 0.0, atol=1e-9 * table.x.max())
    np.testing.assert_array_equal(A, A0)
    r = diim(A, 0.2, zeros, 10)
    np.testing.assert_array_equal(r.q_, 0.0)


def test_boario_quickstart_published_figures():
    """BoARIO's documented quickstart on pymrio's test MRIO (figures as published).

    Rebuild event of 5e6 (table units) in reg1 mining and manufacturing, split by output,
    duration 15, reconstruction by construction 0.55 / manufacturing 0.45 over 180 days,
    730 daily steps.
    """
    import pymrio

    from chainatlas.readers.io_pymrio import table_from_pymrio

    io = pymrio.load_test()
    io.calc_all()
    t = table_from_pymrio(io)
    lab = t.labels
    hit = [lab.index("reg1/manufactoring"), lab.index("reg1/mining")]
    imp = np.zeros(t.n)
    imp[hit] = 5e6 * t.x[hit] / t.x[hit].sum()
    ev = ARIOEvent(imp, kind="rebuild", occurrence=1, duration=15, rebuild_tau=180,
                   rebuilding_sectors={"construction": 0.55, "manufactoring": 0.45})
    res = ARIOModel().simulate(t, [ev], 730)
    rel = res.relative_production_
    assert rel[:, lab.index("reg1/mining")].min() == pytest.approx(0.9908, abs=5e-5)
    assert rel[:, lab.index("reg1/manufactoring")].min() == pytest.approx(0.9952, abs=5e-5)
    assert rel[365, lab.index("reg1/construction")] == pytest.approx(1.0197, abs=5e-5)
    assert res.final_demand_unmet_.sum() == pytest.approx(4.26e6, rel=2e-3)


def test_zero_output_industry_stays_finite():
    """Industries without output (common in Eora/EXIOBASE) get zero coefficients, no NaN."""
    from chainatlas.ioa import analyze_table

    t = IOTable.from_flows([[10.0, 5.0, 0.0], [4.0, 20.0, 0.0], [0.0, 0.0, 0.0]],
                           [[85.0], [76.0], [0.0]], ["a", "b", "c"])
    t.check(allow_zero_output=True)
    res = ARIOModel().simulate(t, [ARIOEvent([10.0, 0.0, 0.0], recovery_tau=5)], 20,
                               record_stocks=True)
    assert np.isfinite(res.production_).all() and (res.production_[:, 2] == 0).all()
    assert res.stocks_ is not None and res.stocks_.shape == (20, 3, 3)
    out = analyze_table(t).to_dict()
    assert np.isfinite(out["hem"]["total"]).all() and out["hem"]["total"][2] == 0


@pytest.mark.parametrize("order_type", ["alt", "noalt"])
def test_threaded_and_single_threaded_sweeps_give_the_same_bits(order_type, monkeypatch):
    """Small tables run the flow sweeps on one thread, large ones threaded; forcing either way
    (and CHAINATLAS_THREADS=1 or 2) changes no bit of a run with recovery and rebuilding."""
    import chainatlas.ioa.ario as ario

    t = _mrio(3, regions=5, sectors=8, density=0.6)
    imp = np.zeros(t.n)
    imp[[2, 17, 30]] = 0.6 * _capital(t)[[2, 17, 30]]
    events = [ARIOEvent(imp, kind="recovery", occurrence=1, duration=4, recovery_tau=20),
              ARIOEvent(0.5 * imp, kind="rebuild", occurrence=3, duration=2,
                        rebuilding_sectors={"s1": 0.5, "s4": 0.5}, rebuild_tau=25)]
    runs = []
    for threads, from_flows in (("1", 0), ("2", 0), ("2", 10**9)):
        monkeypatch.setenv("CHAINATLAS_THREADS", threads)
        monkeypatch.setattr(ario, "PARALLEL_FROM_FLOWS", from_flows)
        runs.append(ARIOModel(order_type=order_type).simulate(t, events, 60))
    assert runs[0].relative_production_.min() < 0.9
    for res in runs[1:]:
        np.testing.assert_array_equal(res.production_, runs[0].production_)
        np.testing.assert_array_equal(res.final_demand_unmet_, runs[0].final_demand_unmet_)
    # a threaded run may switch between threads and one thread step by step (ThreadChooser):
    # switching every step changes no bit either
    from chainatlas._jit import ThreadChooser

    class Alternate(ThreadChooser):
        def threaded(self, t):
            return t % 2 == 1

    monkeypatch.setenv("CHAINATLAS_THREADS", "2")
    monkeypatch.setattr(ario, "PARALLEL_FROM_FLOWS", 0)
    monkeypatch.setattr(ario, "ThreadChooser", Alternate)
    res = ARIOModel(order_type=order_type).simulate(t, events, 60)
    np.testing.assert_array_equal(res.production_, runs[0].production_)
    np.testing.assert_array_equal(res.final_demand_unmet_, runs[0].final_demand_unmet_)
