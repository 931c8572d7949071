"""A competing busy process for the thread-scaling benchmarks."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def busy_process(on: bool = True) -> Iterator[None]:
    """Run a pure-Python busy loop in another process (its own session, as another user's job
    would be) for the duration of the block; stopped by its process id afterwards."""
    if not on:
        yield
        return
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
    try:
        yield
    finally:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """``CHAINATLAS_THREADS=n`` for the duration of the block."""
    old = os.environ.get("CHAINATLAS_THREADS")
    os.environ["CHAINATLAS_THREADS"] = str(n)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("CHAINATLAS_THREADS", None)
        else:
            os.environ["CHAINATLAS_THREADS"] = old


def load() -> str:
    """The 1-minute load average and the core count, for every timing line."""
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
