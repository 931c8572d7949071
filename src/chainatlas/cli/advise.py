"""`chainatlas advise` command."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ``advise`` command to ``app``."""
