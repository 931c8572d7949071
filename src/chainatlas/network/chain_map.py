"""The chain map (产业链图谱): per segment, what an area has, how strong and who anchors it.

For an area (a mask over firms; by default the domestic firms, so the national view asks what
China itself supplies) every segment gets firm counts, capacity and output (total and local),
the local share, a location-quotient-style strength

.. math:: \\mathrm{LQ}_s = \\frac{q^{\\mathrm{loc}}_s / q_s}{\\sum_t q^{\\mathrm{loc}}_t /
   \\sum_t q_t}

(local share of the segment over the area's share of the chain, Florence 1939; the reference
area is the whole dataset, :math:`q` output value when every firm–segment row has one, else the
firm count), HHI by firm and by region, foreign share, anchor firms (链主) by output and by number
of distinct in-chain customers, firm tags, and a status:

- ``strong``: local firms present and local share ≥ ``strong_share`` or LQ ≥ ``strong_lq``;
- ``weak``: local firms present otherwise;
- ``missing_adjacent`` (延链/补链 gap next to what the area has): no local firm, but a segment
  present locally consumes it or feeds it (bill of materials or supply links);
- ``missing``: no local firm and no local neighbour.

The health score is in :mod:`chainatlas.network.health`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.dataset import Dataset
from chainatlas.network.concentration import row_size, segment_stats
from chainatlas.network.graph import FirmGraph, _arrow_str, _positions, firm_classes
from chainatlas.network.health import chain_health, segment_health

__all__ = ["ChainMap", "chain_map"]

_BOOL = npt.NDArray[np.bool_]

STATUSES = ("strong", "weak", "missing_adjacent", "missing")


@dataclass
class ChainMap:
    """Result of :func:`chain_map`.

    ``segments`` has one row per segment; ``health`` one row per chain with the component values
    and the 0–100 score; ``area`` describes the area of interest.
    """

    segments: pd.DataFrame
    health: pd.DataFrame
    area: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"area": self.area, "health": self.health.to_dict(orient="records"),
                "segments": self.segments.to_dict(orient="records"), "notes": self.notes}


def _tag_lists(tags: pd.Series) -> pd.Series:
    """Tags as lists: lists/arrays are kept, ``"a;b"`` text is split, missing values are empty."""
    if isinstance(tags.dtype, pd.StringDtype) or tags.map(lambda v: isinstance(v, str)).all():
        return tags.astype(object).where(tags.notna(), "").astype(str).str.split(";")
    return tags


def _tag_counts(tags: pd.Series, seg: npt.NDArray[np.int64], m: int) -> npt.NDArray[np.object_]:
    """Tags of the firms per segment as ``"链主×1;高新×3"`` (most frequent first)."""
    out = np.full(m, "", dtype=object)
    if len(tags) == 0:
        return out
    frame = pd.DataFrame({"seg": seg, "tag": _tag_lists(tags).to_numpy()}).explode("tag")
    frame = frame[frame["tag"].notna()]
    frame = frame[frame["tag"].astype(str).str.strip() != ""]
    if len(frame) == 0:
        return out
    counts = frame.groupby(["seg", "tag"]).size().reset_index(name="k")
    counts = counts.sort_values(["seg", "k", "tag"], ascending=[True, False, True])
    counts["txt"] = counts["tag"].astype(str) + "×" + counts["k"].astype(str)
    joined = counts.groupby("seg")["txt"].agg(";".join)
    out[joined.index.to_numpy()] = joined.to_numpy()
    return out


def _distinct_customers(g: FirmGraph, seg_chain: npt.NDArray[np.object_]) -> npt.NDArray[np.int64]:
    """Number of distinct in-chain customers of every firm: customers whose main segment belongs
    to the chain of the supplier's main segment (every customer when chains are unknown)."""
    if g.n_edges == 0:
        return np.zeros(g.n_firms, dtype=np.int64)
    fs_s, fs_d = g.firm_segment[g.src], g.firm_segment[g.dst]
    known = (fs_s >= 0) & (fs_d >= 0)
    same = np.ones(g.n_edges, dtype=bool)
    same[known] = seg_chain[fs_s[known]] == seg_chain[fs_d[known]]
    key = np.sort(g.src[same].astype(np.int64) * g.n_firms + g.dst[same])
    first = np.concatenate(([True], key[1:] != key[:-1])) if len(key) else key.astype(bool)
    return np.bincount(key[first] // g.n_firms, minlength=g.n_firms)


def chain_map(
    ds: Dataset,
    *,
    graph: FirmGraph | None = None,
    area: _BOOL | None = None,
    area_label: str = "domestic",
    chain: str | None = None,
    strong_share: float = 0.5,
    strong_lq: float = 1.25,
    hmt: str = "separate",
) -> ChainMap:
    """Map every segment of the dataset (or of ``chain``) for an area.

    Parameters
    ----------
    ds : Dataset
    graph : FirmGraph, optional
    area : ndarray of bool, shape (n,), optional
        Local firms; default the domestic firms.
    area_label : str
        Description of the area, echoed in the result.
    chain : str, optional
        Restrict to one chain id.
    strong_share, strong_lq : float
        Thresholds of the ``strong`` status.
    hmt : "separate" | "foreign" | "domestic"
        How 港澳台 counts: on its own (``hmt_share``), in the foreign share, or as domestic.
        The default area holds the mainland firms only: an unknown location is never local.

    Returns
    -------
    ChainMap
    """
    g = graph if graph is not None else FirmGraph.from_dataset(ds)
    countries = None
    if len(ds.regions) and "country" in ds.regions:
        reg = ds.regions.dropna(subset=["country"])
        countries = dict(zip(reg["code"].astype(str), reg["country"].astype(str), strict=True))
    classes = firm_classes(g, hmt, countries)
    local = (classes == "mainland") if area is None else np.asarray(area, dtype=bool)
    if local.shape != (g.n_firms,):
        raise InputError(f"area mask must have shape ({g.n_firms},)")
    m = g.n_segments
    segs = ds.segments
    seg_ids = pd.Series(g.segment_ids.astype(str))
    meta = pd.DataFrame({"segment": seg_ids})
    if len(segs):
        info = segs.assign(id=segs["id"].astype(str)).drop_duplicates("id").set_index("id")
        for col in ("name", "name_en", "chain", "stage", "parent"):
            meta[col] = info[col].reindex(seg_ids).to_numpy() if col in info else None
    else:
        for col in ("name", "name_en", "chain", "stage", "parent"):
            meta[col] = None
    stats = segment_stats(g, local, classes=classes)
    fs_seg = g.fs_segment.astype(np.int64)
    fs_firm = g.fs_firm.astype(np.int64)
    ok = fs_seg >= 0
    fs_seg, fs_firm = fs_seg[ok], fs_firm[ok]
    size = row_size(g)[0][ok]
    fs_local = local[fs_firm]

    # location quotient against the whole dataset
    all_out = bool(len(fs_seg)) and not np.isnan(g.fs_output_value[ok]).any()
    if all_out:
        area_share = np.nansum(g.fs_output_value[ok][fs_local]) / max(np.nansum(g.fs_output_value[ok]),
                                                                      1e-300)
    else:
        area_share = fs_local.mean() if len(fs_local) else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        lq = np.where(area_share > 0, stats["local_share"].to_numpy() / area_share, np.nan)

    # anchors among local firms: by size and by distinct customers
    seg_chain = meta["chain"].astype(object).where(meta["chain"].notna(), "").to_numpy()
    n_cust = _distinct_customers(g, seg_chain)
    names = (ds.firms["name"].astype(object).to_numpy()
             if "name" in ds.firms and len(ds.firms) == g.n_firms else g.firm_ids)
    anchor_out = np.full(m, "", dtype=object)
    anchor_cust = np.full(m, "", dtype=object)
    lr = np.flatnonzero(fs_local)
    if len(lr):
        fr = pd.DataFrame({"seg": fs_seg[lr], "firm": fs_firm[lr], "q": size[lr],
                           "c": n_cust[fs_firm[lr]]})
        for col, out in (("q", anchor_out), ("c", anchor_cust)):
            best = fr.sort_values(["seg", col], ascending=[True, False],
                                  kind="stable").drop_duplicates("seg")
            picked = names[best["firm"].to_numpy()]
            if col == "c":
                picked = np.where(best["c"].to_numpy() > 0, picked, "")
            out[best["seg"].to_numpy()] = picked
    has_tags = "tags" in ds.firms and len(ds.firms) == g.n_firms
    firm_tags = _tag_lists(ds.firms["tags"].reset_index(drop=True)) if has_tags else None
    local_tags = (_tag_counts(firm_tags.iloc[fs_firm[lr]], fs_seg[lr], m)
                  if firm_tags is not None and len(lr) else np.full(m, "", dtype=object))
    has_chain_lead = np.zeros(m, dtype=bool)
    if firm_tags is not None and len(lr):
        ex = firm_tags.explode()
        lead_firm = np.zeros(g.n_firms, dtype=bool)
        lead_firm[ex.index[(ex == "链主").to_numpy(dtype=bool, na_value=False)].to_numpy()] = True
        has_chain_lead[np.unique(fs_seg[lr][lead_firm[fs_firm[lr]]])] = True

    status = _status(g, ds, stats, lq, strong_share, strong_lq)
    table = pd.concat([meta, stats.reset_index(drop=True)], axis=1)
    table["lq"] = lq
    table["anchor_by_output"] = anchor_out
    table["anchor_by_customers"] = anchor_cust
    table["tags"] = local_tags
    table["status"] = status
    innovation, basis = _innovation_per_segment(g, ds, local)
    table["innovation"] = innovation
    table["innovation_basis"] = basis
    table["has_chain_leader"] = has_chain_lead
    comp = segment_health(table)
    table = pd.concat([table, comp], axis=1)
    if chain is not None:
        if "chain" not in table or not (table["chain"].astype(str) == chain).any():
            raise DataNotFound(f"chain '{chain}' has no segments in the dataset")
        table = table[table["chain"].astype(str) == chain].reset_index(drop=True)
    health = chain_health(table)
    area_info = {"label": area_label, "firms_local": int(local.sum()), "firms": int(g.n_firms),
                 "area_share": float(area_share)}
    notes = []
    derived = ds.meta.get("stages_derived")
    if isinstance(derived, int) and derived > 0:
        notes.append(f"{derived} segment(s) have no stage in the data: derived from their depth "
                     f"in the bill of materials (upstream / midstream / downstream by thirds of "
                     f"depth / (depth + height); outside the BOM: midstream)")
    return ChainMap(table, health, area_info, notes)


def _status(g: FirmGraph, ds: Dataset, stats: pd.DataFrame, lq: npt.NDArray[np.float64],
            strong_share: float, strong_lq: float) -> npt.NDArray[np.object_]:
    m = g.n_segments
    present = stats["firms_local"].to_numpy() > 0
    share = stats["local_share"].to_numpy()
    strong = present & ((np.nan_to_num(share) >= strong_share) | (np.nan_to_num(lq) >= strong_lq))
    adjacent = np.zeros(m, dtype=bool)
    bom = ds.segment_inputs
    if len(bom):
        sidx = _arrow_str(pd.Series(g.segment_ids, dtype=object))
        s = _positions(sidx, _arrow_str(bom["segment"]))
        t = _positions(sidx, _arrow_str(bom["input_segment"]))
        okb = (s >= 0) & (t >= 0)
        s, t = s[okb], t[okb]
        adjacent[t[present[s]]] = True  # a local segment consumes it
        adjacent[s[present[t]]] = True  # it consumes a local segment
    # supply links: local firms buy it, or sell to firms of it
    local_firm = np.zeros(g.n_firms, dtype=bool)
    rows = g.fs_segment >= 0
    loc_seg = present[g.fs_segment[rows]]
    local_firm[g.fs_firm[rows][loc_seg]] = True
    e = g.edge_segment >= 0
    bought = g.edge_segment[e][local_firm[g.dst[e]]]
    adjacent[bought] = True
    cust_seg = g.firm_segment[g.dst]
    sold_to = cust_seg[(cust_seg >= 0) & local_firm[g.src]]
    adjacent[sold_to] = True
    return np.where(strong, "strong", np.where(present, "weak",
                                               np.where(adjacent, "missing_adjacent", "missing")))


def _innovation_per_segment(g: FirmGraph, ds: Dataset,
                            local: _BOOL) -> tuple[npt.NDArray[np.float64], str]:
    """Innovation of local firms per segment and its basis.

    ``assets``: innovation assets whose owner is a local firm of the segment (by firm id or
    name); when no asset can be attributed to a firm, ``rd_intensity``: the size-weighted mean
    R&D intensity of the segment's local firms; NaN when neither is available.
    """
    m = g.n_segments
    rows = g.fs_segment >= 0
    f = g.fs_firm[rows]
    seg = g.fs_segment[rows]
    assets = ds.innovation_assets
    firms = ds.firms
    if len(assets) and "owner" in assets and len(firms):
        keys = pd.concat([pd.Series(np.arange(len(firms)), index=firms["id"].astype(str)),
                          pd.Series(np.arange(len(firms)), index=firms["name"].astype(str))])
        keys = keys[~keys.index.duplicated()]
        owner = keys.reindex(assets["owner"].astype(str)).to_numpy(dtype=float)
        owner_firm = owner[~np.isnan(owner)].astype(np.int64)
        if len(owner_firm):
            per_firm = np.bincount(owner_firm, minlength=g.n_firms).astype(float)
            w = np.where(local[f], per_firm[f], 0.0)
            return np.asarray(np.bincount(seg, weights=w, minlength=m), dtype=np.float64), "assets"
    if len(firms) and "rd_intensity" in firms:
        rd = pd.to_numeric(firms["rd_intensity"], errors="coerce").to_numpy(float, na_value=np.nan)
        size = row_size(g)[0][rows]
        ok = local[f] & ~np.isnan(rd[f])
        num = np.bincount(seg[ok], weights=(rd[f] * size)[ok], minlength=m)
        den = np.bincount(seg[ok], weights=size[ok], minlength=m)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan), "rd_intensity"
    return np.full(m, np.nan), "none"
