"""`chainatlas chain` commands: map, throughput, chokepoints, tiers, import-willems."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chainatlas.cli._common import DatasetOpt, DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

app = typer.Typer(no_args_is_help=True)

RegionOpt = Annotated[str | None, typer.Option(
    "--region", "-r", help="Area: adcode(s), comma-separated; a province code covers its cities.")]
HoursOpt = Annotated[float | None, typer.Option(
    "--within-hours", min=0.0, help="Area: firms within H hours' travel of --of.")]
OfOpt = Annotated[str | None, typer.Option("--of", help="Centre region code for --within-hours.")]
DetourOpt = Annotated[float, typer.Option("--detour", min=1.0, help="Road / straight-line distance.")]
SpeedOpt = Annotated[float, typer.Option("--speed", min=1.0, help="Travel speed, km/h.")]


def _notes(notes: list[str]) -> None:
    for n in notes:
        typer.echo(f"note: {n}", err=True)


@app.command("map")
def map_cmd(
    dataset: DatasetOpt,
    region: RegionOpt = None,
    within_hours: HoursOpt = None,
    of: OfOpt = None,
    chain: Annotated[str | None, typer.Option("--chain", help="Only this chain id.")] = None,
    detour: DetourOpt = 1.2,
    speed: SpeedOpt = 90.0,
    hmt: Annotated[str, typer.Option(
        "--hmt", help="How 港澳台 counts: separate (own share), foreign or domestic.")
    ] = "separate",
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Chain map per segment: counts, local share, LQ, HHI, anchors, status, health 0–100."""
    from chainatlas.services.bands import chain_health_bands, reconstructed_members
    from chainatlas.services.chain import MAP_COLUMNS, map_chain

    if reconstructed_members(db, dataset):
        from chainatlas.cli._bands import emit_bands

        emit_bands(chain_health_bands(db, dataset, region=region, within_hours=within_hours,
                                      of=of, chain=chain, detour=detour, speed_kmh=speed,
                                      hmt=hmt),
                   fmt, out, "chain map (reconstructed links)")
        return
    res = map_chain(db, dataset, region=region, within_hours=within_hours, of=of, chain=chain,
                    detour=detour, speed_kmh=speed, hmt=hmt)
    _notes(res.notes)
    if fmt is Format.table and out is None:
        emit(res.health, fmt, title=f"chain health ({res.area['label']})")
    emit(res, fmt, out, title=f"chain map ({res.area['label']})",
         table=res.segments[MAP_COLUMNS] if fmt is Format.table else res.segments)


@app.command("throughput")
def throughput_cmd(
    dataset: DatasetOpt,
    segment: Annotated[str | None, typer.Option(
        "--segment", help="Optimise this one segment (default: the chain's product mix, "
        "weighted by final demand).")] = None,
    mix: Annotated[str | None, typer.Option(
        "--mix", help="Product mix of one's own: SEGMENT=WEIGHT,SEGMENT=WEIGHT (not with "
        "--segment).")] = None,
    region: RegionOpt = None,
    within_hours: HoursOpt = None,
    of: OfOpt = None,
    import_outside: Annotated[bool, typer.Option(
        "--import-outside/--area-only", help="With an area: direct suppliers outside it deliver "
        "up to their capacity (default: inputs from outside are blocked, the area alone).")] = False,
    hours_per_day: Annotated[float, typer.Option(
        "--hours-per-day", min=0.1, max=24.0, help="Working hours per day for the takt.")] = 24.0,
    detour: DetourOpt = 1.2,
    speed: SpeedOpt = 90.0,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Most finished units/day of the product mix or one segment (LP on HiGHS over the firm
    network), what binds, and takt (null when unbounded)."""
    from chainatlas.services.chain import throughput

    res = throughput(db, dataset, segment=segment, region=region, within_hours=within_hours,
                     of=of, import_outside=import_outside, hours_per_day=hours_per_day,
                     detour=detour, speed_kmh=speed, mix=mix)
    _notes(res.notes)
    head = pd.DataFrame([{"segment": res.segment, "weights_from": res.weights_from,
                          "units_per_day": res.units_per_day,
                          "segment_bound": res.segment_bound, "takt_seconds": res.takt_seconds}])
    if fmt is Format.table and out is None:
        emit(head, fmt, title="throughput and takt")
        emit(res.mix, fmt, title="product mix (weights sum to 1)")
        emit(res.bottleneck_firms, fmt, title="bottleneck firms (shadow price > 0)")
    emit(res, fmt, out, title="segments per finished unit", table=res.segments)


@app.command("chokepoints")
def chokepoints_cmd(
    dataset: DatasetOpt,
    target: Annotated[str | None, typer.Option(
        "--target", help="Firm id or segment id (default: the chain's final output).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Most rows.")] = None,
    foreign_threshold: Annotated[float, typer.Option(
        "--foreign-threshold", min=0.01, max=1.0, help="Foreign share = foreign-dominated.")] = 0.5,
    region_threshold: Annotated[float, typer.Option(
        "--region-threshold", min=0.01, max=1.0, help="Top-region share = concentrated.")] = 0.6,
    max_exact: Annotated[int, typer.Option(
        "--max-exact", min=0, help="Evaluate every firm candidate up to this many; above it, "
        "with --limit, skip those whose upper bound is below the last listed share (the "
        "ranking stays exact).")] = 1000,
    hmt: Annotated[str, typer.Option(
        "--hmt", help="How 港澳台 supply counts: separate, foreign or domestic.")] = "separate",
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Ranked chokepoints (卡脖子) with type, dependent output share and reason (exact)."""
    from chainatlas.services.bands import chokepoint_bands, reconstructed_members
    from chainatlas.services.chain import top_chokepoints

    if reconstructed_members(db, dataset):
        from chainatlas.cli._bands import emit_bands

        emit_bands(chokepoint_bands(db, dataset, target, foreign_threshold=foreign_threshold,
                                    region_threshold=region_threshold, max_exact=max_exact),
                   fmt, out, "chokepoints 卡脖子 (reconstructed links)")
        return
    res = top_chokepoints(db, dataset, target, limit=limit, foreign_threshold=foreign_threshold,
                          region_threshold=region_threshold, max_exact=max_exact, hmt=hmt)
    _notes(res.notes)
    table = res.table
    if fmt is Format.table:
        table = table[["rank", "type", "kind", "id", "name", "share", "firms_lost", "reason_zh"]]
    emit(res, fmt, out, title="chokepoints 卡脖子", table=table)


@app.command("tiers")
def tiers_cmd(
    dataset: DatasetOpt,
    firm: Annotated[str, typer.Option("--firm", help="Focal firm id.")],
    depth: Annotated[int, typer.Option("--depth", min=1, help="Deepest tier.")] = 3,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Tier-1..K suppliers of a firm with region and segment."""
    from chainatlas.services.chain import tiers

    emit(tiers(db, dataset, firm, depth), fmt, out, title=f"suppliers of {firm}")


@app.command("import-willems")
def import_willems_cmd(
    file: Annotated[Path, typer.Argument(help="A Willems (2008) chain CSV.")],
    dataset: DatasetOpt,
    mode: Annotated[str, typer.Option("--mode", help="append or replace.")] = "append",
    chain: Annotated[str | None, typer.Option("--chain", help="Chain id (default: file name).")] = None,
    prefix: Annotated[str, typer.Option("--prefix", help="Prefix for stage ids.")] = "",
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Import a Willems supply-chain file: stages → firms and segments, up_stages → links + BOM."""
    from chainatlas.services.chain import import_willems

    report = import_willems(db, dataset, file, mode=mode, chain=chain, prefix=prefix)
    emit(report.to_frame(), fmt, title=f"imported {file.name} into {dataset}")
