"""Coupling coordination (standard, Wang et al. 2021, Fan), grades, development types, obstacles."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainatlas.evaluation import (
    GradeTable,
    classify,
    coupling_coordination,
    coupling_degree,
    development_type,
    entropy_weights,
    grade_table,
    minmax_standardise,
    obstacle_degree,
    subsystem_obstacles,
    top_obstacles,
)
from chainatlas.exceptions import InputError

# reference notes §7: U, T, C std, D std, C Wang, D Wang, C Fan
GOLDEN = [
    ((0.3, 0.6), .4500, .9428, .6514, .5916, .5160, .7000),
    ((0.1, 0.3), .2000, .8660, .4162, .5164, .3214, .8000),
    ((0.8, 0.85), .8250, .9995, .9081, .9456, .8832, .9500),
    ((0.3, 0.6, 0.45), .4500, .9615, .6578, .6999, .5612, .7551),
    ((0.62, 0.48, 0.35, 0.55), .5000, .9785, .6995, .7888, .6280, .8005),
]


@pytest.mark.parametrize("U,T,Cs,Ds,Cw,Dw,Cf", GOLDEN)
def test_coupling_golden(U, T, Cs, Ds, Cw, Dw, Cf) -> None:  # noqa: N803
    std = coupling_coordination(U, "standard")
    wang = coupling_coordination(U, "wang")
    assert std.T[0] == pytest.approx(T, abs=5e-5)
    assert std.C[0] == pytest.approx(Cs, abs=5e-5)
    assert std.D[0] == pytest.approx(Ds, abs=5e-5)
    assert wang.C[0] == pytest.approx(Cw, abs=5e-5)
    assert wang.D[0] == pytest.approx(Dw, abs=5e-5)
    assert coupling_degree(U, "fan")[0] == pytest.approx(Cf, abs=5e-5)


def test_two_system_closed_forms() -> None:
    u1, u2 = 0.3, 0.6
    assert coupling_degree([u1, u2])[0] == pytest.approx(2 * np.sqrt(u1 * u2) / (u1 + u2))
    assert coupling_degree([u1, u2], "wang")[0] == pytest.approx(
        np.sqrt((1 - abs(u1 - u2)) * min(u1, u2) / max(u1, u2)))


def test_rows_alpha_and_zeros() -> None:
    r = coupling_coordination([[0.3, 0.6], [0.0, 0.0], [0.0, 0.5]], "standard", alpha=[3, 1])
    np.testing.assert_allclose(r.T, [0.375, 0.0, 0.125])
    assert r.C[1] == 0.0 and r.C[2] == 0.0
    np.testing.assert_allclose(r.D, np.sqrt(r.C * r.T))


def test_bad_scores_rejected() -> None:
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        coupling_degree([0.3, 1.4])
    with pytest.raises(InputError, match="at least 2"):
        coupling_degree([[0.3], [0.4]])
    with pytest.raises(InputError):
        coupling_degree([0.3, 0.4], "liao")  # type: ignore[arg-type]


def _wrong_pair_sum_form(U: np.ndarray) -> float:
    """A frequently published wrong three-system form (reference notes §4)."""
    u1, u2, u3 = U
    return float(3 * (u1 * u2 * u3 / ((u1 + u2) * (u1 + u3) * (u2 + u3))) ** (1 / 3))


def test_the_bound_property_catches_the_wrong_form() -> None:
    U = np.array([0.3, 0.6, 0.45])
    assert _wrong_pair_sum_form(U) == pytest.approx(1.4559, abs=5e-5)
    assert _wrong_pair_sum_form(U) > 1  # the property below would fail for it
    assert coupling_degree(U)[0] <= 1 and coupling_degree(U, "wang")[0] <= 1


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(2, 6)),
              elements=st.floats(0.0, 1.0, allow_nan=False)))
def test_coupling_bounds_and_symmetry(U: np.ndarray) -> None:
    for variant in ("standard", "wang", "fan"):
        C = coupling_degree(U, variant)  # type: ignore[arg-type]
        assert ((C >= 0) & (C <= 1)).all()
        perm = U[:, ::-1]
        np.testing.assert_allclose(coupling_degree(perm, variant), C,  # type: ignore[arg-type]
                                   atol=1e-12)
    r = coupling_coordination(U, "wang")
    assert (r.D <= 1).all() and (r.D >= 0).all()


def test_tiny_scores_do_not_underflow_to_nan() -> None:
    C = coupling_degree([[5e-324, 0.0], [5e-324, 1e-200], [1e-308, 1e-308]])
    assert np.isfinite(C).all()
    assert C[0] == 0.0 and C[2] == pytest.approx(1.0)


@given(st.floats(0.01, 1.0), st.integers(2, 6))
def test_equal_scores_couple_perfectly(u: float, n: int) -> None:
    for variant in ("standard", "wang", "fan"):
        assert coupling_degree([u] * n, variant)[0] == pytest.approx(1.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------- grades and types


def test_grade_tables() -> None:
    assert classify([0.0, 0.0999, 0.1, 0.6514, 0.5160, 0.9, 1.0], "D10") == [
        "极度失调", "极度失调", "严重失调", "初级协调", "勉强协调", "优质协调", "优质协调"]
    # C stages are right-closed: 0.3 is still 低水平耦合, 0.5 still 拮抗
    assert classify([0.0, 0.3, 0.30001, 0.5, 0.8, 0.9428], "C4") == [
        "低水平耦合", "低水平耦合", "拮抗阶段", "拮抗阶段", "磨合阶段", "高水平耦合"]
    assert classify([0.39, 0.4, 0.6], "D3", english=True) == [
        "imbalanced", "transitional", "coordinated"]
    assert len(grade_table("D10").labels) == 10


def test_custom_grade_table(tmp_path) -> None:
    path = tmp_path / "g.csv"
    pd.DataFrame({"lower": [0, 0.5], "upper": [0.5, 1], "label": ["低", "高"]}).to_csv(path,
                                                                                     index=False)
    assert classify([0.2, 0.5, 0.7], grade_table(path)) == ["低", "高", "高"]
    with pytest.raises(InputError):
        GradeTable("x", (0, 0.5, 0.4), ("a", "b"), ("a", "b"))
    with pytest.raises(InputError):
        grade_table("D99")


def test_development_type() -> None:
    names = ["创新链", "产业链"]
    assert development_type([[0.3, 0.6], [0.5, 0.45], [0.6, 0.3]], names) == [
        "创新链滞后型", "同步型", "产业链滞后型"]
    four = ["创新链", "产业链", "资金链", "人才链"]
    assert development_type([0.62, 0.48, 0.35, 0.55], four) == ["资金链滞后型"]
    assert development_type([0.5, 0.5, 0.5, 0.7], four) == ["人才链超前型"]
    assert development_type([0.5, 0.5, 0.5], ["a", "b", "c"]) == ["同步型"]
    assert development_type([[0.0, 0.5], [0.5, 0.0], [0.0, 0.0]]) == [
        "U1滞后型", "U2滞后型", "同步型"]
    with pytest.raises(InputError):
        development_type([0.5, 0.5], lower=1.1)


# ---------------------------------------------------------------- obstacle degree

X = np.array([[12.0, 2.5, 30, 0.45], [8.5, 3.4, 18, 0.60], [15.2, 1.9, 42, 0.38],
              [6.3, 2.8, 35, 0.72], [10.1, 2.0, 25, 0.30]])
TYPES = [1, 1, 1, -1]


def test_obstacle_golden() -> None:
    O = obstacle_degree(minmax_standardise(X, TYPES), entropy_weights(X, TYPES))  # noqa: E741
    gold = [[.1827, .4211, .2335, .1626], [.3256, 0, .3975, .2768], [0, .8900, 0, .1100],
            [.3681, .2034, .0987, .3298], [.2280, .5129, .2590, 0]]
    np.testing.assert_allclose(O, gold, atol=5e-5)
    np.testing.assert_allclose(O.sum(axis=1), 1.0)
    top = top_obstacles(O, ["a", "b", "c", "d"], k=2)
    assert [n for n, _ in top[2]] == ["b", "d"]
    assert [n for n, _ in top[1]] == ["c", "a"]
    sub = subsystem_obstacles(O, ["x", "x", "y", "y"])
    np.testing.assert_allclose(sub["x"], O[:, 0] + O[:, 1])


def test_obstacle_ideal_row_is_nan_and_skipped() -> None:
    O = obstacle_degree([[1.0, 1.0], [0.0, 0.5]], [0.5, 0.5])  # noqa: E741
    assert np.isnan(O[0]).all()
    assert top_obstacles(O, ["a", "b"], 2)[0] == []
    with pytest.raises(InputError):
        obstacle_degree([[1.5, 0.2]], [0.5, 0.5])


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 6)),
              elements=st.floats(0.0, 0.99)))
def test_obstacle_rows_sum_to_one(Z: np.ndarray) -> None:  # noqa: N803
    w = np.arange(1, Z.shape[1] + 1, dtype=float)
    O = obstacle_degree(Z, w)  # noqa: E741
    np.testing.assert_allclose(O.sum(axis=1), 1.0)
    assert (O >= 0).all()


def test_permutation_of_subsystems_keeps_wang_and_standard() -> None:
    U = [0.62, 0.48, 0.35, 0.55]
    vals = {round(float(coupling_degree(list(p), "wang")[0]), 12)
            for p in itertools.permutations(U)}
    assert len(vals) == 1
