"""Validate an import as a whole, against the dataset's current contents, before anything is written.

Checks, in order (every check is vectorised over whole columns):

1. headers — a missing required column (error), an unknown column (warning, dropped), two
   headers naming the same column (error);
2. cells — a value that is not of the column's type (number, whole number, date, true/false, one
   of the choices), an empty required cell, a number outside the column's range (negative
   capacity or value, a share outside [0, 1]);
3. regions — a region given as an adcode, an ISO-3 code or a Chinese place name (resolved with
   ``cpca``) that cannot be resolved;
4. keys — a duplicate key within the file, or (appending) a key already in the dataset;
5. references — a value that refers to no row of the referenced table (a link to an unknown firm
   or segment, an unknown region), and, when a table is replaced, rows of other tables that would
   be left referring to nothing;
6. the bill of materials — a cycle in ``segment_inputs`` (named: ``a → b → a``).

Up to :data:`MAX_LISTED` problems are listed in the raised :class:`ValidationError`, which also
counts them all; warnings come back with the cleaned frames.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chainatlas._validation import MAX_LISTED, plain_value
from chainatlas.exceptions import Problem, ValidationError
from chainatlas.model.dataset import empty_frame
from chainatlas.model.tables import TABLE_ORDER, TABLES, Column, TableSpec, get_spec
from chainatlas.readers.coerce import coerce_column
from chainatlas.readers.headers import map_headers
from chainatlas.readers.problems import ProblemCollector
from chainatlas.readers.regions import region_reference, resolve_region_values, resolver_for
from chainatlas.readers.tabular import RawTable

__all__ = ["MAX_LISTED", "ExistingRows", "ValidatedImport", "find_cycle", "validate_import"]

#: ``existing(table, columns)`` returns the dataset's current rows of ``table`` (those columns).
ExistingRows = Callable[[str, list[str]], pd.DataFrame]

_NOUN = {"firms": "firm", "segments": "segment", "regions": "region", "chains": "chain",
         "indicator_defs": "indicator"}
_TYPE_MESSAGE = {"int": "not a whole number", "float": "not a number", "bool": "not true/false",
                 "date": "not a date", "str": "not text", "tags": "not a list of tags"}


@dataclass
class ValidatedImport:
    """What passed validation: typed frames with canonical columns, ready to write.

    ``added_regions`` holds rows of the built-in region reference for places the import refers to
    but the dataset's ``regions`` table lacks (the service appends them in the same transaction).
    """

    frames: dict[str, pd.DataFrame]
    warnings: list[Problem] = field(default_factory=list)
    added_regions: pd.DataFrame | None = None
    rows_read: dict[str, int] = field(default_factory=dict)


def _as_arrow_text(values: pd.Series | pd.Index) -> pa.Array:
    arr = pa.array(pd.Series(values).astype("string"), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _isin(values: pd.Series, known: pd.Index) -> np.ndarray:
    """``values.isin(known)`` on text through Arrow hash sets (pandas loops in Python here)."""
    found = pc.is_in(_as_arrow_text(values), value_set=_as_arrow_text(known), skip_nulls=True)
    return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


@dataclass
class _Table:
    spec: TableSpec
    file: str
    frame: pd.DataFrame
    rows: np.ndarray
    headers: dict[str, str]
    raw: pd.DataFrame

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


def _expected_region() -> str:
    return ("a region code (adcode, ISO-3, ISO 3166-2, a code of the dataset's regions) or a "
            "place name or address in Chinese, English or pinyin")


def _region_columns(spec: TableSpec) -> list[str]:
    return [fk.columns[0] for fk in spec.foreign_keys if fk.ref_table == "regions"]


def _region_problems(res: Any, series: pd.Series, bad: np.ndarray, rows: np.ndarray, file: str,
                     header: str, out: ProblemCollector) -> None:
    unresolved = res.unresolved & ~bad
    out.add_cells(unresolved, rows=rows, values=series, file=file, column=header,
                  message="unknown region", expected=_expected_region())
    text = series.astype("string")
    for value, cands in list(res.candidates.items())[:MAX_LISTED]:
        mask = res.ambiguous & (text == value).fillna(False).to_numpy(dtype=bool) & ~bad
        shown = "; ".join(cands[:8]) + (f"; … {len(cands) - 8} more" if len(cands) > 8 else "")
        out.add_cells(mask, rows=rows, values=series, file=file, column=header,
                      message=f"ambiguous region: could be {shown}",
                      expected="a place named with its province or city (e.g. 江苏省苏州市, "
                               "Suzhou Jiangsu), or one of the codes")
    for value, code in list(res.corrected.items())[:MAX_LISTED]:
        out.add(Problem(f"region '{value}' read as {code} (a spelling slip corrected)", file,
                        None, header, value, severity="warning"))


def _check_table(table: str, raw: RawTable, out: ProblemCollector,
                 resolver: Any = None) -> _Table:
    spec = get_spec(table)
    match = map_headers(list(raw.frame.columns), spec)
    file = raw.file
    for name in match.missing:
        col = spec.column(name)
        out.add(Problem(f"missing required column '{name}' ({col.zh})", file, None, name, None,
                        f"a column headed '{name}' or '{col.zh}'"))
    for first, second, target in match.clashes:
        out.add(Problem(f"columns '{first}' and '{second}' both mean '{target}'", file, None,
                        second, None, "one column per field"))
    for header in match.unknown:
        out.add(Problem(f"unknown column '{header}' ignored", file, None, header,
                        severity="warning"))
    raw_frame = raw.frame[list(match.columns)]
    raw_frame.columns = [match.columns[h] for h in match.columns]
    rows = raw.frame.index.to_numpy(dtype=np.int64) + raw.row_base
    headers = {c: h for h, c in match.columns.items()}
    data: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.name not in raw_frame.columns:
            continue
        series = raw_frame[col.name].reset_index(drop=True)
        values, bad = coerce_column(series, col)
        header = headers[col.name]
        if bad.any():
            msg = (f"not one of {', '.join(col.choices)}" if col.choices
                   else _TYPE_MESSAGE[col.dtype])
            out.add_cells(bad, rows=rows, values=series, file=file, column=header,
                          message=msg, expected=col.expected())
        if col.name in _region_columns(spec):
            country = raw_frame["country"].reset_index(drop=True) \
                if "country" in raw_frame.columns and col.name == "region" else None
            res = resolve_region_values(values, resolver, country)
            _region_problems(res, series, bad, rows, file, header, out)
            values = res.codes
            bad = bad | res.unresolved | res.ambiguous
        _check_range(col, values, bad, rows, series, file, header, out)
        if not col.nullable:
            empty = values.isna().to_numpy() & ~bad if col.dtype != "tags" else \
                np.zeros(len(values), dtype=bool)
            out.add_cells(empty, rows=rows, values=series, file=file, column=header,
                          message="empty cell in a required column", expected=col.expected())
        data[col.name] = values
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(raw_frame)))
    frame = _fill_defaults(spec, frame)
    return _Table(spec, file, frame, rows, headers, raw_frame.reset_index(drop=True))


def _check_range(col: Column, values: pd.Series, bad: np.ndarray, rows: np.ndarray,
                 raw: pd.Series, file: str, header: str, out: ProblemCollector) -> None:
    if col.dtype not in ("int", "float") or (col.minimum is None and col.maximum is None):
        return
    arr = values.astype("float64").to_numpy()
    ok = ~np.isnan(arr) & ~bad
    if col.minimum is not None:
        low = ok & (arr < col.minimum)
        msg = "negative number" if col.minimum == 0 else f"below the minimum {col.minimum:g}"
        out.add_cells(low, rows=rows, values=raw, file=file, column=header, message=msg,
                      expected=col.expected())
    if col.maximum is not None:
        high = ok & (arr > col.maximum)
        out.add_cells(high, rows=rows, values=raw, file=file, column=header,
                      message=f"above the maximum {col.maximum:g}", expected=col.expected())


def _fill_defaults(spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    template = empty_frame(spec.name)
    n = len(frame)
    for col in spec.columns:
        if col.name == "country" and spec.name == "firms" and "region" in frame.columns:
            region = frame["region"].astype("string")
            foreign = region.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)
            ref = region_reference()
            of_region = region.map(dict(zip(ref["code"], ref["country"], strict=True)),
                                   na_action="ignore").astype("string")
            guess = region.where(foreign, of_region).fillna("CHN")
            if col.name in frame.columns:
                frame[col.name] = frame[col.name].fillna(guess).astype("string")
            else:
                frame[col.name] = guess.astype("string")
            continue
        if col.name == "ownership" and spec.name == "firms" and "country" in frame.columns:
            guess = frame["country"].astype("string").ne("CHN").map(
                {True: "foreign", False: "domestic"}).astype("string")
            current = frame[col.name] if col.name in frame.columns else \
                pd.Series(pd.NA, index=frame.index, dtype="string")
            frame[col.name] = current.astype("string").fillna(guess).fillna("domestic")
            continue
        if col.name not in frame.columns:
            if col.dtype == "tags":
                frame[col.name] = pd.Series([[] for _ in range(n)], dtype=object)
            elif col.default is not None:
                frame[col.name] = pd.Series([col.default] * n, dtype=template[col.name].dtype)
            else:
                frame[col.name] = pd.Series(pd.NA if col.dtype != "float" else np.nan,
                                            index=frame.index, dtype=template[col.name].dtype)
        elif col.default is not None and col.dtype != "tags":
            frame[col.name] = frame[col.name].fillna(col.default)  # type: ignore[arg-type]
    ordered = frame[[c.name for c in spec.columns]]
    return ordered.astype({c: template[c].dtype for c in ordered.columns if c != "tags"})


def _key_text_array(frame: pd.DataFrame, key: tuple[str, ...]) -> pa.Array:
    """Each row's key as one text value (parts joined by a unit separator)."""
    parts = [_as_arrow_text(frame[k]).cast(pa.large_string()) if frame[k].dtype != "string"
             else _as_arrow_text(frame[k]) for k in key]
    if len(parts) == 1:
        return parts[0]
    joined = pc.binary_join_element_wise(*parts, pa.scalar("\x1f", pa.large_string()))
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def _repeated(values: pa.Array) -> np.ndarray:
    """True where a value already appeared earlier (``duplicated(keep="first")``), in O(n).

    Dictionary codes are numbered in order of first appearance, so a row holds a value's first
    occurrence exactly when its code exceeds every code before it.
    """
    codes = np.asarray(values.dictionary_encode().indices.fill_null(-1).to_numpy(),
                       dtype=np.int64)
    if codes.size == 0:
        return np.zeros(0, dtype=bool)
    seen = np.maximum.accumulate(codes)
    first = np.empty(codes.size, dtype=bool)
    first[0] = True
    first[1:] = codes[1:] > seen[:-1]
    return ~first


def _key_text(frame: pd.DataFrame, key: tuple[str, ...], i: int) -> str:
    return ", ".join(f"{k}={frame[k].iloc[i]!r}" for k in key)


def _check_keys(t: _Table, existing: ExistingRows, mode: str, out: ProblemCollector) -> None:
    key = t.spec.key
    if not key or any(k not in t.frame.columns for k in key):
        return
    frame = t.frame
    usable = frame[list(key)].notna().all(axis=1).to_numpy()
    key_text = _key_text_array(frame, key)
    dup = _repeated(key_text) & usable
    idx = np.flatnonzero(dup)
    if idx.size:
        keys = frame[list(key)]
        for i in idx[: out.limit]:
            same = (keys == keys.iloc[i]).all(axis=1).to_numpy()
            first = int(np.flatnonzero(same)[0])
            out.errors.append(Problem(
                f"duplicate key ({_key_text(frame, key, i)}), first on row {t.rows[first]}",
                t.file, int(t.rows[i]), t.header(key[0]), plain_value(frame[key[0]].iloc[i]),
                "a key that appears once"))
        out.total += int(idx.size)
    if mode != "append":
        return
    old = existing(t.spec.name, list(key))
    if old.empty:
        return
    clash = pc.is_in(key_text, value_set=_key_text_array(old, key))
    clash = np.asarray(clash.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    clash &= usable & ~dup
    out.add_cells(np.asarray(clash), rows=t.rows, values=frame[key[0]], file=t.file,
                  column=t.header(key[0]),
                  message="key already in the dataset (append mode)",
                  expected="a new key, or --mode replace")


class _References:
    """The values each referenced column will hold once the import has landed."""

    def __init__(self, tables: Mapping[str, _Table], existing: ExistingRows,
                 modes: Mapping[str, str]) -> None:
        self.tables = tables
        self.existing = existing
        self.modes = modes
        self._cache: dict[tuple[str, str], pd.Index] = {}

    def dataset_values(self, table: str, column: str) -> pd.Index:
        """Values of ``table.column`` after the import (new rows and, unless replaced, old ones)."""
        k = (table, column)
        if k not in self._cache:
            parts = []
            if table in self.tables:
                parts.append(self.tables[table].frame[column].dropna())
            if table not in self.tables or self.modes.get(table) == "append":
                parts.append(self.existing(table, [column])[column].dropna())
            values = pd.concat(parts, ignore_index=True) if parts else pd.Series(dtype="string")
            self._cache[k] = pd.Index(values.astype("string").unique())
        return self._cache[k]

    def known(self, table: str, column: str) -> pd.Index:
        values = self.dataset_values(table, column)
        if table == "regions":
            values = values.union(pd.Index(region_reference()["code"]))
        return values


def _check_references(tables: Mapping[str, _Table], refs: _References, out: ProblemCollector,
                      unresolved: Mapping[tuple[str, str], np.ndarray]) -> set[str]:
    """Foreign keys of the imported tables; return reference region codes to add."""
    needed_regions: set[str] = set()
    for name in TABLE_ORDER:
        if name not in tables:
            continue
        t = tables[name]
        for fk in t.spec.foreign_keys:
            col, ref_col = fk.columns[0], fk.ref_columns[0]
            if col not in t.frame.columns:
                continue
            values = t.frame[col].astype("string")
            known = refs.known(fk.ref_table, ref_col)
            missing = values.notna().to_numpy() & ~_isin(values, known)
            skip = unresolved.get((name, col))
            if skip is not None:
                missing &= ~skip
            noun = _NOUN.get(fk.ref_table, fk.ref_table)
            out.add_cells(missing, rows=t.rows, values=values, file=t.file, column=t.header(col),
                          message=f"unknown {noun} (not in {fk.ref_table})",
                          expected=f"a {fk.ref_table}.{ref_col} present in the dataset")
            if fk.ref_table == "regions":
                in_dataset = refs.dataset_values("regions", "code")
                used = pd.Index(values.dropna().unique())
                needed_regions |= set(used.difference(in_dataset))
    return needed_regions


def _check_orphans(tables: Mapping[str, _Table], refs: _References, existing: ExistingRows,
                   modes: Mapping[str, str], out: ProblemCollector) -> None:
    """Replacing a table must not leave other tables' rows referring to nothing."""
    replaced = [t for t in tables if modes.get(t) == "replace"]
    for spec in TABLES.values():
        if spec.name in tables:
            continue
        for fk in spec.foreign_keys:
            if fk.ref_table not in replaced or fk.ref_table == "regions":
                continue
            col = fk.columns[0]
            old = existing(spec.name, [col])[col].dropna().astype("string")
            if old.empty:
                continue
            lost = old[~_isin(old, refs.known(fk.ref_table, fk.ref_columns[0]))]
            if not lost.empty:
                t = tables[fk.ref_table]
                out.add(Problem(
                    f"replacing {fk.ref_table} would leave {len(lost)} row(s) of {spec.name} "
                    f"referring to missing {_NOUN.get(fk.ref_table, fk.ref_table)}s "
                    f"(e.g. {col}={lost.iloc[0]!r})", t.file, None, None, None,
                    f"every {col} of {spec.name} present in the new {fk.ref_table}, "
                    f"or import {spec.name} too"))


def find_cycle(edges: pd.DataFrame, src: str = "segment", dst: str = "input_segment"
               ) -> list[str] | None:
    """A cycle in the directed graph ``src → dst`` as a list of nodes ``[a, b, …, a]``, or None.

    Iterative depth-first search (white/grey/black colouring); O(V + E).
    """
    adj: dict[str, list[str]] = {}
    for a, b in zip(edges[src].astype(str), edges[dst].astype(str), strict=True):
        adj.setdefault(a, []).append(b)
    colour: dict[str, int] = {}
    for root in adj:
        if colour.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        colour[root] = 1
        while stack:
            node, i = stack[-1]
            nxt = adj.get(node, [])
            if i < len(nxt):
                stack[-1] = (node, i + 1)
                child = nxt[i]
                state = colour.get(child, 0)
                if state == 1:
                    return [*path[path.index(child):], child]
                if state == 0:
                    colour[child] = 1
                    stack.append((child, 0))
                    path.append(child)
            else:
                colour[node] = 2
                stack.pop()
                path.pop()
    return None


def _check_bom_cycle(tables: Mapping[str, _Table], existing: ExistingRows,
                     modes: Mapping[str, str], out: ProblemCollector) -> None:
    t = tables.get("segment_inputs")
    if t is None or not {"segment", "input_segment"} <= set(t.frame.columns):
        return
    edges = t.frame[["segment", "input_segment"]].dropna()
    if modes.get("segment_inputs") == "append":
        edges = pd.concat([existing("segment_inputs", ["segment", "input_segment"]), edges],
                          ignore_index=True)
    cycle = find_cycle(edges)
    if cycle is None:
        return
    a, b = cycle[0], cycle[1]
    hit = np.flatnonzero((t.frame["segment"] == a).fillna(False).to_numpy()
                         & (t.frame["input_segment"] == b).fillna(False).to_numpy())
    row = int(t.rows[hit[0]]) if hit.size else None
    out.add(Problem("the bill of materials has a cycle: " + " → ".join(cycle), t.file, row,
                    t.header("input_segment"), b, "segment_inputs without cycles (a segment "
                    "cannot consume, directly or indirectly, its own output)"))


def _dataset_resolver(existing: ExistingRows, modes: Mapping[str, str],
                      imported: pd.DataFrame | None) -> Any:
    """A resolver whose gazetteer includes the dataset's own regions (and those imported now)."""
    cols = ["code", "name", "name_en", "level", "parent", "country"]
    parts = []
    if imported is None or modes.get("regions") == "append":
        parts.append(existing("regions", cols))
    if imported is not None:
        parts.append(imported[[c for c in cols if c in imported.columns]])
    rows: list[dict[str, object]] = []
    for frame in parts:
        if len(frame):
            clean = frame.astype(object).where(frame.notna(), None)
            rows.extend(clean.to_dict(orient="records"))
    return resolver_for(rows)


def validate_import(inputs: Mapping[str, RawTable], existing: ExistingRows,
                    mode: str | Mapping[str, str] = "append", *,
                    limit: int = MAX_LISTED) -> ValidatedImport:
    """Validate several tables to be imported together into one dataset.

    Parameters
    ----------
    inputs : mapping of table name to :class:`RawTable`
        The tables as read from files (or frames wrapped as raw tables).
    existing : callable
        ``existing(table, columns)`` gives the dataset's current rows (an empty frame when the
        dataset or table is empty); only the key and reference columns are asked for.
    mode : "append" | "replace" or a mapping table → mode
        Appending checks keys against the rows already there; replacing ignores them.

    Returns
    -------
    ValidatedImport

    Raises
    ------
    ValidationError
        Listing up to ``limit`` problems (file, row, column, value, expected) and counting all.
    """
    modes = {t: (mode if isinstance(mode, str) else mode.get(t, "append")) for t in inputs}
    for m in modes.values():
        if m not in ("append", "replace"):
            raise ValidationError([Problem(f"mode must be append or replace, not {m!r}",
                                           column="mode", value=m)])
    out = ProblemCollector(limit)
    tables: dict[str, _Table] = {}
    resolver: Any = None
    for name in [*[t for t in TABLE_ORDER if t in inputs], *[t for t in inputs
                                                            if t not in TABLE_ORDER]]:
        if resolver is None:
            resolver = _dataset_resolver(existing, modes, None)
        tables[name] = _check_table(name, inputs[name], out, resolver)
        if name == "regions":
            resolver = _dataset_resolver(existing, modes, tables[name].frame)
    unresolved: dict[tuple[str, str], np.ndarray] = {}
    for name, t in tables.items():
        for col in _region_columns(t.spec):
            if col in t.frame.columns:
                unresolved[(name, col)] = t.frame[col].isna().to_numpy()
    for t in tables.values():
        _check_keys(t, existing, modes[t.spec.name], out)
    refs = _References(tables, existing, modes)
    needed = _check_references(tables, refs, out, unresolved)
    _check_orphans(tables, refs, existing, modes, out)
    _check_bom_cycle(tables, existing, modes, out)
    out.raise_if_errors("import rejected")
    added = None
    if needed:
        ref = region_reference()
        added = ref[ref["code"].isin(sorted(needed))].reset_index(drop=True)
    return ValidatedImport(
        frames={n: t.frame for n, t in tables.items()},
        warnings=out.warnings,
        added_regions=added,
        rows_read={n: len(t.frame) for n, t in tables.items()},
    )
