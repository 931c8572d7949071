"""Input-output use cases: load a table (file, stored dataset or the built-in demo), analyse it,
run a shock, store it.

The CLI (`chainatlas io analyze|shock|store`) and other adapters call these functions; the
analyses themselves live in :mod:`chainatlas.ioa`.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.ioa import (
    LeontiefSolver,
    allocation_coefficients,
    analyze_table,
    diim,
    ghosh_supply_shock,
    iim_demand,
    iim_supply,
    leontief_demand_shock,
    mixed_model,
    resilience_from_recovery,
    technical_coefficients,
)
from chainatlas.ioa.ario import ARIOEvent, ARIOModel
from chainatlas.model.dataset import Dataset
from chainatlas.model.iotable import IOTable
from chainatlas.readers.encoding import csv_source

__all__ = [
    "DEMO_TABLE",
    "LAYOUTS",
    "SHOCK_MODELS",
    "aggregate_by_csv",
    "analyze",
    "demo_section",
    "demo_table",
    "load_io_table",
    "load_stored_table",
    "read_shock_csv",
    "resolve_table",
    "run_shock",
    "shock_vector",
    "store_io_table",
]

#: File layouts understood by :func:`load_io_table`.
LAYOUTS = ("simple", "nbs", "niot", "bea", "oecd", "wiod", "exiobase3", "eora26", "gloria")
#: Shock models understood by :func:`run_shock`.
SHOCK_MODELS = ("leontief", "ghosh", "mixed", "iim", "diim", "ario")
#: Package file of the built-in demo table (China 2020 aggregated to 12 sectors, 100 million CNY).
DEMO_TABLE = "china_2020_12sector.csv"
_FRAME_PREFIX = "io_table:"


# ---------------------------------------------------------------------------- loading
def load_io_table(path: PathArg, layout: str = "simple", *, year: int | None = None,
                  tolerance: float | None = None, keep_zero_output: bool = False,
                  domestic: bool = False) -> IOTable:
    """Read an IO table from ``path`` in ``layout`` (see :data:`LAYOUTS`); checks run on load.

    ``tolerance`` is the relative balance gap accepted on top of the table's own rounding
    (default 1e-4); ``keep_zero_output`` keeps industries without output (every reader but
    ``bea`` drops them with a note); ``domestic`` removes the imports of a
    competitive-import table in proportion to use (:func:`chainatlas.ioa.domestic_table`).
    What the reader did is in ``table.notes``.
    """
    tol = 1e-4 if tolerance is None else float(tolerance)
    if tol < 0:
        raise InputError(f"--tolerance must be ≥ 0, got {tol:g}")
    if layout == "simple":
        from chainatlas.readers.io_simple import read_simple

        table = read_simple(path, rtol=tol, keep_zero_output=keep_zero_output)
    elif layout == "nbs":
        from chainatlas.readers.io_nbs import read_nbs

        table = read_nbs(path, tolerance=tol, keep_zero_output=keep_zero_output)
    elif layout == "niot":
        from chainatlas.readers.io_niot import read_niot

        table = read_niot(path, year=year, tolerance=tol, keep_zero_output=keep_zero_output)
    elif layout == "bea":
        from chainatlas.readers.io_bea import read_bea

        table = read_bea(path, rtol=tol)
    elif layout in LAYOUTS:
        from chainatlas.readers.io_pymrio import read_mrio

        table = read_mrio(path, layout, year=year, rtol=tol, keep_zero_output=keep_zero_output)
    else:
        raise InputError(f"unknown IO layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    if year is not None and layout in ("simple", "nbs", "bea"):
        table.notes.append(f"--year {year} ignored: a {layout} file holds one year")
    if domestic:
        from chainatlas.ioa import domestic_table

        table = domestic_table(table)
    elif table.is_competitive:
        table.notes.append("competitive-import table: coefficients include imported inputs, so "
                           "multipliers and linkages count imports as home production "
                           "(--domestic removes them)")
    return table


def demo_table() -> IOTable:
    """The built-in 12-sector table: China's 2020 NBS IO table aggregated (100 million CNY).

    Source: National Bureau of Statistics of China, *2020 Input-Output Table of China* (42
    sectors, non-competitive imports), aggregated to 12 sectors and rounded to 100 million CNY;
    imported intermediate inputs are a primary-input row.
    """
    from chainatlas.readers.io_simple import read_simple

    ref = resources.files("chainatlas.ioa").joinpath("data", DEMO_TABLE)
    with resources.as_file(ref) as path:
        table = read_simple(path, unit="100 million CNY")
    table.name = "china-2020-12"
    return table


def load_stored_table(db: Any, dataset: str, table_name: str) -> IOTable:
    """The IO table ``table_name`` stored with ``dataset`` (a long frame, see ``IOTable.to_long``)."""
    from chainatlas.services.datasets import _store

    with _store(db, read_only=True) as store:
        key = _FRAME_PREFIX + table_name
        if key not in store.list_frames(dataset):
            have = [k[len(_FRAME_PREFIX):] for k in store.list_frames(dataset)
                    if k.startswith(_FRAME_PREFIX)]
            raise DataNotFound(f"dataset {dataset!r} has no IO table {table_name!r}; "
                               f"stored IO tables: {have or 'none'}")
        frame = store.read_frame(dataset, key)
    table = IOTable.from_long(frame, name=table_name)
    table.check(allow_zero_output=True, allow_negative=True, source=f"{dataset}/{table_name}")
    return table


def store_io_table(db: Any, dataset: str, table_name: str, table: IOTable) -> int:
    """Store ``table`` with ``dataset`` under ``table_name``; returns the number of long rows."""
    from chainatlas.services.datasets import _store

    frame = table.to_long()
    with _store(db) as store:
        if not store.has_dataset(dataset):
            store.create_dataset(dataset)
        store.write_frame(dataset, _FRAME_PREFIX + table_name, frame)
    return len(frame)


def resolve_table(*, path: PathArg | None = None, layout: str = "simple",
                  db: PathArg | None = None, dataset: str | None = None,
                  table_name: str | None = None, year: int | None = None,
                  tolerance: float | None = None, keep_zero_output: bool = False,
                  domestic: bool = False) -> IOTable:
    """A table from a file (``path`` + ``layout``), a store (``dataset`` + ``table_name``) or,
    with neither, the built-in demo table (see :func:`load_io_table` for the options)."""
    if path is not None and dataset is not None:
        raise InputError("give either a table file or a stored dataset, not both")
    if path is not None:
        return load_io_table(path, layout, year=year, tolerance=tolerance,
                             keep_zero_output=keep_zero_output, domestic=domestic)
    if dataset is not None:
        if not table_name:
            raise InputError("--table-name is needed with --dataset")
        table = load_stored_table(db, dataset, table_name)
    else:
        table = demo_table()
    if domestic:
        from chainatlas.ioa import domestic_table

        table = domestic_table(table)
    return table


# ---------------------------------------------------------------------------- analysis
def aggregate_by_csv(table: IOTable, path: PathArg) -> IOTable:
    """Aggregate ``table`` by a concordance CSV with columns ``sector`` and ``group``."""
    from chainatlas.ioa import aggregate

    p = Path(path)
    if not p.is_file():
        raise DataNotFound(f"concordance file not found: {p}")
    try:
        frame = pd.read_csv(csv_source(p), dtype=str)
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise InputError(f"{p}: cannot read the concordance CSV ({type(err).__name__}); "
                         "expected a UTF-8 CSV with columns sector,group") from None
    if not {"sector", "group"} <= set(frame.columns):
        raise InputError(f"{p}: a concordance needs columns 'sector' and 'group'")
    dup = frame["sector"][frame["sector"].duplicated()].tolist()
    if dup:
        raise InputError(f"{p}: sector(s) listed twice: {dup[:5]}")
    out = aggregate(table, dict(zip(frame["sector"].str.strip(), frame["group"].str.strip(),
                                    strict=True)))
    out.check(allow_zero_output=True, allow_negative=True, source=f"{p} (aggregated)")
    return out


def analyze(table: IOTable, *, forward: Literal["ghosh", "leontief"] = "ghosh",
            extraction: bool = True) -> dict[str, Any]:
    """Multipliers, linkages, key sectors, HEM and import multipliers for ``table`` (the
    ``io analyze`` JSON), with the table's notes.

    Industries with zero output (kept with ``keep_zero_output``) have no coefficients: the
    analysis runs on the others and reports ``None`` for them (linkage indices are normalised
    over the industries with output).
    """
    from chainatlas.ioa import import_multipliers

    live = table.x > 0
    sub = table if live.all() else _subtable(table, live)
    out = analyze_table(sub, forward=forward, extraction=extraction).to_dict()
    has_imports = sub.M is not None or sub.is_competitive
    if has_imports:
        out["import_multipliers"] = import_multipliers(sub).tolist()
        out["import_multiplier_basis"] = (
            "imported intermediate input per unit of final demand, i'M x̂⁻¹ L^d (domestic "
            "Leontief inverse" + ("; imports split in proportion to use" if sub.is_competitive
                                  else "") + ")")
    out["domestic"] = not sub.is_competitive
    out["notes"] = list(table.notes)
    if not live.all():
        pos = np.flatnonzero(live)

        def expand(values: list[Any]) -> list[Any]:
            full: list[Any] = [None] * table.n
            for k, v in zip(pos, values, strict=True):
                full[int(k)] = v
            return full

        for key in ("output_multipliers", "value_added_multipliers", "backward_linkage",
                    "forward_linkage", "key_class", "import_multipliers"):
            if key in out:
                out[key] = expand(out[key])
        if "hem" in out:
            out["hem"] = {k: expand(v) for k, v in out["hem"].items()}
        out["sectors"] = table.labels
    return out


def _subtable(table: IOTable, keep: np.ndarray) -> IOTable:
    return IOTable(Z=table.Z[np.ix_(keep, keep)], Y=table.Y[keep], V=table.V[:, keep],
                   x=table.x[keep], sectors=[s for s, k in zip(table.sectors, keep, strict=True)
                                             if k],
                   regions=[r for r, k in zip(table.regions, keep, strict=True) if k],
                   fd_labels=table.fd_labels, va_labels=table.va_labels,
                   M=None if table.M is None else table.M[:, keep], m_labels=table.m_labels,
                   F=None if table.F is None else table.F[:, keep], f_labels=table.f_labels,
                   unit=table.unit, name=table.name)


def read_shock_csv(path: PathArg, table: IOTable, *, column: str = "value") -> np.ndarray:
    """A per-industry vector from a CSV with ``sector`` (and ``region`` for MRIOs) and ``column``.

    Sectors not listed get 0; unknown labels raise :class:`InputError` naming them.
    """
    p = Path(path)
    if not p.is_file():
        raise DataNotFound(f"shock file not found: {p}")
    try:
        frame = pd.read_csv(csv_source(p), dtype={"sector": str, "region": str})
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise InputError(f"{p}: cannot read the shock CSV ({type(err).__name__}); expected a "
                         "UTF-8 CSV with columns sector[,region],value") from None
    return shock_vector(frame, table, column=column, source=str(p))


def shock_vector(frame: pd.DataFrame, table: IOTable, *, column: str = "value",
                 source: str = "shock") -> np.ndarray:
    """Like :func:`read_shock_csv` for a frame already in memory."""
    if "sector" not in frame.columns or column not in frame.columns:
        raise InputError(f"{source}: needs columns 'sector' and {column!r}")
    keys = list(zip(table.regions, table.sectors, strict=True))
    pos: dict[tuple[str, str], int] = {k: i for i, k in enumerate(keys)}
    by_label = {lab: i for i, lab in enumerate(table.labels)}
    out = np.zeros(table.n)
    values = pd.to_numeric(frame[column], errors="coerce")
    for row, (sector, value) in enumerate(zip(frame["sector"], values, strict=True), start=2):
        region = str(frame["region"].iloc[row - 2]) if "region" in frame.columns else ""
        region = "" if region == "nan" else region
        i = pos.get((region, str(sector)), by_label.get(str(sector), -1))
        if i < 0 and not table.is_multiregional:
            i = pos.get(("", str(sector)), -1)
        if i < 0:
            raise InputError(f"{source}: row {row}: unknown sector {sector!r}"
                             f"{f' in region {region!r}' if region else ''}")
        if not np.isfinite(value):
            raise InputError(f"{source}: row {row}, column {column!r}: not a number")
        out[i] += float(value)
    return out


def run_shock(table: IOTable, model: str, values: np.ndarray, *, side: str = "demand",
              steps: int = 365, recovery_days: float | np.ndarray = 90.0, lam: float = 0.01,
              event_kind: str = "recovery", occurrence: int = 1, duration: int = 1,
              recovery_tau: int = 90, rebuilding_sectors: Mapping[str, float] | None = None,
              rebuild_tau: int | None = None, fixed_mask: np.ndarray | None = None
              ) -> dict[str, Any]:
    """Run one shock model on ``table`` with the per-industry input ``values``.

    Meaning of ``values`` (table units per year unless said otherwise):

    * ``leontief``: change of final demand Δf → Δx = LΔf;
    * ``ghosh``: change of primary inputs Δv → Δx' = Δv'G;
    * ``mixed``: fixed output x̄ for the industries in ``fixed_mask`` (others keep final demand);
    * ``iim``: loss of final demand (``side="demand"``) or of primary inputs (``"supply"``);
    * ``diim``: initial inoperability q(0) (shares in [0, 1]); resilience from ``recovery_days``;
    * ``ario``: capital destroyed (table units) for ``event_kind`` recovery/rebuild, or capacity
      share lost for ``arbitrary``.
    """
    labels = table.labels
    if model == "leontief":
        return leontief_demand_shock(LeontiefSolver.from_table(table), values, labels).to_dict()
    if model == "ghosh":
        return ghosh_supply_shock(LeontiefSolver.from_table(table), values, labels).to_dict()
    if model == "iim":
        solver = LeontiefSolver.from_table(table)
        if side == "demand":
            return iim_demand(solver, values, labels).to_dict()
        if side == "supply":
            return iim_supply(solver, values, labels).to_dict()
        raise InputError(f"side must be 'demand' or 'supply', got {side!r}")
    if model == "mixed":
        mask = fixed_mask if fixed_mask is not None else values != 0
        if not mask.any():
            raise InputError("the mixed model needs at least one sector with fixed output")
        A = technical_coefficients(table.Z, table.x)
        return mixed_model(A, table.f, mask, values[mask], x=table.x, labels=labels).to_dict()
    if model == "diim":
        if (values < 0).any() or (values > 1).any():
            raise InputError("DIIM initial inoperability must lie in [0, 1]")
        B = allocation_coefficients(table.Z, table.x)
        k = resilience_from_recovery(np.broadcast_to(recovery_days, (table.n,)), np.diag(B), lam)
        k = np.minimum(k, 1.0)
        res = diim(B, k, values, steps, x=table.x, labels=labels)
        final = res.q_[-1]
        return {"model": "diim", "changes": "initial inoperability q(0) (share of output lost)",
                "steps": steps, "cumulative_loss": res.cumulative_loss_,
                "sectors": [{"sector": s, "q0": float(a), "q_end": float(b), "resilience": float(c)}
                            for s, a, b, c in zip(labels, values, final, k, strict=True)],
                "loss_per_step": res.loss_.tolist()}
    if model == "ario":
        event = ARIOEvent(values, kind=event_kind, occurrence=occurrence,  # type: ignore[arg-type]
                          duration=duration, recovery_tau=recovery_tau,
                          rebuilding_sectors=rebuilding_sectors, rebuild_tau=rebuild_tau)
        out = ARIOModel().simulate(table, [event], steps).to_dict()
        out["model"] = "ario"
        out["changes"] = ("capital destroyed (table units)" if event_kind != "arbitrary"
                          else "share of capacity lost")
        return out
    raise InputError(f"unknown shock model {model!r}; expected one of {', '.join(SHOCK_MODELS)}")


# ---------------------------------------------------------------------------- demo
def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """IO tables for ``chainatlas demo``: key sectors, extraction and two shocks on the built-in
    12-sector China 2020 table (the firm dataset ``ds`` is not needed for table-level IO)."""
    del ds
    table = demo_table()
    res = analyze_table(table)
    fr = res.to_frame()
    key = fr[["sector", "output_multiplier", "backward_linkage", "forward_linkage",
              "key_class"]].sort_values("backward_linkage", ascending=False)
    hem = fr[["sector", "hem_backward", "hem_forward", "hem_total", "hem_total_share"]] \
        .sort_values("hem_total", ascending=False).head(6)
    labels = table.labels
    elec = next(i for i, s in enumerate(labels) if s.startswith("Electrical"))
    loss = np.zeros(table.n)
    loss[elec] = 0.10 * table.Y[elec, table.fd_labels.index("exports")]
    iim = iim_demand(LeontiefSolver.from_table(table), loss, labels).to_frame()
    iim = iim.sort_values("inoperability", ascending=False).head(6)
    iim = iim.rename(columns={"delta_x": "output_lost"})
    capital = 4.0 * table.value_added
    impact = np.zeros(table.n)
    impact[elec] = 0.2 * capital[elec]
    ario = ARIOModel().simulate(table, [ARIOEvent(impact, occurrence=1, duration=10,
                                                  recovery_tau=90)], 240)
    summ = ario.summary().sort_values("min_relative_production").head(6)
    return [
        ("IO · key sectors, China 2020 (12 sectors, Rasmussen linkages)", key),
        ("IO · hypothetical extraction: output lost without the sector (100 million CNY)", hem),
        ("IO · inoperability of a 10% fall in electrical & electronics exports", iim),
        ("IO · ARIO: 20% capital loss in electrical & electronics, 90-day recovery", summ),
    ]
