"""The panel pipeline, templates, the services and the `chainatlas evaluate` commands."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.evaluation import (
    IndicatorSystem,
    coupling_coordination,
    critic_weights,
    entropy_weights,
    evaluate_panel,
    grade_table,
    load_template,
    minmax_standardise,
)
from chainatlas.exceptions import InputError, ValidationError
from chainatlas.model.dataset import Dataset

REPO = Path(__file__).resolve().parents[1]

SYSTEM = IndicatorSystem.from_frame(pd.DataFrame({
    "indicator": ["i1", "i2", "i3"], "subsystem": ["S1", "S1", "S2"], "direction": ["+", "-", "+"],
    "name": ["one", "two", "three"]}), "tiny")
# regions A, B, C in 2020 and 2021
RAW = {("A", 2020): (1.0, 10.0, 5.0), ("B", 2020): (3.0, 20.0, 1.0), ("C", 2020): (2.0, 30.0, 3.0),
       ("A", 2021): (2.0, 10.0, 4.0), ("B", 2021): (4.0, 15.0, 2.0), ("C", 2021): (3.0, 25.0, 5.0)}


def _long(raw: dict = RAW) -> pd.DataFrame:
    return pd.DataFrame([(r, y, f"i{j + 1}", v) for (r, y), vals in raw.items()
                         for j, v in enumerate(vals)],
                        columns=["region", "year", "indicator", "value"])


def _matrix(raw: dict = RAW) -> np.ndarray:
    return np.array([raw[k] for k in sorted(raw)])  # order region, year as the pipeline sorts


def test_equal_weights_pipeline_by_hand() -> None:
    res = evaluate_panel(_long(), SYSTEM, weighting="equal", variant="standard")
    s = res.scores.set_index(["region", "year"])
    # pooled min-max: i1 in [1,4], i2 (cost) in [10,30], i3 in [1,5]
    a20 = ((1 - 1) / 3, (30 - 10) / 20, (5 - 1) / 4)
    assert s.loc[("A", 2020), "S1"] == pytest.approx((a20[0] + a20[1]) / 2)
    assert s.loc[("A", 2020), "S2"] == pytest.approx(a20[2])
    assert s.loc[("A", 2020), "index"] == pytest.approx(sum(a20) / 3)
    c = res.coupling.set_index(["region", "year"])
    u1, u2 = 0.5, 1.0
    assert c.loc[("A", 2020), "C"] == pytest.approx(2 * np.sqrt(u1 * u2) / (u1 + u2))
    assert c.loc[("A", 2020), "D"] == pytest.approx(np.sqrt(c.loc[("A", 2020), "C"] * 0.75))
    # B 2021 = (4, 15, 2): z = (1, .75, .25); C 2021 = (3, 25, 5): z = (2/3, .25, 1)
    assert s.loc[("B", 2021), "S1"] == pytest.approx(0.875)
    assert set(res.tables()) >= {"raw", "standardised", "weights", "scores", "coupling",
                                 "obstacles", "obstacles_subsystem", "top_obstacles", "notes"}


def test_entropy_pipeline_matches_engine_functions() -> None:
    res = evaluate_panel(_long(), SYSTEM)
    X = _matrix()
    w = entropy_weights(X, "+,-,+")
    np.testing.assert_allclose(res.weights["weight"], w)
    # within-subsystem entropy weights are the global ones renormalised
    np.testing.assert_allclose(res.weights["weight_within"][:2], w[:2] / w[:2].sum())
    np.testing.assert_allclose(res.subsystem_weights["weight"], [w[:2].sum(), w[2]])
    np.testing.assert_allclose(res.weights["factor_contribution"], w)
    Z = minmax_standardise(X, "+,-,+")
    U = np.column_stack([Z[:, :2] @ (w[:2] / w[:2].sum()), Z[:, 2]])
    np.testing.assert_allclose(res.scores[["S1", "S2"]], U)
    cr = coupling_coordination(U, "wang")
    np.testing.assert_allclose(res.coupling["D"], cr.D)
    O = res.obstacles[["i1", "i2", "i3"]].to_numpy()  # noqa: E741
    ideal = (Z == 1).all(axis=1)
    np.testing.assert_allclose(O[~ideal].sum(axis=1), 1.0)
    assert res.scores.groupby("year")["rank"].apply(sorted).tolist() == [[1, 2, 3]] * 2


def test_yearly_pooling_and_critic() -> None:
    res = evaluate_panel(_long(), SYSTEM, weighting="critic", pooling="yearly", scoring="topsis")
    X = _matrix()
    years = np.array([k[1] for k in sorted(RAW)])
    for y in (2020, 2021):
        got = res.weights[res.weights["year"] == y]["weight"]
        np.testing.assert_allclose(got, critic_weights(X[years == y], "+,-,+"))
    assert ((res.scores["S1"] >= 0) & (res.scores["S1"] <= 1)).all()


def test_missing_values_interpolated_and_notes() -> None:
    raw = dict(RAW)
    raw[("A", 2022)] = (4.0, 10.0, 6.0)
    long = _long(raw)
    long = long[~((long.region == "A") & (long.year == 2021) & (long.indicator == "i1"))]
    res = evaluate_panel(long, SYSTEM)
    filled = res.raw.set_index(["region", "year"]).loc[("A", 2021), "i1"]
    assert filled == pytest.approx(2.5)  # linear between 2020 (1) and 2022 (4)
    assert any("interpolation" in n for n in res.notes)
    # B and C have no 2022 rows at all: nothing to fill, nothing dropped
    assert len(res.scores) == 7


def test_region_without_an_indicator() -> None:
    long = _long()
    long = long[~((long.region == "C") & (long.indicator == "i3"))]
    rows = evaluate_panel(long, SYSTEM)
    assert "C" not in set(rows.scores.region)
    cols = evaluate_panel(long, SYSTEM, incomplete="drop-indicators")
    assert set(cols.scores.region) == {"A", "B", "C"}
    assert "i3" not in cols.weights["indicator"].tolist()
    assert cols.coupling.empty  # only one subsystem left
    assert any("no coupling" in n for n in cols.notes)


def test_panel_input_errors() -> None:
    with pytest.raises(InputError, match="columns"):
        evaluate_panel(pd.DataFrame({"region": ["A"]}), SYSTEM)
    dup = pd.concat([_long(), _long().head(1)])
    with pytest.raises(InputError, match="duplicate"):
        evaluate_panel(dup, SYSTEM)
    with pytest.raises(InputError, match="no indicator"):
        evaluate_panel(_long().assign(indicator=lambda f: "z" + f.indicator), SYSTEM)
    with pytest.raises(InputError):
        evaluate_panel(_long(), SYSTEM, weighting="magic")
    with pytest.raises(InputError, match="alpha"):
        evaluate_panel(_long(), SYSTEM, alpha=[1, 1, 1])
    with pytest.raises(ValidationError):
        IndicatorSystem.from_frame(pd.DataFrame({"indicator": ["a", "a"],
                                                 "direction": ["+", "up"]}))


def test_templates() -> None:
    nq = load_template("nqpf")
    assert nq.frame["subsystem"].unique().tolist() == ["劳动者", "劳动资料", "劳动对象"]
    assert {"新技术", "数据", "绿色"} <= set(nq.groups("factor"))
    assert set(nq.directions()) == {"+", "-"}
    fc = load_template("four-chain")
    assert fc.frame["subsystem"].unique().tolist() == ["创新链", "产业链", "资金链", "人才链"]
    for t in (nq, fc):
        assert t.frame[["unit", "source", "direction"]].notna().all().all()
    with pytest.raises(InputError):
        load_template("nope")


def test_user_template_yaml(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("indicators:\n"
                    "  - {indicator: i1, subsystem: S1, direction: '+'}\n"
                    "  - {indicator: i2, subsystem: S1, direction: '-'}\n"
                    "  - {indicator: i3, subsystem: S2, direction: '+'}\n", encoding="utf-8")
    sys_yaml = load_template(path)
    res = evaluate_panel(_long(), sys_yaml)
    np.testing.assert_allclose(res.weights["weight"], entropy_weights(_matrix(), "+,-,+"))


# ---------------------------------------------------------------- services and CLI

runner = CliRunner()
X = [[12, 2.5, 30, .45], [8.5, 3.4, 18, .60], [15.2, 1.9, 42, .38], [6.3, 2.8, 35, .72],
     [10.1, 2.0, 25, .30]]


@pytest.fixture()
def matrix_csv(tmp_path: Path) -> Path:
    path = tmp_path / "m.csv"
    pd.DataFrame(X, columns=["gdp", "rd", "pat", "energy"], index=list("ABCDE")).rename_axis(
        "region").to_csv(path)
    return path


def test_cli_score_json_golden(matrix_csv: Path) -> None:
    r = runner.invoke(app, ["evaluate", "score", "--matrix", str(matrix_csv), "--types",
                            "+,+,+,-", "--method", "entropy-topsis", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    np.testing.assert_allclose(out["weights"], [.238313, .329141, .219008, .213538], atol=5e-7)
    np.testing.assert_allclose(list(out["scores"].values()),
                               [.513494, .513841, .525257, .416474, .399184], atol=5e-7)
    assert out["ranks"] == {"A": 3, "B": 2, "C": 1, "D": 4, "E": 5}
    r = runner.invoke(app, ["evaluate", "score", "--matrix", str(matrix_csv), "--types",
                            "+,+,+,-", "--method", "critic-topsis", "--format", "json"])
    np.testing.assert_allclose(json.loads(r.stdout)["weights"],
                               [.173962, .387079, .216386, .222574], atol=5e-7)
    r = runner.invoke(app, ["evaluate", "score", "--matrix", str(matrix_csv), "--types",
                            "+,+,+,-", "--method", "entropy-linear", "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "alternative,score,rank"


def test_cli_score_bad_types_exit_1(matrix_csv: Path) -> None:
    r = runner.invoke(app, ["evaluate", "score", "--matrix", str(matrix_csv), "--types", "+,-"])
    assert r.exit_code == 1
    r = runner.invoke(app, ["evaluate", "score", "--matrix", "/no/such.csv"])
    assert r.exit_code == 1


def test_cli_coupling_json_golden(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("region,U1,U2,U3,U4\nr,0.62,0.48,0.35,0.55\n", encoding="utf-8")
    for variant, C, D in (("standard", .9785, .6995), ("wang", .7888, .6280)):
        r = runner.invoke(app, ["evaluate", "coupling", "--values", str(path), "--variant",
                                variant, "--format", "json"])
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        assert out["C"]["r"] == pytest.approx(C, abs=5e-5)
        assert out["D"]["r"] == pytest.approx(D, abs=5e-5)
        assert out["T"]["r"] == pytest.approx(0.5)
        assert out["grade"]["r"] == "初级协调"


def test_cli_panel_csv_and_xlsx(tmp_path: Path) -> None:
    panel = tmp_path / "p.csv"
    _long().to_csv(panel, index=False)
    tmpl = tmp_path / "t.csv"
    SYSTEM.frame.to_csv(tmpl, index=False)
    xlsx = tmp_path / "out.xlsx"
    r = runner.invoke(app, ["evaluate", "panel", "--panel", str(panel), "--template", str(tmpl),
                            "--xlsx", str(xlsx), "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    np.testing.assert_allclose([w["weight"] for w in out["weights"]],
                               entropy_weights(_matrix(), "+,-,+"))
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert {"summary", "raw", "standardised", "weights", "scores", "coupling", "obstacles",
            "top_obstacles"} <= set(sheets)
    assert len(sheets["scores"]) == 6
    # wide panel gives the same result
    wide = tmp_path / "w.csv"
    _long().pivot(index=["region", "year"], columns="indicator", values="value").to_csv(wide)
    r2 = runner.invoke(app, ["evaluate", "panel", "--panel", str(wide), "--template", str(tmpl),
                             "--format", "json"])
    assert json.loads(r2.stdout)["scores"] == out["scores"]


def test_cli_panel_needs_a_source() -> None:
    r = runner.invoke(app, ["evaluate", "panel", "--template", "nqpf"])
    assert r.exit_code == 1


def test_demo_section_without_and_with_indicators() -> None:
    from chainatlas.services.evaluate import demo_panel, demo_section

    tables = demo_section(Dataset("empty"))
    rank = tables[0][1]
    assert len(rank) == 5 and sorted(rank["rank"]) == [1, 2, 3, 4, 5]
    assert len(tables) == 3
    assert set(tables[1][1]["D_grade"]) <= set(grade_table("D10").labels)
    panel = demo_panel()
    defs = load_template("four-chain").frame[["indicator", "name", "dimension", "subsystem",
                                              "direction", "unit", "source"]]
    ds = Dataset("d", {"indicators": panel[["region", "year", "indicator", "value"]],
                       "indicator_defs": defs})
    t2 = demo_section(ds)
    pd.testing.assert_frame_equal(t2[0][1].drop(columns=t2[0][1].columns[0]),
                                  rank.drop(columns=rank.columns[0]))


# ---------------------------------------------------------------- real data


def _province_panel(folder: Path) -> pd.DataFrame:
    spec = importlib.util.spec_from_file_location("build_province_panel",
                                                  REPO / "scripts" / "build_province_panel.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.build_province_panel(folder / "province_stats")


@pytest.mark.realdata
def test_province_four_chain_panel(shared_data: Path) -> None:
    """31 provinces, 2018–2022, from the science-and-technology yearbook tables.

    Check: Beijing, Guangdong and Jiangsu are in the top 5 of the innovation chain (创新链) in every
    year under every weighting × scoring × pooling choice. Robust because each of them is in the
    top 4 of every raw innovation indicator (invention applications and grants, SCI papers, valid
    high-tech patents) in every year — asserted first — so no non-negative weighting can push
    two regions above them on all indicators at once by much.
    """
    panel = _province_panel(shared_data)
    assert panel["region"].nunique() == 31
    top3 = {"110000", "440000", "320000"}
    innov = load_template("four-chain").frame.query("subsystem == '创新链'")["indicator"]
    for (_ind, _y), g in panel[panel.indicator.isin(innov)].groupby(["indicator", "year"]):
        assert top3 <= set(g.nlargest(4, "value")["region"])
    for weighting in ("entropy", "critic", "std", "equal"):
        for scoring in ("linear", "topsis"):
            for pooling in ("pooled", "yearly"):
                res = evaluate_panel(panel, load_template("four-chain"), weighting=weighting,
                                     scoring=scoring, pooling=pooling,  # type: ignore[arg-type]
                                     incomplete="drop-indicators")
                wt = res.weights
                w = wt.groupby("year")["weight"].sum() if pooling == "yearly" else wt["weight"].sum()
                np.testing.assert_allclose(w, 1.0)
                assert (res.scores.groupby("year")["region"].nunique() == 31).all()
                assert (res.scores.groupby("year")["rank"].max() <= 31).all()
                s = res.scores.assign(r=res.scores.groupby("year")["创新链"].rank(ascending=False))
                assert s[s.region.isin(top3)]["r"].max() <= 5, (weighting, scoring, pooling)
                assert ((res.coupling["D"] >= 0) & (res.coupling["D"] <= 1)).all()
    # the default drops Tibet (no new-product sales reported), as the literature's 30 provinces
    default = evaluate_panel(panel, load_template("four-chain"))
    assert default.scores["region"].nunique() == 30


def test_interval_standardisation_avoids_zero_scores() -> None:
    res = evaluate_panel(_long(), SYSTEM, interval=(0.01, 0.99), variant="wang")
    Z = res.standardised[["i1", "i2", "i3"]].to_numpy()
    np.testing.assert_allclose(Z.min(axis=0), 0.01)
    np.testing.assert_allclose(Z.max(axis=0), 0.99)
    assert (res.scores[["S1", "S2"]].to_numpy() > 0).all()
    assert (res.coupling["C"] > 0).all()


def test_demo_dataset_panel() -> None:
    from chainatlas.datasets import load_demo
    from chainatlas.services.evaluate import demo_section

    tables = demo_section(load_demo("yrd-nev"))
    rank = tables[0][1]
    assert sorted(rank["rank"]) == [1, 2, 3, 4, 5]
    assert {"创新链", "产业链", "资金链", "人才链"} <= set(rank.columns)
    coup = tables[1][1]
    assert ((coup["D"] >= 0) & (coup["D"] <= 1)).all()
    assert tables[2][1]["weight"].sum() == pytest.approx(1.0, abs=1e-3)


def test_cli_panel_on_stored_dataset(tmp_path: Path) -> None:
    from chainatlas.services.demo import build_demo_store

    db = tmp_path / "demo.duckdb"
    build_demo_store(db)
    r = runner.invoke(app, ["evaluate", "panel", "--dataset", "yrd-nev", "--db", str(db),
                            "--format", "csv"])
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stdout.splitlines() if ln and not ln.startswith("note:")]
    header = lines[0].split(",")
    assert {"region", "year", "index", "rank", "C", "D", "D_grade"} <= set(header)
    from chainatlas.datasets import load_demo

    ind = load_demo("yrd-nev").indicators
    assert len(lines) - 1 == ind["region"].nunique() * ind["year"].nunique()
    r = runner.invoke(app, ["evaluate", "panel", "--dataset", "nope", "--db", str(db)])
    assert r.exit_code == 1


def test_user_and_combined_weights_in_panel() -> None:
    from chainatlas.evaluation import combine_weights

    frame = SYSTEM.frame.assign(weight=[0.5, 0.3, 0.2])
    sysw = IndicatorSystem.from_frame(frame, "weighted")
    user = evaluate_panel(_long(), sysw, weighting="user")
    np.testing.assert_allclose(user.weights["weight"], [0.5, 0.3, 0.2])
    np.testing.assert_allclose(user.weights["weight_within"], [0.625, 0.375, 1.0])
    game = evaluate_panel(_long(), sysw, combine="game")
    expected = combine_weights([entropy_weights(_matrix(), "+,-,+"), [0.5, 0.3, 0.2]], "game")
    np.testing.assert_allclose(game.weights["weight"], expected)
    with pytest.raises(InputError, match="weight"):
        evaluate_panel(_long(), SYSTEM, weighting="user")
    with pytest.raises(InputError):
        evaluate_panel(_long(), sysw, weighting="user", combine="game")
    with pytest.raises(ValidationError):
        IndicatorSystem.from_frame(frame.assign(weight=["a", 1, 1]))


def test_cli_ahp(tmp_path: Path) -> None:
    path = tmp_path / "ahp.csv"
    path.write_text("criterion,a,b,c\na,1,3,5\nb,1/3,1,3\nc,1/5,1/3,1\n", encoding="utf-8")
    r = runner.invoke(app, ["evaluate", "ahp", "--matrix", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    np.testing.assert_allclose(list(out["weights"].values()), [0.6370, 0.2583, 0.1047],
                               atol=5e-5)
    assert out["CR"] == pytest.approx(0.0332, abs=5e-5) and out["consistent"] is True
    path.write_text("criterion,a,b\na,1,x\nb,1,1\n", encoding="utf-8")
    assert runner.invoke(app, ["evaluate", "ahp", "--matrix", str(path)]).exit_code == 1


def test_shipped_demo_panel_covers_both_templates_and_marks_illustrative_rows() -> None:
    from chainatlas.services.evaluate import demo_panel

    panel = demo_panel()
    assert set(panel["region"]) == {"310000", "320000", "330000", "340000", "440000"}
    kind = panel.groupby("indicator")["source"].agg(lambda s: set(s.str.split(":").str[0]))
    assert all(len(k) == 1 for k in kind)  # each indicator is either real or illustrative
    for name in ("nqpf", "four-chain"):
        system = load_template(name)
        res = evaluate_panel(panel, system)
        mapped = system.frame.set_index("indicator")["province_stats"].notna()
        if name == "nqpf":  # every indicator, real or illustrative
            assert res.system["used"].all()
        else:  # the real, derivable ones
            assert res.system.set_index("indicator")["used"].equals(mapped)
        assert len(res.coupling) == 25
        for ind, is_mapped in mapped.items():
            if is_mapped:  # derivable from the yearbook tables -> must be real
                assert kind[ind] == {"real"}, ind
    four = load_template("four-chain").indicators
    assert all(kind[i] == {"real"} for i in four if i in kind)


def test_services_accept_frames(tmp_path: Path) -> None:
    from chainatlas.services.evaluate import coupling_table, run_panel, score_matrix

    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(id=list("ABCDE"))
    res = score_matrix(frame[["id", "a", "b", "c", "d"]], "+,+,+,-", "entropy-linear")
    np.testing.assert_allclose(list(res["scores"].values()),
                               [.531062, .449061, .630185, .352616, .401110], atol=5e-7)
    out = coupling_table(pd.DataFrame({"id": ["r"], "U1": [0.3], "U2": [0.6]}), "wang")
    assert out["C"]["r"] == pytest.approx(0.5916, abs=5e-5)
    tmpl = tmp_path / "t.csv"
    SYSTEM.frame.to_csv(tmpl, index=False)
    res_panel = run_panel(panel=_long(), template=tmpl)
    np.testing.assert_allclose(res_panel.weights["weight"], entropy_weights(_matrix(), "+,-,+"))
