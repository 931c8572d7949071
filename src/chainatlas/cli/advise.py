"""`chainatlas advise` command: 补链/强链/延链/建链 recommendations for a region."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from chainatlas.cli._common import DatasetOpt, DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

__all__ = ["register"]


class Strategy(StrEnum):
    near = "near"
    long_jump = "long-jump"


def advise(
    dataset: DatasetOpt,
    region: Annotated[str, typer.Option("--region", "-r", help="Region code, e.g. 320100.")],
    strategy: Annotated[Strategy, typer.Option(
        "--strategy", help="near: near-and-safe (density first); long-jump: complexity first.")]
    = Strategy.near,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Number of recommendations.")] = 10,
    candidates: Annotated[int, typer.Option(
        "--candidates", min=0, help="Candidate firms per recommendation.")] = 5,
    xlsx: Annotated[Path | None, typer.Option(
        "--xlsx", help="Also write an Excel workbook (建议清单, 候选企业, 理由, 说明).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Rank the segments a region should fill, strengthen, extend or build, with reasons and
    candidate firms; every part of the score is reported."""
    from chainatlas.services import advise as svc

    res = svc.advise(db, dataset, region, strategy=strategy.value, top=top,
                     candidates=candidates)
    if xlsx is not None:
        svc.write_xlsx(res, xlsx)
    title = f"{res.region_name} ({res.region}) — {res.strategy}"
    table = res.table
    if fmt is Format.table and out is None:
        first = {r["segment"]: (f"{r['candidates'][0]['name']} "
                                f"({r['candidates'][0]['region_name']})"
                                if r["candidates"] else "") for r in res.recommendations}
        table = table[["rank", "name", "action", "score", "gap", "chokepoint",
                       "density", "complexity", "demand", "distance"]].round(3)
        table = table.assign(top_candidate=res.table["segment"].map(first))
    emit(res.to_dict() if fmt is Format.json else table, fmt, out, title=title, table=table)


def register(app: typer.Typer) -> None:
    """Add the ``advise`` command to ``app``."""
    app.command("advise")(advise)
