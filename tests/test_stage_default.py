"""`segments.stage` is optional: a documented default from the depth in the bill of materials."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.model.dataset import Dataset
from chainatlas.model.stages import bom_stages

runner = CliRunner()


def _bom(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"segment": [b for _, b in pairs], "input_segment": [a for a, _ in pairs]})


def test_stages_by_hand() -> None:
    # a → b → c → d: depth 0,1,2,3, height 3,2,1,0 ⇒ p = 0, 1/3, 2/3, 1
    ids = pd.Series(["a", "b", "c", "d", "lone"])
    got = bom_stages(ids, _bom([("a", "b"), ("b", "c"), ("c", "d")])).tolist()
    assert got == ["upstream", "midstream", "midstream", "downstream", "midstream"]
    # two levels: ore → metal, ore → part → car, metal → car: ore d0, metal d1 h1, part d1 h1,
    # car d2 ⇒ upstream, midstream, midstream, downstream
    ids = pd.Series(["car", "part", "metal", "ore"])
    got = bom_stages(ids, _bom([("ore", "metal"), ("ore", "part"), ("part", "car"),
                                ("metal", "car")])).tolist()
    assert got == ["downstream", "midstream", "midstream", "upstream"]
    # five levels: p = 0, .25, .5, .75, 1
    ids = pd.Series(list("abcde"))
    got = bom_stages(ids, _bom([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])).tolist()
    assert got == ["upstream", "upstream", "midstream", "downstream", "downstream"]


def test_given_stages_win_and_empty_ones_are_derived() -> None:
    seg = pd.DataFrame({"id": ["x", "y", "z"], "chain": "c", "name": ["x", "y", "z"],
                        "stage": ["downstream", None, None]})
    ds = Dataset("t", {"segments": seg, "segment_inputs": _bom([("x", "y"), ("y", "z")])})
    assert ds.segments["stage"].tolist() == ["downstream", "midstream", "downstream"]
    assert ds.meta["stages_derived"] == 2
    assert seg["stage"].isna().sum() == 2  # the table itself is untouched


def test_import_segments_without_a_stage_column(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "chain"
    folder.mkdir()
    (folder / "chains.csv").write_text("id,name\nc,电池链\n", encoding="utf-8")
    (folder / "segments.csv").write_text(
        "id,chain,name\nore,c,矿\ncell,c,电芯\npack,c,电池包\n", encoding="utf-8")
    (folder / "segment_inputs.csv").write_text(
        "segment,input_segment,quantity\ncell,ore,2\npack,cell,4\n", encoding="utf-8")
    (folder / "firms.csv").write_text(
        "id,name,region\nF1,矿企,340881\nF2,电芯企,340881\nF3,电池包企,320100\n",
        encoding="utf-8")
    (folder / "firm_segments.csv").write_text(
        "firm,segment,capacity\nF1,ore,100\nF2,cell,40\nF3,pack,8\n", encoding="utf-8")
    (folder / "supply_links.csv").write_text(
        "supplier,customer,segment\nF1,F2,ore\nF2,F3,cell\n", encoding="utf-8")
    res = runner.invoke(app, ["import", "all", str(folder), "-d", "b", "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["chain", "map", "-d", "b", "--db", str(db_path), "-f", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    stages = {s["segment"]: s["stage"] for s in out["segments"]}
    assert stages == {"ore": "upstream", "cell": "midstream", "pack": "downstream"}
    assert any("3 segment(s) have no stage" in n for n in out["notes"])
    assert "note: 3 segment(s) have no stage" in res.stderr
    tp = runner.invoke(app, ["chain", "throughput", "-d", "b", "--db", str(db_path), "-f", "json"])
    assert tp.exit_code == 0, tp.output
    assert json.loads(tp.stdout)["units_per_day"] == 8.0  # packs 8 ≤ cells 40 / 4 ≤ ore 100 / 8
