"""Job endpoints: list, poll (status, progress, result) and cancel long-running analyses."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from chainatlas._json import to_jsonable
from chainatlas.api.auth import require_read, require_write

router = APIRouter(tags=["jobs"])


@router.get("/jobs", dependencies=[Depends(require_read)])
def list_jobs(request: Request) -> list[dict[str, Any]]:
    return [j.to_dict(with_result=False) for j in request.app.state.jobs.list()]


@router.get("/jobs/{job_id}", dependencies=[Depends(require_read)])
def get_job(request: Request, job_id: str) -> dict[str, Any]:
    out: dict[str, Any] = to_jsonable(request.app.state.jobs.get(job_id).to_dict())
    return out


@router.delete("/jobs/{job_id}", dependencies=[Depends(require_write)])
def cancel_job(request: Request, job_id: str) -> dict[str, Any]:
    return request.app.state.jobs.cancel(job_id).to_dict(with_result=False)
