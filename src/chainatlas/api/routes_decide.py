"""Decision endpoint: candidate interventions ranked by gain per 万元, budgeted portfolios.

``POST /datasets/{name}/decide`` returns ``202`` with a job; ``GET /api/v1/jobs/{id}`` polls it
and, when done, gives the same JSON as ``chainatlas decide --dataset NAME --format json``.
Scenarios (the Scenario YAML as JSON objects) and the cost model may go in the body.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from chainatlas._json import to_jsonable
from chainatlas.api.auth import require_read

router = APIRouter(dependencies=[Depends(require_read)])


class DecideBody(BaseModel):
    """Options of a decision run (all optional; defaults as ``chainatlas decide``)."""

    budgets: list[float] = Field(default_factory=lambda: [500.0, 3000.0, 10000.0],
                                 min_length=1, max_length=10)
    kinds: list[str] = Field(default_factory=lambda: ["dual_sourcing", "inventory",
                                                      "firm_inventory", "attract",
                                                      "localisation"], min_length=1)
    measures: list[str] = Field(default_factory=lambda: ["stress", "esri"], min_length=1)
    by: str = "stress"
    region: str | None = None
    scenarios: list[dict[str, Any]] | None = Field(None, min_length=1, max_length=50)
    costs: dict[str, Any] | None = None
    plant_links: Literal["model", "parent"] = "model"
    seed: int = Field(0, ge=0)


@router.post("/datasets/{name}/decide", status_code=202, tags=["decide"])
def decide_job(request: Request, name: str, body: DecideBody | None = None) -> Any:
    """Start a decision run as a job with progress."""
    import pydantic

    from chainatlas.decide import CostModel
    from chainatlas.exceptions import InputError
    from chainatlas.services import decide as svc
    from chainatlas.services.datasets import load_dataset
    from chainatlas.shock.scenario import parse_scenario

    opts = body or DecideBody()
    if any(not (b >= 0) for b in opts.budgets):
        raise InputError("budgets must be ≥ 0 (万元)")
    svc.check_options(opts.kinds, opts.measures, opts.by)
    ds = load_dataset(request.app.state.store, name)
    svc.decision_network_of(ds)          # a dataset without valued links is a 4xx, not a job
    scs = ([parse_scenario(s, source=f"body.scenarios[{k}]")
            for k, s in enumerate(opts.scenarios)] if opts.scenarios else None)
    try:
        costs = CostModel.model_validate(opts.costs or {})
    except pydantic.ValidationError as err:
        raise InputError(f"invalid cost model: {err.errors()[0]['msg']} at "
                         f"{'.'.join(map(str, err.errors()[0]['loc']))}") from None

    def job(ctx: Any) -> Any:
        ctx.progress(0.01, "interventions")
        out = svc.decide_of(ds, scenarios=scs, budgets=opts.budgets, kinds=opts.kinds,
                            measures=opts.measures, by=opts.by, region=opts.region, costs=costs,
                            plant_links=opts.plant_links, seed=opts.seed,
                            progress=lambda k, n: ctx.progress(0.8 * k / max(n, 1), f"{k}/{n}"))
        return to_jsonable(out)

    return request.app.state.jobs.submit("decide", job).to_dict()
