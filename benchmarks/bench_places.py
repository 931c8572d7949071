"""Benchmark: resolve 100,000 free-text addresses to region codes (target: ≤ 30 s).

    python benchmarks/bench_places.py             # 100,000 addresses
    python benchmarks/bench_places.py --n 20000

The addresses are generated from the labelled set's kinds, each with its own street number, so
nearly every string is distinct and the per-string cache does not help: Chinese addresses
(simplified and traditional), English and pinyin addresses with street, district and city,
foreign addresses. The reference, measured in the same process, is ``cpca.transform`` — the
Chinese-address parser this project used before — on the Chinese addresses only (it reads no
English, pinyin or foreign address). Printed: sizes, wall and CPU time, peak memory, the share
resolved / ambiguous / unresolved, and the ratio of the two per-address times.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _templates() -> list[str]:
    with (ROOT / "tests" / "data" / "places_labelled.csv").open(encoding="utf-8") as fh:
        return [r["input"] for r in csv.DictReader(fh)]


def addresses(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    base = _templates()
    out = []
    for i in range(n):
        t = rng.choice(base)
        k = rng.randint(1, 99999)
        out.append(f"{k}号{t}" if any("\u4e00" <= c <= "\u9fff" for c in t) else f"No. {k} {t}")
        if i % 10 == 0:
            out[-1] = out[-1] + f" Building {rng.randint(1, 40)}"
    return out


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    data = addresses(args.n)
    distinct = len(set(data))
    print(f"addresses: {len(data):,} ({distinct:,} distinct)")

    from chainatlas.places import Resolver, gazetteer

    t0, c0 = time.perf_counter(), time.process_time()
    gazetteer()
    print(f"gazetteer built: {time.perf_counter() - t0:.2f} s wall, "
          f"{time.process_time() - c0:.2f} s CPU, {len(gazetteer().places):,} places")
    r = Resolver()
    t0, c0 = time.perf_counter(), time.process_time()
    results = r.resolve_many(data)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    counts: dict[str, int] = {}
    for res in results:
        counts[res.status] = counts.get(res.status, 0) + 1
    print(f"chainatlas.places: {wall:.2f} s wall, {cpu:.2f} s CPU, "
          f"{wall / len(data) * 1e6:.1f} µs per address, peak RSS {_rss_mb():.0f} MB; "
          + ", ".join(f"{k} {v / len(data):.1%}" for k, v in sorted(counts.items())))
    print(f"target 100,000 in ≤ 30 s: {'met' if wall * 100_000 / len(data) <= 30 else 'NOT met'}")

    import cpca

    zh = [a for a in data if any("\u4e00" <= c <= "\u9fff" for c in a)]
    t0, c0 = time.perf_counter(), time.process_time()
    cpca.transform(zh)
    rwall, rcpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"reference cpca.transform on the {len(zh):,} Chinese addresses: {rwall:.2f} s wall, "
          f"{rcpu:.2f} s CPU, {rwall / max(1, len(zh)) * 1e6:.1f} µs per address")
    print(f"ratio (µs per address, places / cpca): "
          f"{(wall / len(data)) / (rwall / max(1, len(zh))):.2f}")


if __name__ == "__main__":
    main()
