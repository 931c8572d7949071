"""Executors for many independent scenarios: serial, local processes, or a Dask cluster.

All three share one small interface, :meth:`Executor.map`, that applies a picklable function
``fn(shared, item)`` to every item and returns the results *in item order*, so a sweep gives
the same numbers whichever executor runs it. ``shared`` (the network) is sent once per worker:
through the pool initializer for processes and ``Client.scatter(broadcast=True)`` for Dask.
Work is submitted in batches (one task = many scenarios) so per-task overhead stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chainatlas.exceptions import InputError, ModelError

__all__ = ["DaskExecutor", "Executor", "ProcessExecutor", "SerialExecutor", "chunk_size",
           "make_executor"]

Progress = Callable[[int], None]

_SHARED: Any = None


def _init_worker(shared: Any) -> None:
    global _SHARED
    _SHARED = shared


def _run_batch_with_global(fn: Callable[[Any, Any], Any], batch: Sequence[Any]) -> list[Any]:
    return [fn(_SHARED, item) for item in batch]


def _run_batch(fn: Callable[[Any, Any], Any], shared: Any, batch: Sequence[Any]) -> list[Any]:
    return [fn(shared, item) for item in batch]


def _batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[k:k + size] for k in range(0, len(items), size)]


def chunk_size(n_items: int, slots: int, *, tasks_per_slot: int = 4, most: int = 256) -> int:
    """Items per task so that each worker slot gets about ``tasks_per_slot`` tasks.

    A handful of tasks per slot balances load (scenarios differ in cost) while keeping the
    per-task overhead (≈ 2 ms on Dask, a pickle round trip on a process pool) a small share of
    the work; ``most`` bounds the items a lost task has to redo.

    >>> chunk_size(1000, 2)
    125
    >>> chunk_size(10, 8)
    1
    """
    if n_items <= 0:
        return 1
    return int(max(1, min(most, -(-n_items // max(1, slots * tasks_per_slot)))))


class Executor:
    """Base class: ``map(fn, shared, items, batch_size, progress)`` → results in item order."""

    name = "base"

    def map(self, fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], *,
            batch_size: int = 16, progress: Progress | None = None) -> list[Any]:
        raise NotImplementedError

    def slots(self) -> int:
        """How many items can run at the same time (worker processes or threads)."""
        return 1

    def close(self) -> None:
        """Release workers (no-op unless the executor started them)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Runs every item in this process, in order."""

    name = "serial"

    def map(self, fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], *,
            batch_size: int = 16, progress: Progress | None = None) -> list[Any]:
        out = []
        for k, item in enumerate(items):
            out.append(fn(shared, item))
            if progress is not None:
                progress(k + 1)
        return out


class ProcessExecutor(Executor):
    """A local process pool; the shared object is pickled once per worker process."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers

    def slots(self) -> int:
        import os

        return self.workers or max(1, os.cpu_count() or 1)

    def map(self, fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], *,
            batch_size: int = 16, progress: Progress | None = None) -> list[Any]:
        import multiprocessing as mp
        import os
        from concurrent.futures import ProcessPoolExecutor, as_completed

        workers = self.workers or max(1, os.cpu_count() or 1)
        batches = _batches(list(items), batch_size)
        results: list[list[Any] | None] = [None] * len(batches)
        done = 0
        ctx = mp.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(shared,)) as pool:
            futures = {pool.submit(_run_batch_with_global, fn, b): k for k, b in enumerate(batches)}
            for fut in as_completed(futures):
                k = futures[fut]
                results[k] = fut.result()
                done += len(batches[k])
                if progress is not None:
                    progress(done)
        return [r for batch in results for r in (batch or [])]


class DaskExecutor(Executor):
    """A Dask ``distributed`` cluster: ``address`` of a running scheduler, or a client.

    Without either, an in-process ``LocalCluster(processes=False)`` is started (threads share
    the network at no cost; the day kernels release the GIL but the Python between them does
    not, so use processes or a real cluster for speed-ups). The shared object is scattered
    to every worker once per :meth:`map` (``broadcast=True``) and each task receives a
    batch of items; ``timeout`` bounds the wait for a remote scheduler.
    """

    name = "dask"

    def __init__(self, address: str | None = None, client: Any = None,
                 n_workers: int | None = None, processes: bool = False,
                 timeout: str = "10s") -> None:
        self.address = address
        self.timeout = timeout
        self.n_workers = n_workers
        self.processes = processes
        self._client = client
        self._own: list[Any] = []

    def _get_client(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:  # pragma: no cover - optional extra
            raise InputError("the dask executor needs the 'distributed' extra: "
                             "pip install 'chainatlas[distributed]'") from err
        try:
            if self.address:
                self._client = Client(self.address, timeout=self.timeout)
            else:
                cluster = LocalCluster(n_workers=self.n_workers or 1, processes=self.processes,
                                       threads_per_worker=1 if self.processes else 2,
                                       dashboard_address=None)
                self._own.append(cluster)
                self._client = Client(cluster)
        except OSError as err:
            raise ModelError(f"cannot reach the Dask scheduler {self.address!r}: {err}") from None
        self._own.append(self._client)
        return self._client

    def slots(self) -> int:
        info = self._get_client().scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))

    def map(self, fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], *,
            batch_size: int = 16, progress: Progress | None = None) -> list[Any]:
        from distributed import as_completed

        client = self._get_client()
        # a fresh key per call: with content hashing, a second map of the same object could
        # reuse the key while the scheduler is still releasing the first one ("lost
        # dependencies")
        [shared_f] = client.scatter([shared], broadcast=True, hash=False)
        batches = _batches(list(items), batch_size)
        futures = [client.submit(_run_batch, fn, shared_f, b, pure=False) for b in batches]
        index = {f.key: k for k, f in enumerate(futures)}
        results: list[list[Any] | None] = [None] * len(batches)
        done = 0
        for fut in as_completed(futures):
            k = index[fut.key]
            results[k] = fut.result()
            done += len(batches[k])
            if progress is not None:
                progress(done)
        return [r for batch in results for r in (batch or [])]

    def close(self) -> None:
        for obj in reversed(self._own):
            obj.close()
        self._own.clear()
        self._client = None


def make_executor(kind: str = "serial", *, scheduler: str | None = None,
                  workers: int | None = None) -> Executor:
    """``serial`` | ``processes`` | ``dask`` (``scheduler`` = address of a Dask scheduler)."""
    if kind == "serial":
        return SerialExecutor()
    if kind == "processes":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(scheduler, n_workers=workers)
    raise InputError(f"unknown executor {kind!r}; expected serial, processes or dask")
