r"""Stress tests from Python: firm, region and export-ban shocks simulated day by day.

The functions take an in-memory dataset and call the same code as ``chainatlas stress run|
sweep|tts`` (:mod:`chainatlas.services.stress`, which calls :mod:`chainatlas.shock`). The
dynamic model (Inoue & Todo 2019 style): every firm produces

.. math::

    x_i(t) = \min\Big(\bar x_i\,(1 - \delta_i(t)),\ \min_{s \in \text{essential}(i)}
             \frac{S_{is}(t)}{a_{is}}\Big)

limited by its remaining capacity :math:`1 - \delta_i(t)` and its stock :math:`S_{is}` of each
essential input; stocks refill towards ``inventory_days`` of use with time constant ``tau``.
Money is 万元 (10,000 CNY) per day unless said otherwise; ratios are output / baseline output.

>>> import chainatlas
>>> res = chainatlas.stress.run(chainatlas.load_demo(), {
...     "name": "cells down", "horizon_days": 30,
...     "shocks": [{"segment": "cells", "capacity_loss": 0.5, "duration_days": 10}]})
>>> res.summary["min_output_ratio"] < 1.0
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chainatlas._results import Result, bands_result, line_svg

if TYPE_CHECKING:
    from chainatlas._types import PathArg
    from chainatlas.model.dataset import Dataset

__all__ = ["run", "sweep", "tts_ttr"]


def run(ds: Dataset, scenario: dict[str, Any] | PathArg, *, record_firms: bool = False,
        top_k: int = 10, max_members: int | None = None) -> Result:
    """Simulate a scenario (a YAML/JSON file or a mapping) on ``ds``.

    Parameters
    ----------
    ds : Dataset
    scenario : mapping or path
        ``{"name", "horizon_days", "policy": {...}, "shocks": [{"firm"|"region"|"segment",
        "capacity_loss", "start_day", "duration_days", "recovery", …}]}`` as in
        ``docs/scenarios.md``.
    record_firms : bool
        Keep every firm's daily output ratio (``tables["firm_ratio"]``).
    top_k, max_members : int
        For a reconstructed dataset: P(in the top ``top_k``) and how many members to use.

    Returns
    -------
    Result
        One row per segment: ``output_loss`` (万元 over the horizon) and ``min_output_ratio``;
        ``tables["daily"]`` the daily totals; ``summary`` the headline numbers
        (``total_output_loss`` 万元, ``total_output_loss_days`` in days of baseline output,
        ``min_output_ratio``, ``recovery_day``).

    Examples
    --------
    A shock that removes nothing loses nothing:

    >>> import chainatlas
    >>> r = run(chainatlas.load_demo(), {"name": "none", "horizon_days": 10,
    ...         "shocks": [{"segment": "cells", "capacity_loss": 0.0, "duration_days": 5}]})
    >>> r.summary["total_output_loss"]
    0.0
    """
    import pandas as pd

    if ds.is_reconstructed:
        from chainatlas.services.bands import stress_bands_of

        b = stress_bands_of(ds, scenario, top_k=top_k, max_members=max_members)
        return bands_result(f"Stress test 压力测试 over {b.members} networks", b, None)
    from chainatlas.services.stress import run_scenario_of

    res = run_scenario_of(ds, scenario, record_firms=record_firms)
    s = res.summary()
    seg = pd.DataFrame({"segment": res.segment_loss.index.astype(str),
                        "output_loss": res.segment_loss.to_numpy(float)})
    seg["min_output_ratio"] = [float(res.segment_ratio[k].min()) if k in res.segment_ratio
                               else 1.0 for k in res.segment_loss.index]
    names = dict(zip(ds.segments["id"].astype(str), ds.segments["name"].astype(str),
                     strict=False))
    seg.insert(1, "name", seg["segment"].map(names).fillna(seg["segment"]))
    seg = seg.sort_values("output_loss", ascending=False).reset_index(drop=True)
    tables = {"daily": res.daily.reset_index(drop=True),
              "regions": pd.DataFrame({"region": res.region_loss.index.astype(str),
                                       "output_loss": res.region_loss.to_numpy(float)}),
              "firms": pd.DataFrame({"firm": res.firm_loss.index.astype(str),
                                     "output_loss": res.firm_loss.to_numpy(float),
                                     "min_output_ratio": res.firm_min_ratio.reindex(
                                         res.firm_loss.index).to_numpy(float)})}
    if res.firm_ratio is not None:
        tables["firm_ratio"] = res.firm_ratio
    summary = {k: v for k, v in s.items() if not isinstance(v, list)}
    svg = line_svg(res.daily["output_ratio"].tolist(), title="output ratio by day 产出比",
                   hi=1.0)
    return Result(f"Stress test 压力测试 · {res.scenario}", seg, tables=tables, summary=summary,
                  figure=("name", "output_loss"), svg=svg, raw=res)


def sweep(ds: Dataset, each: str = "firm", *, top: int | None = 20,
          scenario: dict[str, Any] | PathArg | None = None) -> Result:
    """One scenario per firm, region or segment (``each``), ranked by total output loss.

    Each item in turn loses all capacity (or what ``scenario`` says, as a template); the table
    is ranked by ``total_output_loss`` (万元 over the horizon), cut to ``top`` rows.

    Examples
    --------
    >>> import chainatlas
    >>> sw = sweep(chainatlas.load_demo(), "region", top=3)
    >>> len(sw.to_frame()) <= 3
    True
    """
    from chainatlas.services.stress import sweep_of

    frame = sweep_of(ds, each, top=top, scenario=scenario)
    label = next((c for c in ("name", "label", each, "scenario") if c in frame.columns),
                 frame.columns[0])
    value = "total_output_loss" if "total_output_loss" in frame.columns else None
    return Result(f"Criticality sweep 关键性扫描 · each {each}", frame.reset_index(drop=True),
                  summary={"each": each, "rows": len(frame)},
                  figure=(str(label), value) if value else None, raw=frame)


def tts_ttr(ds: Dataset, *, ttr_days: float | None = 14.0, inventory_days: float = 15.0,
            spare_capacity: float = 0.1) -> Result:
    """Time to survive (TTS) against time to recover (TTR) for every firm's outage.

    TTS is how long the network keeps meeting demand without the firm, from inventories and
    ``spare_capacity`` elsewhere (Simchi-Levi et al. 2015); a firm whose TTS < TTR is a risk.
    Days; ``performance_impact`` in 万元.

    Examples
    --------
    >>> import chainatlas
    >>> t = tts_ttr(chainatlas.load_demo()).to_frame()
    >>> bool((t["tts_days"] >= 0).all())
    True
    """
    from chainatlas.services.stress import tts_ttr_of

    frame = tts_ttr_of(ds, ttr_days=ttr_days, inventory_days=inventory_days,
                       spare_capacity=spare_capacity)
    return Result("Time to survive vs time to recover", frame.reset_index(drop=True),
                  summary={"firms": len(frame), "ttr_days": ttr_days},
                  figure=("name", "tts_days") if "tts_days" in frame else None, raw=frame)
