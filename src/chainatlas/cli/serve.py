"""`chainatlas serve`: the REST API (and dashboard) on one local port."""

from __future__ import annotations

from typing import Annotated

import typer

from chainatlas.cli._common import DbOpt


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""

    @app.command("serve")
    def serve(
        db: DbOpt = None,
        host: Annotated[str, typer.Option(help="Address to bind; loopback by default.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port.")] = 8050,
    ) -> None:
        """Serve the REST API under /api/v1 (OpenAPI at /docs). Writes need CHAINATLAS_TOKEN."""
        try:
            import uvicorn

            from chainatlas.api.app import create_app
        except ImportError as err:  # the server extra is not installed
            typer.echo(f"error: the server needs the 'server' extra: pip install 'chainatlas[server]' "
                       f"({err})", err=True)
            raise typer.Exit(1) from None
        uvicorn.run(create_app(db=db), host=host, port=port, log_level="info")
