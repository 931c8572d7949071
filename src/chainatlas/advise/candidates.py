"""Candidate firms to attract or source from, for the segments a region should act on.

A candidate is a firm outside the region with a row in ``firm_segments`` for the segment. Its
score in [0, 1] is

.. math::

    0.4\\,\\text{size}_f + 0.3\\,\\text{near}_f + 0.2\\,\\text{tags}_f + 0.1\\,\\text{ties}_f

with ``size`` the firm's percentile by output value (capacity when output is missing) within the
segment, ``near`` :math:`= \\max(0, 1 - h_f/8)` (0 abroad), ``tags`` 1 for 链主 or 上市, 0.5 for
专精特新 or 高新, else 0, and ``ties`` 1 when the firm already supplies firms in the region.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainatlas._codes import code_label
from chainatlas._format import money
from chainatlas.cluster.panel import table_of
from chainatlas.model.dataset import Dataset
from chainatlas.network.graph import FirmGraph

__all__ = ["STRONG_TAGS", "candidate_firms"]

STRONG_TAGS = ("链主", "上市")
GOOD_TAGS = ("专精特新", "高新")
_HORIZON_H = 8.0


def _tags(v: object) -> list[str]:
    if isinstance(v, (list, tuple, np.ndarray)):
        return [str(t) for t in v]
    if isinstance(v, str) and v:
        return [t for t in v.split(";") if t]
    return []


def candidate_firms(ds: Dataset, segments: list[str], local: set[str], hours: pd.Series, *,
                    per_segment: int = 5,
                    graph: FirmGraph | None = None) -> dict[str, list[dict[str, object]]]:
    """Up to ``per_segment`` ranked candidates for each of ``segments``.

    ``local`` holds the region codes that count as local, ``hours`` the travel hours from the
    region by code; ``graph`` (the dataset's :class:`FirmGraph`) speeds up the existing-ties look-up.

    Returns
    -------
    dict
        segment → list of ``{firm, name, region, region_name, hours_away, capacity,
        output_value, tags, foreign, supplies_region, score, why}``.
    """
    if not segments:
        return {}
    fs = table_of(ds, "firm_segments")
    seg_col = fs["segment"].astype(str)
    keep = seg_col.isin(segments).to_numpy()
    fs = fs.loc[keep, ["firm", "segment", "capacity", "output_value"]].astype(
        {"firm": str, "segment": str})
    firms = table_of(ds, "firms")
    f = pd.DataFrame({"firm": firms["id"].astype(str).to_numpy(),
                      "name": firms["name"].astype(str).to_numpy(),
                      "region": firms["region"].astype(str).to_numpy(),
                      "country": firms["country"].astype("string").fillna("CHN").astype(str)
                      .to_numpy(),
                      "tags": firms["tags"].to_numpy()})
    df = fs.merge(f, on="firm", how="inner")
    df = df[~df["region"].isin(local)]
    if df.empty:
        return {s: [] for s in segments}
    # existing ties: supply links from the candidate to firms in the region
    if graph is not None:
        into = np.isin(graph.firm_region.astype(str), list(local))[graph.dst]
        into &= graph.edge_segment >= 0
        ties = (pd.DataFrame({"firm": graph.firm_ids[graph.src[into]].astype(str),
                              "segment": graph.segment_ids[graph.edge_segment[into]].astype(str),
                              "v": np.nan_to_num(graph.value[into])})
                .groupby(["firm", "segment"])["v"].sum())
    else:
        lk = table_of(ds, "supply_links")
        reg_of = pd.Series(f["region"].to_numpy(), index=f["firm"].to_numpy())
        cus_local = reg_of.reindex(lk["customer"].astype(str).to_numpy()).isin(local).to_numpy()
        ties = (pd.DataFrame({"firm": lk["supplier"].astype(str).to_numpy()[cus_local],
                              "segment": lk["segment"].astype(str).to_numpy()[cus_local],
                              "v": lk["value"].astype(float).fillna(0.0).to_numpy()[cus_local]})
                .groupby(["firm", "segment"])["v"].sum())
    df = df.merge(ties.rename("supplies_region").reset_index(), on=["firm", "segment"],
                  how="left")
    df["supplies_region"] = df["supplies_region"].fillna(0.0)
    df["hours_away"] = df["region"].map(hours).astype(float)
    size = df["output_value"].astype(float).fillna(df["capacity"].astype(float)).fillna(0.0)
    df["size_pct"] = size.groupby(df["segment"]).rank(pct=True, method="average")
    tag_lists = df["tags"].map(_tags)
    df["tag_score"] = tag_lists.map(lambda t: 1.0 if any(x in t for x in STRONG_TAGS)
                                    else 0.5 if any(x in t for x in GOOD_TAGS) else 0.0)
    near = (1 - df["hours_away"] / _HORIZON_H).clip(0, 1).fillna(0.0)
    df["score"] = (0.4 * df["size_pct"] + 0.3 * near + 0.2 * df["tag_score"]
                   + 0.1 * (df["supplies_region"] > 0))
    df = df.sort_values(["segment", "score", "firm"], ascending=[True, False, True])
    df = df.groupby("segment", sort=False).head(per_segment)
    names = table_of(ds, "regions").drop_duplicates("code")
    region_name = pd.Series(names["name"].astype(str).to_numpy(),
                            index=names["code"].astype(str).to_numpy())
    out: dict[str, list[dict[str, object]]] = {s: [] for s in segments}
    for row in df.itertuples(index=False):
        tags = _tags(row.tags)
        why, why_en = [], []
        if np.isfinite(row.hours_away):
            why.append(f"距本地约{row.hours_away:.1f}小时")
            why_en.append(f"about {row.hours_away:.1f} hours away")
        else:
            foreign = row.country != "CHN"
            why.append("境外企业" if foreign else "距离未知")
            why_en.append("abroad" if foreign else "distance unknown")
        if pd.notna(row.capacity):
            why.append(f"产能{row.capacity:,.0f}单位/天")
            why_en.append(f"capacity {row.capacity:,.0f} units a day")
        if pd.notna(row.output_value):
            why.append(f"该环节产值{row.output_value:,.0f}万元")
            why_en.append(f"output in the segment {money(row.output_value, 'en')}")
        if tags:
            why.append("标签：" + "、".join(tags))
            why_en.append("tags: " + ", ".join(code_label("tag", x, "en") for x in tags))
        if row.supplies_region > 0:
            why.append(f"已向本地企业供货{row.supplies_region:,.0f}万元")
            why_en.append(f"already supplies local firms {money(row.supplies_region, 'en')}")
        out[row.segment].append({
            "firm": row.firm, "name": row.name, "region": row.region,
            "region_name": region_name.get(row.region, row.region),
            "hours_away": float(row.hours_away) if np.isfinite(row.hours_away) else None,
            "capacity": float(row.capacity) if pd.notna(row.capacity) else None,
            "output_value": float(row.output_value) if pd.notna(row.output_value) else None,
            "tags": tags, "foreign": row.country != "CHN",
            "supplies_region": float(row.supplies_region), "score": round(float(row.score), 4),
            "why": "；".join(why), "why_en": "; ".join(why_en),
        })
    return out
