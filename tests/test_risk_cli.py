"""`chainatlas risk esri` on the published files and on the demo store; ψ scenarios; footprints."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.datasets import load_demo
from chainatlas.exceptions import InputError
from chainatlas.risk.footprint import footprint_loss, parse_footprint
from chainatlas.services.demo import build_demo_store
from chainatlas.services.risk import psi_footprint, risk_input_of

runner = CliRunner()


def _run(*args):
    res = runner.invoke(app, ["risk", "esri", *map(str, args)])
    return res


@pytest.fixture(scope="module")
def files(shared_data):
    d = shared_data / "esri" / "random_500"
    return ["--firms", d / "firms.csv", "--edges", d / "edges.csv",
            "--essentiality", d / "essentiality.csv"], d


@pytest.mark.realdata
@pytest.mark.parametrize(("extra", "fname"), [((), "expected_esri.csv"),
                                              (("--no-substitution",), "expected_esri_nosub.csv")])
def test_cli_json_every_firm(files, extra, fname):
    args, d = files
    res = _run(*args, *extra, "--format", "json", "--reasons", "0")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    exp = pd.read_csv(d / fname).set_index("firm")
    got = pd.DataFrame(out["results"]).set_index("firm").loc[exp.index]
    assert len(got) == 500 and not out["truncated"]
    for col in ("esri", "esri_downstream", "esri_upstream"):
        assert np.abs(got[col] - exp[col]).max() < 1e-9
    assert (got["iterations"] == exp["iterations"]).all()


@pytest.mark.realdata
def test_cli_csv_top_and_psi_scenarios(files, tmp_path):
    args, d = files
    res = _run(*args, "--format", "csv", "--top", "3")
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(pd.io.common.StringIO(res.stdout))
    assert frame["rank"].tolist() == [1, 2, 3] and frame["esri"].is_monotonic_decreasing
    # ψ file: closing one firm is that firm's single-firm scenario
    exp = pd.read_csv(d / "expected_esri.csv")
    p = tmp_path / "psi.csv"
    p.write_text(f"scenario,firm,psi\nclose,{exp.firm[7]},0\nhalf,{exp.firm[7]},0.5\n")
    res = _run(*args, "--psi", p, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = {r["scenario"]: r for r in json.loads(res.stdout)["results"]}
    assert abs(rows["close"]["esri"] - exp.esri[7]) < 1e-9
    assert 0 < rows["half"]["esri"] <= rows["close"]["esri"]
    res = _run(*args, "--psi", p, "--scenario", "half", "--format", "json")
    assert [r["scenario"] for r in json.loads(res.stdout)["results"]] == ["half"]
    res = _run(*args, "--psi", p, "--scenario", "nope")
    assert res.exit_code == 1 and "no scenario 'nope'" in res.output
    res = _run(*args, "--sector", "S03", "--format", "json")
    assert json.loads(res.stdout)["results"][0]["scenario"] == "sector:S03"


def test_cli_usage_errors(tmp_path):
    res = _run("--firms", tmp_path / "f.csv")
    assert res.exit_code == 1 and "--essentiality" in res.output
    res = _run("--dataset", "x", "--firms", tmp_path / "f.csv")
    assert res.exit_code == 1 and "not both" in res.output


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("risk") / "demo.duckdb"
    build_demo_store(db, names=("yrd-nev",))
    return db


def test_cli_dataset_ranked_with_reasons(demo_db):
    res = _run("--dataset", "yrd-nev", "--db", demo_db, "--top", "5", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    top = out["results"][0]
    assert out["n_firms"] == 205 and len(out["results"]) == 5
    assert top["name"].startswith("示例") and top["reasons"]
    assert {"firm", "name", "sector", "loss", "direction"} <= set(top["reasons"][0])
    res = _run("--dataset", "yrd-nev", "--db", demo_db, "--export-ban", "soc", "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["results"][0]["esri"] > 0


def test_footprint_geometry_by_hand():
    # a 2×2 square with a 1×1 hole in its lower-left corner; intensities by feature
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"intensity": 0.6}, "geometry": {
            "type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]],
                                               [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}},
        {"type": "Feature", "properties": {}, "geometry": {
            "type": "MultiPolygon", "coordinates": [[[[1.5, 1.5], [3, 1.5], [3, 3], [1.5, 3]]]]}}]}
    fp = parse_footprint(fc, intensity=0.9)
    lon = [0.5, 1.5, 1.8, 2.5, 5.0, 2.0, np.nan]
    lat = [0.5, 0.5, 1.8, 2.5, 5.0, 1.0, 1.0]
    # hole → 0; square → 0.6; both → max 0.9; second only → 0.9; outside → 0; edge → 0.6; NaN → 0
    assert footprint_loss(fp, lon, lat).tolist() == [0.0, 0.6, 0.9, 0.9, 0.0, 0.6, 0.0]
    with pytest.raises(InputError, match="intensity"):
        parse_footprint({"type": "Feature", "properties": {"intensity": 2},
                         "geometry": fc["features"][0]["geometry"]})
    with pytest.raises(InputError, match="Polygon or MultiPolygon"):
        parse_footprint({"type": "Point", "coordinates": [0, 0]})


def test_footprint_on_the_demo_uses_region_coordinates(tmp_path):
    ds = load_demo()
    ri = risk_input_of(ds)
    reg = ds.regions.set_index(ds.regions["code"].astype(str))
    lon, lat = float(reg.loc["340881", "lon"]), float(reg.loc["340881", "lat"])
    square = {"type": "Polygon", "coordinates": [[[lon - .05, lat - .05], [lon + .05, lat - .05],
                                                  [lon + .05, lat + .05], [lon - .05, lat + .05]]]}
    psi, own, by_region = psi_footprint(ri, parse_footprint(square, intensity=0.7))
    hit = ri.firms["region"].astype(str).to_numpy() == "340881"
    assert own == 0 and by_region == len(ri.firm_ids) - int(ri.firms["region_lon"].isna().sum())
    assert hit.any() and np.all(psi[hit] == pytest.approx(0.3)) and np.all(psi[~hit] == 1.0)


def test_footprint_as_a_stress_scenario_target():
    from chainatlas.exceptions import ScenarioError
    from chainatlas.services.stress import run_scenario_of
    from chainatlas.shock.network import ShockNetwork
    from chainatlas.shock.scenario import parse_scenario
    from chainatlas.shock.targets import capacity_schedule, select_firms

    ds = load_demo()
    net = ShockNetwork.from_dataset(ds)
    reg = ds.regions.set_index(ds.regions["code"].astype(str))
    lon, lat = float(reg.loc["340881", "lon"]), float(reg.loc["340881", "lat"])
    sq = {"type": "Feature", "properties": {"intensity": 0.5}, "geometry": {
        "type": "Polygon", "coordinates": [[[lon - .05, lat - .05], [lon + .05, lat - .05],
                                            [lon + .05, lat + .05], [lon - .05, lat + .05]]]}}
    sc = parse_scenario({"name": "flood", "horizon_days": 20, "shocks": [
        {"footprint": sq, "capacity_loss": 0.8, "duration_days": 5}]})
    hit = select_firms(net, sc.shocks[0])
    assert set(net.firm_region[hit]) == {"340881"}
    assert len(hit) == int((ds.firms["region"].astype(str) == "340881").sum())
    cs = capacity_schedule(net, sc)
    assert cs.delta[:5].max() == pytest.approx(0.4) and cs.delta[5:].max() == 0.0
    res = run_scenario_of(ds, sc)
    assert res is not None
    far = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
    with pytest.raises(ScenarioError, match="inside the footprint"):
        select_firms(net, parse_scenario({"name": "x", "horizon_days": 5, "shocks": [
            {"footprint": far}]}).shocks[0])
    with pytest.raises(ScenarioError, match="intensity"):
        parse_scenario({"name": "x", "horizon_days": 5, "shocks": [{"footprint": {
            "type": "Feature", "properties": {"intensity": 3}, "geometry": far}}]})


def test_io_sector_dataset_uses_the_documented_default(tmp_path):
    """A dataset whose segments carry IO sectors, with an IO table stored and no essentiality
    column: the classes are the IO default (a_kl ≥ 5 % essential, > 0 non-essential, 0
    irrelevant) and the notes say so. Hand-solved:

    Z = [[10, 2], [0, 0]], x = [100, 100] → a_AA = 0.1 (2), a_AB = 0.02 (1), a_B· = 0 (0).
    Firms f1 (A), f2 (B), f3 (B); links f1→f2 = 1, f3→f2 = 3, f2→f3 = 1; s_out = (1, 1, 3), so
    w = (0.2, 0.2, 0.6). f1 closes: f2's input from f1 is non-essential, Λd = 1 / s_in(f2) =
    1/4, so hd_f2 = 0.75 at step 1 and stays (f3→f2 and f2→f3 are B→B: irrelevant); no
    upstream loss reaches f2 or f3 (f1 buys nothing). Step 2 changes nothing: stop.
    ESRI = 0.2·1 + 0.2·0.25 = 0.25. Under the bill-of-materials default the same input is
    essential (segment a is essential) and f2, then f3, close: ESRI = 1.
    """
    from chainatlas.model.iotable import IOTable
    from chainatlas.services.datasets import import_frames
    from chainatlas.services.io import store_io_table

    db = tmp_path / "io.duckdb"
    frames = {
        "regions": pd.DataFrame({"code": ["320500"], "name": ["苏州市"], "level": ["city"]}),
        "chains": pd.DataFrame({"id": ["c"], "name": ["链"]}),
        "segments": pd.DataFrame({"id": ["a", "b"], "chain": ["c", "c"], "name": ["甲", "乙"],
                                  "stage": ["upstream", "downstream"], "io_sector": ["A", "B"]}),
        "segment_inputs": pd.DataFrame({"segment": ["b"], "input_segment": ["a"]}),
        "firms": pd.DataFrame({"id": ["f1", "f2", "f3"], "name": ["一", "二", "三"],
                               "region": ["320500"] * 3}),
        "firm_segments": pd.DataFrame({"firm": ["f1", "f2", "f3"], "segment": ["a", "b", "b"]}),
        "supply_links": pd.DataFrame({"supplier": ["f1", "f3", "f2"],
                                      "customer": ["f2", "f2", "f3"],
                                      "segment": ["a", "b", "b"], "value": [1.0, 3.0, 1.0]}),
    }
    import_frames(db, "iod", frames)

    def esri(*extra):
        res = _run("--dataset", "iod", "--db", db, "--format", "json", "--reasons", "0", *extra)
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        return {r["firm"]: r for r in out["results"]}, out["notes"]

    rows, notes = esri("--no-substitution")
    assert rows["f1"]["esri"] == pytest.approx(1.0, abs=1e-12)
    assert any("bill-of-materials default" in x for x in notes)
    store_io_table(db, "iod", "t2", IOTable.from_flows([[10.0, 2.0], [0.0, 0.0]],
                                                       [88.0, 100.0], ["A", "B"], name="t2"))
    for extra in (("--no-substitution",), ()):
        rows, notes = esri(*extra)
        assert rows["f1"]["esri"] == pytest.approx(0.25, abs=1e-12)
        assert rows["f1"]["esri_downstream"] == pytest.approx(0.25, abs=1e-12)
        assert rows["f1"]["iterations"] == 2 and rows["f1"]["sector"] == "A"
        assert any("IO default of table 't2'" in x and "5%" in x for x in notes)
    res = _run("--dataset", "iod", "--db", db, "--io-table", "nope")
    assert res.exit_code != 0 and "nope" in res.output
