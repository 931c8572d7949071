"""Stress-test use cases: run a scenario, TTS/TTR per firm, sweeps, and the demo section.

Each function loads the dataset from the store (:func:`chainatlas.services.datasets.
load_dataset`) and calls :mod:`chainatlas.shock`; the ``*_of`` variants take an in-memory
:class:`~chainatlas.model.dataset.Dataset` (demo, notebooks, the API).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import InputError, ModelError
from chainatlas.model.dataset import Dataset
from chainatlas.network.flows import with_link_values
from chainatlas.readers.encoding import csv_source
from chainatlas.services.datasets import DbArg, load_dataset
from chainatlas.services.needs import require_tables
from chainatlas.shock.executors import make_executor
from chainatlas.shock.firm_model import simulate
from chainatlas.shock.lp import BomNetwork, time_to_survive_recover
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.results import SimulationResult
from chainatlas.shock.scenario import Scenario, load_scenario, parse_scenario
from chainatlas.shock.sweep import sweep as run_sweep

__all__ = [
    "CHIP_SEGMENTS",
    "demo_section",
    "foreign_chip_ban",
    "network_and_notes",
    "network_of",
    "parse_scenario",
    "read_ttr_file",
    "run_scenario",
    "run_scenario_of",
    "sweep",
    "sweep_of",
    "tts_ttr",
    "tts_ttr_of",
]

#: Segments of the demo chain that are chips or chip inputs (for the foreign-chip ban).
CHIP_SEGMENTS = ("mcu", "soc", "image_sensor", "power_semi", "chip_equipment", "eda_ip")


def network_and_notes(ds: Dataset) -> tuple[ShockNetwork, list[str]]:
    """The dynamic-model network of a dataset and notes on link values derived where missing
    (:func:`chainatlas.network.flows.with_link_values`); :class:`ModelError` if no link has a
    value > 0 even then."""
    net, notes, _ = _valued_network(ds)
    return net, notes


def _valued_network(ds: Dataset) -> tuple[ShockNetwork, list[str], Dataset]:
    require_tables(ds, "stress test")
    valued, notes = with_link_values(ds)
    net = ShockNetwork.from_dataset(valued)
    if net.n_links == 0:
        raise ModelError(f"dataset '{ds.name}' has no supply links with a value > 0; the stress "
                         "model needs supply_links.value (10,000 CNY/yr), or capacities / output "
                         "values of the firms and segment_inputs quantities or cost shares to "
                         "derive it from" + (f" ({notes[-1]})" if notes else ""))
    return net, notes, valued


def network_of(ds: Dataset) -> ShockNetwork:
    """The dynamic-model network of a dataset (see :func:`network_and_notes`)."""
    return network_and_notes(ds)[0]


def _scenario(scenario: Scenario | dict[str, Any] | PathArg) -> Scenario:
    if isinstance(scenario, (str, Path)):
        return load_scenario(scenario)
    return parse_scenario(scenario)


def run_scenario_of(ds: Dataset, scenario: Scenario | dict[str, Any] | PathArg, *,
                    record_firms: bool = False) -> SimulationResult:
    """Simulate ``scenario`` (a file, a mapping or a :class:`Scenario`) on ``ds``; notes on
    derived link values go to ``meta["notes"]``."""
    net, notes = network_and_notes(ds)
    res = simulate(net, _scenario(scenario), record_firms=record_firms)
    if notes:
        res.meta["notes"] = notes
    return res


def run_scenario(db: DbArg, dataset: str, scenario: Scenario | dict[str, Any] | PathArg, *,
                 record_firms: bool = False) -> SimulationResult:
    """Load ``dataset`` and simulate ``scenario`` on it."""
    sc = _scenario(scenario)  # validate the file before touching the store
    return run_scenario_of(load_dataset(db, dataset), sc, record_firms=record_firms)


def read_ttr_file(path: PathArg) -> dict[str, float]:
    """Times to recover per firm: CSV ``firm,ttr_days`` or a JSON/YAML mapping ``{firm: days}``.

    A row or key ``*`` sets the default for firms not listed.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"TTR file not found: {p}")
    if p.suffix.lower() in (".json", ".yaml", ".yml"):
        import yaml

        data = json.loads(p.read_text("utf-8")) if p.suffix.lower() == ".json" \
            else yaml.safe_load(p.read_text("utf-8"))
        if not isinstance(data, dict):
            raise InputError(f"{p.name}: expected a mapping firm → days")
        items = list(data.items())
    else:
        frame = pd.read_csv(csv_source(p), dtype={0: str})
        cols = [c.strip().lower() for c in frame.columns]
        if "ttr_days" not in cols or not ({"firm", "node", "id"} & set(cols)):
            raise InputError(f"{p.name}: expected columns firm,ttr_days; got {', '.join(cols)}")
        frame.columns = cols
        key = next(c for c in ("firm", "node", "id") if c in cols)
        items = list(zip(frame[key].astype(str), frame["ttr_days"], strict=True))
    out: dict[str, float] = {}
    for row, (firm, days) in enumerate(items, start=2):
        try:
            value = float(days)
        except (TypeError, ValueError):
            raise InputError(f"{p.name}: row {row}, column 'ttr_days': not a number "
                             f"(value: {days!r})") from None
        if not np.isfinite(value) or value < 0:
            raise InputError(f"{p.name}: row {row}, column 'ttr_days': must be ≥ 0 "
                             f"(value: {days!r})")
        out[str(firm)] = value
    return out


def tts_ttr_of(ds: Dataset, *, ttr_days: float | None = None, ttr: dict[str, float] | None = None,
               inventory_days: float = 15.0, spare_capacity: float = 0.1,
               max_days: float = 365.0,
               progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """TTS, TTR, performance impact and REI for every firm (value units, 10,000 CNY).

    ``ttr`` (per firm, from :func:`read_ttr_file`) wins over ``ttr_days`` (all firms; default
    14 days).
    """
    net, notes = network_and_notes(ds)
    bom = BomNetwork.from_network(net, inventory_days=inventory_days,
                                  spare_capacity=spare_capacity)
    if ttr is not None:
        spec: Any = dict(ttr)
        spec.setdefault("*", ttr_days if ttr_days is not None else 0.0)
    else:
        spec = 14.0 if ttr_days is None else float(ttr_days)
    total = bom.n_nodes
    out = time_to_survive_recover(bom, spec, max_days=max_days,
                                  progress=(lambda k: progress(k, total)) if progress else None)
    out = out.rename(columns={"scenario": "firm"})
    firms = ds.firms.set_index(ds.firms["id"].astype(str))
    out.insert(1, "name", firms["name"].reindex(out["firm"]).astype(object).to_numpy())
    out.insert(2, "region", firms["region"].reindex(out["firm"]).astype(object).to_numpy())
    out.attrs["notes"] = notes
    return out


def tts_ttr(db: DbArg, dataset: str, *, ttr_file: PathArg | None = None, **kwargs: Any
            ) -> pd.DataFrame:
    """Load ``dataset`` and compute TTS/TTR per firm (see :func:`tts_ttr_of`)."""
    ttr = read_ttr_file(ttr_file) if ttr_file is not None else None
    return tts_ttr_of(load_dataset(db, dataset), ttr=ttr, **kwargs)


def sweep_of(ds: Dataset, each: str = "firm", *, top: int | None = None,
             executor: str = "serial", scheduler: str | None = None, workers: int | None = None,
             scenario: Scenario | dict[str, Any] | PathArg | None = None,
             screen: int | None = None,
             progress: Callable[[int, int], None] | None = None,
             rank_by: str | None = None) -> pd.DataFrame:
    """One scenario per firm, region or segment of ``ds``.

    A firm sweep screens and (``rank_by="share"``, the default) ranks by the exact cascade
    share of the chain's final output, the numbers of ``chain chokepoints``
    (:func:`~chainatlas.network.chokepoints.firm_cascade_shares`), ties by the simulated loss;
    ``rank_by="loss"`` ranks by the simulated total output loss (as regions and segments are).
    """
    net, notes, valued = _valued_network(ds)
    template = _scenario(scenario) if scenario is not None else None
    shares = None
    if each == "firm":
        from chainatlas.network.chokepoints import firm_cascade_shares

        cs = firm_cascade_shares(valued)
        shares = dict(zip(cs["firm"], cs["cascade_share"], strict=True))
    elif rank_by == "share":
        raise InputError("--rank-by share is for a firm sweep (--each firm)")
    with make_executor(executor, scheduler=scheduler, workers=workers) as ex:
        out = run_sweep(net, each, template=template, top=top, screen=screen, executor=ex,
                        progress=progress, shares=shares, rank_by=rank_by)
    if shares is not None:
        notes = [*notes, "ranked by " + ("the exact cascade share of the chain's final output "
                                         "(as chain chokepoints), ties by simulated loss"
                                         if (rank_by or "share") == "share" else
                                         "simulated total output loss")]
    out.attrs["notes"] = notes
    return out


def sweep(db: DbArg, dataset: str, each: str = "firm", **kwargs: Any) -> pd.DataFrame:
    """Load ``dataset`` and sweep it (see :func:`sweep_of`)."""
    return sweep_of(load_dataset(db, dataset), each, **kwargs)


# ---------------------------------------------------------------------- demo
def _summary_row(label: str, res: SimulationResult) -> dict[str, Any]:
    s = res.summary(top=3)
    return {
        "情景 scenario": label,
        "产出损失(万元) output loss": round(s["total_output_loss"], 1),
        "损失天数 loss (days of output)": round(s["total_output_loss_days"], 2),
        "增加值损失(万元) VA loss": round(s["value_added_loss"], 1),
        "最低产出比 min output ratio": round(s["min_output_ratio"], 3),
        "恢复日 recovery day": s["recovery_day"],
        "受冲击最重环节 worst segments": ", ".join(w["segment"] for w in s["worst_segments"]),
    }


def foreign_chip_ban(ds: Dataset, net: ShockNetwork | None = None, *, days: int = 60,
                     horizon: int = 120) -> Scenario:
    """Scenario: every foreign firm working in a chip segment stops supplying for ``days``."""
    net = net or network_of(ds)
    chip = np.flatnonzero(np.isin(net.segment_ids.astype(str), CHIP_SEGMENTS))
    in_chip = np.zeros(net.n_firms, dtype=bool)
    in_chip[net.fs_firm[np.isin(net.fs_segment, chip)]] = True
    foreign = np.array([str(c).upper() not in ("CHN", "") for c in net.firm_country.tolist()])
    firms = net.firm_ids[in_chip & foreign].astype(str).tolist()
    if not firms:
        raise ModelError("no foreign chip supplier in this dataset")
    return parse_scenario({"name": "foreign chip ban", "horizon_days": horizon,
                           "policy": {"inventory_days": 30, "rationing": "priority"},
                           "shocks": [{"firm": firms, "capacity_loss": 1.0,
                                       "duration_days": days}]})


def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """Tongcheng battery outage and a foreign-chip ban on the YRD chain (``chainatlas demo``)."""
    net = network_of(ds)
    rows = []
    tongcheng = parse_scenario({
        "name": "Tongcheng battery outage", "horizon_days": 90,
        "policy": {"inventory_days": 15, "tau": 6},
        "shocks": [{"region": "340881", "capacity_loss": 1.0, "duration_days": 30,
                    "recovery": "linear", "recovery_days": 15}]})
    out: list[tuple[str, pd.DataFrame]] = []
    res_t = simulate(net, tongcheng)
    rows.append(_summary_row("桐城电池停产30天 Tongcheng batteries down 30 days", res_t))
    ban = foreign_chip_ban(ds, net)
    res_b = simulate(net, ban)
    rows.append(_summary_row("境外芯片断供60天 foreign chips cut 60 days", res_b))
    out.append(("韧性压力测试 stress tests (Inoue–Todo model)", pd.DataFrame(rows)))
    worst = res_t.segment_ratio.min().sort_values().head(6)
    out.append(("桐城停产: 各环节最低产出比 Tongcheng outage: lowest output ratio by segment",
                pd.DataFrame({"segment": worst.index.astype(str),
                              "min_output_ratio": worst.round(3).to_numpy(),
                              "day": [int(res_t.segment_ratio[c].to_numpy().argmin())
                                      for c in worst.index]})))
    return out
