"""What an intervention buys: losses measured on the edited network, before minus after.

Measures (each a loss; a gain is the baseline's loss minus the edited network's):

``stress``
    Σ over the scenario set of the Inoue–Todo model's total output loss (10,000 CNY), the
    per-firm losses summed exactly (:func:`math.fsum`), so firms that never leave their baseline
    add exactly zero. Inventory edits raise ``policy.segment_inventory_days`` of every scenario.
``esri``
    Σ of the ESRI (Diem et al. 2022, ε = 0.01, σ on) of the ``esri_firms`` firms that carry the
    most systemic risk in the baseline (the same firms before and after), in % of output;
    ``esri_total`` (optional, one cascade per firm) is the mean ESRI of every original firm.
``lp`` / ``gap``
    the TTS/TTR LPs (Simchi-Levi et al. 2015) of every original firm's outage for ``ttr_days``:
    Σ of the performance impacts (lost sales, 10,000 CNY) and Σ of the days by which
    time-to-survive falls short of time-to-recover, :math:`\\sum_n \\max(0, TTR - TTS^{(n)})`.

The standard scenario set (:func:`standard_scenarios`): each of the top chokepoint firms out
for 30 days (linear recovery over 15), the region with the largest output out for 30 days, and
an export ban (60 days) on the foreign suppliers of the segment whose in-network supply is the
most foreign; horizon 90 days (120 for the ban), 15 days of stock, τ = 6.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainatlas.decide.network import DecisionNetwork
from chainatlas.exceptions import InputError
from chainatlas.places.classes import location_class
from chainatlas.risk import esri_single_firms
from chainatlas.shock.firm_model import simulate
from chainatlas.shock.lp import time_to_survive_recover
from chainatlas.shock.scenario import Scenario, parse_scenario

__all__ = ["MEASURES", "MeasureSet", "evaluate", "standard_scenarios"]

MEASURES = ("stress", "esri", "lp", "gap")


@dataclass(frozen=True)
class MeasureSet:
    """The measures to compute and their parameters (see the module docstring)."""

    scenarios: tuple[Scenario, ...] = ()
    esri_firms: tuple[int, ...] = ()
    esri_total: bool = False
    lp: bool = False
    ttr_days: float = 30.0
    inventory_days: float = 15.0
    spare_capacity: float = 0.1
    epsilon: float = 0.01
    parallel: bool | None = False

    def names(self) -> list[str]:
        out = []
        if self.scenarios:
            out.append("stress")
        if self.esri_firms:
            out.append("esri")
        if self.esri_total:
            out.append("esri_total")
        if self.lp:
            out += ["lp", "gap"]
        return out

    def describe(self) -> dict[str, Any]:
        return {"measures": self.names(), "scenarios": [s.to_dict() for s in self.scenarios],
                "esri_firms": len(self.esri_firms), "epsilon": self.epsilon,
                "ttr_days": self.ttr_days, "lp_inventory_days": self.inventory_days,
                "spare_capacity": self.spare_capacity}


def _with_stock(sc: Scenario, extra: dict[str, float],
                firm_extra: dict[tuple[str, str], float] | None = None,
                segments: Sequence[str] = ()) -> Scenario:
    """``sc`` with the stock bought by edits: segment days in ``segment_inventory_days``, a
    firm's days of an input in ``firm_inventory_days`` (on top of what the firm would hold
    otherwise: the scenario's own override for the firm, else the segment's days, else the
    default); at most 3,650 days. A scenario's firm-wide override (one number) is spelt out
    over ``segments`` so the firm's other inputs keep it."""
    if not extra and not firm_extra:
        return sc
    pol = sc.policy
    days = dict(pol.segment_inventory_days)
    for seg, d in extra.items():
        days[seg] = min(3650.0, days.get(seg, pol.inventory_days) + d)
    update: dict[str, Any] = {"segment_inventory_days": days}
    if firm_extra:
        firms: dict[str, float | dict[str, float]] = dict(pol.firm_inventory_days)
        for (firm, seg), d in sorted(firm_extra.items()):
            own = firms.get(firm)
            if isinstance(own, dict):
                per = dict(own)
            elif own is not None:
                per = {str(s): float(own) for s in segments}
            else:
                per = {}
            base = per.get(seg, days.get(seg, pol.inventory_days))
            per[seg] = min(3650.0, base + d)
            firms[firm] = per
        update["firm_inventory_days"] = firms
    return sc.model_copy(update={"policy": pol.model_copy(update=update)})


def stress_losses(net: DecisionNetwork, scenarios: Sequence[Scenario],
                  parallel: bool | None = False) -> list[float]:
    """Total output loss of each scenario on ``net`` (exact sum of the firms' losses)."""
    sn = net.shock_network()
    out = []
    for sc in scenarios:
        stocked = _with_stock(sc, net.extra_days, net.firm_extra_days,
                              [str(v) for v in net.segment_ids.tolist()])
        res = simulate(sn, stocked, parallel=parallel)
        out.append(math.fsum(res.firm_loss.to_numpy().tolist()))
    return out


def evaluate(net: DecisionNetwork, ms: MeasureSet) -> dict[str, Any]:
    """Every measure of ``ms`` on ``net``: ``{measure: loss, "stress_by_scenario": [...]}``."""
    out: dict[str, Any] = {}
    if ms.scenarios:
        per = stress_losses(net, ms.scenarios, ms.parallel)
        out["stress_by_scenario"] = per
        out["stress"] = math.fsum(per)
    if ms.esri_firms or ms.esri_total:
        enet = net.esri_network()
        if ms.esri_firms:
            r = esri_single_firms(enet, list(ms.esri_firms), epsilon=ms.epsilon, threads=1)
            out["esri_by_firm"] = [100.0 * v for v in r.esri.tolist()]
            out["esri"] = 100.0 * math.fsum(r.esri.tolist())
        if ms.esri_total:
            r = esri_single_firms(enet, np.arange(net.n_original), epsilon=ms.epsilon, threads=1)
            out["esri_total"] = 100.0 * math.fsum(r.esri.tolist()) / max(1, net.n_original)
    if ms.lp:
        bom = net.bom_network(ms.inventory_days, ms.spare_capacity)
        firms = [[i] for i in range(net.n_original)]
        t = time_to_survive_recover(bom, ms.ttr_days, firms,
                                    labels=[str(v) for v in net.firm_ids[:net.n_original]])
        out["lp"] = math.fsum(t["performance_impact"].tolist())
        out["gap"] = math.fsum(np.maximum(0.0, t["ttr_days"] - t["tts_days"]).tolist())
        out["lp_by_firm"] = dict(zip(t["scenario"].astype(str), t["performance_impact"],
                                     strict=True))
    return out


@dataclass
class ScenarioSet:
    scenarios: list[Scenario]
    notes: list[str] = field(default_factory=list)


def standard_scenarios(net: DecisionNetwork, chokepoint_firms: Sequence[str] = (),
                       *, top: int = 3) -> ScenarioSet:
    """The standard set (module docstring); ``chokepoint_firms`` ranked, e.g. from
    :func:`chainatlas.network.chokepoints.find_chokepoints` (dominators and sole suppliers)."""
    pol = {"inventory_days": 15, "tau": 6}
    scs: list[Scenario] = []
    notes: list[str] = []
    names = {str(f): str(n) for f, n in zip(net.firm_ids.tolist(), net.firm_names.tolist(),
                                             strict=True)}
    for f in list(dict.fromkeys(map(str, chokepoint_firms)))[:top]:
        if f not in names:
            raise InputError(f"chokepoint firm {f!r} is not in the network")
        scs.append(parse_scenario({
            "name": f"卡脖子企业停产 chokepoint outage: {names[f]}", "horizon_days": 90,
            "policy": pol, "shocks": [{"firm": f, "capacity_loss": 1.0, "duration_days": 30,
                                       "recovery": "linear", "recovery_days": 15}]}))
    if not chokepoint_firms:
        notes.append("no chokepoint firm given: the set has no chokepoint outage")
    P = net.output()[:net.n_original]
    regions = net.firm_region[:net.n_original].astype(str)
    mainland = np.array([location_class(r) == "mainland" for r in regions.tolist()])
    if mainland.any():
        codes, inv = np.unique(regions[mainland], return_inverse=True)
        tot = np.bincount(inv, weights=P[mainland])
        best = str(codes[int(np.argmax(tot))])
        scs.append(parse_scenario({
            "name": f"最大产出地区停产 largest region outage: {best}", "horizon_days": 90,
            "policy": pol, "shocks": [{"region": best, "capacity_loss": 1.0, "duration_days": 30,
                                       "recovery": "linear", "recovery_days": 15}]}))
    n0 = net.n_original
    seg = net.link_segment
    ok = (seg >= 0) & (net.supplier < n0)
    cls = np.array([location_class(str(r), str(c)) for r, c in
                    zip(net.firm_region.tolist(), net.firm_country.tolist(), strict=True)])
    foreign = np.isin(cls, ("foreign", "hmt"))
    m = len(net.segment_ids)
    total = np.bincount(seg[ok], weights=net.value[ok], minlength=m)
    fval = np.bincount(seg[ok], weights=net.value[ok] * foreign[net.supplier[ok]], minlength=m)
    share = np.where(total > 0, fval / np.where(total > 0, total, 1.0), 0.0)
    if share.max(initial=0.0) > 0:
        s = int(np.lexsort((-fval, -share))[0])
        sups = np.unique(net.supplier[ok & (seg == s)])
        banned = [str(net.firm_ids[i]) for i in sups.tolist() if foreign[i]]
        scs.append(parse_scenario({
            "name": (f"出口管制 export ban: {net.segment_names[s]} "
                     f"({100 * share[s]:.0f}% foreign)"),
            "horizon_days": 120, "policy": pol,
            "shocks": [{"firm": banned, "capacity_loss": 1.0, "duration_days": 60}]}))
    else:
        notes.append("no segment is supplied from abroad: the set has no export ban")
    return ScenarioSet(scs, notes)
