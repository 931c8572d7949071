"""Region roll-up of a dataset's firms (province / prefecture / county) and the complexity
warnings (log-supermodularity below 80 %), on hand-built datasets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.cluster import economic_complexity
from chainatlas.cluster.atlas import LOG_SUPERMODULAR_WARN
from chainatlas.cluster.panel import region_activity_matrix
from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.places.levels import roll_up

runner = CliRunner()

# firm, region, {segment: output value}; regions chosen to hit every rule of the roll-up
FIRMS = [
    ("f1", "320506", {"s1": 10.0, "s2": 5.0}),    # 苏州 吴中区
    ("f2", "320505", {"s1": 20.0}),               # 苏州 虎丘区
    ("f3", "320100", {"s2": 30.0, "s3": 10.0}),   # 南京 (a prefecture with counties)
    ("f4", "320000", {"s3": 40.0}),               # 江苏 only
    ("f5", "110105", {"s1": 5.0, "s3": 5.0}),     # 北京 朝阳区
    ("f6", "110108", {"s2": 7.0}),                # 北京 海淀区
    ("f7", "429004", {"s3": 9.0}),                # 仙桃 (province-administered)
    ("f8", "441900", {"s1": 3.0, "s2": 3.0}),     # 东莞 (no counties)
]
TOTAL = 147.0


def _frames() -> dict[str, pd.DataFrame]:
    firms = pd.DataFrame({"id": [f for f, _, _ in FIRMS], "name": [f"firm {f}" for f, _, _ in FIRMS],
                          "region": [r for _, r, _ in FIRMS], "country": "CHN"})
    fs = pd.DataFrame([(f, s, v) for f, _, segs in FIRMS for s, v in segs.items()],
                      columns=["firm", "segment", "output_value"])
    segs = pd.DataFrame({"id": ["s1", "s2", "s3"], "chain": "c", "name": ["S1", "S2", "S3"],
                         "stage": ["upstream", "midstream", "downstream"]})
    chains = pd.DataFrame({"id": ["c"], "name": ["chain"]})
    return {"chains": chains, "segments": segs, "firms": firms, "firm_segments": fs}


def _ds() -> Dataset:
    return Dataset.from_frames("lv", _frames())


@pytest.mark.parametrize("code, level, expect, status", [
    ("320506", "province", "320000", "ok"),
    ("320506", "prefecture", "320500", "ok"),
    ("320506", "county", "320506", "ok"),
    ("320000", "prefecture", None, "coarser"),
    ("320100", "county", None, "coarser"),
    ("320100", "prefecture", "320100", "ok"),
    ("110105", "prefecture", "110000", "ok"),
    ("110100", "prefecture", "110000", "ok"),   # old 市辖区 code of Beijing
    ("110000", "prefecture", "110000", "ok"),
    ("110000", "county", None, "coarser"),
    ("500235", "prefecture", "500000", "ok"),   # 重庆 云阳县
    ("429004", "prefecture", "429004", "ok"),
    ("429004", "province", "420000", "ok"),
    ("441900", "county", "441900", "ok"),
    ("460400", "county", "460400", "ok"),       # 儋州: no counties
    ("810000", "county", "810000", "ok"),
    ("JPN", "prefecture", "JPN", "not_adcode"),
])
def test_roll_up_rules(code: str, level: str, expect: str | None, status: str) -> None:
    r = roll_up(code, level)
    assert (r.code, r.status) == (expect, status)


def test_roll_up_rejects_unknown_level() -> None:
    with pytest.raises(InputError, match="province, prefecture or county"):
        roll_up("320506", "city")


def test_prefecture_level_matrix_and_report() -> None:
    rep: dict = {}
    X = region_activity_matrix(_ds(), domestic_only=True, level="prefecture", report=rep)
    expect = pd.DataFrame({"s1": [30.0, 0, 5, 0, 3], "s2": [5.0, 30, 7, 0, 3],
                           "s3": [0.0, 10, 5, 9, 0]},
                          index=["320500", "320100", "110000", "429004", "441900"])
    got = X.reindex(index=expect.index, columns=expect.columns)
    pd.testing.assert_frame_equal(got, expect, check_names=False)
    assert len(X) == 5                      # no 320000 row beside 320500/320100
    assert rep["coarser_firms"] == 1 and rep["coarser_regions"] == ["320000"]
    assert rep["coarser_value_share"] == pytest.approx(40 / TOTAL)
    assert "1 firm(s)" in rep["notes"][0] and "320000" in rep["notes"][0]


def test_province_and_county_levels() -> None:
    rep: dict = {}
    P = region_activity_matrix(_ds(), level="province", report=rep)
    assert sorted(P.index) == ["110000", "320000", "420000", "440000"]
    assert P.loc["320000"].tolist() == [30.0, 35.0, 50.0]   # the province-only firm included
    assert rep["coarser_firms"] == 0 and rep["notes"] == []
    rep = {}
    C = region_activity_matrix(_ds(), level="county", report=rep)
    assert sorted(C.index) == ["110105", "110108", "320505", "320506", "429004", "441900"]
    assert rep["coarser_firms"] == 2 and rep["coarser_regions"] == ["320000", "320100"]
    assert rep["coarser_value_share"] == pytest.approx(80 / TOTAL)
    # no level: the mixed matrix of before (320000 beside 320500)
    assert {"320000", "320506"} <= set(region_activity_matrix(_ds()).index)


def test_nothing_left_at_the_level_is_a_clear_error() -> None:
    f = _frames()
    f["firms"]["region"] = "320000"
    with pytest.raises(InputError, match="no firm is located at county level"):
        region_activity_matrix(Dataset.from_frames("p", f), level="county")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chainatlas.services.datasets import import_frames

    path = tmp_path_factory.mktemp("lv") / "lv.duckdb"
    import_frames(path, "lv", _frames())
    return path


def test_cli_complexity_and_measures_roll_up(db: Path) -> None:
    res = runner.invoke(app, ["cluster", "complexity", "-d", "lv", "--db", str(db),
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out["eci"]) == {"320500", "320100", "110000", "429004", "441900"}
    assert out["settings"]["region_level"]["coarser_firms"] == 1
    assert any("320000" in n for n in out["notes"])
    assert "note: 1 firm(s)" in res.stderr
    res = runner.invoke(app, ["cluster", "complexity", "-d", "lv", "--db", str(db),
                              "--level", "province", "--format", "json"])
    out = json.loads(res.stdout)
    assert set(out["eci"]) == {"320000", "110000", "420000", "440000"}
    assert "firm(s)" not in res.stderr    # nothing left out at province level
    res = runner.invoke(app, ["cluster", "measures", "-d", "lv", "--db", str(db), "--level",
                              "county", "--show", "lq", "-f", "csv"])
    assert res.exit_code == 0, res.output
    lq = pd.read_csv(pd.io.common.StringIO(res.stdout), dtype={"region": str})
    assert sorted(lq["region"]) == ["110105", "110108", "320505", "320506", "429004", "441900"]
    assert "2 firm(s)" in res.stderr


def test_api_level_parameter(db: Path) -> None:
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app
    from chainatlas.config import get_settings

    settings = replace(get_settings(db), token="t", open_reads=True)
    with TestClient(create_app(settings)) as client:
        r = client.get("/api/v1/datasets/lv/cluster/complexity", params={"level": "province"})
        assert r.status_code == 200, r.text
        assert set(r.json()["eci"]) == {"320000", "110000", "420000", "440000"}
        r = client.get("/api/v1/datasets/lv/cluster/measures")
        assert r.status_code == 200 and r.json()["region_level"]["coarser_firms"] == 1
        assert r.json()["notes"]


# --- log-supermodularity warning --------------------------------------------------------------

def _lsm_brute(A: np.ndarray, eci: np.ndarray, pci: np.ndarray) -> float:
    met = total = 0
    for i in range(len(eci)):
        for i2 in range(len(eci)):
            if eci[i2] <= eci[i]:
                continue
            for j in range(len(pci)):
                for j2 in range(len(pci)):
                    if pci[j2] <= pci[j]:
                        continue
                    total += 1
                    met += A[i2, j2] * A[i, j] > A[i2, j] * A[i, j2]
    return met / total


def test_low_log_supermodularity_warns_and_high_does_not() -> None:
    rng = np.random.default_rng(3)
    noisy = rng.lognormal(0, 1, (12, 9)) * (rng.random((12, 9)) < 0.7)
    low = economic_complexity(noisy)
    share = _lsm_brute(low.rca, low.eci, low.pci)
    assert share < LOG_SUPERMODULAR_WARN          # the case really is below the threshold
    assert low.diagnose() == pytest.approx(share)
    assert len(low.warnings) == 1 and "log-supermodular" in low.warnings[0]
    assert low.to_dict()["warnings"] == low.warnings
    # X_cp = exp(3 a_c b_p) is totally positive of order 2 (continuous M keeps ECI distinct)
    tp = np.exp(3 * np.outer(np.linspace(0, 1, 8), np.linspace(0, 1, 7)))
    high = economic_complexity(tp, presence="continuous")
    s = _lsm_brute(high.mcp, high.eci, high.pci)
    assert s >= LOG_SUPERMODULAR_WARN
    assert high.diagnose() == pytest.approx(s) and high.warnings == []


def test_cli_prints_the_warning(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    noisy = rng.lognormal(0, 1, (12, 9)) * (rng.random((12, 9)) < 0.7)
    csv = tmp_path / "m.csv"
    pd.DataFrame(noisy, index=[f"r{i}" for i in range(12)],
                 columns=[f"p{j}" for j in range(9)]).rename_axis("region").to_csv(csv)
    res = runner.invoke(app, ["cluster", "complexity", "--matrix", str(csv), "-f", "json"])
    assert res.exit_code == 0, res.output
    assert "warning: only" in res.stderr
    assert json.loads(res.stdout)["warnings"]
