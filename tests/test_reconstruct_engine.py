"""Invariants of the reconstruction engine (references/reconstruction.md, "Validation")."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from chainatlas.exceptions import InputError
from chainatlas.reconstruct import (
    LinkModel,
    Observed,
    ReconstructionInputs,
    dcgm,
    demand_pairs,
    iogm,
    reconstruct,
)
from chainatlas.reconstruct import sample as sample_mod
from chainatlas.reconstruct.ensemble import build_layout
from chainatlas.reconstruct.sample import kernel_matrix, region_distances


def toy_inputs(n: int = 60, S: int = 4, R: int = 5, seed: int = 0,
               essential: bool = True) -> ReconstructionInputs:
    """Single-sector firms in a 4-tier chain (a → b for a < b), cities around Shanghai."""
    rng = np.random.default_rng(seed)
    sector = np.concatenate([np.arange(S), rng.integers(0, S, n - S)])
    X = rng.lognormal(3.0, 1.0, n)
    A = np.zeros((S, S))
    for b in range(1, S):
        A[:b, b] = rng.uniform(0.05, 0.3, b)
    x_sec = np.bincount(sector, weights=X, minlength=S)
    u = np.minimum((A @ x_sec) / x_sec, 1.0)
    lon = 121.0 + rng.uniform(-1.5, 1.5, R)
    lat = 31.0 + rng.uniform(-1.0, 1.0, R)
    return ReconstructionInputs(
        n, np.arange(n), sector.astype(np.int64), X, rng.integers(0, R, n).astype(np.int64),
        lon, lat, A, u, np.array([0.0, 0.1, 0.0, 0.0][:S]), np.full(S, essential),
        [f"s{k}" for k in range(S)])


def expected_flows(inp: ReconstructionInputs) -> np.ndarray:
    """Σ_{j ∈ b} A[a, b]·X_j from the inputs alone (every firm has one unit)."""
    x_sec = np.bincount(inp.unit_sector, weights=inp.unit_output, minlength=inp.n_sectors)
    return inp.A * x_sec[None, :]


def test_every_member_reproduces_sector_flows_sales_and_purchases_exactly() -> None:
    inp = toy_inputs()
    Z = expected_flows(inp)
    _, _, D = demand_pairs(inp)
    # firm heterogeneity drawn from its prior (the default) and switched off
    for firm_cv in (None, 0.0):
        ens = reconstruct(inp, LinkModel(mean_degree=3.0, firm_cv=firm_cv), members=6, seed=3)
        for m in ens.members:
            np.testing.assert_allclose(m.flows(), Z, rtol=1e-12, atol=1e-9)
            # each buyer's purchases and each unit's sales are the member's own firm-level
            # ones; without heterogeneity they are the inputs' A·X and u·X
            np.testing.assert_allclose(m.pair_purchases(), m.pair_demand, rtol=1e-12)
            assert m.unit_supply is not None
            np.testing.assert_allclose(m.unit_sales(), m.unit_supply, rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(m.unit_supply.sum(), inp.supply.sum(), rtol=1e-12)
            if firm_cv == 0.0:
                np.testing.assert_allclose(m.pair_demand, D, rtol=1e-12)
                np.testing.assert_allclose(m.unit_sales(), inp.supply, rtol=1e-12, atol=1e-9)
            else:
                assert m.settings.firm_cv is not None and 0.5 <= m.settings.firm_cv <= 2.0
                assert np.max(np.abs(m.pair_demand / D - 1)) > 0.1
            assert (m.value >= 0).all() and (m.roc_in >= 0).all() and (m.roc_out >= 0).all()
            # imports are the import share of every purchase of that input
            np.testing.assert_allclose(m.imports, m.pair_demand * inp.imports[m.pair_sector])
            # most trade stays between the firms: the links carry it
            assert m.value.sum() > 0.5 * (m.roc_in.sum() + m.value.sum())


def test_firm_heterogeneity_keeps_every_cell_total_and_has_its_dispersion() -> None:
    from chainatlas.reconstruct.ensemble import firm_heterogeneity

    # one input sector, one buyer sector: 20,000 buyers; 20,000 single-unit suppliers
    n = 20_000
    rng = np.random.default_rng(1)
    X = rng.lognormal(0, 1, 2 * n)
    inp = ReconstructionInputs(
        2 * n, np.arange(2 * n), np.repeat([0, 1], n).astype(np.int64), X,
        np.zeros(2 * n, np.int64), np.zeros(1), np.zeros(1), np.array([[0.0, 0.4], [0, 0]]),
        np.array([0.5, 0.0]), np.zeros(2), np.ones(2, bool), ["a", "b"])
    buyer, sector, D = demand_pairs(inp)
    sells = np.flatnonzero(inp.supply > 0)
    for cv in (0.5, 1.5):
        D2, S2 = firm_heterogeneity(inp, buyer, sector, D, sells, inp.supply[sells], cv,
                                    np.random.default_rng(2))
        assert D2.sum() == pytest.approx(D.sum(), rel=1e-12)
        assert S2.sum() == pytest.approx(inp.supply[sells].sum(), rel=1e-12)
        for r in (D2 / D, S2 / inp.supply[sells]):
            # Gamma multipliers of mean 1 and coefficient of variation cv, rescaled by ~1
            assert r.std() / r.mean() == pytest.approx(cv, rel=0.05)


def test_whole_economy_on_a_complete_support_needs_no_rest_of_country() -> None:
    inp = toy_inputs(n=24, S=3, R=3, seed=2)
    inp.imports[:] = 0.0
    ens = reconstruct(inp, LinkModel(mean_degree=50.0, alpha=0.4, gamma=0.0), members=2,
                      seed=1)
    for m in ens.members:
        tot = m.value.sum()
        assert m.roc_in.sum() < 1e-8 * tot and m.roc_out.sum() < 1e-8 * tot
        np.testing.assert_allclose(m.local_flows(), expected_flows(inp), rtol=1e-6, atol=1e-6)


def test_link_count_on_target_in_expectation() -> None:
    inp = toy_inputs(n=80, seed=5)
    model = LinkModel(mean_degree=2.5, alpha=0.4, gamma=1.0, firm_cv=0.0)
    ens = reconstruct(inp, model, members=40, seed=11)
    counts = np.array([m.n_links for m in ens.members], dtype=float)
    target = 2.5 * inp.n_firms
    se = counts.std(ddof=1) / np.sqrt(len(counts))
    assert abs(counts.mean() - target) < 4 * se + 1.0
    # the expected count of the first member's z is the target (exhaustive sum over pairs)
    m = ens.members[0]
    lay, *_ = build_layout(inp, "sector", 0.4)
    f = kernel_matrix(region_distances(inp.region_lon, inp.region_lat, 10.0), 1.0, 10.0)
    E = sample_mod.expected_links(m.z, lay, f, "poisson", True)
    assert E.sum() == pytest.approx(target, rel=1e-9)


def test_same_seed_same_ensemble_and_members_independent_of_count() -> None:
    inp = toy_inputs()
    a = reconstruct(inp, members=3, seed=42)
    b = reconstruct(inp, members=3, seed=42)
    c = reconstruct(inp, members=5, seed=42)
    d = reconstruct(inp, members=3, seed=43)
    for ma, mb, mc in zip(a.members, b.members, c.members, strict=False):
        for name in ("link_unit", "link_pair", "value", "probability"):
            np.testing.assert_array_equal(getattr(ma, name), getattr(mb, name))
            np.testing.assert_array_equal(getattr(ma, name), getattr(mc, name))
        assert ma.settings == mb.settings
    assert not all(np.array_equal(x.link_unit, y.link_unit) and len(x.link_unit) == len(y.link_unit)
                   for x, y in zip(a.members, d.members, strict=True))


def test_hyperparameters_drawn_inside_their_priors() -> None:
    inp = toy_inputs()
    ens = reconstruct(inp, members=12, seed=0)
    for m in ens.members:
        s = m.settings
        assert 4.0 <= s.mean_degree <= 25.0 and 0.3 <= s.alpha <= 0.5
        assert 20.0 <= s.median_distance_km <= 50.0 and s.gamma is not None
        assert 0.5 <= s.weight_cv <= 2.0 and 0.5 <= s.firm_cv <= 2.0
    fixed = reconstruct(inp, LinkModel(mean_degree=3.0, alpha=0.45), members=4, seed=0)
    assert all(m.settings.mean_degree == 3.0 and m.settings.alpha == 0.45 for m in fixed.members)


def test_every_essential_input_supplied() -> None:
    inp = toy_inputs(n=80, seed=9)
    ens = reconstruct(inp, LinkModel(mean_degree=0.3, alpha=0.4, gamma=2.0), members=10,
                      seed=2)
    buyer, sector, _ = demand_pairs(inp)
    for m in ens.members:
        linked = np.bincount(m.link_pair, minlength=len(buyer)) > 0
        # a pair has a possible local supplier unless its only supplier is the buyer itself
        for p in range(len(buyer)):
            others = np.flatnonzero((inp.unit_sector == sector[p]) & (inp.unit_firm != buyer[p])
                                    & (inp.supply > 0))
            assert linked[p] == (len(others) > 0)
    # without forcing, sparse networks leave pairs without a local supplier
    loose = reconstruct(inp, LinkModel(mean_degree=0.3, alpha=0.4, gamma=2.0, essential=False),
                        members=3, seed=2)
    assert any((np.bincount(m.link_pair, minlength=len(buyer)) == 0).any()
               for m in loose.members)


def _dense_rates(inp: ReconstructionInputs, alpha: float, gamma: float, layers: str
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """λ/z for every (unit, pair) written out densely, independently of the sampler."""
    buyer, sector, D = demand_pairs(inp)
    if layers == "none":
        tot = np.bincount(buyer, weights=D, minlength=inp.n_firms)
        buyer = np.flatnonzero(tot > 0)
        D = tot[buyer]
        sector = np.full(len(buyer), -1)
    s = inp.supply
    lon, lat = inp.region_lon[inp.firm_region], inp.region_lat[inp.firm_region]
    rad = np.radians
    dlat = rad(lat)[None, :] - rad(lat)[:, None]
    dlon = rad(lon)[None, :] - rad(lon)[:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(rad(lat))[:, None] * np.cos(rad(lat))[None, :] \
        * np.sin(dlon / 2) ** 2
    d = 2 * 6371.0088 * np.arcsin(np.sqrt(h))
    same = inp.firm_region[:, None] == inp.firm_region[None, :]
    d = np.where(same, 10.0, d)
    fu = inp.unit_firm
    lam = (s[:, None] ** alpha) * (D[None, :] ** alpha) \
        * (1 + d[fu][:, buyer] / 10.0) ** (-gamma)
    ok = (s[:, None] > 0) & (fu[:, None] != buyer[None, :])
    if layers == "sector":
        ok &= inp.unit_sector[:, None] == sector[None, :]
    return np.where(ok, lam, 0.0), buyer, sector


def test_sampler_is_exact_link_frequencies_match_probabilities() -> None:
    inp = toy_inputs(n=14, S=3, R=3, seed=4)
    model = LinkModel(mean_degree=1.2, alpha=0.4, gamma=1.5, firm_cv=0.0)
    ens = reconstruct(inp, model, members=300, seed=8)
    lam1, buyer, sector = _dense_rates(inp, 0.4, 1.5, "sector")
    z = ens.members[0].z[0]
    lam = z * lam1
    Lam = lam.sum(axis=0)
    p = -np.expm1(-lam) / np.where(Lam > 0, -np.expm1(-Lam), 1.0)[None, :]
    freq = np.zeros_like(p)
    for m in ens.members:
        freq[m.link_unit, m.link_pair] += 1
        np.testing.assert_allclose(m.probability, p[m.link_unit, m.link_pair], rtol=1e-9)
    freq /= len(ens.members)
    se = np.sqrt(p * (1 - p) / len(ens.members)) + 1e-12
    assert np.max(np.abs(freq - p) / se) < 5.0
    assert (freq[lam1 == 0] == 0).all()


@pytest.mark.parametrize("which", ["dcgm", "iogm"])
def test_limiting_cases_are_dcgm_and_iogm(which: str) -> None:
    inp = toy_inputs(n=16, S=3, R=3, seed=6, essential=False)
    K = 1.5
    layers = "none" if which == "dcgm" else "sector"
    lam1, _, _ = _dense_rates(inp, 1.0, 0.0, layers)
    target = K * inp.n_firms

    def total(logz: float) -> float:
        v = np.exp(logz) * lam1
        return float((v / (1 + v)).sum()) - target

    z_ref = np.exp(optimize.brentq(total, -60, 60, xtol=1e-14))
    p_ref = z_ref * lam1 / (1 + z_ref * lam1)
    ens = (dcgm if which == "dcgm" else iogm)(inp, K, members=300, seed=1)
    assert ens.members[0].z[0] == pytest.approx(z_ref, rel=1e-8)
    freq = np.zeros_like(p_ref)
    W = inp.supply.sum()
    for m in ens.members:
        freq[m.link_unit, m.link_pair] += 1
        np.testing.assert_allclose(m.probability, p_ref[m.link_unit, m.link_pair], rtol=1e-9)
    freq /= len(ens.members)
    se = np.sqrt(p_ref * (1 - p_ref) / len(ens.members)) + 1e-12
    assert np.max(np.abs(freq - p_ref) / se) < 5.0
    if which == "dcgm":
        # dcGM weights: w = s_out,i s_in,j / (W p_ij), so strengths hold in expectation
        m = ens.members[0]
        s_in = m.pair_demand[m.link_pair]
        np.testing.assert_allclose(m.value, inp.supply[m.link_unit] * s_in
                                   / (W * m.probability), rtol=1e-12)


def test_known_links_kept_in_every_member() -> None:
    inp = toy_inputs(seed=1)
    buyer, sector, D = demand_pairs(inp)
    p = int(np.argmax(D))
    sup = int(np.flatnonzero((inp.unit_sector == sector[p]) & (inp.unit_firm != buyer[p]))[0])
    obs = Observed(np.array([sup]), np.array([buyer[p]]), np.array([0.25 * D[p]]))
    ens = reconstruct(inp, LinkModel(mean_degree=3.0, firm_cv=0.0), members=4, seed=0,
                      observed=obs)
    for m in ens.members:
        hit = (m.link_unit == sup) & (m.link_pair == p)
        assert hit.sum() == 1 and m.observed[hit].all()
        assert m.value[hit][0] == pytest.approx(0.25 * D[p]) and m.probability[hit][0] == 1.0
        np.testing.assert_allclose(m.pair_purchases(), D, rtol=1e-12)


def test_sampled_link_count_estimate_agrees_with_the_exhaustive_sum(monkeypatch) -> None:
    inp = toy_inputs(n=300, S=4, R=6, seed=3)
    model = LinkModel(mean_degree=3.0, alpha=0.4, gamma=1.0)
    exact = reconstruct(inp, model, members=1, seed=5).members[0].z[0]
    monkeypatch.setattr(sample_mod, "EXACT_BUDGET", 10)  # force the sampled estimate
    approx = reconstruct(inp, model, members=1, seed=5).members[0].z[0]
    assert approx != exact and approx == pytest.approx(exact, rel=0.05)


def test_bad_settings_refused() -> None:
    inp = toy_inputs()
    with pytest.raises(InputError):
        reconstruct(inp, LinkModel(mean_degree=-1), members=1)
    with pytest.raises(InputError):
        reconstruct(inp, LinkModel(link="logistic"), members=1)
    with pytest.raises(InputError):
        reconstruct(inp, members=0)


def test_per_pair_essentiality_decides_which_inputs_are_forced() -> None:
    inp = toy_inputs(n=80, seed=9)
    E = np.ones((inp.n_sectors, inp.n_sectors), bool)
    E[0, 3] = False  # input s0 is not essential to sector s3
    inp.essential_pair = E
    model = LinkModel(mean_degree=0.3, alpha=0.4, gamma=2.0)
    buyer, sector, _ = demand_pairs(inp)
    forced = (sector != 0) | (inp.unit_sector[buyer] != 3)
    unforced_empty = 0
    for m in reconstruct(inp, model, members=10, seed=2).members:
        linked = np.bincount(m.link_pair, minlength=len(buyer)) > 0
        assert linked[forced].all()
        unforced_empty += int((~linked[~forced]).sum())
    assert unforced_empty > 0


def _random_ipf_problem(seed: int) -> tuple[np.ndarray, ...]:
    """A sparse random support with rest-of-country-like rows and columns, feasible targets."""
    rng = np.random.default_rng(seed)
    nr, nc, nnz = 30, 40, 160
    rows = np.concatenate([rng.integers(0, nr - 1, nnz), np.full(nc, nr - 1),
                           np.arange(nr - 1)]).astype(np.int64)
    cols = np.concatenate([rng.integers(0, nc - 1, nnz), np.arange(nc),
                           np.full(nr - 1, nc - 1)]).astype(np.int64)
    x = rng.gamma(0.5, 2.0, len(rows))
    r = rng.uniform(1, 10, nr)
    c = rng.uniform(1, 10, nc)
    c *= r.sum() / c.sum()
    return rows, cols, x, r, c


@pytest.mark.parametrize("max_iter", [7, 2000])
def test_compiled_ipf_rounds_equal_the_numpy_rounds(max_iter: int) -> None:
    from chainatlas.reconstruct import _ipf

    for s in range(3):
        rows, cols, x, r, c = _random_ipf_problem(s)
        xa, xb = x.copy(), x.copy()
        ia, ga = _ipf.ipf_rounds_numpy(rows, cols, xa, r, c, 1e-10, max_iter)
        ib, gb = _ipf.ipf_rounds(rows, cols, xb, r, c, 1e-10, max_iter)
        assert ia == ib and gb == pytest.approx(ga, rel=1e-9, abs=1e-15)
        np.testing.assert_allclose(xb, xa, rtol=1e-12, atol=1e-300)
        # links only: the same, and the same verdict
        ya, yb = x.copy(), x.copy()
        oka = _ipf.ipf_links_numpy(rows, cols, ya, r, c, 1e-10, max_iter)
        okb = _ipf.ipf_links(rows, cols, yb, r, c, 1e-10, max_iter)
        assert oka == okb
        np.testing.assert_allclose(yb, ya, rtol=1e-12, atol=1e-300)


def test_fit_ipf_compiled_equals_numpy_on_an_ensemble_member() -> None:
    from chainatlas.reconstruct.weights import fit_ipf

    inp = toy_inputs(n=50, seed=7)
    ens = reconstruct(inp, LinkModel(mean_degree=3.0, alpha=0.4, gamma=1.0), members=2, seed=4)
    lay, buyer, sector, D, imp, sells = build_layout(inp, "sector", 0.4)
    pos = np.full(inp.n_units, -1)
    pos[sells] = np.arange(len(sells))
    for m in ens.members:
        lu = pos[m.link_unit]
        seed = np.random.default_rng(m.index).gamma(1.0, 1.0, len(lu))
        args = (lu, m.link_pair, inp.supply[sells], D, imp, lay.unit_layer, lay.pair_layer,
                lay.n_layers)
        a = fit_ipf(*args, seed_value=seed, kernel="numpy")
        b = fit_ipf(*args, seed_value=seed, kernel="numba")
        assert a.iterations == b.iterations
        for name in ("value", "roc_in", "roc_out"):
            np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-12,
                                       atol=1e-12)


def test_ipf_keeps_the_starting_values_pattern_and_fits_the_targets() -> None:
    """IPF only multiplies rows and columns, so x_ij x_kl / (x_il x_kj) equals the starting
    values' cross-ratio: random starting values give random fitted values (by hand)."""
    from chainatlas.reconstruct.weights import fit_ipf

    # one layer, 3 supplier units × 3 buyer pairs, every pair linked to every unit, balanced
    lu = np.repeat(np.arange(3), 3)
    lp = np.tile(np.arange(3), 3)
    supply = np.array([10.0, 20.0, 30.0])
    demand = np.array([15.0, 25.0, 20.0])
    seed = np.array([1.0, 4.0, 0.5, 2.0, 1.0, 3.0, 0.2, 5.0, 1.0])
    fw = fit_ipf(lu, lp, supply, demand, np.zeros(3), np.zeros(3, np.int64),
                 np.zeros(3, np.int64), 1, seed_value=seed)
    X = fw.value.reshape(3, 3)
    S0 = seed.reshape(3, 3)
    np.testing.assert_allclose(X.sum(axis=1), supply, rtol=1e-8)
    np.testing.assert_allclose(X.sum(axis=0), demand, rtol=1e-8)
    for (i, k), (j, m) in [((0, 1), (0, 1)), ((0, 2), (1, 2)), ((1, 2), (0, 2))]:
        assert X[i, j] * X[k, m] / (X[i, m] * X[k, j]) == pytest.approx(
            S0[i, j] * S0[k, m] / (S0[i, m] * S0[k, j]), rel=1e-8)
    # equal starting values: the fit is the independence table s_i d_j / W
    eq = fit_ipf(lu, lp, supply, demand, np.zeros(3), np.zeros(3, np.int64),
                 np.zeros(3, np.int64), 1)
    np.testing.assert_allclose(eq.value.reshape(3, 3), np.outer(supply, demand) / 60.0,
                               rtol=1e-8)


def test_starting_values_are_contacts_times_a_gamma_value() -> None:
    from chainatlas.reconstruct.ensemble import start_values

    rng = np.random.default_rng(0)
    contacts = np.repeat(np.array([1, 3]), 40_000)
    for cv in (0.5, 1.0, 2.0):
        v = start_values(contacts, cv, rng)
        for n in (1, 3):
            s = v[contacts == n] / n
            # Gamma(shape 1/c², scale c²): mean 1, standard deviation c
            assert s.mean() == pytest.approx(1.0, rel=0.04)
            assert s.std() == pytest.approx(cv, rel=0.06)
            assert stats.kstest(s, stats.gamma(1 / cv**2, scale=cv**2).cdf).pvalue > 1e-3
    np.testing.assert_array_equal(start_values(contacts, 0.0, rng), contacts)


def test_members_differ_in_link_values_not_only_in_links() -> None:
    """On a complete support every member has the same links; with value dispersion their
    values differ (each still meeting every flow), without it they agree."""
    inp = toy_inputs(n=24, S=3, R=3, seed=2)
    inp.imports[:] = 0.0
    shares = {}
    for cv in (0.0, 1.0):
        ens = reconstruct(inp, LinkModel(mean_degree=50.0, alpha=0.4, gamma=0.0,
                                         weight_cv=cv, firm_cv=0.0), members=3, seed=1)
        ms = ens.members
        assert all(np.array_equal(m.link_unit, ms[0].link_unit)
                   and np.array_equal(m.link_pair, ms[0].link_pair) for m in ms)
        for m in ms:
            np.testing.assert_allclose(m.flows(), expected_flows(inp), rtol=1e-9, atol=1e-9)
        shares[cv] = np.array([m.value / m.pair_purchases()[m.link_pair] for m in ms])
    spread = {cv: float(np.median(np.std(s, axis=0) / np.mean(s, axis=0)))
              for cv, s in shares.items()}
    assert spread[1.0] > 0.3 and spread[0.0] < 0.15
