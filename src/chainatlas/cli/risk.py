"""`chainatlas risk` commands: every firm's Economic Systemic Risk Index (ESRI) and ψ scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from chainatlas.cli._common import DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

app = typer.Typer(no_args_is_help=True)

FileOpt = Annotated[Path | None, typer.Option(exists=False, dir_okay=False)]


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task("ESRI", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


@app.command("esri")
def esri_cmd(
    firms: Annotated[Path | None, typer.Option("--firms", help="firms.csv: id,sector "
                                               "(optional name, region, country, lon, lat).")] = None,
    edges: Annotated[Path | None, typer.Option("--edges", help="edges.csv: supplier,customer,"
                                               "weight (sales of supplier to customer).")] = None,
    essentiality: Annotated[Path | None, typer.Option(
        "--essentiality", help="Wide matrix: first column the supplier sector, header the "
                               "customer sectors, entries 0 irrelevant / 1 non-essential / "
                               "2 essential.")] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", "-d",
                                                help="A dataset in the store instead of files.")] = None,
    db: DbOpt = None,
    io_table: Annotated[str | None, typer.Option(
        "--io-table", help="With --dataset: the IO table stored with it whose sectors classify "
                           "the inputs when segment_inputs gives no essentiality (default: the "
                           "only one stored).")] = None,
    epsilon: Annotated[float, typer.Option("--epsilon", min=0.0,
                                           help="Stopping tolerance ε of the cascade.")] = 0.01,
    no_substitution: Annotated[bool, typer.Option(
        "--no-substitution", help="Switch replaceability σ off (σ = 1).")] = False,
    psi: Annotated[Path | None, typer.Option(
        "--psi", help="ψ scenarios CSV: firm,psi or scenario,firm,psi (capacity 0..1; "
                      "unlisted firms 1).")] = None,
    scenario: Annotated[str | None, typer.Option(
        "--scenario", help="Run only this scenario of the --psi file.")] = None,
    sector: Annotated[str | None, typer.Option("--sector", help="Scenario: this sector closes.")] = None,
    region: Annotated[str | None, typer.Option(
        "--region", "-r", help="Scenario: firms in this region (adcode, prefix-matched) close.")] = None,
    export_ban: Annotated[str | None, typer.Option(
        "--export-ban", help="Scenario: the foreign suppliers of this segment close.")] = None,
    footprint: Annotated[Path | None, typer.Option(
        "--footprint", help="Scenario: a GeoJSON hazard footprint (Polygon/MultiPolygon).")] = None,
    intensity: Annotated[float, typer.Option(
        "--intensity", min=0.0, max=1.0,
        help="Capacity lost inside the footprint (features may set properties.intensity).")] = 1.0,
    capacity: Annotated[float, typer.Option(
        "--capacity", min=0.0, max=1.0,
        help="Capacity kept by the firms a --sector/--region scenario hits.")] = 0.0,
    top: Annotated[int | None, typer.Option("--top", "-k", min=1, help="Show only the top N rows.")] = None,
    reasons: Annotated[int, typer.Option("--reasons", min=0,
                                         help="Reasons (firms carrying the loss) per top firm.")] = 3,
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="Threads.")] = None,
    executor: Annotated[str, typer.Option(
        "--executor", help="serial (threads in this process) | processes | dask.")] = "serial",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://HOST:PORT) for --executor dask.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1,
                                                help="Worker processes.")] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Every firm's ESRI (Diem et al. 2022), or the ESRI of ψ scenarios; ranked, with reasons."""
    from chainatlas.exceptions import InputError
    from chainatlas.services import risk as svc

    files = [firms, edges, essentiality]
    if dataset is not None and any(f is not None for f in files):
        raise InputError("give either --dataset or --firms/--edges/--essentiality, not both")
    ds = None
    scenarios_asked = any(x is not None for x in (psi, sector, region, export_ban, footprint))
    if dataset is not None and not scenarios_asked:
        from chainatlas.services.bands import esri_bands, reconstructed_members

        if reconstructed_members(db, dataset):
            from chainatlas.cli._bands import emit_bands

            emit_bands(esri_bands(db, dataset, top_k=top or 10, epsilon=epsilon,
                                  substitution=not no_substitution, threads=threads),
                       fmt, out, "ESRI (reconstructed links)")
            return
    if dataset is not None:
        from chainatlas.services.datasets import load_dataset

        ds = load_dataset(db, dataset)
        ri = svc.risk_input_of(ds, svc.dataset_io_table(db, dataset, io_table))
    else:
        if any(f is None for f in files):
            raise InputError("give --firms, --edges and --essentiality (or --dataset)")
        if io_table is not None:
            raise InputError("--io-table goes with --dataset")
        ri = svc.load_risk_files(firms, edges, essentiality)  # type: ignore[arg-type]
    psis: dict[str, np.ndarray] = {}
    if psi is not None:
        psis = svc.read_psi_file(psi, ri)
        if scenario is not None:
            if scenario not in psis:
                raise InputError(f"{psi}: no scenario '{scenario}' (scenarios: {', '.join(psis)})")
            psis = {scenario: psis[scenario]}
    elif scenario is not None:
        raise InputError("--scenario selects a scenario of a --psi file")
    if sector is not None:
        psis[f"sector:{sector}"] = svc.psi_sector(ri, sector, capacity)
    if region is not None:
        psis[f"region:{region}"] = svc.psi_region(ri, region, capacity)
    if export_ban is not None:
        psis[f"export-ban:{export_ban}"] = svc.psi_export_ban(ri, export_ban, ds)
    if footprint is not None:
        from chainatlas.risk.footprint import load_footprint

        p, _, _ = svc.psi_footprint(ri, load_footprint(footprint, intensity=intensity))
        psis[f"footprint:{footprint.name}"] = p
    ex = None
    if executor != "serial":
        from chainatlas.shock.executors import make_executor

        ex = make_executor(executor, scheduler=scheduler, workers=workers)
    bar, update = _progress()
    try:
        with bar:
            result = svc.run_esri(ri, epsilon=epsilon, substitution=not no_substitution,
                                  psi=psis or None, top=top, reasons=reasons, threads=threads,
                                  executor=ex, progress=update)
    finally:
        if ex is not None:
            ex.close()
    rows = []
    for r in result["results"]:
        row = {k: v for k, v in r.items() if k != "reasons"}
        if "reasons" in r:
            row["reasons"] = "; ".join(f"{x['firm']} {x['direction']} {x['loss']:.4g}"
                                       for x in r["reasons"])
        rows.append(row)
    frame = pd.DataFrame(rows)
    if fmt is Format.table and out is None and len(frame):
        key = "firm" if "firm" in frame.columns else "scenario"
        keep = ["rank", key] + [c for c in ("name", "sector") if c in frame.columns and
                                not (c == "name" and (frame["name"] == frame[key]).all())]
        keep += ["esri", "esri_downstream", "esri_upstream", "iterations"]
        frame = frame[keep].rename(columns={"esri_downstream": "down", "esri_upstream": "up",
                                            "iterations": "steps"})
    if fmt is not Format.json:
        for note in result.get("notes", []):
            typer.echo(f"note: {note}", err=True)
    emit(result, fmt, out, title="ESRI (share of output lost)", table=frame)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="risk", help="Firm-level systemic risk: ESRI (系统性风险).")
