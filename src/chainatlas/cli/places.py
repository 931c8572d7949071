"""``chainatlas places``: resolve free-text places (addresses, names, codes) to region codes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli._common import DbOpt, EncodingOpt, OutOpt
from chainatlas.cli._output import emit

__all__ = ["app"]

app = typer.Typer(help="Places: addresses and names (Chinese, English, pinyin) to region codes "
                       "(地名解析).", no_args_is_help=True)


class ResolveFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command("resolve")
def resolve_cmd(
    file: Annotated[Path, typer.Argument(help="CSV (any common encoding), .xlsx, .parquet or "
                                              ".json file with a column of places.")],
    column: Annotated[str, typer.Option("--column", "-c", help="Column holding the places.")],
    country_column: Annotated[str | None, typer.Option(
        "--country-column", help="Column holding each row's country (used as context).")] = None,
    fmt: Annotated[ResolveFormat, typer.Option("--format", "-f", help="Output format.")
                   ] = ResolveFormat.table,
    out: OutOpt = None,
    encoding: EncodingOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet to read.")] = None,
    dataset: Annotated[str | None, typer.Option(
        "--dataset", "-d", help="Also use this dataset's own regions (their names).")] = None,
    db: DbOpt = None,
) -> None:
    """Resolve one column of places to region codes, one result per row, in input order.

    Mainland China to county level (adcodes), Hong Kong/Macao/Taiwan (810000/820000/710000,
    TW-TPE …), other countries (ISO-3) and their first-level subdivisions (ISO 3166-2). A row
    that names several places equally well is reported as ambiguous with its candidates: review
    those rows (status 'ambiguous' or 'unresolved') before importing.
    """
    from chainatlas.services import places as svc

    report = svc.resolve_file(file, column, country_column=country_column, encoding=encoding,
                              sheet=sheet, db=db, dataset=dataset)
    counts = report["counts"]
    if fmt is ResolveFormat.json:
        emit({"results": report["results"], "counts": counts}, "json", out)
    else:
        emit(report, fmt.value, out, table=svc.results_frame(report["results"]),
             title=f"places in {report['file']}:{column} — " + ", ".join(
                 f"{k} {v}" for k, v in sorted(counts.items())), max_rows=200)
    if counts.get("ambiguous") or counts.get("unresolved"):
        typer.echo(f"review: {counts.get('ambiguous', 0)} ambiguous, "
                   f"{counts.get('unresolved', 0)} unresolved row(s)", err=True)
