"""Benchmark: validated import of a large synthetic firm network from Parquet into a fresh store.

Usage::

    python benchmarks/bench_import.py [--firms 1000000 --links 5000000 --sectors 50 --seed 7]

Steps: generate the network with ``chainatlas.datasets.synthetic`` and write it as
``<table>.parquet`` (not timed); then, in a fresh child process so that its peak memory is its
own, import the folder through the same validated path as ``chainatlas import all DIR``
(read → validate whole → one transaction). The reference is DuckDB loading the same Parquet files
with no validation at all (``CREATE TABLE … AS SELECT * FROM read_parquet``), measured in the
same run, so the ratio is the price of validation and type conversion.

Prints rows, seconds, rows/s and peak RSS (also for loading the dataset back with
``load_dataset``, in its own process); the target is ≤ 60 s and ≤ 4 GB for 1M firms and
5M links on a 2-core machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _import_child(folder: str, db: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from chainatlas.services.datasets import import_directory

    t0 = time.perf_counter()
    report = import_directory(db, "bench", folder, mode="replace")
    seconds = time.perf_counter() - t0
    queue.put({"seconds": seconds, "rows": report.rows, "tables": report.tables,
               "peak_mb": _peak_rss_mb()})


def _load_child(folder: str, db: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from chainatlas.services.datasets import load_dataset

    t0 = time.perf_counter()
    ds = load_dataset(db, "bench")
    queue.put({"seconds": time.perf_counter() - t0, "rows": sum(ds.counts().values()),
               "peak_mb": _peak_rss_mb()})


def _reference_child(folder: str, db: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect(db)
    rows = 0
    for path in sorted(Path(folder).glob("*.parquet")):
        con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM read_parquet(?)", [str(path)])
        rows += con.execute(f"SELECT count(*) FROM {path.stem}").fetchall()[0][0]
    con.close()
    queue.put({"seconds": time.perf_counter() - t0, "rows": rows, "peak_mb": _peak_rss_mb()})


def _run(target: object, folder: Path, db: Path) -> dict[str, object]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(str(folder), str(db), queue))
    proc.start()
    while True:  # poll, so that a child that dies does not leave us waiting forever
        try:
            result = queue.get(timeout=1.0)
            break
        except Empty:
            if not proc.is_alive():
                raise SystemExit(f"child failed with exit code {proc.exitcode}") from None
    proc.join()
    return result  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=5_000_000)
    parser.add_argument("--sectors", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="folder for the Parquet files and stores (default: a temp folder)")
    args = parser.parse_args(argv)

    from chainatlas.datasets.synthetic import generate_network, write_network

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        frames = generate_network(args.firms, args.links, args.sectors, args.seed)
        write_network(frames, work / "net")
        del frames
        gen_s = time.perf_counter() - t0
        size_mb = sum(p.stat().st_size for p in (work / "net").glob("*.parquet")) / 2**20

        ours = _run(_import_child, work / "net", work / "ours.duckdb")
        load = _run(_load_child, work / "net", work / "ours.duckdb")
        ref = _run(_reference_child, work / "net", work / "ref.duckdb")

    rows = int(ours["rows"])  # type: ignore[call-overload]
    secs = float(ours["seconds"])  # type: ignore[arg-type]
    ref_s = float(ref["seconds"])  # type: ignore[arg-type]
    print(f"network: {args.firms:,} firms, {args.links:,} links, {args.sectors} sectors, "
          f"seed {args.seed}; Parquet {size_mb:,.1f} MiB (generated in {gen_s:.1f} s)")
    print(f"{'step':<34}{'rows':>12}{'seconds':>10}{'rows/s':>14}{'peak RSS MiB':>14}")
    print(f"{'chainatlas import (validated)':<34}{rows:>12,}{secs:>10.2f}"
          f"{rows / secs:>14,.0f}{float(ours['peak_mb']):>14,.0f}")  # type: ignore[arg-type]
    print(f"{'load_dataset back into memory':<34}{int(load['rows']):>12,}"  # type: ignore[call-overload]
          f"{float(load['seconds']):>10.2f}"  # type: ignore[arg-type]
          f"{int(load['rows']) / float(load['seconds']):>14,.0f}"  # type: ignore[call-overload, arg-type]
          f"{float(load['peak_mb']):>14,.0f}")  # type: ignore[arg-type]
    print(f"{'duckdb read_parquet (no checks)':<34}{int(ref['rows']):>12,}"  # type: ignore[call-overload]
          f"{ref_s:>10.2f}{int(ref['rows']) / ref_s:>14,.0f}"  # type: ignore[call-overload]
          f"{float(ref['peak_mb']):>14,.0f}")  # type: ignore[arg-type]
    print(f"ratio (ours / reference): {secs / ref_s:.1f}x;  per table: {ours['tables']}")
    ok = secs <= 60 and float(ours["peak_mb"]) <= 4096  # type: ignore[arg-type]
    print(f"target ≤ 60 s and ≤ 4 GiB: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
