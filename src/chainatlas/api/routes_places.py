"""Places endpoint: resolve free-text places to region codes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from chainatlas._json import to_jsonable
from chainatlas.api.auth import require_read

router = APIRouter(tags=["places"])


class ResolveRequest(BaseModel):
    values: list[str | None] = Field(..., max_length=1_000_000,
                                     description="Place strings, one result each, in order.")
    countries: list[str | None] | None = Field(
        None, description="Optional country of each value (context), same length.")
    dataset: str | None = Field(None, description="Also use this dataset's own regions.")


@router.post("/places/resolve", dependencies=[Depends(require_read)])
def resolve_places(request: Request, body: ResolveRequest) -> Any:
    """``{"results": [{"input", "region", "level", "name", "country", "confidence",
    "candidates", "status"}]}``, one per value, in input order."""
    from chainatlas.services import places

    store = request.app.state.store if body.dataset is not None else None
    results = places.resolve_values(body.values, body.countries, db=store, dataset=body.dataset)
    return to_jsonable({"results": results})
