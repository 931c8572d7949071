"""`chainatlas stress` commands: run a scenario, TTS/TTR per firm, sweeps."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from chainatlas.cli._common import DatasetOpt, DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

app = typer.Typer(no_args_is_help=True)


class Each(StrEnum):
    firm = "firm"
    region = "region"
    segment = "segment"


class RankBy(StrEnum):
    share = "share"
    loss = "loss"


class ExecutorKind(StrEnum):
    serial = "serial"
    processes = "processes"
    dask = "dask"


class SeriesFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


TopOpt = Annotated[int | None, typer.Option("--top", "-k", min=1, help="Show only the top K rows.")]


def _notes(notes: list[str]) -> None:
    for n in notes:
        typer.echo(f"note: {n}", err=True)


def _progress(label: str) -> Any:
    """A rich progress bar on stderr; returns (context manager, callback(done, total))."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


@app.command("run")
def run_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON).")],
    dataset: DatasetOpt,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for the time series (daily, segments, regions, firms).")] = None,
    series_format: Annotated[SeriesFormat, typer.Option(
        "--series-format", help="File format of the time series in --out.")] = SeriesFormat.parquet,
    firms: Annotated[bool, typer.Option(
        "--firms/--no-firms", help="Also write every firm's daily output ratio to --out.")] = False,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Worst segments/regions/firms listed.")] = 5,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Simulate a scenario (Inoue–Todo model): summary and daily output ratio."""
    from chainatlas.services.bands import reconstructed_members, stress_bands
    from chainatlas.services.stress import run_scenario

    if reconstructed_members(db, dataset):
        from chainatlas.cli._bands import emit_bands

        emit_bands(stress_bands(db, dataset, scenario, top_k=top), fmt,
                   out / "bands.json" if out is not None else None,
                   "stress test (reconstructed links)")
        return
    res = run_scenario(db, dataset, scenario, record_firms=firms and out is not None)
    _notes(res.meta.get("notes", []))
    data = res.to_dict(top=top)
    if out is not None:
        paths = res.write(out, series_format.value)
        data["files"] = [str(p) for p in paths]
    if fmt is Format.table:
        s = res.summary(top=top)
        head = {k: v for k, v in s.items() if not isinstance(v, list)}
        emit(head, fmt, title=f"stress test: {res.scenario}")
        for key, title in (("worst_segments", "worst segments"), ("worst_regions", "worst regions"),
                           ("worst_firms", "worst firms")):
            if s[key]:
                emit(pd.DataFrame(s[key]), fmt, title=title)
        if out is not None:
            typer.echo(f"time series written to {out}", err=True)
        return
    emit(data, fmt, None, table=res.daily)


@app.command("tts")
def tts_cmd(
    dataset: DatasetOpt,
    ttr: Annotated[Path | None, typer.Option(
        "--ttr", help="Times to recover per firm: CSV firm,ttr_days or a JSON/YAML mapping.")] = None,
    ttr_days: Annotated[float | None, typer.Option(
        "--ttr-days", min=0.0, help="Time to recover of every firm, days (default 14).")] = None,
    inventory_days: Annotated[float, typer.Option(
        "--inventory-days", min=0.0, help="Stock of each firm's output, days of output.")] = 15.0,
    spare_capacity: Annotated[float, typer.Option(
        "--spare-capacity", min=0.0, help="Capacity above baseline output, as a share.")] = 0.1,
    top: TopOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Time to survive vs time to recover per firm, performance impact and risk exposure index."""
    from chainatlas.services.stress import tts_ttr

    bar, update = _progress("TTS/TTR LPs")
    with bar:
        res = tts_ttr(db, dataset, ttr_file=ttr, ttr_days=ttr_days, inventory_days=inventory_days,
                      spare_capacity=spare_capacity, progress=update)
    _notes(res.attrs.get("notes", []))
    if top is not None:
        res = res.head(top)
    emit(res, fmt, out, title="time to survive / time to recover (Simchi-Levi et al. 2015)")


@app.command("sweep")
def sweep_cmd(
    dataset: DatasetOpt,
    each: Annotated[Each, typer.Option("--each", help="One scenario per firm, region or segment.")]
    = Each.firm,
    top: TopOpt = None,
    executor: Annotated[ExecutorKind, typer.Option(
        "--executor", help="Where scenarios run.")] = ExecutorKind.serial,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address (with --executor dask).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes.")] = None,
    scenario: Annotated[Path | None, typer.Option(
        "--scenario", help="Template scenario; its shocks are re-targeted at each unit.")] = None,
    screen: Annotated[int | None, typer.Option(
        "--screen", min=1, help="Simulate only the N firms with the largest exact cascade "
        "share (as chain chokepoints).")] = None,
    rank_by: Annotated[RankBy | None, typer.Option(
        "--rank-by", help="Firms: share (exact cascade share of final output, as chain "
        "chokepoints; default) or loss (simulated output loss; regions and segments).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Rank firms (by the exact cascade share, as chain chokepoints), regions or segments (by
    the simulated output loss) when each is out."""
    from chainatlas.services.stress import sweep

    bar, update = _progress(f"sweep by {each.value}")
    with bar:
        res = sweep(db, dataset, each.value, top=top, executor=executor.value,
                    scheduler=scheduler, workers=workers, scenario=scenario, screen=screen,
                    progress=update, rank_by=rank_by.value if rank_by is not None else None)
    _notes(res.attrs.get("notes", []))
    emit(res, fmt, out, title=f"sweep by {each.value}: loss if it stops")


@app.command("montecarlo")
def montecarlo_cmd(
    scenario: Annotated[Path, typer.Argument(
        help="Template scenario (YAML/JSON); may hold 'uncertain: {capacity_loss, duration_days}'.")],
    dataset: DatasetOpt,
    n: Annotated[int, typer.Option("-n", "--samples", min=1, help="Number of scenarios.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")] = 0,
    loss: Annotated[str | None, typer.Option(
        "--loss", help="Capacity-loss distribution, e.g. 'uniform:0.2:0.8', "
                       "'triangular:0.1:0.5:1', 'beta:2:5' or a number.")] = None,
    duration: Annotated[str | None, typer.Option(
        "--duration", help="Duration (recovery time, days) distribution, e.g. "
                           "'lognormal:30:0.5' (median, sigma) or 'triangular:10:30:90'.")] = None,
    executor: Annotated[ExecutorKind, typer.Option(
        "--executor", help="Where scenarios run.")] = ExecutorKind.serial,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address tcp://HOST:PORT (with --executor dask; "
                            "without it a local cluster starts).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes.")] = None,
    daily: Annotated[bool, typer.Option(
        "--daily/--no-daily", help="Also print the daily output-ratio quantile fan.")] = False,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Monte Carlo stress test: shock sizes and recovery times drawn at random; quantiles."""
    from chainatlas.services.scale import montecarlo

    bar, update = _progress("Monte Carlo")
    with bar:
        res = montecarlo(db, dataset, scenario, capacity_loss=_dist_option(loss, "--loss"),
                         duration_days=_dist_option(duration, "--duration"), n=n, seed=seed,
                         executor=executor.value, scheduler=scheduler, workers=workers,
                         progress=update)
    table = res.quantiles.reset_index()
    if fmt is Format.table:
        emit(table, fmt, out, title=f"Monte Carlo, {n} scenarios (seed {seed}): quantiles")
        if daily:
            emit(res.daily_quantiles.reset_index(), fmt, title="daily output ratio quantiles")
        return
    emit(res.to_dict() if daily else {"meta": res.meta, "quantiles": res.to_dict()["quantiles"]},
         fmt, out, table=table)


_DIST_ARGS = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"),
              "beta": ("a", "b", "low", "high"), "lognormal": ("median", "sigma")}


def _dist_option(text: str | None, option: str) -> Any:
    """'kind:p1:p2…' or a number → a distribution mapping (None stays None)."""
    from chainatlas.exceptions import InputError

    if text is None:
        return None
    kind, *params = text.split(":")
    try:
        if not params:
            return float(kind)
        names = _DIST_ARGS[kind]
        if len(params) > len(names):
            raise KeyError(kind)
        return {"dist": kind, **{k: float(v) for k, v in zip(names, params, strict=False)}}
    except (KeyError, ValueError):
        forms = ", ".join(k + ":" + ":".join(v) for k, v in _DIST_ARGS.items())
        raise InputError(f"{option}: expected a number or one of {forms}, got {text!r}") from None


@app.command("large")
def large_cmd(
    source: Annotated[str, typer.Argument(
        help="Folder of <table>.parquet files (or <table>/ part folders), or a dataset name.")],
    days: Annotated[int, typer.Option("--days", min=1, help="Days to simulate.")] = 30,
    shocked: Annotated[float, typer.Option(
        "--shocked", min=0.0, max=1.0, help="Share of firms hit (random, --seed).")] = 0.01,
    loss: Annotated[float, typer.Option(
        "--loss", min=0.0, max=1.0, help="Capacity loss of the hit firms.")] = 0.5,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    chokepoints: Annotated[bool, typer.Option(
        "--chokepoints/--no-chokepoints", help="Also screen chokepoints.")] = True,
    batch_rows: Annotated[int, typer.Option(
        "--batch-rows", min=1, help="Rows read per chunk.")] = 1 << 20,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Load a large network in chunks, screen chokepoints, simulate; prints sizes and timings."""
    from chainatlas.services.scale import large_run

    res = large_run(source, db=db, days=days, shocked_share=shocked, capacity_loss=loss,
                    seed=seed, chokepoints=chokepoints, batch_rows=batch_rows,
                    log=lambda msg: typer.echo(msg, err=True))
    emit(res, fmt, out, title="large network run")
