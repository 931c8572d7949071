"""`chainatlas serve`: the REST API (and dashboard) on one local port.

The server holds the store file only while a request's store operation runs, so the CLI keeps
working on the same store meanwhile (:mod:`chainatlas.store.lease`). A second server on the
same store serves too, on another port; one asked for a port already in use refuses in one line.
"""

from __future__ import annotations

import errno
import socket
from typing import Annotated

import typer

from chainatlas.cli._common import DbOpt
from chainatlas.exceptions import InputError


def _check_port(host: str, port: int) -> None:
    """Refuse (one line, exit 1) when ``host:port`` cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as err:
        raise InputError(f"cannot serve on {host}:{port}: {err}") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise InputError(
                    f"port {port} on {host} is already in use (another chainatlas serve?); "
                    "choose another with --port") from None
            raise InputError(f"cannot serve on {host}:{port}: {err.strerror}") from None


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""

    @app.command("serve")
    def serve(
        db: DbOpt = None,
        host: Annotated[str, typer.Option("--host", help="Address to bind; loopback by default.")
                        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", "-p", help="Port.")] = 8050,
    ) -> None:
        """Serve the REST API under /api/v1 (OpenAPI at /docs) and the dashboard under /dash/.
        Writes need CHAINATLAS_TOKEN. The CLI keeps working on the same store meanwhile."""
        try:
            import uvicorn

            from chainatlas.api.app import create_app
        except ImportError as err:  # the server extra is not installed
            typer.echo(f"error: the server needs the 'server' extra: pip install 'chainatlas[server]' "
                       f"({err})", err=True)
            raise typer.Exit(1) from None
        from chainatlas.services.datasets import open_store

        _check_port(host, port)
        open_store(db).close()  # a store that cannot be opened is one line, not a traceback
        uvicorn.run(create_app(db=db), host=host, port=port, log_level="info")
