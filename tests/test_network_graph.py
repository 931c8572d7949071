"""FirmGraph: construction from a dataset and from arrays, CSR indexes, lookups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _chain_fixtures import toy_nev
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.dataset import Dataset
from chainatlas.network.graph import FirmGraph, is_foreign_firm


def test_from_dataset_toy() -> None:
    g = FirmGraph.from_dataset(toy_nev())
    assert g.n_firms == 6 and g.n_edges == 6 and g.n_segments == 4
    assert list(g.segment_ids) == ["cell", "pack", "chip", "car"]
    assert g.firm_foreign.tolist() == [False, False, False, False, False, True]
    assert g.capacity.tolist() == [300.0, 100.0, 90.0, 50.0, 60.0, 150.0]
    assert g.segment_key_technology.tolist() == [False, False, True, False]
    p1, a1 = g.index_of("P1"), g.index_of("A1")
    assert sorted(g.firm_ids[g.suppliers(p1)]) == ["C1", "C2"]
    assert sorted(g.firm_ids[g.suppliers(a1)]) == ["P1", "X1"]
    assert sorted(g.firm_ids[g.customers(p1)]) == ["A1", "A2"]
    assert g.segment_ids[g.edge_segment[g.in_edges(a1)]].tolist() in (["pack", "chip"],
                                                                      ["chip", "pack"])


def test_main_segment_by_output_then_capacity() -> None:
    ds = Dataset("t", {
        "firms": pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "region": ["310000"] * 2}),
        "firm_segments": pd.DataFrame({
            "firm": ["a", "a", "a", "b"], "segment": ["s1", "s2", "s3", "s1"],
            "capacity": [5.0, 7.0, 99.0, np.nan], "output_value": [10.0, 10.0, 1.0, np.nan]}),
    })
    g = FirmGraph.from_dataset(ds)
    # a: s1 and s2 tie on output 10, s2 has the larger capacity; s3 has less output
    assert g.segment_ids[g.firm_segment[0]] == "s2" and g.capacity[0] == 7.0
    assert g.segment_ids[g.firm_segment[1]] == "s1" and np.isnan(g.capacity[1])
    assert len(g.fs_firm) == 4


def test_firm_without_segment_and_no_links() -> None:
    ds = Dataset("t", {"firms": pd.DataFrame({"id": ["a"], "name": ["A"], "region": ["JPN"]})})
    g = FirmGraph.from_dataset(ds)
    assert g.firm_segment.tolist() == [-1] and g.n_edges == 0
    assert g.in_indptr.tolist() == [0, 0] and g.firm_foreign.tolist() == [True]


def test_unknown_firm_in_links_raises() -> None:
    ds = toy_nev()
    ds.tables["supply_links"] = pd.concat([ds.supply_links, pd.DataFrame({
        "supplier": ["ZZ"], "customer": ["A1"], "segment": ["chip"]})], ignore_index=True)
    with pytest.raises(InputError, match="ZZ"):
        FirmGraph.from_dataset(ds)


def test_duplicate_firm_ids_raise() -> None:
    ds = Dataset("t", {"firms": pd.DataFrame({"id": ["a", "a"], "name": ["A", "B"],
                                              "region": ["1", "2"]})})
    with pytest.raises(InputError, match="duplicate"):
        FirmGraph.from_dataset(ds)


def test_index_of_missing_raises() -> None:
    g = FirmGraph.from_dataset(toy_nev())
    with pytest.raises(DataNotFound):
        g.index_of("nope")
    assert g.indices_of(["A2", "C1"]).tolist() == [4, 0]


def test_from_arrays_validates() -> None:
    with pytest.raises(InputError):
        FirmGraph.from_arrays(["a", "b"], [0, 2], [1, 0])
    with pytest.raises(InputError):
        FirmGraph.from_arrays(["a", "b"], [0], [1], edge_segment=[3], segment_ids=["s"])
    g = FirmGraph.from_arrays(["a", "b"], [0], [1], segment_ids=["s"], firm_segment=[0, 0],
                              capacity=[1.0, 2.0])
    assert g.fs_segment.tolist() == [0, 0] and g.segment_essential.tolist() == [True]


def test_is_foreign_firm_rules() -> None:
    f = pd.DataFrame({"region": ["310000", "JPN", "XXX", "320100", None],
                      "country": ["CHN", None, "XXX", None, None],
                      "ownership": ["domestic", None, None, "foreign", "jv"]})
    assert is_foreign_firm(f).tolist() == [False, True, False, True, False]


def test_subgraph_keeps_links_between_kept_firms() -> None:
    g = FirmGraph.from_dataset(toy_nev())
    keep = np.isin(g.firm_ids, ["C1", "P1", "A1"])
    sub = g.subgraph(keep)
    assert sub.firm_ids.tolist() == ["C1", "P1", "A1"]
    assert sorted(zip(sub.src.tolist(), sub.dst.tolist(), strict=True)) == [(0, 1), (1, 2)]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 15).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))))
def test_csr_indexes_group_edges(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    src = [e[0] for e in edges]
    dst = [e[1] for e in edges]
    g = FirmGraph.from_arrays([f"f{i}" for i in range(n)], src, dst)
    for i in range(n):
        assert sorted(g.in_edges(i).tolist()) == [k for k, d in enumerate(dst) if d == i]
        assert sorted(g.out_edges(i).tolist()) == [k for k, s in enumerate(src) if s == i]
    assert g.in_degree().sum() == len(edges) == g.out_degree().sum()
