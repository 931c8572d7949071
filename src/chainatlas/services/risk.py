"""Systemic-risk use cases: every firm's ESRI from files or a stored dataset, ψ scenarios, reasons.

Files (the researchers' layout, as in the published ESRI test case):

- ``firms.csv`` — ``id,sector`` (optional ``name``, ``region``, ``lon``, ``lat``);
- ``edges.csv`` — ``supplier,customer,weight`` (sales of supplier to customer; duplicates summed);
- ``essentiality.csv`` — a wide matrix: first column the supplier sector, header the customer
  sectors, entries ``0`` irrelevant / ``1`` non-essential / ``2`` essential.

A file is read exactly or refused with an :class:`~chainatlas.exceptions.InputError` that names the
file, the row (1-based, header = row 1) and the column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError, ModelError
from chainatlas.model.dataset import Dataset
from chainatlas.model.iotable import IOTable
from chainatlas.readers.encoding import csv_source
from chainatlas.risk import (
    EsriNetwork,
    EsriResult,
    esri_cascade,
    esri_network,
    esri_scenario,
    esri_single_firms,
)
from chainatlas.risk.classification import io_default_essentiality
from chainatlas.risk.footprint import Footprint, footprint_loss
from chainatlas.risk.network import ESSENTIAL, NON_ESSENTIAL
from chainatlas.services.datasets import DbArg, load_dataset

__all__ = [
    "RiskInput",
    "dataset_io_table",
    "demo_section",
    "io_essentiality",
    "esri_with_executor",
    "essentiality_of",
    "firm_cascade",
    "load_risk_dataset",
    "psi_export_ban",
    "psi_footprint",
    "psi_region",
    "psi_sector",
    "risk_input_of",
    "top_firms_frame",
    "esri_rows",
    "load_risk_files",
    "read_psi_file",
    "reasons_of",
    "run_esri",
]

Progress = Callable[[int, int], None]


@dataclass
class RiskInput:
    """A cascade network with its labels (firm ids, names, sectors, regions, coordinates)."""

    net: EsriNetwork
    firm_ids: list[str]
    sectors: list[str]
    firms: pd.DataFrame = field(repr=False)
    notes: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        col = "name" if "name" in self.firms.columns else "id"
        return self.firms[col].astype(str).tolist()


def _read(path: PathArg, what: str, needed: tuple[str, ...]) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} file not found: {p}")
    try:
        df = pd.read_csv(csv_source(p), dtype=str, keep_default_na=False)
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{p}: not a CSV table ({exc})") from exc
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise InputError(f"{p}: missing column(s) {', '.join(missing)} "
                         f"(found: {', '.join(df.columns)}; expected {', '.join(needed)})")
    return df


def _numbers(df: pd.DataFrame, col: str, path: PathArg, *, lo: float = 0.0,
             hi: float = np.inf) -> np.ndarray:
    raw = df[col].astype(str).str.strip()
    vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(vals) | (vals < lo) | (vals > hi)
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        rng = f"a number ≥ {lo}" if hi == np.inf else f"a number in [{lo}, {hi}]"
        raise InputError(f"{path}: row {r + 2}, column '{col}': '{raw.iloc[r]}' is not {rng}")
    return vals


def _essentiality(path: PathArg, sectors: list[str]) -> np.ndarray:
    df = _read(path, "essentiality", ())
    if df.shape[1] < 2:
        raise InputError(f"{path}: expected a wide matrix (first column the supplier sector, "
                         "header the customer sectors)")
    rows = df.iloc[:, 0].astype(str).str.strip().tolist()
    cols = [str(c).strip() for c in df.columns[1:]]
    for name, seq in (("supplier sector (first column)", rows), ("customer sector (header)", cols)):
        dup = pd.Series(seq)[pd.Series(seq).duplicated()]
        if len(dup):
            raise InputError(f"{path}: {name} '{dup.iloc[0]}' appears twice")
    for s in sectors:
        if s not in rows:
            raise InputError(f"{path}: sector '{s}' (from firms) has no row in the first column")
        if s not in cols:
            raise InputError(f"{path}: sector '{s}' (from firms) has no column in the header")
    vals = df.iloc[:, 1:]
    mat = np.zeros((len(sectors), len(sectors)), dtype=np.int64)
    ri = {s: k for k, s in enumerate(rows)}
    ci = {s: k + 1 for k, s in enumerate(cols)}
    for a, sa in enumerate(sectors):
        for b, sb in enumerate(sectors):
            cell = str(vals.iloc[ri[sa], ci[sb] - 1]).strip()
            if cell not in ("0", "1", "2"):
                raise InputError(f"{path}: row {ri[sa] + 2}, column '{sb}': '{cell}' is not 0 "
                                 "(irrelevant), 1 (non-essential) or 2 (essential)")
            mat[a, b] = int(cell)
    return mat


def load_risk_files(firms: PathArg, edges: PathArg, essentiality: PathArg) -> RiskInput:
    """Read the three files and build the cascade network (exactly, or refuse with a reason)."""
    f = _read(firms, "firms", ("id", "sector"))
    ids = f["id"].astype(str).str.strip()
    if (ids == "").any():
        r = int(np.flatnonzero((ids == "").to_numpy())[0])
        raise InputError(f"{firms}: row {r + 2}, column 'id': empty firm id")
    dup = ids[ids.duplicated()]
    if len(dup):
        r = int(dup.index[0])
        raise InputError(f"{firms}: row {r + 2}, column 'id': firm '{dup.iloc[0]}' appears twice")
    sec_col = f["sector"].astype(str).str.strip()
    if (sec_col == "").any():
        r = int(np.flatnonzero((sec_col == "").to_numpy())[0])
        raise InputError(f"{firms}: row {r + 2}, column 'sector': empty sector")
    sectors = sorted(sec_col.unique().tolist())
    ess = _essentiality(essentiality, sectors)
    e = _read(edges, "edges", ("supplier", "customer", "weight"))
    pos = pd.Index(ids)
    sup = pos.get_indexer(e["supplier"].astype(str).str.strip())
    cus = pos.get_indexer(e["customer"].astype(str).str.strip())
    for col, arr in (("supplier", sup), ("customer", cus)):
        if (arr < 0).any():
            r = int(np.flatnonzero(arr < 0)[0])
            raise InputError(f"{edges}: row {r + 2}, column '{col}': firm "
                             f"'{e[col].iloc[r]}' is not in {firms}")
    w = _numbers(e, "weight", edges)
    sec = pd.Index(sectors).get_indexer(sec_col)
    net = esri_network(sup, cus, w, sec, ess)
    f = f.copy()
    f["id"] = ids
    f["sector"] = sec_col
    return RiskInput(net=net, firm_ids=ids.tolist(), sectors=sectors, firms=f)


def read_psi_file(path: PathArg, ri: RiskInput) -> dict[str, np.ndarray]:
    """ψ scenarios from a CSV: ``firm,psi`` (one scenario) or ``scenario,firm,psi`` (several).

    Firms not listed keep ψ = 1.
    """
    df = _read(path, "ψ", ("firm", "psi"))
    psi = _numbers(df, "psi", path, lo=0.0, hi=1.0)
    pos = pd.Index(ri.firm_ids).get_indexer(df["firm"].astype(str).str.strip())
    if (pos < 0).any():
        r = int(np.flatnonzero(pos < 0)[0])
        raise InputError(f"{path}: row {r + 2}, column 'firm': firm '{df['firm'].iloc[r]}' "
                         "is not in the firms file")
    names = df["scenario"].astype(str).str.strip() if "scenario" in df.columns else \
        pd.Series(["psi"] * len(df))
    out: dict[str, np.ndarray] = {}
    for name in dict.fromkeys(names.tolist()):
        m = (names == name).to_numpy()
        v = np.ones(ri.net.n)
        v[pos[m]] = psi[m]
        out[name] = v
    return out


def reasons_of(ri: RiskInput, firm: int, *, epsilon: float = 0.01, substitution: bool = True,
               weights: np.ndarray | None = None, top: int = 5) -> list[dict[str, Any]]:
    """The firms that carry most of a firm's ESRI: their weighted loss and the direction.

    ``direction`` is ``customer`` (the loss came downstream: its inputs failed), ``supplier``
    (upstream: it lost its buyers) or ``both``.
    """
    psi = np.ones(ri.net.n)
    psi[firm] = 0.0
    cas = esri_cascade(ri.net, psi, epsilon=epsilon, substitution=substitution, weights=weights)
    loss = cas.loss
    loss[firm] = 0.0
    order = np.argsort(-loss, kind="stable")[:top]
    names = ri.names()
    out = []
    for j in order:
        if loss[j] <= 0:
            break
        dn, up = 1.0 - cas.hd[j], 1.0 - cas.hu[j]
        direction = "both" if dn > 0 and up > 0 else ("customer" if dn > 0 else "supplier")
        out.append({"firm": ri.firm_ids[j], "name": names[j], "sector": ri.sectors[
            int(ri.net.sector[j])], "loss": float(loss[j]), "output_lost": float(max(dn, up)),
            "direction": direction})
    return out


def esri_rows(ri: RiskInput, res: EsriResult, labels: list[str], key: str) -> list[dict[str, Any]]:
    """One JSON-ready row per scenario."""
    rows = []
    for r, lab in enumerate(labels):
        rows.append({key: lab, "esri": float(res.esri[r]),
                     "esri_downstream": float(res.esri_downstream[r]),
                     "esri_upstream": float(res.esri_upstream[r]),
                     "iterations": int(res.steps[r]), "stop_margin": float(res.stop_margin[r]),
                     "firms_touched": int(res.touched[r]), "capped": bool(res.capped[r])})
    return rows


def _esri_chunk(shared: tuple[EsriNetwork, float, bool], firms: np.ndarray) -> np.ndarray:
    net, eps, sub = shared
    r = esri_single_firms(net, firms, epsilon=eps, substitution=sub, threads=1)
    return np.column_stack([r.esri, r.esri_downstream, r.esri_upstream, r.steps,
                            r.stop_margin, r.touched, r.capped])


def esri_with_executor(net: EsriNetwork, executor: Any, *, epsilon: float = 0.01,
                       substitution: bool = True, chunk: int = 2000,
                       progress: Progress | None = None) -> EsriResult:
    """Every firm's ESRI spread over an executor of :mod:`chainatlas.shock.executors`
    (``processes`` or a Dask cluster): the network is sent once per worker, firms go in chunks;
    the numbers are the same as :func:`chainatlas.risk.esri_single_firms` (each scenario is
    computed the same way wherever it runs)."""
    n = net.n
    items = [np.arange(lo, min(n, lo + chunk), dtype=np.int64) for lo in range(0, n, chunk)]
    done = [0]

    def tick(k: int) -> None:
        done[0] = k
        if progress:
            progress(min(n, k * chunk), n)

    parts = executor.map(_esri_chunk, (net, float(epsilon), bool(substitution)), items,
                         batch_size=1, progress=tick)
    a = np.vstack(parts) if parts else np.zeros((0, 7))
    return EsriResult(esri=a[:, 0].copy(), esri_downstream=a[:, 1].copy(),
                      esri_upstream=a[:, 2].copy(), steps=a[:, 3].astype(np.int64),
                      stop_margin=a[:, 4].copy(), touched=a[:, 5].astype(np.int64),
                      capped=a[:, 6].astype(bool))


def run_esri(ri: RiskInput, *, epsilon: float = 0.01, substitution: bool = True,
             psi: dict[str, np.ndarray] | None = None, top: int | None = None,
             reasons: int = 5, threads: int | None = None, executor: Any = None,
             progress: Progress | None = None) -> dict[str, Any]:
    """Every firm's ESRI (or every ψ scenario's), ranked, with the top firms' reasons.

    Returns ``{"results": [...], "n_firms", "n_links", "epsilon", "substitution", ...}``;
    ``results`` is sorted by ESRI (largest first) and cut to ``top`` rows when given
    (``truncated`` says so).
    """
    if psi:
        names = list(psi)
        res = esri_scenario(ri.net, np.vstack([psi[k] for k in names]), epsilon=epsilon,
                            substitution=substitution)
        rows = esri_rows(ri, res, names, "scenario")
        if progress:
            progress(len(names), len(names))
    elif executor is not None:
        res = esri_with_executor(ri.net, executor, epsilon=epsilon, substitution=substitution,
                                 progress=progress)
        rows = esri_rows(ri, res, ri.firm_ids, "firm")
        names_ = ri.names()
        for r, row in enumerate(rows):
            row["name"] = names_[r]
            row["sector"] = ri.sectors[int(ri.net.sector[r])]
    else:
        n = ri.net.n
        parts = []
        step = max(1, min(n, 50_000))
        for lo in range(0, n, step):
            firms = np.arange(lo, min(n, lo + step))
            parts.append(esri_single_firms(ri.net, firms, epsilon=epsilon,
                                           substitution=substitution, threads=threads))
            if progress:
                progress(min(n, lo + step), n)
        res = EsriResult(*[np.concatenate([getattr(p, f) for p in parts]) for f in (
            "esri", "esri_downstream", "esri_upstream", "steps", "stop_margin", "touched",
            "capped")]) if parts else esri_single_firms(ri.net, [], epsilon=epsilon)
        rows = esri_rows(ri, res, ri.firm_ids, "firm")
        names_ = ri.names()
        for r, row in enumerate(rows):
            row["name"] = names_[r]
            row["sector"] = ri.sectors[int(ri.net.sector[r])]
    order = sorted(range(len(rows)), key=lambda r: (-rows[r]["esri"], r))
    ranked = [rows[r] for r in order]
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    if not psi and reasons > 0:
        for row in ranked[:min(len(ranked), top or 10)]:
            row["reasons"] = reasons_of(ri, ri.firm_ids.index(row["firm"]), epsilon=epsilon,
                                        substitution=substitution, top=reasons)
    shown = ranked[:top] if top else ranked
    return {"results": shown, "n_firms": ri.net.n, "n_links": ri.net.n_links,
            "n_scenarios": len(rows), "epsilon": epsilon, "substitution": substitution,
            "weights": "out-strength", "truncated": len(shown) < len(ranked),
            "capped": int(sum(r["capped"] for r in rows)), "notes": list(ri.notes)}


# --- stored datasets ------------------------------------------------------------------------

#: Class of an input pair that the bill of materials does not list (documented in docs/risk.md).
DEFAULT_UNLISTED = NON_ESSENTIAL
#: Technical-coefficient share from which an IO input sector is essential (docs/risk.md).
IO_ESSENTIAL_SHARE = 0.05


def _main_segment(ds: Dataset) -> pd.Series:
    fs = ds.firm_segments.copy()
    if len(fs) == 0:
        return pd.Series(dtype=object)
    fs["firm"] = fs["firm"].astype(str)
    fs["segment"] = fs["segment"].astype(str)
    fs["_v"] = pd.to_numeric(fs["output_value"], errors="coerce").fillna(-1.0) \
        if "output_value" in fs.columns else -1.0
    fs["_o"] = np.arange(len(fs))
    fs = fs.sort_values(["firm", "_v", "_o"], ascending=[True, False, True], kind="stable")
    return fs.drop_duplicates("firm").set_index("firm")["segment"]


def essentiality_of(ds: Dataset, sectors: list[str]) -> np.ndarray:
    """The sector × sector class matrix of a dataset (sectors = segments, plus ``unknown``).

    ``segment_inputs.essentiality`` (0/1/2) where given; an empty cell takes 2 when the input
    segment is marked ``segments.essential`` (the default) and 1 when it is not; a (supplier
    segment, customer segment) pair the bill of materials does not list is 1 (non-essential).
    """
    idx = {s: k for k, s in enumerate(sectors)}
    mat = np.full((len(sectors), len(sectors)), DEFAULT_UNLISTED, dtype=np.int64)
    seg = ds.segments
    essential = dict(zip(seg["id"].astype(str), seg["essential"].fillna(True).astype(bool),
                         strict=True)) if "essential" in seg.columns else {}
    bom = ds.segment_inputs
    col = bom["essentiality"] if "essentiality" in bom.columns else pd.Series([None] * len(bom))
    for cus, sup, c in zip(bom["segment"].astype(str), bom["input_segment"].astype(str),
                           col.tolist(), strict=True):
        if cus not in idx or sup not in idx:
            continue
        if c is None or pd.isna(c):
            val = ESSENTIAL if essential.get(sup, True) else NON_ESSENTIAL
        else:
            val = int(c)
        mat[idx[sup], idx[cus]] = val
    return mat


def _bom_has_classes(ds: Dataset) -> bool:
    bom = ds.segment_inputs
    return "essentiality" in bom.columns and bool(bom["essentiality"].notna().any())


def io_essentiality(table: IOTable, threshold: float = IO_ESSENTIAL_SHARE
                    ) -> tuple[list[str], np.ndarray]:
    """The documented default classes of an IO table's sectors (summed over regions):
    :func:`chainatlas.risk.classification.io_default_essentiality` of the technical coefficients
    :math:`a_{kl} = Z_{kl} / x_l`. Returns ``(sectors, class matrix [supplier, customer])``."""
    sectors = list(dict.fromkeys(str(x) for x in table.sectors))
    idx = pd.Index(sectors).get_indexer([str(x) for x in table.sectors])
    one_hot = np.zeros((len(table.sectors), len(sectors)))
    one_hot[np.arange(len(idx)), idx] = 1.0
    z = one_hot.T @ np.asarray(table.Z, dtype=np.float64) @ one_hot
    x = one_hot.T @ np.asarray(table.x, dtype=np.float64)
    a = np.divide(z, x[None, :], out=np.zeros_like(z), where=x[None, :] > 0)
    return sectors, io_default_essentiality(np.maximum(a, 0.0), threshold)


def _io_sectors(ds: Dataset, table: IOTable) -> dict[str, str]:
    """Segment → IO sector of ``table`` (via ``segments.io_sector``)."""
    from chainatlas.reconstruct.concordance import io_sector_of

    seg = ds.segments
    if "io_sector" not in seg.columns:
        return {}
    sectors = list(dict.fromkeys(str(x) for x in table.sectors))
    out = {}
    for s, v in zip(seg["id"].astype(str), seg["io_sector"].astype(object), strict=True):
        hit = io_sector_of(v, sectors) if v is not None and not pd.isna(v) else None
        if hit is not None:
            out[s] = hit
    return out


def risk_input_of(ds: Dataset, io: IOTable | None = None) -> RiskInput:
    """The cascade network of a stored dataset.

    Firms are the dataset's firms; a firm's sector is its main segment (largest
    ``firm_segments.output_value``, else the first listed; ``unknown`` without one); links are
    ``supply_links`` with their ``value`` (10,000 CNY/yr) summed over segments.

    **IO-sector data**: with an IO table ``io`` (see :func:`dataset_io_table`) and no class in
    ``segment_inputs.essentiality``, a firm's sector is the IO sector of its main segment
    (``segments.io_sector``) and the classes are the documented default of
    :func:`io_essentiality` (essential when the technical coefficient is ≥ 5 %, non-essential
    when positive, irrelevant when zero); a firm without an IO sector is ``unknown``, whose
    inputs and sales are non-essential. ``RiskInput.notes`` says which classification was used.
    """
    firms = ds.firms.copy()
    if len(firms) == 0:
        raise ModelError(f"dataset '{ds.name}' has no firms")
    firms["id"] = firms["id"].astype(str)
    main = _main_segment(ds)
    notes: list[str] = []
    seg_io = _io_sectors(ds, io) if io is not None else {}
    io_mode = io is not None and not _bom_has_classes(ds) and bool(seg_io)
    if io_mode:
        assert io is not None
        firms["segment"] = firms["id"].map(main)
        firms["sector"] = firms["segment"].map(seg_io).fillna("unknown").astype(str)
    else:
        firms["sector"] = firms["id"].map(main).fillna("unknown").astype(str)
    sectors = sorted(firms["sector"].unique().tolist())
    links = ds.supply_links
    val = pd.to_numeric(links["value"], errors="coerce") if "value" in links.columns else \
        pd.Series(np.nan, index=links.index)
    if len(links) and val.notna().sum() == 0:  # derive the values instead of refusing
        from chainatlas.network.flows import derive_link_values

        links, _, derived = derive_link_values(ds)
        val = pd.to_numeric(links["value"], errors="coerce")
        notes.extend(n for n in derived if "supply link" in n)
    if len(links) == 0 or val.notna().sum() == 0:
        raise ModelError(f"dataset '{ds.name}' has no supply links with a value; ESRI needs "
                         "supply_links.value (10,000 CNY/yr), or capacities / output values "
                         "and segment_inputs quantities or cost shares to derive it from")
    if io_mode:
        assert io is not None
        io_secs, io_cls = io_essentiality(io)
        ess = np.full((len(sectors), len(sectors)), DEFAULT_UNLISTED, dtype=np.int64)
        at = pd.Index(io_secs).get_indexer(sectors)
        ok_s = at >= 0
        ess[np.ix_(ok_s, ok_s)] = io_cls[np.ix_(at[ok_s], at[ok_s])]
        n_unknown = int((firms["sector"] == "unknown").sum())
        notes.append(
            f"essentiality: segment_inputs gives no class, so the documented IO default of "
            f"table '{io.name or 'io'}' is used: an input sector is essential (2) when its "
            f"technical coefficient a_kl = Z_kl / x_l is ≥ {IO_ESSENTIAL_SHARE:.0%}, "
            "non-essential (1) when positive, irrelevant (0) when zero; firm sectors are the IO "
            "sectors of their main segments"
            + (f" ({n_unknown} firms without one are 'unknown', class 1)" if n_unknown else ""))
    else:
        ess = essentiality_of(ds, sectors)
        if io is not None:
            notes.append("essentiality: from segment_inputs.essentiality (the bill of "
                         "materials); the IO table is not used for the classes"
                         if _bom_has_classes(ds) else
                         "essentiality: no segment maps to a sector of the IO table "
                         f"'{io.name or 'io'}' (segments.io_sector); bill-of-materials defaults")
        elif not _bom_has_classes(ds):
            notes.append("essentiality: segment_inputs gives no class, so the bill-of-materials "
                         "default is used: 2 where the input segment is essential, 1 where it "
                         "is not and for pairs the bill of materials does not list")
    ok = val.notna().to_numpy()
    pos = pd.Index(firms["id"])
    sup = pos.get_indexer(links["supplier"].astype(str))[ok]
    cus = pos.get_indexer(links["customer"].astype(str))[ok]
    sec = pd.Index(sectors).get_indexer(firms["sector"])
    net = esri_network(sup, cus, val.to_numpy(dtype=np.float64)[ok], sec, ess)
    reg = ds.regions
    if "lon" in reg.columns and len(reg):
        rl = reg.set_index(reg["code"].astype(str))
        firms["region_lon"] = firms["region"].astype(str).map(rl["lon"]).astype(float)
        firms["region_lat"] = firms["region"].astype(str).map(rl["lat"]).astype(float)
        firms["region_name"] = firms["region"].astype(str).map(rl["name"]).astype(str)
    return RiskInput(net=net, firm_ids=firms["id"].tolist(), sectors=sectors, firms=firms,
                     notes=notes)


def dataset_io_table(db: DbArg, name: str, table_name: str | None = None) -> IOTable | None:
    """The IO table stored with dataset ``name``: ``table_name``, else the only one stored
    (``None`` when there is none, or several and no name is given)."""
    from chainatlas.services.io import _FRAME_PREFIX, load_stored_table

    if table_name is not None:
        return load_stored_table(db, name, table_name)
    from chainatlas.services.datasets import _store

    with _store(db, read_only=True) as store:
        keys = [k[len(_FRAME_PREFIX):] for k in store.list_frames(name)
                if k.startswith(_FRAME_PREFIX)]
    return load_stored_table(db, name, keys[0]) if len(keys) == 1 else None


def load_risk_dataset(db: DbArg, name: str, io_table: str | None = None) -> RiskInput:
    """:func:`risk_input_of` for a dataset in the store, with the IO table stored with it (see
    :func:`dataset_io_table`) for IO-sector data."""
    return risk_input_of(load_dataset(db, name), dataset_io_table(db, name, io_table))


# --- ψ scenarios ----------------------------------------------------------------------------

def _col(ri: RiskInput, col: str, what: str) -> pd.Series:
    if col not in ri.firms.columns:
        raise InputError(f"a {what} scenario needs a '{col}' column for the firms")
    return ri.firms[col].astype(str)


def psi_sector(ri: RiskInput, sector: str, capacity: float = 0.0) -> np.ndarray:
    """Every firm of ``sector`` keeps ``capacity`` (0 closed)."""
    if sector not in ri.sectors:
        raise DataNotFound(f"sector '{sector}' not found (sectors: {', '.join(ri.sectors[:20])})")
    return np.where(ri.firms["sector"].astype(str).to_numpy() == sector, capacity, 1.0)


def psi_region(ri: RiskInput, region: str, capacity: float = 0.0) -> np.ndarray:
    """Every firm whose region code is ``region`` or lies under it (adcode prefix: ``3205`` is
    Suzhou and its districts) keeps ``capacity``."""
    codes = _col(ri, "region", "region")
    prefix = region.rstrip("0") if region.isdigit() and len(region) == 6 else region
    hit = (codes == region) | (codes.str.startswith(prefix) & codes.str.isdigit()
                               if region.isdigit() else codes == region)
    if not hit.any():
        raise DataNotFound(f"no firm in region '{region}'")
    return np.where(hit.to_numpy(), capacity, 1.0)


def psi_export_ban(ri: RiskInput, segment: str, ds: Dataset | None = None,
                   home: str = "CHN") -> np.ndarray:
    """An export ban: the foreign suppliers (``country`` ≠ ``home``) of ``segment`` close."""
    country = _col(ri, "country", "export-ban")
    if ds is not None:
        fs = ds.firm_segments
        sup = set(fs.loc[fs["segment"].astype(str) == segment, "firm"].astype(str))
        sl = ds.supply_links
        sup |= set(sl.loc[sl["segment"].astype(str) == segment, "supplier"].astype(str))
        in_seg = ri.firms["id"].isin(sup)
    else:
        in_seg = ri.firms["sector"].astype(str) == segment
    hit = (in_seg & (country != home)).to_numpy()
    if not hit.any():
        raise DataNotFound(f"segment '{segment}' has no foreign supplier")
    return np.where(hit, 0.0, 1.0)


def psi_footprint(ri: RiskInput, fp: Footprint) -> tuple[np.ndarray, int, int]:
    """ψ = 1 − the footprint's loss at each firm; from the firm's ``lon``/``lat`` where given,
    else its region's. Returns ``(ψ, firms located by their own coordinates, by their region)``."""
    f = ri.firms
    nan = np.full(len(f), np.nan)
    lon = pd.to_numeric(f["lon"], errors="coerce").to_numpy(float) if "lon" in f else nan
    lat = pd.to_numeric(f["lat"], errors="coerce").to_numpy(float) if "lat" in f else nan
    own = np.isfinite(lon) & np.isfinite(lat)
    rlon = f["region_lon"].to_numpy(float) if "region_lon" in f else nan
    rlat = f["region_lat"].to_numpy(float) if "region_lat" in f else nan
    x = np.where(own, lon, rlon)
    y = np.where(own, lat, rlat)
    by_region = int((~own & np.isfinite(x) & np.isfinite(y)).sum())
    return 1.0 - footprint_loss(fp, x, y), int(own.sum()), by_region


# --- the demo section -----------------------------------------------------------------------

def top_firms_frame(out: dict[str, Any], *, lang: str = "zh") -> pd.DataFrame:
    """The ranked firms of :func:`run_esri` as a table (ESRI in %), reasons in one cell."""
    rows = []
    for r in out["results"]:
        why = "; ".join(f"{x['name']} ({'下游' if x['direction'] == 'customer' else '上游' if x['direction'] == 'supplier' else '上下游'} {100 * x['loss']:.2f}%)"
                        if lang == "zh" else f"{x['name']} ({x['direction']} {100 * x['loss']:.2f}%)"
                        for x in r.get("reasons", []))
        rows.append({"rank": r["rank"], "firm": r["firm"], "name": r.get("name", r["firm"]),
                     "sector": r.get("sector", ""), "esri_pct": 100 * r["esri"],
                     "downstream_pct": 100 * r["esri_downstream"],
                     "upstream_pct": 100 * r["esri_upstream"], "reasons": why})
    return pd.DataFrame(rows)


def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """The YRD demo's top systemic-risk firms (ESRI, ε = 0.01, σ on), with reasons."""
    ri = risk_input_of(ds)
    out = run_esri(ri, top=10, reasons=3)
    return [("Top systemic-risk firms (ESRI, % of output lost; reasons: who carries the loss)",
             top_firms_frame(out, lang="en"))]


def firm_cascade(ri: RiskInput, firm: str, *, epsilon: float = 0.01, substitution: bool = True,
                 top: int = 20) -> dict[str, Any]:
    """One firm's failure: its ESRI (total, downstream, upstream) and who carries the loss."""
    try:
        k = ri.firm_ids.index(str(firm))
    except ValueError:
        raise DataNotFound(f"firm '{firm}' not found") from None
    res = esri_single_firms(ri.net, [k], epsilon=epsilon, substitution=substitution)
    names = ri.names()
    return {"firm": ri.firm_ids[k], "name": names[k], "sector": ri.sectors[int(ri.net.sector[k])],
            "esri": float(res.esri[0]), "esri_downstream": float(res.esri_downstream[0]),
            "esri_upstream": float(res.esri_upstream[0]), "iterations": int(res.steps[0]),
            "firms_touched": int(res.touched[0]),
            "carried_by": reasons_of(ri, k, epsilon=epsilon, substitution=substitution, top=top)}
