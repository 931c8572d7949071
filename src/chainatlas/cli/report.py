"""`chainatlas report`: one self-contained HTML report and the lists workbook (N图N清单)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli._common import DatasetOpt, DbOpt


class ReportLang(StrEnum):
    zh = "zh"
    en = "en"


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""

    @app.command("report")
    def report(
        dataset: DatasetOpt,
        out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("report.html"),
        region: Annotated[str | None, typer.Option(
            "--region", "-r", help="Region (adcode) the report looks from.")] = None,
        lang: Annotated[ReportLang, typer.Option("--lang", help="Report language.")] = ReportLang.zh,
        xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write the lists workbook here.")] = None,
        db: DbOpt = None,
    ) -> None:
        """Write a self-contained HTML report (chain map, chokepoints, stress test, IO, clusters,
        evaluation, matching, advice) that opens offline; --xlsx adds the lists workbook."""
        from rich.console import Console

        from chainatlas.report.build import write_report

        console = Console(stderr=True)
        with console.status("report …") as status:
            res = write_report(db, dataset, out, region=region, lang=lang.value, xlsx=xlsx,
                               progress=lambda k: status.update(f"report: {k} …"))
        typer.echo(str(res.html))
        if res.xlsx:
            typer.echo(str(res.xlsx))
        for key, why in res.skipped.items():
            typer.echo(f"note: section '{key}' not produced: {why}", err=True)
