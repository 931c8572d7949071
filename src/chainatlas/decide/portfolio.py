"""A budgeted portfolio, chosen greedily with the diminishing returns measured.

Start from nothing; at each step every affordable candidate of the pool is added to the
portfolio so far and the *combination* is simulated (never assumed additive); the candidate with
the largest measured marginal gain per 万元 joins (ties: larger gain, then key), while any
candidate adds a positive gain. The pool is the ``pool`` best single candidates by gain per
万元 with a positive gain (the output says how many were left out). Interventions are applied
in the order they were chosen. The portfolio's gain is measured on the final combination and
compared with the sum of its members' single gains: ``superadditive`` is true when the measured
gain exceeds that sum by more than 1 ppm (interventions that help each other, e.g. second sources
of two inputs that fail together), and the ratio says by how much returns diminish otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chainatlas.decide.interventions import Intervention
from chainatlas.decide.measures import MeasureSet, StressBaseline
from chainatlas.decide.network import DecisionNetwork
from chainatlas.decide.rank import Shared, _shared, evaluate_combination
from chainatlas.exceptions import InputError
from chainatlas.shock.executors import Executor, SerialExecutor

__all__ = ["greedy_portfolio"]

#: A portfolio is superadditive when its measured gain exceeds the sum of its single gains by more
#: than this share of that sum (1 ppm: below it the difference is interaction too small to act on).
ADDITIVE_TOL = 1e-6


def _combo(shared: Shared, items: list[Intervention]) -> dict[str, Any]:
    net, ms, ref = shared
    return evaluate_combination(net, items, ms, ref)


def greedy_portfolio(net: DecisionNetwork, items: Sequence[Intervention],
                     rows: Sequence[dict[str, Any]], base: dict[str, Any], ms: MeasureSet,
                     budget: float, *, by: str = "stress", pool: int = 20,
                     executor: Executor | None = None,
                     memo: dict[tuple[str, ...], dict[str, Any]] | None = None,
                     progress: Callable[[str], None] | None = None,
                     reference: StressBaseline | None = None) -> dict[str, Any]:
    """The greedy portfolio within ``budget`` (万元); ``rows`` from
    :func:`chainatlas.decide.rank.rank_interventions` (ranked); ``reference``: the baseline's
    stress runs (:func:`chainatlas.decide.rank.reference_of`), so that scenarios a combination
    provably cannot change are not re-run (exact)."""
    if not budget >= 0:
        raise InputError(f"budget must be ≥ 0 (万元), got {budget}")
    by_key = {it.key: it for it in items}
    single = {r["key"]: r for r in rows}
    eligible = [r for r in rows if r["gain"] > 0 and r["cost"] <= budget]
    candidates = [by_key[r["key"]] for r in eligible[:pool]]
    left_out = max(0, len(eligible) - pool)
    memo = memo if memo is not None else {}
    ex = executor or SerialExecutor()
    shared = _shared(net, ms, reference)
    chosen: list[Intervention] = []
    spent = 0.0
    current = base
    steps: list[dict[str, Any]] = []
    while True:
        afford = [c for c in candidates if c not in chosen and spent + c.cost <= budget]
        if not afford:
            break
        combos = [(*(x.key for x in chosen), c.key) for c in afford]
        todo = [k for k in combos if k not in memo]
        if todo:
            res = ex.map(_combo, shared, [[by_key[k] for k in key] for key in todo])
            memo.update(zip(todo, res, strict=True))
        best = None
        for c, key in zip(afford, combos, strict=True):
            gain = current[by] - memo[key][by]
            score = (gain / c.cost if c.cost > 0 else float("inf"), gain, c.key)
            if gain > 0 and (best is None or (score[0], score[1]) > (best[0][0], best[0][1])
                             or ((score[0], score[1]) == (best[0][0], best[0][1])
                                 and score[2] < best[0][2])):
                best = (score, c, key, gain)
        if best is None:
            break
        _, c, key, gain = best
        chosen.append(c)
        spent += c.cost
        current = memo[key]
        steps.append({"key": c.key, "what_zh": c.what_zh, "what_en": c.what_en,
                      "cost": c.cost, "single_gain": single[c.key]["gain"],
                      "marginal_gain": gain, "loss_after": current[by]})
        if progress:
            progress(c.key)
    measured = {m: base[m] - current[m] for m in ms.names()}
    sum_single = sum(single[c.key]["gain"] for c in chosen)
    gain = measured[by]
    tol = ADDITIVE_TOL * abs(sum_single)
    return {"budget": budget, "cost": spent, "items": steps, "gains": measured, "gain": gain,
            "sum_of_single_gains": sum_single,
            "superadditive": bool(gain > sum_single + tol),
            "ratio_to_sum": (gain / sum_single) if sum_single > 0 else None,
            "after": {m: current[m] for m in ms.names()},
            "after_by_scenario": current.get("stress_by_scenario"),
            "pool": len(candidates), "pool_left_out": left_out}
