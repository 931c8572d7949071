"""Oracle comparisons against pymrio (LGPL, used only in tests) on its test MRIO and on the
China 2020 NBS table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.ioa import (
    LeontiefSolver,
    downstream_multipliers,
    output_multipliers,
    satellite_multipliers,
    technical_coefficients,
)
from chainatlas.readers.io_nbs import read_nbs
from chainatlas.readers.io_pymrio import table_from_pymrio

pymrio = pytest.importorskip("pymrio")
iomath = pytest.importorskip("pymrio.tools.iomath")

pytestmark = pytest.mark.oracle


@pytest.fixture(scope="module")
def test_mrio():
    io = pymrio.load_test()
    io.calc_all(include_ghosh=True)
    return io


def test_pymrio_test_mrio(test_mrio):
    io = test_mrio
    t = table_from_pymrio(io)
    assert t.index.equals(io.Z.index)
    s = LeontiefSolver(technical_coefficients(t.Z, t.x), t.x)
    L = io.L.to_numpy()
    np.testing.assert_allclose(s.leontief_inverse(), L, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(output_multipliers(s), L.sum(axis=0), rtol=1e-9)
    np.testing.assert_allclose(s.ghosh_inverse(), io.G.to_numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(s.solve(t.f), io.x.to_numpy().ravel(), rtol=1e-9)
    F = io.factor_inputs.F.to_numpy()
    np.testing.assert_allclose(satellite_multipliers(s, F), io.factor_inputs.M.to_numpy(),
                               rtol=1e-9, atol=1e-12)
    M_down = iomath.calc_M_down(io.factor_inputs.S, io.G).to_numpy()
    np.testing.assert_allclose(downstream_multipliers(s, F), M_down, rtol=1e-9, atol=1e-12)
    # reference figures quoted for this table: reg1 output multipliers, total output
    reg1 = dict(zip(t.sectors[:8], output_multipliers(s)[:8], strict=True))
    assert reg1["food"] == pytest.approx(1.611, abs=5e-4)
    assert reg1["electricity"] == pytest.approx(1.769, abs=5e-4)
    assert t.x.sum() == pytest.approx(3.32e9, rel=2e-3)


@pytest.mark.realdata
def test_pymrio_on_china_2020(shared_data):
    t = read_nbs(shared_data / "io" / "china_nbs_2020_42.csv", labels="code")
    idx = pd.MultiIndex.from_product([["CN"], t.sectors], names=["region", "sector"])
    cols = pd.MultiIndex.from_product([["CN"], t.fd_labels], names=["region", "category"])
    io = pymrio.IOSystem(Z=pd.DataFrame(t.Z, index=idx, columns=idx),
                         Y=pd.DataFrame(t.Y, index=idx, columns=cols))
    io.calc_system()
    L = io.L.to_numpy()
    s = LeontiefSolver.from_table(t)
    np.testing.assert_allclose(output_multipliers(s), L.sum(axis=0), rtol=1e-9)
    np.testing.assert_allclose(s.row_sums(), L.sum(axis=1), rtol=1e-9)
    np.testing.assert_allclose(s.diagonal(), np.diag(L), rtol=1e-9)
    B = iomath.calc_B(io.Z, io.x)
    G = iomath.calc_G(B, L=io.L, x=io.x).to_numpy()
    np.testing.assert_allclose(s.ghosh_row_sums(), G.sum(axis=1), rtol=1e-9)
