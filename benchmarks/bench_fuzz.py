"""Benchmark: the long fuzzing run of every reader (hypothesis, random seeds).

Usage::

    python benchmarks/bench_fuzz.py [--examples 1000]

Runs ``tests/test_fuzz_readers.py`` in a child process with ``--examples`` inputs per reader and
fresh random seeds (and ``tests/test_fuzz_api.py``, schemathesis, with ``examples / 20`` requests
per API operation); every input must load or raise ``InputError`` naming the file, tabular
inputs go through the validated import into a real store (unchanged after a failure), and each
input runs under a 20 s alarm. Prints, per reader: inputs, loaded, rejected, mean milliseconds
per input and the ratio to the reference — importing a valid 10-row firm CSV through the same
path, measured in the same run — plus the child's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def reference_ms(work: Path, repeats: int = 40) -> float:
    """Mean milliseconds of one valid import (10 firms) into a store, replace mode."""
    import pandas as pd

    from chainatlas.services.datasets import import_file, import_frames
    from chainatlas.store import Store

    db = work / "ref.duckdb"
    csv = work / "firms.csv"
    csv.write_text("id,name,region\n" + "".join(f"F{i},f{i},320100\n" for i in range(10)),
                   encoding="utf-8")
    with Store.open(db) as store:
        import_frames(store, "d", {"regions": pd.DataFrame({"code": ["320100"],
                                                             "name": ["南京市"]})})
        import_file(store, "d", "firms", csv, mode="replace")  # warm-up
        t = time.perf_counter()
        for _ in range(repeats):
            import_file(store, "d", "firms", csv, mode="replace")
        return 1000 * (time.perf_counter() - t) / repeats


def main() -> None:
    ap = argparse.ArgumentParser(description="long fuzzing run of every reader")
    ap.add_argument("--examples", type=int, default=1000, help="inputs per reader")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="chainatlas-fuzz-") as tmp:
        work = Path(tmp)
        ref = reference_ms(work)
        log = work / "fuzz.jsonl"
        env = dict(os.environ, CHAINATLAS_FUZZ_EXAMPLES=str(args.examples),
                   CHAINATLAS_FUZZ_API_EXAMPLES=str(max(args.examples // 20, 5)),
                   CHAINATLAS_FUZZ_RANDOM="1", CHAINATLAS_FUZZ_LOG=str(log))
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "tests/test_fuzz_readers.py", "tests/test_fuzz_api.py"],
                              cwd=REPO, env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    print(f"examples per reader: {args.examples}; wall {seconds:.1f} s; child peak RSS "
          f"{peak:.0f} MB; reference (valid 10-row import) {ref:.1f} ms")
    print(f"{'reader':<14}{'inputs':>8}{'loaded':>8}{'rejected':>10}{'ms/input':>10}"
          f"{'× ref':>8}")
    total = 0
    for r in rows:
        n = r.get("inputs", 0)
        total += n
        ms = r.get("ms", 0) / max(n, 1)
        print(f"{r['reader']:<14}{n:>8}{r.get('loaded', 0):>8}{r.get('rejected', 0):>10}"
              f"{ms:>10.1f}{ms / ref:>8.2f}")
    print(f"total inputs: {total}; pytest: {proc.stdout.strip().splitlines()[-1]}")
    if proc.returncode != 0:
        print(proc.stdout[-4000:])
        sys.exit(1)


if __name__ == "__main__":
    main()
