"""Records of the server's background jobs, so that they outlive the server process.

Table ``jobs(id, kind, status, progress, message, error, result, created_at, started_at,
finished_at, server_pid)`` (schema migration 3). The server writes a record when a job is
queued, when it starts and when it ends (``error`` and ``result`` as JSON text); progress in
between lives in the server's memory only. A server starting on the store marks the queued and
running jobs of servers that are no longer alive ``interrupted`` (:func:`interrupt_orphans`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from chainatlas.store.store import Store

__all__ = ["COLUMNS", "interrupt_orphans", "list_jobs", "load_job", "save_job"]

COLUMNS = ("id", "kind", "status", "progress", "message", "error", "result", "created_at",
           "started_at", "finished_at", "server_pid")
_JSON = ("error", "result")


def save_job(store: Store, record: Mapping[str, Any]) -> None:
    """Insert or replace the record of job ``record["id"]`` (one transaction)."""
    values = [json.dumps(record.get(c), ensure_ascii=False, default=str)
              if c in _JSON and record.get(c) is not None else record.get(c) for c in COLUMNS]
    with store._transaction() as cur:
        cur.execute("DELETE FROM jobs WHERE id = ?", [record["id"]])
        cur.execute(f"INSERT INTO jobs ({', '.join(COLUMNS)}) VALUES "
                    f"({', '.join('?' for _ in COLUMNS)})", values)


def _record(row: tuple[Any, ...], with_result: bool) -> dict[str, Any]:
    out = dict(zip(COLUMNS, row, strict=True))
    for c in _JSON:
        out[c] = json.loads(out[c]) if out[c] is not None else None
    if not with_result:
        out.pop("result")
    return out


def load_job(store: Store, job_id: str) -> dict[str, Any] | None:
    """The record of job ``job_id`` (with its result), or None."""
    with store._reader() as cur:
        rows = cur.execute(f"SELECT {', '.join(COLUMNS)} FROM jobs WHERE id = ?",
                           [job_id]).fetchall()
    return _record(rows[0], True) if rows else None


def list_jobs(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """The newest ``limit`` job records, newest first, without their results."""
    cols = [c for c in COLUMNS if c != "result"]
    with store._reader() as cur:
        rows = cur.execute(f"SELECT {', '.join(cols)} FROM jobs ORDER BY created_at DESC "
                           "LIMIT ?", [limit]).fetchall()
    out = []
    for row in rows:
        rec = dict(zip(cols, row, strict=True))
        rec["error"] = json.loads(rec["error"]) if rec["error"] is not None else None
        out.append(rec)
    return out


def interrupt_orphans(store: Store, alive: Callable[[int], bool], message: str) -> int:
    """Mark ``interrupted`` every queued or running job whose server is not ``alive``;
    return how many."""
    with store._transaction() as cur:
        rows = cur.execute("SELECT id, server_pid FROM jobs "
                           "WHERE status IN ('queued', 'running')").fetchall()
        dead = [job_id for job_id, pid in rows if pid is None or not alive(int(pid))]
        error = json.dumps({"code": "interrupted", "message": message, "details": None})
        for job_id in dead:
            cur.execute("UPDATE jobs SET status = 'interrupted', error = ?, "
                        "finished_at = coalesce(finished_at, epoch(now())) WHERE id = ?",
                        [error, job_id])
    return len(dead)
