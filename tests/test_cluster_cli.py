"""`chainatlas cluster …` and `chainatlas advise` end to end on the demo store and CSV files."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app

runner = CliRunner()

TOY = pd.DataFrame(
    [[100, 80, 60, 40, 20, 10], [90, 70, 50, 0, 10, 0], [50, 0, 40, 0, 0, 0],
     [0, 10, 0, 0, 5, 60], [20, 0, 0, 5, 0, 30]],
    index=pd.Index(list("ABCDE"), name="region"), columns=["p1", "p2", "p3", "p4", "p5", "p6"])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chainatlas.services.demo import build_demo_store

    path = tmp_path_factory.mktemp("store") / "demo.duckdb"
    build_demo_store(path)
    return path


def _ok(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return res.stdout


def test_complexity_json_shape_and_values(tmp_path: Path) -> None:
    csv = tmp_path / "toy.csv"
    TOY.to_csv(csv)
    out = json.loads(_ok(["cluster", "complexity", "--matrix", str(csv), "--format", "json"]))
    assert {"eci", "pci", "density", "coi", "cog"} <= set(out)
    assert 0 <= out["log_supermodularity"] <= 1
    assert out["eci"]["C"] == pytest.approx(1.3296, abs=1e-4)
    assert out["pci"]["p3"] == pytest.approx(1.6891, abs=1e-4)
    assert out["density"]["A"]["p5"] == pytest.approx(.8, abs=1e-4)
    assert out["cog"]["D"]["p3"] == pytest.approx(1.0638, abs=1e-4)
    assert out["coi"]["B"] == pytest.approx(-1.8646, abs=1e-4)
    eci = pd.Series(out["eci"])
    assert eci.mean() == pytest.approx(0, abs=1e-12) and eci.std(ddof=0) == pytest.approx(1)


def test_complexity_long_csv_levels_and_options(tmp_path: Path) -> None:
    long = TOY.stack().rename("value").reset_index()
    long.columns = ["location", "activity", "value"]
    csv = tmp_path / "long.csv"
    long.to_csv(csv, index=False)
    text = _ok(["cluster", "complexity", "--matrix", str(csv), "--format", "csv",
                "--show", "cell", "--exclude-self"])
    cells = pd.read_csv(pd.io.common.StringIO(text))
    assert len(cells) == 30 and {"rca", "mcp", "density", "cog"} <= set(cells.columns)
    a_p1 = cells[(cells["location"] == "A") & (cells["activity"] == "p1")]["density"].item()
    assert a_p1 == pytest.approx(2 / 5)  # φ_pp left out: (1/3 + 1/3) / (5/3)


def test_complexity_errors_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("region,a,b\nX,1,-2\nY,3,4\n", encoding="utf-8")
    res = runner.invoke(app, ["cluster", "complexity", "--matrix", str(bad)])
    assert res.exit_code == 1 and "negative" in res.output
    res = runner.invoke(app, ["cluster", "complexity", "--matrix", str(tmp_path / "none.csv")])
    assert res.exit_code == 1 and "not found" in res.output
    text = tmp_path / "text.csv"
    text.write_text("region,a,b\nX,1,zwei\nY,3,4\n", encoding="utf-8")
    res = runner.invoke(app, ["cluster", "complexity", "--matrix", str(text)])
    assert res.exit_code == 1 and "row 2" in res.output and "'b'" in res.output


def test_measures_and_shift_share(tmp_path: Path, db: Path) -> None:
    csv = tmp_path / "toy.csv"
    TOY.to_csv(csv)
    out = json.loads(_ok(["cluster", "measures", "--matrix", str(csv), "-f", "json"]))
    reg = {r["region"]: r for r in out["regions"]}
    assert reg["A"]["krugman"] == pytest.approx(.2632, abs=1e-4)
    text = _ok(["cluster", "measures", "-d", "yrd-nev", "--db", str(db), "--show",
                "industries", "-f", "csv"])
    ind = pd.read_csv(pd.io.common.StringIO(text))
    assert {"hoover_localisation", "G", "H", "gamma", "band"} <= set(ind.columns)
    end = tmp_path / "end.csv"
    (TOY * 1.066).to_csv(end)
    text = _ok(["cluster", "shift-share", "--start", str(csv), "--end", str(end), "-f", "csv"])
    ss = pd.read_csv(pd.io.common.StringIO(text))
    a = ss[(ss["region"] == "A") & (ss["industry"] == "(total)")]
    assert a["national_share"].item() == pytest.approx(20.46)


def test_circle_command(db: Path) -> None:
    out = json.loads(_ok(["cluster", "circle", "--dataset", "yrd-nev", "--of", "310000",
                          "--hours", "4", "--db", str(db), "--format", "json"]))
    within = {r["code"] for r in out["regions_within"]}
    assert {"320100", "330784"} <= within and "340881" not in within
    assert 0 < out["share_within"] < 1 and out["mode"] == "road"
    rail = json.loads(_ok(["cluster", "circle", "-d", "yrd-nev", "--of", "310000", "--mode",
                           "rail", "--db", str(db), "-f", "json"]))
    assert "340881" in {r["code"] for r in rail["regions_within"]}
    xlsx = Path(str(db)).with_name("circle.xlsx")
    _ok(["cluster", "circle", "-d", "yrd-nev", "--of", "310000", "--db", str(db), "--xlsx",
         str(xlsx), "-f", "csv"])
    assert openpyxl.load_workbook(xlsx).sheetnames == ["segments", "regions"]
    res = runner.invoke(app, ["cluster", "circle", "-d", "yrd-nev", "--of", "000000",
                              "--db", str(db)])
    assert res.exit_code == 1 and "000000" in res.output


def test_scorecard_command_reproduces_guangdong(db: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "gd.xlsx"
    out = json.loads(_ok(["cluster", "scorecard", "--dataset", "gd-clusters", "--db", str(db),
                          "--format", "json", "--xlsx", str(xlsx)]))
    sheet = pd.read_excel(xlsx, sheet_name="clusters")
    assert len(sheet) == 20 and int(sheet["above_threshold"].sum()) == 8
    s = out["summary"]
    assert s["clusters"] == 20 and s["above_threshold"] == 8
    assert s["share_of_gdp"] == pytest.approx(0.40, abs=0.005)
    assert out["region"] == "440000"


def test_advise_json_and_xlsx(db: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "advice.xlsx"
    out = json.loads(_ok(["advise", "--dataset", "yrd-nev", "--region", "320100", "--format",
                          "json", "--db", str(db), "--xlsx", str(xlsx), "--top", "5"]))
    recs = out["recommendations"]
    assert len(recs) == 5 and out["strategy"] == "near"
    for r in recs:
        assert {"segment", "action", "score", "reasons", "candidates", "parts"} <= set(r)
        assert r["action"] in ("补链", "强链", "延链", "建链")
        for c in r["candidates"]:
            assert {"firm", "region", "hours_away", "capacity", "tags", "why"} <= set(c)
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["建议清单", "候选企业", "理由", "说明"]
    assert wb["建议清单"].max_row == 6
    jump = json.loads(_ok(["advise", "-d", "yrd-nev", "-r", "320100", "--strategy", "long-jump",
                           "-f", "json", "--db", str(db)]))
    assert jump["strategy"] == "long-jump" and jump["weights"] != out["weights"]
    res = runner.invoke(app, ["advise", "-d", "yrd-nev", "-r", "999999", "--db", str(db)])
    assert res.exit_code == 1 and "999999" in res.output


def test_demo_sections() -> None:
    from chainatlas.datasets import load_demo
    from chainatlas.services import advise, cluster

    ds = load_demo("yrd-nev")
    sections = cluster.demo_section(ds) + advise.demo_section(ds)
    assert len(sections) == 5
    for title, frame in sections:
        assert title and isinstance(frame, pd.DataFrame) and len(frame)


def test_gini_command(tmp_path: Path) -> None:
    csv = tmp_path / "g.csv"
    pd.DataFrame({"region": list("wxyz"), "gdp": [1, 3, 2, 6], "zone": list("AABB")}).to_csv(
        csv, index=False)
    out = json.loads(_ok(["cluster", "gini", "--file", str(csv), "--value", "gdp", "--group",
                          "zone", "-f", "json"]))
    assert out["gini"] == pytest.approx(1 / 3) and out["within"] == pytest.approx(1 / 8)
    res = runner.invoke(app, ["cluster", "gini", "--file", str(csv), "--value", "pop",
                              "--group", "zone"])
    assert res.exit_code == 1 and "pop" in res.output
