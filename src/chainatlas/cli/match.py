"""`chainatlas match` commands: 挂链, research results for needs, firms for a result."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chainatlas.cli._common import DatasetOpt, DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

app = typer.Typer(no_args_is_help=True)


class BackendChoice(StrEnum):
    bm25 = "bm25"
    dense = "dense"
    hybrid = "hybrid"


BackendOpt = Annotated[BackendChoice, typer.Option(
    "--backend", help="Ranking: bm25, dense or hybrid (dense/hybrid need --model).")]
ModelOpt = Annotated[Path | None, typer.Option(
    "--model", help="Local sentence-embedding model: a sentence-transformers folder or an .npz "
                    "of token vectors (never downloaded).")]


def _notes(notes: list[str]) -> None:
    for n in notes:
        typer.echo(f"note: {n}", err=True)


def _flat(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame[columns].copy()
    for c in out.columns:
        if out[c].map(lambda v: isinstance(v, list)).any():
            out[c] = out[c].map(lambda v: ", ".join(map(str, v)) if isinstance(v, list) else v)
    return out


@app.command("classify")
def classify_cmd(
    dataset: DatasetOpt,
    text: Annotated[str | None, typer.Option("--text", help="Free text to attach to segments.")] = None,
    assets: Annotated[bool, typer.Option("--assets", help="Attach every innovation asset.")] = False,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Most segments per text.")] = 3,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="Minimum BM25 score of a segment (below: 'other'); default 1.65 × "
                            "the largest idf of the segment index.")] = None,
    backend: BackendOpt = BackendChoice.bm25,
    model: ModelOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Attach texts or innovation assets to chain segments with scores (挂链)."""
    from chainatlas.services.match import classify

    res = classify(db, dataset, text=text, assets=assets, k=top, threshold=threshold,
                   backend=backend.value, model=model)
    _notes(res.notes)
    table = _flat(res.frame, ["item", "rank", "segment", "segment_name", "score", "reason"])
    emit(res, fmt, out, title=f"挂链 · backend {res.backend}, threshold {res.threshold:g}",
         table=_flat(res.frame, list(res.frame.columns)) if fmt is Format.csv else table)


@app.command("needs")
def needs_cmd(
    dataset: DatasetOpt,
    need: Annotated[str | None, typer.Option("--need", help="One need id (default: all needs).")] = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Results per need.")] = 5,
    backend: BackendOpt = BackendChoice.bm25,
    model: ModelOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """For each firm technology need, the top research results, their owners, regions and why."""
    from chainatlas.services.match import results_for_needs

    res = results_for_needs(db, dataset, need=need, top=top, backend=backend.value, model=model)
    _notes(res.notes)
    table = _flat(res.frame, ["need", "rank", "asset", "title", "owner", "region_name", "hours",
                              "terms"])
    emit(res, fmt, out, title=f"Research results for technology needs · backend {res.backend}",
         table=_flat(res.frame, list(res.frame.columns)) if fmt is Format.csv else table)


@app.command("firms")
def firms_cmd(
    dataset: DatasetOpt,
    asset: Annotated[str, typer.Option("--asset", help="Innovation asset id.")],
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Number of firms.")] = 10,
    backend: BackendOpt = BackendChoice.bm25,
    model: ModelOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Which firms could use a research result (the last mile)."""
    from chainatlas.services.match import firms_for_asset

    res = firms_for_asset(db, dataset, asset, top=top, backend=backend.value, model=model)
    _notes(res.notes)
    table = _flat(res.frame, ["rank", "firm", "name", "region_name", "hours", "tags", "score",
                              "reason"])
    emit(res, fmt, out, title=f"Firms for research result {asset}",
         table=_flat(res.frame, list(res.frame.columns)) if fmt is Format.csv else table)


@app.command("index")
def index_cmd(dataset: DatasetOpt, db: DbOpt = None, fmt: FormatOpt = Format.table,
              out: OutOpt = None) -> None:
    """Rebuild the stored matching index of a dataset (queries rebuild it when stale anyway)."""
    from chainatlas.services.match import build_index

    emit(build_index(db, dataset), fmt, out, title="Matching index")
