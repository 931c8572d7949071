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

Scenarios an edit cannot change (exact, :func:`touched_firms`, :func:`unreachable`): an edit
changes the data of a set *T* of firms (both ends of every link added or changed, new firms,
firms whose own data or stock targets changed). If, in the baseline run of a scenario, no firm of
*T* or of its neighbours *N(T)* ever leaves the baseline, no firm of *T* is shocked, and every
input group of *T* holds at least two days of stock (no Poisson draw), the edited run is the
baseline run bit for bit outside *T* and *T* stays at its own baseline: the scenario's loss is
the baseline's, exactly, and is not simulated again. Proof, by induction over the days: a firm
leaves the baseline only when it is shocked, a customer's orders or a supplier's deliveries
leave theirs (the model's event-driven update marks exactly those firms), or its stock cannot
cover a day; before the first day on which the two runs differ every firm outside *T* computes
the same numbers from the same links in the same order, and a firm of *T* sees only neighbours
at their baseline (they never leave it in the baseline run), so it stays at its fixed point
(orders = flows, output ratio 1, full deliveries) and its neighbours see exactly what they saw
in the baseline run; so no first difference exists. The per-firm losses outside *T* are then
equal, those of *T* are 0 in both runs, and their exact sum (:func:`math.fsum`) is equal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from chainatlas.decide.network import DecisionNetwork
from chainatlas.exceptions import InputError
from chainatlas.places.classes import location_class
from chainatlas.risk import esri_single_firms
from chainatlas.shock.firm_model import simulate
from chainatlas.shock.lp import time_to_survive_recover
from chainatlas.shock.scenario import Scenario, parse_scenario

__all__ = ["MEASURES", "MeasureSet", "StressBaseline", "evaluate", "standard_scenarios",
           "stress_baseline", "touched_firms", "unreachable"]

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


def _stocked(sc: Scenario, net: DecisionNetwork) -> Scenario:
    """``sc`` with the segment and firm stocks ``net``'s edits bought."""
    return _with_stock(sc, net.extra_days, net.firm_extra_days,
                       [str(v) for v in net.segment_ids.tolist()])


@dataclass(frozen=True, eq=False)
class StressBaseline:
    """The baseline network's stress runs: each scenario's loss and the firms that ever left
    the baseline in it (what :func:`unreachable` needs to skip a scenario exactly)."""

    net: DecisionNetwork
    losses: tuple[float, ...]
    reached: tuple[np.ndarray, ...]


def stress_baseline(net: DecisionNetwork, scenarios: Sequence[Scenario],
                    parallel: bool | None = False) -> StressBaseline:
    """Simulate every scenario on ``net`` once, keeping the loss and the firms it reached
    (with a copy of ``net`` that holds no cached layouts: it is what workers receive)."""
    sn = net.shock_network()
    losses, reached = [], []
    for sc in scenarios:
        mask = np.zeros(sn.n_firms, dtype=bool)
        res = simulate(sn, _stocked(sc, net), parallel=parallel, active_out=mask)
        losses.append(math.fsum(res.firm_loss.to_numpy().tolist()))
        reached.append(mask)
    return StressBaseline(replace(net, _cache={}), tuple(losses), tuple(reached))


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality that treats NaN as equal to NaN (object arrays compared as is)."""
    eq = a == b
    if a.dtype.kind == "f":
        eq |= np.isnan(a) & np.isnan(b)
    return np.asarray(eq, dtype=bool)


def touched_firms(base: DecisionNetwork, net: DecisionNetwork) -> np.ndarray | None:
    """Firms of ``net`` whose data differ from ``base`` (module docstring): both ends of every
    link added, removed or changed, new firms, firms whose final demand, segment, place or
    segments changed, customers of a segment whose stock target changed. ``None`` when the
    edit cannot be read that way (segments changed, firms or links dropped): never skip then.
    """
    n0, n1 = base.n_firms, net.n_firms
    E0, E1 = base.n_links, net.n_links
    if n1 < n0 or E1 < E0:
        return None
    if (len(base.segment_ids) != len(net.segment_ids)
            or not np.array_equal(base.segment_ids.astype(str), net.segment_ids.astype(str))
            or not np.array_equal(base.segment_essential, net.segment_essential)):
        return None
    k0 = len(base.fs_firm)
    if (len(net.fs_firm) < k0 or not np.array_equal(net.fs_firm[:k0], base.fs_firm)
            or not np.array_equal(net.fs_segment[:k0], base.fs_segment)):
        return None
    t = np.zeros(n1, dtype=bool)
    t[n0:] = True
    t[net.fs_firm[k0:]] = True
    for attr in ("firm_ids", "firm_region", "firm_country", "firm_segment", "final_demand",
                 "lon", "lat"):
        t[:n0] |= ~_same(getattr(base, attr), getattr(net, attr)[:n0])
    changed = ~(_same(base.supplier, net.supplier[:E0]) & _same(base.customer, net.customer[:E0])
                & _same(base.link_segment, net.link_segment[:E0])
                & _same(base.value, net.value[:E0]))
    for arr in (base.supplier, base.customer):
        t[arr[changed]] = True
    for arr in (net.supplier, net.customer):
        t[arr[:E0][changed]] = True
        t[arr[E0:]] = True
    segs = {s for s in set(base.extra_days) | set(net.extra_days)
            if base.extra_days.get(s) != net.extra_days.get(s)}
    if segs:
        hit = np.isin(net.segment_ids.astype(str), sorted(segs))
        m = net.link_segment >= 0
        t[net.customer[m][hit[net.link_segment[m]]]] = True
    firms = {key[0] for key in set(base.firm_extra_days) | set(net.firm_extra_days)
             if base.firm_extra_days.get(key) != net.firm_extra_days.get(key)}
    if firms:
        t |= np.isin(net.firm_ids.astype(str), sorted(firms))
    return t


def unreachable(ref: StressBaseline, k: int, net: DecisionNetwork, touched: np.ndarray,
                scenario: Scenario) -> bool:
    """Whether scenario ``k`` of ``ref`` provably gives ``net`` the baseline's loss (module
    docstring); ``touched`` from :func:`touched_firms`, ``scenario`` with ``net``'s stocks."""
    sup, cus = net.supplier, net.customer
    near = touched.copy()
    near[sup[touched[cus]]] = True
    near[cus[touched[sup]]] = True
    n0 = ref.net.n_firms
    if ref.reached[k][near[:n0]].any():
        return False
    pol = scenario.policy
    if pol.inventory_spread != "none":
        return False
    days = np.full(len(net.segment_ids) + 1, float(pol.inventory_days))
    for sid, sd in pol.segment_inventory_days.items():
        hit = np.flatnonzero(net.segment_ids.astype(str) == str(sid))
        days[hit] = float(sd)
    into = touched[cus]
    seg = np.where(net.link_segment >= 0, net.link_segment, len(net.segment_ids))
    link_days = days[seg]
    if pol.firm_inventory_days:
        ids = net.firm_ids.astype(str)
        segs = np.append(net.segment_ids.astype(str), "")
        for firm, fd in pol.firm_inventory_days.items():
            mine = ids[cus] == firm
            if isinstance(fd, dict):
                for sg, v in fd.items():
                    link_days[mine & (segs[seg] == sg)] = float(v)
            else:
                link_days[mine] = float(fd)
    if into.any() and link_days[into].min() < 2.0:
        return False
    from chainatlas.shock.targets import capacity_schedule, demand_schedule

    sn = net.shock_network()
    hit_firms = [capacity_schedule(sn, scenario).firms]
    hit_firms += [f for f, _, _ in demand_schedule(sn, scenario)]
    return not any(touched[np.asarray(f, dtype=np.int64)].any() for f in hit_firms)


def stress_losses(net: DecisionNetwork, scenarios: Sequence[Scenario],
                  parallel: bool | None = False, reference: StressBaseline | None = None
                  ) -> tuple[list[float], list[bool]]:
    """Total output loss of each scenario on ``net`` (exact sum of the firms' losses) and
    whether it was taken from ``reference`` (the scenario provably cannot change, see the
    module docstring) instead of simulated."""
    touched = touched_firms(reference.net, net) if reference is not None else None
    out: list[float] = []
    skipped: list[bool] = []
    for k, sc in enumerate(scenarios):
        sck = _stocked(sc, net)
        if reference is not None and touched is not None and unreachable(
                reference, k, net, touched, sck):
            out.append(reference.losses[k])
            skipped.append(True)
            continue
        res = simulate(net.shock_network(), sck, parallel=parallel)
        out.append(math.fsum(res.firm_loss.to_numpy().tolist()))
        skipped.append(False)
    return out, skipped


def evaluate(net: DecisionNetwork, ms: MeasureSet, reference: StressBaseline | None = None,
             *, stress: bool = True) -> dict[str, Any]:
    """Every measure of ``ms`` on ``net``: ``{measure: loss, "stress_by_scenario": [...]}``.

    With ``reference`` (the baseline's runs of ``ms.scenarios``, :func:`stress_baseline`),
    scenarios the edit provably cannot change take the baseline's loss without a run (exact;
    ``"stress_skipped"`` says which). ``stress=False`` leaves the stress measure out.
    """
    out: dict[str, Any] = {}
    if ms.scenarios and stress:
        per, skipped = stress_losses(net, ms.scenarios, ms.parallel, reference)
        out["stress_by_scenario"] = per
        out["stress_skipped"] = skipped
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
