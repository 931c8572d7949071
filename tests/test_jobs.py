"""Background jobs: progress, cancel, and the analysis time limit."""

from __future__ import annotations

import threading
import time

from chainatlas.api.jobs import JobManager


def _wait(manager: JobManager, job_id: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = manager.get(job_id).status
        if status not in ("queued", "running"):
            return status
        time.sleep(0.02)
    return manager.get(job_id).status


def test_job_runs_to_completion_with_progress() -> None:
    jobs = JobManager()

    def fn(ctx):  # type: ignore[no-untyped-def]
        for k in range(5):
            ctx.progress(k / 5, f"step {k}")
        return {"answer": 42}

    job = jobs.submit("t", fn)
    assert _wait(jobs, job.id) == "done"
    assert jobs.get(job.id).result == {"answer": 42} and jobs.get(job.id).progress == 1.0
    jobs.shutdown()


def test_a_job_that_checks_in_stops_at_the_time_limit() -> None:
    jobs = JobManager(max_seconds=0.3)
    started = time.monotonic()

    def fn(ctx):  # type: ignore[no-untyped-def]
        while True:
            ctx.check()
            time.sleep(0.02)

    job = jobs.submit("slow", fn)
    assert _wait(jobs, job.id) == "failed"
    assert time.monotonic() - started < 5
    assert jobs.get(job.id).error["code"] == "limit_exceeded"
    assert "CHAINATLAS_MAX_JOB_SECONDS" in jobs.get(job.id).error["message"]
    jobs.shutdown()


def test_a_job_past_its_limit_is_failed_and_its_late_result_dropped() -> None:
    jobs = JobManager(max_seconds=0.2)
    release = threading.Event()

    def fn(ctx):  # type: ignore[no-untyped-def]
        release.wait(5)  # never checks in
        return "late"

    job = jobs.submit("deaf", fn)
    deadline = time.monotonic() + 10
    while jobs.get(job.id).started_at is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.4)
    assert jobs.get(job.id).status == "failed"  # reported as soon as anyone looks
    release.set()
    time.sleep(0.2)
    again = jobs.get(job.id)
    assert again.status == "failed" and again.result is None
    assert again.error["code"] == "limit_exceeded"
    jobs.shutdown()


def test_cancel_stops_a_job_that_checks_in() -> None:
    jobs = JobManager()

    def fn(ctx):  # type: ignore[no-untyped-def]
        while True:
            ctx.check()
            time.sleep(0.01)

    job = jobs.submit("c", fn)
    time.sleep(0.1)
    jobs.cancel(job.id)
    assert _wait(jobs, job.id) == "cancelled"
    jobs.shutdown()
