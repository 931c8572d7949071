"""Background jobs for long analyses: submit, poll progress, cancel, time limit.

A job runs a function ``fn(ctx)`` in a worker thread; the function reports progress through
``ctx.progress(fraction, message)`` and should call ``ctx.check()`` between steps, which raises
:class:`JobCancelled` once the job was cancelled or ran past the time limit. A job past its
limit is reported as failed (``limit_exceeded``) as soon as anyone looks at it, and whatever it
returns later is dropped; a function that never calls ``ctx.check()`` keeps its thread until it
returns (Python threads cannot be killed), but nothing it computes is kept.

With a store, every job is also a record in it (:mod:`chainatlas.store.jobs`), written when the
job is queued, starts and ends: after a server restart a finished job still answers with its
result, and one that was queued or running when its server died answers ``interrupted``
(:meth:`JobManager.recover`), never 404.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from chainatlas.exceptions import ChainAtlasError, DataNotFound, LimitExceeded

__all__ = ["INTERRUPTED", "Job", "JobCancelled", "JobContext", "JobManager"]

log = logging.getLogger("chainatlas.api")

#: Why a job is ``interrupted``.
INTERRUPTED = ("the server stopped while this job was queued or running; nothing it computed was "
               "kept: submit it again")


class JobCancelled(Exception):
    """Raised inside a job after it was cancelled."""


@dataclass
class Job:
    id: str
    kind: str
    status: str = "queued"  # queued | running | done | failed | cancelled | interrupted
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: dict[str, Any] | None = None
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event, repr=False)
    max_seconds: float | None = None
    server_pid: int | None = None

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Job:
        """A finished (or orphaned) job read back from the store."""
        return cls(id=rec["id"], kind=rec["kind"], status=rec["status"],
                   progress=float(rec.get("progress") or 0.0), message=rec.get("message") or "",
                   result=rec.get("result"), error=rec.get("error"),
                   created_at=float(rec.get("created_at") or 0.0),
                   started_at=rec.get("started_at"), finished_at=rec.get("finished_at"),
                   server_pid=rec.get("server_pid"))

    def record(self) -> dict[str, Any]:
        """The store record of this job."""
        return {**self.to_dict(), "server_pid": self.server_pid}

    def overdue(self) -> bool:
        """Running past the time limit (checked, and marked failed, by :meth:`expire`)."""
        return (self.max_seconds is not None and self.started_at is not None
                and self.finished_at is None
                and time.time() - self.started_at > self.max_seconds)

    def expire(self) -> None:
        """Mark an overdue job failed with ``limit_exceeded`` and ask it to stop."""
        if self.overdue():
            self.cancel_event.set()
            self.status, self.finished_at = "failed", time.time()
            self.error = LimitExceeded(
                f"the job ran longer than the limit of {self.max_seconds:g} s "
                "(CHAINATLAS_MAX_JOB_SECONDS) and was stopped").to_dict()

    def to_dict(self, with_result: bool = True) -> dict[str, Any]:
        out = {"id": self.id, "kind": self.kind, "status": self.status,
               "progress": round(self.progress, 4), "message": self.message,
               "error": self.error, "created_at": self.created_at,
               "started_at": self.started_at, "finished_at": self.finished_at}
        if with_result:
            out["result"] = self.result
        return out


class JobContext:
    """What a running job sees: progress reporting and cancellation."""

    def __init__(self, job: Job) -> None:
        self._job = job

    def progress(self, fraction: float, message: str = "") -> None:
        self.check()
        self._job.progress = max(0.0, min(1.0, float(fraction)))
        if message:
            self._job.message = message

    def check(self) -> None:
        self._job.expire()
        if self._job.cancel_event.is_set():
            raise JobCancelled()

    @property
    def cancelled(self) -> bool:
        return self._job.cancel_event.is_set()


def _pid_alive(pid: int) -> bool:
    """Whether another process with this pid runs (this process's own pid is a restarted
    server's: its old jobs are gone)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobManager:
    """Runs jobs on a small thread pool and keeps the last ``keep`` of them in memory; with a
    ``store``, every job is also recorded there."""

    def __init__(self, workers: int = 2, keep: int = 200,
                 max_seconds: float | None = None, store: Any = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chainatlas-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep
        self._max_seconds = max_seconds
        self._store = store

    def recover(self) -> int:
        """Mark the queued and running jobs of servers no longer alive ``interrupted`` (run once
        at start-up); return how many."""
        if self._store is None:
            return 0
        from chainatlas.store.jobs import interrupt_orphans

        return interrupt_orphans(self._store, _pid_alive, INTERRUPTED)

    def _save(self, job: Job) -> None:
        if self._store is None:
            return
        from chainatlas.store.jobs import save_job

        try:
            save_job(self._store, job.record())
        except ChainAtlasError as err:  # the job itself goes on; only its record is late
            log.warning("could not record job %s: %s", job.id, err.message)

    def _stored(self, job_id: str) -> Job | None:
        if self._store is None:
            return None
        from chainatlas.store.jobs import load_job

        rec = load_job(self._store, job_id)
        return Job.from_record(rec) if rec is not None else None

    def submit(self, kind: str, fn: Callable[[JobContext], Any]) -> Job:
        job = Job(id=uuid.uuid4().hex[:16], kind=kind, max_seconds=self._max_seconds,
                  server_pid=os.getpid())
        with self._lock:
            self._jobs[job.id] = job
            if len(self._jobs) > self._keep:
                finished = [j for j in self._jobs.values() if j.finished_at is not None]
                for old in sorted(finished, key=lambda j: j.created_at)[: len(self._jobs) - self._keep]:
                    self._jobs.pop(old.id, None)
        self._save(job)
        self._pool.submit(self._run, job, fn)
        return job

    def _run(self, job: Job, fn: Callable[[JobContext], Any]) -> None:
        if job.cancel_event.is_set():
            job.status, job.finished_at = "cancelled", time.time()
            self._save(job)
            return
        job.status, job.started_at = "running", time.time()
        self._save(job)
        try:
            result = fn(JobContext(job))
            job.expire()
            if job.status == "running":
                job.result, job.status, job.progress = result, "done", 1.0
        except JobCancelled:
            job.expire()
            if job.status == "running":
                job.status = "cancelled"
        except ChainAtlasError as err:
            job.status, job.error = "failed", err.to_dict()
        except Exception as err:  # a bug: keep the job record, never lose the server
            job.status = "failed"
            job.error = {"code": "internal_error", "message": f"{type(err).__name__}: {err}",
                         "details": traceback.format_exc(limit=5)}
        finally:
            if job.finished_at is None:
                job.finished_at = time.time()
            self._save(job)

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            job = self._stored(job_id)
            if job is None:
                raise DataNotFound(f"no job {job_id!r}")
            return job
        job.expire()
        return job

    def list(self) -> list[Job]:
        with self._lock:
            jobs = list(self._jobs.values())
        if self._store is not None:
            from chainatlas.store.jobs import list_jobs

            known = {j.id for j in jobs}
            jobs += [Job.from_record(r) for r in list_jobs(self._store, self._keep)
                     if r["id"] not in known]
        jobs.sort(key=lambda j: j.created_at, reverse=True)
        for job in jobs:
            job.expire()
        return jobs

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.finished_at is None:
            job.cancel_event.set()
            if job.status == "queued":
                job.status = "cancelled"
        return job

    def shutdown(self) -> None:
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel_event.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
