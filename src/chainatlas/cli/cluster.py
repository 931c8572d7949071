"""`chainatlas cluster` commands: complexity, measures, shift-share, circle, scorecard."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli._common import DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

app = typer.Typer(no_args_is_help=True)


class Presence(StrEnum):
    binary = "binary"
    continuous = "continuous"


class PciScale(StrEnum):
    eci_moments = "eci-moments"
    own = "own"


class Precision(StrEnum):
    double = "double"
    single = "single"


class Value(StrEnum):
    output_value = "output_value"
    capacity = "capacity"
    firms = "firms"
    employees = "employees"


class Mode(StrEnum):
    road = "road"
    rail = "rail"


class ComplexityLevel(StrEnum):
    region = "region"
    activity = "activity"
    cell = "cell"


class MeasureLevel(StrEnum):
    regions = "regions"
    industries = "industries"
    lq = "lq"


class CircleLevel(StrEnum):
    segments = "segments"
    regions = "regions"


class RegionLevel(StrEnum):
    province = "province"
    prefecture = "prefecture"
    county = "county"


RegionLevelOpt = Annotated[RegionLevel, typer.Option(
    "--level", help="Region level a dataset's firms are rolled up to (municipalities count as "
    "one prefecture; firms located only at a coarser level are left out and reported).")]


def _warn(notes: list[str], warnings: list[str]) -> None:
    for n in notes:
        typer.echo(f"note: {n}", err=True)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)


ValueOpt = Annotated[Value, typer.Option("--value", help="What a region × segment cell counts "
                                         "(output value 万元, capacity, firm count, employees).")]
ChainOpt = Annotated[str | None, typer.Option("--chain", help="Restrict to one chain's segments.")]
XlsxOpt = Annotated[Path | None, typer.Option("--xlsx", help="Also write an Excel workbook.")]


@app.command("complexity")
def complexity(
    matrix: Annotated[Path | None, typer.Option(
        "--matrix", help="CSV: first column region labels, one column per activity, values ≥ 0 "
        "(or long columns location, activity, value).")] = None,
    dataset: Annotated[str | None, typer.Option(
        "--dataset", "-d", help="Use a dataset's region × segment output instead of --matrix.")]
    = None,
    db: DbOpt = None,
    value: ValueOpt = Value.output_value,
    presence: Annotated[Presence, typer.Option(
        "--presence", help="binary: M = [RCA ≥ threshold]; continuous: M = RCA/(1+RCA).")]
    = Presence.binary,
    threshold: Annotated[float, typer.Option("--threshold", help="RCA cut-off.")] = 1.0,
    pci_scale: Annotated[PciScale, typer.Option(
        "--pci-scale", help="Standardise PCI with ECI's moments (py-ecomplexity) or its own.")]
    = PciScale.eci_moments,
    exclude_self: Annotated[bool, typer.Option(
        "--exclude-self", help="Leave φ_pp out of density, distance and COG.")] = False,
    precision: Annotated[Precision, typer.Option(
        "--precision", help="single: float32 products (faster on large matrices).")]
    = Precision.double,
    show: Annotated[ComplexityLevel, typer.Option(
        "--show", help="Rows shown by --format table/csv.")] = ComplexityLevel.region,
    level: RegionLevelOpt = RegionLevel.prefecture,
    xlsx: XlsxOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """ECI, PCI, density, distance, COI and COG (one eigenvector, ECI rising with diversity)."""
    from chainatlas.exceptions import InputError
    from chainatlas.services import cluster as svc

    opts = dict(presence=presence.value, threshold=threshold,
                pci_scale=pci_scale.value.replace("-", "_"), include_self=not exclude_self,
                precision=precision.value)
    if (matrix is None) == (dataset is None):
        raise InputError("give either --matrix CSV or --dataset NAME")
    if matrix is not None:
        res = svc.complexity_from_csv(matrix, **opts)
    else:
        assert dataset is not None
        res = svc.dataset_complexity(db, dataset, value=value.value, level=level.value, **opts)
    frame = {"region": res.location_frame, "activity": res.activity_frame,
             "cell": res.cell_frame}[show.value]()
    if xlsx is not None:
        svc.write_workbook(xlsx, {"regions": res.location_frame(),
                                  "activities": res.activity_frame(), "cells": res.cell_frame()})
    lsm = res.diagnose()
    _warn(res.notes, res.warnings)
    data = res.to_dict() if fmt is Format.json else frame
    where = "" if dataset is None else f"; {level.value} level"
    emit(data, fmt, out, table=frame,
         title=f"economic complexity (λ₂ = {res.eigenvalue:.4f}; {lsm:.0%} of ECI/PCI-ordered "
               f"2×2 comparisons log-supermodular{where})")


@app.command("measures")
def measures(
    dataset: Annotated[str | None, typer.Option("--dataset", "-d", help="Dataset name.")] = None,
    matrix: Annotated[Path | None, typer.Option("--matrix", help="Region × industry CSV.")] = None,
    db: DbOpt = None,
    value: ValueOpt = Value.output_value,
    chain: ChainOpt = None,
    show: Annotated[MeasureLevel, typer.Option(
        "--show", help="regions: Krugman/Hoover/HHI; industries: Hoover localisation and "
        "Ellison–Glaeser γ; lq: location quotients.")] = MeasureLevel.regions,
    level: RegionLevelOpt = RegionLevel.prefecture,
    xlsx: XlsxOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Location quotients, Krugman, Hoover, Herfindahl and Ellison–Glaeser agglomeration."""
    from chainatlas.services import cluster as svc

    res = svc.measures(db, dataset, matrix=matrix, value=value.value, chain=chain,
                       level=level.value)
    frame = res[show.value]
    _warn(res["notes"], [])
    if xlsx is not None:
        svc.write_workbook(xlsx, {k: res[k] for k in ("regions", "industries", "lq")})
    where = "" if dataset is None else f" ({level.value} level)"
    emit(res if fmt is Format.json else frame, fmt, out,
         title=f"cluster measures: {show.value}{where}", table=frame)


@app.command("shift-share")
def shift_share(
    start: Annotated[Path, typer.Option("--start", help="Region × industry CSV, start year.")],
    end: Annotated[Path, typer.Option("--end", help="Region × industry CSV, end year.")],
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Shift-share: national share, industry mix and regional shift of each region's change."""
    from chainatlas.services import cluster as svc

    frame = svc.shift_share_from_csv(start, end)
    emit(frame, fmt, out, title=f"shift-share (national growth {frame.attrs['national_growth']:.2%})")


@app.command("gini")
def gini(
    file: Annotated[Path, typer.Option("--file", help="CSV with one row per region.")],
    value: Annotated[str, typer.Option("--value", help="Column of values ≥ 0.")],
    group: Annotated[str, typer.Option("--group", help="Column of groups (e.g. 东部/中部/西部).")],
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Gini coefficient and Dagum's decomposition: within, net between and transvariation."""
    from chainatlas.services import cluster as svc

    res = svc.dagum_from_csv(file, value, group)
    emit(res.to_dict() if fmt is Format.json else res.contributions, fmt, out,
         title=f"Gini {res.gini:.4f} (Dagum 1997)", table=res.contributions)


@app.command("circle")
def circle(
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="Dataset name.")],
    of: Annotated[str, typer.Option("--of", help="Region code of the site, e.g. 310000.")],
    hours: Annotated[float, typer.Option("--hours", min=0.0, help="Radius in hours.")] = 4.0,
    mode: Annotated[Mode, typer.Option("--mode", help="road (1.2 × great-circle, 90 km/h) or "
                                       "rail (1.25 ×, 200 km/h, +0.5 h).")] = Mode.road,
    times: Annotated[Path | None, typer.Option(
        "--times", help="CSV of travel hours (square by region code, or origin,destination,hours)"
        " overriding the computed ones.")] = None,
    chain: ChainOpt = None,
    value: ValueOpt = Value.output_value,
    show: Annotated[CircleLevel, typer.Option("--show", help="Rows shown by table/csv.")]
    = CircleLevel.segments,
    xlsx: XlsxOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Share of a chain's production and of the site's purchases within N hours (N小时产业圈)."""
    from chainatlas.services import cluster as svc

    res = svc.circle(db, dataset, of, hours, mode=mode.value, times=times, chain=chain,
                     value=value.value)
    frame = res.segments if show is CircleLevel.segments else res.regions
    if xlsx is not None:
        svc.write_workbook(xlsx, {"segments": res.segments, "regions": res.regions})
    src = res.sourcing["share_within"]
    title = (f"{res.site_name} {res.hours:g}-hour {res.mode} circle: {res.share_within:.0%} of "
             f"chain output, {res.segments_covered}/{res.segments_total} segments covered"
             + ("" if src is None else f", {src:.0%} of the site's purchases"))
    emit(res.to_dict() if fmt is Format.json else frame, fmt, out, title=title, table=frame)


@app.command("scorecard")
def scorecard(
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="Dataset name.")],
    region: Annotated[str | None, typer.Option(
        "--region", "-r", help="Region code (default: the one with cluster indicators).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Year (default latest).")] = None,
    threshold: Annotated[float, typer.Option(
        "--threshold", help="Size class threshold in yuan (default one trillion).")] = 1e12,
    xlsx: XlsxOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Cluster scorecard: each cluster's size and share of GDP, clusters above a size."""
    import pandas as pd

    from chainatlas.services import cluster as svc

    res = svc.scorecard(db, dataset, region, year=year, threshold_yuan=threshold)
    if xlsx is not None:
        svc.write_workbook(xlsx, {"clusters": res.clusters, "summary": pd.DataFrame(
            {"key": list(res.summary), "value": [str(v) for v in res.summary.values()]})})
    s = res.summary
    share = "n/a" if s["share_of_gdp"] is None else f"{s['share_of_gdp']:.1%}"
    title = (f"{res.region} {res.year}: {s['clusters']} clusters = {share} of GDP; "
             f"{s['above_threshold']} with {s['size_quantity']} ≥ {s['threshold']:,.0f} {res.unit}")
    emit(res.to_dict() if fmt is Format.json else res.clusters, fmt, out, title=title,
         table=res.clusters)
