"""Benchmark of the chain analyses on a generated firm network.

Prints one table: graph build, chokepoints (dominator tree + essential-input groups + sole
suppliers + exact cascades), the chain map, and — on the smaller network — the dominator tree by
our compiled Cooper–Harvey–Kennedy kernel next to python-igraph's ``Graph.dominator`` and
networkx's ``immediate_dominators`` on the same graph.

    python benchmarks/bench_chain.py                     # 1M firms / 5M links, plus 100k oracle
    python benchmarks/bench_chain.py --firms 100000 --links 500000 --oracle-firms 20000
    python benchmarks/bench_chain.py --stages-only --stage-sizes 2000,5000,10000,20000

Targets: chokepoints ≤ 15 s and chain map ≤ 10 s at 1M / 5M (the top 100 chokepoints, exact:
the firm candidates are pruned by the bound of ``find_chokepoints``, not evaluated one by one).

Stage chains (``--stage-sizes``): generated multi-echelon chains in the Willems layout
(``chainatlas.datasets.stage_chains``, about 8 arcs per stage like Willems chain 38: 2,025
stages, 16,225 arcs), read by ``read_willems``, then the exhaustive chokepoint ranking (every
candidate evaluated), TTS/TTR over every single-stage disruption (15 days of stock, TTR 14 days;
and, up to ``--stressed-max`` stages, 3 days of stock and TTR 20 days, where most scenarios
need the TTR LP) and the chain's throughput. Reference: ``stress tts`` on chain 38 took 159 s
before the TTS pass and the reduced LPs.
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


def _stage_step(label: str, rows: list[dict[str, Any]], size: str, fn: Any) -> Any:
    import os

    gc.collect()
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    load = os.getloadavg()[0]
    rows.append({"step": label, "size": size, "seconds": wall, "cpu": cpu,
                 "peak_rss_gib": _rss_gib(), "load": load})
    print(f"  {label:<40} {size:<16} wall {wall:7.2f} s  cpu {cpu:7.2f} s  peak RSS "
          f"{_rss_gib():5.2f} GiB  load {load:5.2f}", flush=True)
    return out


def run_stages(sizes: list[int], arcs_per_stage: float, stressed_max: int,
               seed: int, throughput_max: int = 10_000) -> list[dict[str, Any]]:
    import tempfile
    from pathlib import Path

    from chainatlas.datasets.stage_chains import write_stage_chain
    from chainatlas.model.dataset import Dataset
    from chainatlas.network.chokepoints import find_chokepoints
    from chainatlas.readers.willems import read_willems
    from chainatlas.services.chain import throughput_of
    from chainatlas.services.stress import tts_ttr_of

    rows: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp())
    for n in sizes:
        path = write_stage_chain(tmp / f"chain_{n}.csv", n, int(arcs_per_stage * n), seed=seed)
        frames = read_willems(path)
        ds = Dataset(f"stages{n}", frames)
        size = f"{n:,}/{len(frames['supply_links']):,}"
        cp = _stage_step("chokepoints, exhaustive (every candidate)", rows, size,
                         lambda ds=ds: find_chokepoints(ds))
        p = cp.params
        print(f"    {p['firm_candidates_evaluated']:,} candidates evaluated; top share "
              f"{cp.table['share'].max():.3f}; method {p['method']}")
        top = _stage_step("chokepoints, top 10 (exact, pruned)", rows, size,
                          lambda ds=ds: find_chokepoints(ds, limit=10, max_exact=0))
        same = (top.table["share"].head(10).round(12).tolist()
                == cp.table["share"].head(10).round(12).tolist())
        print(f"    top-10 shares equal the exhaustive ranking's: {same}; "
              f"{top.params['firm_candidates_evaluated']:,} evaluated")
        tt = _stage_step("TTS/TTR, all single-stage disruptions", rows, size,
                         lambda ds=ds: tts_ttr_of(ds))
        print(f"    scenarios {len(tt):,}; losing {int((tt['performance_impact'] > 0).sum()):,};"
              f" median TTS {tt['tts_days'].median():.1f} d")
        if n <= stressed_max:
            st = _stage_step("TTS/TTR, 3 d stock, TTR 20 d", rows, size,
                             lambda ds=ds: tts_ttr_of(ds, inventory_days=3.0, ttr_days=20.0))
            print(f"    losing {int((st['performance_impact'] > 0).sum()):,} of {len(st):,} "
                  "(each a TTR LP)")
        if n > throughput_max:
            print(f"    throughput skipped above {throughput_max:,} stages (--throughput-max)")
            continue
        th = _stage_step("throughput (final-demand mix)", rows, size,
                         lambda ds=ds: throughput_of(ds))
        takt = "unbounded" if th.takt_seconds is None else f"{th.takt_seconds:.3g} s"
        print(f"    {th.units_per_day:,.4g} units/day of the mix ({len(th.mix)} final segments, "
              f"weights from {th.weights_from}); takt {takt}")
    return rows


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
    cp = _timed("chokepoints (top 100, exact, incl. the above)", rows, size,
                lambda: find_chokepoints(ds, graph=g, limit=100))
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
    ap.add_argument("--stage-sizes", default="2000,5000,10000,20000",
                    help="Stage counts of the generated Willems-layout chains ('' to skip).")
    ap.add_argument("--arcs-per-stage", type=float, default=8.0)
    ap.add_argument("--stressed-max", type=int, default=2000,
                    help="Largest chain also run with 3 days of stock and TTR 20 days.")
    ap.add_argument("--throughput-max", type=int, default=10_000,
                    help="Largest chain whose throughput LP is solved.")
    ap.add_argument("--stages-only", action="store_true", help="Skip the firm network.")
    args = ap.parse_args()
    import os
    import platform

    print(f"load average {os.getloadavg()}, {os.cpu_count()} CPUs, {platform.python_version()}")
    sizes = [int(v) for v in args.stage_sizes.split(",") if v.strip()]
    if sizes:
        print(f"stage chains ({args.arcs_per_stage:g} arcs per stage): sizes stages/arcs")
        srows = run_stages(sizes, args.arcs_per_stage, args.stressed_max, args.seed,
                           args.throughput_max)
        first = next((r for r in srows if r["step"].startswith("TTS/TTR, all")
                      and int(r["size"].split("/")[0].replace(",", "")) >= 2000), None)
        if first is not None:
            print(f"TTS/TTR at {first['size']}: {first['seconds']:.1f} s wall, "
                  f"{first['cpu']:.1f} s CPU; reference 159 s on chain 38 before "
                  f"(ratio {159 / first['seconds']:.0f}×)")
    if args.stages_only:
        return
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
