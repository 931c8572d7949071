"""Reconstruct a dataset's supply links from its firms and the BOM or an IO table.

:func:`reconstruct_dataset` writes a **new** dataset: every table of the source, and
``supply_links`` holding the observed links (``member`` 0, in every network) and, for each
ensemble member *k* = 1..N, its reconstructed links (``member`` *k*, with the model's
``probability``). Rest-of-country (``ROC-<segment>``, region ``CHN``) and import
(``IMP-<segment>``, region ``ROW``) nodes are firms of the new dataset that sell a buyer what its
local suppliers do not. What was assumed is listed in the report and kept in the dataset's meta.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import ChainAtlasError, InputError
from chainatlas.model.dataset import Dataset
from chainatlas.model.iotable import IOTable
from chainatlas.network.area import great_circle_km
from chainatlas.reconstruct import LinkModel, Observed, reconstruct
from chainatlas.reconstruct.build import inputs_from_dataset
from chainatlas.reconstruct.ensemble import Ensemble
from chainatlas.services.datasets import DbArg, _store, import_frames, load_dataset

__all__ = ["ReconstructionReport", "ensemble_frames", "reconstruct_dataset", "reconstruct_of"]

#: Days of delivery: within a region, per 500 km beyond, from the rest of the country, imports.
LEAD_DAYS = {"local": 1.0, "per_500km": 1.0, "roc": 3.0, "import": 30.0}
ROC_REGION, IMPORT_REGION = "CHN", "ROW"
#: Link values below this share of a buyer's purchases are not written (rounding residue).
MIN_SHARE = 1e-9


@dataclass
class ReconstructionReport:
    """What a reconstruction did: sizes, per-member summary, assumptions."""

    source: str
    dataset: str
    mode: str
    members: int
    seed: int
    observed_links: int
    links: dict[str, float]
    member_table: pd.DataFrame
    assumptions: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "dataset": self.dataset, "mode": self.mode,
                "members": self.members, "seed": self.seed,
                "observed_links": self.observed_links, "links": dict(self.links),
                "member_table": self.member_table.to_dict(orient="records"),
                "assumptions": list(self.assumptions), "seconds": round(self.seconds, 3)}


def _observed(ds: Dataset, units: pd.DataFrame) -> tuple[Observed | None, pd.DataFrame]:
    links = ds.supply_links
    if "member" in links:
        links = links[pd.to_numeric(links["member"], errors="coerce").fillna(0) == 0]
    if not len(links):
        return None, links
    fid = pd.Index(ds.firms["id"].astype(str))
    ukey = pd.Index(units["firm"].astype(str) + "\x1f" + units["segment"].astype(str))
    u = ukey.get_indexer(links["supplier"].astype(str) + "\x1f" + links["segment"].astype(str))
    b = fid.get_indexer(links["customer"].astype(str))
    ok = (u >= 0) & (b >= 0)
    v = pd.to_numeric(links["value"], errors="coerce").to_numpy(float)
    return Observed(u[ok].astype(np.int64), b[ok].astype(np.int64), v[ok]), links


def reconstruct_of(ds: Dataset, *, io: IOTable | None = None, members: int = 20, seed: int = 0,
                   mean_degree: float | None = None, import_share: float = 0.0,
                   keep_observed: bool = True, model: LinkModel | None = None
                   ) -> tuple[Ensemble, pd.DataFrame, pd.DataFrame | None]:
    """The ensemble of an in-memory dataset, its unit table and the observed links kept."""
    if ds.is_reconstructed:
        raise InputError(f"dataset '{ds.name}' is already reconstructed; reconstruct from the "
                         "dataset it was made from")
    inp, units = inputs_from_dataset(ds, io=io, import_share=import_share)
    obs, obs_links = _observed(ds, units) if keep_observed else (None, None)
    base = model or LinkModel()
    if mean_degree is not None:
        from dataclasses import replace

        base = replace(base, mean_degree=float(mean_degree))
    ens = reconstruct(inp, base, members=members, seed=seed, observed=obs)
    return ens, units, obs_links


def _lead_days(ds: Dataset, sup: np.ndarray, cus: np.ndarray) -> np.ndarray:
    """Lead time from where the firms are (their own coordinates where given, else their
    region's centre): 1 day within one place, +1 per 500 km (great circle)."""
    from chainatlas.reconstruct.build import firm_places

    idx, lon, lat, _ = firm_places(ds, [])
    a, b = idx[sup], idx[cus]
    km = np.nan_to_num(great_circle_km(lon[a], lat[a], lon[b], lat[b]), nan=500.0)
    days = np.where(a == b, LEAD_DAYS["local"], LEAD_DAYS["local"] + LEAD_DAYS["per_500km"]
                    * km / 500.0)
    return np.round(days * 2) / 2


def ensemble_frames(ds: Dataset, ens: Ensemble, units: pd.DataFrame,
                    observed: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Tables of the reconstructed dataset: the source's, aggregate nodes added, the links."""
    inp = ens.inputs
    fid = ds.firms["id"].astype(str).to_numpy(dtype=object)
    useg = units["segment"].astype(str).to_numpy(dtype=object)
    seg_names = dict(zip(ds.segments["id"].astype(str), ds.segments["name"].astype(str),
                         strict=True))
    io_mode = inp.sector_ids != list(dict.fromkeys(ds.segments["id"].astype(str).tolist()
                                                   + units["segment"].astype(str).tolist()))
    if io_mode:  # IO sector → the first segment mapped to it (aggregate nodes sell segments)
        from chainatlas.reconstruct.concordance import io_sector_of

        first: dict[str, str] = {}
        for s, io in zip(ds.segments["id"].astype(str), ds.segments["io_sector"].astype(object),
                         strict=True):
            sector = io_sector_of(io, inp.sector_ids)
            if sector is not None:
                first.setdefault(sector, s)
        sector_seg = [first.get(s) for s in inp.sector_ids]
    else:
        sector_seg = list(inp.sector_ids)
    parts = []
    agg_sales: dict[tuple[str, str], float] = {}
    for m in ens.members:
        k = m.index + 1
        sup = inp.unit_firm[m.link_unit]
        cus = m.pair_buyer[m.link_pair]
        total = m.pair_purchases()
        frame = pd.DataFrame({
            "supplier": fid[sup], "customer": fid[cus], "segment": useg[m.link_unit],
            "value": m.value, "share": m.value / total[m.link_pair],
            "lead_time_days": _lead_days(ds, sup, cus), "member": k,
            "probability": m.probability, "_obs": m.observed})
        parts.append(frame[~frame["_obs"]].drop(columns="_obs"))
        for kind, flow, days in (("ROC", m.roc_in, LEAD_DAYS["roc"]),
                                 ("IMP", m.imports, LEAD_DAYS["import"])):
            seg = np.array([sector_seg[s] if s >= 0 else None for s in m.pair_sector],
                           dtype=object)
            keep = (flow > MIN_SHARE * total) & pd.notna(seg)
            if not keep.any():
                continue
            node = np.array([f"{kind}-{s}" for s in seg[keep]], dtype=object)
            parts.append(pd.DataFrame({
                "supplier": node, "customer": fid[m.pair_buyer[keep]], "segment": seg[keep],
                "value": flow[keep], "share": flow[keep] / total[keep], "lead_time_days": days,
                "member": k, "probability": 1.0}))
            for n, s, v in zip(node, seg[keep], flow[keep], strict=True):
                agg_sales[(n, s)] = agg_sales.get((n, s), 0.0) + float(v) / len(ens.members)
    links = pd.concat(parts, ignore_index=True) if parts else ds.supply_links.iloc[:0]
    if observed is not None and len(observed):
        obs = observed.copy()
        obs["member"] = 0
        obs["probability"] = np.nan
        links = pd.concat([obs[links.columns], links], ignore_index=True)
    tables = {t: f for t, f in ds.tables.items() if t != "supply_links"}
    if agg_sales:
        keys = sorted(agg_sales)
        node_ids = [n for n, _ in keys]
        is_imp = [n.startswith("IMP-") for n in node_ids]
        names = [("进口·" if i else "区外供应·") + seg_names.get(s, s) for (_, s), i in
                 zip(keys, is_imp, strict=True)]
        firms = pd.DataFrame({
            "id": node_ids, "name": names,
            "region": [IMPORT_REGION if i else ROC_REGION for i in is_imp],
            "country": [IMPORT_REGION if i else "CHN" for i in is_imp],
            "ownership": ["foreign" if i else "domestic" for i in is_imp],
            "tags": [["进口"] if i else ["区外"] for i in is_imp]})
        tables["firms"] = pd.concat([ds.firms, firms], ignore_index=True)
        fs = pd.DataFrame({"firm": node_ids, "segment": [s for _, s in keys],
                           "output_value": [agg_sales[k] for k in keys]})
        tables["firm_segments"] = pd.concat([ds.firm_segments, fs], ignore_index=True)
        regions = ds.regions
        have = set(regions["code"].astype(str)) if len(regions) else set()
        extra = []
        if ROC_REGION not in have and not all(is_imp):
            extra.append({"code": ROC_REGION, "name": "中国(区外)", "name_en": "China (rest)",
                          "level": "country", "country": "CHN"})
        if IMPORT_REGION not in have and any(is_imp):
            extra.append({"code": IMPORT_REGION, "name": "境外", "name_en": "Rest of world",
                          "level": "other", "country": IMPORT_REGION})
        if extra:
            tables["regions"] = pd.concat([regions, pd.DataFrame(extra)], ignore_index=True)
    tables["supply_links"] = links.reset_index(drop=True)
    return tables


def member_table(ens: Ensemble) -> pd.DataFrame:
    """One row per member: links, hyperparameters, local share of trade, IPF rounds."""
    rows = []
    for m in ens.members:
        local = float(m.value.sum())
        total = float(m.pair_purchases().sum())
        rows.append({"member": m.index + 1, "links": m.n_links,
                     "mean_degree": m.settings.mean_degree, "alpha": m.settings.alpha,
                     "gamma": m.settings.gamma,
                     "median_distance_km": m.settings.median_distance_km,
                     "weight_cv": m.settings.weight_cv, "firm_cv": m.settings.firm_cv,
                     "local_share": local / total if total else float("nan"),
                     "ipf_rounds": m.iterations})
    return pd.DataFrame(rows)


def _note_kind(note: str) -> str:
    """A member's note without its numbers, so notes can be counted over members."""
    if "links asked, about" in note:
        return ("more links asked than the firms' possible pairs allow: the network is "
                "(nearly) complete")
    if "links asked, at least" in note:
        return "fewer links asked than the essential inputs need: one supplier each"
    if note.startswith("IPF stopped"):
        return ("IPF stopped before its tolerance; the gap is traded with the rest of the "
                "country")
    if note.startswith("γ =") or "γ = 0" in note:
        return ""
    return note


def reconstruct_dataset(db: DbArg, dataset: str, into: str, *, io: IOTable | None = None,
                        members: int = 20, seed: int = 0, mean_degree: float | None = None,
                        import_share: float = 0.0, keep_observed: bool = True
                        ) -> ReconstructionReport:
    """Reconstruct ``dataset``'s supply links into the new dataset ``into`` (see the module)."""
    started = time.perf_counter()
    ds = load_dataset(db, dataset, ensemble=True)
    with _store(db, read_only=True) as store:
        if store.has_dataset(into):
            raise InputError(f"dataset '{into}' already exists; --into needs a new name")
    ens, units, obs = reconstruct_of(ds, io=io, members=members, seed=seed,
                                     mean_degree=mean_degree, import_share=import_share,
                                     keep_observed=keep_observed)
    tables = ensemble_frames(ds, ens, units, obs)
    notes = list(ens.notes)
    notes.append("hyperparameters per member from their priors unless fixed: mean degree "
                 "log-uniform [4, 25], α uniform [0.3, 0.5], median link distance uniform "
                 "[20, 50] km (γ solved), d0 = 10 km, 10 km within a region; link values start "
                 "from contacts × Gamma draws with a coefficient of variation log-uniform "
                 "[0.5, 2] and are fitted to the flows by IPF; each firm's purchases and sales "
                 "vary around its sector's average by a Gamma factor with a coefficient of "
                 "variation log-uniform [0.5, 2] (sector flows kept exactly)")
    notes.append("lead times: 1 day within one place (a firm's own coordinates, else its region), "
                 "+1 day per 500 km; 3 days from the rest "
                 "of the country, 30 from imports")
    per_member: dict[str, int] = {}
    for m in ens.members:
        for note in m.notes:
            per_member[_note_kind(note)] = per_member.get(_note_kind(note), 0) + 1
    notes += [f"{n} (in {c} of {len(ens.members)} members)" for n, c in per_member.items() if n]
    table = member_table(ens)
    meta = {"reconstructed": {"source": dataset, "mode": "io" if io is not None else "bom",
                              "io_table": io.name if io is not None else None,
                              "members": int(members), "seed": int(seed),
                              "mean_degree": mean_degree, "import_share": import_share,
                              "observed_links": 0 if obs is None else int(len(obs)),
                              "assumptions": notes}}
    with _store(db) as store:
        store.create_dataset(into, meta=meta)
        try:
            import_frames(store, into, tables, mode="append", create=False,
                          source="reconstruction")
            store.write_frame(into, "reconstruction/members", table)
        except (ChainAtlasError, Exception):
            store.delete_dataset(into)
            raise
    n_links = table["links"].to_numpy(float)
    return ReconstructionReport(
        dataset, into, "io" if io is not None else "bom", int(members), int(seed),
        0 if obs is None else int(len(obs)),
        {"median": float(np.median(n_links)), "p5": float(np.percentile(n_links, 5)),
         "p95": float(np.percentile(n_links, 95))}, table, notes,
        time.perf_counter() - started)
