"""Cluster scorecards from an indicator panel: each cluster's size, share of GDP, size classes.

Indicators follow the naming ``cluster_<quantity>__<cluster key>`` (e.g. ``cluster_va__auto`` for
an automobile cluster's value added and ``cluster_revenue__auto`` for its revenue), next to a GDP
indicator (``gdp``) of the same region and year. With value added :math:`VA_k` and revenue
:math:`R_k` of cluster ``k``:

.. math::

    \\text{share of GDP} = \\sum_k VA_k / GDP, \\qquad
    n_{\\ge T} = \\#\\{k : R_k \\ge T\\}

(a share of GDP must use value added — revenue double-counts intermediate inputs; the size class
"trillion-yuan cluster" (万亿级集群) is conventionally measured on revenue, T = 10¹² yuan).
Units are read from ``indicator_defs.unit`` (元, 万元, 亿元, 万亿元).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import DataNotFound, InputError

__all__ = ["ClusterScorecard", "YUAN_PER_UNIT", "cluster_scorecard"]

YUAN_PER_UNIT: dict[str, float] = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "万亿元": 1e12,
                                   "yuan": 1.0, "10k yuan": 1e4, "100m yuan": 1e8}
_PATTERN = re.compile(r"^cluster_(?P<q>[A-Za-z0-9]+)__(?P<key>.+)$")
_SUFFIXES = ("营业收入", "增加值", "产值", "营收", "规模")


@dataclass
class ClusterScorecard:
    """Clusters of one region and year with their size and share of GDP."""

    region: str
    year: int
    gdp: float | None
    unit: str
    clusters: pd.DataFrame
    summary: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "year": self.year, "gdp": self.gdp, "unit": self.unit,
                "summary": self.summary, "clusters": self.clusters.to_dict(orient="records"),
                "notes": self.notes}


def _clean_name(name: str) -> str:
    for s in _SUFFIXES:
        if name.endswith(s):
            return name[: -len(s)]
    return name


def cluster_scorecard(indicators: pd.DataFrame, indicator_defs: pd.DataFrame, region: str, *,
                      year: int | None = None, gdp: str = "gdp", size_quantity: str = "revenue",
                      share_quantity: str = "va", threshold_yuan: float = 1e12) -> ClusterScorecard:
    """Scorecard of the clusters of ``region`` in ``year`` (default: the latest year with clusters).

    Parameters
    ----------
    indicators : DataFrame
        ``region, year, indicator, value``.
    indicator_defs : DataFrame
        ``indicator, name, dimension, subsystem, unit`` (the cluster's group is ``subsystem``).
    region : str
        Region code.
    gdp : str
        GDP indicator.
    size_quantity, share_quantity : str
        Quantities used for the size classes (default revenue) and for the share of GDP (default
        value added, ``va``).
    threshold_yuan : float
        Size class threshold in yuan (default one trillion).

    Raises
    ------
    DataNotFound
        No cluster indicators for the region (and year).
    """
    ind = indicators.copy()
    ind["region"] = ind["region"].astype(str)
    ind = ind[ind["region"] == str(region)]
    m = ind["indicator"].astype(str).str.extract(_PATTERN)
    cl = ind.assign(quantity=m["q"], key=m["key"]).dropna(subset=["key"])
    if cl.empty:
        raise DataNotFound(f"no cluster indicators (cluster_<quantity>__<key>) for region "
                           f"{region!r}")
    if year is None:
        year = int(cl["year"].max())
    cl = cl[cl["year"].astype(int) == int(year)]
    if cl.empty:
        raise DataNotFound(f"no cluster indicators for region {region!r} in {year}")
    defs = indicator_defs.drop_duplicates("indicator").set_index("indicator")
    unit_of = defs["unit"].astype(str) if "unit" in defs else pd.Series(dtype=str)
    factor = cl["indicator"].map(unit_of).map(YUAN_PER_UNIT)
    notes: list[str] = []
    if factor.isna().any():
        bad = sorted(set(cl.loc[factor.isna(), "indicator"].map(unit_of).fillna("?")))
        raise InputError(f"unknown unit(s) {bad} for cluster indicators; expected one of "
                         f"{', '.join(YUAN_PER_UNIT)}")
    cl = cl.assign(yuan=cl["value"].astype(float) * factor)
    wide = cl.pivot_table(index="key", columns="quantity", values="yuan", aggfunc="sum")
    if size_quantity not in wide.columns:
        raise DataNotFound(f"no cluster_{size_quantity}__… indicators for region {region!r}")
    if share_quantity not in wide.columns:
        notes.append(f"no cluster_{share_quantity}__… indicators; the share of GDP uses "
                     f"{size_quantity}, which double-counts intermediate inputs")
        share_quantity = size_quantity
    unit = "亿元"
    scale = YUAN_PER_UNIT[unit]
    first = cl.drop_duplicates("key").set_index("key")["indicator"]
    names = first.map(defs["name"]).astype(str).map(_clean_name) if "name" in defs else first
    g = ind[(ind["indicator"] == gdp) & (ind["year"].astype(int) == int(year))]
    gdp_yuan = None
    if len(g):
        gdp_unit = str(unit_of.get(gdp, "亿元"))
        if gdp_unit not in YUAN_PER_UNIT:
            raise InputError(f"unknown unit {gdp_unit!r} for {gdp}; expected one of "
                             f"{', '.join(YUAN_PER_UNIT)}")
        gdp_yuan = float(g["value"].iloc[0]) * YUAN_PER_UNIT[gdp_unit]
    else:
        notes.append(f"no {gdp} for {region} in {year}; shares of GDP are not available")
    out = pd.DataFrame({
        "cluster": wide.index,
        "name": names.reindex(wide.index).to_numpy(),
        "name_en": first.map(defs["dimension"]).reindex(wide.index).to_numpy()
        if "dimension" in defs else None,
        "group": first.map(defs["subsystem"]).reindex(wide.index).to_numpy()
        if "subsystem" in defs else None,
        size_quantity: (wide[size_quantity] / scale).to_numpy(),
    })
    if share_quantity != size_quantity:
        out[share_quantity] = (wide[share_quantity] / scale).to_numpy()
    out["share_of_gdp"] = (wide[share_quantity].to_numpy() / gdp_yuan) if gdp_yuan else np.nan
    out["above_threshold"] = wide[size_quantity].to_numpy() >= threshold_yuan
    out = out.sort_values(size_quantity, ascending=False).reset_index(drop=True)
    total_share = float(wide[share_quantity].sum() / gdp_yuan) if gdp_yuan else None
    summary = {
        "clusters": int(len(out)),
        f"{share_quantity}_total": float(wide[share_quantity].sum() / scale),
        "share_of_gdp": total_share,
        "threshold": threshold_yuan / scale,
        "above_threshold": int(out["above_threshold"].sum()),
        "size_quantity": size_quantity, "share_quantity": share_quantity,
        "groups": out.groupby("group")["cluster"].count().to_dict()
        if out["group"].notna().any() else {},
    }
    return ClusterScorecard(str(region), int(year), gdp_yuan / scale if gdp_yuan else None, unit,
                            out, summary, notes)
