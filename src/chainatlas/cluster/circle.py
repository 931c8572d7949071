"""N-hour industrial circles: how much of a chain lies within H hours of a site.

Two measures, both by value and by segment:

- **supply base** — for every segment of the chain, the share of its output value (or capacity,
  or firm count) produced within H hours of the site:
  :math:`\\text{share}_s = \\sum_{f \\in s,\\, t(site, f) \\le H} v_f / \\sum_{f \\in s} v_f`;
  the chain-wide share weights segments by value. This is the "4-hour industrial circle" of the
  Yangtze River Delta made measurable (a segment is *covered* when any producer is within H).
- **current sourcing** — of the supply links bought by firms located at the site, the share of
  value whose supplier lies within H hours.

Travel times come from :mod:`chainatlas.cluster.travel` (great-circle × detour ÷ speed, or a
given matrix); foreign producers and regions without coordinates count as outside the circle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.cluster.panel import ValueKind, firm_segment_values, table_of
from chainatlas.cluster.travel import TravelMode, resolve_mode, travel_times_from
from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset

__all__ = ["CircleResult", "input_circle"]


@dataclass
class CircleResult:
    """Result of :func:`input_circle`.

    Attributes
    ----------
    regions : DataFrame
        ``code, name, hours, within`` for the site and every region hosting firms, nearest first.
    segments : DataFrame
        Per segment: ``value_total, value_within, share_within, firms_within, nearest_region,
        nearest_hours`` and, for the site's own purchases, ``bought, bought_within_share``.
    share_within : float
        Value-weighted share of the chain's output produced within the circle.
    sourcing : dict
        ``value, value_within, share_within, links`` of the site firms' purchases.
    """

    site: str
    site_name: str
    hours: float
    mode: str
    value: str
    regions: pd.DataFrame
    segments: pd.DataFrame
    share_within: float
    segments_covered: int
    segments_total: int
    sourcing: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site, "site_name": self.site_name, "hours": self.hours,
            "mode": self.mode, "value": self.value, "share_within": self.share_within,
            "segments_covered": self.segments_covered, "segments_total": self.segments_total,
            "sourcing": self.sourcing,
            "regions_within": self.regions[self.regions["within"]].to_dict(orient="records"),
            "segments": self.segments.to_dict(orient="records"), "notes": self.notes,
        }


def input_circle(ds: Dataset, site: str, hours: float = 4.0, *,
                 mode: str | TravelMode = "road", times: pd.DataFrame | None = None,
                 chain: str | None = None, value: ValueKind = "output_value") -> CircleResult:
    """Share of a chain's production and of the site's purchases within ``hours`` of ``site``.

    Parameters
    ----------
    ds : Dataset
        Needs ``regions`` (with ``lon, lat`` unless ``times`` is given), ``firms``,
        ``firm_segments``; ``supply_links`` for the sourcing measure.
    site : str
        Region code of the site (e.g. ``"310000"`` for Shanghai).
    hours : float
        Radius of the circle in hours (> 0).
    mode : str or TravelMode
        ``road`` (default) or ``rail``; see :mod:`chainatlas.cluster.travel`.
    times : DataFrame, optional
        Given travel times (square or ``origin, destination, hours``) overriding the computed ones.
    chain : str, optional
        Restrict to one chain's segments.
    value : {"output_value", "capacity", "firms", "employees"}
        What is counted; falls back to firm counts when every value is missing.
    """
    if not hours > 0:
        raise InputError(f"hours must be > 0, got {hours}")
    site = str(site)
    regions = table_of(ds, "regions")
    t = travel_times_from(regions, site, mode, times=times)
    m = resolve_mode(mode)
    notes: list[str] = []
    fv = firm_segment_values(ds, value, chain=chain)
    if not (fv["value"] > 0).any():
        if value != "firms" and len(fv):
            notes.append(f"no {value} recorded; firms are counted instead")
            fv = firm_segment_values(ds, "firms", chain=chain)
            value = "firms"
        else:
            raise InputError(f"dataset {ds.name!r} has no firms with segments")
    fv["hours"] = fv["region"].map(t).astype(float)
    fv["within"] = fv["hours"] <= hours  # NaN (foreign, unknown) compares False
    unknown = fv.loc[fv["hours"].isna() & (fv["country"] == "CHN"), "region"].unique()
    if len(unknown):
        notes.append(f"{len(unknown)} domestic region(s) without coordinates or times count as "
                     f"outside: {', '.join(map(str, unknown[:5]))}")
    names = regions.drop_duplicates("code").set_index(regions["code"].drop_duplicates().astype(str))
    name_of = names["name"].astype(str) if "name" in names else pd.Series(dtype=str)

    fv["v_within"] = fv["value"].where(fv["within"], 0.0)
    g = fv.groupby("segment", sort=False)
    seg = pd.DataFrame({
        "value_total": g["value"].sum(),
        "value_within": g["v_within"].sum(),
        "firms_within": g["within"].sum().astype(int),
    })
    seg["share_within"] = np.where(seg["value_total"] > 0,
                                   seg["value_within"] / seg["value_total"].where(
                                       seg["value_total"] > 0, 1.0), 0.0)
    near = fv.dropna(subset=["hours"]).sort_values("hours").drop_duplicates("segment")
    seg["nearest_region"] = near.set_index("segment")["region"].reindex(seg.index)
    seg["nearest_hours"] = near.set_index("segment")["hours"].reindex(seg.index)

    # the site's own purchases
    links = table_of(ds, "supply_links")
    firms = table_of(ds, "firms")[["id", "region"]].astype({"id": str, "region": str})
    region_of = pd.Series(firms["region"].to_numpy(), index=firms["id"].to_numpy())
    lk = pd.DataFrame({"supplier": links["supplier"].astype(str).to_numpy(),
                       "customer": links["customer"].astype(str).to_numpy(),
                       "segment": links["segment"].astype(str).to_numpy(),
                       "value": links["value"].astype(float).fillna(0.0).to_numpy()})
    lk = lk[lk["customer"].map(region_of) == site]
    if chain is not None:
        lk = lk[lk["segment"].isin(seg.index)]
    lk_h = lk["supplier"].map(region_of).map(t).astype(float)
    lk_in = (lk_h <= hours).to_numpy()
    bought = lk.groupby("segment")["value"].sum()
    bought_in = lk[lk_in].groupby("segment")["value"].sum()
    seg["bought"] = bought.reindex(seg.index).fillna(0.0)
    seg["bought_within_share"] = (bought_in.reindex(seg.index).fillna(0.0)
                                  / seg["bought"].where(seg["bought"] > 0))
    total_bought = float(lk["value"].sum())
    sourcing = {"links": int(len(lk)), "value": total_bought,
                "value_within": float(lk.loc[lk_in, "value"].sum()),
                "share_within": float(lk.loc[lk_in, "value"].sum() / total_bought)
                if total_bought > 0 else None}
    if not len(lk):
        notes.append("no supply links into firms at the site; sourcing share not available")

    segs = table_of(ds, "segments").astype({"id": str}).drop_duplicates("id").set_index("id")
    seg.insert(0, "name", segs["name"].reindex(seg.index) if "name" in segs else None)
    seg.insert(1, "stage", segs["stage"].reindex(seg.index) if "stage" in segs else None)
    seg = seg.reset_index(names="segment")
    stage_order = {"upstream": 0, "midstream": 1, "downstream": 2}
    seg = (seg.assign(_o=seg["stage"].map(stage_order).fillna(3))
           .sort_values(["_o", "segment"]).drop(columns="_o").reset_index(drop=True))
    reg = pd.DataFrame({"code": t.index.astype(str), "hours": t.to_numpy()}).dropna()
    hosts = set(firms["region"]) | {site}
    reg = reg[reg["code"].isin(hosts)]  # places with firms (not their parent provinces)
    reg["name"] = reg["code"].map(name_of)
    reg["within"] = reg["hours"] <= hours
    reg = reg[["code", "name", "hours", "within"]].sort_values("hours").reset_index(drop=True)
    total = float(seg["value_total"].sum())
    return CircleResult(
        site=site, site_name=str(name_of.get(site, site)), hours=float(hours), mode=m.name,
        value=value, regions=reg, segments=seg,
        share_within=float(seg["value_within"].sum() / total) if total > 0 else 0.0,
        segments_covered=int((seg["firms_within"] > 0).sum()), segments_total=int(len(seg)),
        sourcing=sourcing, notes=notes)
