"""Results with bands on reconstructed datasets: median, 90 % band, P(top-k); the CLI says so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.datasets import load_demo
from chainatlas.reconstruct.bands import band_table, scalar_bands
from chainatlas.services import datasets as svc
from chainatlas.services.bands import (
    chokepoint_bands_of,
    stress_bands_of,
    without_aggregates,
)
from chainatlas.services.chain import chokepoints_of
from chainatlas.services.reconstruct import reconstruct_dataset
from chainatlas.services.stress import run_scenario_of

runner = CliRunner()


def test_band_table_against_numpy_with_absent_items() -> None:
    rng = np.random.default_rng(0)
    ids = [f"f{k}" for k in range(12)]
    runs, full = [], np.zeros((12, 9))
    for m in range(9):
        keep = rng.random(12) < 0.7
        v = rng.random(12)
        full[:, m] = np.where(keep, v, 0.0)
        runs.append(pd.DataFrame({"id": np.array(ids)[keep], "s": v[keep]}))
    t = band_table(runs, "id", "s", top_k=3).set_index("id")
    for k, name in enumerate(ids):
        if name not in t.index:
            assert not full[k].any()
            continue
        row = t.loc[name]
        assert row["median"] == pytest.approx(np.median(full[k]))
        assert row["p5"] == pytest.approx(np.quantile(full[k], 0.05))
        assert row["p95"] == pytest.approx(np.quantile(full[k], 0.95))
        listed = [name in set(r["id"]) for r in runs]
        assert row["p_listed"] == pytest.approx(np.mean(listed))
        top = [name in set(r.nlargest(3, "s", keep="all")["id"]) for r in runs]
        assert row["p_top_k"] == pytest.approx(np.mean(top))
    s = scalar_bands({"x": [1.0, 2.0, np.nan, 4.0]})
    assert s.loc[0, "median"] == 2.0 and s.loc[0, "members"] == 3


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    db = tmp_path_factory.mktemp("bands") / "s.duckdb"
    ds = load_demo()
    frames = {t: f for t, f in ds.tables.items() if t not in ("supply_links", "signals")}
    svc.import_frames(db, "firms", frames)
    reconstruct_dataset(db, "firms", "rec", members=3, seed=2, mean_degree=4.0)
    return db, svc.load_dataset(db, "rec", ensemble=True)


def test_chokepoint_band_is_the_spread_of_the_members(rec: tuple[Path, object]) -> None:
    _, ds = rec
    res = chokepoint_bands_of(ds, top_k=5)
    per = []
    for m in (1, 2, 3):
        t = chokepoints_of(without_aggregates(ds.member_view(m))).table
        per.append(dict(zip(t["kind"] + ":" + t["id"].astype(str), t["share"], strict=True)))
    for _, row in res.table.head(15).iterrows():
        key = f"{row['kind']}:{row['id']}"
        vals = np.array([p.get(key, 0.0) for p in per])
        assert row["share_median"] == pytest.approx(np.median(vals))
        assert row["share_p5"] == pytest.approx(np.quantile(vals, 0.05))
        assert row["share_p95"] == pytest.approx(np.quantile(vals, 0.95))
        assert row["p_chokepoint"] == pytest.approx(np.mean([key in p for p in per]))
    # no aggregate node is ranked as a firm chokepoint
    assert not res.table["id"].astype(str).str.startswith(("ROC-", "IMP-")).any()


def test_stress_band_over_members(rec: tuple[Path, object]) -> None:
    _, ds = rec
    firms = ds.firms[ds.firms["region"].astype(str) == "340881"]["id"].astype(str).tolist()
    sc = {"name": "tongcheng", "horizon_days": 40,
          "shocks": [{"firm": firms, "capacity_loss": 1.0, "duration_days": 10}]}
    res = stress_bands_of(ds, sc, top_k=5)
    losses = [run_scenario_of(ds.member_view(m), sc).total_output_loss for m in (1, 2, 3)]
    row = res.scalars.set_index("metric").loc["total_output_loss"]
    assert row["median"] == pytest.approx(np.median(losses))
    assert row["p5"] <= row["median"] <= row["p95"]
    assert (res.table["p_top_k"].between(0, 1)).all()
    assert res.table["loss_p5"].le(res.table["loss_median"] + 1e-9).all()


def test_cli_reports_bands_and_says_links_are_reconstructed(rec: tuple[Path, object],
                                                          tmp_path: Path) -> None:
    db, _ = rec
    r = runner.invoke(app, ["chain", "chokepoints", "--db", str(db), "-d", "rec"])
    assert r.exit_code == 0, r.stderr
    assert "重构" in r.stdout and "90 %" in r.stdout and "p_top_k" in r.stdout
    r = runner.invoke(app, ["chain", "map", "--db", str(db), "-d", "rec", "--format", "json"])
    assert r.exit_code == 0 and '"reconstructed": true' in r.stdout
    sc = tmp_path / "sc.yaml"
    sc.write_text("name: t\nhorizon_days: 20\nshocks:\n  - segment: cells\n"
                  "    capacity_loss: 0.5\n    duration_days: 5\n", encoding="utf-8")
    r = runner.invoke(app, ["stress", "run", str(sc), "--db", str(db), "-d", "rec"])
    assert r.exit_code == 0, r.stderr
    assert "重构" in r.stdout and "p_top_k" in r.stdout
    r = runner.invoke(app, ["stress", "run", str(sc), "--db", str(db), "-d", "rec", "-f", "json"])
    assert r.exit_code == 0 and '"total_output_loss"' in r.stdout


def test_esri_band_over_members(rec: tuple[Path, object]) -> None:
    from chainatlas.services.bands import esri_bands_of
    from chainatlas.services.risk import risk_input_of, run_esri

    db, ds = rec
    res = esri_bands_of(ds, top_k=5)
    per = []
    for m in (1, 2, 3):
        rows = run_esri(risk_input_of(ds.member_view(m)), reasons=0)["results"]
        per.append({r["firm"]: r["esri"] for r in rows
                    if not r["firm"].startswith(("ROC-", "IMP-"))})
    for _, row in res.table.head(10).iterrows():
        vals = np.array([p[row["firm"]] for p in per])
        assert row["esri_median"] == pytest.approx(np.median(vals))
        assert row["esri_p95"] == pytest.approx(np.quantile(vals, 0.95))
        tops = [p[row["firm"]] >= sorted(p.values(), reverse=True)[4] for p in per]
        assert row["p_top_k"] == pytest.approx(np.mean(tops))
    r = runner.invoke(app, ["risk", "esri", "--db", str(db), "-d", "rec", "-f", "json"])
    assert r.exit_code == 0, r.stderr
    assert '"analysis": "esri"' in r.stdout and '"reconstructed": true' in r.stdout


def test_report_says_links_are_reconstructed_and_shows_the_band(rec: tuple[Path, object],
                                                               tmp_path: Path) -> None:
    from chainatlas.report.build import write_report

    db, _ = rec
    res = write_report(db, "rec", tmp_path / "r.html", lang="zh")
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "重构结果" in text and "重构区间" in text and "chokepoint_bands" in res.sections
    en = write_report(db, "firms", tmp_path / "o.html", lang="en")
    assert "reconstructed" not in (tmp_path / "o.html").read_text(encoding="utf-8")
    assert "chokepoint_bands" not in en.sections


def test_dashboard_chain_page_has_the_reconstruction_banner(rec: tuple[Path, object]) -> None:
    from chainatlas.web.page_chain import render

    db, _ = rec
    page = str(render(db, "rec", "en"))
    assert "reconstructed-banner" in page and "reconstructed" in page
    assert "reconstructed-banner" not in str(render(db, "firms", "en"))
