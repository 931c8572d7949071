"""A new user's walk through every shared Willems (2008) chain, from the command line.

``import willems`` → ``chain map`` → ``chain chokepoints`` → ``stress run`` (the top
chokepoint out for 30 days) → ``stress tts`` → ``chain throughput``, in the CLI's in-process
runner. On chain 01 the numbers are checked by hand from the raw CSV: the flows (end demand
propagated up the bill of materials × cumulative cost) and the output loss of the 30-day outage,
recomputed by a small day loop written here from the model's documented rules
(docs/scenarios.md, "The model").
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.services.datasets import load_dataset

pytestmark = pytest.mark.realdata

runner = CliRunner()

POLICY = {"inventory_days": 10, "tau": 6, "substitution": True, "rationing": "proportional",
          "order_basis": "planned"}
HORIZON, OUTAGE = 90, 30


def _cli(*args: str) -> tuple[object, str]:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, f"{' '.join(args)}\n{res.output}"
    return json.loads(res.stdout), res.stderr


def _raw(path: Path) -> tuple[dict[str, dict[str, float]], list[tuple[str, str, float]]]:
    """Stages (lead time, cost, demand) and arcs (supplier, consumer, units) read with csv."""
    stages: dict[str, dict[str, float]] = {}
    arcs: list[tuple[str, str, float]] = []
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        sid = row[0].strip()
        stages[sid] = {"cost": float(row[3] or 0), "demand": float(row[5] or 0)}
        tail = [c.strip() for c in row[8:] if c.strip()]
        for k in range(0, len(tail), 2):
            arcs.append((tail[k], sid, float(tail[k + 1])))
    return stages, arcs


def _flows(stages: dict[str, dict[str, float]], arcs: list[tuple[str, str, float]]
           ) -> tuple[dict[str, float], dict[str, float]]:
    """Daily output D (demand + what every user takes) and cumulative cost C, by recursion."""
    users: dict[str, list[tuple[str, float]]] = {s: [] for s in stages}
    inputs: dict[str, list[tuple[str, float]]] = {s: [] for s in stages}
    for up, down, q in arcs:
        users[up].append((down, q))
        inputs[down].append((up, q))
    D: dict[str, float] = {}
    C: dict[str, float] = {}

    def out(s: str) -> float:
        if s not in D:
            D[s] = stages[s]["demand"] + sum(q * out(u) for u, q in users[s])
        return D[s]

    def cost(s: str) -> float:
        if s not in C:
            C[s] = stages[s]["cost"] + sum(q * cost(k) for k, q in inputs[s])
        return C[s]

    for s in stages:
        out(s)
        cost(s)
    return D, C


def _outage_loss(stages: dict[str, dict[str, float]], arcs: list[tuple[str, str, float]],
                 down: str) -> float:
    """Σ over days and stages of baseline − actual output when ``down`` loses all capacity for
    30 days: the documented day update (inventories renewed with yesterday's deliveries and
    drawn for yesterday's production; orders A·b + (n·A·b − S)/τ on the planned basis b =
    min(yesterday's demand / baseline, capacity); production = min(capacity, demand, stock of
    every input); proportional rationing; a stock that set the day's output is used up).
    Every input of a Willems stage has one supplier, so an input group is one link."""
    D, C = _flows(stages, arcs)
    ids = list(stages)
    n_days, tau = POLICY["inventory_days"], POLICY["tau"]
    links = [(up, dn, q * D[dn] * C[up]) for up, dn, q in arcs]  # daily flows A_e
    P = {s: D[s] * C[s] for s in ids}                              # baseline output
    final = {s: stages[s]["demand"] * C[s] for s in ids}          # final demand (value/day)
    S = [n_days * a for _, _, a in links]
    delivered = [a for _, _, a in links]
    x = dict.fromkeys(ids, 1.0)
    basis = dict.fromkeys(ids, 1.0)
    limiting: list[bool] = [False] * len(links)
    loss = 0.0
    for t in range(HORIZON):
        cap = {s: (0.0 if (s == down and t < OUTAGE) else 1.0) for s in ids}
        for e, (_, dn, a) in enumerate(links):
            left = S[e] - a * x[dn]
            if limiting[e] or left < 1e-12 * n_days * a:
                left = 0.0
            S[e] = left + delivered[e]
        orders = [max(0.0, a * basis[dn] + (n_days * a * basis[dn] - S[e]) / tau)
                  for e, (_, dn, a) in enumerate(links)]
        demand = dict(final)
        for e, (up, _, _) in enumerate(links):
            demand[up] += orders[e]
        feas = dict.fromkeys(ids, np.inf)
        for e, (_, dn, a) in enumerate(links):
            feas[dn] = min(feas[dn], S[e] / a)
        x = {s: max(0.0, min(cap[s], demand[s] / P[s], feas[s])) for s in ids}
        limiting = [x[dn] >= S[e] / a * (1 - 1e-12) for e, (_, dn, a) in enumerate(links)]
        for e, (up, _, _) in enumerate(links):
            delivered[e] = orders[e] * min(1.0, x[up] * P[up] / demand[up])
        basis = {s: min(demand[s] / P[s], cap[s]) for s in ids}
        loss += sum((1.0 - x[s]) * P[s] for s in ids)
    return loss


def _walk(path: Path, db: Path, tmp: Path) -> dict[str, object]:
    name = path.stem
    stages, arcs = _raw(path)
    imp, _ = _cli("import", "willems", str(path), "-d", name, "--db", str(db), "-f", "json")
    assert imp["tables"]["supply_links"] == len(set((u, d) for u, d, _ in arcs))  # type: ignore[index]
    cmap, _ = _cli("chain", "map", "-d", name, "--db", str(db), "-f", "json")
    segs = cmap["segments"]  # type: ignore[index]
    assert {s["segment"] for s in segs} == set(stages)
    assert {s["stage"] for s in segs} <= {"upstream", "midstream", "downstream"}
    cp, _ = _cli("chain", "chokepoints", "-d", name, "--db", str(db), "-f", "json")
    rows = cp["chokepoints"]  # type: ignore[index]
    top = next(r for r in rows if r["kind"] == "firm")
    assert rows[0]["share"] == top["share"] and 0 < top["share"] <= 1
    scenario = tmp / f"{name}.json"
    scenario.write_text(json.dumps({
        "name": f"{top['id']} out", "horizon_days": HORIZON, "policy": POLICY,
        "shocks": [{"firm": top["id"], "capacity_loss": 1.0, "duration_days": OUTAGE}]}),
        encoding="utf-8")
    run, _ = _cli("stress", "run", str(scenario), "-d", name, "--db", str(db), "-f", "json")
    assert run["total_output_loss"] > 0  # type: ignore[index]
    assert 0 <= run["min_output_ratio"] < 1  # type: ignore[index]
    assert len(run["daily_output_ratio"]) == HORIZON  # type: ignore[index]
    tts, _ = _cli("stress", "tts", "-d", name, "--db", str(db), "-f", "json")
    assert len(tts) == len(stages)  # type: ignore[arg-type]
    by = {r["firm"]: r for r in tts}  # type: ignore[union-attr]
    assert all(0 <= r["tts_days"] <= 365 and r["performance_impact"] >= 0 for r in by.values())
    # a demand stage nobody buys from survives exactly on its own 15 days of stock
    suppliers = {u for u, _, _ in arcs}
    for s, v in stages.items():
        if v["demand"] > 0 and s not in suppliers:
            assert by[s]["tts_days"] == pytest.approx(15.0, rel=1e-6)
    tp, tp_err = _cli("chain", "throughput", "-d", name, "--db", str(db), "-f", "json")
    demand = {s: v["demand"] for s, v in stages.items() if v["demand"] > 0}
    total = sum(demand.values())
    assert tp["weights_from"] == "final_demand"  # type: ignore[index]
    assert {m["segment"]: m["weight"] for m in tp["mix"]} == pytest.approx(  # type: ignore[index]
        {s: d / total for s, d in demand.items()})
    # Willems chains carry no capacities: unbounded, takt null, and the output says why
    assert tp["units_per_day"] is None and tp["takt_seconds"] is None  # type: ignore[index]
    assert "nothing binds" in tp_err and "product mix of" in tp_err
    return {"stages": stages, "arcs": arcs, "top": top, "run": run, "rows": rows}


def test_walk_every_willems_chain(shared_data: Path, db_path: Path, tmp_path: Path) -> None:
    files = sorted((shared_data / "supply_chains").glob("willems_*.csv"))
    assert len(files) == 8
    walked = {p.stem: _walk(p, db_path, tmp_path) for p in files}

    # chain 01 by hand from the raw CSV ------------------------------------------------------
    w1 = walked["willems_01"]
    stages, arcs = w1["stages"], w1["arcs"]
    D, C = _flows(stages, arcs)  # type: ignore[arg-type]
    # demand 253, 45, 75 at the three retailers: Manuf_0001 makes 253 + 45, Manuf_0002 45 + 75,
    # every part 298 + 120; cumulative costs Manuf_0001 39 + 12 + 5 + 9 = 65, Manuf_0002 62
    assert D["Manuf_0001"] == 298 and D["Manuf_0002"] == 120 and D["Part_0002"] == 418
    assert C["Manuf_0001"] == 65 and C["Manuf_0002"] == 62 and C["Retail_0002"] == 127
    ds = load_dataset(db_path, "willems_01")
    links = ds.supply_links
    got = {(s, c): v for s, c, v in zip(links["supplier"], links["customer"], links["value"],
                                       strict=True)}
    want = {(u, d): 365 * q * D[d] * C[u] for u, d, q in arcs}  # type: ignore[union-attr]
    assert got == pytest.approx(want, rel=1e-12)
    assert got[("Part_0001", "Manuf_0001")] == pytest.approx(365 * 298 * 12)
    fs = ds.firm_segments.set_index("firm")
    for s in stages:  # type: ignore[union-attr]
        assert fs.loc[s, "output_value"] == pytest.approx(365 * D[s] * C[s], rel=1e-12)
    # chokepoints: every part feeds both makers ⇒ 100 %; Manuf_0001 stops retailers 1 and 2:
    # (253·65 + 45·127) / (253·65 + 45·127 + 75·62) = 22,160 / 26,810
    share = {r["id"]: r["share"] for r in w1["rows"]}  # type: ignore[attr-defined]
    assert share["Part_0001"] == pytest.approx(1.0)
    assert share["Manuf_0001"] == pytest.approx(22_160 / 26_810)
    # the 30-day outage of the top chokepoint, by the documented rules
    down = w1["top"]["id"]  # type: ignore[index]
    expected = _outage_loss(stages, arcs, down) * 1.0  # type: ignore[arg-type]
    assert w1["run"]["total_output_loss"] == pytest.approx(expected, rel=1e-9)  # type: ignore[index]
    assert expected > OUTAGE * 0.5 * sum(D[s] * C[s] for s in stages) * 0.1  # a real loss
