"""Systemic-risk endpoints: every firm's ESRI of a stored dataset as a job, one firm's cascade.

``POST /datasets/{name}/risk/esri`` returns ``202`` with the job; ``GET /api/v1/jobs/{id}`` polls
its progress and, when done, the same JSON as ``chainatlas risk esri --dataset NAME --format
json``. ψ scenarios (sector, region, export ban, hazard footprint) go in the body.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from chainatlas._json import to_jsonable
from chainatlas.api.auth import require_read

router = APIRouter(dependencies=[Depends(require_read)])


class EsriBody(BaseModel):
    """Options of an ESRI run (all optional; without a scenario every firm is a scenario)."""

    epsilon: float = Field(0.01, ge=0.0, le=1.0)
    substitution: bool = True
    top: int | None = Field(None, ge=1)
    reasons: int = Field(3, ge=0, le=50)
    sector: str | None = None
    region: str | None = None
    export_ban: str | None = None
    footprint: dict[str, Any] | None = None
    intensity: float = Field(1.0, ge=0.0, le=1.0)
    capacity: float = Field(0.0, ge=0.0, le=1.0)


@router.post("/datasets/{name}/risk/esri", status_code=202, tags=["risk"])
def risk_esri(request: Request, name: str, body: EsriBody | None = None) -> Any:
    """Start every firm's ESRI (or the ESRI of the body's ψ scenarios) as a job with progress."""
    from chainatlas.risk.footprint import parse_footprint
    from chainatlas.services import risk as svc
    from chainatlas.services.datasets import load_dataset

    opts = body or EsriBody()
    ds = load_dataset(request.app.state.store, name)
    ri = svc.risk_input_of(ds)
    psis = {}   # built now: a bad scenario is a 400/404, not a failed job
    if opts.sector is not None:
        psis[f"sector:{opts.sector}"] = svc.psi_sector(ri, opts.sector, opts.capacity)
    if opts.region is not None:
        psis[f"region:{opts.region}"] = svc.psi_region(ri, opts.region, opts.capacity)
    if opts.export_ban is not None:
        psis[f"export-ban:{opts.export_ban}"] = svc.psi_export_ban(ri, opts.export_ban, ds)
    if opts.footprint is not None:
        fp = parse_footprint(opts.footprint, intensity=opts.intensity, source="body.footprint")
        psis["footprint"] = svc.psi_footprint(ri, fp)[0]

    def job(ctx: Any) -> Any:
        ctx.progress(0.01, "cascades")
        out = svc.run_esri(ri, epsilon=opts.epsilon, substitution=opts.substitution,
                           psi=psis or None, top=opts.top, reasons=opts.reasons,
                           progress=lambda k, n: ctx.progress(0.9 * k / max(n, 1), f"{k}/{n}"))
        ctx.progress(0.95, "reasons")
        return to_jsonable(out)

    return request.app.state.jobs.submit("risk", job).to_dict()


@router.get("/datasets/{name}/risk/cascade", tags=["risk"])
def risk_cascade(request: Request, name: str, firm: str,
                 epsilon: float = Query(0.01, ge=0.0, le=1.0), substitution: bool = True,
                 top: int = Query(20, ge=1, le=1000)) -> Any:
    """One firm's loss cascade: its ESRI and the firms that carry the loss."""
    from chainatlas.services import risk as svc

    ri = svc.load_risk_dataset(request.app.state.store, name)
    return to_jsonable(svc.firm_cascade(ri, firm, epsilon=epsilon, substitution=substitution,
                                        top=top))
