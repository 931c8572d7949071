"""Data-sharing endpoints: signals upload and scoped reads, agreements, aggregates, warnings.

Every endpoint here authenticates an *account* token (``Authorization: Bearer <id>.<secret>``,
created with ``chainatlas accounts add``), not the server's write token: what a request may see
depends on who the account is (see :mod:`chainatlas.services.sharing`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field

from chainatlas._json import to_jsonable
from chainatlas.api.uploads import save_upload
from chainatlas.exceptions import AccessDenied

router = APIRouter(tags=["sharing"])

_UPLOAD_SUFFIXES = {".csv", ".xlsx", ".parquet", ".json", ".jsonl"}


def account(request: Request) -> Any:
    """Dependency: the account whose token the request carries."""
    from chainatlas.services import sharing

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AccessDenied("missing account token (Authorization: Bearer <account token>)")
    return sharing.authenticate(request.app.state.store, token.strip())


_Account = Depends(account)


class SignalRow(BaseModel):
    firm: str
    segment: str
    period: str = Field(..., description="first day of the reporting period, YYYY-MM-DD")
    kind: str = Field(..., description="orders, forecast, inventory_days, utilisation, lead_time")
    value: float
    unit: str
    freq: str | None = Field(None, description="day, week (default), month or quarter")


class SignalBatch(BaseModel):
    rows: list[SignalRow]


class GrantBody(BaseModel):
    partner: str
    kinds: list[str] = Field(default_factory=list, description="default: every kind")
    owner: str | None = Field(None, description="default: the account's firm")


class AccountBody(BaseModel):
    id: str
    role: str
    dataset: str | None = None
    firm: str | None = None


def _store(request: Request) -> Any:
    return request.app.state.store


@router.get("/me")
def me(who: Any = _Account) -> dict[str, Any]:
    """The account the token belongs to."""
    return {"id": who.id, "role": who.role, "dataset": who.dataset, "firm": who.firm}


@router.post("/accounts", status_code=201)
def add_account(request: Request, body: AccountBody, who: Any = _Account) -> dict[str, Any]:
    """Create an account (admins); the token is returned once."""
    from chainatlas.services import sharing

    token = sharing.add_account(_store(request), who, body.id, body.role, dataset=body.dataset,
                                firm=body.firm)
    return {"id": body.id, "role": body.role, "token": token}


@router.get("/accounts")
def list_accounts(request: Request, who: Any = _Account) -> Any:
    from chainatlas.services import sharing

    return to_jsonable(sharing.list_accounts(_store(request), who))


@router.post("/datasets/{name}/signals")
def post_signals(request: Request, name: str, body: SignalBatch,
                 who: Any = _Account) -> Any:
    """Upload signals as JSON rows (validated whole, then one transaction)."""
    from chainatlas.services import sharing

    frame = pd.DataFrame([r.model_dump() for r in body.rows])
    report = sharing.import_signals(_store(request), name, who, frame=frame)
    return to_jsonable(report.to_dict())


@router.post("/datasets/{name}/signals/upload")
def upload_signals(request: Request, name: str, file: UploadFile = File(...),  # noqa: B008
                   who: Any = _Account, encoding: str | None = Form(None)) -> Any:
    """Upload a CSV/Excel/Parquet/JSON file of signals (``encoding``: that of a CSV/JSON file,
    detected when not given)."""
    from chainatlas.services import sharing

    with tempfile.TemporaryDirectory(prefix="chainatlas-signals-") as tmp:
        target = save_upload(request, file, Path(tmp), "signals", _UPLOAD_SUFFIXES)
        report = sharing.import_signals(_store(request), name, who, target, encoding=encoding)
    return to_jsonable(report.to_dict())


@router.get("/datasets/{name}/signals")
def get_signals(request: Request, name: str, firm: str | None = None,
                kind: list[str] | None = Query(None),  # noqa: B008
                segment: str | None = None, start: str | None = None, end: str | None = None,
                who: Any = _Account) -> Any:
    """Firm-level signals the account may see (audit-logged)."""
    from chainatlas.services import sharing

    return to_jsonable(sharing.read_signals(_store(request), name, who, firm=firm, kinds=kind,
                                            segment=segment, start=start, end=end))


@router.get("/datasets/{name}/signals/aggregate")
def get_aggregate(request: Request, name: str, level: str = "segment", kind: str | None = None,
                  k: int | None = None, who: Any = _Account) -> Any:
    """k-anonymous aggregates (suppressed cells have value null and a status)."""
    from chainatlas.services import sharing

    return to_jsonable(sharing.aggregate(_store(request), name, who, level=level, kind=kind,
                                         k=k))


@router.get("/datasets/{name}/signals/tiers")
def get_tiers(request: Request, name: str, who: Any = _Account) -> Any:
    from chainatlas.services import sharing

    return to_jsonable(sharing.demand_tiers(_store(request), name, who))


@router.get("/datasets/{name}/signals/bullwhip")
def get_bullwhip(request: Request, name: str, p: int = 4, who: Any = _Account) -> Any:
    from chainatlas.services import sharing

    return to_jsonable(sharing.bullwhip_by_tier(_store(request), name, who, p=p))


@router.get("/datasets/{name}/warnings")
def get_warnings(request: Request, name: str, method: str = "cusum", window: int = 26,
                 since: str | None = None, who: Any = _Account) -> Any:
    from chainatlas.services import sharing

    return to_jsonable(sharing.early_warnings(_store(request), name, who, method=method,
                                              window=window, since=since))


@router.get("/datasets/{name}/sharing/agreements")
def get_agreements(request: Request, name: str, active: bool = False,
                   who: Any = _Account) -> Any:
    from chainatlas.services import sharing

    return to_jsonable(sharing.list_agreements(_store(request), name, who, active_only=active))


@router.post("/datasets/{name}/sharing/agreements", status_code=201)
def post_agreement(request: Request, name: str, body: GrantBody, who: Any = _Account) -> Any:
    from chainatlas.services import sharing

    return to_jsonable(sharing.grant(_store(request), name, who, body.owner, body.partner,
                                     body.kinds))


@router.delete("/datasets/{name}/sharing/agreements/{partner}")
def delete_agreement(request: Request, name: str, partner: str, owner: str | None = None,
                     who: Any = _Account) -> dict[str, Any]:
    from chainatlas.services import sharing

    return {"revoked": sharing.revoke(_store(request), name, who, owner, partner)}


@router.get("/datasets/{name}/audit")
def get_audit(request: Request, name: str, firm: str | None = None, who: Any = _Account) -> Any:
    from chainatlas.services import sharing

    return to_jsonable(sharing.audit_log(_store(request), name, who, firm=firm))
