"""Benchmark of the chain analyses on a generated firm network.

Prints one table: graph build, chokepoints (dominator tree + essential-input groups + sole
suppliers + exact cascades), the chain map, and — on the smaller network — the dominator tree by
our compiled Cooper–Harvey–Kennedy kernel next to python-igraph's ``Graph.dominator`` and
networkx's ``immediate_dominators`` on the same graph.

    python benchmarks/bench_chain.py                     # 1M firms / 5M links, plus 100k oracle
    python benchmarks/bench_chain.py --firms 100000 --links 500000 --oracle-firms 20000

Targets: chokepoints ≤ 15 s and chain map ≤ 10 s at 1M / 5M.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
from typing import Any

import numpy as np


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _timed(label: str, rows: list[dict[str, Any]], size: str, fn: Any) -> Any:
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    rows.append({"step": label, "size": size, "seconds": dt, "peak_rss_gib": _rss_gib()})
    print(f"  {label:<44} {size:<16} {dt:8.2f} s   peak RSS {_rss_gib():5.2f} GiB", flush=True)
    return out


def run_main(n_firms: int, n_links: int, sectors: int, seed: int) -> list[dict[str, Any]]:
    from chainatlas.datasets.synthetic import generate_network
    from chainatlas.model.dataset import Dataset
    from chainatlas.network.cascade import input_groups
    from chainatlas.network.chain_map import chain_map
    from chainatlas.network.chokepoints import find_chokepoints
    from chainatlas.network.dominators import dominator_tree
    from chainatlas.network.graph import FirmGraph

    rows: list[dict[str, Any]] = []
    size = f"{n_firms:,}/{n_links:,}"
    frames = _timed("generate network (not part of the targets)", rows, size,
                    lambda: generate_network(n_firms, n_links, sectors, seed))
    ds = Dataset("bench", frames)
    g = _timed("FirmGraph.from_dataset", rows, size, lambda: FirmGraph.from_dataset(ds))
    dominator_tree(FirmGraph.from_arrays(["a", "b"], [0], [1]))  # compile the kernels first
    tree = _timed("  dominator tree (CHK, virtual source)", rows, size,
                  lambda: dominator_tree(g))
    groups = _timed("  essential-input groups", rows, size, lambda: input_groups(g))
    sole = groups.sole_suppliers()[0]
    print(f"    firms with a non-root dominator: {(tree.idom >= 0).sum():,}; "
          f"sole-supplier pairs: {len(sole):,}")
    cp = _timed("chokepoints (all kinds, ranked, incl. the above)", rows, size,
                lambda: find_chokepoints(ds, graph=g))
    print(f"    chokepoints listed: {len(cp.table):,}; top share {cp.table['share'].max():.3f}")
    cm = _timed("chain map (domestic view, incl. health)", rows, size,
                lambda: chain_map(ds, graph=g))
    print(f"    segments mapped: {len(cm.segments)}; chain health "
          f"{cm.health['health'].iloc[0]:.1f}")
    return rows


def run_oracle(n_firms: int, n_links: int, sectors: int, seed: int) -> list[dict[str, Any]]:
    import igraph  # noqa: F401 - imported before timing (its first import is slow)
    import networkx as nx

    from chainatlas.datasets.synthetic import generate_network
    from chainatlas.model.dataset import Dataset
    from chainatlas.network.dominators import _source_firms, dominator_tree
    from chainatlas.network.graph import FirmGraph

    rows: list[dict[str, Any]] = []
    size = f"{n_firms:,}/{n_links:,}"
    g = FirmGraph.from_dataset(Dataset("o", generate_network(n_firms, n_links, sectors, seed)))
    dominator_tree(FirmGraph.from_arrays(["a", "b"], [0], [1]))  # compile the kernels first
    ours = _timed("dominator tree, CHK on CSR (chainatlas default)", rows, size,
                  lambda: dominator_tree(g, "chk"))
    via_ig = _timed("dominator tree, python-igraph (incl. graph copy)", rows, size,
                    lambda: dominator_tree(g, "igraph"))
    sources = _source_firms(g)

    def _nx() -> dict[Any, Any]:
        h = nx.DiGraph()
        h.add_nodes_from(range(g.n_firms + 1))
        h.add_edges_from(zip(g.src.tolist(), g.dst.tolist(), strict=True))
        h.add_edges_from((g.n_firms, int(s)) for s in sources)
        return nx.immediate_dominators(h, g.n_firms)

    ref = _timed("dominator tree, networkx (build + idom)", rows, size, _nx)
    theirs = np.array([ref.get(v, -2) for v in range(g.n_firms)])
    theirs[theirs == g.n_firms] = -1
    same = bool((theirs == ours.idom).all() and (via_ig.idom == ours.idom).all())
    rows[-1]["equal"] = same
    t_chk, t_ig, t_nx = (r["seconds"] for r in rows[-3:])
    print(f"    identical trees (CHK, igraph, networkx): {same}; networkx / CHK = "
          f"{t_nx / t_chk:.1f}×, networkx / igraph = {t_nx / t_ig:.1f}×, igraph / CHK = "
          f"{t_ig / t_chk:.1f}×")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--links", type=int, default=5_000_000)
    ap.add_argument("--sectors", type=int, default=50)
    ap.add_argument("--oracle-firms", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(f"chain benchmark: {args.firms:,} firms / {args.links:,} links, {args.sectors} segments")
    rows = run_main(args.firms, args.links, args.sectors, args.seed)
    if args.oracle_firms:
        print(f"igraph vs networkx on {args.oracle_firms:,} firms:")
        rows += run_oracle(args.oracle_firms, 5 * args.oracle_firms, args.sectors, args.seed)
    cp = next(r for r in rows if r["step"].startswith("chokepoints"))
    cm = next(r for r in rows if r["step"].startswith("chain map"))
    print(f"targets: chokepoints {cp['seconds']:.1f} s (≤ 15), chain map {cm['seconds']:.1f} s "
          f"(≤ 10); peak RSS {_rss_gib():.2f} GiB")


if __name__ == "__main__":
    main()
