"""Region × segment matrices built from a dataset's firms, for cluster measures and complexity."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.model.tables import TABLES
from chainatlas.places.levels import LEVELS, roll_up

__all__ = ["ValueKind", "firm_segment_values", "region_activity_matrix", "regions_at_level",
           "table_of"]

ValueKind = Literal["output_value", "capacity", "firms", "employees"]
VALUE_KINDS: tuple[str, ...] = ("output_value", "capacity", "firms", "employees")


def table_of(ds: Dataset, table: str) -> pd.DataFrame:
    """``ds``'s ``table`` with every column of the data model (absent optional ones as missing)."""
    frame = ds.table(table)
    missing = [c for c in TABLES[table].column_names if c not in frame.columns]
    if missing:
        frame = frame.assign(**{c: pd.Series(np.nan, index=frame.index, dtype=object)
                                for c in missing})
    return frame


def firm_segment_values(ds: Dataset, value: ValueKind = "output_value", *,
                        chain: str | None = None, domestic_only: bool = False) -> pd.DataFrame:
    """One row per (firm, segment) with ``firm, segment, region, country, value``.

    ``value``: ``output_value`` (万元/yr), ``capacity`` (units/day), ``firms`` (1 per firm and
    segment) or ``employees`` (a firm's employees split over its segments by output value, equally
    when output is unknown). Rows with a missing value count as 0.
    """
    if value not in VALUE_KINDS:
        raise InputError(f"unknown value {value!r}; expected one of {', '.join(VALUE_KINDS)}")
    fs = table_of(ds, "firm_segments")[["firm", "segment", "capacity", "output_value"]]
    firms = table_of(ds, "firms")[["id", "region", "country", "employees"]].rename(
        columns={"id": "firm"})
    df = fs.merge(firms, on="firm", how="inner")
    if chain is not None:
        segs = table_of(ds, "segments")
        keep = set(segs.loc[segs["chain"].astype(str) == str(chain), "id"].astype(str))
        if not keep:
            raise InputError(f"chain {chain!r} has no segments")
        df = df[df["segment"].astype(str).isin(keep)]
    if domestic_only:
        df = df[df["country"].fillna("CHN").astype(str) == "CHN"]
    if value == "firms":
        v = pd.Series(1.0, index=df.index)
    elif value == "employees":
        out = df["output_value"].astype(float).fillna(0.0)
        tot = out.groupby(df["firm"]).transform("sum")
        n = df.groupby("firm")["segment"].transform("size").astype(float)
        share = np.where(tot > 0, out / tot.where(tot > 0, 1.0), 1.0 / n)
        v = df["employees"].astype(float).fillna(0.0) * share
    else:
        v = df[value].astype(float).fillna(0.0)
    return pd.DataFrame({"firm": df["firm"].astype(str).to_numpy(),
                         "segment": df["segment"].astype(str).to_numpy(),
                         "region": df["region"].astype(str).to_numpy(),
                         "country": df["country"].fillna("CHN").astype(str).to_numpy(),
                         "value": np.asarray(v, dtype=np.float64)})


def regions_at_level(rows: pd.DataFrame, level: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Firm–segment rows (:func:`firm_segment_values`) with ``region`` rolled up to ``level``.

    ``level`` is ``province``, ``prefecture`` or ``county`` (rules in
    :mod:`chainatlas.places.levels`). Rows of firms whose region is coarser than ``level`` (a
    province code at prefecture level) are left out and reported; codes that are not adcodes are
    kept as they are and counted.

    Returns
    -------
    (DataFrame, dict)
        The rows, and a report ``level, coarser_firms, coarser_value_share, coarser_regions,
        not_adcode_firms, notes``.
    """
    if level not in LEVELS:
        raise InputError(f"unknown region level {level!r}; expected {', '.join(LEVELS)}")
    codes = pd.unique(rows["region"].astype(str))
    rolled = {c: roll_up(c, level) for c in codes}
    status = rows["region"].astype(str).map(lambda c: rolled[c].status)
    coarse = (status == "coarser").to_numpy()
    other = (status == "not_adcode").to_numpy()
    total = float(rows["value"].sum())
    report: dict[str, Any] = {
        "level": level,
        "coarser_firms": int(rows.loc[coarse, "firm"].nunique()),
        "coarser_value_share": float(rows.loc[coarse, "value"].sum()) / total if total > 0
        else 0.0,
        "coarser_regions": sorted(set(rows.loc[coarse, "region"].astype(str))),
        "not_adcode_firms": int(rows.loc[other, "firm"].nunique()),
        "notes": [],
    }
    if report["coarser_firms"]:
        regs = report["coarser_regions"]
        report["notes"].append(
            f"{report['coarser_firms']} firm(s) ({report['coarser_value_share']:.1%} of the "
            f"value) are located only at a level coarser than {level} (region "
            f"{', '.join(regs[:5])}{' …' if len(regs) > 5 else ''}) and are left out; give "
            f"their {level} or choose a coarser --level")
    if report["not_adcode_firms"]:
        report["notes"].append(
            f"{report['not_adcode_firms']} firm(s) have a region that is not a 6-digit adcode; "
            f"kept as given, not rolled up to {level}")
    out = rows.loc[~coarse].copy()
    out["region"] = out["region"].astype(str).map(lambda c: rolled[c].code)
    return out.reset_index(drop=True), report


def region_activity_matrix(ds: Dataset, value: ValueKind = "output_value", *,
                           chain: str | None = None, domestic_only: bool = False,
                           level: str | None = None,
                           report: dict[str, Any] | None = None) -> pd.DataFrame:
    """Regions (rows) × segments (columns) of summed ``value`` (see :func:`firm_segment_values`).

    ``level`` (``province``, ``prefecture`` or ``county``) rolls the firms' regions up to that
    level first (:func:`regions_at_level`); its report is put into ``report`` when one is given.

    Raises
    ------
    InputError
        The dataset has no firm with a segment and a positive value.
    """
    rows = firm_segment_values(ds, value, chain=chain, domestic_only=domestic_only)
    rows = rows[rows["value"] > 0]
    if rows.empty:
        raise InputError(f"dataset {ds.name!r} has no firm–segment rows with a positive {value}")
    if level is not None:
        rows, rep = regions_at_level(rows, level)
        if report is not None:
            report.update(rep)
        if rows.empty:
            raise InputError(f"dataset {ds.name!r}: no firm is located at {level} level or "
                             f"finer; {'; '.join(rep['notes'])}")
    mat = rows.pivot_table(index="region", columns="segment", values="value", aggfunc="sum",
                           fill_value=0.0)
    mat.index.name, mat.columns.name = "region", "segment"
    return mat.astype(np.float64)
