"""Benchmark: REST API latency (p50/p95) of the chain map and the advice on the demo dataset and
on a generated 100k-firm dataset.

    python benchmarks/bench_api.py            # demo + 100,000 firms / 500,000 links
    python benchmarks/bench_api.py --small    # demo + 20,000 firms / 100,000 links

Requests go through the whole ASGI stack in-process (FastAPI app, envelope, JSON encoding) with
starlette's test client, against a DuckDB store in a temporary folder. The reference, measured in
the same run, is the service function the endpoint calls (same store, no HTTP layer); the ratio
API p50 / service p50 is the cost of the API layer (JSON conversion of the result included).
The generated dataset comes from ``chainatlas.datasets.synthetic.generate_network`` and is
imported through ``services.datasets.import_frames`` (validated, one transaction); advice is
asked for the domestic region with the most firms. Peak memory is the process's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np


def _times(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm-up: first call loads the dataset into caches and imports modules
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _bench_dataset(client: Any, store: Any, name: str, region: str, repeat: int) -> list[dict]:
    from chainatlas.services import advise, chain

    rows = []
    cases = [
        ("chain map", f"/api/v1/datasets/{name}/chain/map", {},
         lambda: chain.map_chain(store, name).to_dict()),
        ("advice", f"/api/v1/datasets/{name}/advise", {"region": region},
         lambda: advise.advise(store, name, region).to_dict()),
    ]
    for label, url, params, ref in cases:
        def call(url: str = url, params: dict = params) -> None:
            r = client.get(url, params=params)
            if r.status_code != 200:
                raise RuntimeError(f"{url}: {r.status_code} {r.text[:300]}")
        api = _times(call, repeat)
        svc = _times(ref, max(3, repeat // 2))
        rows.append({"dataset": name, "endpoint": label, "n": repeat,
                     "p50_ms": 1000 * statistics.median(api), "p95_ms": 1000 * _p(api, 95),
                     "service_p50_ms": 1000 * statistics.median(svc),
                     "ratio": statistics.median(api) / statistics.median(svc),
                     "bytes": len(client.get(url, params=params).content)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="20k firms instead of 100k")
    ap.add_argument("--repeat", type=int, default=20, help="timed calls per endpoint (demo)")
    ap.add_argument("--repeat-large", type=int, default=7, help="timed calls (generated)")
    args = ap.parse_args()
    n_firms, n_links = (20_000, 100_000) if args.small else (100_000, 500_000)

    from fastapi.testclient import TestClient

    from chainatlas.api.app import create_app
    from chainatlas.config import get_settings
    from chainatlas.datasets.synthetic import generate_network
    from chainatlas.services.datasets import import_frames
    from chainatlas.services.demo import build_demo_store

    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        build_demo_store(db)
        t0 = time.perf_counter()
        frames = generate_network(n_firms, n_links, n_sectors=50, seed=0)
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = import_frames(db, "synthetic", frames, "replace")
        t_imp = time.perf_counter() - t0
        firms = frames["firms"]
        domestic = firms[firms["region"].astype(str).str.fullmatch(r"\d{6}")]
        region = str(domestic["region"].value_counts().index[0])
        del frames, firms, domestic
        print(f"generated {n_firms:,} firms / {n_links:,} links in {t_gen:.1f} s, imported "
              f"{report.rows:,} rows in {t_imp:.1f} s; advice region {region}")
        app = create_app(replace(get_settings(db), open_reads=True))
        with TestClient(app) as client:
            store = app.state.store
            rows += _bench_dataset(client, store, "yrd-nev", "320100", args.repeat)
            rows += _bench_dataset(client, store, "synthetic", region, args.repeat_large)
    head = (f"{'dataset':<10} {'endpoint':<10} {'n':>3} {'p50 ms':>9} {'p95 ms':>9} "
            f"{'service p50':>12} {'API/service':>11} {'KB':>8}")
    print(head)
    for r in rows:
        print(f"{r['dataset']:<10} {r['endpoint']:<10} {r['n']:>3} {r['p50_ms']:>9.1f} "
              f"{r['p95_ms']:>9.1f} {r['service_p50_ms']:>12.1f} {r['ratio']:>11.2f} "
              f"{r['bytes'] / 1024:>8.0f}")
    print(f"peak memory {_peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
