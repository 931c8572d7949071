"""What holding the store per operation costs: each store operation through the lease (attach,
run, detach) beside the same operation while the file stays held (the reference: how the store
worked when one process kept the file open).

Prints, per operation: milliseconds per call (median of ``--repeat`` calls) and CPU time per
call, both ways, the ratio lease / held, and the peak memory of the run.

    python benchmarks/bench_store_lease.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chainatlas.datasets import load_demo
from chainatlas.model.tables import TABLE_ORDER
from chainatlas.services.datasets import import_frames
from chainatlas.store import Store


def _median_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times, cpu0 = [], time.process_time()
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), (time.process_time() - cpu0) / repeat * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        ds = load_demo("yrd-nev")
        import_frames(db, "yrd-nev", {t: ds.tables[t] for t in TABLE_ORDER if t in ds.tables},
                      source="demo")
        store = Store.open(db)
        cases: list[tuple[str, Callable[[], object]]] = [
            ("list datasets", store.list_datasets),
            ("dataset summary", lambda: store.dataset_summary("yrd-nev")),
            ("read firms", lambda: store.read_table("yrd-nev", "firms")),
            ("load whole dataset", lambda: store.load_dataset("yrd-nev")),
            ("write one frame", lambda: store.write_frame("yrd-nev", "bench", ds.firms.head(10),
                                                          bump_version=False)),
        ]
        print(f"store: demo yrd-nev ({sum(ds.counts().values()):,} rows), {db.stat().st_size:,}"
              f" bytes; load average {os.getloadavg()[0]:.2f}; median of {args.repeat} calls")
        print(f"{'operation':<20} {'lease ms':>9} {'cpu ms':>7} {'held ms':>8} {'cpu ms':>7} "
              f"{'ratio':>6}")
        for name, fn in cases:
            ms, cpu = _median_ms(fn, args.repeat)
            with store.connection():  # the reference: the file held across the calls
                ref_ms, ref_cpu = _median_ms(fn, args.repeat)
            print(f"{name:<20} {ms:>9.2f} {cpu:>7.2f} {ref_ms:>8.2f} {ref_cpu:>7.2f} "
                  f"{ms / ref_ms:>6.2f}")
        store.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:.0f} MB. The lease adds the attach and detach of the file (and "
              "a checkpoint after a write) to each operation.")


if __name__ == "__main__":
    main()
