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


# ------------------------------------------------------------------ records in the store
def test_jobs_outlive_their_manager_as_store_records(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A finished job keeps its result in the store: a new manager (a restarted server)
    answers it; a job of a dead server is marked interrupted, one of a live server is not."""
    import subprocess
    import sys

    from chainatlas.store import Store
    from chainatlas.store.jobs import load_job, save_job

    with Store.open(tmp_path / "jobs.duckdb") as store:
        first = JobManager(store=store)
        done = first.submit("t", lambda ctx: {"answer": 42})
        assert _wait(first, done.id) == "done"
        first.shutdown()
        # a process that is gone, and one that is alive, each left a running job behind
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
        live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            for job_id, pid in (("dead", int(gone.stdout)), ("alive", live.pid)):
                save_job(store, {"id": job_id, "kind": "stress", "status": "running",
                                 "progress": 0.5, "created_at": time.time(),
                                 "started_at": time.time(), "server_pid": pid})
            second = JobManager(store=store)
            assert second.recover() == 1
            kept = second.get(done.id)
            assert kept.status == "done" and kept.result == {"answer": 42}
            dead = second.get("dead")
            assert dead.status == "interrupted" and dead.error is not None
            assert dead.error["code"] == "interrupted" and dead.finished_at is not None
            assert second.get("alive").status == "running"
            assert {j.id for j in second.list()} == {done.id, "dead", "alive"}
            assert load_job(store, "nope") is None
            second.shutdown()
        finally:
            live.kill()
            live.wait()
