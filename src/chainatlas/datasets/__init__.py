"""Built-in demo datasets and synthetic networks.

- :func:`load_demo` reads a demo dataset shipped with the package (``yrd-nev``: the Yangtze River
  Delta new-energy-vehicle chain; ``gd-clusters``: Guangdong's 20 strategic industry clusters)
  into an in-memory :class:`~chainatlas.model.dataset.Dataset`, without a store.
- :func:`~chainatlas.datasets.synthetic.generate_network` draws large synthetic firm networks
  with the same tables for benchmarks.

The demo data are illustrative: places, roles and headline figures follow public sources (see the
``README.md`` in each data folder); firms, capacities, links, innovation assets and needs are
invented and firm names start with ``示例·``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from chainatlas.exceptions import DataNotFound
from chainatlas.model.dataset import Dataset
from chainatlas.model.tables import TABLE_ORDER, TABLES

__all__ = ["DEMOS", "list_demos", "load_demo", "demo_meta"]

#: Names of the built-in demo datasets.
DEMOS: tuple[str, ...] = ("yrd-nev", "gd-clusters")

_CSV_DTYPES = {"str": "string", "int": "Int64", "float": "float64", "bool": "boolean",
               "date": "string", "tags": "string"}


def list_demos() -> list[dict[str, Any]]:
    """Name, title and row counts of each built-in demo dataset."""
    out = []
    for name in DEMOS:
        meta = demo_meta(name)
        out.append({"name": name, "title": meta.get("title", ""),
                    "tables": dict(meta.get("tables", {}))})
    return out


def _folder(name: str) -> Any:
    if name not in DEMOS:
        raise DataNotFound(f"unknown demo dataset {name!r}; built-in demos: {', '.join(DEMOS)}")
    return resources.files("chainatlas.datasets").joinpath("data", name)


def demo_meta(name: str) -> dict[str, Any]:
    """The ``meta.json`` of a demo dataset: title, note on what is illustrative, row counts."""
    meta: dict[str, Any] = json.loads(_folder(name).joinpath("meta.json").read_text("utf-8"))
    return meta


def _read_table(folder: Any, table: str) -> pd.DataFrame | None:
    res = folder.joinpath(f"{table}.csv")
    if not res.is_file():
        return None
    spec = TABLES[table]
    dtypes = {c.name: _CSV_DTYPES[c.dtype] for c in spec.columns}
    with res.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=dtypes, keep_default_na=False, na_values=[""])
    names = spec.column_names
    have = list(frame.columns)
    # columns added to a spec later (optional, at its end) may be absent: filled with defaults
    if have != names[:len(have)] or any(c.required for c in spec.columns[len(have):]):
        raise DataNotFound(f"demo table {table}.csv has columns {list(frame.columns)}, "
                           f"expected {spec.column_names}")
    for col in spec.columns[len(have):]:
        fill = col.default if col.default is not None else \
            (float("nan") if col.dtype == "float" else pd.NA)
        frame[col.name] = pd.Series([fill] * len(frame), index=frame.index,
                                    dtype=dtypes[col.name])
    # an empty cell of a column with a default holds the default, as in an imported file
    # (readers.validate): an empty supply_links.member is an observed link, member 0
    for col in spec.columns[:len(have)]:
        if col.default is not None and col.dtype != "tags":
            frame[col.name] = frame[col.name].fillna(col.default)
    for col in spec.columns:
        if col.dtype == "tags":
            frame[col.name] = pd.Series(
                [[] if v is pd.NA else [t for t in str(v).split(";") if t]
                 for v in frame[col.name]], index=frame.index, dtype=object)
    return frame


@lru_cache(maxsize=4)
def _load_frames(name: str) -> dict[str, pd.DataFrame]:
    folder = _folder(name)
    frames = {}
    for table in TABLE_ORDER:
        frame = _read_table(folder, table)
        if frame is not None:
            frames[table] = frame
    return frames


def load_demo(name: str = "yrd-nev") -> Dataset:
    """A built-in demo dataset as an in-memory :class:`Dataset` (no store needed).

    Parameters
    ----------
    name : str
        ``"yrd-nev"`` or ``"gd-clusters"``.

    Returns
    -------
    Dataset
        Tables with the dtypes of :mod:`chainatlas.model.tables` (ids as strings, ``tags`` as
        lists of strings); ``meta`` holds the dataset's title and its note on what is illustrative.
        Each call returns fresh copies, so callers may modify them.

    Raises
    ------
    DataNotFound
        If ``name`` is not a built-in demo.

    Examples
    --------
    >>> ds = load_demo("yrd-nev")
    >>> len(ds.firms) >= 150, len(ds.supply_links) >= 600
    (True, True)
    """
    frames = {t: f.copy(deep=True) for t, f in _load_frames(name).items()}
    for t, f in frames.items():
        if "tags" in f.columns:
            f["tags"] = f["tags"].map(list)
        frames[t] = f
    return Dataset.from_frames(name, frames, meta=demo_meta(name))
