"""Cluster use cases: complexity of a matrix file, measures, shift-share, N-hour circles, scorecards.

Each function loads what it needs (a CSV file or a dataset from the store) and calls the compute
engine in :mod:`chainatlas.cluster`; the CLI and the API call these, nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd

from chainatlas._types import PathArg
from chainatlas.cluster import (
    CircleResult,
    ClusterScorecard,
    ComplexityResult,
    DagumResult,
    cluster_scorecard,
    dagum_gini,
    economic_complexity,
    ellison_glaeser,
    hoover_localisation,
    input_circle,
    location_quotient,
    plant_herfindahl,
    regional_measures,
    shift_share,
)
from chainatlas.cluster.panel import (
    ValueKind,
    firm_segment_values,
    region_activity_matrix,
    regions_at_level,
)
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.dataset import Dataset
from chainatlas.places.levels import RegionLevel
from chainatlas.readers.encoding import csv_source
from chainatlas.services.datasets import DbArg, load_dataset

__all__ = [
    "circle",
    "complexity_from_csv",
    "dagum_from_csv",
    "dataset_complexity",
    "demo_section",
    "measures",
    "read_matrix",
    "scorecard",
    "shift_share_from_csv",
    "write_workbook",
]


def write_workbook(path: PathArg, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write ``sheets`` (name → frame) to an Excel workbook; list cells become ``a;b;c``."""
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise InputError(f"the workbook must end in .xlsx, got {p.name}")
    p.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        for name, frame in sheets.items():
            f = frame.copy()
            for c in f.columns:
                if f[c].dtype == object:
                    f[c] = f[c].map(lambda v: ";".join(map(str, v))
                                    if isinstance(v, (list, tuple)) else v)
            f.to_excel(xw, sheet_name=name[:31], index=False)
    return p


def read_matrix(path: PathArg, *, name: str = "matrix") -> pd.DataFrame:
    """Read a wide CSV (first column: location labels; other columns: activities; values ≥ 0).

    A long CSV with columns ``location, activity, value`` (or ``loc, prod, val``) is pivoted.

    Raises
    ------
    DataNotFound
        The file does not exist.
    InputError
        The file cannot be parsed as a matrix.
    """
    p = Path(path)
    if not p.is_file():
        raise DataNotFound(f"{name} file not found: {p}")
    try:
        df = pd.read_csv(csv_source(p), dtype={0: str})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise InputError(f"{p}: cannot read as CSV ({err})") from err
    cols = [c.lower() for c in df.columns]
    for loc, act, val in (("location", "activity", "value"), ("loc", "prod", "val"),
                          ("region", "industry", "value")):
        if {loc, act, val} <= set(cols):
            ren = {df.columns[cols.index(k)]: k for k in (loc, act, val)}
            d = df.rename(columns=ren)
            d[val] = pd.to_numeric(d[val], errors="coerce")
            if d[val].isna().any():
                row = int(d.index[d[val].isna()][0]) + 2
                raise InputError(f"{p}: row {row}, column '{val}': expected a number ≥ 0")
            d[[loc, act]] = d[[loc, act]].astype(str)
            return d.pivot_table(index=loc, columns=act, values=val, aggfunc="sum",
                                 fill_value=0.0)
    if df.shape[1] < 2:
        raise InputError(f"{p}: expected a first column of location labels and one column per "
                         "activity (or long columns location, activity, value)")
    df = df.set_index(df.columns[0])
    df.index = df.index.astype(str)
    for c in df.columns:
        conv = pd.to_numeric(df[c], errors="coerce")
        bad = conv.isna() & df[c].notna()
        if bad.any():
            r = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise InputError(f"{p}: row {r}, column '{c}': value {df[c][bad].iloc[0]!r} is not a "
                             "number; expected a number ≥ 0")
        df[c] = conv
    if df.isna().any().any():
        df = df.fillna(0.0)
    return df


def complexity_from_csv(path: PathArg, **options: Any) -> ComplexityResult:
    """Economic complexity of the matrix in a CSV file (see :func:`read_matrix`), with the
    log-supermodularity diagnostic (a warning below 80 %)."""
    res = economic_complexity(read_matrix(path), **options)
    res.diagnose()
    return res


def dataset_complexity(db: DbArg, dataset: str, *, value: ValueKind = "output_value",
                       chain: str | None = None, level: RegionLevel = "prefecture",
                       **options: Any) -> ComplexityResult:
    """Economic complexity of a dataset's domestic region × segment matrix, firms rolled up to
    one region ``level`` (``province``, ``prefecture`` or ``county``; see
    :mod:`chainatlas.places.levels`). Firms located only at a coarser level are left out and
    reported in ``notes``; ``settings["region_level"]`` holds the roll-up report."""
    ds = load_dataset(db, dataset)
    report: dict[str, Any] = {}
    X = region_activity_matrix(ds, value, chain=chain, domestic_only=True, level=level,
                               report=report)
    res = economic_complexity(X, **options)
    res.settings["region_level"] = report
    res.notes[:0] = report["notes"]
    res.diagnose()
    return res


def _matrix_or_dataset(db: DbArg, dataset: str | None, matrix: PathArg | None,
                       value: ValueKind, chain: str | None, level: RegionLevel,
                       report: dict[str, Any]) -> tuple[pd.DataFrame, Dataset | None]:
    if (dataset is None) == (matrix is None):
        raise InputError("give either a dataset or a matrix file")
    if matrix is not None:
        return read_matrix(matrix), None
    assert dataset is not None
    ds = load_dataset(db, dataset)
    return region_activity_matrix(ds, value, chain=chain, domestic_only=True, level=level,
                                  report=report), ds


def measures(db: DbArg = None, dataset: str | None = None, *,
             matrix: PathArg | None = None, value: ValueKind = "output_value",
             chain: str | None = None, level: RegionLevel = "prefecture") -> dict[str, Any]:
    """Regional specialisation and industry localisation of a dataset or a matrix file.

    A dataset's firms are rolled up to one region ``level`` first (as in
    :func:`dataset_complexity`); a matrix file is used as it is.

    Returns
    -------
    dict
        ``regions`` (Krugman, Hoover, HHI, top industry per region), ``industries`` (Hoover
        localisation, Ellison–Glaeser G, H, γ and band per industry; H from the firms of the
        dataset, 0 for a matrix file), ``lq`` (the LQ matrix), ``region_level`` (the roll-up
        report, None for a matrix file) and ``notes``.
    """
    report: dict[str, Any] = {}
    X, ds = _matrix_or_dataset(db, dataset, matrix, value, chain, level, report)
    if ds is not None:
        fv = firm_segment_values(ds, value, chain=chain, domestic_only=True)
        fv = fv[fv["value"] > 0]
        fv, _ = regions_at_level(fv, level)   # the same firms as X
        H = plant_herfindahl(fv["value"].to_numpy(), fv["segment"].to_numpy())
        H = H.reindex(X.columns).fillna(0.0)
    else:
        H = None
    eg = ellison_glaeser(X, H)
    ind = pd.concat([hoover_localisation(X), eg], axis=1).reset_index(names="industry")
    reg = regional_measures(X).reset_index(names="region")
    return {"regions": reg, "industries": ind,
            "lq": location_quotient(X).reset_index(names="region"),
            "value": value if ds is not None else "matrix",
            "region_level": report or None, "notes": list(report.get("notes", []))}


def dagum_from_csv(path: PathArg, value: str, group: str) -> DagumResult:
    """Dagum's Gini decomposition of column ``value`` of a CSV by column ``group``."""
    p = Path(path)
    if not p.is_file():
        raise DataNotFound(f"file not found: {p}")
    df = pd.read_csv(csv_source(p))
    missing = [c for c in (value, group) if c not in df.columns]
    if missing:
        raise InputError(f"{p}: no column(s) {missing}; columns are {list(df.columns)}")
    y = pd.to_numeric(df[value], errors="coerce")
    if y.isna().any():
        row = int(y.index[y.isna()][0]) + 2
        raise InputError(f"{p}: row {row}, column '{value}': expected a number ≥ 0")
    return dagum_gini(y.to_numpy(), df[group].astype(str).to_numpy())


def shift_share_from_csv(start: PathArg, end: PathArg) -> pd.DataFrame:
    """Shift-share decomposition between two matrix files (same labels)."""
    a, b = read_matrix(start, name="start"), read_matrix(end, name="end")
    labels_r = a.index.union(b.index)
    labels_c = a.columns.union(b.columns)
    a = a.reindex(index=labels_r, columns=labels_c, fill_value=0.0)
    b = b.reindex(index=labels_r, columns=labels_c, fill_value=0.0)
    return shift_share(a, b)


def circle(db: DbArg, dataset: str, of: str, hours: float = 4.0, *,
           mode: Literal["road", "rail"] = "road", times: PathArg | None = None,
           chain: str | None = None, value: ValueKind = "output_value") -> CircleResult:
    """N-hour circle around region ``of`` (see :func:`chainatlas.cluster.input_circle`)."""
    ds = load_dataset(db, dataset)
    t = None
    if times is not None:
        p = Path(times)
        if not p.is_file():
            raise DataNotFound(f"travel-time file not found: {p}")
        t = pd.read_csv(csv_source(p), dtype=str)
        if {"origin", "destination", "hours"} <= set(t.columns):
            t["hours"] = pd.to_numeric(t["hours"], errors="coerce")
        else:
            t = t.set_index(t.columns[0]).apply(pd.to_numeric, errors="coerce")
    return input_circle(ds, of, hours, mode=mode, times=t, chain=chain, value=value)


def scorecard(db: DbArg, dataset: str, region: str | None = None, *,
              year: int | None = None, threshold_yuan: float = 1e12) -> ClusterScorecard:
    """Cluster scorecard of ``region`` (default: the region holding cluster indicators)."""
    ds = load_dataset(db, dataset)
    ind = ds.indicators
    if region is None:
        has = ind.loc[ind["indicator"].astype(str).str.startswith("cluster_"), "region"]
        regions = sorted(set(has.astype(str)))
        if not regions:
            raise DataNotFound(f"dataset {dataset!r} has no cluster indicators")
        if len(regions) > 1:
            raise InputError(f"several regions have cluster indicators ({', '.join(regions[:5])}); "
                             "choose one with --region")
        region = regions[0]
    else:
        from chainatlas.services.places import dataset_region

        region = dataset_region(ds, region) or region
    return cluster_scorecard(ind, ds.indicator_defs, region, year=year,
                             threshold_yuan=threshold_yuan)


def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """Titled tables for ``chainatlas demo``: Shanghai's 4-hour road circle on the yrd-nev demo."""
    site = "310000"
    if site not in set(ds.regions["code"].astype(str)):
        return []
    res = input_circle(ds, site, 4.0)
    within = res.regions[res.regions["within"]][["code", "name", "hours"]].round({"hours": 2})
    firms_regions = set(ds.firms["region"].astype(str))
    within = within[within["code"].isin(firms_regions)]
    summary = pd.DataFrame({
        "measure": ["chain output within 4 h (share of value)",
                    "segments with a producer within 4 h",
                    "Shanghai firms' purchases sourced within 4 h"],
        "value": [f"{res.share_within:.0%}", f"{res.segments_covered}/{res.segments_total}",
                  "n/a" if res.sourcing["share_within"] is None
                  else f"{res.sourcing['share_within']:.0%}"],
    })
    outside = (res.segments[res.segments["share_within"] < 0.5]
               [["segment", "name", "share_within", "nearest_region", "nearest_hours"]]
               .sort_values("share_within").head(8).round(2))
    return [("上海4小时产业圈 · Shanghai 4-hour road circle", summary),
             ("圈内城市 · Cities within 4 h by road", within),
             ("圈外为主的环节 · Segments mostly outside the circle", outside)]
