"""Evaluations on too few regions or years warn (result, CLI, API); adequate data does not."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.evaluation.templates import load_template
from chainatlas.services.evaluate import coupling_table, demo_panel, run_panel, score_matrix

runner = CliRunner()


def _one_region() -> pd.DataFrame:
    p = demo_panel()
    return p[(p["region"] == "310000") & (p["year"] >= 2020)]


def test_one_region_three_years_warns() -> None:
    res = run_panel(panel=_one_region(), template="four-chain")
    used = int(res.system["used"].sum())
    assert used > 3                                # more indicators than the 3 samples
    text = " | ".join(res.warnings)
    assert "only 1 region(s) over 3 year(s)" in text
    assert f"weights of {used} indicator(s) rest on only 3 sample(s)" in text
    # 2020 is the region's worst year in every indicator of some subsystem: C = 0 there
    zero = res.coupling[res.coupling["C"] == 0]
    assert len(zero) >= 1
    assert f"{zero['region'].iloc[0]}/{zero['year'].iloc[0]}" in text
    assert res.to_dict()["warnings"] == res.warnings
    assert "warning" in set(res.tables()["notes"]["kind"])


def test_adequate_panel_has_no_warning() -> None:
    res = run_panel(panel=demo_panel(), template="four-chain", interval=(0.01, 0.99))
    assert res.options["regions"] == 5 and len(res.options["years"]) == 5
    assert res.warnings == []
    # without the interval the worst region-year of a subsystem scores 0: only that warning
    plain = run_panel(panel=demo_panel(), template="four-chain")
    zero = (plain.scores[plain.options["subsystems"]] <= 0).any(axis=1).sum()
    assert len(plain.warnings) == (1 if zero else 0)


def test_scores_at_the_extremes_are_exact() -> None:
    # region B is best in every indicator, A worst: linear scores exactly 1 and 0, not 1 ± 1e-16
    rows = []
    for y in (2020, 2021):
        for r, base in (("A", 1.0), ("B", 9.0), ("C", 5.0), ("D", 4.0)):
            for k, ind in enumerate(("rd_intensity", "patents_10k", "hitech_output_share")):
                rows.append((r, y, ind, base * (1 + 0.1 * k) + 0.01 * (y - 2020) * (r != "B")))
    panel = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    system = load_template("four-chain").subset(["rd_intensity", "patents_10k",
                                                 "hitech_output_share"])
    from chainatlas.evaluation import evaluate_panel

    res = evaluate_panel(panel, system)
    idx = res.scores.set_index(["region", "year"])["index"]
    assert idx[("A", 2020)] == 0.0
    assert idx[("B", 2020)] == 1.0 and idx[("B", 2021)] == 1.0


def test_score_and_coupling_warnings(tmp_path: Path) -> None:
    two = pd.DataFrame({"id": ["a", "b"], "x": [1.0, 2.0], "y": [3.0, 1.0], "z": [2.0, 2.5]})
    w = score_matrix(two)["warnings"]
    assert len(w) == 2 and "only 2 alternative(s)" in w[0] and "3 indicator(s)" in w[1]
    assert score_matrix(two, method="equal-topsis")["warnings"][1:] == []   # no weights estimated
    five = pd.DataFrame({"id": list("ABCDE"), "x": [1.0, 2, 3, 4, 5], "y": [5.0, 3, 4, 1, 2]})
    assert score_matrix(five)["warnings"] == []
    U = pd.DataFrame({"id": ["r1", "r2"], "u1": [0.0, 0.5], "u2": [0.7, 0.6]})
    res = coupling_table(U)
    assert res["C"]["r1"] == 0.0 and "r1" in res["warnings"][0]
    assert coupling_table(U.assign(u1=[0.2, 0.5]))["warnings"] == []
    csv = tmp_path / "u.csv"
    U.to_csv(csv, index=False)
    r = runner.invoke(app, ["evaluate", "coupling", "--values", str(csv), "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["warnings"] and "warning: 1 sample(s)" in r.stderr


def test_cli_panel_warns_on_one_region_only(tmp_path: Path) -> None:
    small, full = tmp_path / "one.csv", tmp_path / "all.csv"
    _one_region().to_csv(small, index=False)
    demo_panel().to_csv(full, index=False)
    r = runner.invoke(app, ["evaluate", "panel", "--panel", str(small), "--template",
                            "four-chain", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)["warnings"]) == 3
    assert "warning: only 1 region(s)" in r.stderr
    r = runner.invoke(app, ["evaluate", "panel", "--panel", str(full), "--template",
                            "four-chain", "--interval", "0.01,0.99", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["warnings"] == [] and "warning:" not in r.stderr


def test_api_coupling_warnings(tmp_path: Path) -> None:
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app
    from chainatlas.config import get_settings

    settings = replace(get_settings(tmp_path / "api.duckdb"), token="t", open_reads=True)
    with TestClient(create_app(settings)) as client:
        body = {"ids": ["a", "b"], "subsystems": ["u1", "u2"], "values": [[0.0, 0.4], [0.3, 0.5]]}
        r = client.post("/api/v1/evaluate/coupling", json=body)
        assert r.status_code == 200, r.text
        assert r.json()["warnings"] and np.isclose(r.json()["C"]["a"], 0.0)
        body["values"] = [[0.2, 0.4], [0.3, 0.5]]
        assert client.post("/api/v1/evaluate/coupling", json=body).json()["warnings"] == []
