"""The chokepoint ranking is exact: with the cap forced low (bound pruning on), ``-n K`` equals
the exhaustive ranking, on random graphs and on every shared Willems chain."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.model.dataset import Dataset
from chainatlas.network.cascade import input_groups
from chainatlas.network.chokepoints import find_chokepoints
from chainatlas.network.graph import FirmGraph
from chainatlas.network.reach import cascade_bound, reach_weight_bound

KEY = ["kind", "id", "type", "share", "firms_lost"]


def _brute_losses(n: int, links: list[tuple[int, int, int]], w: np.ndarray) -> np.ndarray:
    """Weight lost when each firm fails alone, by iterating the AND/OR rule to a fixed point."""
    groups: dict[tuple[int, int], set[int]] = {}
    for s, c, k in links:
        groups.setdefault((c, k), set()).add(s)
    out = np.zeros(n)
    for seed in range(n):
        failed = {seed}
        changed = True
        while changed:
            changed = False
            for (c, _k), sups in groups.items():
                if c not in failed and sups <= failed:
                    failed.add(c)
                    changed = True
        out[seed] = sum(w[i] for i in failed)
    return out


def _reach(n: int, links: list[tuple[int, int, int]], w: np.ndarray) -> np.ndarray:
    adj: dict[int, set[int]] = {}
    for s, c, _ in links:
        adj.setdefault(s, set()).add(c)
    out = np.zeros(n)
    for k in range(n):
        seen, todo = {k}, [k]
        while todo:
            for v in adj.get(todo.pop(), ()):
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        out[k] = sum(w[i] for i in seen)
    return out


def _dataset(n: int, links: list[tuple[int, int, int]]) -> Dataset:
    ids = [f"f{i:02d}" for i in range(n)]
    segs = ["s0", "s1", "s2"]
    return Dataset("h", {
        "segments": pd.DataFrame({"id": segs, "chain": "c", "name": segs, "stage": "midstream"}),
        # one region per firm: no region or concentration rows, firms only
        "firms": pd.DataFrame({"id": ids, "name": ids, "region": [f"R{i}" for i in range(n)]}),
        "firm_segments": pd.DataFrame({"firm": ids, "segment": "s0",
                                       "output_value": [1.0 + (7 * i) % 5 for i in range(n)]}),
        "supply_links": pd.DataFrame({"supplier": [ids[a] for a, _, _ in links],
                                      "customer": [ids[b] for _, b, _ in links],
                                      "segment": [segs[s] for _, _, s in links]}),
    })


graphs = st.integers(4, 16).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 2))
             .filter(lambda e: e[0] < e[1]), min_size=1, max_size=40)))


@settings(max_examples=25, deadline=None)
@given(graphs)
def test_pruned_top_k_equals_exhaustive_on_random_dags(case: tuple[int, list]) -> None:
    n, links = case
    links = list({(a, b, s) for a, b, s in links})
    ds = _dataset(n, links)
    g = FirmGraph.from_dataset(ds)
    full = find_chokepoints(ds, graph=g, max_exact=10**6)
    assert full.params["method"] == "exhaustive"
    from chainatlas.network.targets import resolve_target

    tgt = resolve_target(g, None, ds.segment_inputs)
    w = tgt.weight
    brute = _brute_losses(n, links, w) / w.sum()
    firms = full.table[full.table["kind"] == "firm"]
    # every listed firm's share is the brute-force fixed point
    pos = {f"f{i:02d}": i for i in range(n)}
    for fid, share in zip(firms["id"], firms["share"], strict=True):
        assert share == pytest.approx(brute[pos[fid]], abs=1e-12)
    # the positive shares listed are exactly the positive brute-force shares of non-targets
    non_target = np.setdiff1d(np.arange(n), tgt.firms)
    expect = np.sort(brute[non_target][brute[non_target] > 1e-12])[::-1]
    got = np.sort(firms["share"].to_numpy()[firms["share"].to_numpy() > 1e-12])[::-1]
    np.testing.assert_allclose(got, expect, atol=1e-12)
    for k in (1, 3, 6):
        cut = find_chokepoints(ds, graph=g, max_exact=0, limit=k)
        assert cut.params["exact"] and len(cut.table) == min(k, len(full.table))
        pd.testing.assert_frame_equal(cut.table[KEY].reset_index(drop=True),
                                      full.table.head(k)[KEY].reset_index(drop=True))
        assert cut.params["truncated"] == (len(full.table) > k or cut.params["firm_candidates"]
                                           > cut.params["firm_candidates_evaluated"])


@settings(max_examples=60, deadline=None)
@given(graphs, st.booleans())
def test_bounds_are_upper_bounds(case: tuple[int, list], cyclic: bool) -> None:
    n, links = case
    links = list({(a, b, s) for a, b, s in links})
    if cyclic:  # add back edges: supply cycles
        links += [(b, a, s) for a, b, s in links[::3]]
    ids = [f"f{i}" for i in range(n)]
    g = FirmGraph.from_arrays(ids, [e[0] for e in links], [e[1] for e in links],
                              edge_segment=[e[2] for e in links], segment_ids=["a", "b", "c"])
    w = np.array([(3 * i) % 4 for i in range(n)], dtype=float)
    groups = input_groups(g)
    reach = _reach(n, links, w)
    # exact with enough bits, an upper bound with few
    np.testing.assert_allclose(reach_weight_bound(groups, w), reach, atol=1e-9)
    assert (reach_weight_bound(groups, w, max_bits=1) >= reach - 1e-9).all()
    brute = _brute_losses(n, links, w)
    assert (cascade_bound(groups, w) >= brute - 1e-9).all()
    assert (cascade_bound(groups, w, max_bits=0) >= brute - 1e-9).all()


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.reader(fh))[1:]


def _willems_oracle(path: Path) -> dict[str, float]:
    """Share of the final output each stage stops, from the raw file: a stage's failure stops
    every stage downstream of it (each input is a stage of its own, all essential); the final
    output is the demand stages' annual value (daily demand × cumulative unit cost)."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    cost = {r[0]: float(r[3] or 0) for r in rows}
    demand = {r[0]: float(r[5] or 0) for r in rows}
    ups = {r[0]: [(r[j].strip(), float(r[j + 1] or 1)) for j in range(8, len(r) - 1, 2)
                  if r[j].strip()] for r in rows}
    down: dict[str, set[str]] = {s: set() for s in ups}
    for s, us in ups.items():
        for u, _ in us:
            down[u].add(s)
    cum: dict[str, float] = {}

    def unit_cost(s: str) -> float:
        if s not in cum:
            cum[s] = cost[s] + sum(q * unit_cost(u) for u, q in ups[s])
        return cum[s]
    final = {s for s in ups if not down[s]}
    value = {s: demand[s] * unit_cost(s) for s in final}
    total = sum(value.values())
    out = {}
    for s in ups:
        seen, todo = {s}, [s]
        while todo:
            for v in down[todo.pop()]:
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        out[s] = sum(value.get(v, 0.0) for v in seen) / total
    return out


@pytest.mark.realdata
def test_willems_chokepoints_from_the_cli_equal_exhaustive(shared_data: Path,
                                                           tmp_path: Path) -> None:
    from chainatlas.readers.willems import read_willems
    from chainatlas.services.datasets import import_frames

    runner = CliRunner()
    files = sorted((shared_data / "supply_chains").glob("willems_*.csv"))
    assert len(files) >= 8
    db = str(tmp_path / "w.duckdb")
    skipped = 0
    for f in files:
        ds = Dataset(f.stem, read_willems(f))
        g = FirmGraph.from_dataset(ds)
        full = find_chokepoints(ds, graph=g, max_exact=10**6)
        assert full.params["method"] == "exhaustive"
        oracle = _willems_oracle(f)
        rows = full.table
        for fid, share in zip(rows["id"], rows["share"], strict=True):
            assert share == pytest.approx(oracle[fid], abs=1e-9), (f.name, fid)
        final = {r[0] for r in _rows(f)} - {u for r in _rows(f) for u in r[8::2] if u.strip()}
        # every stage that stops some final output and is not itself final is listed
        assert {s for s, v in oracle.items() if v > 1e-12} - final <= set(rows["id"]), f.name
        for k in (1, 2, 3, 10):
            cut = find_chokepoints(ds, graph=g, max_exact=0, limit=k)
            assert cut.params["exact"] and cut.notes
            skipped += cut.params["firm_candidates"] - cut.params["firm_candidates_evaluated"]
            pd.testing.assert_frame_equal(cut.table[KEY].reset_index(drop=True),
                                          rows.head(k)[KEY].reset_index(drop=True))
        # the same from the command line, on the stored chain
        import_frames(db, f.stem, read_willems(f))
        r = runner.invoke(app, ["chain", "chokepoints", "-d", f.stem, "--db", db, "-f", "json",
                                "-n", "5", "--max-exact", "0"])
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        got = [(c["id"], c["share"], c["firms_lost"]) for c in out["chokepoints"]]
        assert got == list(rows.head(5)[["id", "share", "firms_lost"]].itertuples(
            index=False, name=None)), f.name
        assert out["params"]["exact"] is True and out["notes"]
    assert skipped > 0  # the bound did prune: the pruning path ran and agreed
