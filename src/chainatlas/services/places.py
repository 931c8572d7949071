"""Places: resolve a file's place strings to region codes, and region arguments to codes.

``resolve_file`` reads a CSV/Excel/Parquet/JSON file (encoding detected or given) and resolves one
column, optionally with a country column as context, one result per row in input order.
``region_code`` turns a ``--region``/``region=`` argument — a code or any name the resolver
reads (常州市, Nanjing) — into the code a dataset stores, naming the candidates when ambiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import DataNotFound, InputError

__all__ = ["dataset_region", "region_code", "resolve_file", "resolve_values", "results_frame"]

_COLUMNS = ["input", "region", "level", "name", "country", "confidence", "candidates", "status"]


def _resolver(db: Any = None, dataset: str | None = None) -> Any:
    from chainatlas.readers.regions import resolver_for

    if dataset is None:
        return resolver_for()
    from chainatlas.services.datasets import load_dataset

    ds = load_dataset(db, dataset)
    regions = ds.table("regions")
    rows = regions.astype(object).where(regions.notna(), None).to_dict(orient="records")
    return resolver_for(rows)


def resolve_values(values: Sequence[object], countries: Sequence[object] | None = None, *,
                   db: Any = None, dataset: str | None = None) -> list[dict[str, Any]]:
    """One result per value, in order: ``{"input", "region", "level", "name", "country",
    "confidence", "candidates", "status"}``. With ``dataset``, its own regions take part."""
    if countries is not None and len(countries) != len(values):
        raise InputError(f"{len(countries)} countries for {len(values)} values: give one each")
    r = _resolver(db, dataset)
    return [res.to_dict() for res in r.resolve_many(list(values),
                                                    None if countries is None else
                                                    list(countries))]


def resolve_file(path: PathArg, column: str, *, country_column: str | None = None,
                 encoding: str | None = None, sheet: str | None = None, db: Any = None,
                 dataset: str | None = None) -> dict[str, Any]:
    """Resolve ``column`` of the file at ``path``: ``{"results": [...]}``, one per row."""
    from chainatlas.config import get_settings
    from chainatlas.readers.tabular import read_file

    raw = read_file(Path(path), sheet=sheet, encoding=encoding, max_rows=get_settings().max_rows)
    frame = raw.frame
    for col in (column, country_column):
        if col is not None and col not in frame.columns:
            raise InputError(f"{raw.file} has no column {col!r}; its columns: "
                             + ", ".join(repr(str(c)) for c in frame.columns))
    values = [None if pd.isna(v) else str(v) for v in frame[column]]
    countries = None if country_column is None else \
        [None if pd.isna(v) else str(v) for v in frame[country_column]]
    results = resolve_values(values, countries, db=db, dataset=dataset)
    for row, res in zip(frame.index, results, strict=True):
        res["row"] = int(row) + raw.row_base
    summary = pd.Series([r["status"] for r in results]).value_counts().to_dict()
    return {"file": raw.file, "column": column, "results": results,
            "counts": {k: int(v) for k, v in summary.items()}}


def results_frame(results: list[dict[str, Any]]) -> pd.DataFrame:
    """Results as a flat table (candidates joined by '; ')."""
    rows = []
    for r in results:
        flat = {k: r.get(k) for k in ["row", *_COLUMNS] if k in r or k != "row"}
        flat["candidates"] = "; ".join(f"{c['region']} {c['label']}" for c in r["candidates"])
        rows.append(flat)
    return pd.DataFrame(rows)


def region_code(region: str, known: Sequence[str] | pd.DataFrame | None = None, *,
                what: str = "the dataset") -> str:
    """The code for a ``--region`` argument: a code as it is, else the place a name resolves to.

    ``known``: the dataset's ``regions`` table (its own names take part) or its codes. A code
    already in ``known`` is returned unchanged. Raises :class:`InputError` listing the
    candidates when the name is ambiguous and :class:`DataNotFound` when it names no place.
    """
    from chainatlas.readers.regions import resolver_for

    text = str(region).strip()
    rows: list[dict[str, object]] = []
    codes: set[str] = set()
    if isinstance(known, pd.DataFrame):
        codes = set(known["code"].astype(str))
        rows = known.astype(object).where(known.notna(), None).to_dict(orient="records")
    elif known is not None:
        codes = {str(c) for c in known}
    if text in codes:
        return text
    res = resolver_for(rows).resolve(text)
    if res.status == "ambiguous":
        shown = "; ".join(f"{c['region']} {c['label']}" for c in res.candidates[:8])
        raise InputError(f"region {text!r} is ambiguous: it could be {shown}; give the code or "
                         "name the province or city too")
    if res.region is None:
        raise DataNotFound(f"region {text!r} is not a code or a place name known to {what}")
    return res.region


def dataset_region(ds: Any, region: str | None) -> str | None:
    """``region`` (a code or a name; several comma-separated) as codes of dataset ``ds``."""
    if region is None or not str(region).strip():
        return region
    regions = ds.table("regions")
    parts = [p.strip() for p in str(region).replace("，", ",").split(",") if p.strip()]
    return ",".join(region_code(p, regions, what=f"dataset {ds.name!r}") for p in parts)
