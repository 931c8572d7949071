"""Oracle: ECI, PCI, density, COI and COG equal py-ecomplexity 0.5.3's on random matrices.

Conventions accounted for (docs/clusters.md):

1. PCI scaling — py-ecomplexity standardises PCI with ECI's mean and sd (our default
   ``pci_scale="eci_moments"``); ``pci_scale="own"`` is its PCI z-scored on its own moments.
2. Density includes the product itself (φ_pp = 1) in py-ecomplexity (our default
   ``include_self=True``); ``include_self=False`` zeroes the diagonal (Stata/econcomplex), which
   py-ecomplexity cannot do, so that variant is checked against a direct formula here.
3. py-ecomplexity drops locations/products with zero total and returns NaN for them; we drop them
   and list them in ``dropped_*``.
4. Continuous presence (M = RCA/(1+RCA)) is not in 0.5.3; its ``presence_test="manual"`` with
   that M as value reproduces it.
"""

from __future__ import annotations

import warnings

import ecomplexity
import numpy as np
import pandas as pd
import pytest

from chainatlas.cluster import economic_complexity

pytestmark = pytest.mark.oracle


def _random_matrix(seed: int, C: int, P: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.lognormal(0, 1.5, (C, P)) * (rng.random((C, P)) < 0.6)
    return pd.DataFrame(X, index=[f"r{i:03d}" for i in range(C)],
                        columns=[f"a{j:03d}" for j in range(P)])


def _oracle(X: pd.DataFrame, **kw: object) -> dict[str, np.ndarray]:
    long = X.stack().rename("val").reset_index()
    long.columns = ["loc", "prod", "val"]
    long["time"] = 2020
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity.ecomplexity(long, {"time": "time", "loc": "loc", "prod": "prod",
                                             "val": "val"},
                                      check_logsupermodularity=False, verbose=False, **kw)
    by_loc = out.groupby("loc").first().reindex(X.index)
    by_prod = out.groupby("prod").first().reindex(X.columns)

    def mat(col: str) -> np.ndarray:
        return out.pivot(index="loc", columns="prod", values=col).reindex(
            index=X.index, columns=X.columns).to_numpy()

    return {"eci": by_loc["eci"].to_numpy(), "coi": by_loc["coi"].to_numpy(),
            "pci": by_prod["pci"].to_numpy(), "density": mat("density"), "cog": mat("cog"),
            "mcp": mat("mcp")}


@pytest.mark.parametrize("seed, C, P", [(1, 40, 60), (2, 60, 25), (3, 15, 15), (4, 120, 80)])
def test_binary_presence_matches_ecomplexity(seed: int, C: int, P: int) -> None:
    X = _random_matrix(seed, C, P)
    ours = economic_complexity(X)
    ref = _oracle(X)
    np.testing.assert_array_equal(ours.mcp, ref["mcp"])
    for key in ("eci", "pci", "coi", "density", "cog"):
        np.testing.assert_allclose(getattr(ours, key), ref[key], atol=1e-9, err_msg=key)


def test_pci_own_scale_is_ecomplexity_pci_zscored() -> None:
    X = _random_matrix(5, 40, 60)
    ref = _oracle(X)
    ours = economic_complexity(X, pci_scale="own")
    np.testing.assert_allclose(ours.pci, (ref["pci"] - ref["pci"].mean()) / ref["pci"].std(),
                               atol=1e-9)
    assert abs(ref["pci"].std() - 1) > 0.05  # the difference is real, not cosmetic


def test_continuous_presence_matches_manual_mcp() -> None:
    X = _random_matrix(6, 30, 40)
    ours = economic_complexity(X, presence="continuous")
    M = pd.DataFrame(ours.mcp, index=X.index, columns=X.columns)
    ref = _oracle(M, presence_test="manual")
    for key in ("eci", "pci", "coi", "density", "cog"):
        np.testing.assert_allclose(getattr(ours, key), ref[key], atol=1e-9, err_msg=key)


def test_density_without_self_is_the_zero_diagonal_formula() -> None:
    X = _random_matrix(7, 30, 40)
    ours = economic_complexity(X, include_self=False)
    phi = ours.proximity.copy()
    np.fill_diagonal(phi, 0.0)
    dens = ours.mcp @ phi / phi.sum(axis=1)[None, :]
    np.testing.assert_allclose(ours.density, dens, atol=1e-12)
    # COG with the same zero-diagonal proximity, written as in the Stata/Mata source
    w = np.nan_to_num(ours.kp) / phi.sum(axis=1)
    cog = (1 - ours.mcp) * ((1 - ours.mcp) @ (phi * w[:, None])) / ours.eci_sd
    np.testing.assert_allclose(ours.cog, cog, atol=1e-12)
    # and it differs from py-ecomplexity's self-inclusive density
    ref = _oracle(X)
    assert np.abs(ours.density - ref["density"]).max() > 1e-3


def test_zero_rows_are_nan_in_ecomplexity_and_dropped_here() -> None:
    X = _random_matrix(8, 20, 30)
    X.iloc[3] = 0.0
    ref = _oracle(X)
    assert np.isnan(ref["eci"][3])
    ours = economic_complexity(X)
    assert ours.dropped_locations == [X.index[3]]
    keep = np.arange(20) != 3
    np.testing.assert_allclose(ours.eci, ref["eci"][keep], atol=1e-9)
