"""Benchmarks of the ``ioa`` engine against pymrio and BoARIO, measured in the same run.

1. Multipliers + Rasmussen linkages (Ghosh forward index) on dense random tables, against
   pymrio's ``calc_system`` (A, x, L by a dense inverse) plus the column/row sums of L.
2. Hypothetical extraction (backward, forward, total) for every sector (rank-one closed forms),
   with the per-sector re-solve as the reference on a sample of sectors (extrapolated).
3. ARIO milliseconds per step against BoARIO's ``ARIOPsiModel`` (recovery event, same table),
   and the scaling from 1 to 2 threads (``CHAINATLAS_THREADS``) with the machine as it is
   ("idle") and with one competing busy process ("busy"): ms per step, CPU / wall, speed-up.

Usage::

    python benchmarks/bench_ioa.py                       # full sizes (a few minutes)
    python benchmarks/bench_ioa.py --sizes 500 --ario-sizes 48 300 --hem-size 500   # quick

Prints one table per part: sizes, seconds, peak memory (tracemalloc, MiB) and the ratio.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from _busy import busy_process, threads

from chainatlas.ioa import (
    LeontiefSolver,
    extraction_direct,
    hypothetical_extraction,
    rasmussen_linkages,
    technical_coefficients,
)
from chainatlas.ioa.ario import ARIOEvent, ARIOModel
from chainatlas.model.iotable import IOTable


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(seconds, peak MiB traced, result) of one call."""
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return dt, peak / 2**20, out


def random_mrio(regions: int, sectors: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray,
                                                                     np.ndarray]:
    """A dense random productive table: (Z, Y with one category per region, x)."""
    rng = np.random.default_rng(seed)
    n = regions * sectors
    A = rng.random((n, n))
    A *= rng.uniform(0.3, 0.7, n) / A.sum(axis=0)
    Y = np.zeros((n, regions))
    f = rng.uniform(50.0, 150.0, n)
    Y[np.arange(n), rng.integers(0, regions, n)] = f
    x = np.linalg.solve(np.eye(n) - A, Y.sum(axis=1))
    return A * x, Y, x


def _multiplier_case(n: int) -> dict[str, float]:
    import pymrio

    Z, Y, x = random_mrio(1, n, seed=n)
    idx = pd.MultiIndex.from_product([["R"], [f"s{i}" for i in range(n)]],
                                     names=["region", "sector"])
    cols = pd.MultiIndex.from_product([["R"], ["fd"]], names=["region", "category"])
    Zf = pd.DataFrame(Z, index=idx, columns=idx)
    Yf = pd.DataFrame(Y, index=idx, columns=cols)

    def ref() -> Any:
        io = pymrio.IOSystem(Z=Zf.copy(), Y=Yf.copy())
        io.calc_system()
        L = io.L.to_numpy()
        return L.sum(axis=0), L.sum(axis=1)

    def ours() -> Any:
        s = LeontiefSolver(technical_coefficients(Z, x), x)
        return rasmussen_linkages(s)

    t_ref, m_ref, (m_p, _) = measure(ref)
    t_our, m_our, lk = measure(ours)
    err = float(np.max(np.abs(lk.multipliers_ - m_p) / m_p))
    return {"n": n, "pymrio_s": t_ref, "pymrio_MiB": m_ref, "ours_s": t_our,
            "ours_MiB": m_our, "speedup": t_ref / t_our, "max_rel_diff": err}


def bench_multipliers(sizes: list[int]) -> pd.DataFrame:
    rows = []
    for n in sizes:
        rows.append(_multiplier_case(n))
        gc.collect()
    return pd.DataFrame(rows)


def bench_hem(n: int, sample: int = 5) -> pd.DataFrame:
    Z, Y, x = random_mrio(1, n, seed=1)
    f = Y.sum(axis=1)
    A = technical_coefficients(Z, x)

    def ours() -> Any:
        return hypothetical_extraction(LeontiefSolver(A, x), f)

    t_our, m_our, ex = measure(ours)
    picks = np.linspace(0, n - 1, sample).astype(int)
    t0 = time.perf_counter()
    err = 0.0
    for j in picks:
        for kind, got in (("backward", ex.backward_), ("forward", ex.forward_),
                          ("total", ex.total_)):
            d = extraction_direct(A, f, x, int(j), kind)  # type: ignore[arg-type]
            err = max(err, abs(d - got[j]) / max(abs(d), 1e-12 * x.sum()))
    per_sector = (time.perf_counter() - t0) / sample
    return pd.DataFrame([{"n": n, "ours_all_sectors_s": t_our, "ours_MiB": m_our,
                          "direct_per_sector_s": per_sector,
                          "direct_all_sectors_s_est": per_sector * n,
                          "speedup_est": per_sector * n / t_our, "max_rel_diff": err}])


def _boario_steps(table_io: Any, impact: pd.Series, steps: int) -> float:
    from boario.event import from_series
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ARIOPsiModel(table_io)
        sim = Simulation(model, n_temporal_units_to_sim=steps)
        sim.add_event(from_series(impact, event_type="recovery", occurrence=1, duration=5,
                                  recovery_tau=60, event_monetary_factor=10**6))
        t0 = time.perf_counter()
        sim.loop()
        return (time.perf_counter() - t0) / steps


def bench_ario(sizes: list[int], steps: int, boario_steps: int) -> pd.DataFrame:
    import pymrio

    logging.getLogger("boario").setLevel(logging.ERROR)
    rows = []
    for n in sizes:
        if n == 48:
            io = pymrio.load_test()
            io.calc_system()
            shape = "6×8 (pymrio test)"
        else:
            sectors = 50 if n >= 1000 else 25
            regions = n // sectors
            Z, Y, _ = random_mrio(regions, sectors, seed=n)
            idx = pd.MultiIndex.from_product([[f"r{i:02d}" for i in range(regions)],
                                              [f"s{j:02d}" for j in range(sectors)]],
                                             names=["region", "sector"])
            cols = pd.MultiIndex.from_product([[f"r{i:02d}" for i in range(regions)], ["fd"]],
                                              names=["region", "category"])
            io = pymrio.IOSystem(Z=pd.DataFrame(Z, index=idx, columns=idx),
                                 Y=pd.DataFrame(Y, index=idx, columns=cols))
            io.calc_system()
            shape = f"{regions}×{sectors}"
        from chainatlas.readers.io_pymrio import table_from_pymrio

        table: IOTable = table_from_pymrio(io, check=False)
        va = table.x - table.Z.sum(axis=0)
        hit = np.arange(0, table.n, max(1, table.n // 5))[:5]
        impact_vec = np.zeros(table.n)
        impact_vec[hit] = 0.3 * 4 * va[hit]
        ev = ARIOEvent(impact_vec, occurrence=1, duration=5, recovery_tau=60)
        ARIOModel().simulate(table, [ev], 8)  # compile the kernels outside the timing
        with threads(1):
            ARIOModel().simulate(table, [ev], 8)
        t0 = time.perf_counter()
        ARIOModel().simulate(table, [ev], steps)
        t_our = time.perf_counter() - t0  # timed without tracemalloc (it slows Python code)
        _, m_our, _ = measure(lambda t=table, e=ev: ARIOModel().simulate(t, [e], 10))
        impact = pd.Series(impact_vec[hit], index=table.index[hit])
        t_ref = _boario_steps(io, impact, boario_steps)
        ms_our = 1000 * t_our / steps
        row = {"n": table.n, "regions×sectors": shape, "nnz(Z)": int((table.Z != 0).sum()),
               "boario_ms_step": 1000 * t_ref, "ours_ms_step": ms_our, "ours_MiB": m_our,
               "speedup": 1000 * t_ref / ms_our}
        # scaling from 1 to 2 threads (CHAINATLAS_THREADS), idle-as-it-is and with one
        # competing busy process; fastest of two interleaved runs, ms per step (CPU/wall)
        for busy in (False, True):
            with busy_process(busy):
                best = {}
                for _ in range(2):
                    for k in (1, 2):
                        with threads(k):
                            t0, c0 = time.perf_counter(), time.process_time()
                            ARIOModel().simulate(table, [ev], steps)
                            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
                        if k not in best or dt < best[k][0]:
                            best[k] = (dt, cpu)
            tag = "busy" if busy else "idle"
            for k in (1, 2):
                row[f"{k}t_{tag}_ms"] = 1000 * best[k][0] / steps
                row[f"{k}t_{tag}_cpu/wall"] = best[k][1] / best[k][0]
            row[f"1→2_{tag}"] = best[1][0] / best[2][0]
        row["load"] = os.getloadavg()[0]
        rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="*", default=[1000, 2000, 4000])
    p.add_argument("--hem-size", type=int, default=4000)
    p.add_argument("--ario-sizes", type=int, nargs="*", default=[48, 1000, 2000])
    p.add_argument("--ario-steps", type=int, default=200)
    p.add_argument("--boario-steps", type=int, default=40)
    p.add_argument("--skip", nargs="*", default=[], choices=["multipliers", "hem", "ario"])
    a = p.parse_args()
    pd.set_option("display.width", 160)
    pd.set_option("display.float_format", lambda v: f"{v:.4g}")
    if "multipliers" not in a.skip and a.sizes:
        print("\n== multipliers + linkages vs pymrio calc_system (dense random tables) ==")
        print(bench_multipliers(a.sizes).to_string(index=False), flush=True)
    if "hem" not in a.skip and a.hem_size:
        print("\n== hypothetical extraction, all sectors (backward, forward, total) ==")
        print(bench_hem(a.hem_size).to_string(index=False), flush=True)
    if "ario" not in a.skip and a.ario_sizes:
        print(f"\n== ARIO ms per step vs BoARIO ({a.ario_steps} steps ours, "
              f"{a.boario_steps} steps BoARIO; recovery event in 5 industries) ==")
        print(bench_ario(a.ario_sizes, a.ario_steps, a.boario_steps).to_string(index=False),
              flush=True)
    import resource

    print(f"\nprocess peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} "
          "GiB")


if __name__ == "__main__":
    main()
