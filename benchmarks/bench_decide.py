"""Candidate interventions evaluated on a generated firm network (``chainatlas decide``'s engine).

Usage::

    flock /tmp/bench.lock python3 benchmarks/bench_decide.py [--firms 100000] [--degree 5]
        [--candidates 1000] [--evaluate N] [--executor serial|processes] [--workers W]
        [--esri-firms 10] [--budget 5000] [--pool 5]

Builds the project's synthetic national network (tiered segments, heavy-tailed degrees and
values; ``chainatlas.datasets.synthetic``), its decision network, the standard scenario set (the
three firms of largest ESRI as chokepoint outages, the largest region outage, an export ban on
the most foreign segment) and ``--candidates`` dual-sourcing and inventory candidates. It then
evaluates ``--evaluate`` of them (default: all) on their own copies of the network — five
Inoue–Todo runs and the ESRI of the top firms each — through the executor, and a greedy portfolio
over the best ``--pool`` (serial: a few combinations per step). When ``--evaluate`` is below ``--candidates`` the time for all of them is
an **extrapolation** (per-candidate time × candidates), printed as such. Prints sizes, wall and
CPU seconds, peak memory and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Clock:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []

    def lap(self, label: str, fn):  # type: ignore[no-untyped-def]
        w, c = time.perf_counter(), _cpu()
        out = fn()
        self.rows.append((label, time.perf_counter() - w, _cpu() - c))
        print(f"  {label:<44} wall {self.rows[-1][1]:9.2f} s   cpu {self.rows[-1][2]:9.2f} s",
              flush=True)
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--degree", type=float, default=5.0)
    ap.add_argument("--candidates", type=int, default=1000)
    ap.add_argument("--evaluate", type=int, default=None)
    ap.add_argument("--executor", default="processes", choices=("serial", "processes"))
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--esri-firms", type=int, default=10)
    ap.add_argument("--budget", type=float, default=5000.0)
    ap.add_argument("--pool", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    from chainatlas.datasets.synthetic import generate_network
    from chainatlas.decide import (
        CostModel,
        MeasureSet,
        dual_sourcing_candidates,
        greedy_portfolio,
        inventory_candidates,
        rank_interventions,
        standard_scenarios,
    )
    from chainatlas.model.dataset import Dataset
    from chainatlas.risk import esri_single_firms
    from chainatlas.services.decide import decision_network_of
    from chainatlas.shock.executors import make_executor

    print(f"load average before {os.getloadavg()}, cpus {os.cpu_count()}, executor "
          f"{args.executor}, workers {args.workers or os.cpu_count()}")
    ck = Clock()
    n = args.firms
    ds = ck.lap("generate network", lambda: Dataset.from_frames(
        "bench", generate_network(n, int(args.degree * n), n_sectors=50, seed=args.seed)))
    net = ck.lap("decision network", lambda: decision_network_of(ds))
    print(f"  firms {net.n_firms:,}, links {net.n_links:,}")
    cm = CostModel()
    inv = ck.lap("inventory candidates", lambda: inventory_candidates(net, cm))
    dual = ck.lap("dual-sourcing candidates", lambda: dual_sourcing_candidates(
        net, cm, limit=args.candidates))
    items = (inv + dual)[:args.candidates]
    print(f"  candidates {len(items):,} (inventory {len(inv)}, dual sourcing {len(dual):,}: "
          "the first found, the search stops at --candidates)")
    base_esri = ck.lap("baseline ESRI of every firm (top firms)", lambda: esri_single_firms(
        net.esri_network(), epsilon=0.01))
    order = np.lexsort((np.arange(net.n_firms), -base_esri.esri))
    top = tuple(int(i) for i in order[:args.esri_firms])
    sset = standard_scenarios(net, [str(net.firm_ids[i]) for i in order[:3]])
    ms = MeasureSet(scenarios=tuple(sset.scenarios), esri_firms=top)
    print("  scenarios: " + "; ".join(s.name for s in sset.scenarios))
    k = len(items) if args.evaluate is None else min(args.evaluate, len(items))
    step = max(1, len(items) // max(k, 1))
    sample = items[::step][:k]
    with make_executor(args.executor, workers=args.workers) as ex:
        base, rows = ck.lap(f"rank {len(sample)} candidates (+ baseline)", lambda: rank_interventions(
            net, sample, ms, executor=ex))
        port = ck.lap(f"greedy portfolio (budget {args.budget:g}, pool {args.pool})",
                      lambda: greedy_portfolio(net, sample, rows, base, ms, args.budget,
                                               pool=args.pool))
    rank_wall = next(r[1] for r in ck.rows if r[0].startswith("rank"))
    per = rank_wall / max(1, len(sample))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"per candidate {per:.3f} s wall; portfolio: {len(port['items'])} chosen, gain "
          f"{port['gain']:,.0f} 万元 vs Σ singles {port['sum_of_single_gains']:,.0f}"
          f"{' (superadditive)' if port['superadditive'] else ''}")
    if len(sample) < len(items):
        print(f"EXTRAPOLATED: {len(items):,} candidates ≈ {per * len(items):,.0f} s wall "
              f"(measured {len(sample)} evenly spaced candidates × {len(items) / len(sample):.1f})")
    total = sum(r[1] for r in ck.rows)
    print(f"total wall {total:,.1f} s (target 600 s for 1,000 candidates on 100k firms); peak "
          f"memory {peak:,.0f} MiB (largest worker {peak_children:,.0f} MiB)")
    print(f"load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
