"""Willems (2008) chain files: reading, mapping onto the tables, import through the store."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chainatlas.exceptions import ValidationError
from chainatlas.model.dataset import Dataset
from chainatlas.network.graph import FirmGraph
from chainatlas.readers.willems import read_willems, read_willems_stages

HEADER = ("stage_id,lead_time,max_s_time,cost_rate,risk_pool,ext_demand_mean,ext_demand_std,"
          "ext_demand_thres,up_stages\n")


def _write(tmp_path: Path, body: str, name: str = "chain_01.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_tiny_file_maps_to_tables(tmp_path: Path) -> None:
    p = _write(tmp_path, "Manuf_0001,10,,39,2,,,,Part_0001,2,Part_0002,1\n"
                         "Part_0001,28,,12,2,,,\n"
                         "Part_0002,15,,5,2,,,\n"
                         "Retail_0001,2,2,1.5,,100,40,1.645,Manuf_0001,1\n")
    t = read_willems(p)
    assert t["chains"]["id"].tolist() == ["chain_01"]
    seg = t["segments"].set_index("id")
    assert seg.loc["Part_0001", "stage"] == "upstream"
    assert seg.loc["Manuf_0001", "stage"] == "midstream"
    assert seg.loc["Retail_0001", "stage"] == "downstream"
    bom = {(r.segment, r.input_segment): r.quantity for r in t["segment_inputs"].itertuples()}
    assert bom == {("Manuf_0001", "Part_0001"): 2.0, ("Manuf_0001", "Part_0002"): 1.0,
                   ("Retail_0001", "Manuf_0001"): 1.0}
    links = t["supply_links"].set_index("supplier")
    assert links.loc["Part_0001", "customer"] == "Manuf_0001"
    assert links.loc["Part_0001", "lead_time_days"] == 28.0  # the supplier stage's lead time
    stages, arcs = read_willems_stages(p)
    assert stages.set_index("stage_id").loc["Retail_0001", "ext_demand_mean"] == 100.0
    assert len(arcs) == 3
    pre = read_willems(p, prefix="c1.", chain="c1")
    assert pre["firms"]["id"].tolist()[0] == "c1.Manuf_0001"
    assert set(pre["supply_links"]["segment"]) <= set(pre["segments"]["id"])


@pytest.mark.parametrize("body, where, row", [
    ("Manuf_0001,10,,39,2,,,,Part_0009,1\n", "unknown up stage", 2),
    ("Manuf_0001,ten,,39,2,,,\n", "not a number", 2),
    ("Manuf_0001,10,,39,2,,,,Part_0001\nPart_0001,1,,1,2,,,\n", "pairs", 2),
    ("Part_0001,1,,1,2,,,\nPart_0001,1,,1,2,,,\n", "duplicate", 3),
])
def test_bad_files_name_row_and_column(tmp_path: Path, body: str, where: str, row: int) -> None:
    with pytest.raises(ValidationError) as err:
        read_willems(_write(tmp_path, body))
    assert where in str(err.value) and f"row {row}" in str(err.value)


def test_a_chain_of_one_stage_without_links(tmp_path: Path) -> None:
    t = read_willems(_write(tmp_path, "Retail_0001,2,2,1.5,,100,40,1.645\n"))
    assert t["segments"]["id"].tolist() == ["Retail_0001"]
    assert t["supply_links"].empty and t["segment_inputs"].empty
    fs = t["firm_segments"].set_index("firm")
    assert fs.loc["Retail_0001", "output_value"] == 365.0 * 100 * 1.5


def test_a_file_without_stages_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no stages") as err:
        read_willems(_write(tmp_path, "\n"))
    assert "chain_01.csv" in str(err.value)


def test_not_a_willems_file(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="not a Willems"):
        read_willems(p)


@pytest.mark.realdata
def test_every_shared_chain_reads_whole(shared_data: Path) -> None:
    folder = shared_data / "supply_chains"
    files = sorted(folder.glob("willems_*.csv"))
    assert len(files) >= 8
    for f in files:
        with f.open(encoding="utf-8") as fh:
            rows = [r for r in csv.reader(fh)][1:]
        pairs = sum(len([c for c in r[8:] if c.strip()]) // 2 for r in rows)
        t = read_willems(f)
        assert len(t["firms"]) == len(rows), f.name
        assert len(t["supply_links"]) == pairs, f.name
        assert t["chains"]["name"].iloc[0] != f.stem  # industry name from index.csv
        g = FirmGraph.from_dataset(Dataset(f.stem, t))
        assert g.n_edges == pairs and (g.edge_segment >= 0).all()


@pytest.mark.realdata
def test_import_through_the_store(shared_data: Path, db_path: Path) -> None:
    from chainatlas.services.chain import import_willems, map_chain, top_chokepoints
    from chainatlas.services.datasets import load_dataset

    f5 = shared_data / "supply_chains" / "willems_05.csv"
    f2 = shared_data / "supply_chains" / "willems_02.csv"
    import_willems(db_path, "w", f5)
    import_willems(db_path, "w", f2, prefix="w02.")
    ds = load_dataset(db_path, "w")
    assert len(ds.firms) == 27 + 13 and len(ds.chains) == 2
    cp = top_chokepoints(db_path, "w", "Retail_0003")
    # Retail_0003 buys only from Manuf_0003, which needs Dist_0001 ← Manuf_0001 ← parts
    firms = set(cp.table.loc[cp.table["kind"] == "firm", "id"])
    assert {"Manuf_0003", "Dist_0001", "Manuf_0001", "Part_0008"} <= firms
    assert (cp.table.loc[cp.table["kind"] == "firm", "share"] == 1.0).all()
    cm = map_chain(db_path, "w", chain="willems_05")
    # anonymised: every firm's location is unknown (000000), which is never local or domestic,
    # so no segment can be "strong" and the whole supply is of unknown location
    assert len(cm.segments) == 27 and "strong" not in set(cm.segments["status"])
    assert cm.area["firms_local"] == 0 and (cm.segments["unknown_share"] == 1.0).all()


@pytest.mark.realdata
def test_import_willems_command(shared_data: Path, db_path: Path) -> None:
    from typer.testing import CliRunner

    from chainatlas.cli.main import app
    from chainatlas.services.datasets import load_dataset

    path = shared_data / "supply_chains" / "willems_03.csv"
    result = CliRunner().invoke(app, ["import", "willems", str(path), "--dataset", "w3",
                                      "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    stages, _ = read_willems_stages(path)
    ds = load_dataset(db_path, "w3")
    assert len(ds.firms) == len(stages) == 17
    bad = CliRunner().invoke(app, ["import", "willems", str(path.with_name("nope.csv")),
                                   "--dataset", "w3", "--db", str(db_path)])
    assert bad.exit_code == 1
