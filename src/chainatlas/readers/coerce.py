"""Vectorised conversion of raw cells to a column's type, flagging every cell that fails.

Each ``to_<dtype>`` takes a raw Series (text from CSV, mixed objects from Excel or JSON, typed
arrays from Parquet) and returns ``(values, bad)``: the converted Series in the model's dtype
(``string``, ``Int64``, ``float64``, ``boolean``, ISO date text, lists of tags) and a boolean
array marking non-empty cells that could not be converted. The fast path handles a whole column
at once (a typed Parquet column is not touched); only the cells that fail it take a slower path
(full-width digits, thousands separators) before being flagged.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chainatlas.model.tables import Column

__all__ = ["TRUE_WORDS", "FALSE_WORDS", "coerce_column", "split_tags", "to_text"]

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "是", "对", "有", "√", "✓", "1.0"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "否", "无", "×", "✗", "0.0"})
_TAG_SEP = re.compile(r"[;；,，、|]")

#: Chinese words accepted for choice columns, mapped to the canonical choice.
CHOICE_WORDS: dict[str, str] = {
    "上游": "upstream", "中游": "midstream", "下游": "downstream",
    "内资": "domestic", "国内": "domestic", "外资": "foreign", "国外": "foreign",
    "合资": "jv", "中外合资": "jv",
    "专利": "patent", "论文": "paper", "项目": "project", "实验室": "lab",
    "高校": "university", "大学": "university", "科研院所": "institute", "研究所": "institute",
    "研究院": "institute", "企业": "firm", "其他": "other",
    "正": "+", "正向": "+", "负": "-", "负向": "-", "逆向": "-",
}


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series.dtype) and series.dtype != object


def to_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text (``string`` dtype); empty cells become ``<NA>``.

    Whole numbers typed as floats (``320100.0`` from a spreadsheet) are written without ``.0``.
    """
    if _is_text(series):
        s = series.astype("string").str.strip()
    elif pd.api.types.is_bool_dtype(series.dtype):
        s = series.astype("string")
    elif pd.api.types.is_integer_dtype(series.dtype):
        s = series.astype("Int64").astype("string")
    elif pd.api.types.is_float_dtype(series.dtype):
        s = pd.Series([_cell_text(v) for v in series.tolist()], index=series.index, dtype="string")
    else:
        s = pd.Series([_cell_text(v) for v in series.tolist()], index=series.index, dtype="string")
    return s.mask(s == "")


def _cell_text(v: Any) -> str | None:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float):
        if np.isnan(v):
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if v == v.normalize() else v.isoformat()
    if isinstance(v, (list, tuple, np.ndarray)):
        return ";".join(str(t) for t in v)
    return str(v).strip()


def _loose_number(text: str) -> float | None:
    s = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    try:
        return float(s)
    except ValueError:
        return None


def _to_float(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("float64"), np.zeros(len(series), dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype("Float64").astype("float64") if series.dtype == "Int64" \
            else series.astype("float64")
        return values, np.zeros(len(series), dtype=bool)
    text = to_text(series)
    present = text.notna().to_numpy()
    try:
        arr = pa.array(text, type=pa.string())
        values = pd.Series(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False),
                           index=series.index)
        return values, np.zeros(len(series), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    failed = present & values.isna().to_numpy()
    if failed.any():
        idx = np.flatnonzero(failed)
        retry = [_loose_number(t) for t in text.iloc[idx].tolist()]
        fixed = np.array([np.nan if r is None else r for r in retry], dtype="float64")
        arr = values.to_numpy(dtype="float64", copy=True)
        arr[idx] = fixed
        values = pd.Series(arr, index=values.index)
        failed[idx] = np.isnan(fixed)
    return values, failed


def _to_int(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.astype("Int64"), np.zeros(len(series), dtype=bool)
    values, bad = _to_float(series)
    arr = values.to_numpy()
    frac = ~np.isnan(arr) & (arr != np.round(arr))
    bad = bad | frac
    out = pd.array(np.where(frac, np.nan, arr), dtype="Float64")
    return pd.Series(out, index=series.index).astype("Int64"), bad


def _to_bool(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean"), np.zeros(len(series), dtype=bool)
    text = to_text(series)
    folded = text.str.casefold()
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    is_true = folded.isin(TRUE_WORDS).fillna(False).to_numpy(dtype=bool)
    is_false = folded.isin(FALSE_WORDS).fillna(False).to_numpy(dtype=bool)
    out[is_true] = True
    out[is_false] = False
    bad = text.notna().to_numpy() & ~is_true & ~is_false
    return out, bad


def _to_date(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series
    else:
        text = to_text(series)
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        retry = text.notna() & parsed.isna()
        if bool(retry.any()):
            parsed[retry] = pd.to_datetime(
                text[retry].str.replace("/", "-").str.replace(".", "-"),
                format="mixed", errors="coerce",
            )
    present = series.notna().to_numpy()
    bad = present & parsed.isna().to_numpy()
    out = parsed.dt.strftime("%Y-%m-%d").astype("string")
    return out, bad


def split_tags(value: Any) -> list[str]:
    """One tags cell as a list: ``"链主;高新"``, ``"链主，高新"`` or a list all give two tags."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(t).strip() for t in value if str(t).strip()]
    return [t for t in (p.strip() for p in _TAG_SEP.split(str(value))) if t]


def _to_tags(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    if isinstance(series.dtype, pd.ArrowDtype) and pa.types.is_list(series.dtype.pyarrow_dtype):
        arr = pa.array(series)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        flat = pc.list_flatten(arr).cast(pa.string())
        trimmed = pc.utf8_trim_whitespace(flat)
        clean = flat.null_count == 0 and (
            len(flat) == 0
            or (pc.all(pc.equal(flat, trimmed)).as_py() and not pc.any(pc.equal(flat, "")).as_py())
        )
        lists = arr.to_pylist()
        if clean:  # already a clean list of tags per row: take it as it is
            out = pd.Series([v if v is not None else [] for v in lists], index=series.index,
                            dtype=object)
            return out, np.zeros(len(series), dtype=bool)
        series = pd.Series(lists, index=series.index, dtype=object)
    out = pd.Series([split_tags(v) for v in series.tolist()], index=series.index, dtype=object)
    return out, np.zeros(len(series), dtype=bool)


def _to_choice(series: pd.Series, choices: tuple[str, ...]) -> tuple[pd.Series, np.ndarray]:
    text = to_text(series)
    lookup = {c.casefold(): c for c in choices}
    lookup.update({k: v for k, v in CHOICE_WORDS.items() if v in choices})
    uniques = text.dropna().unique()
    mapping = {u: lookup.get(unicodedata.normalize("NFKC", u).strip().casefold()) for u in uniques}
    out = text.map(mapping, na_action="ignore").astype("string")
    bad = text.notna().to_numpy() & out.isna().to_numpy()
    return out, bad


def coerce_column(series: pd.Series, column: Column) -> tuple[pd.Series, np.ndarray]:
    """Convert ``series`` to ``column``'s type; return ``(values, bad)`` (see module doc)."""
    if column.choices:
        return _to_choice(series, column.choices)
    if column.dtype == "str":
        return to_text(series), np.zeros(len(series), dtype=bool)
    if column.dtype == "float":
        return _to_float(series)
    if column.dtype == "int":
        return _to_int(series)
    if column.dtype == "bool":
        return _to_bool(series)
    if column.dtype == "date":
        return _to_date(series)
    return _to_tags(series)
