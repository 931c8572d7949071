"""Benchmarks of the cluster and advise engines.

1. Economic complexity (RCA → ECI/PCI → proximity → density/COI/COG) on a random
   3,000 regions × 5,000 activities matrix (target ≤ 5 s), double and single precision, with
   peak memory; py-ecomplexity 0.5.3 side by side on a size it handles, same matrix.
2. Advice (补链/强链/延链/建链 with candidates) on a generated 100,000-firm network
   (target ≤ 10 s, generation not timed).

Run: ``python benchmarks/bench_cluster.py`` (``--quick`` for small sizes).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd


def _matrix(C: int, P: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.lognormal(0.0, 2.0, (C, P)) * (rng.random((C, P)) < 0.5)
    return pd.DataFrame(X, index=[f"r{i}" for i in range(C)], columns=[f"p{j}" for j in range(P)])


_CPU: list[float] = []  # CPU seconds (all threads) of each timed run, in order


def _measure(fn):  # type: ignore[no-untyped-def]
    """(result, seconds, peak MiB): timed untraced, then run again under tracemalloc for memory
    (tracing slows Python-level allocations, so the two are kept apart)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    dt = time.perf_counter() - t0
    _CPU.append(time.process_time() - c0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, dt, peak / 2**20


def _ecomplexity(X: pd.DataFrame):  # type: ignore[no-untyped-def]
    import ecomplexity

    long = X.stack().rename("val").reset_index()
    long.columns = ["loc", "prod", "val"]
    long["time"] = 2020
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity.ecomplexity(long, {"time": "time", "loc": "loc", "prod": "prod",
                                              "val": "val"},
                                       check_logsupermodularity=False, verbose=False)


def bench_complexity(C: int, P: int, ref_size: tuple[int, int]) -> list[dict[str, object]]:
    from chainatlas.cluster import economic_complexity

    rows: list[dict[str, object]] = []
    X = _matrix(C, P)
    for precision in ("single", "double"):
        res, dt, mem = _measure(lambda p=precision: economic_complexity(X, precision=p))
        rows.append({"task": f"complexity {C}×{P} ({precision})", "seconds": round(dt, 2),
                     "cpu_s": round(_CPU[-1], 2),
                     "peak_MiB": round(mem), "reference_s": None, "ratio": None,
                     "check": f"λ2={res.eigenvalue:.5f}"})
    c, p = ref_size
    Xs = _matrix(c, p, seed=1)
    ours, dt, mem = _measure(lambda: economic_complexity(Xs))
    cpu = _CPU[-1]
    ref, rdt, rmem = _measure(lambda: _ecomplexity(Xs))
    rcpu = _CPU[-1]
    eci_ref = ref.groupby("loc")["eci"].first().reindex(Xs.index).to_numpy()
    cog_ref = ref.pivot(index="loc", columns="prod", values="cog").reindex(
        index=Xs.index, columns=Xs.columns).to_numpy()
    err = max(np.abs(ours.eci - eci_ref).max(), np.abs(ours.cog - cog_ref).max())
    rows.append({"task": f"complexity {c}×{p} (double)", "seconds": round(dt, 3),
                 "cpu_s": round(cpu, 3),
                 "peak_MiB": round(mem), "reference_s": round(rdt, 3),
                 "ratio": round(rdt / dt, 1), "check": f"max |Δ| vs ecomplexity {err:.1e}"})
    rows.append({"task": f"  ecomplexity 0.5.3 {c}×{p}", "seconds": round(rdt, 3),
                 "cpu_s": round(rcpu, 3),
                 "peak_MiB": round(rmem), "reference_s": None, "ratio": None, "check": ""})
    return rows


def bench_advice(n_firms: int, n_links: int, n_sectors: int) -> list[dict[str, object]]:
    from chainatlas.advise import advise_region
    from chainatlas.datasets.synthetic import generate_network
    from chainatlas.model.dataset import Dataset

    net = generate_network(n_firms, n_links, n_sectors, seed=1)
    ds = Dataset.from_frames("synthetic", net)
    region = str(net["firms"]["region"].value_counts().index[0])
    res, dt, mem = _measure(lambda: advise_region(ds, region, top=10, candidates=5))
    n_cand = sum(len(r["candidates"]) for r in res.recommendations)
    return [{"task": f"advise {n_firms:,} firms / {n_links:,} links / {n_sectors} segments",
             "seconds": round(dt, 2), "cpu_s": round(_CPU[-1], 2), "peak_MiB": round(mem),
             "reference_s": None, "ratio": None,
             "check": f"region {region}: {len(res.recommendations)} recs, {n_cand} candidates"}]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a few seconds)")
    args = ap.parse_args()
    if args.quick:
        rows = bench_complexity(300, 500, (100, 150)) + bench_advice(10_000, 50_000, 30)
    else:
        rows = bench_complexity(3000, 5000, (600, 1000)) + bench_advice(100_000, 500_000, 50)
    import os

    table = pd.DataFrame(rows)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {os.cpu_count()}, load average (1 min) at the end: {load:.1f}; "
          "seconds = wall clock, cpu_s = CPU seconds over all threads")
    with pd.option_context("display.width", 160, "display.max_colwidth", 60):
        print(table.to_string(index=False))
    print("targets: complexity 3,000 × 5,000 ≤ 5 s; advice on 100k firms ≤ 10 s")


if __name__ == "__main__":
    main()
