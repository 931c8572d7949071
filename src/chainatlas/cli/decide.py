"""`chainatlas decide`: interventions ranked by the resilience they buy, budgeted portfolios."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from chainatlas.cli._common import DatasetOpt, DbOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

__all__ = ["register"]


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class Executor(StrEnum):
    serial = "serial"
    processes = "processes"


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task("interventions", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def decide(
    dataset: DatasetOpt,
    scenarios: Annotated[Path | None, typer.Option(
        "--scenarios", file_okay=False,
        help="Folder of scenario files (*.yaml, *.yml, *.json); default the standard set "
             "(top chokepoint outages, the largest region outage, an export ban).")] = None,
    budget: Annotated[list[float] | None, typer.Option(
        "--budget", help="Budget in 万元 (repeat for several; default 500, 3000, 10000).")] = None,
    kinds: Annotated[str, typer.Option(
        "--kinds", help="Intervention kinds, comma-separated: dual_sourcing, inventory, "
                        "firm_inventory, attract, localisation.")
    ] = "dual_sourcing,inventory,firm_inventory,attract,localisation",
    measures: Annotated[str, typer.Option(
        "--measures", help="Measures, comma-separated: stress, esri, esri_total, lp "
                           "(TTS/TTR: lost sales and TTS−TTR gaps).")] = "stress,esri",
    by: Annotated[str, typer.Option(
        "--by", help="Measure that ranks (gain per 万元): stress, esri, esri_total, lp, "
                     "gap.")] = "stress",
    region: Annotated[str | None, typer.Option(
        "--region", "-r", help="Region for 补链/强链 plants (default: the region with the "
                               "largest output).")] = None,
    costs: Annotated[Path | None, typer.Option(
        "--costs", dir_okay=False, help="Cost model YAML (default: the documented "
                                        "defaults).")] = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="Interventions shown.")] = 10,
    check: Annotated[Path | None, typer.Option(
        "--check-scenario", dir_okay=False,
        help="Also print this scenario's loss before and after each budget's portfolio.")] = None,
    plant_links: Annotated[str, typer.Option(
        "--plant-links", help="Links of an attracted plant: model (drawn from the "
                              "reconstruction link model fitted to the network) or parent (its "
                              "parent's suppliers, scaled; local buyers move 30 %).")] = "model",
    seed: Annotated[int, typer.Option("--seed", min=0,
                                      help="Seed of the plants' link draws.")] = 0,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the explanations.")] = Lang.zh,
    xlsx: Annotated[Path | None, typer.Option(
        "--xlsx", help="Also write an Excel workbook (措施清单, 组合, 情景与成本).")] = None,
    executor: Annotated[Executor, typer.Option(
        "--executor", help="Run the candidates serially or on local processes.")]
    = Executor.serial,
    workers: Annotated[int | None, typer.Option("--workers", min=1,
                                                help="Worker processes.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Rank interventions (dual sourcing, inventory, 补链/强链 plants, localisation) by the
    loss they remove per 万元, each simulated on a copy of the network, and choose a portfolio
    for each budget with the combination re-simulated at every step. Scenarios, seeds and the
    cost model are printed with the result."""
    from chainatlas.services import decide as svc
    from chainatlas.services.datasets import load_dataset

    ms = _split(measures)
    ds = load_dataset(db, dataset)
    bar, update = _progress()
    with bar:
        res = svc.decide_of(ds, scenarios=scenarios, budgets=budget or svc.DEFAULT_BUDGETS,
                            kinds=_split(kinds), measures=ms, by=by, region=region, costs=costs,
                            executor=executor.value, workers=workers,
                            plant_links=plant_links, seed=seed, progress=update)
    if check is not None:
        from chainatlas.shock.scenario import load_scenario

        sc = load_scenario(check)
        res["check_scenario"] = {"name": sc.name, "portfolios": [
            {"budget": p["budget"], **svc.scenario_loss_after(ds, res, p["budget"], sc)}
            for p in res["portfolios"]]}
    if xlsx is not None:
        svc.write_xlsx(res, xlsx)
    table = svc.items_frame(res, lang=lang.value, top=top)
    if fmt is Format.table and out is None:
        from chainatlas.cli._output import print_table

        print_table(table, f"措施清单 interventions ({res['n_candidates']} candidates, ranked by "
                           f"{res['ranked_by']} gain per 万元)", top)
        print_table(svc.portfolio_frame(res, lang=lang.value), "预算组合 portfolios", 200)
        if "check_scenario" in res:
            import pandas as pd

            print_table(pd.DataFrame(res["check_scenario"]["portfolios"]),
                        f"{res['check_scenario']['name']}: loss before/after (万元)", 20)
        print_table(svc.settings_frame(res), "情景、种子与成本 scenarios, seeds and costs", 200)
        if res["notes"]:
            import pandas as pd

            print_table(pd.DataFrame({"note": res["notes"]}), "说明 notes", 50)
        return
    emit(res if fmt is Format.json else table, fmt, out, table=table)


def register(app: typer.Typer) -> None:
    """Add the ``decide`` command to ``app``."""
    app.command("decide")(decide)
