"""The measured parts of a recommendation, one row per segment, for one region.

Every part is a number in [0, 1] (higher = more reason to act), computed from data the planner can
check:

``gap``
    how missing or weak the segment is locally: 1 (missing, and an essential input that local
    firms buy or local segments need), 0.8 (the same, non-essential), 0.4 (missing but not yet
    needed locally: an extension, not a gap); for a present segment :math:`\\tfrac12(1 - \\min(LQ, 1)) + \\tfrac12(1 - \\text{self-sufficiency})`
    with LQ the region's location quotient of the segment (output value, domestic regions) and
    self-sufficiency the share of local firms' purchases of the segment bought from local suppliers.
``chokepoint``
    the larger of (a) the share of the chain's final output lost when the segment's chokepoint
    fails (:func:`chainatlas.network.chokepoints.find_chokepoints`, essential-input cascade) and
    (b) the structural risk :math:`\\max(\\text{foreign share}, HHI_{firm})`, halved for
    non-essential segments (:func:`chainatlas.network.concentration.segment_stats`).
``density``
    relatedness density of the segment to what the region already makes
    (:func:`chainatlas.cluster.economic_complexity` on the region × segment output matrix).
``complexity``
    percentile of PCI and of COG among the segments, mixed in the Atlas proportions of the strategy.
``demand``
    :math:`0.7\\,a_s/\\max a + 0.3\\,b_s/\\max b` with :math:`a_s` the value local anchor firms (链主)
    buy from outside the region and :math:`b_s` the value all local firms buy from outside.
``distance``
    :math:`\\max(0, 1 - h_s / 8)` with :math:`h_s` the hours (road) to the nearest outside domestic
    producer: a nearby producer is easier to attract or to source from.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chainatlas.cluster import economic_complexity, travel_times_from
from chainatlas.cluster.panel import region_activity_matrix, table_of
from chainatlas.cluster.travel import TravelMode
from chainatlas.exceptions import ChainAtlasError, DataNotFound
from chainatlas.model.dataset import Dataset
from chainatlas.network.area import region_mask
from chainatlas.network.chain_map import chain_map
from chainatlas.network.chokepoints import find_chokepoints
from chainatlas.network.concentration import segment_stats
from chainatlas.network.graph import FirmGraph

__all__ = ["ANCHOR_TAG", "RegionParts", "local_regions", "segment_parts"]

ANCHOR_TAG = "链主"
#: Hours at which the distance part reaches 0.
DISTANCE_HORIZON_H = 8.0


@dataclass
class RegionParts:
    """Per-segment parts and the raw values behind them (see the module docstring)."""

    region: str
    region_name: str
    local: set[str]
    table: pd.DataFrame
    hours: pd.Series
    graph: FirmGraph
    notes: list[str] = field(default_factory=list)
    #: the region's English name (``regions.name_en``; empty where the table has none)
    region_name_en: str = ""


def local_regions(regions: pd.DataFrame, region: str) -> set[str]:
    """``region`` and every region below it in the ``parent`` tree (a city and its counties)."""
    codes = regions["code"].astype(str)
    parent = regions["parent"].astype("string").fillna("").astype(str) if "parent" in regions \
        else pd.Series("", index=regions.index)
    children: dict[str, list[str]] = {}
    for c, p in zip(codes, parent, strict=True):
        if p:
            children.setdefault(p, []).append(c)
    out, stack = {region}, [region]
    while stack:
        for ch in children.get(stack.pop(), []):
            if ch not in out:
                out.add(ch)
                stack.append(ch)
    return out


def anchor_mask(ds: Dataset, g: FirmGraph) -> np.ndarray:
    """Which of the graph's firms carry the anchor tag (链主), aligned with ``g.firm_ids``."""
    firms = table_of(ds, "firms")
    tagged = firms["tags"].map(lambda t: isinstance(t, (list, tuple, np.ndarray))
                               and ANCHOR_TAG in list(t)).to_numpy(dtype=bool)
    out = np.zeros(g.n_firms, dtype=bool)
    if tagged.any():
        pos = pd.Index(g.firm_ids.astype(str)).get_indexer(
            firms["id"].astype(str).to_numpy()[tagged])
        out[pos[pos >= 0]] = True
    return out


def _pct(v: pd.Series) -> pd.Series:
    """Percentile rank in [0, 1] (ties share the average rank); 0 for a constant or empty series."""
    v = v.astype(float)
    if v.notna().sum() <= 1 or v.nunique() <= 1:
        return pd.Series(0.0, index=v.index)
    r = v.rank(method="average")
    return ((r - 1) / (v.notna().sum() - 1)).fillna(0.0)


def segment_parts(ds: Dataset, region: str, *, mode: str | TravelMode = "road",
                  chokepoint_limit: int = 200_000,
                  graph: FirmGraph | None = None) -> RegionParts:
    """Parts of every segment of the dataset for ``region`` (see the module docstring).

    ``chokepoint_limit``: above this many firms the exact chokepoint cascade is skipped and only
    the structural risk is used (noted).
    """
    region = str(region)
    regions = table_of(ds, "regions")
    if region not in set(regions["code"].astype(str)):
        raise DataNotFound(f"region {region!r} is not in dataset {ds.name!r}")
    notes: list[str] = []
    g = graph if graph is not None else FirmGraph.from_dataset(ds)
    # local: the region's parent tree and its adcode prefix (as ``chain map --region`` reads it)
    tree = local_regions(regions, region)
    is_local = np.isin(g.firm_region.astype(str), list(tree)) | region_mask(g.firm_region, region)
    local = tree | set(g.firm_region[is_local].astype(str))
    st = segment_stats(g, is_local)
    st.index = pd.Index(g.segment_ids.astype(str), name="segment")
    segs = table_of(ds, "segments").astype({"id": str}).drop_duplicates("id").set_index("id")
    segs = segs.reindex(st.index)

    # --- local purchases (demand) and self-sufficiency, on the graph's edge arrays
    anchor = anchor_mask(ds, g)
    val = np.nan_to_num(g.value)
    seg_e = g.edge_segment.astype(np.int64)
    ok = seg_e >= 0
    cus_local, sup_local = is_local[g.dst], is_local[g.src]
    cus_anchor = anchor[g.dst]
    m = g.n_segments

    def by_segment(mask: np.ndarray) -> np.ndarray:
        return np.bincount(seg_e[ok], weights=(val * mask)[ok], minlength=m)

    dem = pd.DataFrame({"v": by_segment(cus_local),
                        "v_out": by_segment(cus_local & ~sup_local),
                        "v_anchor_out": by_segment(cus_local & ~sup_local & cus_anchor),
                        "v_anchor": by_segment(cus_local & cus_anchor)}, index=st.index)
    bought, bought_out = dem["v"], dem["v_out"]
    with np.errstate(invalid="ignore", divide="ignore"):
        self_suff = (1.0 - bought_out / bought.where(bought > 0)).astype(float)

    # --- the chain map's status of each segment for this area
    try:
        cmap = chain_map(ds, graph=g, area=is_local, area_label=region).segments
        status = pd.Series(cmap["status"].to_numpy(), index=cmap["segment"].astype(str))
        status = status.reindex(st.index).fillna("")
    except ChainAtlasError as err:
        notes.append(f"chain map not available ({err.message}); weak means LQ < 1")
        status = pd.Series("", index=st.index)

    # --- BOM adjacency: inputs of local segments, consumers of local segments
    present = st["firms_local"] > 0
    bom = table_of(ds, "segment_inputs").astype({"segment": str, "input_segment": str})
    local_segs = set(st.index[present])
    needed = set(bom.loc[bom["segment"].isin(local_segs), "input_segment"])
    consumers = set(bom.loc[bom["input_segment"].isin(local_segs), "segment"])

    # --- complexity and relatedness on domestic regions × segments
    dens = pd.Series(0.0, index=st.index)
    pci = pd.Series(np.nan, index=st.index)
    cog = pd.Series(0.0, index=st.index)
    lq = pd.Series(0.0, index=st.index)
    try:
        X = region_activity_matrix(ds, "output_value", domestic_only=True)
        X = X.groupby(X.index.map(lambda c: region if c in local else c)).sum()
        with warnings.catch_warnings():  # a disconnected network is reported in the notes
            warnings.simplefilter("ignore", RuntimeWarning)
            res = economic_complexity(X)
        acts = pd.Index(res.activities.astype(str))
        pci = pd.Series(res.pci, index=acts).reindex(st.index)
        if region in set(res.locations):
            c = list(res.locations).index(region)
            dens = pd.Series(res.density[c], index=acts).reindex(st.index).fillna(0.0)
            cog = pd.Series(res.cog[c], index=acts).reindex(st.index).fillna(0.0)
            lq = pd.Series(res.rca[c], index=acts).reindex(st.index).fillna(0.0)
        else:
            notes.append("no local production with an output value: density and COG are 0")
        notes += res.notes
    except ChainAtlasError as err:
        notes.append(f"complexity not available ({err.message}); density and complexity are 0")

    # --- chokepoints
    cp = pd.Series(0.0, index=st.index)
    if g.n_firms <= chokepoint_limit:
        try:
            tab = find_chokepoints(ds, graph=g).table
            tab = tab[tab["segment"].astype(str) != ""]
            cp = tab.groupby(tab["segment"].astype(str))["share"].max().reindex(
                st.index).fillna(0.0).clip(0, 1)
        except ChainAtlasError as err:
            notes.append(f"chokepoint analysis not available ({err.message})")
    else:
        notes.append(f"{g.n_firms:,} firms > {chokepoint_limit:,}: chokepoint part uses the "
                     "structural risk only (foreign share, firm concentration)")
    essential = segs["essential"].astype("boolean").fillna(True).to_numpy(dtype=bool) \
        if "essential" in segs else np.ones(len(st), bool)
    structural = np.fmax(st["foreign_share"].fillna(0.0), st["hhi_firm"].fillna(0.0))
    structural = structural * np.where(essential, 1.0, 0.5)

    # --- travel: hours to the nearest outside domestic producer
    hours = travel_times_from(regions, region, mode)
    fr = pd.DataFrame({"segment": g.segment_ids[g.fs_segment].astype(str),
                       "region": g.firm_region[g.fs_firm].astype(str)})
    fr = fr[~fr["region"].isin(local)]
    fr["h"] = fr["region"].map(hours).astype(float)
    nearest = fr.groupby("segment")["h"].min().reindex(st.index)

    needed_any = (bought > 0).to_numpy() | st.index.isin(list(needed))
    gap = np.where(~present, np.where(needed_any, np.where(essential, 1.0, 0.8), 0.4),
                   0.5 * (1 - lq.clip(upper=1.0)) + 0.5 * (1 - self_suff.fillna(lq.clip(upper=1))))
    a, b = dem["v_anchor_out"], dem["v_out"]
    demand = (0.7 * (a / a.max() if a.max() > 0 else 0 * a)
              + 0.3 * (b / b.max() if b.max() > 0 else 0 * b))
    table = pd.DataFrame({
        "name": segs.get("name", st.index),
        "chain": segs.get("chain", ""),
        "stage": segs.get("stage", ""),
        "essential": essential,
        "key_technology": segs["key_technology"].astype("boolean").fillna(False).to_numpy(bool)
        if "key_technology" in segs else False,
        "present": present.to_numpy(),
        "map_status": status,
        "firms_local": st["firms_local"], "size_local": st["size_local"],
        "local_share": st["local_share"].fillna(0.0), "lq": lq,
        "bought_local": bought, "bought_outside": bought_out,
        "anchor_bought": dem["v_anchor"], "anchor_bought_outside": a,
        "self_sufficiency": self_suff,
        "needed_by_local": st.index.isin(list(needed)),
        "feeds_local": st.index.isin(list(consumers)),
        "foreign_share": st["foreign_share"].fillna(0.0),
        "hmt_share": st["hmt_share"].fillna(0.0),
        "unknown_share": st["unknown_share"].fillna(0.0), "hhi_firm": st["hhi_firm"],
        "chokepoint_share": cp, "pci": pci, "cog": cog,
        "nearest_hours": nearest,
        # parts
        "gap": np.clip(gap, 0, 1),
        "chokepoint": np.fmax(cp.to_numpy(), np.asarray(structural)).clip(0, 1),
        "density": dens.clip(0, 1),
        "pci_pct": _pct(pci), "cog_pct": _pct(cog),
        "demand": demand.clip(0, 1),
        "distance": (1 - nearest / DISTANCE_HORIZON_H).clip(0, 1).fillna(0.0),
    }, index=st.index)
    names = regions.drop_duplicates("code")
    hit = names.loc[names["code"].astype(str) == region]
    name = str(hit["name"].iloc[0]) if len(hit) else region
    name_en = ""
    if len(hit) and "name_en" in hit and pd.notna(hit["name_en"].iloc[0]):
        name_en = str(hit["name_en"].iloc[0]).strip()
    return RegionParts(region, name, local, table, hours, g, notes, region_name_en=name_en)
