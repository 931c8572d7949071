"""Dominator trees against networkx's ``immediate_dominators`` (the independent oracle)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.network.dominators import dominator_tree, supplier_dominators
from chainatlas.network.graph import FirmGraph
from chainatlas.readers.willems import read_willems

ROOT = "__R__"


def _nx_network_idom(n: int, edges: list[tuple[int, int]]) -> list[int]:
    """Oracle: virtual source joined to every firm of a source SCC, then networkx."""
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    cond = nx.condensation(g)
    h = g.copy()
    for c in cond.nodes:
        if cond.in_degree(c) == 0:
            for v in cond.nodes[c]["members"]:
                h.add_edge(ROOT, v)
    idom = nx.immediate_dominators(h, ROOT)
    return [-1 if idom[v] == ROOT else int(idom[v]) for v in range(n)]


def _graph(n: int, edges: list[tuple[int, int]]) -> FirmGraph:
    return FirmGraph.from_arrays([f"f{i}" for i in range(n)], [e[0] for e in edges],
                                 [e[1] for e in edges])


dags = st.integers(1, 14).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
             .filter(lambda e: e[0] < e[1]), max_size=45, unique=True)))
digraphs = st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
             .filter(lambda e: e[0] != e[1]), max_size=40, unique=True)))


def test_small_hand_case() -> None:
    # 0 → 1 → {2, 3} → 4 → 5 : 1 dominates 2, 3, 4; 4 dominates 5
    g = _graph(6, [(0, 1), (1, 2), (1, 3), (2, 4), (3, 4), (4, 5)])
    tree = dominator_tree(g)
    assert tree.idom.tolist() == [-1, 0, 1, 1, 1, 4]
    assert tree.depth.tolist() == [1, 2, 3, 3, 3, 4]
    assert tree.dominators_of(5) == [4, 1, 0]
    assert tree.subtree_sum(np.ones(6)).tolist() == [6, 5, 1, 1, 2, 1]
    assert tree.common_dominator([2, 3]) == 1 and tree.common_dominator([5, 4]) == 4


@pytest.mark.parametrize("method", ["chk", "igraph"])
@settings(max_examples=120, deadline=None)
@given(case=dags)
def test_network_wide_equals_networkx_on_dags(method: str,
                                              case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    assert dominator_tree(_graph(n, edges), method).idom.tolist() == _nx_network_idom(n, edges)


@pytest.mark.parametrize("method", ["chk", "igraph"])
@settings(max_examples=150, deadline=None)
@given(case=digraphs)
def test_network_wide_equals_networkx_with_cycles(method: str,
                                                  case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    assert dominator_tree(_graph(n, edges), method).idom.tolist() == _nx_network_idom(n, edges)


def test_unknown_method() -> None:
    with pytest.raises(InputError):
        dominator_tree(_graph(2, [(0, 1)]), "magic")


@settings(max_examples=80, deadline=None)
@given(dags, st.data())
def test_supplier_dominators_equal_networkx_on_reversed(case: tuple[int, list[tuple[int, int]]],
                                                        data: st.DataObject) -> None:
    n, edges = case
    target = data.draw(st.integers(0, n - 1))
    ours = supplier_dominators(_graph(n, edges), target)
    rev = nx.DiGraph()
    rev.add_nodes_from(range(n))
    rev.add_edges_from((b, a) for a, b in edges)
    idom = nx.immediate_dominators(rev, target)
    for v in range(n):
        if v == target:
            assert ours[v] == -1
        elif v in idom:
            assert ours[v] == idom[v]
        else:
            assert ours[v] == -2


@settings(max_examples=60, deadline=None)
@given(digraphs)
def test_subtree_sum_counts_dominated_firms(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    tree = dominator_tree(_graph(n, edges))
    w = np.arange(1.0, n + 1)
    sums = tree.subtree_sum(w)
    for d in range(n):
        dominated = [v for v in range(n) if v == d or d in tree.dominators_of(v)]
        assert sums[d] == pytest.approx(w[dominated].sum())


@pytest.mark.realdata
def test_every_willems_chain_equals_networkx(shared_data: Path) -> None:
    files = sorted((shared_data / "supply_chains").glob("willems_*.csv"))
    assert len(files) >= 8
    for f in files:
        g = FirmGraph.from_dataset(Dataset(f.stem, read_willems(f)))
        edges = list(zip(g.src.tolist(), g.dst.tolist(), strict=True))
        expect = _nx_network_idom(g.n_firms, edges)
        assert dominator_tree(g, "chk").idom.tolist() == expect, f.name
        assert dominator_tree(g, "igraph").idom.tolist() == expect, f.name
        # and the focal-firm view for every demand stage
        rev = nx.DiGraph()
        rev.add_nodes_from(range(g.n_firms))
        rev.add_edges_from((b, a) for a, b in edges)
        for t in np.flatnonzero(g.out_degree() == 0).tolist():
            idom = nx.immediate_dominators(rev, t)
            ours = supplier_dominators(g, t)
            assert all(ours[v] == idom[v] for v in idom if v != t), f.name
