"""`chainatlas stress montecarlo` and `chainatlas stress large` end to end (in-process CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.datasets import load_demo
from chainatlas.services.demo import build_demo_store
from chainatlas.services.scale import montecarlo_of
from chainatlas.shock.montecarlo import METRICS, monte_carlo
from chainatlas.shock.network import ShockNetwork

runner = CliRunner()

TEMPLATE = """\
name: tongcheng-mc
horizon_days: 30
shocks:
  - region: "340881"
    capacity_loss: 0.5
    duration_days: 10
uncertain:
  capacity_loss: {dist: uniform, low: 0.3, high: 0.9}
  duration_days: {dist: triangular, low: 5, mode: 10, high: 20}
"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("scale") / "demo.duckdb"
    build_demo_store(db, names=("yrd-nev",))
    return db


def test_montecarlo_json_matches_engine(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "mc.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    res = runner.invoke(app, ["stress", "montecarlo", str(path), "--dataset", "yrd-nev",
                              "--db", str(demo_db), "-n", "30", "--seed", "4",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    engine = monte_carlo(ShockNetwork.from_dataset(load_demo("yrd-nev")),
                         {k: v for k, v in _yaml(TEMPLATE).items() if k != "uncertain"},
                         capacity_loss={"dist": "uniform", "low": 0.3, "high": 0.9},
                         duration_days={"dist": "triangular", "low": 5, "mode": 10, "high": 20},
                         n=30, seed=4)
    got = {r["metric"]: r for r in data["quantiles"]}
    for metric, row in engine.quantiles.iterrows():
        assert got[metric]["q0.5"] == pytest.approx(row["q0.5"], rel=1e-12)
    assert data["meta"]["capacity_loss"] == {"dist": "uniform", "low": 0.3, "high": 0.9}


def test_montecarlo_options_override_and_errors(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "mc.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    ok = runner.invoke(app, ["stress", "montecarlo", str(path), "--dataset", "yrd-nev",
                             "--db", str(demo_db), "-n", "5", "--loss", "0.4",
                             "--duration", "triangular:1:2:3", "--format", "csv"])
    assert ok.exit_code == 0, ok.output
    lines = ok.stdout.strip().splitlines()
    assert lines[0].startswith("metric,mean,std_error,q0.05")
    assert [ln.split(",")[0] for ln in lines[1:]] == list(METRICS)
    bad = runner.invoke(app, ["stress", "montecarlo", str(path), "--dataset", "yrd-nev",
                              "--db", str(demo_db), "--loss", "gamma:1:2"])
    assert bad.exit_code == 1
    assert "--loss" in bad.output


def test_uncertain_key_is_checked() -> None:
    from chainatlas.exceptions import InputError

    data = _yaml(TEMPLATE)
    data["uncertain"] = {"start_day": 3}
    with pytest.raises(InputError, match="uncertain"):
        montecarlo_of(load_demo("yrd-nev"), data, n=2)


def test_large_command_on_parquet_folder(tmp_path: Path) -> None:
    from chainatlas.datasets.synthetic import generate_network, write_network

    write_network(generate_network(1500, 6000, n_sectors=8, seed=2), tmp_path / "net")
    res = runner.invoke(app, ["stress", "large", str(tmp_path / "net"), "--days", "3",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["firms"] == 1500 and data["links"] == 6000 and data["days"] == 3
    missing = runner.invoke(app, ["stress", "large", str(tmp_path / "nothing-here")])
    assert missing.exit_code == 1


def _yaml(text: str) -> dict:
    import yaml

    return yaml.safe_load(text)
