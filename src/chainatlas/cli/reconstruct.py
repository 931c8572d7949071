"""``chainatlas reconstruct``: supply links from firms and the BOM or an IO table, as an ensemble."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli._common import DatasetOpt, DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("reconstruct", help="Reconstruct supply links (member id, probability) from "
                "firms and the BOM or an IO table into a new dataset (供应关系重构).")(reconstruct)
    app.command("classify-firms", help="Firms to chain segments from name, business scope "
                "(经营范围) or GB/T 4754 industry code, with a confidence for review.")(
        classify_firms)


def classify_firms(
    dataset: DatasetOpt,
    file: Annotated[Path | None, typer.Option(
        "--file", help="Firms to classify: id, name, scope (经营范围), industry_code (行业代码); "
                       "default: the dataset's own firms by name.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    from chainatlas.services.classify_firms import classify_firms as run

    frame = run(db, dataset, file)
    if fmt is Format.table and out is None:
        n_review = int(frame["review"].sum())
        typer.echo(f"{len(frame)} firms classified; {n_review} flagged for review "
                   "(confidence < 0.6)")
        frame = frame[["firm", "name", "segment", "segment_name", "confidence", "method",
                       "review", "division", "reason"]]
    emit(frame, fmt, out, title="firms → chain segments (挂链)")


def reconstruct(
    dataset: DatasetOpt,
    into: Annotated[str, typer.Option("--into", help="Name of the new dataset to write.")],
    io: Annotated[str | None, typer.Option(
        "--io", help="IO table: a file (with --layout), an IO table stored with the dataset, "
                     "or 'demo' (China 2020, 12 sectors). Segments map to it by io_sector.")] = None,
    layout: Annotated[str, typer.Option("--layout", help="Layout of the --io file.")] = "simple",
    bom: Annotated[bool, typer.Option("--bom", help="Use the chain's bill of materials "
                                      "(segment_inputs); the default without --io.")] = False,
    members: Annotated[int, typer.Option("--members", "-n", min=1, max=1000,
                                         help="Networks in the ensemble.")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Seed: same seed, same ensemble.")] = 0,
    mean_degree: Annotated[float | None, typer.Option(
        "--mean-degree", help="Links per firm (default: drawn per member, log-uniform 4–25).")] = None,
    import_share: Annotated[float, typer.Option(
        "--import-share", min=0.0, max=0.99, help="Share of every input bought abroad.")] = 0.0,
    keep_observed: Annotated[bool, typer.Option(
        "--keep-observed/--drop-observed",
        help="Keep the dataset's own links and reconstruct around them.")] = True,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    from chainatlas.exceptions import InputError
    from chainatlas.services.reconstruct import reconstruct_dataset

    if io is not None and bom:
        raise InputError("give either --io TABLE or --bom, not both")
    table = None
    if io is not None:
        from chainatlas.services import io as io_service

        if io == "demo":
            table = io_service.demo_table()
        elif Path(io).exists():
            table = io_service.load_io_table(io, layout)
        else:
            table = io_service.load_stored_table(db, dataset, io)
    report = reconstruct_dataset(db, dataset, into, io=table, members=members, seed=seed,
                                 mean_degree=mean_degree, import_share=import_share,
                                 keep_observed=keep_observed)
    if fmt is Format.table and out is None:
        from rich.console import Console

        con = Console()
        con.print(f"[bold]{into}[/bold]: {members} reconstructed networks of '{dataset}' "
                  f"({'IO table ' + (table.name or io or '') if table is not None else 'bill of materials'}), "
                  f"seed {seed}; links per member median {report.links['median']:,.0f} "
                  f"(90 % band {report.links['p5']:,.0f}–{report.links['p95']:,.0f}); "
                  f"{report.observed_links} observed links kept; {report.seconds:.1f} s")
        con.print("Links are reconstructed (重构): analyses of this dataset report the median "
                  "and the 90 % band over members.")
        emit(report.member_table, fmt, None, title="members")
        con.print("[bold]assumed[/bold]")
        for note in report.assumptions:
            con.print(f" - {note}", markup=False)
        return
    emit(report.to_dict(), fmt, out, table=report.member_table)
