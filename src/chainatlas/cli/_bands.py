"""Printing a result over a reconstructed ensemble (median, 90 % band, P(top-k))."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from chainatlas.cli._output import Format, emit

__all__ = ["emit_bands"]


def emit_bands(res: Any, fmt: Format, out: Path | None, title: str) -> None:
    """Print a :class:`~chainatlas.services.bands.BandResult` and say links are reconstructed."""
    from chainatlas.services.bands import RECONSTRUCTED_NOTE

    if fmt is Format.table and out is None:
        typer.echo(f"{RECONSTRUCTED_NOTE['zh']} ({res.members} members)")
        typer.echo(RECONSTRUCTED_NOTE["en"])
        emit(res.scalars, fmt, title=f"{title}: headline numbers over {res.members} networks")
        emit(res.table, fmt, title=f"{title}: per item (p_top_k: share of networks where it is "
                                   f"in the top {res.top_k})")
        return
    emit(res.to_dict(), fmt, out, table=res.table)
