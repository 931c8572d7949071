"""The lists workbook (N图N清单): one sheet per list, Chinese headers, frozen header row."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["write_lists_workbook"]


def write_lists_workbook(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write each frame to a sheet named by its key (≤ 31 characters), with sized columns."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet = str(name)[:31]
            out = frame.copy()
            for col in out.columns:
                if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
                    out[col] = out[col].map(
                        lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
            out.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="EEF3F9")
            for i, col in enumerate(out.columns, start=1):
                values = [str(col)] + [str(v) for v in out[col].head(200).tolist()]
                width = min(60, max(8, *(sum(2 if ord(ch) > 0x2E80 else 1 for ch in v)
                                        for v in values)))
                ws.column_dimensions[get_column_letter(i)].width = width + 2
    return path
