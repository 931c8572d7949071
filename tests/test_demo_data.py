"""The built-in demo datasets: counts, the data model's constraints, the seed's facts."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from chainatlas.datasets import DEMOS, demo_meta, list_demos, load_demo
from chainatlas.exceptions import DataNotFound
from chainatlas.model.tables import TABLES

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "chainatlas" / "datasets" / "data"
FOREIGN = {"JPN", "KOR", "DEU", "USA", "NLD", "AUS", "CHL"}


@pytest.fixture(scope="module")
def yrd() -> dict[str, pd.DataFrame]:
    return load_demo("yrd-nev").tables


@pytest.fixture(scope="module")
def gd() -> dict[str, pd.DataFrame]:
    return load_demo("gd-clusters").tables


# ----------------------------------------------------------------------------- the data model
@pytest.mark.parametrize("name", DEMOS)
def test_tables_satisfy_their_specs(name: str) -> None:
    tables = load_demo(name).tables
    for table, frame in tables.items():
        spec = TABLES[table]
        assert list(frame.columns) == spec.column_names
        if spec.key:
            assert not frame.duplicated(list(spec.key)).any(), f"duplicate key in {table}"
            assert frame[list(spec.key)].notna().all().all(), f"empty key cell in {table}"
        for col in spec.columns:
            s = frame[col.name]
            if not col.nullable:
                assert s.notna().all(), f"{table}.{col.name} has empty cells"
            if col.choices:
                assert set(s.dropna()) <= set(col.choices), f"{table}.{col.name}"
            if col.minimum is not None:
                assert (s.dropna() >= col.minimum).all(), f"{table}.{col.name} < min"
            if col.maximum is not None:
                assert (s.dropna() <= col.maximum).all(), f"{table}.{col.name} > max"
        for fk in spec.foreign_keys:
            if fk.ref_table not in tables:
                continue
            ref = set(map(tuple, tables[fk.ref_table][list(fk.ref_columns)].to_numpy()))
            own = frame[list(fk.columns)].dropna()
            missing = {k for k in map(tuple, own.to_numpy()) if k not in ref}
            assert not missing, f"{table}{fk.columns} → {fk.ref_table}: {sorted(missing)[:5]}"


def test_counts_meet_the_brief(yrd: dict[str, pd.DataFrame]) -> None:
    assert len(yrd["segments"]) >= 40
    assert len(yrd["firms"]) >= 150
    assert len(yrd["supply_links"]) >= 600
    assert len(yrd["innovation_assets"]) >= 100
    assert len(yrd["tech_needs"]) >= 20
    assert set(yrd["innovation_assets"]["kind"]) == {"patent", "paper", "project", "lab"}


def test_meta_matches_files() -> None:
    for entry in list_demos():
        tables = load_demo(entry["name"]).tables
        assert entry["tables"] == {t: len(f) for t, f in tables.items()}
    assert "illustrative" in demo_meta("yrd-nev")["note"].lower()


def test_unknown_demo_raises_data_not_found() -> None:
    with pytest.raises(DataNotFound, match="yrd-nev"):
        load_demo("nope")


def test_load_demo_returns_independent_copies() -> None:
    a = load_demo("yrd-nev")
    a.firms.loc[0, "name"] = "changed"
    a.firms.loc[0, "tags"].append("x")
    b = load_demo("yrd-nev")
    assert b.firms.loc[0, "name"] != "changed"
    assert "x" not in b.firms.loc[0, "tags"]


def test_segment_tree_and_bom_are_acyclic(yrd: dict[str, pd.DataFrame]) -> None:
    seg = yrd["segments"]
    tree = nx.DiGraph()
    tree.add_edges_from((p, c) for c, p in zip(seg["id"], seg["parent"], strict=True)
                        if p is not pd.NA)
    assert nx.is_tree(tree.to_undirected()) and nx.is_directed_acyclic_graph(tree)
    assert (seg["parent"].isna()).sum() == 1
    bom = nx.DiGraph()
    si = yrd["segment_inputs"]
    bom.add_edges_from(zip(si["input_segment"], si["segment"], strict=True))
    assert nx.is_directed_acyclic_graph(bom)
    for path in (["lithium_ore", "lithium_carbonate", "cathode", "cells", "pack", "vehicle"],
                 ["mcu", "ecu"], ["mcu", "bms"], ["soc", "domain_ctrl"]):
        assert all(bom.has_edge(a, b) for a, b in zip(path, path[1:], strict=False)), path
    shares = si.groupby("segment")["share"].sum()
    assert (shares <= 1.0 + 1e-9).all()
    keys = set(seg.loc[seg["key_technology"].astype(bool), "id"])
    assert {"mcu", "soc", "power_semi", "lidar"} <= keys


# ----------------------------------------------------------------------------- the seed's facts
def _units_per_vehicle(yrd: dict[str, pd.DataFrame]) -> pd.Series:
    """r = (I - Q)^-1 e_vehicle, Q[a, b] = units of a per unit of b (solved, not inverted)."""
    ids = list(yrd["segments"]["id"])
    pos = {s: k for k, s in enumerate(ids)}
    q = np.zeros((len(ids), len(ids)))
    for r in yrd["segment_inputs"].itertuples():
        q[pos[r.input_segment], pos[r.segment]] = r.quantity
    e = np.zeros(len(ids))
    e[pos["vehicle"]] = 1.0
    return pd.Series(np.linalg.solve(np.eye(len(ids)) - q, e), index=ids)


def test_assembly_capacity_and_takt_match_the_seed(yrd: dict[str, pd.DataFrame]) -> None:
    fs = yrd["firm_segments"]
    cap = fs.groupby("segment")["capacity"].sum()
    firms = yrd["firms"].set_index("id")
    yrd_provinces = {"310000", "320000", "330000", "340000"}
    in_yrd = fs["firm"].map(firms["region"]).str[:2].add("0000").isin(yrd_provinces)
    assembly = fs[(fs["segment"] == "vehicle") & in_yrd]["capacity"].sum()
    assert assembly > 8640  # more than one vehicle every 10 s
    need = _units_per_vehicle(yrd)
    need = need[need > 0]
    vehicles = cap.reindex(need.index) / need
    assert vehicles.idxmin() == "soc"  # the deliberate binding segment
    assert 8640 < vehicles.min() < assembly  # binding somewhere, still under 10 s a vehicle
    assert 86400 / vehicles.min() < 10


def test_seed_cities_have_their_roles(yrd: dict[str, pd.DataFrame]) -> None:
    fs = yrd["firm_segments"].merge(yrd["firms"][["id", "region"]], left_on="firm", right_on="id")
    roles = {"310000": {"vehicle_design", "mcu", "os_software"}, "340881": {"cells", "pack"},
             "320100": {"vehicle"}, "330784": {"software_testing"}}
    for region, segs in roles.items():
        assert segs <= set(fs.loc[fs["region"] == region, "segment"]), region
    # Tongcheng's packs reach Nanjing's assembly lines (the seed's 4-hour circle)
    links = yrd["supply_links"]
    region = yrd["firms"].set_index("id")["region"]
    tc_nj = links[(links["supplier"].map(region) == "340881")
                  & (links["customer"].map(region) == "320100")]
    assert "pack" in set(tc_nj["segment"])
    regions = set(yrd["regions"]["code"])
    assert {"310000", "320000", "330000", "340000", "350900", "440300"} | {"JPN", "KOR", "DEU",
                                                                          "USA", "NLD"} <= regions


def test_deliberate_weaknesses_are_present(yrd: dict[str, pd.DataFrame]) -> None:
    fs = yrd["firm_segments"].merge(yrd["firms"][["id", "region", "ownership"]],
                                    left_on="firm", right_on="id")
    soc = fs[fs["segment"] == "soc"]
    assert len(soc) == 1 and soc["ownership"].iloc[0] == "foreign"
    assert set(fs.loc[fs["segment"] == "lidar", "region"]) == {"310000"}
    links = yrd["supply_links"]
    region = yrd["firms"].set_index("id")["region"]
    nj_buys = set(links.loc[links["customer"].map(region) == "320100", "segment"])
    nj_makes = set(fs.loc[fs["region"] == "320100", "segment"])
    assert {"pack", "domain_ctrl", "thermal"} <= nj_buys - nj_makes


def test_links_are_consistent(yrd: dict[str, pd.DataFrame]) -> None:
    links, fs = yrd["supply_links"], yrd["firm_segments"]
    makes = set(zip(fs["firm"], fs["segment"], strict=True))
    assert all(k in makes for k in zip(links["supplier"], links["segment"], strict=True))
    bom = set(zip(yrd["segment_inputs"]["segment"], yrd["segment_inputs"]["input_segment"],
                  strict=True))
    cust_segs = fs.groupby("firm")["segment"].apply(set)
    assert all(any((c, s) in bom for c in cust_segs[cu])
               for cu, s in zip(links["customer"], links["segment"], strict=True))
    sums = links.groupby(["customer", "segment"])["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=2e-3)
    region = yrd["firms"].set_index("id")["region"]
    foreign = links["supplier"].map(region).isin(FOREIGN)
    assert links.loc[foreign, "lead_time_days"].min() >= 20
    assert links.loc[~foreign & ~links["customer"].map(region).isin(FOREIGN),
                     "lead_time_days"].max() <= 5


def test_demo_links_are_observed(yrd: dict[str, pd.DataFrame]) -> None:
    # the file leaves member and probability empty: observed links, member 0, no probability
    links = yrd["supply_links"]
    assert links["member"].dtype == "Int64" and links["member"].notna().all()
    assert (links["member"] == 0).all()
    assert links["probability"].isna().all()
    assert not load_demo("yrd-nev").is_reconstructed


def test_firms_are_marked_illustrative(yrd: dict[str, pd.DataFrame]) -> None:
    firms = yrd["firms"]
    assert firms["name"].str.startswith("示例·").all()
    assert firms["name"].is_unique
    tags = {t for ts in firms["tags"] for t in ts}
    assert {"链主", "专精特新", "高新", "上市", "规上"} <= tags


def test_every_need_has_several_answering_assets(yrd: dict[str, pd.DataFrame]) -> None:
    labels = pd.read_csv(DATA / "yrd-nev" / "extra" / "need_asset_topics.csv")
    per_need = labels.groupby("need")["asset"].nunique()
    assert set(per_need.index) == set(yrd["tech_needs"]["id"])
    assert per_need.min() >= 3
    assert set(labels["asset"]) == set(yrd["innovation_assets"]["id"])
    owners = set(yrd["innovation_assets"]["region"])
    assert {"340100", "310000", "320100", "330100"} <= owners


# ----------------------------------------------------------------------------- indicators
def test_indicator_panel_covers_yrd_and_guangdong(yrd: dict[str, pd.DataFrame]) -> None:
    ind, defs = yrd["indicators"], yrd["indicator_defs"]
    assert set(ind["region"]) == {"310000", "320000", "330000", "340000", "440000"}
    assert ind["year"].nunique() >= 5
    assert set(defs["subsystem"]) == {"创新链", "产业链", "资金链", "人才链"}
    assert "-" in set(defs["direction"])
    illustrative = defs.loc[defs["source"].str.contains("示例"), "indicator"]
    assert set(illustrative) == {"nev_output_illustrative"}


@pytest.mark.realdata
def test_indicator_panel_matches_the_yearbook(shared_data: Path,
                                              yrd: dict[str, pd.DataFrame]) -> None:
    ind = yrd["indicators"].set_index(["region", "year", "indicator"])["value"]
    raw = pd.read_csv(shared_data / "province_stats" / "RDIntense.csv")
    row = raw[(raw["province"] == "上海") & (raw["year"] == 2022)
              & (raw["variables"] == "v4_ztr_qd_RD")]
    assert ind[("310000", 2022, "rd_intensity")] == pytest.approx(float(row["value"].iloc[0]))
    raw = pd.read_csv(shared_data / "province_stats" / "IndustryOperation.csv")
    row = raw[(raw["province"] == "广东") & (raw["year"] == 2020)
              & (raw["variables"] == "v4_cy_scjy_zyyw")]
    assert ind[("440000", 2020, "hitech_revenue")] == pytest.approx(float(row["value"].iloc[0]))


@pytest.mark.realdata
def test_build_script_reproduces_the_packaged_files(shared_data: Path, tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_demo_data.py"),
                    "--shared-data", str(shared_data), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for name in DEMOS:
        for path in [*sorted((DATA / name).rglob("*.csv")), DATA / name / "meta.json"]:
            rel = path.relative_to(DATA)
            assert filecmp.cmp(path, tmp_path / rel, shallow=False), rel


# ----------------------------------------------------------------------------- gd-clusters
def test_gd_clusters_reproduce_the_seed(gd: dict[str, pd.DataFrame]) -> None:
    ind = gd["indicators"]
    defs = gd["indicator_defs"].set_index("indicator")
    y23 = ind[ind["year"] == 2023].set_index("indicator")["value"]
    va = y23[y23.index.str.startswith("cluster_va__")]
    rev = y23[y23.index.str.startswith("cluster_revenue__")]
    assert len(va) == 20 and len(rev) == 20
    kinds = defs.loc[va.index, "subsystem"].value_counts()
    assert kinds.to_dict() == {"战略性支柱产业集群": 10, "战略性新兴产业集群": 10}
    gdp = y23["gdp"]
    assert gdp == pytest.approx(135673.16)
    assert va.sum() / gdp == pytest.approx(0.40, abs=0.005)
    assert (rev > 10_000).sum() == 8  # 8 clusters above one trillion yuan (亿元 units)
    assert y23["hitech_firms"] >= 75_000
    assert defs.loc[va.index, "source"].str.contains("示例").all()
