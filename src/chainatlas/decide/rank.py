"""Evaluate every candidate on its own copy of the network and rank by gain per 万元.

The gain of an intervention on measure *m* is :math:`L_m(\\text{base}) - L_m(\\text{edited})`
(:mod:`chainatlas.decide.measures`); the ranking measure's gain divided by the cost
(:mod:`chainatlas.decide.costs`) orders the list (ties: larger gain, then the key). Candidates
are independent, so they go through an executor (:mod:`chainatlas.shock.executors`): the
numbers are the same whichever runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from chainatlas.decide.interventions import KIND_ZH, Intervention, apply_all
from chainatlas.decide.measures import MeasureSet, StressBaseline, evaluate, stress_baseline
from chainatlas.decide.network import DecisionNetwork
from chainatlas.exceptions import InputError
from chainatlas.shock.executors import Executor, SerialExecutor

__all__ = ["evaluate_combination", "gains_of", "rank_interventions", "reference_of"]

Progress = Callable[[int, int], None]


def gains_of(base: dict[str, Any], after: dict[str, Any], measures: Sequence[str]) -> dict[str, float]:
    """``base[m] − after[m]`` for every measure."""
    return {m: float(base[m] - after[m]) for m in measures}


def evaluate_combination(net: DecisionNetwork, items: Sequence[Intervention],
                         ms: MeasureSet, reference: StressBaseline | None = None
                         ) -> dict[str, Any]:
    """The measures of ``net`` after ``items`` (applied in turn); ``reference``: the
    baseline's stress runs (scenarios the edits provably cannot change are not re-run)."""
    return evaluate(apply_all(net, items), ms, reference)


def reference_of(net: DecisionNetwork, ms: MeasureSet) -> StressBaseline | None:
    """The baseline's stress runs of ``ms`` (``None`` without scenarios), on a copy of ``net``
    without its cached layouts (what is sent to the workers)."""
    if not ms.scenarios:
        return None
    return stress_baseline(net, ms.scenarios, ms.parallel)


Shared = tuple[DecisionNetwork, MeasureSet, "StressBaseline | None"]


def _shared(net: DecisionNetwork, ms: MeasureSet, reference: StressBaseline | None) -> Shared:
    return (reference.net if reference is not None else replace(net, _cache={}), ms, reference)


def _one(shared: Shared, item: Intervention) -> dict[str, Any]:
    net, ms, ref = shared
    return evaluate(item.apply(net), ms, ref)


def _fall_text(base: dict[str, Any], after: dict[str, Any], ms: MeasureSet,
               names: Sequence[str]) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    if "stress_by_scenario" in base:
        drops = [(b - a, sc.name) for b, a, sc in zip(base["stress_by_scenario"],
                                                      after["stress_by_scenario"], ms.scenarios,
                                                      strict=True)]
        for d, name in sorted(drops, key=lambda t: -t[0])[:2]:
            if d > 0:
                zh.append(f"{name}损失减少{d:,.0f}万元")
                en.append(f"{name}: loss down {d:,.0f} 10k CNY")
    if "esri_by_firm" in base:
        drops2 = [(b - a, names[f]) for b, a, f in zip(base["esri_by_firm"],
                                                      after["esri_by_firm"], ms.esri_firms,
                                                      strict=True)]
        for d, name in sorted(drops2, key=lambda t: -t[0])[:1]:
            if d > 0:
                zh.append(f"{name}的系统性风险下降{d:.2f}个百分点")
                en.append(f"ESRI of {name} down {d:.2f} points")
    if "gap" in base and base["gap"] - after["gap"] > 0:
        zh.append(f"生存时间短于恢复时间的缺口缩小{base['gap'] - after['gap']:.1f}天")
        en.append(f"TTS−TTR gaps closed by {base['gap'] - after['gap']:.1f} days")
    if not zh:
        return "没有损失下降", "no loss falls"
    return "；".join(zh), "; ".join(en)


def item_row(it: Intervention, base: dict[str, Any], after: dict[str, Any], ms: MeasureSet,
             by: str, names: Sequence[str]) -> dict[str, Any]:
    """A JSON-ready row: gains, cost, gain per 万元 and the explanation in both languages."""
    measures = [m for m in ms.names()]
    g = gains_of(base, after, measures)
    falls_zh, falls_en = _fall_text(base, after, ms, names)
    return {"key": it.key, "kind": it.kind, "kind_zh": KIND_ZH[it.kind], "cost": it.cost,
            "gains": g, "gain": g[by], "gain_per_wan": g[by] / it.cost if it.cost > 0 else None,
            "after": {m: after[m] for m in measures},
            "after_by_scenario": after.get("stress_by_scenario"),
            "what_zh": it.what_zh, "what_en": it.what_en, "why_zh": it.why_zh,
            "why_en": it.why_en, "falls_zh": falls_zh, "falls_en": falls_en,
            "details": it.details}


def _sort_key(r: dict[str, Any]) -> tuple[float, float, str]:
    gpw = r["gain_per_wan"] if r["gain_per_wan"] is not None else (
        float("inf") if r["gain"] > 0 else 0.0)
    return (-gpw, -r["gain"], r["key"])


def rank_interventions(net: DecisionNetwork, items: Sequence[Intervention], ms: MeasureSet, *,
                       by: str = "stress", executor: Executor | None = None,
                       progress: Progress | None = None,
                       reference: StressBaseline | None = None) -> tuple[dict[str, Any],
                                                                         list[dict[str, Any]]]:
    """Baseline measures and one row per candidate, best gain per 万元 first.

    ``reference``: the baseline's stress runs (:func:`reference_of`; made here when not
    given): a scenario a candidate provably cannot change takes the baseline's loss without a
    run (exact, see :mod:`chainatlas.decide.measures`).
    """
    if by not in ms.names():
        raise InputError(f"ranking measure {by!r} is not computed (measures: "
                         f"{', '.join(ms.names()) or 'none'})")
    keys = [it.key for it in items]
    if len(set(keys)) != len(keys):
        raise InputError("interventions must have distinct keys")
    ref = reference if reference is not None else reference_of(net, ms)
    base = evaluate(net, ms, ref)
    ex = executor or SerialExecutor()
    total = len(items)
    shared = _shared(net, ms, ref)
    afters = ex.map(_one, shared, list(items),
                    progress=(lambda k: progress(k, total)) if progress else None)
    names = [str(v) for v in net.firm_names.tolist()]
    rows = [item_row(it, base, a, ms, by, names) for it, a in zip(items, afters, strict=True)]
    rows.sort(key=_sort_key)
    for r, row in enumerate(rows, start=1):
        row["rank"] = r
    return base, rows
