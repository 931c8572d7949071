"""Endpoints that take a file or return a workbook: the CLI's file options over HTTP.

Uploads (multipart, size-limited like dataset imports): a Willems chain file into a dataset,
an input-output table stored with a dataset, two region × industry matrices for shift-share, a
pairwise-comparison matrix for AHP. Workbooks (``.xlsx``): advice, evaluation panel, cluster
measures and the report's lists (N图N清单).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from chainatlas._json import to_jsonable
from chainatlas.api.auth import require_read, require_write
from chainatlas.api.uploads import save_upload

router = APIRouter()

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _store(request: Request) -> Any:
    return request.app.state.store


def temp_file_response(write: Any, filename: str, media_type: str | None = None) -> FileResponse:
    """Run ``write(path) -> path`` in a temporary folder and stream the file it wrote; the folder
    is removed after the response is sent, or at once when ``write`` fails."""
    tmp = Path(tempfile.mkdtemp(prefix="chainatlas-file-"))
    try:
        path = Path(write(tmp / filename))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(path, filename=path.name, media_type=media_type,
                        background=BackgroundTask(shutil.rmtree, tmp, True))


def _workbook(write: Any, filename: str) -> FileResponse:
    return temp_file_response(write, filename, _XLSX)


# --- uploads that write -------------------------------------------------------------------------

@router.post("/datasets/{name}/chain/import-willems", tags=["chain"],
             dependencies=[Depends(require_write)])
def chain_import_willems(request: Request, name: str,
                         file: UploadFile = File(..., description="A Willems (2008) chain CSV"),  # noqa: B008
                         mode: Literal["append", "replace"] = Form("append"),
                         chain: str | None = Form(None), prefix: str = Form("")) -> Any:
    """Import a Willems supply-chain file: stages → firms and segments, up_stages → links and
    bill of materials (validated whole, one transaction)."""
    from chainatlas.services import chain as svc

    with tempfile.TemporaryDirectory(prefix="chainatlas-upload-") as tmp:
        stem = Path(file.filename or "chain").stem
        path = save_upload(request, file, Path(tmp), stem, {".csv"})
        report = svc.import_willems(_store(request), name, path, mode=mode,
                                    chain=chain or None, prefix=prefix)
    return to_jsonable(report.to_dict())


@router.post("/datasets/{name}/io/{table_name}", tags=["io"],
             dependencies=[Depends(require_write)])
def io_store(request: Request, name: str, table_name: str,
             file: UploadFile = File(..., description="An IO table file (CSV or Excel)"),  # noqa: B008
             layout: Literal["simple", "nbs", "niot", "bea"] = Form("simple"),
             year: int | None = Form(None)) -> Any:
    """Read an input-output table (checked) and store it with the dataset as ``table_name``.

    ``year`` picks the year of a WIOD national table (``niot``, default: its latest year).
    """
    from chainatlas.services import io as svc

    with tempfile.TemporaryDirectory(prefix="chainatlas-upload-") as tmp:
        path = save_upload(request, file, Path(tmp), "io-table", {".csv", ".xlsx", ".xls"})
        table = svc.load_io_table(path, layout, year=year)
        rows = svc.store_io_table(_store(request), name, table_name, table)
    return {"dataset": name, "table_name": table_name, "industries": table.n, "rows": rows}


# --- uploads that only compute ------------------------------------------------------------------

@router.post("/cluster/shift-share", tags=["cluster"], dependencies=[Depends(require_read)])
def cluster_shift_share(request: Request,
                        start: UploadFile = File(..., description="Region × industry CSV, start year"),  # noqa: B008
                        end: UploadFile = File(..., description="Region × industry CSV, end year"),  # noqa: B008
                        ) -> Any:
    """Shift-share: national share, industry mix and regional shift of each region's change."""
    from chainatlas.services import cluster as svc

    with tempfile.TemporaryDirectory(prefix="chainatlas-upload-") as tmp:
        a = save_upload(request, start, Path(tmp), "start", {".csv"})
        b = save_upload(request, end, Path(tmp), "end", {".csv"})
        frame = svc.shift_share_from_csv(a, b)
    return {"national_growth": frame.attrs.get("national_growth"), "rows": to_jsonable(frame)}


@router.post("/evaluate/ahp", tags=["evaluate"], dependencies=[Depends(require_read)])
def evaluate_ahp(request: Request,
                 matrix: UploadFile = File(..., description="Square pairwise-comparison CSV"),  # noqa: B008
                 method: Literal["eigen", "geometric", "arithmetic"] = Form("eigen")) -> Any:
    """AHP weights with λmax, CI and the consistency ratio CR (< 0.1 acceptable)."""
    from chainatlas.services import evaluate as svc

    with tempfile.TemporaryDirectory(prefix="chainatlas-upload-") as tmp:
        path = save_upload(request, matrix, Path(tmp), "pairwise", {".csv"})
        return to_jsonable(svc.ahp_table(path, method))


# --- workbooks ----------------------------------------------------------------------------------

@router.get("/datasets/{name}/advise.xlsx", tags=["advise"], response_class=FileResponse,
            dependencies=[Depends(require_read)])
def advise_xlsx(request: Request, name: str, region: str,
                strategy: Literal["near", "long-jump"] = "near",
                top: int = Query(10, ge=1, le=200),
                candidates: int = Query(5, ge=0, le=50)) -> FileResponse:
    """The advice workbook: 建议清单, 候选企业, 理由, 说明."""
    from chainatlas.services import advise as svc

    res = svc.advise(_store(request), name, region, strategy=strategy, top=top,
                     candidates=candidates)
    return _workbook(lambda p: svc.write_xlsx(res, p), f"{name}-advice-{region}.xlsx")


@router.get("/datasets/{name}/evaluate/panel.xlsx", tags=["evaluate"],
            response_class=FileResponse, dependencies=[Depends(require_read)])
def evaluate_panel_xlsx(request: Request, name: str, template: str | None = None) -> FileResponse:
    """The evaluation panel workbook (scores, weights, coupling, obstacles)."""
    from chainatlas.services import evaluate as svc

    result = svc.run_panel(dataset=name, db=_store(request), template=template)
    return _workbook(lambda p: svc.write_xlsx(result, p), f"{name}-evaluation.xlsx")


@router.get("/datasets/{name}/cluster/measures.xlsx", tags=["cluster"],
            response_class=FileResponse, dependencies=[Depends(require_read)])
def cluster_measures_xlsx(request: Request, name: str, chain: str | None = None) -> FileResponse:
    """Cluster measures workbook: regions, industries and the location-quotient matrix."""
    from chainatlas.services import cluster as svc

    res = svc.measures(_store(request), name, chain=chain)
    sheets = {k: res[k] for k in ("regions", "industries", "lq")}
    return _workbook(lambda p: svc.write_workbook(p, sheets), f"{name}-cluster-measures.xlsx")


@router.get("/datasets/{name}/report.xlsx", tags=["report"], response_class=FileResponse,
            dependencies=[Depends(require_read)])
def report_xlsx(request: Request, name: str, region: str | None = None,
                lang: Literal["zh", "en"] = "zh") -> FileResponse:
    """The report's lists workbook (N图N清单: firms, gaps, chokepoints, targets, technologies)."""
    from chainatlas.report.build import report_lists
    from chainatlas.report.xlsx import write_lists_workbook
    from chainatlas.services.datasets import load_dataset

    lists = report_lists(load_dataset(_store(request), name), region=region, lang=lang)
    return _workbook(lambda p: write_lists_workbook(lists, p, lang), f"{name}-lists.xlsx")
