"""Printing results: one function for every command's ``--format table|json|csv`` and ``--out``."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd

from chainatlas._json import to_jsonable

__all__ = ["Format", "emit", "to_jsonable"]



class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _as_frame(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, Mapping):
        return pd.DataFrame({"key": list(data.keys()),
                             "value": [json.dumps(to_jsonable(v), ensure_ascii=False)
                                       if isinstance(v, (Mapping, list, tuple)) else v
                                       for v in data.values()]})
    if isinstance(data, Sequence) and data and isinstance(data[0], Mapping):
        return pd.DataFrame(list(data))
    return pd.DataFrame({"value": list(data) if isinstance(data, Sequence) else [data]})


def _print_table(frame: pd.DataFrame, title: str | None, max_rows: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=title, show_lines=False)
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for _, row in frame.head(max_rows).iterrows():
        cells = []
        for v in row.tolist():
            if isinstance(v, float):
                cells.append("" if math.isnan(v) else f"{v:,.4g}")
            elif isinstance(v, (list, tuple)):
                cells.append(";".join(map(str, v)))
            elif v is None or v is pd.NA:
                cells.append("")
            else:
                cells.append(str(v))
        table.add_row(*cells)
    console.print(table)
    if len(frame) > max_rows:
        console.print(f"… {len(frame) - max_rows} more rows (use --format csv or --out to get all)")


def emit(data: Any, fmt: Format | str = Format.table, out: Path | None = None, *,
         title: str | None = None, table: pd.DataFrame | None = None, max_rows: int = 50) -> None:
    """Print ``data`` in ``fmt`` (or write it to ``out``).

    ``data`` is the full result (a frame, a mapping or a list); ``table`` optionally gives the frame
    shown for ``--format table``/``csv`` when ``data`` is a nested mapping.
    """
    fmt = Format(fmt)
    if fmt is Format.json:
        text = json.dumps(to_jsonable(data), ensure_ascii=False, indent=2)
    elif fmt is Format.csv:
        text = (table if table is not None else _as_frame(data)).to_csv(index=False)
    else:
        if out is None:
            _print_table(table if table is not None else _as_frame(data), title, max_rows)
            return
        text = (table if table is not None else _as_frame(data)).to_string(index=False)
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
