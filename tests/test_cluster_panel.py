"""Region × segment matrices from datasets, matrix files, and the Atlas opportunity ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chainatlas.cluster import economic_complexity, opportunity_ranking, region_activity_matrix
from chainatlas.cluster.panel import firm_segment_values
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.dataset import Dataset
from chainatlas.services.cluster import read_matrix

TOY = pd.DataFrame(
    [[100, 80, 60, 40, 20, 10], [90, 70, 50, 0, 10, 0], [50, 0, 40, 0, 0, 0],
     [0, 10, 0, 0, 5, 60], [20, 0, 0, 5, 0, 30]],
    index=list("ABCDE"), columns=["p1", "p2", "p3", "p4", "p5", "p6"], dtype=float)


def _ds() -> Dataset:
    firms = pd.DataFrame({"id": ["a", "b", "c", "d"], "name": list("abcd"),
                          "region": ["R1", "R1", "R2", "JPN"],
                          "country": ["CHN", "CHN", "CHN", "JPN"],
                          "employees": [100, 50, 30, 10]})
    fs = pd.DataFrame({"firm": ["a", "a", "b", "c", "d"], "segment": ["x", "y", "x", "y", "x"],
                       "capacity": [1.0, 2.0, 3.0, 4.0, 5.0],
                       "output_value": [30.0, 10.0, np.nan, 40.0, 50.0]})
    segs = pd.DataFrame({"id": ["x", "y"], "chain": ["c1", "c2"], "name": ["X", "Y"],
                         "stage": ["upstream", "downstream"]})
    return Dataset.from_frames("p", {"firms": firms, "firm_segments": fs, "segments": segs})


def test_region_activity_matrix_sums_by_region_and_segment():
    X = region_activity_matrix(_ds())
    assert X.loc["R1", "x"] == 30 and X.loc["R1", "y"] == 10 and X.loc["R2", "y"] == 40
    assert X.loc["JPN", "x"] == 50
    dom = region_activity_matrix(_ds(), domestic_only=True)
    assert "JPN" not in dom.index
    cap = region_activity_matrix(_ds(), "capacity")
    assert cap.loc["R1", "x"] == 4.0
    n = region_activity_matrix(_ds(), "firms")
    assert n.loc["R1", "x"] == 2
    assert list(region_activity_matrix(_ds(), chain="c2").columns) == ["y"]
    with pytest.raises(InputError):
        region_activity_matrix(_ds(), chain="none")


def test_employees_are_split_by_output_share():
    fv = firm_segment_values(_ds(), "employees").set_index(["firm", "segment"])["value"]
    assert fv[("a", "x")] == pytest.approx(75) and fv[("a", "y")] == pytest.approx(25)
    assert fv[("b", "x")] == pytest.approx(50)  # output unknown: the whole firm


def test_opportunity_ranking_follows_the_atlas_formula():
    res = economic_complexity(TOY)
    rank = opportunity_ranking(res, "A", strategy="low_hanging")
    assert set(rank["activity"]) == {"p1", "p3", "p6"}   # RCA < 1 in A
    c = 0
    idx = [list(TOY.columns).index(a) for a in ("p1", "p3", "p6")]

    def z(v: np.ndarray) -> np.ndarray:
        return (v - v.mean()) / v.std()

    score = (0.60 * -z(res.distance[c, idx]) + 0.15 * z(res.pci[idx])
             + 0.25 * z(res.cog[c, idx]))
    expect = pd.Series(score, index=["p1", "p3", "p6"]).sort_values(ascending=False)
    assert rank["activity"].tolist() == expect.index.tolist()
    np.testing.assert_allclose(rank["score"], expect.to_numpy())
    capped = opportunity_ranking(res, "A", pci_ceiling=1.0)  # ECI_A = -.64: drops PCI > .36
    assert set(capped["activity"]) == {"p6"}
    with pytest.raises(DataNotFound):
        opportunity_ranking(res, "Z")
    with pytest.raises(InputError):
        opportunity_ranking(res, "A", strategy="moonshot")


def test_read_matrix_wide_long_and_errors(tmp_path: Path):
    wide = tmp_path / "w.csv"
    TOY.rename_axis("region").to_csv(wide)
    pd.testing.assert_frame_equal(read_matrix(wide), TOY, check_names=False)
    long = tmp_path / "l.csv"
    TOY.stack().rename("val").rename_axis(["loc", "prod"]).reset_index().to_csv(long, index=False)
    m = read_matrix(long)
    assert m.loc["D", "p6"] == 60 and m.shape == (5, 6)
    bad = tmp_path / "b.csv"
    bad.write_text("location,activity,value\nA,x,1\nB,y,abc\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 3"):
        read_matrix(bad)
    with pytest.raises(DataNotFound):
        read_matrix(tmp_path / "missing.csv")
    one = tmp_path / "o.csv"
    one.write_text("region\nA\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_matrix(one)
