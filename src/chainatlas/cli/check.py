"""`chainatlas check`: the store's integrity check on demand (exit 1 when it fails)."""

from __future__ import annotations

import typer

from chainatlas.cli._common import DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit


def register(app: typer.Typer) -> None:
    """Add the ``check`` command to ``app``."""

    @app.command("check")
    def check(
        db: DbOpt = None,
        dataset: str | None = typer.Option(None, "--dataset", "-d",
                                           help="Check only this dataset's keys and references."),
        fmt: FormatOpt = Format.table,
        out: OutOpt = None,
    ) -> None:
        """Check the store: schema version, catalogue vs tables, unique keys, references,
        acyclic bill of materials, every table and frame readable. Exit 1 if any check fails."""
        from chainatlas.exceptions import StoreError
        from chainatlas.services.datasets import open_store

        with open_store(db, read_only=True) as store:
            report = store.check(dataset)
        emit(report.to_dict(), fmt, out, title=f"integrity of {report.path}",
             table=report.to_frame())
        if not report.ok:
            raise StoreError(f"integrity check failed: {len(report.errors)} error(s); first: "
                             f"{report.errors[0]}")
