"""Link values derived from capacities, outputs and the bill of materials where data has none."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.exceptions import ModelError
from chainatlas.model.dataset import Dataset
from chainatlas.network.flows import derive_link_values, with_link_values
from chainatlas.services.datasets import import_frames
from chainatlas.services.stress import network_and_notes

runner = CliRunner()


def _unvalued() -> dict[str, pd.DataFrame]:
    """Parts (P1, P2) → sub-assembly (S1) → product (M1); no link has a value.

    BOM: a sub-assembly takes 2 parts (40 % of its unit cost); a product takes 3 sub-assemblies
    and 1 part (no cost shares).  P1: 100 parts/day at unit cost 5, no output value; P2: 300
    parts/day, output value 438,000/yr; S1: 50/day, output value 365,000/yr; M1: 10/day only.
    """
    return {
        "chains": pd.DataFrame({"id": ["c"], "name": ["链"]}),
        "segments": pd.DataFrame({"id": ["part", "sub", "prod", "paint"], "chain": "c",
                                  "name": ["零件", "部件", "产品", "涂料"],
                                  "stage": ["upstream", "midstream", "downstream", "upstream"]}),
        "segment_inputs": pd.DataFrame({"segment": ["sub", "prod", "prod"],
                                        "input_segment": ["part", "sub", "part"],
                                        "quantity": [2.0, 3.0, 1.0],
                                        "share": [0.4, np.nan, np.nan]}),
        "firms": pd.DataFrame({"id": ["P1", "P2", "S1", "M1", "X1"],
                               "name": ["甲", "乙", "丙", "丁", "戊"], "region": "310000"}),
        "firm_segments": pd.DataFrame({
            "firm": ["P1", "P2", "S1", "M1", "X1"],
            "segment": ["part", "part", "sub", "prod", "paint"],
            "capacity": [100.0, 300.0, 50.0, 10.0, np.nan],
            "output_value": [np.nan, 438_000.0, 365_000.0, np.nan, np.nan],
            "unit_cost": [5.0, np.nan, np.nan, np.nan, np.nan]}),
        "supply_links": pd.DataFrame({
            "supplier": ["P1", "P2", "S1", "P2", "X1"],
            "customer": ["S1", "S1", "M1", "M1", "M1"],
            "segment": ["part", "part", "sub", "part", "paint"],
            "share": [np.nan, np.nan, np.nan, 1.0, np.nan]}),
    }


# Expected values, by hand (per year):
#  P1 output value: 365 × 100 × 5 = 182,500.
#  S1 buys parts by cost share: 0.4 × 365,000 = 146,000, split by supplier capacity 100 : 300
#    ⇒ P1→S1 36,500, P2→S1 109,500.
#  M1 buys 3 × 10 = 30 sub-assemblies/day at S1's price 365,000 / (365 × 50) = 20
#    ⇒ S1→M1 365 × 30 × 20 = 219,000.
#  M1 buys 1 × 10 = 10 parts/day from P2 (link share 1) at 438,000 / (365 × 300) = 4
#    ⇒ P2→M1 365 × 10 × 4 = 14,600.
#  X1→M1 (paint): no BOM row for the product and paint ⇒ no value.
EXPECTED = [36_500.0, 109_500.0, 219_000.0, 14_600.0, np.nan]


def test_derived_values_by_hand() -> None:
    ds = Dataset("t", _unvalued())
    links, fs, notes = derive_link_values(ds)
    np.testing.assert_allclose(links["value"].to_numpy(), EXPECTED, rtol=1e-12)
    assert fs.loc[fs["firm"] == "P1", "output_value"].item() == pytest.approx(182_500.0)
    assert any(n.startswith("1 firm segment row(s) had no output value") for n in notes)
    text = next(n for n in notes if "supply link(s) had no value" in n)
    assert text.startswith("5 supply link(s) had no value")
    assert "2 from BOM cost shares" in text and "2 from BOM quantities" in text
    assert "1 still have no value" in text


def test_known_values_kept_and_equal_split() -> None:
    frames = _unvalued()
    frames["supply_links"]["value"] = [1000.0, np.nan, np.nan, np.nan, np.nan]
    frames["firm_segments"]["capacity"] = [np.nan, 300.0, 50.0, 10.0, np.nan]  # P1's unknown
    links, _, _ = derive_link_values(Dataset("t", frames))
    # P1→S1 keeps 1,000; P2→S1: capacities not all known ⇒ equal split 146,000 / 2
    assert links["value"].iloc[0] == 1000.0
    assert links["value"].iloc[1] == pytest.approx(73_000.0)


def test_nothing_missing_is_left_alone() -> None:
    frames = _unvalued()
    frames["supply_links"]["value"] = 1.0
    frames["firm_segments"]["output_value"] = 1.0
    ds = Dataset("t", frames)
    same, notes = with_link_values(ds)
    assert same is ds and notes == []


def test_stress_network_uses_derived_values_and_says_so() -> None:
    net, notes = network_and_notes(Dataset("t", _unvalued()))
    assert net.n_links == 4  # the paint link keeps no value and drops out
    assert sorted(np.round(net.A * 365, 6)) == sorted(EXPECTED[:4])
    assert any("supply link(s) had no value" in n for n in notes)
    bare = _unvalued()
    bare["firm_segments"] = bare["firm_segments"].assign(capacity=np.nan, output_value=np.nan,
                                                         unit_cost=np.nan)
    with pytest.raises(ModelError, match="derive it from"):
        network_and_notes(Dataset("t", bare))


def test_stress_run_from_the_cli_on_unvalued_links(db_path: Path, tmp_path: Path) -> None:
    import_frames(db_path, "u", _unvalued())
    sc = tmp_path / "s.json"
    sc.write_text(json.dumps({"horizon_days": 20, "shocks": [{"firm": "P2",
                                                              "duration_days": 5}]}), "utf-8")
    res = runner.invoke(app, ["stress", "run", str(sc), "-d", "u", "--db", str(db_path),
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["total_output_loss"] > 0
    assert any("supply link(s) had no value" in n for n in data["notes"])
    assert "note: 5 supply link(s) had no value" in res.stderr
    tts = runner.invoke(app, ["stress", "tts", "-d", "u", "--db", str(db_path), "-f", "json"])
    assert tts.exit_code == 0, tts.output
    assert "note: 5 supply link(s) had no value" in tts.stderr


def test_systemic_risk_derives_values_instead_of_refusing() -> None:
    from chainatlas.services.risk import risk_input_of

    ri = risk_input_of(Dataset("t", _unvalued()))
    assert any("supply link(s) had no value" in n for n in ri.notes)
    # the ESRI network carries the hand-derived values (the paint link has none and drops):
    # out-strengths P1 36,500, P2 109,500 + 14,600, S1 219,000
    assert ri.net.n_links == 4
    np.testing.assert_allclose(ri.net.s_out, [36_500.0, 124_100.0, 219_000.0, 0.0, 0.0])
