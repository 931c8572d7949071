"""Throughput and takt: the most finished units per day a chain (or an area's part) can deliver.

Two bounds are computed from capacities (units/day) and the bill of materials
(``segment_inputs.quantity`` = units of input per unit of output).

**Segment-level bound.** With :math:`Q_{st}` the quantity of segment ``t`` per unit of ``s``,
the total requirement of every segment per finished unit of the target segment ``f`` solves
:math:`(I - Q^\\top) r = e_f` (the BOM is acyclic, so :math:`r = e_f + Q^\\top r`), and

.. math:: T_{\\mathrm{seg}} = \\min_{s:\\, r_s > 0} \\frac{K_s}{r_s},

with :math:`K_s` the summed capacity of segment ``s``.

**Firm-network LP** (flows only along supply links). Variables: production :math:`x_p` of each
firm–segment row ``p = (i, s)`` and flow :math:`y_e` on each link ``e``. Solved on HiGHS
(``scipy.optimize.linprog(method="highs")``):

.. math::

    \\max \\sum_{p:\\, s_p = f} x_p \\quad\\text{s.t.}\\quad
    \\sum_{e \\in \\mathrm{out}(i, s)} y_e \\le x_{(i,s)},\\qquad
    \\sum_{p \\in i} Q_{s_p t}\\, x_p \\le \\sum_{e \\in \\mathrm{in}(i, t)} y_e,\\qquad
    0 \\le x_p \\le K_p,\\; y_e \\ge 0,

for every essential input segment ``t`` of firm ``i``. A firm with no recorded link for an input
it needs is assumed to obtain it (``assume_unlinked=True``, the usual case of incomplete link
data) or blocked. Within an area only links between area firms count: inputs from outside are
blocked, or (``import_outside``) delivered by the direct outside suppliers up to their
capacity. Shadow prices of the capacity bounds (finished units/day per extra unit/day of
capacity) name the bottleneck firms. Takt time is :math:`86400\\,h/24 / T` seconds per unit for
``h`` working hours a day.

**Joint product mix.** Without a target segment the chain is optimised for all its finished
products at once: with mix weights :math:`w_f \\ge 0` (:math:`\\sum_f w_f = 1`) the LP maximises
:math:`\\lambda`, the finished units/day of the mix, subject to the constraints above and, for
every mix segment ``f``, :math:`\\sum_{p:\\, s_p = f} x_p - \\sum_{e \\in \\mathrm{out}(f)} y_e
\\ge w_f \\lambda` (net deliveries of ``f`` in the mix's proportions). The default weights are
the final-demand mix (``firm_segments.final_demand`` summed per segment, every segment with
external demand); without demand data the chain's final segments weighted by their capacity, or
equally when a capacity is unknown. The requirements become :math:`(I - Q^\\top) r = w` and the
segment bound :math:`\\min_s K_s / r_s` is the same bound for the mix. With one target segment
(``segment=``) the mix is that segment alone and :math:`\\lambda` its net output.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from chainatlas.exceptions import DataNotFound, InputError, ModelError
from chainatlas.model.dataset import Dataset
from chainatlas.network.graph import FirmGraph, _arrow_str, _positions
from chainatlas.network.targets import final_segments

__all__ = ["ThroughputResult", "chain_throughput", "segment_requirements"]

_F64 = npt.NDArray[np.float64]
_BOOL = npt.NDArray[np.bool_]


@dataclass
class ThroughputResult:
    """Throughput of the target segment and its bottlenecks.

    Attributes
    ----------
    segment : str
        The finished-product segment, or ``"mix"`` for a product mix of several.
    units_per_day : float
        Finished units/day of the mix (its segments together): firm-network LP optimum (``inf`` when capacities are unknown; 0 when nothing can flow).
    segment_bound : float
        Segment-level bound :math:`T_{seg}` (units/day).
    takt_seconds : float or None
        Seconds per finished unit at the LP optimum; None when the throughput is unbounded
        (capacities unknown) or zero.
    segments : DataFrame
        Per segment: requirement per unit, capacity, max finished units/day alone, LP production,
        utilisation, shadow price and whether it binds.
    bottleneck_firms : DataFrame
        Firms whose capacity binds with a positive shadow price, largest first.
    mix : DataFrame
        The product mix: ``segment``, ``weight`` (sum 1) and ``units_per_day`` (its share of
        the optimum).
    weights_from : str
        Where the weights came from: ``segment`` (one target), ``given``, ``final_demand``,
        ``capacity`` or ``equal``.
    """

    segment: str
    units_per_day: float
    segment_bound: float
    takt_seconds: float | None
    hours_per_day: float
    segments: pd.DataFrame
    bottleneck_firms: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    mix: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"segment": [], "weight": [], "units_per_day": []}))
    weights_from: str = "segment"

    def to_dict(self) -> dict[str, Any]:
        return {
            "segment": self.segment, "weights_from": self.weights_from,
            "mix": self.mix.to_dict(orient="records"), "units_per_day": self.units_per_day,
            "segment_bound": self.segment_bound, "takt_seconds": self.takt_seconds,
            "hours_per_day": self.hours_per_day, "notes": self.notes,
            "segments": self.segments.to_dict(orient="records"),
            "bottleneck_firms": self.bottleneck_firms.to_dict(orient="records"),
        }


def _bom(graph: FirmGraph, segment_inputs: pd.DataFrame) -> sp.csr_matrix:
    """Sparse ``Q`` (m × m): ``Q[s, t]`` units of ``t`` per unit of ``s`` (essential inputs only)."""
    m = graph.n_segments
    if len(segment_inputs) == 0:
        return sp.csr_matrix((m, m))
    sidx = _arrow_str(pd.Series(graph.segment_ids, dtype=object))
    s = _positions(sidx, _arrow_str(segment_inputs["segment"]))
    t = _positions(sidx, _arrow_str(segment_inputs["input_segment"]))
    q = pd.to_numeric(segment_inputs.get("quantity", pd.Series(1.0, index=segment_inputs.index)),
                      errors="coerce").to_numpy(np.float64, na_value=np.nan)
    q = np.where(np.isnan(q), 1.0, q)
    ok = (s >= 0) & (t >= 0)
    ok &= graph.segment_essential[np.where(t >= 0, t, 0)]
    return sp.csr_matrix((q[ok], (s[ok], t[ok])), shape=(m, m))


def segment_requirements(graph: FirmGraph, segment_inputs: pd.DataFrame,
                         final: int | npt.ArrayLike) -> _F64:
    """Units of every segment needed per finished unit of segment ``final`` (an index), or per
    unit of a product mix (``final`` a weight vector over the segments): solves
    :math:`(I - Q^\\top) r = e_f` (or :math:`= w`)."""
    m = graph.n_segments
    q = _bom(graph, segment_inputs)
    if np.ndim(final) == 0:
        e = np.zeros(m)
        e[int(np.asarray(final))] = 1.0
    else:
        e = np.asarray(final, dtype=np.float64)
        if e.shape != (m,):
            raise InputError(f"mix weights must have shape ({m},)")
    a = (sp.identity(m, format="csc") - q.T.tocsc())
    r = sp.linalg.spsolve(a, e) if m > 1 else e / a.toarray()[0, 0]
    r = np.atleast_1d(np.asarray(r, dtype=np.float64))
    if not np.all(np.isfinite(r)) or (r < -1e-9).any():
        raise ModelError("the bill of materials has a cycle; requirements cannot be computed")
    return np.asarray(np.maximum(r, 0.0), dtype=np.float64)


def chain_throughput(
    ds: Dataset,
    segment: str | None = None,
    *,
    graph: FirmGraph | None = None,
    area: _BOOL | None = None,
    assume_unlinked: bool = True,
    import_outside: bool = False,
    hours_per_day: float = 24.0,
    weights: Mapping[str, float] | None = None,
) -> ThroughputResult:
    """Most finished units/day of ``segment``, or of the chain's product mix (the default).

    Parameters
    ----------
    ds : Dataset
    segment : str, optional
        Optimise this one segment's net output; default the joint product mix (module
        docstring).
    weights : mapping of segment id to weight, optional
        A product mix of one's own (weights ≥ 0, scaled to sum 1); not with ``segment``.
    graph : FirmGraph, optional
    area : ndarray of bool, shape (n,), optional
        Firms of the area; others neither produce nor supply.
    assume_unlinked : bool
        Inputs a firm has no recorded supplier link for are assumed available (True) or blocked.
    import_outside : bool
        With an area: the direct suppliers outside the area keep delivering to area firms up to
        their capacity, their own inputs assumed available (True); or inputs from outside are
        blocked (False, the default: what the area alone can make). The segment-level bound is
        NaN with imports (it would ignore them).
    hours_per_day : float
        Working hours per day for the takt time (capacities are per day).

    Returns
    -------
    ThroughputResult
    """
    if not 0 < hours_per_day <= 24:
        raise InputError(f"hours_per_day must be in (0, 24], got {hours_per_day}")
    g = graph if graph is not None else FirmGraph.from_dataset(ds)
    bom = ds.segment_inputs
    w, weights_from, notes = _mix(ds, g, bom, segment, weights)
    mix_idx = np.flatnonzero(w > 0)
    in_area = np.ones(g.n_firms, dtype=bool) if area is None else np.asarray(area, dtype=bool)
    if in_area.shape != (g.n_firms,):
        raise InputError(f"area mask must have shape ({g.n_firms},)")
    q = _bom(g, bom)
    req = segment_requirements(g, bom, w)

    # producer rows (firm, segment): firm_segments, plus segments a firm ships without a row
    fs_f = g.fs_firm.astype(np.int64)
    fs_s = g.fs_segment.astype(np.int64)
    fs_cap = g.fs_capacity.copy()
    ok = fs_s >= 0
    fs_f, fs_s, fs_cap = fs_f[ok], fs_s[ok], fs_cap[ok]
    m = g.n_segments
    imports = import_outside and not in_area.all()
    producer = in_area.copy()
    if imports:  # direct suppliers outside the area deliver up to their capacity
        cross = in_area[g.dst] & ~in_area[g.src]
        producer[g.src[cross]] = True
    e_ok = (g.edge_segment >= 0) & producer[g.src] & in_area[g.dst]
    e_idx = np.flatnonzero(e_ok)
    e_src = g.src[e_idx].astype(np.int64)
    e_dst = g.dst[e_idx].astype(np.int64)
    e_seg = g.edge_segment[e_idx].astype(np.int64)
    have = np.unique(fs_f * m + fs_s)
    shipped = np.unique(e_src * m + e_seg)
    extra = np.setdiff1d(shipped, have)
    if len(extra):
        notes.append(f"{len(extra)} supplier–segment pair(s) ship without a capacity row; "
                     f"treated as unlimited")
    p_key = np.concatenate([fs_f * m + fs_s, extra])
    p_cap = np.concatenate([fs_cap, np.full(len(extra), np.inf)])
    p_firm, p_seg = p_key // m, p_key % m
    p_cap = np.where(np.isnan(p_cap), np.inf, p_cap)
    p_cap = np.where(producer[p_firm], p_cap, 0.0)
    # rows only for segments the finished unit needs
    needed = req > 1e-15
    keep = needed[p_seg]
    p_key, p_firm, p_seg, p_cap = p_key[keep], p_firm[keep], p_seg[keep], p_cap[keep]
    order = np.argsort(p_key, kind="stable")
    p_key, p_firm, p_seg, p_cap = p_key[order], p_firm[order], p_seg[order], p_cap[order]
    n_p = len(p_key)
    e_keep = needed[e_seg]
    e_idx, e_src, e_dst, e_seg = e_idx[e_keep], e_src[e_keep], e_dst[e_keep], e_seg[e_keep]
    n_e = len(e_idx)
    if n_p == 0:
        what = ", ".join(map(str, g.segment_ids[mix_idx][:5]))
        raise ModelError(f"no firm produces segment(s) {what} or their inputs")

    # supply rows: sum of out-flows of (i, s) - x_(i,s) <= 0
    e_prod = np.searchsorted(p_key, e_src * m + e_seg)
    sup_r = np.unique(e_prod)
    sup_row_of = np.searchsorted(sup_r, e_prod)
    a1 = sp.coo_matrix((np.concatenate([np.ones(n_e), -np.ones(len(sup_r))]),
                        (np.concatenate([sup_row_of, np.arange(len(sup_r))]),
                         np.concatenate([n_p + np.arange(n_e), sup_r]))),
                       shape=(len(sup_r), n_p + n_e))
    # demand rows per (firm i, input t): sum_p Q[s_p, t] x_p - sum in-flows(i, t) <= 0
    qc = q.tocsr()
    rep = np.diff(qc.indptr)[p_seg]
    d_p = np.repeat(np.arange(n_p), rep)
    starts = qc.indptr[p_seg]
    offs = np.arange(int(rep.sum())) - np.repeat(np.cumsum(rep) - rep, rep)
    d_t = qc.indices[starts[d_p] + offs] if len(d_p) else np.zeros(0, dtype=np.int64)
    d_q = qc.data[starts[d_p] + offs] if len(d_p) else np.zeros(0)
    d_key = p_firm[d_p] * m + d_t
    all_in = np.unique(g.dst.astype(np.int64)[g.edge_segment >= 0] * m
                       + g.edge_segment.astype(np.int64)[g.edge_segment >= 0])
    linked = np.isin(d_key, all_in)
    if assume_unlinked:
        unlinked = ~linked
        if unlinked.any():
            notes.append(f"{len(np.unique(d_key[unlinked]))} firm input(s) have no recorded "
                         f"supplier link and are assumed available")
        d_p, d_t, d_q, d_key = d_p[linked], d_t[linked], d_q[linked], d_key[linked]
    if imports:  # the outside suppliers' own inputs are not modelled: assumed available
        inside = in_area[p_firm[d_p]]
        d_p, d_t, d_q, d_key = d_p[inside], d_t[inside], d_q[inside], d_key[inside]
    dem_keys = np.unique(d_key)
    d_row = np.searchsorted(dem_keys, d_key)
    in_key = e_dst * m + e_seg
    in_pos = np.searchsorted(dem_keys, in_key)
    in_pos = np.minimum(in_pos, max(len(dem_keys) - 1, 0))
    in_match = (dem_keys[in_pos] == in_key) if len(dem_keys) else np.zeros(n_e, dtype=bool)
    a2 = sp.coo_matrix((np.concatenate([d_q, -np.ones(int(in_match.sum()))]),
                        (np.concatenate([d_row, in_pos[in_match]]),
                         np.concatenate([d_p, n_p + np.flatnonzero(in_match)]))),
                       shape=(len(dem_keys), n_p + n_e))
    # mix rows per mix segment f: w_f λ - Σ x_(i,f) + Σ out-flows of (i,f) <= 0 (area firms)
    n_v = n_p + n_e + 1
    mix_row = np.full(m, -1, dtype=np.int64)
    mix_row[mix_idx] = np.arange(len(mix_idx))
    px = np.flatnonzero((mix_row[p_seg] >= 0) & in_area[p_firm])
    ey = np.flatnonzero((mix_row[e_seg] >= 0) & in_area[e_src])
    a3 = sp.coo_matrix((np.concatenate([w[mix_idx], -np.ones(len(px)), np.ones(len(ey))]),
                        (np.concatenate([np.arange(len(mix_idx)), mix_row[p_seg[px]],
                                         mix_row[e_seg[ey]]]),
                         np.concatenate([np.full(len(mix_idx), n_v - 1), px, n_p + ey]))),
                       shape=(len(mix_idx), n_v))
    a_ub = sp.vstack([sp.hstack([a1, sp.csr_matrix((a1.shape[0], 1))]),
                      sp.hstack([a2, sp.csr_matrix((a2.shape[0], 1))]), a3]).tocsr()
    c = np.zeros(n_v)
    c[-1] = -1.0  # maximise λ
    bounds = np.column_stack([np.zeros(n_v),
                              np.concatenate([p_cap, np.full(n_e + 1, np.inf)])])
    b_ub = np.zeros(a_ub.shape[0])
    if _unbounded(c, a_ub, b_ub, bounds, n_p, np.isinf(p_cap)):
        res = None
    else:
        res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res is None or res.status == 3:
        units = math.inf
        x = np.full(n_p, np.nan)
        shadow = np.zeros(n_p)
        notes.append("throughput is unbounded: capacities of some firms on the path are unknown")
    elif res.status != 0:
        raise ModelError(f"throughput LP failed: {res.message}")
    else:
        units = float(-res.fun) + 0.0
        x = res.x[:n_p]
        shadow = -np.asarray(res.upper.marginals[:n_p])
    if imports:
        notes.append(f"area of {int(in_area.sum())} firm(s) with {int((producer & ~in_area).sum())}"
                     f" direct supplier(s) outside it delivering up to their capacity (their own "
                     f"inputs assumed available); the segment bound does not apply")
    elif not in_area.all():
        notes.append(f"area of {int(in_area.sum())} firm(s); inputs from outside are blocked")
    res_ = _result(g, req, p_firm, p_seg, p_cap, x, shadow, units, not imports,
                   hours_per_day, notes)
    ids = g.segment_ids[mix_idx].astype(str)
    res_.segment = str(ids[0]) if len(ids) == 1 else "mix"
    res_.weights_from = weights_from
    res_.mix = pd.DataFrame({"segment": ids, "weight": w[mix_idx],
                             "units_per_day": w[mix_idx] * units})
    return res_


def _unbounded(c: _F64, a_ub: Any, b_ub: _F64, bounds: Any, n_p: int, inf_rows: _BOOL) -> bool:
    """Whether the throughput LP is unbounded, decided on its recession cone.

    The LP maximises λ over :math:`P = \\{z : A z \\le 0,\\ 0 \\le z \\le u\\}` (``b_ub`` is 0), which
    holds :math:`z = 0`. A nonempty polyhedron is unbounded in λ exactly when its recession cone
    :math:`\\{d : A d \\le 0,\\ d \\ge 0,\\ d_p = 0 \\text{ where } u_p < \\infty\\}` holds a direction with
    :math:`\\lambda_d > 0`; the cone is invariant under scaling, so the cone LP with
    :math:`\\lambda \\le 1` has the optimum 0 or 1. With every capacity finite the LP is bounded
    (λ is at most the summed capacity) and no cone LP is solved. HiGHS decides the small, bounded
    cone LP far faster than it proves the original unbounded (0.13 s against 6.4 s on a
    generated 2,000-stage chain without capacities).
    """
    if not inf_rows.any():
        return False
    rb = np.array(bounds, dtype=np.float64, copy=True)
    rb[:n_p, 1] = np.where(inf_rows, np.inf, 0.0)
    rb[-1, 1] = 1.0
    ray = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=rb, method="highs")
    return bool(ray.status == 0 and -ray.fun > 0.5)


def _mix(ds: Dataset, g: FirmGraph, bom: pd.DataFrame, segment: str | None,
         weights: Mapping[str, float] | None) -> tuple[_F64, str, list[str]]:
    """Mix weights over the segments (sum 1), where they came from, and a note naming them."""
    m = g.n_segments
    w = np.zeros(m)
    if segment and weights:
        raise InputError("give either a segment or mix weights, not both")
    if segment:
        w[g.segment_index(segment)] = 1.0
        return w, "segment", []
    if weights:
        for sid, val in weights.items():
            v = float(val)
            if not (math.isfinite(v) and v >= 0):
                raise InputError(f"mix weight of {sid!r} must be a number ≥ 0, got {val!r}")
            w[g.segment_index(str(sid))] += v
        source, label = "given", "given weights"
    else:
        fs = ds.firm_segments
        demand = np.zeros(m)
        if "final_demand" in fs.columns and len(fs):
            sidx = _arrow_str(pd.Series(g.segment_ids, dtype=object))
            pos = _positions(sidx, _arrow_str(fs["segment"]))
            d = pd.to_numeric(fs["final_demand"], errors="coerce").to_numpy(
                np.float64, na_value=np.nan)
            ok = (pos >= 0) & np.isfinite(d) & (d > 0)
            demand = np.bincount(pos[ok], weights=d[ok], minlength=m).astype(np.float64)
        if demand.sum() > 0:
            w, source, label = demand, "final_demand", "final-demand mix"
        else:
            finals = final_segments(g, bom)
            if len(finals) == 0:
                raise DataNotFound("no final segment found (give the segment to compute "
                                   "throughput for)")
            rows = np.isin(g.fs_segment, finals)
            capr = g.fs_capacity[rows]
            cap = np.bincount(g.fs_segment[rows], weights=np.nan_to_num(capr, nan=0.0),
                              minlength=m)
            unknown = np.bincount(g.fs_segment[rows], weights=(~np.isfinite(capr)).astype(float),
                                  minlength=m)
            if (unknown[finals] == 0).all() and (cap[finals] > 0).all():
                w[finals] = cap[finals]
                source, label = "capacity", "no final demand recorded: final segments " \
                    "weighted by their capacity"
            else:
                w[finals] = 1.0
                source, label = "equal", "no final demand recorded: final segments weighted " \
                    "equally"
    if w.sum() <= 0:
        raise InputError("the product mix has no segment with a weight > 0")
    w = w / w.sum()
    idx = np.flatnonzero(w > 0)
    shown = ", ".join(f"{g.segment_ids[k]} {w[k]:.4g}" for k in idx[:10])
    more = f" and {len(idx) - 10} more" if len(idx) > 10 else ""
    return w, source, [f"product mix of {len(idx)} segment(s) ({label}): {shown}{more}"]


def _result(g: FirmGraph, req: _F64, p_firm: Any, p_seg: Any, p_cap: _F64, x: _F64,
            shadow: _F64, units: float, bound_valid: bool, hours: float,
            notes: list[str]) -> ThroughputResult:
    m = g.n_segments
    cap_k = np.bincount(p_seg, weights=np.where(np.isinf(p_cap), 0.0, p_cap), minlength=m)
    unknown = np.bincount(p_seg, weights=np.isinf(p_cap).astype(float), minlength=m) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        alone = np.where(unknown, np.inf, cap_k / req)
    prod = np.bincount(p_seg, weights=x, minlength=m)
    sh = np.bincount(p_seg, weights=shadow, minlength=m)
    need = np.flatnonzero(req > 1e-15)
    seg_bound = float(alone[need].min()) if len(need) else math.inf
    if not bound_valid:
        seg_bound = math.nan
    segs = pd.DataFrame({
        "segment": g.segment_ids[need].astype(str), "requirement_per_unit": req[need],
        "capacity": np.where(unknown[need], np.nan, cap_k[need]),
        "max_units_alone": alone[need], "lp_production": prod[need],
        "utilisation": np.where(cap_k[need] > 0, prod[need] / np.where(cap_k[need] > 0,
                                                                       cap_k[need], 1), np.nan),
        "shadow_price": sh[need],
    })
    segs["binding_segment_bound"] = np.isclose(segs["max_units_alone"], seg_bound, rtol=1e-9)
    segs = segs.sort_values("max_units_alone", kind="stable").reset_index(drop=True)
    hot = np.flatnonzero(shadow > 1e-9)
    firms = pd.DataFrame({
        "firm": g.firm_ids[p_firm[hot]].astype(str),
        "segment": g.segment_ids[p_seg[hot]].astype(str),
        "region": g.firm_region[p_firm[hot]].astype(str),
        "capacity": p_cap[hot], "production": x[hot], "shadow_price": shadow[hot],
    }).sort_values("shadow_price", ascending=False, kind="stable").reset_index(drop=True)
    takt = (hours * 3600.0) / units if 0 < units < math.inf else None
    if math.isinf(units):
        unknown_rows = int(np.isinf(p_cap).sum())
        notes.append(f"nothing binds: {unknown_rows} firm–segment row(s) on the path have no "
                     f"capacity, so the throughput is unbounded and takt_seconds is null")
    elif units <= 0:
        notes.append("nothing can be made: a needed input has no producer or no capacity; "
                     "takt_seconds is null")
    else:
        hot_segs = segs.loc[segs["shadow_price"] > 1e-9, "segment"].astype(str).tolist()
        notes.append("binds: " + (", ".join(hot_segs[:5]) if hot_segs else
                                  "the segment bound of " + str(segs["segment"].iloc[0])))
    return ThroughputResult("", units, seg_bound, takt, hours, segs, firms, notes)
