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
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from chainatlas._json import to_jsonable
from chainatlas.api.auth import require_read, require_write
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
              chain: str | None = None, hmt: str = "separate") -> Any:
    from chainatlas.services import chain as svc

    return _out(svc.map_chain(_store(request), name, region=region, within_hours=within_hours,
                              of=of, chain=chain, hmt=hmt))


@router.get("/datasets/{name}/chain/throughput", tags=["chain"])
def chain_throughput(request: Request, name: str, segment: str | None = None,
                     region: str | None = None, within_hours: float | None = Query(None, gt=0),
                     of: str | None = None, mix: str | None = None,
                     hours_per_day: float = Query(24.0, gt=0, le=24)) -> Any:
    """Product-mix (default: final-demand weights; ``mix=seg=w,seg=w``) or one-segment
    throughput; ``mix`` and ``weights_from`` in the answer say which weights were used."""
    from chainatlas.services import chain as svc

    return _out(svc.throughput(_store(request), name, segment=segment, region=region,
                               within_hours=within_hours, of=of, mix=mix,
                               hours_per_day=hours_per_day))


@router.get("/datasets/{name}/chain/chokepoints", tags=["chain"])
def chain_chokepoints(request: Request, name: str, target: str | None = None,
                      limit: int | None = Query(None, ge=1),
                      max_exact: int = Query(1000, ge=0)) -> Any:
    from chainatlas.services import chain as svc

    return _out(svc.top_chokepoints(_store(request), name, target, limit=limit,
                                    max_exact=max_exact))


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


ValueQ = Literal["output_value", "capacity", "firms", "employees"]
LevelQ = Literal["province", "prefecture", "county"]


@router.get("/datasets/{name}/cluster/complexity", tags=["cluster"])
def dataset_complexity(request: Request, name: str, chain: str | None = None,
                       value: ValueQ = "output_value",
                       presence: Literal["binary", "continuous"] = "binary",
                       threshold: float = Query(1.0, gt=0, le=1e6),
                       exclude_self: bool = False, level: LevelQ = "prefecture") -> Any:
    """ECI, PCI, density, distance, COI and COG of the dataset's region × segment matrix, firms
    rolled up to one region ``level``; ``notes`` and ``warnings`` say what was left out and
    whether the ranking is structural (log-supermodularity)."""
    from chainatlas.services import cluster as svc

    return _out(svc.dataset_complexity(_store(request), name, chain=chain, value=value,
                                       presence=presence, threshold=threshold,
                                       include_self=not exclude_self, level=level))


@router.get("/datasets/{name}/cluster/measures", tags=["cluster"])
def cluster_measures(request: Request, name: str, chain: str | None = None,
                     value: ValueQ = "output_value", level: LevelQ = "prefecture") -> Any:
    """Location quotients, Krugman, Hoover, Herfindahl and Ellison–Glaeser agglomeration."""
    from chainatlas.services import cluster as svc

    return _out(svc.measures(_store(request), name, chain=chain, value=value, level=level))


@router.get("/datasets/{name}/cluster/circle", tags=["cluster"])
def cluster_circle(request: Request, name: str, of: str, hours: float = Query(4.0, gt=0),
                   mode: Literal["road", "rail"] = "road", chain: str | None = None,
                   value: ValueQ = "output_value") -> Any:
    """Share of a chain's output and of the site's purchases within N hours (N小时产业圈)."""
    from chainatlas.services import cluster as svc

    return _out(svc.circle(_store(request), name, of, hours, mode=mode, chain=chain,
                           value=value))


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
    """Either ``text`` (free text) or ``assets: true`` (every innovation asset of the dataset)."""

    text: str | None = Field(None, description="free text to attach to chain segments (挂链)")
    assets: bool = Field(False, description="attach every innovation asset instead of a text")
    k: int = Field(3, ge=1, le=50)
    threshold: float | None = Field(None, ge=0, description="minimum BM25 score of a segment")


@router.post("/datasets/{name}/match/classify", tags=["match"])
def match_classify(request: Request, name: str, body: TextBody) -> Any:
    from chainatlas.services import match as svc

    return _out(svc.classify(_store(request), name, text=body.text, assets=body.assets,
                             k=body.k, threshold=body.threshold))


@router.post("/datasets/{name}/match/index", tags=["match"],
             dependencies=[Depends(require_write)])
def match_index(request: Request, name: str) -> Any:
    """Rebuild and store the matching index (queries rebuild a stale one anyway)."""
    from chainatlas.services import match as svc

    return _out(svc.build_index(_store(request), name))


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


# --- evaluation ---------------------------------------------------------------------------------

class ScoreBody(BaseModel):
    """A decision matrix: alternative ids, criteria names, values and criterion directions."""

    ids: list[str] = Field(..., min_length=2)
    criteria: list[str] = Field(..., min_length=1)
    values: list[list[float]] = Field(..., min_length=2)
    types: list[Literal["+", "-"]] | None = None
    method: str = "entropy-topsis"


def _frame(ids: list[str], columns: list[str], values: list[list[float]]) -> pd.DataFrame:
    if len(values) != len(ids) or any(len(r) != len(columns) for r in values):
        raise InputError("values must have one row per id and one column per criterion")
    frame = pd.DataFrame(values, columns=columns)
    frame.insert(0, "id", ids)
    return frame


@router.post("/evaluate/score", tags=["evaluate"])
def evaluate_score(body: ScoreBody) -> Any:
    from chainatlas.services import evaluate as svc

    types = ",".join(body.types) if body.types else None
    return _out(svc.score_matrix(_frame(body.ids, body.criteria, body.values), types,
                                 body.method))


class CouplingBody(BaseModel):
    """Subsystem scores U in [0, 1]: one row per alternative, one column per subsystem."""

    ids: list[str] = Field(..., min_length=1)
    subsystems: list[str] = Field(..., min_length=2)
    values: list[list[float]] = Field(..., min_length=1)
    variant: Literal["standard", "wang"] = "standard"


@router.post("/evaluate/coupling", tags=["evaluate"])
def evaluate_coupling(body: CouplingBody) -> Any:
    from chainatlas.services import evaluate as svc

    return _out(svc.coupling_table(_frame(body.ids, body.subsystems, body.values), body.variant))


@router.get("/datasets/{name}/evaluate/panel", tags=["evaluate"])
def evaluate_panel(request: Request, name: str, template: str | None = None) -> Any:
    from chainatlas.services import evaluate as svc

    result = svc.run_panel(dataset=name, db=_store(request), template=template)
    return {"summary": to_jsonable(svc.summary_table(result)), "result": _out(result)}


# --- input-output -------------------------------------------------------------------------------

@router.get("/datasets/{name}/io/{table_name}/analyze", tags=["io"])
def io_analyze_stored(request: Request, name: str, table_name: str,
                      forward: Literal["ghosh", "leontief"] = "ghosh") -> Any:
    """Multipliers, linkages, key sectors and extraction of an IO table stored in a dataset."""
    from chainatlas.services import io as svc

    table = svc.load_stored_table(_store(request), name, table_name)
    return _out(svc.analyze(table, forward=forward))


@router.get("/io/demo/analyze", tags=["io"])
def io_analyze_demo(forward: Literal["ghosh", "leontief"] = "ghosh") -> Any:
    """The built-in 12-sector China 2020 table (aggregated from the NBS 42-sector table)."""
    from chainatlas.services import io as svc

    return _out(svc.analyze(svc.demo_table(), forward=forward))


class IOShockBody(BaseModel):
    """A shock on the built-in or a stored table: one value per sector (sector → value)."""

    model: Literal["leontief", "ghosh", "mixed", "iim", "diim", "ario"] = "leontief"
    values: dict[str, float] = Field(..., min_length=1)
    dataset: str | None = None
    table_name: str | None = None


@router.post("/io/shock", tags=["io"])
def io_shock(request: Request, body: IOShockBody) -> Any:
    from chainatlas.services import io as svc

    if (body.dataset is None) != (body.table_name is None):
        raise InputError("give both dataset and table_name, or neither (built-in table)")
    table = (svc.load_stored_table(_store(request), body.dataset, body.table_name)
             if body.dataset and body.table_name else svc.demo_table())
    frame = pd.DataFrame({"sector": list(body.values), "value": list(body.values.values())})
    vector = svc.shock_vector(frame, table, source="request body")
    return _out(svc.run_shock(table, body.model, vector))


# --- stress tests (jobs) ------------------------------------------------------------------------

class StressBody(BaseModel):
    """A scenario as JSON (the same keys as a scenario file; see docs/scenarios.md)."""

    scenario: dict[str, Any]


@router.post("/datasets/{name}/stress/run", status_code=202, tags=["stress"])
def stress_run(request: Request, name: str, body: StressBody) -> Any:
    """Start a stress test as a job; poll ``GET /api/v1/jobs/{id}`` for progress and result."""
    from chainatlas.services import stress as svc
    from chainatlas.services.datasets import load_dataset

    store = _store(request)
    ds = load_dataset(store, name)
    scenario = svc.parse_scenario(body.scenario)  # validated now: a bad scenario is a 400

    def job(ctx: Any) -> Any:
        ctx.progress(0.05, "simulating")
        result = svc.run_scenario_of(ds, scenario)
        ctx.progress(0.95, "summarising")
        return to_jsonable(result.to_dict())

    return request.app.state.jobs.submit("stress", job).to_dict()


@router.get("/datasets/{name}/stress/tts", tags=["stress"])
def stress_tts(request: Request, name: str, ttr_days: float = Query(14.0, ge=0),
               top: int = Query(50, ge=1, le=10_000)) -> Any:
    """Time-to-survive vs time-to-recover for every firm (Simchi-Levi et al. 2015)."""
    from chainatlas.services import stress as svc

    frame = svc.tts_ttr(_store(request), name, ttr_days=ttr_days)
    return to_jsonable(frame.head(top))


@router.post("/datasets/{name}/stress/sweep", status_code=202, tags=["stress"])
def stress_sweep(request: Request, name: str,
                 each: Literal["firm", "region", "segment"] = "firm",
                 top: int | None = Query(None, ge=1),
                 rank_by: Literal["share", "loss"] | None = None) -> Any:
    """One scenario per firm, region or segment, as a job with progress; firms ranked by the
    exact cascade share (as chain chokepoints; ``rank_by=loss``: by simulated loss)."""
    from chainatlas.services import stress as svc
    from chainatlas.services.datasets import load_dataset

    ds = load_dataset(_store(request), name)

    def job(ctx: Any) -> Any:
        frame = svc.sweep_of(ds, each, top=top, rank_by=rank_by,
                             progress=lambda k, n: ctx.progress(k / max(n, 1), f"{k}/{n}"))
        return to_jsonable(frame)

    return request.app.state.jobs.submit("sweep", job).to_dict()


# --- report -------------------------------------------------------------------------------------

@router.get("/datasets/{name}/report", tags=["report"], response_class=HTMLResponse)
def report(request: Request, name: str, region: str | None = None,
           lang: Literal["zh", "en"] = "zh") -> HTMLResponse:
    """The self-contained HTML report of a dataset (opens offline)."""
    from chainatlas.report.build import build_report
    from chainatlas.services.datasets import load_dataset

    html, *_ = build_report(load_dataset(_store(request), name), region=region, lang=lang)
    return HTMLResponse(html)
