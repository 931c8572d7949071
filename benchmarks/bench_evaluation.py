"""Benchmark of the evaluation engine: the panel pipeline on large panels, and TOPSIS / entropy
against pymcdm on the same matrices.

    python benchmarks/bench_evaluation.py            # 300 and 2,850 regions × 20 years × 40 indicators
    python benchmarks/bench_evaluation.py --small    # quick run

Prints sizes, seconds (best of ``--repeat``), peak traced memory and the ratio to pymcdm.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.evaluation import (
    IndicatorSystem,
    coupling_coordination,
    entropy_weights,
    evaluate_panel,
    topsis,
)


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20, out


def _panel(regions: int, years: int, indicators: int, seed: int = 0) -> tuple[pd.DataFrame,
                                                                             IndicatorSystem]:
    rng = np.random.default_rng(seed)
    level = rng.lognormal(0, 1, size=(regions, 1, indicators))
    growth = 1 + 0.05 * rng.standard_normal((1, years, indicators))
    values = level * np.cumprod(growth, axis=1) * rng.lognormal(0, 0.1, (regions, years,
                                                                          indicators))
    r, y, i = np.meshgrid(np.arange(regions), np.arange(2000, 2000 + years),
                          np.arange(indicators), indexing="ij")
    long = pd.DataFrame({"region": np.char.add("R", r.ravel().astype(str)), "year": y.ravel(),
                         "indicator": np.char.add("x", i.ravel().astype(str)),
                         "value": values.ravel()})
    subs = ["创新链", "产业链", "资金链", "人才链"]
    system = IndicatorSystem.from_frame(pd.DataFrame({
        "indicator": [f"x{k}" for k in range(indicators)],
        "subsystem": [subs[k % 4] for k in range(indicators)],
        "direction": ["-" if k % 7 == 3 else "+" for k in range(indicators)]}), "bench")
    return long, system


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regions", type=int, default=300)
    ap.add_argument("--years", type=int, default=20)
    ap.add_argument("--indicators", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()
    if args.small:
        args.regions, args.years, args.indicators = 30, 5, 12
    from pymcdm.methods import TOPSIS
    from pymcdm.weights import entropy_weights as pymcdm_entropy

    rows = []
    sizes = [args.regions] if args.small else [args.regions, 2850]  # 2,850 ≈ China's counties
    for regions in sizes:
        long, system = _panel(regions, args.years, args.indicators)
        size = f"{regions}×{args.years}×{args.indicators} ({len(long):,} values)"
        for label, kw in (("panel entropy-linear pooled", {}),
                          ("panel entropy-topsis yearly", {"scoring": "topsis",
                                                           "pooling": "yearly"}),
                          ("panel critic-linear pooled", {"weighting": "critic"})):
            sec, mem, res = _timed(lambda kw=kw, lg=long, sy=system: evaluate_panel(lg, sy, **kw),
                                   1 if regions > 1000 else args.repeat)
            rows.append((label, size, sec, mem, None, None))
        assert len(res.scores) == regions * args.years

    rng = np.random.default_rng(1)
    for m in (args.regions * args.years, 100_000):
        X = rng.lognormal(0, 1, size=(m, args.indicators))
        types = np.where(np.arange(args.indicators) % 7 == 3, -1, 1)
        w = entropy_weights(X, types)
        sec, mem, ours = _timed(lambda X=X, w=w, types=types: topsis(X, w, types).closeness,
                                args.repeat)
        ref_sec, _, theirs = _timed(lambda X=X, w=w, types=types: TOPSIS()(X, w, types),
                                    args.repeat)
        assert np.allclose(ours, theirs, atol=1e-10)
        rows.append(("TOPSIS min-max (same weights)", f"{m:,}×{args.indicators}", sec, mem,
                     ref_sec, ref_sec / sec))
        sec, mem, _ = _timed(lambda X=X: entropy_weights(X, standardised=True), args.repeat)
        ref_sec, _, _ = _timed(lambda X=X: pymcdm_entropy(X), args.repeat)
        rows.append(("entropy weights (raw, = pymcdm)", f"{m:,}×{args.indicators}", sec, mem,
                     ref_sec, ref_sec / sec))
    U = rng.random((1_000_000, 4))
    for variant in ("standard", "wang"):
        sec, mem, _ = _timed(lambda v=variant: coupling_coordination(U, v), args.repeat)
        rows.append((f"coupling {variant} n=4", "1,000,000 rows", sec, mem, None, None))

    table = pd.DataFrame(rows, columns=["task", "size", "seconds", "peak_MiB", "pymcdm_s",
                                        "speedup_vs_pymcdm"])
    with pd.option_context("display.width", 160, "display.float_format", "{:.4g}".format):
        print(table.to_string(index=False))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
