"""Settings read from the environment — the only module that reads environment variables.

Nothing is read at import time: call :func:`get_settings` when a value is needed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_DB", "Settings", "compute_threads", "get_settings", "prepare_threads"]

DEFAULT_DB = "chainatlas.duckdb"


@dataclass(frozen=True)
class Settings:
    """Runtime settings.

    Attributes
    ----------
    db_path : Path
        The DuckDB store file (``CHAINATLAS_DB``, default ``./chainatlas.duckdb``).
    token : str | None
        Bearer token required by write endpoints of the API (``CHAINATLAS_TOKEN``).
    open_reads : bool
        Whether API reads need no token (``CHAINATLAS_OPEN_READS``, default true).
    require_realdata : bool
        Tests that read ``../shared/data`` fail instead of skipping (``CHAINATLAS_REQUIRE_REALDATA``).
    shared_data : Path | None
        Folder with real public data for tests and benchmarks (``CHAINATLAS_SHARED_DATA``).
    max_upload_mb : int
        Largest accepted upload (``CHAINATLAS_MAX_UPLOAD_MB``, default 200).
    max_rows : int
        Largest accepted row count for one import (``CHAINATLAS_MAX_ROWS``, default 50,000,000).
    max_job_seconds : float
        Longest a background analysis job may run before it is stopped and reported as failed
        (``CHAINATLAS_MAX_JOB_SECONDS``, default 3600).
    store_wait : float
        Longest one store operation waits for another process to let the store file go
        (``CHAINATLAS_STORE_WAIT``, default 120 seconds).
    threads : int | None
        Most threads one simulation may use (``CHAINATLAS_THREADS``; default: every core numba
        sees). ``1`` runs every kernel single-threaded. See :func:`compute_threads`.
    warm : bool
        Whether the server computes the dashboard's analyses of every dataset in the background
        when it starts, so first visits find them cached (``CHAINATLAS_WARM``, default true).
    """

    db_path: Path
    token: str | None
    open_reads: bool
    require_realdata: bool
    shared_data: Path | None
    max_upload_mb: int
    max_rows: int
    max_job_seconds: float = 3600.0
    store_wait: float = 120.0
    threads: int | None = None
    warm: bool = True


def _truthy(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def get_settings(db: str | os.PathLike[str] | None = None) -> Settings:
    """Read the settings now; ``db`` overrides ``CHAINATLAS_DB``."""
    env = os.environ
    db_path = Path(db) if db is not None else Path(env.get("CHAINATLAS_DB") or DEFAULT_DB)
    shared = env.get("CHAINATLAS_SHARED_DATA")
    return Settings(
        db_path=db_path,
        token=env.get("CHAINATLAS_TOKEN") or None,
        open_reads=_truthy(env.get("CHAINATLAS_OPEN_READS"), default=True),
        require_realdata=_truthy(env.get("CHAINATLAS_REQUIRE_REALDATA")),
        shared_data=Path(shared) if shared else None,
        max_upload_mb=int(env.get("CHAINATLAS_MAX_UPLOAD_MB") or 200),
        max_rows=int(env.get("CHAINATLAS_MAX_ROWS") or 50_000_000),
        max_job_seconds=float(env.get("CHAINATLAS_MAX_JOB_SECONDS") or 3600),
        store_wait=float(env.get("CHAINATLAS_STORE_WAIT") or 120),
        threads=_threads(env.get("CHAINATLAS_THREADS")),
        warm=_truthy(env.get("CHAINATLAS_WARM"), default=True),
    )


def _threads(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    try:
        n = int(value.strip())
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"CHAINATLAS_THREADS must be a whole number ≥ 1, got {value!r}")
    return n


def compute_threads(available: int) -> int:
    """Threads a simulation uses: ``CHAINATLAS_THREADS`` capped at ``available`` (the threads
    numba started), all of them when the variable is unset.

    Raises
    ------
    ValueError
        When ``CHAINATLAS_THREADS`` is not a whole number ≥ 1.
    """
    want = _threads(os.environ.get("CHAINATLAS_THREADS"))
    return max(1, min(available, want if want is not None else available))


def prepare_threads() -> None:
    """Make idle OpenMP threads sleep instead of spinning (``OMP_WAIT_POLICY=passive`` unless
    already set), before numba starts its threads.

    The compiled kernels' parallel regions end at a barrier. Spinning there keeps a core busy
    for nothing: when another process holds a core, the spinning thread takes the CPU time its
    partner needs and each region waits for the partner's next time slice (measured on the
    shared 2-core machine: 5–8 ms for 1 ms of work). Sleeping threads hand the core over at
    once, so two threads are no slower than one when only one core is free, and twice as fast
    when two are. The setting is read once, when the OpenMP runtime loads: a library that
    loads it earlier (python-igraph does) freezes the policy it found.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
