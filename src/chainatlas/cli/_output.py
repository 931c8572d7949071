"""Printing results: one function for every command's ``--format table|json|csv`` and ``--out``."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainatlas._format import column_kind, fmt, number
from chainatlas._json import to_jsonable

__all__ = ["Format", "cell_text", "emit", "print_table", "set_wide", "to_jsonable"]


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


_WIDE: ContextVar[bool] = ContextVar("chainatlas_wide", default=False)
#: Widest a column is allowed to be when tables are fitted to the terminal (cells fold inside).
_MAX_COLUMN = 40


def set_wide(wide: bool) -> None:
    """Print tables at full width (``--wide``) instead of fitting them to the terminal."""
    _WIDE.set(wide)


def cell_text(value: Any, column: str) -> str:
    """One table cell as a person reads it: numbers as the dashboard writes them
    (:mod:`chainatlas._format`: 万元/亿元 for money, % for shares, no scientific notation),
    lists joined with ``;``, missing values empty."""
    if isinstance(value, (list, tuple)):
        return ";".join(map(str, value))
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        kind = column_kind(column)
        if kind != "text":
            return fmt(value, kind)
        if isinstance(value, (float, np.floating)):
            return number(value)
        return str(value)
    return str(value)


def _columns_that_fit(headers: list[str], rows: list[list[str]], width: int) -> int:
    """How many leading columns fit ``width`` (rich's box: 3 cells per column plus 1), each at
    its natural width capped at :data:`_MAX_COLUMN`; at least one."""
    from rich.cells import cell_len

    used = 1
    for k, head in enumerate(headers):
        natural = max([cell_len(head), *(cell_len(r[k]) for r in rows)])
        used += min(natural, max(_MAX_COLUMN, cell_len(head))) + 3
        if used > width:
            return max(k, 1)
    return len(headers)


def print_table(frame: pd.DataFrame, title: str | None, max_rows: int = 50) -> None:
    """Print ``frame`` as a table fitted to the terminal (full width under ``--wide``)."""
    from rich.console import Console
    from rich.table import Table

    headers = [str(c) for c in frame.columns]
    pairs = headers == ["key", "value"]  # a result mapping: each value formatted by its key
    rows = [[cell_text(v, str(row[0]) if pairs and j == 1 else headers[j])
             for j, v in enumerate(row)]
            for row in frame.head(max_rows).itertuples(index=False, name=None)]
    console = Console()
    keep = len(headers)
    if _WIDE.get():
        from rich.cells import cell_len

        need = 1 + sum(max([cell_len(h), *(cell_len(r[k]) for r in rows)]) + 3
                       for k, h in enumerate(headers))
        console = Console(width=max(need, console.width))
    else:
        keep = _columns_that_fit(headers, rows, console.width)
    table = Table(title=title, show_lines=False)
    for head in headers[:keep]:
        table.add_column(head, overflow="fold", min_width=min(len(head), _MAX_COLUMN))
    for r in rows:
        table.add_row(*r[:keep])
    console.print(table)
    if keep < len(headers):
        hidden = headers[keep:]
        console.print(f"… {len(hidden)} more column(s) not shown: {', '.join(hidden)} "
                      "(add --wide, or use --format csv)", markup=False)
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
            print_table(table if table is not None else _as_frame(data), title, max_rows)
            return
        text = (table if table is not None else _as_frame(data)).to_string(index=False)
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
