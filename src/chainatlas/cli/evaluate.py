"""`chainatlas evaluate` commands: score a matrix, couple subsystems, run a whole panel."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chainatlas.cli._common import DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit
from chainatlas.exceptions import InputError

app = typer.Typer(no_args_is_help=True)


class Method(StrEnum):
    entropy_topsis = "entropy-topsis"
    entropy_linear = "entropy-linear"
    critic_topsis = "critic-topsis"
    critic_linear = "critic-linear"
    std_topsis = "std-topsis"
    std_linear = "std-linear"
    equal_topsis = "equal-topsis"
    equal_linear = "equal-linear"


class Variant(StrEnum):
    standard = "standard"
    wang = "wang"
    fan = "fan"


class Normalisation(StrEnum):
    minmax = "minmax"
    vector = "vector"


class Weighting(StrEnum):
    entropy = "entropy"
    critic = "critic"
    std = "std"
    equal = "equal"
    user = "user"


class Combine(StrEnum):
    game = "game"
    multiplicative = "multiplicative"
    linear = "linear"


class AHPMethod(StrEnum):
    eigen = "eigen"
    geometric = "geometric"
    arithmetic = "arithmetic"


class Scoring(StrEnum):
    linear = "linear"
    topsis = "topsis"


class Pooling(StrEnum):
    pooled = "pooled"
    yearly = "yearly"


class GroupBy(StrEnum):
    subsystem = "subsystem"
    dimension = "dimension"
    factor = "factor"


def _floats(text: str | None, what: str) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(v) for v in text.replace("，", ",").split(",")]
    except ValueError:
        raise InputError(f"{what} must be comma-separated numbers; got {text!r}") from None


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)


def _interval(text: str | None) -> tuple[float, float] | None:
    vals = _floats(text, "--interval")
    if vals is None:
        return None
    if len(vals) != 2:
        raise InputError(f"--interval needs two numbers a,b; got {text!r}")
    return vals[0], vals[1]


@app.command("score")
def score(
    matrix: Annotated[Path, typer.Option("--matrix", help="CSV: first column alternative ids, "
                                         "other columns criteria.")],
    types: Annotated[str | None, typer.Option("--types", help="Criterion directions, e.g. "
                                              "'+,+,-' (default all '+').")] = None,
    method: Annotated[Method, typer.Option("--method", help="Weighting-scoring.")]
    = Method.entropy_topsis,
    normalisation: Annotated[Normalisation, typer.Option(
        "--normalisation", help="TOPSIS normalisation: direction-aware min-max or vector.")]
    = Normalisation.minmax,
    shift: Annotated[float, typer.Option("--shift", help="Shift added before the entropy step "
                                         "(平移, e.g. 0.0001).")] = 0.0,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Weights, scores and ranks of a decision matrix (熵值法 / CRITIC, TOPSIS or weighted sum)."""
    from chainatlas.services.evaluate import score_matrix

    res = score_matrix(matrix, types, method.value, normalisation=normalisation.value,
                       shift=shift)
    table = pd.DataFrame({"alternative": list(res["scores"]),
                          "score": list(res["scores"].values()),
                          "rank": list(res["ranks"].values())}).sort_values("rank")
    weights = ", ".join(f"{c}={w:.4f}" for c, w in zip(res["criteria"], res["weights"],
                                                        strict=True))
    _warn(res["warnings"])
    emit(res, fmt, out, title=f"{method.value} — weights: {weights}", table=table)


@app.command("coupling")
def coupling(
    values: Annotated[Path, typer.Option("--values", help="CSV: rows alternatives (first column "
                                         "ids), columns subsystem scores U in [0, 1].")],
    variant: Annotated[Variant, typer.Option("--variant", help="Coupling degree formula.")]
    = Variant.standard,
    alpha: Annotated[str | None, typer.Option("--alpha", help="Subsystem weights in T, e.g. "
                                              "'0.5,0.5' (default equal).")] = None,
    grades: Annotated[str, typer.Option("--grades", help="D grade table: D10, D3 or a CSV "
                                        "(lower,upper,label[,label_en,closed]).")] = "D10",
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Coupling coordination degree C, T, D and grades (耦合协调度) for n ≥ 2 subsystems."""
    from chainatlas.services.evaluate import coupling_table

    res = coupling_table(values, variant.value, alpha=_floats(alpha, "--alpha"), grades=grades)
    ids = list(res["C"])
    table = pd.DataFrame({"alternative": ids, **{k: [res[k][i] for i in ids]
                                                 for k in ("C", "T", "D", "grade", "stage",
                                                           "type")}})
    _warn(res["warnings"])
    emit(res, fmt, out, title=f"coupling coordination ({variant.value})", table=table)


@app.command("panel")
def panel(
    panel_csv: Annotated[Path | None, typer.Option("--panel", help="Panel CSV: long (region,year,"
                                                   "indicator,value) or wide.")] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", "-d", help="Use a stored dataset's "
                                                "indicators tables.")] = None,
    db: DbOpt = None,
    template: Annotated[str | None, typer.Option("--template", help="nqpf, four-chain or a "
                                                 "CSV/YAML indicator file (default: the "
                                                 "dataset's indicator_defs).")] = None,
    weighting: Annotated[Weighting, typer.Option(
        "--weighting", help="Objective method, or 'user' for the system's weight column.")]
    = Weighting.entropy,
    combine: Annotated[Combine | None, typer.Option(
        "--combine", help="Combine the objective weights with the system's weight column "
        "(e.g. AHP): game-theory, multiplicative or linear.")] = None,
    scoring: Annotated[Scoring, typer.Option("--scoring")] = Scoring.linear,
    pooling: Annotated[Pooling, typer.Option("--pooling", help="Standardise over all years "
                                             "(pooled) or per year.")] = Pooling.pooled,
    variant: Annotated[Variant, typer.Option("--variant", help="Coupling degree formula.")]
    = Variant.wang,
    alpha: Annotated[str | None, typer.Option("--alpha", help="Subsystem weights in T.")] = None,
    by: Annotated[GroupBy, typer.Option("--by", help="Indicator-system column defining the "
                                        "subsystems.")] = GroupBy.subsystem,
    top_k: Annotated[int, typer.Option("--top-k", help="Obstacle factors per region-year.")] = 5,
    shift: Annotated[float, typer.Option("--shift", help="Entropy shift (平移).")] = 0.0,
    interval: Annotated[str | None, typer.Option(
        "--interval", help="Standardise to [a,b] in every step, e.g. '0.01,0.99' "
        "(数据区间化; avoids U = 0).")] = None,
    drop_indicators: Annotated[bool, typer.Option(
        "--drop-incomplete-indicators", help="Drop indicators a region lacks entirely instead "
        "of dropping that region's rows.")] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write every intermediate table "
                                              "to this Excel workbook.")] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Whole pipeline: weights → subsystem scores → coupling coordination → obstacle factors."""
    from chainatlas.services.evaluate import run_panel, summary_table, write_xlsx

    res = run_panel(panel=panel_csv, dataset=dataset, db=db, template=template,
                    weighting=weighting.value, scoring=scoring.value, pooling=pooling.value,
                    variant=variant.value, alpha=_floats(alpha, "--alpha"), group_by=by.value,
                    top_k=top_k, shift=shift, interval=_interval(interval),
                    combine=None if combine is None else combine.value,
                    incomplete="drop-indicators" if drop_indicators else "drop-rows")
    if xlsx is not None:
        write_xlsx(res, xlsx)
    for note in res.notes:
        typer.echo(f"note: {note}", err=True)
    _warn(res.warnings)
    table = summary_table(res)
    if fmt is Format.table and out is None:
        keep = ["region_name" if "region_name" in table else "region", "year",
                *res.options["subsystems"], "index", "rank", "D", "D_grade"]
        table = table[[c for c in keep if c in table]]
    emit(res, fmt, out, title=f"{res.options['system']}: {weighting.value}-{scoring.value}, "
         f"{variant.value} coupling", table=table)


@app.command("ahp")
def ahp(
    matrix: Annotated[Path, typer.Option("--matrix", help="Square pairwise-comparison CSV: first "
                                         "column and header name the criteria; 1/3 allowed.")],
    method: Annotated[AHPMethod, typer.Option("--method")] = AHPMethod.eigen,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """AHP weights (层次分析法) with λmax, CI and the consistency ratio CR (< 0.1 acceptable)."""
    from chainatlas.services.evaluate import ahp_table

    res = ahp_table(matrix, method.value)
    table = pd.DataFrame({"criterion": list(res["weights"]),
                          "weight": list(res["weights"].values())})
    verdict = "consistent" if res["consistent"] else "NOT consistent (CR ≥ 0.1)"
    emit(res, fmt, out, title=f"AHP ({method.value}): λmax={res['lambda_max']:.4f}, "
         f"CI={res['CI']:.4f}, CR={res['CR']:.4f}, {verdict}", table=table)
