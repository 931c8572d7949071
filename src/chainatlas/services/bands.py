"""Analyses of a reconstructed dataset with bands: one run per ensemble member, then the median,
the 90 % band and P(in top-k) over members (:mod:`chainatlas.reconstruct.bands`).

A reconstructed dataset holds, in ``supply_links.member``, the observed links (0) and each
member's links (1..N). Each analysis here runs on every member's network (observed links plus
that member's) and summarises; the result says that links are reconstructed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.reconstruct.bands import band_table, scalar_bands
from chainatlas.services.datasets import DbArg, load_dataset

__all__ = ["BandResult", "RECONSTRUCTED_NOTE", "aggregate_node_ids", "chain_health_bands",
           "chain_health_bands_of", "reconstructed_members", "without_aggregates",
           "chokepoint_bands", "chokepoint_bands_of", "esri_bands", "esri_bands_of",
           "stress_bands", "stress_bands_of"]

RECONSTRUCTED_NOTE = {
    "zh": "供应关系为重构结果（非实测）：数值为各重构网络的中位数及90%区间。",
    "en": "Supply links are reconstructed, not observed: figures are the median and the 90 % "
          "band over the reconstructed networks.",
}


@dataclass
class BandResult:
    """An analysis over an ensemble: ``table`` per item, ``scalars`` per headline metric."""

    analysis: str
    members: int
    table: pd.DataFrame
    scalars: pd.DataFrame
    top_k: int
    notes: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"analysis": self.analysis, "members": self.members, "top_k": self.top_k,
                "reconstructed": True, "note": RECONSTRUCTED_NOTE, "notes": list(self.notes),
                "scalars": self.scalars.to_dict(orient="records"),
                "items": self.table.to_dict(orient="records"), "meta": self.meta}


def aggregate_node_ids(ds: Dataset) -> set[str]:
    """Ids of the rest-of-country and import nodes a reconstruction added."""
    ids = ds.firms["id"].astype(str)
    return set(ids[ids.str.startswith(("ROC-", "IMP-"))])


def without_aggregates(ds: Dataset) -> Dataset:
    """The dataset without the rest-of-country and import nodes and their links.

    The chain map and the chokepoints are about the dataset's own firms: an aggregate node would
    count as a firm of its segment (and a domestic one for the rest of the country), hiding a
    segment that has no firm of its own.
    """
    agg = aggregate_node_ids(ds)
    if not agg:
        return ds
    tables = dict(ds.tables)
    tables["firms"] = ds.firms[~ds.firms["id"].astype(str).isin(agg)].reset_index(drop=True)
    fs = ds.firm_segments
    tables["firm_segments"] = fs[~fs["firm"].astype(str).isin(agg)].reset_index(drop=True)
    lk = ds.supply_links
    keep = ~(lk["supplier"].astype(str).isin(agg) | lk["customer"].astype(str).isin(agg))
    tables["supply_links"] = lk[keep].reset_index(drop=True)
    return Dataset(ds.name, tables, dict(ds.meta))


def _members(ds: Dataset, limit: int | None) -> list[int]:
    members = ds.members()
    if not members:
        raise InputError(f"dataset '{ds.name}' has no reconstructed links (chainatlas "
                         "reconstruct writes one)")
    return members[:limit] if limit else members


def chokepoint_bands_of(ds: Dataset, target: str | None = None, *, top_k: int = 10,
                        max_members: int | None = None, **kwargs: Any) -> BandResult:
    """Chokepoints per member; per candidate the band of its dependent share, P(chokepoint)
    and P(in top-k), on the dataset's own firms (:func:`without_aggregates`)."""
    from chainatlas.services.chain import chokepoints_of

    members = _members(ds, max_members)
    runs, lost = [], []
    for m in members:
        res = chokepoints_of(without_aggregates(ds.member_view(m)), target, **kwargs)
        t = res.table
        runs.append(t.assign(key=t["kind"].astype(str) + ":" + t["id"].astype(str)))
        lost.append(float(t["share"].max()) if len(t) else 0.0)
    table = band_table(runs, "key", "share", top_k=top_k,
                       keep=("kind", "id", "name", "type", "segment", "region"))
    table = table.drop(columns="key").rename(columns={"median": "share_median",
                                                      "p5": "share_p5", "p95": "share_p95",
                                                      "p_listed": "p_chokepoint"})
    cols = ["kind", "id", "name", "type", "segment", "region", "share_median", "share_p5",
            "share_p95", "p_chokepoint", "p_top_k", "members"]
    table = table[[c for c in cols if c in table]]
    scalars = scalar_bands({"chokepoints": [len(r) for r in runs], "worst_share": lost})
    return BandResult("chokepoints", len(members), table, scalars, top_k,
                      [RECONSTRUCTED_NOTE["en"]], {"target": target})


def chokepoint_bands(db: DbArg, dataset: str, target: str | None = None,
                     **kwargs: Any) -> BandResult:
    """:func:`chokepoint_bands_of` on a stored reconstructed dataset."""
    return chokepoint_bands_of(load_dataset(db, dataset, ensemble=True), target, **kwargs)


def stress_bands_of(ds: Dataset, scenario: Any, *, top_k: int = 10,
                    max_members: int | None = None) -> BandResult:
    """A stress scenario on every member: bands of the headline numbers, and per firm the band
    of its cumulative output loss and P(in the top-k losers)."""
    from chainatlas.services.stress import _scenario, run_scenario_of

    sc = _scenario(scenario)
    members = _members(ds, max_members)
    agg = aggregate_node_ids(ds)
    heads: dict[str, list[float]] = {}
    runs = []
    names = dict(zip(ds.firms["id"].astype(str), ds.firms["name"].astype(str), strict=True))
    for m in members:
        res = run_scenario_of(ds.member_view(m), sc)
        s = res.summary()
        for key in ("total_output_loss", "total_output_loss_days", "value_added_loss",
                    "min_output_ratio", "recovery_day", "final_demand_unmet",
                    "max_firms_below_half"):
            v = s.get(key)
            heads.setdefault(key, []).append(np.nan if v is None else float(v))
        fl = res.firm_loss[~res.firm_loss.index.astype(str).isin(agg)]
        runs.append(pd.DataFrame({"firm": fl.index.astype(str), "loss": fl.to_numpy(float)}))
    table = band_table(runs, "firm", "loss", top_k=top_k)
    table.insert(1, "name", table["firm"].map(names).fillna(""))
    table = table.rename(columns={"median": "loss_median", "p5": "loss_p5", "p95": "loss_p95"})
    table = table.drop(columns="p_listed")
    return BandResult("stress", len(members), table, scalar_bands(heads), top_k,
                      [RECONSTRUCTED_NOTE["en"]], {"scenario": sc.name})


def stress_bands(db: DbArg, dataset: str, scenario: Any, **kwargs: Any) -> BandResult:
    """:func:`stress_bands_of` on a stored reconstructed dataset."""
    from chainatlas.services.stress import _scenario

    sc = _scenario(scenario)  # validate the file before touching the store
    return stress_bands_of(load_dataset(db, dataset, ensemble=True), sc, **kwargs)


def chain_health_bands_of(ds: Dataset, *, max_members: int | None = None,
                          **kwargs: Any) -> BandResult:
    """The chain map per member: bands of the health scores, and per segment the anchor firm by
    customers with the share of members naming it (the rest of the map does not use links)."""
    from chainatlas.services.chain import chain_map_of

    members = _members(ds, max_members)
    heads: dict[str, list[float]] = {}
    anchors: list[pd.DataFrame] = []
    for m in members:
        res = chain_map_of(without_aggregates(ds.member_view(m)), **kwargs)
        for col in res.health.columns:
            if pd.api.types.is_numeric_dtype(res.health[col]):
                heads.setdefault(str(col), []).append(float(res.health[col].iloc[0]))
        anchors.append(res.segments[["segment", "name", "anchor_by_customers"]])
    allf = pd.concat(anchors, ignore_index=True)
    counts = allf.groupby(["segment", "anchor_by_customers"], dropna=False).size()
    best = counts.reset_index(name="n").sort_values(["segment", "n"], ascending=[True, False])
    best = best.drop_duplicates("segment")
    table = allf.drop_duplicates("segment")[["segment", "name"]].merge(best, on="segment")
    table["p_anchor"] = table.pop("n") / len(members)
    return BandResult("chain_map", len(members), table.reset_index(drop=True),
                      scalar_bands(heads), 1, [RECONSTRUCTED_NOTE["en"]])


def reconstructed_members(db: DbArg, dataset: str) -> list[int]:
    """Members of a stored dataset's reconstruction (empty for an observed network)."""
    from chainatlas.services.datasets import _store
    from chainatlas.store import validate_dataset_name

    validate_dataset_name(dataset)
    with _store(db, read_only=True) as store:
        m = store.read_table(dataset, "supply_links", ["member"])["member"]
    v = pd.to_numeric(m, errors="coerce").dropna()
    return sorted(int(x) for x in v.unique() if x > 0)


def chain_health_bands(db: DbArg, dataset: str, **kwargs: Any) -> BandResult:
    """:func:`chain_health_bands_of` on a stored reconstructed dataset."""
    return chain_health_bands_of(load_dataset(db, dataset, ensemble=True), **kwargs)


def esri_bands_of(ds: Dataset, *, top_k: int = 10, epsilon: float = 0.01,
                  substitution: bool = True, max_members: int | None = None,
                  threads: int | None = None) -> BandResult:
    """Every firm's ESRI (Diem et al. 2022) on every member: per firm the band of its ESRI and
    P(in the top-k); the headline band is the largest ESRI. Aggregate nodes stay in the network
    (they carry the trade with the rest of the country) but are not ranked."""
    from chainatlas.services.risk import risk_input_of, run_esri

    members = _members(ds, max_members)
    agg = aggregate_node_ids(ds)
    names = dict(zip(ds.firms["id"].astype(str), ds.firms["name"].astype(str), strict=True))
    runs, worst = [], []
    for m in members:
        out = run_esri(risk_input_of(ds.member_view(m)), epsilon=epsilon,
                       substitution=substitution, reasons=0, threads=threads)
        rows = pd.DataFrame(out["results"])
        rows = rows[~rows["firm"].astype(str).isin(agg)]
        runs.append(rows[["firm", "esri"]])
        worst.append(float(rows["esri"].max()) if len(rows) else 0.0)
    table = band_table(runs, "firm", "esri", top_k=top_k).drop(columns="p_listed")
    table.insert(1, "name", table["firm"].map(names).fillna(""))
    table = table.rename(columns={"median": "esri_median", "p5": "esri_p5", "p95": "esri_p95"})
    return BandResult("esri", len(members), table, scalar_bands({"max_esri": worst}), top_k,
                      [RECONSTRUCTED_NOTE["en"]], {"epsilon": epsilon,
                                                   "substitution": substitution})


def esri_bands(db: DbArg, dataset: str, **kwargs: Any) -> BandResult:
    """:func:`esri_bands_of` on a stored reconstructed dataset."""
    return esri_bands_of(load_dataset(db, dataset, ensemble=True), **kwargs)
