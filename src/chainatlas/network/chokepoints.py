"""Chokepoints (卡脖子): firms, segments and regions a target's output depends on.

Seven kinds are found and ranked by the share of the target's output that depends on them
(ties: by :data:`TYPE_PRIORITY`, then by the number of firms that fail):

``dominator``
    a firm on every supply path from the primary sources into target firms (OR semantics,
    :mod:`~chainatlas.network.dominators`);
``sole_supplier``
    a firm that is the only supplier of an essential input segment to some customer (AND
    semantics: production needs every essential input, :mod:`~chainatlas.network.cascade`);
``import_only`` / ``foreign_dominated``
    segments whose supply is all / mostly foreign (国产化替代 candidates);
``key_technology_no_domestic``
    key-technology segments with no domestic supplier;
``geographic_concentration``
    segments whose size sits in one region above a threshold;
``region``
    regions whose loss alone stops a large share of the target's output.

For each candidate the dependent share is exact under the essential-input rule: its firms fail,
the failure cascade runs to its fixed point, and the share is
:math:`\\sum_{i \\in F} w_i / \\sum_i w_i` with target weights ``w``
(:mod:`~chainatlas.network.targets`). Only dominators and sole suppliers can stop more than
their own output (the first firm to fail after ``k`` must have ``k`` as its only supplier of an
essential input), so they are the firm candidates. With a ``limit`` the ranking is still exact:
candidates are evaluated in decreasing order of an *upper* bound of their share — the final
output reachable from them along essential links (:mod:`~chainatlas.network.reach`) — and
evaluation stops once no bound left can reach the ``limit``-th share; every candidate is
evaluated when they number at most ``max_exact``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.network.cascade import input_groups, lost_share, single_seed_losses
from chainatlas.network.concentration import segment_stats
from chainatlas.network.dominators import dominator_tree
from chainatlas.network.graph import UNKNOWN_CODES, FirmGraph
from chainatlas.network.reach import cascade_bound
from chainatlas.network.targets import Target, resolve_target

__all__ = ["ChokepointResult", "firm_cascade_shares", "find_chokepoints"]

_F64 = npt.NDArray[np.float64]

#: Order of chokepoint types among equal shares (most structural first).
TYPE_PRIORITY = {"key_technology_no_domestic": 0, "import_only": 1, "dominator": 2,
                 "sole_supplier": 3, "foreign_dominated": 4, "geographic_concentration": 5,
                 "region": 6}

COLUMNS = ["rank", "type", "kind", "id", "name", "segment", "region", "share", "firms_lost",
           "dominated_share", "reason_zh", "reason_en"]


@dataclass
class ChokepointResult:
    """Ranked chokepoints of one target.

    ``table`` has one row per firm, segment or region (:data:`COLUMNS`); ``share`` is the share
    of the target's output lost when it fails (essential-input cascade), ``dominated_share`` the
    share it dominates on the supply graph (firms only).
    """

    target: dict[str, Any]
    table: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "params": self.params, "notes": self.notes,
                "chokepoints": self.table.to_dict(orient="records")}


def _firm_namer(ds: Dataset, g: FirmGraph) -> Any:
    """Name of firm node ``k`` (the graph's nodes are the rows of ``ds.firms`` in order)."""
    names = ds.firms["name"] if "name" in ds.firms and len(ds.firms) == g.n_firms else None

    def name(k: int) -> str:
        if names is not None:
            v = names.iloc[k]
            if isinstance(v, str) and v:
                return v
        return str(g.firm_ids[k])
    return name


def _names(frame: pd.DataFrame, key: str, col: str) -> dict[str, str]:
    if len(frame) == 0 or col not in frame:
        return {}
    vals = frame[col].astype(object).where(frame[col].notna(), None)
    return {str(k): str(v) for k, v in zip(frame[key], vals, strict=True) if v is not None}


def find_chokepoints(
    ds: Dataset,
    target: str | None = None,
    *,
    graph: FirmGraph | None = None,
    foreign_threshold: float = 0.5,
    region_threshold: float = 0.6,
    region_loss_threshold: float = 0.25,
    max_exact: int = 1000,
    max_regions: int = 50,
    limit: int | None = None,
    hmt: str = "separate",
) -> ChokepointResult:
    """Find and rank the chokepoints of ``target`` (a firm or segment id; None = chain output).

    Parameters
    ----------
    ds : Dataset
    target : str, optional
        Firm id or segment id; None protects the chain's final output.
    graph : FirmGraph, optional
        Prebuilt graph of ``ds`` (built when omitted).
    foreign_threshold : float
        Foreign share of a segment's size from which it counts as foreign-dominated (0..1).
    region_threshold : float
        Share of a segment's size in one region from which it counts as concentrated (0..1).
    hmt : "separate" | "foreign" | "domestic"
        How 港澳台 supply counts in foreign dependence: shown apart (default), as foreign, or
        as domestic. Supply of unknown location is never domestic, nor foreign.
    region_loss_threshold : float
        Share of the target's output a region's loss must stop to be listed.
    max_exact : int
        Up to this many firm candidates, every one is evaluated (cascade computed); above it,
        and when ``limit`` is given, candidates whose upper bound of the share they can stop
        (the final output reachable from them) is below the ``limit``-th exact share are not
        evaluated. Either way the first ``limit`` rows are exactly those of the exhaustive
        ranking; ``params['method']`` says which path ran.
    max_regions : int
        Largest regions (by firm count) tested as a whole.
    limit : int, optional
        Keep only the first ``limit`` rows (``params['truncated']`` and ``notes`` say when
        more rows exist).

    Returns
    -------
    ChokepointResult
        Firms that affect neither the target's output nor dominate any of it are left out (a
        sole supplier of a customer off the target's supply side); segment rows are kept, with
        share 0 when the target does not depend on them.
    """
    for name, v in (("foreign_threshold", foreign_threshold), ("region_threshold", region_threshold),
                    ("region_loss_threshold", region_loss_threshold)):
        if not 0.0 < v <= 1.0:
            raise InputError(f"{name} must be in (0, 1], got {v}")
    if max_exact < 0 or max_regions < 0:
        raise InputError("max_exact and max_regions must be ≥ 0")
    g = graph if graph is not None else FirmGraph.from_dataset(ds)
    tgt = resolve_target(g, target, ds.segment_inputs)
    if limit is not None and limit < 1:
        raise InputError(f"limit must be ≥ 1, got {limit}")
    groups = input_groups(g)
    info: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    rows += _firm_chokepoints(g, tgt, groups, ds, max_exact, limit, info)
    rows += _segment_chokepoints(g, tgt, groups, ds, foreign_threshold, region_threshold, hmt)
    rows += _region_chokepoints(g, tgt, groups, ds, region_loss_threshold, max_regions)
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"])
    table = _drop_explained_regions(table)
    if len(table):
        prio = table["type"].str.split(";").str[0].map(TYPE_PRIORITY).fillna(len(TYPE_PRIORITY))
        table = (table.assign(_p=prio)
                 .sort_values(["share", "_p", "firms_lost"], ascending=[False, True, False],
                              kind="stable")
                 .drop(columns="_p").reset_index(drop=True))
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    found = len(table)
    if limit is not None:
        table = table.head(limit)
    params = {"foreign_threshold": foreign_threshold, "region_threshold": region_threshold,
              "region_loss_threshold": region_loss_threshold, "max_exact": max_exact,
              "limit": limit, "firm_candidates": info["candidates"],
              "firm_candidates_evaluated": info["evaluated"], "method": info["method"],
              "listed": len(table), "exact": True,
              "truncated": bool(len(table) < found or info["pruned"] > 0)}
    return ChokepointResult(tgt.to_dict(), table, params, _notes(params, found))


def firm_cascade_shares(ds: Dataset, target: str | None = None, *,
                        graph: FirmGraph | None = None) -> pd.DataFrame:
    """The exact cascade share of every firm: the share of ``target``'s output (default the
    chain's final output, as :func:`find_chokepoints`) that stops when the firm alone fails.

    Every firm is evaluated (one cascade each, linear in the links of the firms it stops; a firm
    that is nobody's sole supplier stops only itself), so the numbers are those of the
    chokepoint ranking for every firm it lists.

    Returns
    -------
    DataFrame
        ``firm``, ``cascade_share``, ``firms_lost`` (the firm included), in the graph's order.
    """
    g = graph if graph is not None else FirmGraph.from_dataset(ds)
    tgt = resolve_target(g, target, ds.segment_inputs)
    groups = input_groups(g)
    lost_w, lost_n = single_seed_losses(groups, np.arange(g.n_firms, dtype=np.int64), tgt.weight)
    total = float(tgt.weight.sum())
    share = lost_w / total if total > 0 else np.zeros(g.n_firms)
    return pd.DataFrame({"firm": g.firm_ids.astype(str), "cascade_share": share,
                         "firms_lost": lost_n})


def _notes(p: dict[str, Any], found: int) -> list[str]:
    """What the list covers, in words (a list cut short says so)."""
    notes = []
    if p["method"] == "bound":
        notes.append(
            f"the first {p['listed']} rows are exact: {p['firm_candidates_evaluated']} of "
            f"{p['firm_candidates']} firm candidates were evaluated; the others cannot reach "
            f"the {p['limit']}th share (an upper bound of their cascade, the final output "
            f"reachable from them, is below it)")
    if p["truncated"]:
        more = f"{found - p['listed']} more rows found"
        if p["firm_candidates"] > p["firm_candidates_evaluated"]:
            more += (f", and {p['firm_candidates'] - p['firm_candidates_evaluated']} firm "
                     f"candidates below the cut were not evaluated")
        notes.append(f"list cut at {p['listed']} rows (--limit {p['limit']}); {more}")
    elif p["limit"] is not None:
        notes.append(f"all {p['listed']} chokepoint rows listed")
    return notes


#: Absolute share margin below the k-th share under which a bound prunes a candidate (covers the
#: rounding of sums taken in another order).
PRUNE_MARGIN = 1e-9


def _exact_losses(groups: Any, cand: npt.NDArray[np.int64], w: _F64, below: _F64,
                  max_exact: int, limit: int | None,
                  info: dict[str, Any]) -> tuple[_F64, npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Exact cascade losses of the firm candidates needed for an exact top-``limit``.

    Every candidate is evaluated when no limit is asked, when there are at most ``max_exact``
    of them, or when the limit covers them all. Otherwise candidates are evaluated in
    decreasing order of an upper bound of their lost weight
    (:func:`~chainatlas.network.reach.cascade_bound`), in growing batches, until the next bound
    is below the ``limit``-th exact loss among the listed firm rows (minus
    :data:`PRUNE_MARGIN`): no candidate left can then enter the first ``limit`` rows, so the
    list equals the exhaustive one.
    """
    m = len(cand)
    total = float(w.sum())
    if limit is None or m <= max_exact or m <= limit:
        lw, ln = single_seed_losses(groups, cand, w)
        info.update(candidates=m, evaluated=m, pruned=0, method="exhaustive")
        return lw, ln, np.ones(m, dtype=bool)
    ub = cascade_bound(groups, w)[cand]
    order = np.argsort(-ub, kind="stable")
    lost_w = np.zeros(m)
    lost_n = np.zeros(m, dtype=np.int64)
    done = np.zeros(m, dtype=bool)
    listed = below[cand] > 0
    pos, chunk = 0, limit
    while pos < m:
        idx = order[pos:pos + chunk]
        lost_w[idx], lost_n[idx] = single_seed_losses(groups, cand[idx], w)
        done[idx] = True
        pos += len(idx)
        rows = done & (listed | (lost_w > 0))
        if pos < m and rows.sum() >= limit:
            kth = float(np.partition(lost_w[rows], -limit)[-limit])
            if ub[order[pos]] < kth - PRUNE_MARGIN * total:
                break
        chunk *= 2
    info.update(candidates=m, evaluated=int(done.sum()), pruned=int(m - done.sum()),
                method="bound")
    return lost_w, lost_n, done


def _drop_explained_regions(table: pd.DataFrame) -> pd.DataFrame:
    """Drop region rows whose loss one listed firm of that region already explains."""
    if len(table) == 0:
        return table
    firm_best = table[table["kind"] == "firm"].groupby("region")["share"].max()
    is_region = table["kind"] == "region"
    best = table["region"].map(firm_best).fillna(-1.0)
    return table[~(is_region & (best >= table["share"] - 1e-12))].reset_index(drop=True)


def _target_label(tgt: Target, firm_name: Any, seg_name: dict[str, str]) -> tuple[str, str]:
    if tgt.kind == "firm":
        label = firm_name(int(tgt.firms[0]))
        return f"企业「{label}」", f"firm '{label}'"
    if tgt.kind == "segment":
        label = seg_name.get(tgt.id, tgt.id)
        return f"环节「{label}」", f"segment '{label}'"
    return "产业链最终产出", "the chain's final output"


def _firm_chokepoints(g: FirmGraph, tgt: Target, groups: Any, ds: Dataset,
                      max_exact: int, limit: int | None,
                      info: dict[str, Any]) -> list[dict[str, Any]]:
    n = g.n_firms
    if n == 0:
        info.update(candidates=0, evaluated=0, pruned=0, method="exhaustive")
        return []
    w = tgt.weight
    tree = dominator_tree(g)
    dom_w = tree.subtree_sum(w)
    is_target = np.zeros(n, dtype=bool)
    is_target[tgt.firms] = True
    # weight dominated strictly below each firm (the firm's own output excluded)
    below = dom_w - w
    dom_cand = np.flatnonzero((below > 0) & ~is_target)
    sup, cust, seg = groups.sole_suppliers()
    keep = ~is_target[sup]
    sup, cust, seg = sup[keep], cust[keep], seg[keep]
    cand = np.union1d(dom_cand, sup).astype(np.int64)
    lost_w, lost_n, evaluated = _exact_losses(groups, cand, w, below, max_exact, limit, info)
    cand, lost_w, lost_n = cand[evaluated], lost_w[evaluated], lost_n[evaluated]
    firm_name = _firm_namer(ds, g)
    seg_name = _names(ds.segments, "id", "name")
    seg_name_en = _names(ds.segments, "id", "name_en")
    t_zh, t_en = _target_label(tgt, firm_name, seg_name)
    total_w = float(w.sum())
    order = np.argsort(sup, kind="stable")
    sup_s, cust_s, seg_s = sup[order], cust[order], seg[order]
    dominated = set(dom_cand.tolist())
    rows = []
    for k, lw, lost in zip(cand.tolist(), lost_w.tolist(), lost_n.tolist(), strict=True):
        share = lw / total_w if total_w > 0 else 0.0
        if share <= 0.0 and below[k] <= 0.0:
            continue  # a chokepoint for some customer, but not on the target's supply side
        types, zh, en = [], [], []
        fid = str(g.firm_ids[k])
        if k in dominated:
            types.append("dominator")
            ds_share = below[k] / total_w if total_w > 0 else 0.0
            zh.append(f"{t_zh}{ds_share:.0%}的产出只能经由该企业获得供应（支配节点）")
            en.append(f"every supply path into {ds_share:.0%} of {t_en} passes through this firm "
                      f"(dominator)")
        lo, hi = np.searchsorted(sup_s, k), np.searchsorted(sup_s, k, side="right")
        if hi > lo:
            types.append("sole_supplier")
            segs = pd.unique(seg_s[lo:hi])
            custs = cust_s[lo:hi]
            top = custs[np.argmax(dom_w[custs] + w[custs])]
            sname = "、".join(seg_name.get(str(g.segment_ids[s]), str(g.segment_ids[s]))
                             if s >= 0 else "?" for s in segs[:3])
            sname_en = ", ".join(seg_name_en.get(str(g.segment_ids[s]),
                                                 seg_name.get(str(g.segment_ids[s]),
                                                              str(g.segment_ids[s])))
                                 if s >= 0 else "?" for s in segs[:3])
            cname = firm_name(int(top))
            ncust = len(np.unique(custs))
            zh.append(f"是{ncust}家客户（如「{cname}」）必需投入「{sname}」的唯一供应商")
            en.append(f"sole supplier of the essential input '{sname_en}' to {ncust} customer(s) "
                      f"(e.g. '{cname}')")
        zh.append(f"停产将使{t_zh}损失{share:.0%}，波及{lost}家企业")
        en.append(f"its failure stops {share:.0%} of {t_en} and {lost} firm(s)")
        fseg = int(g.firm_segment[k])
        rows.append({
            "type": ";".join(types), "kind": "firm", "id": fid,
            "name": firm_name(k),
            "segment": str(g.segment_ids[fseg]) if fseg >= 0 else "",
            "region": str(g.firm_region[k]), "share": share, "firms_lost": lost,
            "dominated_share": below[k] / total_w if total_w > 0 else 0.0,
            "reason_zh": "；".join(zh), "reason_en": "; ".join(en),
        })
    return rows


def _segment_chokepoints(g: FirmGraph, tgt: Target, groups: Any, ds: Dataset,
                         foreign_threshold: float, region_threshold: float,
                         hmt: str = "separate") -> list[dict[str, Any]]:
    from chainatlas.network.graph import firm_classes

    classes = firm_classes(g, hmt)
    stats = segment_stats(g, classes=classes)
    seg_name = _names(ds.segments, "id", "name")
    seg_name_en = _names(ds.segments, "id", "name_en")
    region_name = _names(ds.regions, "code", "name")
    region_en = {**region_name, **{k: v for k, v in _names(ds.regions, "code", "name_en").items()
                                   if v.strip()}}
    t_zh, t_en = _target_label(tgt, _firm_namer(ds, g), seg_name)
    fs_seg, fs_firm = g.fs_segment, g.fs_firm.astype(np.int64)
    rows = []
    for s in np.flatnonzero(stats["firms"].to_numpy() > 0).tolist():
        st = stats.iloc[s]
        sid = str(g.segment_ids[s])
        zh_name = seg_name.get(sid, sid)
        en_name = seg_name_en.get(sid, zh_name)
        firms = fs_firm[fs_seg == s]
        found: list[tuple[str, npt.NDArray[np.int64], str, str, str]] = []
        fshare = float(st["foreign_share"])
        hshare = float(st["hmt_share"]) if st["hmt_share"] == st["hmt_share"] else 0.0
        known = float(st["unknown_share"]) < 1.0 - 1e-9
        if bool(g.segment_key_technology[s]) and st["firms_domestic"] == 0 and known \
                and hshare == 0.0:
            found.append(("key_technology_no_domestic", firms, "",
                          f"关键技术环节「{zh_name}」无国内供应商，全部依赖境外",
                          f"key-technology segment '{en_name}' has no domestic supplier"))
        elif fshare >= 1.0 - 1e-9:
            found.append(("import_only", firms, "",
                          f"环节「{zh_name}」全部由境外企业供应（国产化替代候选）",
                          f"segment '{en_name}' is supplied only from abroad "
                          f"(import-substitution candidate)"))
        elif fshare >= foreign_threshold:
            foreign = firms[classes[firms] == "foreign"]
            found.append(("foreign_dominated", foreign, "",
                          f"环节「{zh_name}」{fshare:.0%}由境外企业供应",
                          f"{fshare:.0%} of segment '{en_name}' is supplied from abroad"))
        elif hshare > 0 and fshare + hshare >= foreign_threshold:
            outside = firms[np.isin(classes[firms], ["foreign", "hmt"])]
            found.append(("foreign_dominated", outside, "",
                          f"环节「{zh_name}」{fshare:.0%}由境外、{hshare:.0%}由港澳台企业供应",
                          f"{fshare:.0%} of segment '{en_name}' is supplied from abroad and "
                          f"{hshare:.0%} from Hong Kong, Macao and Taiwan"))
        tshare = float(st["top_region_share"])
        if (st["firms"] >= 2 and tshare >= region_threshold
                and str(st["top_region"]).upper() not in UNKNOWN_CODES):
            code = str(st["top_region"])
            in_region = firms[g.firm_region[firms] == code]
            rname = region_name.get(code, code)
            found.append(("geographic_concentration", in_region, code,
                          f"环节「{zh_name}」{tshare:.0%}的规模集中在{rname}",
                          f"{tshare:.0%} of segment '{en_name}' sits in "
                          f"{region_en.get(code, code)}"))
        for typ, seeds, code, zh, en in found:
            share, lost = lost_share(groups, seeds, tgt.weight)
            rows.append({
                "type": typ, "kind": "segment", "id": sid, "name": zh_name, "segment": sid,
                "region": code, "share": share, "firms_lost": lost, "dominated_share": np.nan,
                "reason_zh": f"{zh}；断供将使{t_zh}损失{share:.0%}",
                "reason_en": f"{en}; losing it stops {share:.0%} of {t_en}",
            })
    return rows


def _region_chokepoints(g: FirmGraph, tgt: Target, groups: Any, ds: Dataset,
                        threshold: float, max_regions: int) -> list[dict[str, Any]]:
    if g.n_firms == 0 or max_regions == 0:
        return []
    codes, inv = g.region_index()
    counts = np.bincount(inv, minlength=len(codes))
    is_target = np.zeros(g.n_firms, dtype=bool)
    is_target[tgt.firms] = True
    region_name = _names(ds.regions, "code", "name")
    region_en = {**region_name, **{k: v for k, v in _names(ds.regions, "code", "name_en").items()
                                   if v.strip()}}
    t_zh, t_en = _target_label(tgt, _firm_namer(ds, g), _names(ds.segments, "id", "name"))
    rows = []
    for r in np.argsort(-counts, kind="stable")[:max_regions].tolist():
        seeds = np.flatnonzero((inv == r) & ~is_target)
        if len(seeds) == 0 or str(codes[r]).upper() in UNKNOWN_CODES:
            continue
        share, lost = lost_share(groups, seeds, tgt.weight)
        if share < threshold:
            continue
        rname = region_name.get(str(codes[r]), str(codes[r]))
        rows.append({
            "type": "region", "kind": "region", "id": str(codes[r]), "name": rname, "segment": "",
            "region": str(codes[r]), "share": share, "firms_lost": lost, "dominated_share": np.nan,
            "reason_zh": f"{rname}的{len(seeds)}家供应企业全部停产将使{t_zh}损失{share:.0%}",
            "reason_en": f"losing the {len(seeds)} supplier firm(s) in "
                         f"{region_en.get(str(codes[r]), rname)} stops {share:.0%} "
                         f"of {t_en}",
        })
    return rows
