"""`chainatlas io` commands: analyse an IO table, run an IO shock, store a table with a dataset.

A table comes from a file (``--table PATH --layout …``), from a stored dataset
(``--dataset D --table-name T``) or, with neither, the built-in 12-sector China 2020 table.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from chainatlas.cli._common import DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit
from chainatlas.exceptions import InputError

app = typer.Typer(no_args_is_help=True)


class Layout(StrEnum):
    simple = "simple"
    nbs = "nbs"
    niot = "niot"
    bea = "bea"
    oecd = "oecd"
    wiod = "wiod"
    exiobase3 = "exiobase3"
    eora26 = "eora26"
    gloria = "gloria"


class Forward(StrEnum):
    ghosh = "ghosh"
    leontief = "leontief"


class ShockModel(StrEnum):
    leontief = "leontief"
    ghosh = "ghosh"
    mixed = "mixed"
    iim = "iim"
    diim = "diim"
    ario = "ario"


class Side(StrEnum):
    demand = "demand"
    supply = "supply"


class EventKind(StrEnum):
    recovery = "recovery"
    rebuild = "rebuild"
    arbitrary = "arbitrary"


TableOpt = Annotated[Path | None, typer.Option("--table", "-t", help="IO table file or folder.")]
LayoutOpt = Annotated[Layout, typer.Option("--layout", "-l", help="Layout of --table.")]
YearOpt = Annotated[int | None, typer.Option(
    "--year", help="Table year (niot: default the latest in the file; MRIO parsers).")]
DomesticOpt = Annotated[bool, typer.Option(
    "--domestic", help="Competitive-import table: remove imports in proportion to use.")]
KeepZeroOpt = Annotated[bool, typer.Option(
    "--keep-zero-output", help="Keep industries without output (no multipliers).")]
ToleranceOpt = Annotated[float | None, typer.Option(
    "--tolerance", help="Relative balance gap accepted beyond the table's rounding "
                        "(default 1e-4).")]
StoredOpt = Annotated[str | None, typer.Option("--dataset", "-d",
                                               help="Dataset holding a stored IO table.")]
TableNameOpt = Annotated[str | None, typer.Option("--table-name",
                                                  help="Name of the stored IO table.")]


def _table(table: Path | None, layout: Layout, year: int | None, db: Path | None,
           dataset: str | None, table_name: str | None, *, domestic: bool = False,
           keep_zero_output: bool = False, tolerance: float | None = None) -> Any:
    from chainatlas.services.io import resolve_table

    return resolve_table(path=table, layout=layout.value, db=db, dataset=dataset,
                         table_name=table_name, year=year, domestic=domestic,
                         keep_zero_output=keep_zero_output, tolerance=tolerance)


def _notes(notes: list[str], fmt: Format) -> None:
    """Notes go to stderr (the JSON output carries them too), so tables and CSV stay clean."""
    for note in notes:
        typer.echo(f"note: {note}", err=True)


@app.command("analyze")
def analyze_cmd(table: TableOpt = None, layout: LayoutOpt = Layout.simple, year: YearOpt = None,
                db: DbOpt = None, dataset: StoredOpt = None, table_name: TableNameOpt = None,
                domestic: DomesticOpt = False, keep_zero_output: KeepZeroOpt = False,
                tolerance: ToleranceOpt = None,
                forward: Annotated[Forward, typer.Option(
                    "--forward", help="Forward linkage from Ghosh G rows or Leontief L rows.")]
                = Forward.ghosh,
                hem: Annotated[bool, typer.Option("--hem/--no-hem",
                                                  help="Hypothetical extraction.")] = True,
                concordance: Annotated[Path | None, typer.Option(
                    "--aggregate", help="Concordance CSV (sector,group) to aggregate first.")]
                = None,
                fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """Multipliers, Rasmussen linkages, key sectors, hypothetical extraction and import
    multipliers."""
    from chainatlas.services.io import aggregate_by_csv, analyze

    tab = _table(table, layout, year, db, dataset, table_name, domestic=domestic,
                 keep_zero_output=keep_zero_output, tolerance=tolerance)
    if concordance is not None:
        tab = aggregate_by_csv(tab, concordance)
    result = analyze(tab, forward=forward.value, extraction=hem)
    frame = pd.DataFrame({"sector": result["sectors"],
                          "output_multiplier": result["output_multipliers"],
                          "backward_linkage": result["backward_linkage"],
                          "forward_linkage": result["forward_linkage"],
                          "key_class": result["key_class"]})
    if "import_multipliers" in result:
        frame["import_multiplier"] = result["import_multipliers"]
    if "hem" in result:
        for k, v in result["hem"].items():
            frame[f"hem_{k}"] = v
    if fmt is not Format.json:
        _notes(result["notes"], fmt)
    emit(result, fmt, out, title=f"IO analysis · {tab.name} ({tab.unit})", table=frame)


def _parse_shares(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        if "=" not in part:
            raise InputError(f"--rebuilding-sectors: expected SECTOR=SHARE, got {part!r}")
        k, v = part.rsplit("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise InputError(f"--rebuilding-sectors: {v!r} is not a number") from None
    return out


@app.command("shock")
def shock_cmd(model: Annotated[ShockModel, typer.Option("--model", "-m", help="Shock model.")],
              shock: Annotated[Path, typer.Option(
                  "--shock", "-s", help="CSV with columns sector[,region],value.")],
              table: TableOpt = None, layout: LayoutOpt = Layout.simple, year: YearOpt = None,
              db: DbOpt = None, dataset: StoredOpt = None, table_name: TableNameOpt = None,
              domestic: DomesticOpt = False, keep_zero_output: KeepZeroOpt = False,
              tolerance: ToleranceOpt = None,
              column: Annotated[str, typer.Option(help="Value column of the shock CSV.")]
              = "value",
              side: Annotated[Side, typer.Option(help="IIM: demand- or supply-side.")]
              = Side.demand,
              steps: Annotated[int, typer.Option(help="DIIM/ARIO: steps (days).")] = 365,
              recovery_days: Annotated[float, typer.Option(
                  help="DIIM: days to bring inoperability down to 1 %.")] = 90.0,
              event_kind: Annotated[EventKind, typer.Option(help="ARIO event type.")]
              = EventKind.recovery,
              occurrence: Annotated[int, typer.Option(help="ARIO: step of the event.")] = 1,
              duration: Annotated[int, typer.Option(help="ARIO: steps before recovery.")] = 1,
              recovery_tau: Annotated[int, typer.Option(help="ARIO: recovery time (steps).")]
              = 90,
              rebuilding_sectors: Annotated[str | None, typer.Option(
                  help="ARIO rebuild: SECTOR=SHARE,… (shares sum to 1).")] = None,
              rebuild_tau: Annotated[int | None, typer.Option(
                  help="ARIO rebuild: reconstruction time (steps).")] = None,
              fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """Run a Leontief, Ghosh, mixed, IIM, dynamic IIM or ARIO shock.

    The CSV value per model (money in table units per year):
    leontief: change of final demand Δf.
    ghosh: change of primary inputs Δv.
    mixed: fixed output of the listed sectors.
    iim: loss of final demand (of primary inputs with --side supply).
    diim: initial inoperability q(0) in [0, 1].
    ario: capital destroyed (capacity share with --event-kind arbitrary).
    """
    from chainatlas.services.io import read_shock_csv, run_shock

    tab = _table(table, layout, year, db, dataset, table_name, domestic=domestic,
                 keep_zero_output=keep_zero_output, tolerance=tolerance)
    values = read_shock_csv(shock, tab, column=column)
    fixed = None
    if model is ShockModel.mixed:
        listed = pd.read_csv(shock, dtype={"sector": str, "region": str})
        from chainatlas.services.io import shock_vector

        listed = listed.assign(_one=1.0)
        fixed = shock_vector(listed, tab, column="_one", source=str(shock)) > 0
    result = run_shock(tab, model.value, values, side=side.value, steps=steps,
                       recovery_days=recovery_days, event_kind=event_kind.value,
                       occurrence=occurrence, duration=duration, recovery_tau=recovery_tau,
                       rebuilding_sectors=_parse_shares(rebuilding_sectors),
                       rebuild_tau=rebuild_tau, fixed_mask=fixed)
    rows = result.get("sectors") or result.get("industries") or []
    if isinstance(result, dict):
        result["notes"] = list(tab.notes)
    if fmt is not Format.json:
        _notes(tab.notes, fmt)
    emit(result, fmt, out, title=f"IO shock · {model.value} · {tab.name}",
         table=pd.DataFrame(rows))


@app.command("store")
def store_cmd(table: Annotated[Path, typer.Option("--table", "-t", help="IO table file.")],
              dataset: Annotated[str, typer.Option("--dataset", "-d", help="Dataset name.")],
              table_name: Annotated[str, typer.Option("--table-name", help="Name to store.")],
              layout: LayoutOpt = Layout.simple, year: YearOpt = None, db: DbOpt = None,
              domestic: DomesticOpt = False, keep_zero_output: KeepZeroOpt = False,
              tolerance: ToleranceOpt = None,
              fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """Read an IO table (checked) and store it with a dataset for later `--dataset` use."""
    from chainatlas.services.io import load_io_table, store_io_table

    tab = load_io_table(table, layout.value, year=year, domestic=domestic,
                        keep_zero_output=keep_zero_output, tolerance=tolerance)
    rows = store_io_table(db, dataset, table_name, tab)
    if fmt is not Format.json:
        _notes(tab.notes, fmt)
    emit({"dataset": dataset, "table_name": table_name, "industries": tab.n, "rows": rows,
          "notes": tab.notes}, fmt, out, title="IO table stored")
