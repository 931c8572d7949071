"""Chain use cases: chain map, throughput and takt, chokepoints, supplier tiers, Willems import.

Each function loads the dataset from the store (:func:`chainatlas.services.datasets.
load_dataset`) and calls :mod:`chainatlas.network`; the ``*_of`` variants take an in-memory
:class:`~chainatlas.model.dataset.Dataset` (demo, notebooks, the API).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import ChainAtlasError, InputError
from chainatlas.model.dataset import Dataset
from chainatlas.network.area import region_mask, within_hours_mask
from chainatlas.network.chain_map import ChainMap, chain_map
from chainatlas.network.chokepoints import ChokepointResult, find_chokepoints
from chainatlas.network.graph import FirmGraph
from chainatlas.network.throughput import ThroughputResult, chain_throughput
from chainatlas.network.tiers import supplier_tiers
from chainatlas.readers.willems import UNKNOWN_REGION, read_willems
from chainatlas.services.datasets import DbArg, ImportReport, import_frames, load_dataset
from chainatlas.services.needs import require_tables

__all__ = [
    "MAP_COLUMNS",
    "area_of",
    "chain_map_of",
    "chokepoints_of",
    "demo_section",
    "import_willems",
    "map_chain",
    "parse_mix",
    "throughput",
    "throughput_of",
    "tiers",
    "tiers_of",
    "top_chokepoints",
]

#: Columns of the chain map shown as a table (all columns go to JSON).
MAP_COLUMNS = ["segment", "name", "stage", "firms", "firms_local", "local_share", "lq",
               "hhi_firm", "hhi_region", "foreign_share", "hmt_share", "anchor_by_output",
               "anchor_by_customers", "tags", "status", "health"]


def area_of(ds: Dataset, graph: FirmGraph, *, region: str | None = None,
            within_hours: float | None = None, of: str | None = None,
            detour: float = 1.2, speed_kmh: float = 90.0) -> tuple[np.ndarray | None, str]:
    """Area mask over the graph's firms and its label from the command-line choices."""
    from chainatlas.services.places import dataset_region

    if region and within_hours is not None:
        raise InputError("give either --region or --within-hours/--of, not both")
    region = dataset_region(ds, region)
    if of:
        of = dataset_region(ds, of)
    if region:
        return region_mask(graph.firm_region, region), f"region {region}"
    if within_hours is not None or of:
        if within_hours is None or not of:
            raise InputError("--within-hours needs --of CODE (and --of needs --within-hours)")
        mask = within_hours_mask(graph.firm_region, ds.regions, of, within_hours,
                                 detour=detour, speed_kmh=speed_kmh)
        return mask, f"within {within_hours:g} h of {of}"
    return None, "domestic"


def chain_map_of(ds: Dataset, *, region: str | None = None, within_hours: float | None = None,
                 of: str | None = None, chain: str | None = None, detour: float = 1.2,
                 speed_kmh: float = 90.0, hmt: str = "separate") -> ChainMap:
    """Chain map of an in-memory dataset for an area (default: the mainland firms; ``hmt``
    says whether 港澳台 is shown apart, counted as foreign or as domestic)."""
    from chainatlas.places import HMT_MODES

    if hmt not in HMT_MODES:
        raise InputError(f"--hmt must be one of {', '.join(HMT_MODES)}, not {hmt!r}")
    require_tables(ds, "chain map")
    g = FirmGraph.from_dataset(ds)
    mask, label = area_of(ds, g, region=region, within_hours=within_hours, of=of,
                          detour=detour, speed_kmh=speed_kmh)
    return chain_map(ds, graph=g, area=mask, area_label=label, chain=chain, hmt=hmt)


def map_chain(db: DbArg, dataset: str, **kwargs: Any) -> ChainMap:
    """Chain map of a stored dataset (keywords as :func:`chain_map_of`)."""
    return chain_map_of(load_dataset(db, dataset), **kwargs)


def throughput_of(ds: Dataset, *, segment: str | None = None, region: str | None = None,
                  within_hours: float | None = None, of: str | None = None,
                  import_outside: bool = False, assume_unlinked: bool = True,
                  hours_per_day: float = 24.0, detour: float = 1.2,
                  speed_kmh: float = 90.0,
                  mix: str | dict[str, float] | None = None) -> ThroughputResult:
    """Throughput and takt of an in-memory dataset, for the whole network or an area: one
    ``segment``, a ``mix`` of one's own (``"seg=w,seg=w"`` or a dict) or, by default, the
    chain's final-demand product mix."""
    require_tables(ds, "chain throughput")
    g = FirmGraph.from_dataset(ds)
    mask, label = area_of(ds, g, region=region, within_hours=within_hours, of=of,
                          detour=detour, speed_kmh=speed_kmh)
    weights = parse_mix(mix) if isinstance(mix, str) else mix
    res = chain_throughput(ds, segment, graph=g, area=mask, import_outside=import_outside,
                           assume_unlinked=assume_unlinked, hours_per_day=hours_per_day,
                           weights=weights or None)
    if mask is not None:
        res.notes.insert(0, f"area: {label}")
    return res


def parse_mix(text: str) -> dict[str, float]:
    """``"car=3,bus=1"`` → ``{"car": 3.0, "bus": 1.0}`` (clear error on a bad item)."""
    out: dict[str, float] = {}
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        sid, sep, val = item.rpartition("=")
        try:
            w = float(val)
        except ValueError:
            w = float("nan")
        if not sep or not sid.strip() or not w >= 0:
            raise InputError(f"--mix item {item!r}: expected SEGMENT=WEIGHT with a weight ≥ 0")
        out[sid.strip()] = out.get(sid.strip(), 0.0) + w
    if not out:
        raise InputError("--mix is empty: expected SEGMENT=WEIGHT,SEGMENT=WEIGHT")
    return out


def throughput(db: DbArg, dataset: str, **kwargs: Any) -> ThroughputResult:
    """Throughput of a stored dataset (keywords as :func:`throughput_of`)."""
    return throughput_of(load_dataset(db, dataset), **kwargs)


def chokepoints_of(ds: Dataset, target: str | None = None, **kwargs: Any) -> ChokepointResult:
    """Ranked chokepoints of an in-memory dataset (keywords as
    :func:`~chainatlas.network.chokepoints.find_chokepoints`)."""
    require_tables(ds, "chain chokepoints")
    return find_chokepoints(ds, target, **kwargs)


def top_chokepoints(db: DbArg, dataset: str, target: str | None = None,
                    **kwargs: Any) -> ChokepointResult:
    """Ranked chokepoints of a stored dataset."""
    return chokepoints_of(load_dataset(db, dataset), target, **kwargs)


def tiers_of(ds: Dataset, firm: str, depth: int = 3) -> pd.DataFrame:
    """Tier-1..``depth`` suppliers of ``firm`` with names, regions and segments."""
    require_tables(ds, "chain tiers")
    g = FirmGraph.from_dataset(ds)
    table = supplier_tiers(g, g.index_of(firm), depth)
    names = dict(zip(ds.firms["id"].astype(str), ds.firms["name"].astype(str), strict=True))
    table.insert(2, "name", table["firm"].map(names).fillna(""))
    if len(ds.regions):
        regions = dict(zip(ds.regions["code"].astype(str), ds.regions["name"].astype(str),
                           strict=True))
        at = list(table.columns).index("region") + 1
        table.insert(at, "region_name", table["region"].map(regions).fillna(""))
    return table


def tiers(db: DbArg, dataset: str, firm: str, depth: int = 3) -> pd.DataFrame:
    """Tier-1..``depth`` suppliers of ``firm`` in a stored dataset."""
    return tiers_of(load_dataset(db, dataset), firm, depth)


def import_willems(db: DbArg, dataset: str, path: PathArg, *, mode: str = "append",
                   chain: str | None = None, prefix: str = "",
                   encoding: str | None = None) -> ImportReport:
    """Read a Willems (2008) chain file and import it into ``dataset`` (validated, one
    transaction). Stage ids become firm and segment ids, optionally prefixed."""
    if mode not in ("append", "replace"):
        raise InputError(f"mode must be 'append' or 'replace', got {mode!r}")
    frames = read_willems(path, chain=chain, prefix=prefix, encoding=encoding)
    if mode == "append":
        # the unknown region row may already be there from an earlier chain
        existing = _existing_regions(db, dataset)
        if UNKNOWN_REGION in existing:
            frames = {k: v for k, v in frames.items() if k != "regions"}
    return import_frames(db, dataset, frames, mode, source=str(path))  # type: ignore[arg-type]


def _existing_regions(db: DbArg, dataset: str) -> set[str]:
    from chainatlas.exceptions import DataNotFound

    try:
        ds = load_dataset(db, dataset)
    except DataNotFound:
        return set()
    return set(ds.regions["code"].astype(str))


def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """Chain map summary, throughput/takt and the top 10 chokepoints (for ``chainatlas demo``)."""
    g = FirmGraph.from_dataset(ds)
    out: list[tuple[str, pd.DataFrame]] = []
    seeds = [("310000", "上海 Shanghai"), ("340881", "桐城 Tongcheng"), ("320100", "南京 Nanjing"),
             ("330784", "永康 Yongkang")]
    codes = set(ds.regions["code"].astype(str)) if len(ds.regions) else set()
    rows = []
    for code, label in seeds:
        if code not in codes:
            continue
        cm = chain_map(ds, graph=g, area=region_mask(g.firm_region, code), area_label=label)
        seg = cm.segments
        strong = seg[seg["status"] == "strong"].sort_values("local_share", ascending=False)
        rows.append({"地区 area": label, "强环节 strong segments": len(strong),
                     "示例 examples": "、".join(strong["name"].astype(str).head(5)),
                     "健康度 health": round(float(cm.health["health"].iloc[0]), 1)})
    if rows:
        out.append(("产业链图谱 · 四城角色 chain map: the seed's four places", pd.DataFrame(rows)))
    full = chain_map(ds, graph=g)
    gaps = full.segments[full.segments["status"].isin(["weak", "missing", "missing_adjacent"])]
    out.append(("国内薄弱/缺失环节 weak or missing domestic segments",
                gaps[["segment", "name", "status", "local_share", "foreign_share"]]
                .reset_index(drop=True)))
    try:
        tp = chain_throughput(ds, graph=g)
        out.append(("产能节拍 throughput and takt", pd.DataFrame([{
            "segment": tp.segment, "units/day (network LP)": round(tp.units_per_day, 1),
            "units/day (segment bound)": round(tp.segment_bound, 1),
            "takt s/unit": round(tp.takt_seconds, 2) if tp.takt_seconds is not None else None,
            "bottleneck": ", ".join(tp.segments[tp.segments["shadow_price"] > 0]["segment"]
                                    .head(3)) or tp.segments["segment"].iloc[0],
        }])))
    except ChainAtlasError as err:  # the demo keeps going without throughput
        out.append(("产能节拍 throughput and takt", pd.DataFrame([{"error": str(err)}])))
    cp = find_chokepoints(ds, graph=g, limit=10)
    out.append(("卡脖子 top 10 chokepoints", cp.table[["rank", "type", "name", "share",
                                                       "reason_zh"]]))
    return out
