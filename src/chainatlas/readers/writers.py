"""Write tables (export) and empty templates as CSV, Excel or Parquet.

Exports use the canonical English headers so that an exported folder imports back unchanged;
CSV is written as UTF-8 with a byte-order mark (Excel then shows Chinese text correctly); tags are
written ``a;b`` in CSV and Excel and as a list column in Parquet. Floats are written with the
shortest text that reads back to the same number, so import → export → import is exact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from chainatlas.exceptions import LimitExceeded
from chainatlas.model.arrow import frame_to_arrow
from chainatlas.model.tables import TableSpec, get_spec

__all__ = ["EXPORT_FORMATS", "EXCEL_MAX_ROWS", "write_table", "write_template"]

EXPORT_FORMATS = ("csv", "parquet", "xlsx")
EXCEL_MAX_ROWS = 1_048_575


def _tags_text(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    out = frame.copy()
    for c in spec.columns:
        if c.dtype == "tags" and c.name in out.columns:
            out[c.name] = [";".join(v) if isinstance(v, (list, tuple)) or hasattr(v, "tolist")
                           else ("" if v is None else str(v)) for v in out[c.name].tolist()]
    return out


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Object cells with ``None`` for missing values (what openpyxl writes as an empty cell)."""
    out = frame.astype(object)
    return out.where(frame.notna(), None)


def write_table(frame: pd.DataFrame, table: str, path: Path, fmt: str) -> Path:
    """Write one table's frame to ``path`` as ``csv``, ``parquet`` or ``xlsx``; return the path."""
    spec = get_spec(table)
    cols = [c.name for c in spec.columns if c.name in frame.columns]
    frame = frame[cols]
    if fmt == "parquet":
        pq.write_table(frame_to_arrow(frame, spec), path)
    elif fmt == "csv":
        _tags_text(frame, spec).to_csv(path, index=False, encoding="utf-8-sig")
    else:
        if len(frame) > EXCEL_MAX_ROWS:
            raise LimitExceeded(f"{table} has {len(frame):,} rows; an Excel sheet holds at most "
                                f"{EXCEL_MAX_ROWS:,} (export as csv or parquet)")
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            _cells(_tags_text(frame, spec)).to_excel(writer, sheet_name=table, index=False)
    return path


def _example(value: Any) -> Any:
    return "" if value is None else value


def write_template(spec: TableSpec, lang: str, path: Path, kind: str) -> Path:
    """An empty template for ``spec``: headers in ``lang`` (``zh``/``en``) and one example row."""
    headers = [(c.zh or c.name) if lang == "zh" else c.name for c in spec.columns]
    example = [_example(c.example) for c in spec.columns]
    frame = pd.DataFrame([example], columns=headers)
    if kind == "csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        return path
    zh = lang == "zh"
    notes = pd.DataFrame({
        ("表头" if zh else "header"): headers,
        ("字段" if zh else "column"): [c.name for c in spec.columns],
        ("必填" if zh else "required"): [("是" if zh else "yes") if c.required else ""
                                         for c in spec.columns],
        ("内容" if zh else "expected"): [c.expected() for c in spec.columns],
        ("说明" if zh else "notes"): [c.doc for c in spec.columns],
    })
    sheet = (spec.zh if zh else spec.name)[:31]
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        notes.to_excel(writer, sheet_name="说明" if zh else "notes", index=False)
    return path


def tables_markdown() -> str:
    """The reference of every table (columns, Chinese headers, aliases, content) as Markdown.

    ``docs/data.md`` embeds this text; a test checks that it is current.
    """
    from chainatlas.model.tables import TABLE_ORDER

    lines: list[str] = []
    for table in TABLE_ORDER:
        spec = get_spec(table)
        refs = "; ".join(f"`{fk.columns[0]}` → `{fk.ref_table}.{fk.ref_columns[0]}`"
                         for fk in spec.foreign_keys)
        lines += [f"### `{table}` — {spec.zh}", ""]
        if spec.doc:
            lines += [spec.doc, ""]
        lines.append(f"Key: `{', '.join(spec.key)}`." + (f" References: {refs}." if refs else ""))
        lines += ["", "| column | 中文表头 | also accepted | content | required |",
                  "|---|---|---|---|---|"]
        for c in spec.columns:
            lines.append(f"| `{c.name}` | {c.zh} | {', '.join(c.aliases)} | {c.expected()} | "
                         f"{'yes' if c.required else ''} |")
        lines.append("")
    return "\n".join(lines)
