"""Intervention kinds and the candidates of each, found on a :class:`DecisionNetwork`.

=============  ================================================================================
kind           what changes
=============  ================================================================================
dual_sourcing  a customer with a sole supplier of an essential input segment moves ``share``
               (default 30 %) of that flow to a second supplier of the segment
inventory      customers hold ``extra_days`` (default 15) more days of an essential segment
firm_inventory one firm holds ``extra_days`` (15) more days of its outage-exposed essential
               inputs (candidates: the firms that lose most in the scenarios without being hit)
attract        补链/强链: a candidate firm of the advice opens a plant in the region; the
               region's buyers of the segment move ``share`` (30 %) of their purchases to it
               and it buys its inputs from the parent firm's suppliers, scaled to its output
localisation   a mainland customer moves ``share`` (50 %) of an essential input bought abroad
               or from beyond the N-hour circle (default 4 h) to a mainland supplier inside it
=============  ================================================================================

Second suppliers are ranked by location class (境内 before 港澳台, 国外, 未知), then distance
to the customer, then capacity headroom (``spare_capacity`` × output, the TTS/TTR model's
spare capacity); a supplier whose headroom is smaller than the moved flow is not a candidate.
Every edit names firms by id, so interventions compose (a portfolio applies them in turn).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainatlas.decide.costs import CostModel
from chainatlas.decide.network import DecisionNetwork
from chainatlas.decide.plants import PlantLinkModel
from chainatlas.exceptions import InputError
from chainatlas.network.area import great_circle_km, travel_hours
from chainatlas.places.classes import location_class
from chainatlas.shock.network import DAYS_PER_YEAR
from chainatlas.shock.scenario import Scenario

__all__ = ["KINDS", "Intervention", "apply_all", "attract_candidates",
           "dual_sourcing_candidates", "firm_inventory_candidates", "inventory_candidates",
           "localisation_candidates"]

KINDS = ("dual_sourcing", "inventory", "firm_inventory", "attract", "localisation")
KIND_ZH = {"dual_sourcing": "双源采购", "inventory": "增加库存", "firm_inventory": "企业增加库存",
           "attract": "补链/强链招商", "localisation": "本地化替代"}
_CLASS_RANK = {"mainland": 0, "hmt": 1, "foreign": 2, "unknown": 3}


@dataclass(frozen=True)
class Intervention:
    """One intervention: its edits (by firm and segment id), its cost and its explanation.

    ``edits`` are tuples: ``("reroute", customer, segment, from, to, share)``,
    ``("inventory", segment, days)``, ``("firm_inventory", firm, segment, days)``, ``("plant", plant_id, name, parent, segment, region,
    country, lon, lat)`` and ``("inputs_of", plant, parent)`` (the plant buys what its parent
    buys, scaled to its output) or ``("inputs_model", plant, ((supplier, segment, coef), …))``
    (annual purchases ``coef`` × its annual output from each supplier, drawn from the
    reconstruction link model, :mod:`chainatlas.decide.plants`), ``("capacity", firm, daily)`` (its output capacity in the
    TTS/TTR model, 10,000 CNY/day).
    """

    key: str
    kind: str
    edits: tuple[tuple[Any, ...], ...]
    cost: float
    what_zh: str
    what_en: str
    why_zh: str
    why_en: str
    details: dict[str, Any] = field(default_factory=dict)

    def apply(self, net: DecisionNetwork) -> DecisionNetwork:
        """The network after this intervention (``net`` is not changed)."""
        for e in self.edits:
            net = _apply_edit(net, e)
        return net


def apply_all(net: DecisionNetwork, items: Iterable[Intervention]) -> DecisionNetwork:
    """Apply interventions in turn."""
    for it in items:
        net = it.apply(net)
    return net


def _apply_edit(net: DecisionNetwork, e: tuple[Any, ...]) -> DecisionNetwork:
    op = e[0]
    if op == "reroute":
        _, cus, seg, frm, to, share = e
        return net.reroute(net.firm_index(cus), net.segment_index(seg), net.firm_index(frm),
                           net.firm_index(to), float(share))
    if op == "inventory":
        return net.with_inventory(str(e[1]), float(e[2]))
    if op == "firm_inventory":
        return net.with_firm_inventory(str(e[1]), str(e[2]), float(e[3]))
    if op == "plant":
        _, pid, name, _parent, seg, region, country, lon, lat = e
        return net.add_firm(pid, name, segment=net.segment_index(seg), region=region,
                            country=country, lon=lon, lat=lat)
    if op == "inputs_of":
        plant, parent = net.firm_index(e[1]), net.firm_index(e[2])
        P = net.output()
        if P[parent] <= 0 or P[plant] <= 0:
            return net
        m = net.customer == parent
        if not m.any():
            return net
        factor = P[plant] / P[parent]
        return net.add_links(net.supplier[m], np.full(int(m.sum()), plant), net.link_segment[m],
                             net.value[m] * factor)
    if op == "inputs_model":
        plant = net.firm_index(e[1])
        rows = e[2]
        P = net.output()
        if P[plant] <= 0 or not rows:
            return net
        sup = np.array([net.firm_index(r[0]) for r in rows], dtype=np.int64)
        seg = np.array([net.segment_index(r[1]) for r in rows], dtype=np.int64)
        coef = np.array([float(r[2]) for r in rows])
        return net.add_links(sup, np.full(len(rows), plant), seg,
                             coef * P[plant] * DAYS_PER_YEAR)
    if op == "capacity":
        return net.with_capacity(net.firm_index(e[1]), float(e[2]))
    raise InputError(f"unknown edit {op!r}")


# ---------------------------------------------------------------------- helpers
def _classes(net: DecisionNetwork) -> np.ndarray:
    return np.array([_CLASS_RANK[location_class(str(r), str(c))]
                     for r, c in zip(net.firm_region.tolist(), net.firm_country.tolist(),
                                     strict=True)], dtype=np.int64)


def _firms_in(net: DecisionNetwork, segment: int) -> np.ndarray:
    f = net.fs_firm[net.fs_segment == segment]
    f = np.union1d(f, np.flatnonzero(net.firm_segment == segment))
    return f[f < net.n_original]


def _km(net: DecisionNetwork, a: int, b: np.ndarray) -> np.ndarray:
    d = great_circle_km(net.lon[a], net.lat[a], net.lon[b], net.lat[b])
    return np.where(np.isfinite(d), d, np.inf)


def _name(net: DecisionNetwork, i: int) -> str:
    return str(net.firm_names[i])


def _seg_name(net: DecisionNetwork, s: int) -> str:
    return str(net.segment_names[s])


def _second_supplier(net: DecisionNetwork, customer: int, segment: int, exclude: set[int],
                     need: float, spare: float, classes: np.ndarray, output: np.ndarray,
                     allowed: np.ndarray | None = None,
                     members: dict[int, np.ndarray] | None = None) -> tuple[int, float] | None:
    """Best other supplier of ``segment`` for ``customer`` (rank in the module docstring)."""
    pool = members[segment] if members is not None and segment in members \
        else _firms_in(net, segment)
    keep = ~np.isin(pool, np.fromiter(exclude, dtype=np.int64))
    if allowed is not None:
        keep &= allowed[pool]
    cand = pool[keep].astype(np.int64)
    if not len(cand):
        return None
    head = spare * output[cand] * DAYS_PER_YEAR
    ok = head >= need
    cand, head = cand[ok], head[ok]
    if not len(cand):
        return None
    km = _km(net, customer, cand)
    order = np.lexsort((net.firm_ids[cand].astype(str), -head, km, classes[cand]))
    k = int(cand[order[0]])
    return k, float(km[order[0]])


def _reroute_item(net: DecisionNetwork, kind: str, c: int, s: int, j: int, k: int, share: float,
                  flow: float, km: float, costs: CostModel, why_zh: str, why_en: str
                  ) -> Intervention:
    moved = flow * share
    seg = _seg_name(net, s)
    dist = "" if not np.isfinite(km) else f"（{km:.0f} km）"
    dist_en = "" if not np.isfinite(km) else f" ({km:.0f} km away)"
    return Intervention(
        key=f"{kind}:{net.firm_ids[c]}:{net.segment_ids[s]}:{net.firm_ids[j]}>{net.firm_ids[k]}",
        kind=kind,
        edits=(("reroute", str(net.firm_ids[c]), str(net.segment_ids[s]), str(net.firm_ids[j]),
                str(net.firm_ids[k]), share),),
        cost=costs.flow_cost(kind, moved),
        what_zh=(f"{_name(net, c)}的{seg}采购{share:.0%}（{moved:,.0f}万元/年）由{_name(net, j)}"
                 f"转向{_name(net, k)}{dist}"),
        what_en=(f"{_name(net, c)} moves {share:.0%} ({moved:,.0f} 10k CNY/yr) of its {seg} "
                 f"purchases from {_name(net, j)} to {_name(net, k)}{dist_en}"),
        why_zh=why_zh, why_en=why_en,
        details={"customer": str(net.firm_ids[c]), "segment": str(net.segment_ids[s]),
                 "from": str(net.firm_ids[j]), "to": str(net.firm_ids[k]), "share": share,
                 "moved_flow": moved, "distance_km": km if np.isfinite(km) else None},
    )


# ---------------------------------------------------------------------- generators
def _members(net: DecisionNetwork) -> dict[int, np.ndarray]:
    return {s: _firms_in(net, s) for s in range(len(net.segment_ids))}


def dual_sourcing_candidates(net: DecisionNetwork, costs: CostModel, *, share: float = 0.3,
                             spare_capacity: float = 0.1,
                             limit: int | None = None) -> list[Intervention]:
    """A second supplier for every (customer, essential segment) with one supplier; with
    ``limit``, the first ``limit`` found in customer order (the list is then cut short)."""
    out: list[Intervention] = []
    n0 = net.n_original
    seg = net.link_segment
    keep = (seg >= 0) & (net.customer < n0) & (net.supplier < n0)
    keep &= net.segment_essential[np.where(seg >= 0, seg, 0)]
    idx = np.flatnonzero(keep)
    if not len(idx):
        return out
    pair = net.customer[idx] * (len(net.segment_ids) + 1) + seg[idx]
    order = np.lexsort((net.supplier[idx], pair))
    idx, pair = idx[order], pair[order]
    classes, output = _classes(net), net.output()
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    ends = np.r_[starts[1:], len(idx)]
    members = _members(net)
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if limit is not None and len(out) >= limit:
            break
        links = idx[a:b]
        sups = np.unique(net.supplier[links])
        if len(sups) != 1:
            continue
        c, s, j = int(net.customer[links[0]]), int(seg[links[0]]), int(sups[0])
        flow = float(net.value[links].sum())
        best = _second_supplier(net, c, s, {j, c}, flow * share, spare_capacity, classes, output,
                                members=members)
        if best is None:
            continue
        k, km = best
        out.append(_reroute_item(
            net, "dual_sourcing", c, s, j, k, share, flow, km, costs,
            f"{_name(net, j)}是{_name(net, c)}唯一的{_seg_name(net, s)}供应商（必需投入），停产即断供",
            f"{_name(net, j)} is the only supplier of {_seg_name(net, s)} (an essential input) "
            f"to {_name(net, c)}: its outage stops the input"))
    return out


def inventory_candidates(net: DecisionNetwork, costs: CostModel, *, extra_days: float = 15.0,
                         segments: Sequence[str] | None = None) -> list[Intervention]:
    """``extra_days`` more stock of every essential input segment bought in the network."""
    out: list[Intervention] = []
    flow = np.bincount(np.where(net.link_segment >= 0, net.link_segment, len(net.segment_ids)),
                       weights=net.value, minlength=len(net.segment_ids) + 1)
    for s, sid in enumerate(net.segment_ids.astype(str).tolist()):
        if segments is not None and sid not in segments:
            continue
        if not net.segment_essential[s] or flow[s] <= 0:
            continue
        stock = extra_days * flow[s] / DAYS_PER_YEAR
        name = _seg_name(net, s)
        out.append(Intervention(
            key=f"inventory:{sid}:{extra_days:g}", kind="inventory",
            edits=(("inventory", sid, float(extra_days)),), cost=costs.inventory_cost(stock),
            what_zh=f"下游企业的{name}库存增加{extra_days:g}天（{stock:,.0f}万元）",
            what_en=f"customers hold {extra_days:g} more days of {name} ({stock:,.0f} 10k CNY)",
            why_zh=f"{name}断供时，库存可支撑更久、等待供应恢复",
            why_en=f"stock bridges more days of a {name} supply cut until suppliers recover",
            details={"segment": sid, "extra_days": float(extra_days), "stock_value": stock}))
    return out


def firm_inventory_candidates(net: DecisionNetwork, costs: CostModel,
                              scenarios: Sequence[Scenario], *, extra_days: float = 15.0,
                              top: int = 10) -> tuple[list[Intervention], list[str]]:
    """``extra_days`` more stock of one firm's outage-exposed essential inputs, for the ``top``
    firms that lose most output in ``scenarios`` without being hit themselves.

    Each scenario is simulated once on ``net``. A firm's *exposed* inputs are the essential
    input segments it buys from a supplier whose output fell in some scenario (the supplier
    was hit or ran short); its score is its output loss summed over the scenarios in which it
    was not hit. Firms without an exposed input are not candidates. Returns the interventions
    and notes (how many firms with a loss were left out by ``top``).
    """
    from chainatlas.decide.measures import _stocked
    from chainatlas.shock.firm_model import simulate
    from chainatlas.shock.targets import capacity_schedule

    out: list[Intervention] = []
    notes: list[str] = []
    if not scenarios:
        return out, ["no scenario: firm inventory candidates need the stress scenarios"]
    if not (np.isfinite(extra_days) and extra_days > 0):
        raise InputError(f"extra inventory days must be > 0, got {extra_days}")
    n0 = net.n_original
    sn = net.shock_network()
    segs = [str(v) for v in net.segment_ids.tolist()]
    score = np.zeros(net.n_firms)
    fell = np.zeros(net.n_firms, dtype=bool)
    for sc in scenarios:
        res = simulate(sn, _stocked(sc, net))
        loss = res.firm_loss.to_numpy(dtype=np.float64)
        hit = np.zeros(net.n_firms, dtype=bool)
        hit[capacity_schedule(sn, sc).firms] = True
        score += np.where(hit, 0.0, np.maximum(loss, 0.0))
        fell |= res.firm_min_ratio.to_numpy(dtype=np.float64) < 1.0
    seg = net.link_segment
    ess = (seg >= 0) & net.segment_essential[np.where(seg >= 0, seg, 0)]
    exposed = ess & fell[net.supplier] & (net.customer < n0)
    ranked = [int(f) for f in np.lexsort((net.firm_ids.astype(str), -score)).tolist()
              if f < n0 and score[f] > 0 and exposed[net.customer == f].any()]
    if len(ranked) > top:
        notes.append(f"firm inventory: the {top} firms with the largest loss are candidates; "
                     f"{len(ranked) - top} more firms with a loss and an exposed input are not")
    for f in ranked[:top]:
        mine = np.flatnonzero(exposed & (net.customer == f))
        in_segs = sorted(set(seg[mine].tolist()))
        flow = {s: float(net.value[(net.customer == f) & (seg == s)].sum()) for s in in_segs}
        stock = extra_days * sum(flow.values()) / DAYS_PER_YEAR
        names = [_seg_name(net, s) for s in in_segs]
        names_zh = "、".join(names[:3]) + (f"等{len(names)}类必需投入" if len(names) > 3 else "")
        names_en = ", ".join(names[:3]) + (f" and {len(names) - 3} more essential inputs"
                                           if len(names) > 3 else "")
        fid = str(net.firm_ids[f])
        out.append(Intervention(
            key=f"firm_inventory:{fid}:{extra_days:g}", kind="firm_inventory",
            edits=tuple(("firm_inventory", fid, segs[s], float(extra_days)) for s in in_segs),
            cost=costs.firm_inventory_cost(stock),
            what_zh=(f"{_name(net, f)}的{names_zh}库存增加{extra_days:g}天"
                     f"（{stock:,.0f}万元）"),
            what_en=(f"{_name(net, f)} holds {extra_days:g} more days of {names_en} "
                     f"({stock:,.0f} 10k CNY)"),
            why_zh=(f"{_name(net, f)}本身未受冲击，但各情景中其{names_zh}供应下降，"
                    f"共损失产出{score[f]:,.0f}万元；多备库存可撑到供应恢复"),
            why_en=(f"{_name(net, f)} is not hit itself but loses {score[f]:,.0f} 10k CNY of "
                    f"output over the scenarios when its {names_en} supply falls; more stock "
                    "bridges the gap until suppliers recover"),
            details={"firm": fid, "segments": [segs[s] for s in in_segs],
                     "extra_days": float(extra_days), "stock_value": stock,
                     "scenario_loss": float(score[f])}))
    return out, notes


def attract_candidates(net: DecisionNetwork, costs: CostModel,
                       recommendations: Sequence[Mapping[str, Any]], region: str,
                       region_name: str, lon: float, lat: float, *, share: float = 0.3,
                       per_segment: int = 2, links: str = "model", seed: int = 0,
                       model: PlantLinkModel | None = None
                       ) -> tuple[list[Intervention], list[str]]:
    """补链/强链 plants of the advice's candidate firms in ``region`` (prefix match of codes).

    ``links="model"`` (default): the plant's customers, the share of their purchases they move
    to it and its suppliers are drawn from the reconstruction link model fitted to ``net``
    (:mod:`chainatlas.decide.plants`; ``model`` reuses a fitted one), seeded by ``seed`` and
    the plant's key, so every plant's draw is reproducible on its own. ``links="parent"``: the
    region's buyers of the segment that buy it from outside move ``share`` of those purchases
    to the plant and it buys what its parent buys, scaled to its output (the simple rule).

    Returns the interventions and notes on recommendations that gave none (no buyer in the
    region, no customer drawn, or a candidate not in the network) and on the model fitted.
    """
    if links not in ("model", "parent"):
        raise InputError(f"plant links must be 'model' or 'parent', got {links!r}")
    out: list[Intervention] = []
    notes: list[str] = []
    ids = {str(v): i for i, v in enumerate(net.firm_ids.tolist())}
    prefix = region.rstrip("0") if region.isdigit() and len(region) == 6 else region
    in_region = np.array([str(r).startswith(prefix) for r in net.firm_region.tolist()])
    wanted = [r for r in recommendations if r.get("action") in ("补链", "强链")]
    if links == "model" and model is None and wanted:
        model = PlantLinkModel.fit(net, seed=seed, extra_places={region: (lon, lat)})
        notes += list(model.notes)
    for rec in wanted:
        sid = str(rec["segment"])
        try:
            s = net.segment_index(sid)
        except InputError:
            continue
        local = np.flatnonzero((net.link_segment == s) & in_region[net.customer]
                               & ~in_region[net.supplier])
        if links == "parent" and not len(local):
            notes.append(f"{rec.get('name', sid)}: no buyer in {region_name} buys it from "
                         "outside the region, so a plant there takes no flow (skipped)")
            continue
        used = 0
        for cand in rec.get("candidates", []):
            if used >= per_segment:
                break
            parent = ids.get(str(cand["firm"]))
            if parent is None:
                continue
            used += 1
            pid = f"{cand['firm']}@{region}"
            pname = f"{cand.get('name', cand['firm'])}（{region_name}新厂）"
            key = f"attract:{sid}:{cand['firm']}:{region}"
            edits: list[tuple[Any, ...]] = [("plant", pid, pname, str(cand["firm"]), sid, region,
                                              "CHN", lon, lat)]
            seg = _seg_name(net, s)
            cname = cand.get("name", cand["firm"])
            details: dict[str, Any] = {"segment": sid, "parent": str(cand["firm"]),
                                       "plant": pid, "region": region, "links": links}
            if links == "parent":
                moved = 0.0
                for e in local.tolist():
                    edits.append(("reroute", str(net.firm_ids[net.customer[e]]), sid,
                                  str(net.firm_ids[net.supplier[e]]), pid, share))
                    moved += float(net.value[e]) * share
                edits.append(("inputs_of", pid, str(cand["firm"])))
                n_buyers = int(len(local))
                what_zh = (f"引进{cname}在{region_name}设{seg}工厂，"
                           f"承接本地{n_buyers}条采购的{share:.0%}（{moved:,.0f}万元/年）")
                what_en = (f"attract {cname} to open a {seg} plant in {region_name}, taking "
                           f"{share:.0%} of {n_buyers} local purchases ({moved:,.0f} 10k CNY/yr)")
                details.update(links_moved=n_buyers, moved_flow=moved)
            else:
                assert model is not None
                rng = np.random.default_rng([int(seed), zlib.crc32(key.encode("utf-8"))])
                drawn = model.draw(s, model.place_of(region), parent, rng)
                if not len(drawn.customers):
                    notes.append(f"{cname}（{seg}）: the link model gives the plant no customer "
                                 f"(seed {seed}); skipped")
                    continue
                moved = 0.0
                for c, sh in zip(drawn.customers.tolist(), drawn.share.tolist(), strict=True):
                    for e in np.flatnonzero((net.customer == c) & (net.link_segment == s)
                                            & (net.supplier != parent)).tolist():
                        edits.append(("reroute", str(net.firm_ids[c]), sid,
                                      str(net.firm_ids[net.supplier[e]]), pid, float(sh)))
                        moved += float(net.value[e]) * float(sh)
                if moved <= 0:
                    notes.append(f"{cname}（{seg}）: the plant's customers buy {seg} only from "
                                 "its parent; skipped")
                    continue
                edits.append(("inputs_model", pid, tuple(
                    (str(net.firm_ids[k]), str(net.segment_ids[a]), float(c))
                    for k, a, c in zip(drawn.suppliers.tolist(), drawn.segments.tolist(),
                                       drawn.coef.tolist(), strict=True))))
                n_buyers = int(len(drawn.customers))
                n_sup = int(len(np.unique(drawn.suppliers)))
                what_zh = (f"引进{cname}在{region_name}设{seg}工厂，按重构模型有{n_buyers}家客户"
                           f"转来{moved:,.0f}万元/年采购，向{n_sup}家供应商采购投入")
                what_en = (f"attract {cname} to open a {seg} plant in {region_name}: by the "
                           f"reconstruction model {n_buyers} customers move {moved:,.0f} 10k "
                           f"CNY/yr of purchases to it and it buys from {n_sup} suppliers")
                details.update(
                    links_moved=n_buyers, moved_flow=moved, seed=int(seed),
                    customers=[{"firm": str(net.firm_ids[c]), "share": float(sh),
                                "probability": float(p)} for c, sh, p in
                               zip(drawn.customers.tolist(), drawn.share.tolist(),
                                   drawn.customer_prob.tolist(), strict=True)],
                    suppliers=[{"firm": str(net.firm_ids[k]), "segment": str(net.segment_ids[a]),
                                "probability": float(p)} for k, a, p in
                               zip(drawn.suppliers.tolist(), drawn.segments.tolist(),
                                   drawn.supplier_prob.tolist(), strict=True)])
            out.append(Intervention(
                key=key, kind="attract", edits=tuple(edits), cost=costs.attract_cost(moved),
                what_zh=what_zh, what_en=what_en,
                why_zh=f"{rec.get('action')}：{'；'.join(rec.get('reasons', [])[:1]) or seg}",
                why_en=f"{rec.get('action')} ({seg}): local buyers depend on outside supply",
                details=details))
    return out, notes


def localisation_candidates(net: DecisionNetwork, costs: CostModel, *, hours: float = 4.0,
                            share: float = 0.5, spare_capacity: float = 0.1
                            ) -> list[Intervention]:
    """Move essential inputs bought abroad or beyond ``hours`` into the circle (mainland)."""
    out: list[Intervention] = []
    n0 = net.n_original
    classes, output = _classes(net), net.output()
    mainland = classes == 0
    seg = net.link_segment
    ess = net.segment_essential[np.where(seg >= 0, seg, 0)] & (seg >= 0)
    members = _members(net)
    for e in np.flatnonzero(ess & (net.customer < n0) & (net.supplier < n0)).tolist():
        c, j, s = int(net.customer[e]), int(net.supplier[e]), int(seg[e])
        if not mainland[c]:
            continue
        h = float(np.nan_to_num(travel_hours(net.lon[c], net.lat[c], net.lon[j], net.lat[j]),
                                nan=np.inf))
        if mainland[j] and h <= hours:
            continue
        near = np.nan_to_num(travel_hours(net.lon[c], net.lat[c], net.lon, net.lat),
                             nan=np.inf) <= hours
        flow = float(net.value[e])
        best = _second_supplier(net, c, s, {j, c}, flow * share, spare_capacity, classes,
                                output, allowed=mainland & near, members=members)
        if best is None:
            continue
        k, km = best
        if not mainland[j]:
            why_zh = (f"{_name(net, c)}的{_seg_name(net, s)}来自境外（{_name(net, j)}），"
                      "易受出口管制和国际物流中断影响")
            why_en = (f"{_name(net, c)} buys {_seg_name(net, s)} abroad ({_name(net, j)}), "
                      "exposed to export bans and long transport")
        else:
            why_zh = (f"{_name(net, c)}的{_seg_name(net, s)}来自{hours:g}小时圈外"
                      f"（{_name(net, j)}），运距长，物流中断时补货慢")
            why_en = (f"{_name(net, c)} buys {_seg_name(net, s)} beyond the {hours:g}-hour "
                      f"circle ({_name(net, j)}): long transport, slow to restock")
        out.append(_reroute_item(net, "localisation", c, s, j, k, share, flow, km, costs,
                                 why_zh, why_en))
    return out
