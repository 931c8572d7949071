"""The REST API application (FastAPI), versioned under ``/api/v1``.

One :class:`~chainatlas.store.Store` is opened when the app starts and shared by every request
(the store serialises writers and hands each reader its own cursor); every analysis goes through
the same service functions the CLI calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from chainatlas import __version__
from chainatlas.api.errors import install_error_handlers
from chainatlas.api.jobs import JobManager
from chainatlas.config import Settings, get_settings

__all__ = ["create_app"]


def _mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard under ``/dash/`` from the same server (the web stack is imported here,
    never by ``import chainatlas``)."""
    from a2wsgi import WSGIMiddleware
    from fastapi.responses import RedirectResponse

    from chainatlas.web.app import create_dashboard

    dash_app = create_dashboard(lambda: app.state.store, lambda: app.state.jobs, prefix="/dash/")
    app.state.dash = dash_app
    app.mount("/dash", WSGIMiddleware(dash_app.server))  # type: ignore[arg-type]

    @app.get("/", include_in_schema=False)
    def _root() -> RedirectResponse:
        return RedirectResponse("/dash/")


def _mount_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI 5 (reads OpenAPI 3.1) from the files the ``fastapi-offline``
    package ships (MIT), so the API reference opens without internet access."""
    try:
        import fastapi_offline
    except ImportError:  # the server extra is not installed: no interactive docs
        return
    swagger_ui_path = Path(fastapi_offline.__file__).parent / "static"
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json",
                                   title=f"{app.title} — docs",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon.png")


def create_app(settings: Settings | None = None, *, db: str | Path | None = None) -> FastAPI:
    """Build the API app. Nothing is opened until the app starts (lifespan)."""
    settings = settings or get_settings(db)
    if db is not None:
        settings = replace(settings, db_path=Path(db))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from chainatlas.services.datasets import open_store

        app.state.store = open_store(settings.db_path)
        app.state.jobs = JobManager(max_seconds=settings.max_job_seconds, store=app.state.store)
        app.state.jobs.recover()
        stop = None
        if settings.warm and getattr(app.state, "dash", None) is not None:
            from chainatlas.web import warm  # the dashboard's analyses, in the background

            _, stop = warm.start(app.state.dash, app.state.store)
        try:
            yield
        finally:
            if stop is not None:
                stop.set()
            app.state.jobs.shutdown()
            app.state.store.close()

    app = FastAPI(
        title="chainatlas API",
        version=__version__,
        description="Map, stress-test and strengthen industrial chains (产业链). "
                    "Errors use one envelope: {\"error\": {\"code\", \"message\", \"details\"}}. "
                    "Write endpoints need `Authorization: Bearer <CHAINATLAS_TOKEN>`.",
        lifespan=lifespan,
        docs_url=None,  # served below from the packaged Swagger UI, not a CDN
    )
    app.state.settings = settings
    _mount_docs(app)
    install_error_handlers(app)

    from chainatlas.api.routes_analyses import router as analyses
    from chainatlas.api.routes_datasets import router as datasets
    from chainatlas.api.routes_decide import router as decide
    from chainatlas.api.routes_files import router as files
    from chainatlas.api.routes_jobs import router as jobs
    from chainatlas.api.routes_places import router as places
    from chainatlas.api.routes_risk import router as risk
    from chainatlas.api.routes_sharing import router as sharing

    app.include_router(datasets, prefix="/api/v1")
    app.include_router(analyses, prefix="/api/v1")
    app.include_router(files, prefix="/api/v1")
    app.include_router(jobs, prefix="/api/v1")
    app.include_router(sharing, prefix="/api/v1")
    app.include_router(places, prefix="/api/v1")
    app.include_router(risk, prefix="/api/v1")
    app.include_router(decide, prefix="/api/v1")

    _mount_dashboard(app)

    @app.get("/api/v1/health", tags=["meta"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    return app
