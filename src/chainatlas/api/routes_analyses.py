"""Analysis endpoints. Each one calls the same service function as the CLI command of that name.

Reads of stored datasets are ``GET``; analyses that take a request body (a matrix, a scenario,
free text) are ``POST`` but change nothing, so they need only read access. Long runs (stress
tests, sweeps) are jobs: ``POST`` returns ``202`` with the job, ``GET /jobs/{id}`` polls it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from chainatlas._json import to_jsonable
from chainatlas.api.auth import require_read
from chainatlas.exceptions import InputError

router = APIRouter(dependencies=[Depends(require_read)])


def _store(request: Request) -> Any:
    return request.app.state.store


def _out(result: Any) -> Any:
    return to_jsonable(result.to_dict() if hasattr(result, "to_dict") else result)


# --- chain map, throughput, chokepoints, tiers -------------------------------------------------

@router.get("/datasets/{name}/chain/map", tags=["chain"])
def chain_map(request: Request, name: str, region: str | None = None,
              within_hours: float | None = Query(None, gt=0), of: str | None = None,
              chain: str | None = None) -> Any:
    from chainatlas.services import chain as svc

    return _out(svc.map_chain(_store(request), name, region=region, within_hours=within_hours,
                              of=of, chain=chain))


@router.get("/datasets/{name}/chain/throughput", tags=["chain"])
def chain_throughput(request: Request, name: str, segment: str | None = None,
                     region: str | None = None, within_hours: float | None = Query(None, gt=0),
                     of: str | None = None) -> Any:
    from chainatlas.services import chain as svc

    return _out(svc.throughput(_store(request), name, segment=segment, region=region,
                               within_hours=within_hours, of=of))


@router.get("/datasets/{name}/chain/chokepoints", tags=["chain"])
def chain_chokepoints(request: Request, name: str, target: str | None = None) -> Any:
    from chainatlas.services import chain as svc

    return _out(svc.top_chokepoints(_store(request), name, target))


@router.get("/datasets/{name}/chain/tiers", tags=["chain"])
def chain_tiers(request: Request, name: str, firm: str,
                depth: int = Query(3, ge=1, le=20)) -> Any:
    from chainatlas.services import chain as svc

    return _out(svc.tiers(_store(request), name, firm, depth))


# --- clusters, complexity, circles -------------------------------------------------------------

class MatrixBody(BaseModel):
    """A region × activity matrix: ``rows`` labels, ``columns`` labels and ``values`` (≥ 0)."""

    rows: list[str] = Field(..., min_length=1)
    columns: list[str] = Field(..., min_length=1)
    values: list[list[float]] = Field(..., min_length=1)


def _matrix_csv(body: MatrixBody, folder: Path) -> Path:
    if len(body.values) != len(body.rows) or any(len(r) != len(body.columns) for r in body.values):
        raise InputError("values must have one row per label in rows and one column per label "
                         "in columns")
    path = folder / "matrix.csv"
    frame = pd.DataFrame(body.values, index=body.rows, columns=body.columns)
    frame.index.name = "region"
    frame.to_csv(path)
    return path


@router.post("/cluster/complexity", tags=["cluster"])
def cluster_complexity(body: MatrixBody) -> Any:
    from chainatlas.services import cluster as svc

    with tempfile.TemporaryDirectory() as tmp:
        return _out(svc.complexity_from_csv(_matrix_csv(body, Path(tmp))))


@router.get("/datasets/{name}/cluster/complexity", tags=["cluster"])
def dataset_complexity(request: Request, name: str, chain: str | None = None) -> Any:
    from chainatlas.services import cluster as svc

    return _out(svc.dataset_complexity(_store(request), name, chain=chain))


@router.get("/datasets/{name}/cluster/measures", tags=["cluster"])
def cluster_measures(request: Request, name: str, chain: str | None = None) -> Any:
    from chainatlas.services import cluster as svc

    return _out(svc.measures(_store(request), name, chain=chain))


@router.get("/datasets/{name}/cluster/circle", tags=["cluster"])
def cluster_circle(request: Request, name: str, of: str, hours: float = Query(4.0, gt=0),
                   mode: Literal["road", "rail"] = "road", chain: str | None = None) -> Any:
    from chainatlas.services import cluster as svc

    return _out(svc.circle(_store(request), name, of, hours, mode=mode, chain=chain))


@router.get("/datasets/{name}/cluster/scorecard", tags=["cluster"])
def cluster_scorecard(request: Request, name: str, region: str | None = None,
                      year: int | None = None) -> Any:
    from chainatlas.services import cluster as svc

    return _out(svc.scorecard(_store(request), name, region, year=year))


# --- advice -------------------------------------------------------------------------------------

@router.get("/datasets/{name}/advise", tags=["advise"])
def advise(request: Request, name: str, region: str,
           strategy: Literal["near", "long-jump"] = "near",
           top: int = Query(10, ge=1, le=200), candidates: int = Query(5, ge=0, le=50)) -> Any:
    from chainatlas.services import advise as svc

    return _out(svc.advise(_store(request), name, region, strategy=strategy, top=top,
                           candidates=candidates))


# --- technology matching -----------------------------------------------------------------------

class TextBody(BaseModel):
    text: str = Field(..., description="free text to attach to chain segments (挂链)")
    k: int = Field(3, ge=1, le=50)


@router.post("/datasets/{name}/match/classify", tags=["match"])
def match_classify(request: Request, name: str, body: TextBody) -> Any:
    from chainatlas.services import match as svc

    return _out(svc.classify(_store(request), name, text=body.text, k=body.k))


@router.get("/datasets/{name}/match/needs", tags=["match"])
def match_needs(request: Request, name: str, need: str | None = None,
                top: int = Query(5, ge=1, le=100)) -> Any:
    from chainatlas.services import match as svc

    return _out(svc.results_for_needs(_store(request), name, need=need, top=top))


@router.get("/datasets/{name}/match/firms", tags=["match"])
def match_firms(request: Request, name: str, asset: str,
                top: int = Query(10, ge=1, le=100)) -> Any:
    from chainatlas.services import match as svc

    return _out(svc.firms_for_asset(_store(request), name, asset, top=top))
