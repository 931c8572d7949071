"""`chainatlas chain …` commands end to end on a small stored dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _chain_fixtures import toy_nev
from chainatlas.cli.main import app
from chainatlas.services.datasets import import_frames

runner = CliRunner()


@pytest.fixture()
def db(db_path: Path) -> Path:
    import_frames(db_path, "toy", toy_nev().tables)
    return db_path


def _json(args: list[str]) -> object:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_map_json(db: Path) -> None:
    out = _json(["chain", "map", "-d", "toy", "--db", str(db), "--region", "340000", "-f", "json"])
    st = {s["segment"]: s["status"] for s in out["segments"]}  # type: ignore[index]
    assert st["cell"] == "strong" and st["chip"] == "missing"
    assert out["health"][0]["h_completeness"] == 0.5  # type: ignore[index]


def test_throughput_json_and_csv(db: Path) -> None:
    out = _json(["chain", "throughput", "-d", "toy", "--db", str(db), "-f", "json"])
    assert out["units_per_day"] == 75.0 and out["takt_seconds"] == 1152.0  # type: ignore[index]
    res = runner.invoke(app, ["chain", "throughput", "-d", "toy", "--db", str(db), "-f", "csv"])
    assert res.exit_code == 0 and res.stdout.splitlines()[0].startswith("segment,")
    # the toy chain has no final demand and one final segment: the mix is cars alone, by capacity
    assert out["weights_from"] == "capacity"  # type: ignore[index]
    assert out["mix"] == [{"segment": "car", "weight": 1.0,  # type: ignore[index]
                           "units_per_day": 75.0}]
    packs = _json(["chain", "throughput", "-d", "toy", "--db", str(db), "--mix", "pack=1",
                   "-f", "json"])
    assert packs["weights_from"] == "given" and packs["units_per_day"] == 90.0  # type: ignore[index]
    table = runner.invoke(app, ["chain", "throughput", "-d", "toy", "--db", str(db)])
    assert table.exit_code == 0 and "product mix" in table.output and "binds: chip" in table.output
    bad = runner.invoke(app, ["chain", "throughput", "-d", "toy", "--db", str(db),
                              "--mix", "pack"])
    assert bad.exit_code == 1 and "SEGMENT=WEIGHT" in bad.output


def test_chokepoints_and_tiers(db: Path) -> None:
    out = _json(["chain", "chokepoints", "-d", "toy", "--db", str(db), "--target", "A1",
                 "-f", "json"])
    ids = [c["id"] for c in out["chokepoints"]]  # type: ignore[index]
    assert "P1" in ids and "X1" in ids
    res = runner.invoke(app, ["chain", "tiers", "-d", "toy", "--db", str(db), "--firm", "A1",
                              "--depth", "2", "-f", "csv"])
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0] == "tier,firm,name,region,region_name,segment,supplies,customers"
    assert len(res.stdout.splitlines()) == 5


def test_errors_exit_1(db: Path) -> None:
    res = runner.invoke(app, ["chain", "tiers", "-d", "toy", "--db", str(db), "--firm", "ZZ"])
    assert res.exit_code == 1 and "ZZ" in res.output
    res = runner.invoke(app, ["chain", "map", "-d", "toy", "--db", str(db), "--within-hours", "3"])
    assert res.exit_code == 1 and "--of" in res.output


def test_table_format_runs(db: Path) -> None:
    for cmd in (["map"], ["throughput"], ["chokepoints", "-n", "3"]):
        res = runner.invoke(app, ["chain", *cmd, "-d", "toy", "--db", str(db)])
        assert res.exit_code == 0, res.output


@pytest.mark.realdata
def test_import_willems_command(shared_data: Path, db_path: Path) -> None:
    f = shared_data / "supply_chains" / "willems_01.csv"
    res = runner.invoke(app, ["chain", "import-willems", str(f), "-d", "w", "--db", str(db_path),
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["table"]: r["rows"] for r in json.loads(res.stdout)}
    assert rows["firms"] == 8 and rows["supply_links"] == 10
    out = _json(["chain", "tiers", "-d", "w", "--db", str(db_path), "--firm", "Retail_0001",
                 "-f", "json"])
    assert {r["firm"] for r in out if r["tier"] == 1} == {"Manuf_0001"}  # type: ignore[union-attr,index]
