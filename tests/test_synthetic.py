"""The synthetic network generator: schema, invariants, heavy tails, determinism, CLI."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.datasets.synthetic import NETWORK_TABLES, generate_network, write_network
from chainatlas.exceptions import InputError
from chainatlas.model.tables import OWNERSHIP, STAGES, TABLES


def _check_invariants(net: dict[str, pd.DataFrame], n_firms: int, n_links: int) -> None:
    assert set(net) == set(NETWORK_TABLES)
    for table, frame in net.items():
        assert list(frame.columns) == TABLES[table].column_names, table
    firms, fs, links = net["firms"], net["firm_segments"], net["supply_links"]
    assert len(firms) == n_firms and len(links) == n_links
    assert firms["id"].is_unique
    assert set(firms["region"]) <= set(net["regions"]["code"])
    assert set(net["segments"]["stage"]) <= set(STAGES)
    assert set(firms["ownership"]) <= set(OWNERSHIP)
    # one segment per firm, every segment has a firm
    assert fs["firm"].is_unique and set(fs["firm"]) == set(firms["id"])
    assert set(fs["segment"]) == set(net["segments"]["id"])
    # links: no self-loops, no duplicate triples, segment = supplier's segment, allowed by the BOM
    assert not (links["supplier"] == links["customer"]).any()
    assert not links.duplicated(["supplier", "customer", "segment"]).any()
    seg_of = dict(zip(fs["firm"], fs["segment"], strict=True))
    assert (links["supplier"].map(seg_of) == links["segment"]).all()
    bom = set(zip(net["segment_inputs"]["segment"], net["segment_inputs"]["input_segment"],
                  strict=True))
    pairs = zip(links["customer"].map(seg_of), links["segment"], strict=True)
    assert all(p in bom for p in pairs)
    # shares: the customer's purchases of a segment add up to one
    if len(links):
        sums = links.groupby(["customer", "segment"])["share"].sum()
        np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=5e-4 * 50)
        assert (links["value"] >= 0).all() and links["share"].between(0, 1).all()
        assert (links["lead_time_days"] > 0).all()
    assert (fs["capacity"] >= 0).all() and (fs["output_value"] > 0).all()
    # tiers (io_sector "T<k>"): inputs come from lower tiers; every tier above 0 consumes,
    # every tier below the top is consumed
    tier = dict(zip(net["segments"]["id"], net["segments"]["io_sector"].str[1:].astype(int),
                    strict=True))
    si = net["segment_inputs"]
    assert all(tier[a] < tier[b] for a, b in zip(si["input_segment"], si["segment"], strict=True))
    top = max(tier.values())
    assert {s for s, t in tier.items() if t > 0} == set(si["segment"])
    assert {s for s, t in tier.items() if t < top} == set(si["input_segment"])
    # the BOM is acyclic (checked independently with networkx)
    g = nx.DiGraph()
    g.add_edges_from(zip(net["segment_inputs"]["input_segment"], net["segment_inputs"]["segment"],
                         strict=True))
    assert nx.is_directed_acyclic_graph(g)


@pytest.mark.parametrize(("n_firms", "n_links", "n_sectors"), [
    (300, 1500, 10),     # few allowed pairs: exact weighted sampling without replacement
    (40, 200, 4),        # dense: most allowed pairs are links
    (6000, 30000, 5),    # millions of allowed pairs: block Chung–Lu draws
])
def test_network_invariants(n_firms: int, n_links: int, n_sectors: int) -> None:
    net = generate_network(n_firms, n_links, n_sectors=n_sectors, seed=3)
    _check_invariants(net, n_firms, n_links)


def test_a_network_with_every_allowed_link() -> None:
    net = generate_network(30, 0, n_sectors=3, seed=1)
    fs = net["firm_segments"]
    size = fs["segment"].value_counts()
    si = net["segment_inputs"]
    possible = int(sum(size[r.segment] * size[r.input_segment] for r in si.itertuples()))
    full = generate_network(30, possible, n_sectors=3, seed=1)
    _check_invariants(full, 30, possible)
    with pytest.raises(InputError, match="distinct supplier"):
        generate_network(30, possible + 1, n_sectors=3, seed=1)


@settings(max_examples=25, deadline=None)
@given(n_sectors=st.integers(2, 12), extra=st.integers(0, 200), seed=st.integers(0, 10_000),
       density=st.floats(0.0, 3.0))
def test_invariants_hold_for_any_size(n_sectors: int, extra: int, seed: int,
                                      density: float) -> None:
    n_firms = n_sectors + extra
    n_links = int(density * n_firms * 0.3)
    try:
        net = generate_network(n_firms, n_links, n_sectors=n_sectors, seed=seed)
    except InputError as err:  # only when the sector structure cannot hold that many links
        assert "distinct supplier→customer pairs" in str(err)
        return
    _check_invariants(net, n_firms, n_links)


def test_degrees_and_values_are_heavy_tailed() -> None:
    net = generate_network(20_000, 100_000, n_sectors=30, seed=1)
    links = net["supply_links"]
    deg = pd.concat([links["supplier"], links["customer"]]).value_counts()
    mean = 2 * len(links) / len(net["firms"])
    assert deg.max() > 25 * mean
    # the top 1 % of firms take part in far more than 1 % of the link ends
    top = deg.sort_values(ascending=False).head(len(net["firms"]) // 100).sum()
    assert top / deg.sum() > 0.15
    v = links["value"].to_numpy()
    assert v.max() > 50 * np.median(v)


def test_same_seed_same_network_and_other_seed_differs() -> None:
    a = generate_network(500, 2000, n_sectors=8, seed=11)
    b = generate_network(500, 2000, n_sectors=8, seed=11)
    c = generate_network(500, 2000, n_sectors=8, seed=12)
    for t in NETWORK_TABLES:
        pd.testing.assert_frame_equal(a[t], b[t])
    assert not a["supply_links"].equals(c["supply_links"])


def test_foreign_share_is_respected() -> None:
    net = generate_network(10_000, 20_000, n_sectors=10, seed=2, foreign_share=0.2)
    firms = net["firms"]
    foreign = firms["ownership"] == "foreign"
    assert abs(foreign.mean() - 0.2) < 0.02  # 5 binomial standard deviations ≈ 0.02
    assert (firms.loc[foreign, "country"] == firms.loc[foreign, "region"]).all()
    assert (firms.loc[~foreign, "country"] == "CHN").all()
    regions = net["regions"].set_index("code")
    assert (regions.loc[firms.loc[foreign, "region"], "level"] == "country").all()
    # links touching a foreign firm take longer than domestic ones
    f_ids = set(firms.loc[foreign, "id"])
    links = net["supply_links"]
    abroad = links["supplier"].isin(f_ids) | links["customer"].isin(f_ids)
    assert links.loc[abroad, "lead_time_days"].min() > links.loc[~abroad, "lead_time_days"].max()


@pytest.mark.parametrize("kwargs", [
    {"n_firms": 5, "n_links": 10, "n_sectors": 10},
    {"n_firms": 10, "n_links": -1, "n_sectors": 3},
    {"n_firms": 10, "n_links": 10, "n_sectors": 1},
    {"n_firms": 10, "n_links": 10, "n_sectors": 3, "foreign_share": 1.5},
    {"n_firms": 6, "n_links": 1000, "n_sectors": 3},
    {"n_firms": 10, "n_links": 0, "n_sectors": 2, "n_regions": 5000},
    {"n_firms": 10.5, "n_links": 0, "n_sectors": 2},
])
def test_bad_arguments_raise_input_error(kwargs: dict[str, float]) -> None:
    with pytest.raises(InputError):
        generate_network(**kwargs)  # type: ignore[arg-type]


def test_write_network_round_trip(tmp_path: Path) -> None:
    net = generate_network(200, 600, n_sectors=6, seed=5)
    paths = write_network(net, tmp_path)
    assert sorted(p.name for p in paths.values()) == sorted(f"{t}.parquet" for t in NETWORK_TABLES)
    back = pq.read_table(tmp_path / "firms.parquet").to_pandas()
    assert back["tags"].map(list).tolist() == net["firms"]["tags"].tolist()
    links = pq.read_table(tmp_path / "supply_links.parquet").to_pandas()
    np.testing.assert_array_equal(links["value"].to_numpy(), net["supply_links"]["value"].to_numpy())
    assert links["supplier"].astype(str).tolist() == net["supply_links"]["supplier"].astype(str).tolist()


def test_generate_cli_writes_parquet(tmp_path: Path) -> None:
    out = tmp_path / "net"
    result = CliRunner().invoke(app, ["generate", "--firms", "300", "--links", "900", "--sectors",
                                      "6", "--seed", "4", "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(pq.read_table(out / "supply_links.parquet")) == 900
    assert len(pq.read_table(out / "firms.parquet")) == 300


def test_generate_cli_bad_input_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate", "--firms", "3", "--links", "5", "--sectors", "6",
                                      "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "n_firms" in result.output


def test_segments_cluster_in_home_cities() -> None:
    net = generate_network(20_000, 40_000, n_sectors=10, seed=6, foreign_share=0.0)
    fs = net["firm_segments"].merge(net["firms"][["id", "region"]], left_on="firm", right_on="id")
    counts = pd.crosstab(fs["segment"], fs["region"])
    big = counts.loc[:, counts.sum(axis=0) >= 100]  # cities with enough firms for a stable LQ
    lq = big.div(counts.sum(axis=1), axis=0) / (big.sum(axis=0) / counts.to_numpy().sum())
    # most segments have a city where they are > 3 times as concentrated as firms overall
    # (with regions shuffled at random, no segment reaches 2.5 here)
    assert (lq.max(axis=1) > 3).mean() >= 0.7


def test_docstring_examples_run() -> None:
    import doctest

    import chainatlas.datasets
    import chainatlas.datasets.synthetic

    for module in (chainatlas.datasets, chainatlas.datasets.synthetic):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
