"""Bearer-token access: writes always need the token; reads need it unless reads are open."""

from __future__ import annotations

import hmac

from fastapi import Request

from chainatlas.exceptions import AccessDenied

__all__ = ["check_token", "require_read", "require_write"]


def check_token(request: Request, expected: str | None) -> None:
    """Raise :class:`AccessDenied` unless the request carries ``Authorization: Bearer <expected>``.

    With no token configured, every write is refused: a server started without
    ``CHAINATLAS_TOKEN`` is read-only. The comparison takes constant time.
    """
    if not expected:
        raise AccessDenied("writes are disabled: start the server with CHAINATLAS_TOKEN set")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise AccessDenied("missing bearer token (Authorization: Bearer <token>)")
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise AccessDenied("invalid token")


def require_write(request: Request) -> None:
    """Dependency for every endpoint that changes data."""
    check_token(request, request.app.state.settings.token)


def require_read(request: Request) -> None:
    """Dependency for read endpoints: open unless the server closed reads."""
    settings = request.app.state.settings
    if not settings.open_reads:
        check_token(request, settings.token)
