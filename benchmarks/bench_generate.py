"""Benchmark: generate synthetic firm networks and write them as Parquet.

    python benchmarks/bench_generate.py            # 100k/500k and 1M/5M
    python benchmarks/bench_generate.py --small    # 10k/50k and 100k/500k

Each size runs in a fresh subprocess so the peak resident memory (``ru_maxrss``) is its own.
"gen s" is wall time, "cpu s" the process CPU time (what the run costs on an idle machine).
The reference is networkx's Chung–Lu generator (``expected_degree_graph``) on the same expected
degrees, measured in the same run at the reference size (it is a pure-Python loop, so it only runs
at the smaller sizes); the ratio is reference seconds / our generation seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

_CHILD = r"""
import json, resource, sys, time, tempfile
from pathlib import Path
n, m, ref = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
from chainatlas.datasets.synthetic import generate_network, write_network
t0, c0 = time.perf_counter(), time.process_time()
net = generate_network(n, m, n_sectors=50, seed=0)
t_gen, c_gen = time.perf_counter() - t0, time.process_time() - c0
with tempfile.TemporaryDirectory() as d:
    t0 = time.perf_counter()
    paths = write_network(net, d)
    t_write = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in paths.values())
out = {"firms": n, "links": m, "gen_s": t_gen, "gen_cpu_s": c_gen, "write_s": t_write, "parquet_mb": size / 2**20,
       "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
links = net["supply_links"]
deg = links["supplier"].value_counts()
out["max_out_degree"] = int(deg.max())
out["mean_out_degree"] = m / n
if ref:
    import networkx as nx
    import numpy as np
    w = deg.reindex(net["firms"]["id"], fill_value=0).to_numpy(float)
    w = w * (2 * m / w.sum()) / 2  # expected degrees giving ~m undirected edges
    t0 = time.perf_counter()
    g = nx.expected_degree_graph(w.tolist(), seed=0, selfloops=False)
    out["ref_s"] = time.perf_counter() - t0
    out["ref_edges"] = g.number_of_edges()
print(json.dumps(out))
"""


def run(n: int, m: int, ref: bool) -> dict[str, float]:
    res = subprocess.run([sys.executable, "-c", _CHILD, str(n), str(m), "1" if ref else "0"],
                         check=True, capture_output=True, text=True, timeout=1200)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--small", action="store_true", help="run the small sizes only")
    args = ap.parse_args()
    sizes = [(10_000, 50_000, True), (100_000, 500_000, True)] if args.small else \
        [(100_000, 500_000, True), (1_000_000, 5_000_000, False)]
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} (timings scale with load)")
    print(f"{'firms':>10} {'links':>10} {'gen s':>7} {'cpu s':>7} {'write s':>8} {'parquet MB':>10} "
          f"{'peak MB':>8} {'max/mean deg':>12} {'networkx s':>10} {'ratio':>7}")
    with tempfile.TemporaryDirectory():
        for n, m, ref in sizes:
            r = run(n, m, ref)
            ref_s = r.get("ref_s")
            ratio = f"{ref_s / r['gen_s']:7.1f}" if ref_s else f"{'-':>7}"
            ref_txt = f"{ref_s:10.2f}" if ref_s else f"{'-':>10}"
            print(f"{r['firms']:>10,} {r['links']:>10,} {r['gen_s']:7.2f} {r['gen_cpu_s']:7.2f} "
                  f"{r['write_s']:8.2f} "
                  f"{r['parquet_mb']:10.1f} {r['peak_mb']:8.0f} "
                  f"{r['max_out_degree'] / r['mean_out_degree']:12.0f} {ref_txt} {ratio}",
                  flush=True)


if __name__ == "__main__":
    main()
