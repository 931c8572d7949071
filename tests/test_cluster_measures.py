"""Golden tests for LQ, Krugman, Hoover, HHI, Ellison–Glaeser, shift-share and scorecards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainatlas.cluster import (
    cluster_scorecard,
    ellison_glaeser,
    herfindahl,
    hoover_localisation,
    hoover_specialisation,
    krugman_index,
    location_quotient,
    plant_herfindahl,
    regional_measures,
    shift_share,
)
from chainatlas.exceptions import DataNotFound, InputError

# The toy of the reference notes (complexity_methods.md §5/§7) read as employment.
TOY = pd.DataFrame(
    [[100, 80, 60, 40, 20, 10], [90, 70, 50, 0, 10, 0], [50, 0, 40, 0, 0, 0],
     [0, 10, 0, 0, 5, 60], [20, 0, 0, 5, 0, 30]],
    index=list("ABCDE"), columns=["p1", "p2", "p3", "p4", "p5", "p6"], dtype=float)


def test_location_quotient_row_a_and_by_hand():
    lq = location_quotient(TOY)
    np.testing.assert_allclose(lq.loc["A"], [.9305, 1.2097, .9677, 2.1505, 1.3825, .2419],
                               atol=1e-4)
    # A, p4: (40/310) / (45/750)
    assert lq.loc["A", "p4"] == pytest.approx((40 / 310) / (45 / 750))


def test_krugman_national_and_rest_of_country():
    np.testing.assert_allclose(krugman_index(TOY), [.2632, .3891, .9067, 1.3733, .9200],
                               atol=1e-4)
    np.testing.assert_allclose(krugman_index(TOY, "rest"),
                               [.4487, .5506, 1.0303, 1.5259, .9928], atol=1e-4)
    np.testing.assert_allclose(hoover_specialisation(TOY), krugman_index(TOY) / 2)


def test_herfindahl_raw_and_normalised():
    np.testing.assert_allclose(herfindahl(TOY), [.2300, .3223, .5062, .6622, .4380], atol=1e-4)
    np.testing.assert_allclose(herfindahl(TOY, normalised=True),
                               [.0760, .1868, .4074, .5947, .3256], atol=1e-4)
    # per industry over regions: p6 = (10² + 60² + 30²) / 100²
    assert herfindahl(TOY, axis="industry")["p6"] == pytest.approx(0.46)


def test_hoover_localisation():
    np.testing.assert_allclose(hoover_localisation(TOY),
                               [.1287, .2308, .1867, .5133, .2010, .7267], atol=1e-4)


def test_ellison_glaeser_with_given_plant_herfindahl():
    eg = ellison_glaeser(TOY, np.array([.05, .10, .20, .50, .10, .30]))
    np.testing.assert_allclose(eg["G"], [.0189, .0495, .0387, .3380, .0467, .5000], atol=1e-4)
    np.testing.assert_allclose(eg["gamma"], [-.0248, -.0340, -.1822, -.0523, -.0384, .5728],
                               atol=1e-4)
    assert eg["band"].tolist() == ["weak"] * 5 + ["high"]
    x = TOY.sum(axis=1) / TOY.to_numpy().sum()
    assert (x ** 2).sum() == pytest.approx(.2867, abs=1e-4)


def test_ellison_glaeser_single_plant_is_undefined():
    eg = ellison_glaeser(TOY, np.array([.05, .10, .20, .50, .10, 1.0]))
    assert np.isnan(eg["gamma"].iloc[-1]) and eg["band"].iloc[-1] == ""


def test_plant_herfindahl_by_hand():
    h = plant_herfindahl([6, 3, 1, 5, 5], ["a", "a", "a", "b", "b"])
    assert h["a"] == pytest.approx(.36 + .09 + .01)
    assert h["b"] == pytest.approx(.5)
    with pytest.raises(InputError):
        plant_herfindahl([1, -1], ["a", "a"])


def test_regional_measures_table():
    t = regional_measures(TOY)
    assert t.loc["D", "top_industry"] == "p6"
    assert t.loc["A", "total"] == 310
    assert list(t.columns) == ["total", "krugman", "krugman_rest", "hoover", "hhi",
                               "hhi_normalised", "top_industry", "top_lq"]


def test_shift_share_by_hand():
    start = pd.DataFrame([[10.0, 20.0], [30.0, 40.0]], index=["A", "B"], columns=["i1", "i2"])
    end = pd.DataFrame([[12.0, 30.0], [33.0, 36.0]], index=["A", "B"], columns=["i1", "i2"])
    ss = shift_share(start, end).set_index(["region", "industry"])
    # g = 111/100 - 1 = .11; g_i1 = 45/40 - 1 = .125; g_i2 = 66/60 - 1 = .1
    np.testing.assert_allclose(ss.loc[("A", "i1"), ["national_share", "industry_mix",
                                                    "regional_shift"]], [1.1, .15, .75])
    np.testing.assert_allclose(ss.loc[("B", "i2"), ["national_share", "industry_mix",
                                                    "regional_shift"]], [4.4, -.4, -8.0])
    np.testing.assert_allclose(ss.loc[("A", "(total)"), ["change", "national_share"]], [12, 3.3])


def test_shift_share_national_share_of_the_toy():
    """Reference §7: with g = 0.066 the national-share term is the row total × g (A 20.46)."""
    ss = shift_share(TOY, TOY * 1.066).set_index(["region", "industry"])
    for region, ns in (("A", 20.46), ("D", 4.95), ("E", 3.63)):
        assert ss.loc[(region, "(total)"), "national_share"] == pytest.approx(ns)
    assert ss["industry_mix"].abs().max() < 1e-9


def test_shift_share_new_industry_in_a_region():
    start = pd.DataFrame([[0.0, 10.0], [10.0, 10.0]], index=["A", "B"], columns=["i1", "i2"])
    end = pd.DataFrame([[5.0, 10.0], [10.0, 10.0]], index=["A", "B"], columns=["i1", "i2"])
    ss = shift_share(start, end).set_index(["region", "industry"])
    assert ss.loc[("A", "i1"), "regional_shift"] == pytest.approx(5.0)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(2, 6)),
              elements=st.floats(0.0, 1e4)),
       arrays(np.float64, st.tuples(st.just(6), st.just(6)), elements=st.floats(0.0, 1e4)))
def test_shift_share_components_add_up(a, b):
    a = a + 1.0
    b = b[: a.shape[0], : a.shape[1]]
    ss = shift_share(pd.DataFrame(a), pd.DataFrame(b))
    total = ss["national_share"] + ss["industry_mix"] + ss["regional_shift"]
    np.testing.assert_allclose(total, ss["change"], atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 7), st.integers(2, 7)),
              elements=st.floats(0.0, 1e5)))
def test_measure_ranges(X):
    X = X + 1.0
    k = krugman_index(X)
    assert ((k >= -1e-12) & (k <= 2 + 1e-12)).all()
    h = hoover_localisation(X)
    assert ((h >= -1e-12) & (h < 1)).all()
    n = X.shape[1]
    hh = herfindahl(X)
    assert ((hh >= 1 / n - 1e-12) & (hh <= 1 + 1e-12)).all()


def test_empty_region_has_no_specialisation():
    X = TOY.copy()
    X.loc["Z"] = 0.0
    assert np.isnan(krugman_index(X)["Z"]) and np.isnan(herfindahl(X)["Z"])
    assert herfindahl(X)["A"] == pytest.approx(.2300, abs=1e-4)


def test_bad_tables_raise():
    with pytest.raises(InputError, match="negative"):
        location_quotient(pd.DataFrame([[1.0, -2.0]]))
    with pytest.raises(InputError, match="same regions"):
        shift_share(TOY, TOY.iloc[:3])
    with pytest.raises(InputError):
        ellison_glaeser(TOY, np.array([.1, .2]))


def _panel():
    ind = pd.DataFrame({
        "region": ["X"] * 7, "year": [2023] * 7,
        "indicator": ["gdp", "cluster_va__a", "cluster_revenue__a", "cluster_va__b",
                      "cluster_revenue__b", "cluster_va__c", "cluster_revenue__c"],
        "value": [1000.0, 100.0, 12000.0, 150.0, 9000.0, 50.0, 10000.0]})
    defs = pd.DataFrame({"indicator": ind["indicator"],
                         "name": ["GDP", "甲产业集群增加值", "甲产业集群营业收入", "乙产业集群增加值",
                                  "乙产业集群营业收入", "丙产业集群增加值", "丙产业集群营业收入"],
                         "dimension": ["", "A", "A", "B", "B", "C", "C"],
                         "subsystem": ["", "g1", "g1", "g1", "g1", "g2", "g2"],
                         "unit": ["亿元"] * 7})
    return ind, defs


def test_scorecard_by_hand():
    sc = cluster_scorecard(*_panel(), "X")
    assert sc.summary["clusters"] == 3
    assert sc.summary["share_of_gdp"] == pytest.approx(0.30)   # (100 + 150 + 50) / 1000
    assert sc.summary["above_threshold"] == 2                  # 12,000 and 10,000 亿元 ≥ 1 万亿
    assert sc.clusters["name"].tolist() == ["甲产业集群", "丙产业集群", "乙产业集群"]
    assert sc.summary["groups"] == {"g1": 2, "g2": 1}


def test_scorecard_units_and_missing():
    ind, defs = _panel()
    defs.loc[defs["indicator"].str.startswith("cluster_revenue"), "unit"] = "万元"
    sc = cluster_scorecard(ind, defs, "X")
    assert sc.summary["above_threshold"] == 0  # 12,000 万元 is far below a trillion
    with pytest.raises(DataNotFound):
        cluster_scorecard(ind, defs, "Y")
    defs.loc[0, "unit"] = "斤"
    defs.loc[1, "unit"] = "斤"
    with pytest.raises(InputError, match="unit"):
        cluster_scorecard(ind, defs, "X")


def test_guangdong_scorecard_reproduces_the_seed_facts():
    """Seed: Guangdong's 20 strategic clusters ≈ 40 % of GDP, 8 above one trillion yuan."""
    from chainatlas.datasets import load_demo

    gd = load_demo("gd-clusters")
    sc = cluster_scorecard(gd.indicators, gd.indicator_defs, "440000")
    assert sc.year == 2023
    assert sc.summary["clusters"] == 20
    assert sc.summary["share_of_gdp"] == pytest.approx(0.40, abs=0.005)
    assert sc.summary["above_threshold"] == 8
    assert sc.summary["groups"] == {"战略性支柱产业集群": 10, "战略性新兴产业集群": 10}


def test_dagum_gini_by_hand():
    """Groups A = {1, 3}, B = {2, 6}: G = 1/3 = within 1/8 + net between 1/6 + transvariation
    1/24 (G_AA = G_BB = 1/4, G_BA = 10/24, D_BA = (9/4 - 1/4) / (10/4) = 0.8)."""
    from chainatlas.cluster import dagum_gini

    res = dagum_gini([1.0, 3.0, 2.0, 6.0], ["A", "A", "B", "B"])
    assert res.gini == pytest.approx(1 / 3)
    assert res.within == pytest.approx(1 / 8)
    assert res.between_net == pytest.approx(1 / 6)
    assert res.transvariation == pytest.approx(1 / 24)
    assert res.between.loc["B", "A"] == pytest.approx(10 / 24)
    np.testing.assert_allclose(res.groups["gini"], [0.25, 0.25])
    np.testing.assert_allclose(res.groups["share"], [1 / 3, 2 / 3])
    assert res.contributions["share"].sum() == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 30), elements=st.floats(0.0, 1e4)),
       st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_dagum_parts_add_up_to_the_gini(y, k, seed):
    from chainatlas.cluster import dagum_gini, gini

    y = y + 0.5
    groups = np.random.default_rng(seed).integers(0, k, len(y))
    res = dagum_gini(y, groups)
    # an independent Gini: mean absolute difference over twice the mean
    g = np.abs(y[:, None] - y[None, :]).mean() / (2 * y.mean())
    assert res.gini == pytest.approx(g) and gini(y) == pytest.approx(g)
    assert res.within + res.between_net + res.transvariation == pytest.approx(res.gini, abs=1e-12)
    assert res.between_net >= -1e-12 and res.transvariation >= -1e-12


def test_dagum_rejects_bad_input():
    from chainatlas.cluster import dagum_gini

    with pytest.raises(InputError):
        dagum_gini([1.0, -1.0], ["a", "b"])
    with pytest.raises(InputError):
        dagum_gini([1.0, 2.0], ["a"])
