"""Sweeps: one scenario per firm, region or segment, ranked by the damage its loss causes.

Each unit gets a copy of a template scenario whose shocks are replaced by one shock on the unit
(default: full capacity loss for 30 days, then step recovery, 60-day horizon). Large networks
are screened first and only the top candidates are simulated: by the exact cascade share of the
chain's final output when the caller gives it (as ``stress sweep`` does: the numbers of ``chain
chokepoints``), else by the structural score of :func:`~chainatlas.shock.screening.screen_firms`.
The ranking does not depend on the executor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.shock.executors import Executor, SerialExecutor, chunk_size
from chainatlas.shock.firm_model import simulate
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.scenario import Scenario, parse_scenario
from chainatlas.shock.screening import screen_firms

__all__ = ["DEFAULT_SWEEP_SCENARIO", "sweep", "sweep_units"]

#: Template for a sweep: each unit loses all capacity for 30 days.
DEFAULT_SWEEP_SCENARIO: dict[str, Any] = {
    "name": "sweep",
    "horizon_days": 60,
    "shocks": [{"firm": "-", "capacity_loss": 1.0, "start_day": 0, "duration_days": 30,
                "recovery": "step"}],
}

#: Networks with more firms than this are screened before a firm sweep.
SCREEN_ABOVE = 2000


def sweep_units(net: ShockNetwork, each: str) -> list[str]:
    """The units of a sweep: firm ids, region codes or segment ids that have firms."""
    if each == "firm":
        return [str(v) for v in net.firm_ids.tolist()]
    if each == "region":
        return sorted({str(v) for v in net.firm_region.tolist() if str(v)})
    if each == "segment":
        used = np.unique(np.concatenate([net.firm_segment[net.firm_segment >= 0], net.fs_segment]))
        return [str(net.segment_ids[k]) for k in used.tolist()]
    raise InputError(f"--each must be firm, region or segment, got {each!r}")


def _unit_scenario(template: Scenario, each: str, unit: str) -> Scenario:
    data = template.model_dump(mode="json")
    shocks = []
    for sh in data["shocks"] or DEFAULT_SWEEP_SCENARIO["shocks"]:
        sh = {k: v for k, v in sh.items() if k not in ("firm", "region", "segment", "origin")}
        sh[each] = unit
        shocks.append(sh)
    data["shocks"] = shocks
    data["name"] = f"{each}={unit}"
    return parse_scenario(data)


def _run_unit(shared: tuple[ShockNetwork, dict[str, Any], str], unit: str) -> dict[str, Any]:
    net, template, each = shared
    res = simulate(net, _unit_scenario(parse_scenario(template), each, unit), parallel=False)
    d = res.daily
    return {
        each: unit,
        "total_output_loss": res.total_output_loss,
        "value_added_loss": res.value_added_loss,
        "min_output_ratio": res.min_output_ratio,
        "recovery_day": res.recovery_day,
        "final_demand_unmet": float(d["final_demand_unmet"].sum()),
        "max_firms_below_half": int(d["firms_below_half"].max()),
    }


def sweep(net: ShockNetwork, each: str = "firm", *, template: Scenario | dict[str, Any] | None = None,
          units: Sequence[str] | None = None, top: int | None = None,
          screen: int | None = None, executor: Executor | None = None,
          batch_size: int | None = None,
          progress: Callable[[int, int], None] | None = None,
          shares: Mapping[str, float] | None = None,
          rank_by: str | None = None) -> pd.DataFrame:
    """Simulate one scenario per unit and rank the units.

    With ``shares`` (firm id → exact cascade share of the chain's final output, from
    :func:`chainatlas.network.chokepoints.firm_cascade_shares`, the numbers of ``chain
    chokepoints``) a firm sweep screens by that share (the ``screen`` largest, ties by baseline
    output then id) and, with ``rank_by="share"`` (the default then), ranks by it, ties by the
    simulated loss: the ranking of ``chain chokepoints``. ``rank_by="loss"`` (the default
    without shares, and for regions and segments) ranks by simulated total output loss. Without
    shares a large firm sweep is screened by the structural score of
    :func:`~chainatlas.shock.screening.screen_firms`.

    Parameters
    ----------
    net : ShockNetwork
    each : {"firm", "region", "segment"}
    template : scenario whose shocks are re-targeted at each unit (default
        :data:`DEFAULT_SWEEP_SCENARIO`).
    units : the units to run (default all of :func:`sweep_units`).
    top : keep the ``top`` highest-loss rows.
    screen : for ``each="firm"``, simulate only the ``screen`` structurally most critical firms;
        default ``max(200, 5 × top)`` when the network has more than 2,000 firms, else all.
    executor : serial (default), processes or Dask.
    batch_size : scenarios per task (default from
        :func:`~chainatlas.shock.executors.chunk_size`: a few tasks per worker slot).
    progress : called as ``progress(done, total)``.

    Returns
    -------
    DataFrame
        One row per unit: ``rank``, the unit, ``total_output_loss``, ``value_added_loss``
        (10,000 CNY), ``min_output_ratio``, ``recovery_day``, ``final_demand_unmet``,
        ``max_firms_below_half`` (and ``screen_score`` when screened by the structural score;
        ``cascade_share`` with ``shares``).
    """
    tpl = parse_scenario(template if template is not None else DEFAULT_SWEEP_SCENARIO)
    if top is not None and top < 1:
        raise InputError(f"top must be ≥ 1, got {top}")
    use_shares = shares is not None and each == "firm"
    rank = rank_by or ("share" if use_shares else "loss")
    if rank not in ("share", "loss"):
        raise InputError(f"rank_by must be share or loss, got {rank!r}")
    if rank == "share" and not use_shares:
        raise InputError("ranking by cascade share needs the firms' shares (a firm sweep)")
    all_units = sweep_units(net, each)
    chosen = list(all_units if units is None else units)
    scores = None
    if each == "firm" and units is None and (screen is not None or net.n_firms > SCREEN_ABOVE):
        k = screen if screen is not None else max(200, 5 * (top or 0))
        if use_shares:
            assert shares is not None
            cand = pd.DataFrame({"firm": net.firm_ids.astype(str), "output": net.P_ini})
            cand["share"] = cand["firm"].map(shares).fillna(0.0)
            cand = cand.sort_values(["share", "output", "firm"], ascending=[False, False, True],
                                    kind="stable")
            chosen = cand["firm"].head(k).tolist()
        else:
            screened = screen_firms(net, substitution=tpl.policy.substitution).head(k)
            chosen = screened["firm"].tolist()
            scores = dict(zip(screened["firm"], screened["score"], strict=True))
    executor = executor or SerialExecutor()
    total = len(chosen)
    size = batch_size or chunk_size(total, executor.slots())
    rows = executor.map(_run_unit, (net, tpl.model_dump(mode="json"), each), chosen,
                        batch_size=size,
                        progress=(lambda done: progress(done, total)) if progress else None)
    frame = pd.DataFrame(rows, columns=[each, "total_output_loss", "value_added_loss",
                                        "min_output_ratio", "recovery_day",
                                        "final_demand_unmet", "max_firms_below_half"])
    if scores is not None:
        frame["screen_score"] = frame[each].map(scores)
    frame["recovery_day"] = frame["recovery_day"].astype("Int64")
    if use_shares:
        assert shares is not None
        frame["cascade_share"] = frame[each].map(shares).fillna(0.0).astype(float)
    keys = (["cascade_share", "total_output_loss", each] if rank == "share"
            else ["total_output_loss", each])
    frame = frame.sort_values(keys, ascending=[False] * (len(keys) - 1) + [True],
                              kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame.head(top) if top is not None else frame
