"""`chainatlas io` commands and the IO service (files, stored tables, demo section)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.services import io as io_service

MB_CSV = """sector,agr,man,households,total_output
agr,150,500,350,1000
man,200,100,1700,2000
value_added,650,1400,,
"""

runner = CliRunner()


@pytest.fixture()
def mb_table(tmp_path: Path) -> Path:
    p = tmp_path / "mb.csv"
    p.write_text(MB_CSV, encoding="utf-8")
    return p


def _json(args: list[str]) -> dict:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_analyze_json_keys_and_values(mb_table):
    out = _json(["io", "analyze", "--table", str(mb_table), "--layout", "simple",
                 "--format", "json"])
    assert out["sectors"] == ["agr", "man"]
    np.testing.assert_allclose(out["output_multipliers"], [1.518152, 1.452145], atol=5e-7)
    np.testing.assert_allclose(out["backward_linkage"], [1.022222, 0.977778], atol=5e-7)
    np.testing.assert_allclose(out["forward_linkage"], [1.208333, 0.791667], atol=5e-7)
    assert out["key_sectors"] == ["agr"]
    np.testing.assert_allclose(out["hem"]["total"], [1210.5263, 2588.2353], atol=5e-5)
    np.testing.assert_allclose(out["hem"]["backward"], [413.1579, 805.8824], atol=5e-5)
    np.testing.assert_allclose(out["hem"]["forward"], [728.9474, 452.9412], atol=5e-5)


def test_shock_models(mb_table, tmp_path):
    shock = tmp_path / "shock.csv"
    shock.write_text("sector,value\nagr,35\n", encoding="utf-8")
    base = ["io", "shock", "--table", str(mb_table), "--shock", str(shock), "--format", "json"]
    iim = _json([*base, "--model", "iim"])
    q = [r["inoperability"] for r in iim["sectors"]]
    np.testing.assert_allclose(q, [0.043894, 0.004620], atol=5e-7)
    leo = _json([*base, "--model", "leontief"])
    assert leo["total"] == pytest.approx(35 * 1.518152, rel=1e-6)
    gho = _json([*base, "--model", "ghosh"])
    np.testing.assert_allclose([r["delta_x"] for r in gho["sectors"]],
                               [35 * 1.254125, 35 * 0.660066], atol=1e-4)
    shock.write_text("sector,value\nman,1800\n", encoding="utf-8")
    mixed = _json([*base, "--model", "mixed"])
    assert mixed["sectors"][1]["delta_x"] == pytest.approx(-200.0)
    shock.write_text("sector,value\nagr,0.1\n", encoding="utf-8")
    di = _json([*base, "--model", "diim", "--steps", "30", "--recovery-days", "60"])
    assert di["sectors"][0]["q_end"] < 0.1 and len(di["loss_per_step"]) == 31
    shock.write_text("sector,value\nagr,100\n", encoding="utf-8")
    ario = _json([*base, "--model", "ario", "--steps", "40", "--duration", "3", "--recovery-tau", "20"])
    assert ario["steps"] == 40 and ario["total_production_loss"] > 0


def test_shock_errors(mb_table, tmp_path):
    shock = tmp_path / "shock.csv"
    shock.write_text("sector,value\nsteel,35\n", encoding="utf-8")
    res = runner.invoke(app, ["io", "shock", "--table", str(mb_table), "--shock", str(shock),
                              "--model", "leontief"])
    assert res.exit_code == 1
    with pytest.raises(InputError, match="row 2: unknown sector 'steel'"):
        io_service.read_shock_csv(shock, io_service.load_io_table(mb_table))


def test_demo_table_is_default_and_demo_section_runs():
    out = _json(["io", "analyze", "--format", "json", "--no-hem"])
    assert len(out["sectors"]) == 12 and "hem" not in out
    sections = io_service.demo_section(None)  # type: ignore[arg-type]
    assert [t for t, _ in sections][0].startswith("IO · key sectors")
    key = sections[0][1]
    assert set(key["key_class"]) <= {"key", "backward", "forward", "weak"}
    assert (key["key_class"] == "key").any()


def test_store_and_analyze_from_dataset(mb_table, db_path):
    res = runner.invoke(app, ["io", "store", "--table", str(mb_table), "--dataset", "demo-io",
                              "--table-name", "mb", "--db", str(db_path), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = _json(["io", "analyze", "--db", str(db_path), "--dataset", "demo-io",
                 "--table-name", "mb", "--format", "json"])
    np.testing.assert_allclose(out["hem"]["total"], [1210.5263, 2588.2353], atol=5e-5)
    with pytest.raises(DataNotFound, match="stored IO tables: \\['mb'\\]"):
        io_service.load_stored_table(db_path, "demo-io", "other")


def test_unknown_layout():
    with pytest.raises(InputError, match="unknown IO layout"):
        io_service.load_io_table("x.csv", "xlsx-magic")


def test_analyze_after_aggregation(tmp_path):
    table = tmp_path / "three.csv"
    table.write_text("sector,a,b,c,fd\na,10,20,5,65\nb,20,5,40,135\nc,30,25,5,90\n"
                     "va,40,150,100,\n", encoding="utf-8")
    conc = tmp_path / "conc.csv"
    conc.write_text("sector,group\na,ab\nb,ab\nc,c\n", encoding="utf-8")
    out = _json(["io", "analyze", "--table", str(table), "--aggregate", str(conc),
                 "--format", "json"])
    assert out["sectors"] == ["ab", "c"]
    # the aggregated 2-sector table: Z = [[55, 45], [55, 5]], x = [300, 150]
    A = np.array([[55 / 300, 45 / 150], [55 / 300, 5 / 150]])
    np.testing.assert_allclose(out["output_multipliers"],
                               np.linalg.inv(np.eye(2) - A).sum(axis=0), rtol=1e-12)
    conc.write_text("sector,group\na,ab\n", encoding="utf-8")
    res = runner.invoke(app, ["io", "analyze", "--table", str(table), "--aggregate", str(conc)])
    assert res.exit_code == 1


def test_satellite_multipliers_in_analysis():
    import pymrio

    from chainatlas.readers.io_pymrio import table_from_pymrio

    res = io_service.analyze(table_from_pymrio(pymrio.load_test()), extraction=False)
    (label, values), = res["satellite_multipliers"].items()
    assert label == "Value Added" and len(values) == 48


def test_docs_list_every_option():
    """docs/io.md names every option of every `io` command, so the docs cannot drift."""
    import typer

    from chainatlas.cli import io as io_cli

    docs = (Path(__file__).resolve().parents[1] / "docs" / "io.md").read_text(encoding="utf-8")
    group = typer.main.get_command(io_cli.app)
    commands = group.commands  # type: ignore[attr-defined]
    assert set(commands) == {"analyze", "shock", "store"}
    for name, cmd in commands.items():
        assert f"`io {name}`" in docs, name
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in docs or f"/{opt}`" in docs, (name, opt)
