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
from chainatlas.exceptions import InputError
from chainatlas.risk import (
    EsriNetwork,
    EsriResult,
    esri_cascade,
    esri_network,
    esri_scenario,
    esri_single_firms,
)

__all__ = [
    "RiskInput",
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

    def names(self) -> list[str]:
        col = "name" if "name" in self.firms.columns else "id"
        return self.firms[col].astype(str).tolist()


def _read(path: PathArg, what: str, needed: tuple[str, ...]) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} file not found: {p}")
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
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


def run_esri(ri: RiskInput, *, epsilon: float = 0.01, substitution: bool = True,
             psi: dict[str, np.ndarray] | None = None, top: int | None = None,
             reasons: int = 5, threads: int | None = None,
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
            "capped": int(sum(r["capped"] for r in rows))}
