"""Dataset endpoints: list, create, show, delete, import (multipart upload), export, templates."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from chainatlas._json import to_jsonable as jsonable
from chainatlas.api.auth import require_read, require_write
from chainatlas.api.routes_files import temp_file_response
from chainatlas.api.uploads import save_upload
from chainatlas.exceptions import InputError

router = APIRouter(tags=["datasets"])

_UPLOAD_SUFFIXES = {".csv", ".xlsx", ".parquet", ".json", ".jsonl"}


class DatasetCreate(BaseModel):
    name: str = Field(..., description="1-64 letters, digits, '-', '_' or '.'")


def _store(request: Request) -> Any:
    return request.app.state.store


@router.get("/datasets", dependencies=[Depends(require_read)])
def list_datasets(request: Request) -> list[dict[str, Any]]:
    from chainatlas.services import datasets

    return jsonable(datasets.list_datasets(_store(request)))


@router.post("/datasets", status_code=201, dependencies=[Depends(require_write)])
def create_dataset(request: Request, body: DatasetCreate) -> dict[str, Any]:
    from chainatlas.store import validate_dataset_name

    store = _store(request)
    store.create_dataset(validate_dataset_name(body.name))
    return {"name": body.name, "created": True}


@router.get("/datasets/{name}", dependencies=[Depends(require_read)])
def show_dataset(request: Request, name: str) -> dict[str, Any]:
    from chainatlas.services import datasets

    return jsonable(datasets.dataset_summary(_store(request), name))


@router.delete("/datasets/{name}", dependencies=[Depends(require_write)])
def delete_dataset(request: Request, name: str) -> dict[str, Any]:
    from chainatlas.services import datasets

    datasets.delete_dataset(_store(request), name)
    return {"name": name, "deleted": True}


@router.post("/datasets/{name}/imports/{table}", dependencies=[Depends(require_write)])
def import_table(request: Request, name: str, table: str,
                 file: UploadFile = File(...),  # noqa: B008
                 mode: str = Form("append"), sheet: str | None = Form(None),
                 encoding: str | None = Form(None)) -> dict[str, Any]:
    """Upload one table file; validated whole, then written in one transaction."""
    from chainatlas.services import datasets

    if mode not in ("append", "replace"):
        raise InputError(f"mode must be append or replace, not {mode!r}")
    with tempfile.TemporaryDirectory(prefix="chainatlas-upload-") as tmp:
        target = save_upload(request, file, Path(tmp), table, _UPLOAD_SUFFIXES)
        report = datasets.import_file(_store(request), name, table, target, sheet=sheet,
                                      mode=mode, encoding=encoding)  # type: ignore[arg-type]
    out = jsonable(report.to_dict())
    if isinstance(out, dict):
        out["file"] = file.filename
    return out


@router.get("/datasets/{name}/export", dependencies=[Depends(require_read)])
def export_dataset(request: Request, name: str, format: str = "xlsx",
                   include_signals: bool = False) -> FileResponse:
    """All tables of the dataset as one zip of ``<table>.<format>`` files.

    Firms' shared signals are firm-level data under sharing agreements: they are included only
    with ``include_signals=true`` and the server's write token.
    """
    from chainatlas.services import datasets

    if include_signals:
        require_write(request)

    def write(target: Path) -> Path:
        folder = target.parent / "tables"
        datasets.export_dataset(_store(request), name, folder, format,
                                include_private=include_signals)
        return Path(shutil.make_archive(str(target.with_suffix("")), "zip", folder))

    return temp_file_response(write, f"{name}-{format}.zip", "application/zip")


@router.get("/templates/{table}", dependencies=[Depends(require_read)])
def template(table: str, lang: str = "zh", format: str = "csv") -> FileResponse:
    from chainatlas.services import datasets

    return temp_file_response(lambda p: datasets.template(table, lang, p, format),
                              f"{table}.{format}")
