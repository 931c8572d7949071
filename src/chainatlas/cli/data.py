"""Data commands: ``import``, ``export``, ``datasets list|show|delete`` and ``template``.

Thin: each command calls :mod:`chainatlas.services.datasets` and prints the result.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli._common import DatasetOpt, DbOpt, EncodingOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

__all__ = ["register"]

class ImportMode(StrEnum):
    append = "append"
    replace = "replace"  # type: ignore[assignment]


class FileFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


class TemplateFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


datasets_app = typer.Typer(help="List, show and delete datasets in the store.",
                           no_args_is_help=True)


def _warn(warnings: list[object]) -> None:
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)


def import_cmd(
    table: Annotated[str, typer.Argument(help="Table to import into (e.g. firms, supply_links), "
                                              "'all' with a folder of <table>.<ext> files, or "
                                              "'willems' with a Willems (2008) supply-chain CSV.")],
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8/BOM/UTF-16/GBK/Big5), .xlsx, .parquet "
                                             "or .json file, or a folder with TABLE=all.")],
    dataset: DatasetOpt,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet to read.")] = None,
    mode: Annotated[ImportMode, typer.Option("--mode", help="Append rows or replace the table.")
                    ] = ImportMode.append,
    encoding: EncodingOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Import a file into a table of a dataset: validated whole, then written in one transaction.

    Headers may be Chinese or English; regions may be adcodes, ISO-3 codes or Chinese place
    names. On bad input nothing is written and up to 20 problems are listed (exit code 1).
    """
    from chainatlas.services import datasets as svc

    if table == "all":
        report = svc.import_directory(db, dataset, file, mode=mode.value, encoding=encoding)
    elif table == "willems":
        from chainatlas.services.chain import import_willems

        report = import_willems(db, dataset, file, mode=mode.value, encoding=encoding)
    else:
        report = svc.import_file(db, dataset, table, file, sheet=sheet, mode=mode.value,
                                 encoding=encoding)
    _warn(list(report.warnings))
    emit(report.to_dict(), fmt, out, title=f"imported into '{dataset}' (version {report.version})",
         table=report.to_frame())


def export_cmd(
    dataset: DatasetOpt,
    to: Annotated[Path, typer.Option("--to", help="Folder to write <table>.<format> files to.")],
    fmt: Annotated[FileFormat, typer.Option("--format", "-f", help="File format.")
                   ] = FileFormat.csv,
    db: DbOpt = None,
    include_signals: Annotated[bool, typer.Option(
        "--include-signals", help="Also export firms' shared signals (firm-level, private).")
    ] = False,
) -> None:
    """Export every non-empty table of a dataset to a folder (imports back unchanged).

    Firms' signals are left out unless --include-signals is given.
    """
    from chainatlas.services import datasets as svc

    paths = svc.export_dataset(db, dataset, to, fmt.value, include_private=include_signals)
    for p in paths:
        typer.echo(str(p))


def template_cmd(
    table: Annotated[str, typer.Argument(help="Table to make a template for (e.g. firms).")],
    lang: Annotated[Lang, typer.Option("--lang", help="Header language.")] = Lang.zh,
    fmt: Annotated[TemplateFormat | None, typer.Option(
        "--format", "-f", help="File format (default: from --out's suffix, else csv).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
) -> None:
    """Write an empty template for a table: headers in Chinese or English and one example row."""
    from chainatlas.services import datasets as svc

    kind = fmt.value if fmt is not None else None
    path = svc.template(table, lang.value, out, kind)
    typer.echo(str(path))


@datasets_app.command("list")
def datasets_list(db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """List the datasets in the store with their row counts."""
    from chainatlas.services import datasets as svc

    emit(svc.list_datasets(db), fmt, out, title="datasets")


@datasets_app.command("show")
def datasets_show(
    name: Annotated[str, typer.Argument(help="Dataset name.")],
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Show one dataset: version, dates, rows per table and stored frames."""
    import pandas as pd

    from chainatlas.services import datasets as svc

    summary = svc.dataset_summary(db, name)
    table = pd.DataFrame({"table": list(summary["tables"]),
                          "rows": list(summary["tables"].values())})
    emit(summary, fmt, out, title=f"{name} (version {summary['version']}, "
                                  f"updated {summary['updated_at']})", table=table)


@datasets_app.command("delete")
def datasets_delete(
    name: Annotated[str, typer.Argument(help="Dataset name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
) -> None:
    """Delete a dataset with all its tables and frames."""
    from chainatlas.services import datasets as svc

    if not yes:
        typer.confirm(f"Delete dataset '{name}' and all its tables?", abort=True, err=True)
    svc.delete_dataset(db, name)
    typer.echo(f"deleted {name}", err=True)


def register(app: typer.Typer) -> None:
    """Add the data commands to ``app``."""
    app.command("import")(import_cmd)
    app.command("export")(export_cmd)
    app.command("template")(template_cmd)
    app.add_typer(datasets_app, name="datasets")
