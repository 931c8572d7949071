"""Every firm's ESRI on generated networks, frontier kernel vs the straightforward full sweep.

Usage::

    python3 benchmarks/bench_esri.py [--sizes 10000,100000,1000000] [--degree 6]
        [--generator chain|random] [--sample N] [--full-sweep-sample M] [--threads T[,T2...]]

For each size: build a network (``chain``: the project's synthetic national network — tiered
segments with an acyclic bill of materials, heavy-tailed degrees and values; ``random``: a
Chung–Lu power-law network with heavy-tailed in- and out-degrees, strongly connected), then time
the frontier method on every firm (or on ``--sample`` evenly spaced firms: the all-firm time is
then an **extrapolation**, labelled so), and the full sweep on ``--full-sweep-sample`` firms in
the same process, checking that both give the same ESRI and the same step count. Prints sizes,
wall and CPU seconds, ms per firm, peak memory and the ratio to ESRIcascade.jl's published
0.78 ms/firm (10k) and 9.9 ms/firm (100k, one thread).
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

from chainatlas.risk import esri_network, esri_single_firms, full_sweep_model  # noqa: E402

ESRICASCADE_MS = {10_000: 0.78, 100_000: 9.9}


def chain_network(n: int, degree: float, seed: int):
    from chainatlas.datasets.synthetic import generate_network
    from chainatlas.model.dataset import Dataset
    from chainatlas.services.risk import essentiality_of, risk_input_of

    ds = Dataset.from_frames("bench", generate_network(n, int(degree * n), n_sectors=50,
                                                       seed=seed))
    ri = risk_input_of(ds)
    links = ds.supply_links
    pos = {k: i for i, k in enumerate(ri.firm_ids)}
    s = links["supplier"].astype(str).map(pos).to_numpy()
    c = links["customer"].astype(str).map(pos).to_numpy()
    w = links["value"].to_numpy(dtype=float)
    return s, c, w, ri.net.sector, essentiality_of(ds, ri.sectors)


def random_network(n: int, degree: float, seed: int):
    rng = np.random.default_rng(seed)
    m = int(degree * n)
    a = rng.pareto(2.1, n) + 1
    b = rng.pareto(2.1, n) + 1
    s = rng.choice(n, m, p=a / a.sum())
    c = rng.choice(n, m, p=b / b.sum())
    w = rng.lognormal(2.0, 1.5, m) + 1.0
    n_sec = 20
    sec = rng.integers(0, n_sec, n)
    ess = rng.choice([0, 1, 2], (n_sec, n_sec), p=[0.3, 0.5, 0.2])
    return s, c, w, sec, ess


def wts_of(net):
    return net.out_strength_weights()


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--degree", type=float, default=6.0)
    ap.add_argument("--generator", choices=("chain", "random"), default="chain")
    ap.add_argument("--sample", type=int, default=0,
                    help="firms to run per size (0: all firms)")
    ap.add_argument("--full-sweep-sample", type=int, default=20)
    ap.add_argument("--threads", default=None,
                    help="thread counts to time the frontier method with, e.g. 2,1 "
                         "(default: CHAINATLAS_THREADS, else all)")
    ap.add_argument("--no-substitution", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sub = not args.no_substitution
    gen = chain_network if args.generator == "chain" else random_network
    import numba

    from chainatlas.config import compute_threads

    allowed = compute_threads(numba.config.NUMBA_NUM_THREADS)
    thread_list = [allowed] if args.threads is None else \
        [max(1, min(int(t), allowed)) for t in str(args.threads).split(",")]
    print(f"load average {os.getloadavg()}, cpus {os.cpu_count()}, threads {thread_list}, "
          f"generator {args.generator}, σ {'on' if sub else 'off'}, ε 0.01", flush=True)
    warm = esri_network([0, 1], [1, 2], [1.0, 1.0], [0, 0, 0], [[2]])
    esri_single_firms(warm)
    header = ("firms", "links", "run", "threads", "wall_s", "cpu_s", "ms/firm", "cpu_ms/firm",
              "touched", "steps",
              "all_firms_s", "full_ms/firm", "speedup", "max|Δ|", "steps=", "ESRIcascade.jl",
              "peak_MB", "load1")
    print(" | ".join(header))
    for n in (int(x) for x in args.sizes.split(",")):
        s, c, w, sec, ess = gen(n, args.degree, args.seed)
        t_b = time.perf_counter()
        net = esri_network(s, c, w, sec, ess)
        print(f"# {n} firms: network built in {time.perf_counter() - t_b:.1f} s, "
              f"load average {os.getloadavg()}", flush=True)
        firms = np.arange(n) if args.sample <= 0 or args.sample >= n else \
            np.linspace(0, n - 1, args.sample).astype(np.int64)
        fs = full_sweep_model(s, c, w, sec, ess)
        pick = firms[np.linspace(0, firms.size - 1, min(args.full_sweep_sample, firms.size))
                     .astype(np.int64)]
        full: list[tuple[int, float, int]] = []
        t1 = time.perf_counter()
        for k in pick:
            psi = np.ones(n)
            psi[k] = 0.0
            hd, hu, steps, _ = fs.run(psi, substitution=sub)
            full.append((int(k), float(wts_of(net) @ (1 - np.minimum(hd, hu))), steps))
        fms = 1e3 * (time.perf_counter() - t1) / max(pick.size, 1)
        for th in thread_list:
            t0, c0 = time.perf_counter(), _cpu()
            res = esri_single_firms(net, firms, substitution=sub, threads=th)
            wall, cpu = time.perf_counter() - t0, _cpu() - c0
            ms = 1e3 * wall / firms.size
            all_s = wall if firms.size == n else ms * n / 1e3
            all_label = f"{all_s:.1f}" if firms.size == n else f"{all_s:.1f} (extrapolated)"
            diff, same = 0.0, 0
            for k, e_full, st_full in full:
                r = int(np.searchsorted(firms, k))
                diff = max(diff, abs(e_full - res.esri[r]))
                same += int(st_full == res.steps[r])
            ref = ESRICASCADE_MS.get(n)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(" | ".join(str(x) for x in (
                n, net.n_links, firms.size, th, f"{wall:.2f}", f"{cpu:.2f}", f"{ms:.3f}",
                f"{1e3 * cpu / firms.size:.3f}",
                f"{res.touched.mean():.0f}", f"{res.steps.mean():.2f}", all_label, f"{fms:.2f}",
                f"{fms / ms:.1f}x", f"{diff:.1e}", f"{same}/{len(full)}",
                f"{ref} ms/firm (1 thread)" if ref else "-", f"{peak:.0f}",
                f"{os.getloadavg()[0]:.1f}")), flush=True)
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
