"""The lists workbook (N图N清单): one sheet per list, Chinese headers, frozen header row."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from chainatlas._codes import CODE_COLUMNS, code_label, column_label
from chainatlas._format import EXCEL_FORMATS, column_kind

__all__ = ["reader_headers", "write_frames", "write_lists_workbook"]

#: Code columns of the lists beyond :data:`chainatlas._codes.CODE_COLUMNS` (column → domain).
LIST_CODES = {"type": "chokepoint_type", "kind": "chokepoint_kind", "asset_kind": "asset_kind"}


def reader_headers(frame: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """Field name → the header a reader sees (:func:`chainatlas._codes.column_label`), money
    columns with their unit (万元; the cells hold 万元 values)."""
    unit = "万元" if lang == "zh" else "10k CNY"
    out = {}
    for col in frame.columns:
        c = str(col)
        money = column_kind(c) == "money" and pd.api.types.is_numeric_dtype(frame[col])
        out[c] = column_label(c, lang, unit=unit if money else None)
    return out


def _codes_as_words(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with each code column (stage, status, chokepoint type, …) in words."""
    out = frame.copy()
    for col, dom in {**CODE_COLUMNS, **LIST_CODES}.items():
        if col in out and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = [code_label(dom, v, lang) if isinstance(v, (str, list, tuple)) or
                        getattr(v, "ndim", 0) >= 1 else v for v in out[col]]
    return out


def write_frames(writer: pd.ExcelWriter, sheets: Mapping[str, pd.DataFrame], *,
                 headers: Mapping[str, str] | None = None,
                 kinds: Mapping[str, str] | None = None) -> None:
    """Write each frame to a sheet of ``writer``: bold frozen header row, sized columns, and
    each numeric column's full-precision values shown through a number format for its kind
    (:func:`chainatlas._format.column_kind`; ``kinds`` overrides by column). ``headers``
    renames columns for the reader (field name → header)."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    for name, frame in sheets.items():
        sheet = str(name)[:31] or "table"
        out = frame.copy()
        for col in out.columns:
            if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
                out[col] = out[col].map(
                    lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
        fields = [str(c) for c in out.columns]
        if headers:
            out.columns = [headers.get(c, c) for c in fields]
        out.to_excel(writer, sheet_name=sheet, index=False)
        ws = writer.sheets[sheet]
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EEF3F9")
        for i, (field, col) in enumerate(zip(fields, out.columns, strict=True), start=1):
            letter = get_column_letter(i)
            kind = (kinds or {}).get(field) or column_kind(field)
            if kind in EXCEL_FORMATS and pd.api.types.is_numeric_dtype(out[col]) and \
                    not pd.api.types.is_bool_dtype(out[col]):
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = EXCEL_FORMATS[kind]
            values = [str(col)] + [str(v) for v in out[col].head(200).tolist()]
            width = min(60, max(8, *(sum(2 if ord(ch) > 0x2E80 else 1 for ch in v)
                                    for v in values)))
            ws.column_dimensions[letter].width = width + 2


def write_lists_workbook(sheets: Mapping[str, pd.DataFrame], path: str | Path,
                         lang: str = "zh") -> Path:
    """Write each frame to a sheet named by its key (≤ 31 characters), with readers' headers in
    ``lang`` (:func:`reader_headers`), code values in words, sized columns and number formats
    (:func:`write_frames`); the cells keep their full-precision values."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            write_frames(writer, {name: _codes_as_words(frame, lang)},
                         headers=reader_headers(frame, lang))
    return path
