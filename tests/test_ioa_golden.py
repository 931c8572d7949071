"""Golden numbers from Miller & Blair (2009) Tables 2.3/2.4 and other published examples."""

from __future__ import annotations

import numpy as np
import pytest

from chainatlas.exceptions import InputError, ModelError
from chainatlas.ioa import (
    IOTable,
    LeontiefSolver,
    aggregate,
    allocation_coefficients,
    analyze_table,
    diim,
    diim_continuous,
    extraction_direct,
    ghosh_inverse,
    ghosh_supply_shock,
    hypothetical_extraction,
    iim_demand,
    iim_supply,
    leontief_demand_shock,
    leontief_inverse,
    mixed_model,
    output_multipliers,
    rasmussen_linkages,
    resilience_from_recovery,
    satellite_multipliers,
    technical_coefficients,
    value_added_multipliers,
)

Z = np.array([[150.0, 500.0], [200.0, 100.0]])
F = np.array([350.0, 1700.0])
X = np.array([1000.0, 2000.0])
V = np.array([650.0, 1400.0])


@pytest.fixture()
def solver() -> LeontiefSolver:
    return LeontiefSolver(technical_coefficients(Z, X), X)


def test_coefficients_and_inverses():
    A = technical_coefficients(Z, X)
    np.testing.assert_allclose(A, [[0.15, 0.25], [0.20, 0.05]])
    L = leontief_inverse(A)
    np.testing.assert_allclose(L, [[1.254125, 0.330033], [0.264026, 1.122112]], atol=5e-7)
    np.testing.assert_allclose(allocation_coefficients(Z, X), [[0.15, 0.50], [0.10, 0.05]])
    G = ghosh_inverse(L, X)
    np.testing.assert_allclose(G, [[1.254125, 0.660066], [0.132013, 1.122112]], atol=5e-7)
    # pymrio's documented formula x̂ L x̂⁻¹ is a different (wrong) matrix
    wrong = np.diag(X) @ L @ np.diag(1 / X)
    np.testing.assert_allclose(wrong, [[1.254125, 0.165017], [0.528053, 1.122112]], atol=5e-7)
    assert not np.allclose(G, wrong, atol=1e-3)


def test_new_final_demand(solver):
    x_new = solver.solve([600.0, 1500.0])
    np.testing.assert_allclose(x_new, [1247.52, 1841.58], atol=5e-3)
    shock = leontief_demand_shock(solver, [250.0, -200.0])
    np.testing.assert_allclose(shock.delta_x_, x_new - X, atol=1e-9)


def test_multipliers(solver):
    np.testing.assert_allclose(output_multipliers(solver), [1.518152, 1.452145], atol=5e-7)
    np.testing.assert_allclose(solver.row_sums(), [1.584158, 1.386139], atol=5e-7)
    np.testing.assert_allclose(solver.ghosh_row_sums(), [1.914191, 1.254125], atol=5e-7)
    np.testing.assert_allclose(value_added_multipliers(solver, V), [1.0, 1.0], atol=1e-12)
    # labour coefficients 0.30, 0.25 → labour used by x_new = [374.26, 460.40]
    labour = satellite_multipliers(solver, [300.0, 500.0]) @ np.array([600.0, 1500.0])
    assert labour == pytest.approx(374.26 + 460.40, abs=0.01)


def test_rasmussen(solver):
    lk = rasmussen_linkages(solver, ["agriculture", "manufacturing"])
    np.testing.assert_allclose(lk.backward_, [1.022222, 0.977778], atol=5e-7)
    np.testing.assert_allclose(lk.forward_, [1.208333, 0.791667], atol=5e-7)
    classic = rasmussen_linkages(solver, forward="leontief")
    np.testing.assert_allclose(classic.forward_, [1.066667, 0.933333], atol=5e-7)
    assert lk.key_class_ == ["key", "weak"]
    assert lk.key_sectors == ["agriculture"]


def test_three_sector_rasmussen():
    A = np.array([[.15, .25, .05], [.20, .05, .40], [.30, .25, .05]])
    s = LeontiefSolver(A)
    np.testing.assert_allclose(s.leontief_inverse(), [[1.365086, 0.425260, 0.250904],
                                                      [0.527323, 1.348076, 0.595365],
                                                      [0.569849, 0.489050, 1.288539]], atol=5e-7)
    lk = rasmussen_linkages(s, forward="leontief", coefficient_of_variation=True)
    np.testing.assert_allclose(lk.multipliers_, [2.462258, 2.262386, 2.134808], atol=5e-7)
    np.testing.assert_allclose(lk.backward_, [1.076875, 0.989461, 0.933664], atol=5e-7)
    np.testing.assert_allclose(lk.forward_, [0.892746, 1.080595, 1.026658], atol=5e-7)
    assert lk.cv_backward_ is not None and (lk.cv_backward_ > 0).all()


def test_dorfman_samuelson_solow():
    x = np.array([250.0, 120.0])
    L = leontief_inverse(technical_coefficients([[25, 175], [40, 20]], x))
    np.testing.assert_allclose(L, [[1.612903, 2.822581], [0.309677, 1.741935]], atol=5e-7)


def test_hem(solver):
    ex = hypothetical_extraction(solver, F, ["a", "m"])
    assert ex.total_output == 3000.0
    np.testing.assert_allclose(ex.backward_, [413.1579, 805.8824], atol=5e-5)
    np.testing.assert_allclose(ex.forward_, [728.9474, 452.9412], atol=5e-5)
    np.testing.assert_allclose(ex.total_, [1210.5263, 2588.2353], atol=5e-5)
    np.testing.assert_allclose(ex.total_share_, [0.40351, 0.86275], atol=5e-6)
    A = technical_coefficients(Z, X)
    for j in range(2):
        for kind, got in (("backward", ex.backward_), ("forward", ex.forward_),
                          ("total", ex.total_)):
            assert extraction_direct(A, F, X, j, kind) == pytest.approx(got[j], rel=1e-12)


def test_iim(solver):
    r = iim_demand(solver, [35.0, 0.0])
    np.testing.assert_allclose(r.inoperability_, [0.043894, 0.004620], atol=5e-7)
    assert r.total_ == pytest.approx(53.135, abs=5e-4)
    assert r.total_ == pytest.approx(35 * 1.518152, rel=1e-6)
    s = iim_supply(solver, [65.0, 0.0])
    np.testing.assert_allclose(s.inoperability_, [0.081518, 0.021452], atol=5e-7)
    np.testing.assert_allclose(s.delta_x_, ghosh_supply_shock(solver, [65.0, 0.0]).delta_x_)
    np.testing.assert_allclose(s.delta_x_, [81.518, 42.904], atol=5e-4)
    # A* = x̂⁻¹ A x̂ equals the Ghosh B exactly
    A = technical_coefficients(Z, X)
    np.testing.assert_allclose(np.diag(1 / X) @ A @ np.diag(X), allocation_coefficients(Z, X))


def test_diim():
    B = allocation_coefficients(Z, X)
    r = diim(B, 0.1, [0.1, 0.0], 30, x=X)
    np.testing.assert_allclose(r.q_[1], [0.0915, 0.001], atol=1e-12)
    np.testing.assert_allclose(r.q_[10], [0.042212, 0.004312], atol=5e-7)
    np.testing.assert_allclose(r.q_[30], [0.008659, 0.002118], atol=5e-7)
    np.testing.assert_allclose(diim_continuous(B, 0.1, [0.1, 0.0], 10), [0.043780, 0.004101],
                               atol=5e-7)
    assert r.cumulative_loss_ > 0
    k = resilience_from_recovery([100.0, 100.0], np.diag(B), 0.01)
    np.testing.assert_allclose(k, np.log(100) / (100 * (1 - np.diag(B))))


def test_mixed_model_reproduces_baseline_and_caps():
    A = technical_coefficients(Z, X)
    same = mixed_model(A, F, [1], [2000.0], x=X)
    np.testing.assert_allclose(same.delta_x_, [0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(same.extra["final_demand"], F)
    capped = mixed_model(A, F, [1], [1800.0], x=X)
    # sector 1 output follows from its own final demand plus deliveries to the capped sector
    assert capped.extra["output"][0] == pytest.approx((350 + 0.25 * 1800) / 0.85)
    assert capped.extra["final_demand"][1] == pytest.approx(
        0.95 * 1800 - 0.20 * capped.extra["output"][0])


def test_analyze_table_shape():
    t = IOTable.from_flows(Z, F[:, None], ["agr", "man"], V=V[None, :])
    res = analyze_table(t).to_dict()
    assert res["sectors"] == ["agr", "man"]
    assert set(res["hem"]) == {"backward", "forward", "total"}
    np.testing.assert_allclose(res["backward_linkage"], [1.022222, 0.977778], atol=5e-7)


def test_aggregation_keeps_identities():
    A = np.array([[.15, .25, .05], [.20, .05, .40], [.30, .25, .05]])
    x = np.array([100.0, 200.0, 150.0])
    Zs = A * x
    t = IOTable.from_flows(Zs, (x - Zs.sum(axis=1))[:, None], ["a", "b", "c"])
    agg = aggregate(t, {"a": "g1", "b": "g1", "c": "g2"})
    assert agg.sectors == ["g1", "g2"]
    np.testing.assert_allclose(agg.x, [300.0, 150.0])
    agg.check()
    with pytest.raises(InputError, match="does not map"):
        aggregate(t, {"a": "g1"})


def test_singular_system_raises():
    import scipy.sparse as sp

    with pytest.raises(ModelError, match="singular"):
        LeontiefSolver([[1.0, 0.0], [0.0, 0.5]])
    with pytest.raises(ModelError, match="singular"):
        LeontiefSolver(sp.csr_matrix([[1.0, 0.0], [0.0, 0.5]]))
