"""Benchmark: a national-size firm network loaded in chunks, chokepoints, 30 simulated days.

    python benchmarks/bench_national.py                 # 10M firms / 50M links (needs ≥ 16 GB free)
    python benchmarks/bench_national.py --quick         # 200k firms / 1M links
    python benchmarks/bench_national.py --firms 1000000 --links 5000000

Three stages, each in a fresh subprocess so each peak resident memory (``ru_maxrss``) is its own:

1. **write** — a heavy-tailed Chung–Lu network (Pareto firm sizes, tail exponent 2.3, 50
   segments, link segment = supplier's segment, 1 % of firms abroad) written as Parquet in
   chunks of 5M links (the in-memory generator ``chainatlas.datasets.synthetic.generate_network``
   holds every table as frames and does not fit a 10M/50M network in a 12 GB budget);
2. **run** — :func:`chainatlas.services.scale.large_run`: chunked Parquet → CSR
   (:mod:`chainatlas.network.csr_io`), the chokepoint screen, the dynamic-model network, and
   30 days of the Inoue–Todo model with 1 % of firms at half capacity (the reference
   simulator's speed benchmark scenario).

Targets (10M / 50M): ≤ 2 s per simulated day, ≤ 12 GB peak. Reference: the authors' C++
simulator (proNet), published/measured figures of ``references/firm_models.md`` §7 — 2.7 s per
day at 1M / 5M on one thread (not installable here: marked "published").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_WRITE = r"""
import json, resource, sys, time
from pathlib import Path
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
n, m, out, seed = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
t0 = time.perf_counter()
rng = np.random.default_rng(seed)
S = 50
out.mkdir(parents=True, exist_ok=True)
width = len(str(n))
ids = pa.array(np.char.add("F", np.char.zfill(np.arange(n).astype(str), width)), pa.large_string())
seg_ids = pa.array([f"s{k:02d}" for k in range(S)], pa.large_string())
pq.write_table(pa.table({"id": seg_ids, "name": seg_ids, "essential": pa.array([True] * S)}),
               out / "segments.parquet")
size = (1.0 - rng.random(n)) ** (-1.0 / 1.3)
seg = rng.integers(0, S, n)
cities = pa.array([f"{310100 + 100 * k}" for k in range(300)] + ["JPN", "KOR", "DEU"], pa.large_string())
foreign = rng.random(n) < 0.01
city = np.where(foreign, 300 + rng.integers(0, 3, n), rng.integers(0, 300, n))
out_value = np.round(300.0 * size, 1)
step = 1 << 20
with pq.ParquetWriter(out / "firms.parquet", pa.schema([("id", pa.large_string()),
        ("region", pa.large_string()), ("country", pa.large_string())])) as w:
    for a in range(0, n, step):
        b = min(n, a + step)
        country = pa.array(np.where(foreign[a:b], "JPN", "CHN"), pa.large_string())
        w.write_table(pa.table({"id": ids[a:b], "region": cities.take(pa.array(city[a:b])),
                                "country": country}))
with pq.ParquetWriter(out / "firm_segments.parquet", pa.schema([("firm", pa.large_string()),
        ("segment", pa.large_string()), ("capacity", pa.float64()), ("output_value", pa.float64())])) as w:
    for a in range(0, n, step):
        b = min(n, a + step)
        w.write_table(pa.table({"firm": ids[a:b], "segment": seg_ids.take(pa.array(seg[a:b])),
                                "capacity": out_value[a:b] / 3.0, "output_value": out_value[a:b]}))
cw_out = np.cumsum(size * rng.lognormal(0, 0.4, n)); cw_out /= cw_out[-1]
cw_in = np.cumsum(size * rng.lognormal(0, 0.4, n)); cw_in /= cw_in[-1]
written = 0
chunk = 5_000_000
with pq.ParquetWriter(out / "supply_links.parquet", pa.schema([("supplier", pa.large_string()),
        ("customer", pa.large_string()), ("segment", pa.large_string()), ("value", pa.float64()),
        ("lead_time_days", pa.float64())])) as w:
    while written < m:
        k = min(chunk, m - written)
        sup = np.minimum(np.searchsorted(cw_out, rng.random(k)), n - 1)
        cus = np.minimum(np.searchsorted(cw_in, rng.random(k)), n - 1)
        ok = (sup != cus) & (seg[sup] != seg[cus])
        sup, cus = sup[ok], cus[ok]
        value = np.round(0.2 * out_value[sup] * rng.lognormal(0, 1, len(sup)) / 5, 2) + 0.01
        w.write_table(pa.table({"supplier": ids.take(pa.array(sup)), "customer": ids.take(pa.array(cus)),
                                "segment": seg_ids.take(pa.array(seg[sup])), "value": value,
                                "lead_time_days": rng.uniform(0.5, 8.0, len(sup))}))
        written += len(sup)
mb = sum(p.stat().st_size for p in out.glob("*.parquet")) / 2**20
print(json.dumps({"write_s": time.perf_counter() - t0, "parquet_mb": mb, "links": written,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_RUN = r"""
import json, sys
from chainatlas.services.scale import large_run
res = large_run(sys.argv[1], days=int(sys.argv[2]), chokepoints=sys.argv[3] == "1",
                log=lambda s: print(s, file=sys.stderr, flush=True))
print(json.dumps(res))
"""


def _child(code: str, *args: str, timeout: int = 3600) -> dict[str, float]:
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         timeout=timeout)
    sys.stderr.write(res.stderr[-3000:])
    if res.returncode != 0:
        raise SystemExit(f"child failed with exit code {res.returncode}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def available_gb() -> float:
    """Memory available to new processes (``MemAvailable``), GiB."""
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="200k firms / 1M links")
    ap.add_argument("--firms", type=int, default=10_000_000)
    ap.add_argument("--links", type=int, default=50_000_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--no-chokepoints", action="store_true")
    ap.add_argument("--keep", type=Path, help="write the Parquet folder here and keep it")
    ap.add_argument("--min-free-gb", type=float, default=16.0,
                    help="refuse to start the full size below this much available memory")
    args = ap.parse_args()
    n, m = (200_000, 1_000_000) if args.quick else (args.firms, args.links)
    free = available_gb()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"{free:.1f} GiB available")
    if m >= 20_000_000 and free < args.min_free_gb:
        raise SystemExit(f"only {free:.1f} GiB available; the {n:,}/{m:,} run needs "
                         f"≥ {args.min_free_gb:g} GiB (see --min-free-gb)")
    tmp = Path(tempfile.mkdtemp(prefix="chainatlas-national-"))
    folder = args.keep or tmp / "net"
    try:
        w = _child(_WRITE, str(n), str(m), str(folder), "0")
        r = _child(_RUN, str(folder), str(args.days), "0" if args.no_chokepoints else "1")
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    ref = 2.7 * (m / 5_000_000)  # proNet 1 thread, published 1M/5M figure, scaled by links
    print(f"{'stage':<34} {'seconds':>9} {'peak MB':>9}")
    print(f"{'write Parquet (chunked generator)':<34} {w['write_s']:9.1f} {w['peak_mb']:9.0f}")
    print(f"{'load: Parquet → CSR (chunked)':<34} {r['load_s']:9.1f} {r['rss_after_load_mb']:9.0f}")
    if "chokepoints_s" in r:
        print(f"{'chokepoint screen':<34} {r['chokepoints_s']:9.1f}")
    print(f"{'model network + layout':<34} {r['model_build_s']:9.1f}")
    print(f"{'simulate ' + str(r['days']) + ' days':<34} {r['simulate_s']:9.1f} {r['peak_rss_mb']:9.0f}")
    print(f"firms {r['firms']:,}  links {r['links']:,}  parquet {w['parquet_mb']:.0f} MB  "
          f"graph {r['bytes_per_link']:.0f} B/link + {r['bytes_per_firm']:.0f} B/firm")
    print(f"s/day {r['s_per_day']:.3f} (target ≤ 2: {'met' if r['s_per_day'] <= 2 else 'not met'}); "
          f"peak {r['peak_rss_mb'] / 1024:.2f} GB (target ≤ 12: "
          f"{'met' if r['peak_rss_mb'] <= 12 * 1024 else 'not met'}); active firms "
          f"{r['active_firms']:,}; min output ratio {r['min_output_ratio']:.4f}")
    print(f"reference proNet (published, 1 thread, scaled by links): {ref:.2f} s/day; "
          f"ratio {ref / max(r['s_per_day'], 1e-9):.1f}x")
    print("RESULT " + json.dumps({"bench": "national", "firms": r["firms"], "links": r["links"],
                                  "s_per_day": r["s_per_day"], "peak_mb": r["peak_rss_mb"],
                                  "load_s": r["load_s"], "chokepoints_s": r.get("chokepoints_s"),
                                  "bytes_per_link": r["bytes_per_link"], "ref_s_per_day": ref}))


if __name__ == "__main__":
    main()
