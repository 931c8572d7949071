"""One error envelope for the whole API: ``{"error": {"code", "message", "details"}}``.

:data:`HTTP_STATUS` is the API's one table from the exception tree to HTTP statuses.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chainatlas.exceptions import (
    AccessDenied,
    ChainAtlasError,
    DataNotFound,
    Forbidden,
    InputError,
    LimitExceeded,
    ModelError,
    StoreError,
)

__all__ = ["HTTP_STATUS", "envelope", "install_error_handlers", "status_for"]

log = logging.getLogger("chainatlas.api")

#: HTTP status per error class; the most specific class in an error's MRO wins.
HTTP_STATUS: dict[type[ChainAtlasError], int] = {
    InputError: 400,
    DataNotFound: 404,
    ModelError: 422,
    StoreError: 503,
    AccessDenied: 401,
    Forbidden: 403,
    LimitExceeded: 413,
    ChainAtlasError: 500,
}

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               422: "unprocessable", 500: "internal_error"}


def status_for(err: ChainAtlasError) -> int:
    for cls in type(err).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 500


def envelope(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The error body every endpoint returns on failure."""
    return {"error": {"code": code, "message": message, "details": details}}


def install_error_handlers(app: FastAPI) -> None:
    """Route every error, ours, FastAPI's and unexpected ones, through the envelope."""

    @app.exception_handler(ChainAtlasError)
    async def _ours(request: Request, err: ChainAtlasError) -> JSONResponse:
        status = status_for(err)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(envelope(err.code, err.message, err.details), status_code=status,
                            headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _request(request: Request, err: RequestValidationError) -> JSONResponse:
        details = [{"location": [str(p) for p in e.get("loc", ())], "message": e.get("msg"),
                    "type": e.get("type")} for e in err.errors()]
        return JSONResponse(envelope("bad_request", "the request is not valid", details),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(err.status_code, "http_error")
        return JSONResponse(envelope(code, str(err.detail)), status_code=err.status_code,
                            headers=getattr(err, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(envelope("internal_error", "internal error; see the server log"),
                            status_code=500)
