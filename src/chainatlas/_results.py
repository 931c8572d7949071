"""The result object of the Python front door: labelled tables that display in a notebook.

Every front-door function (:mod:`chainatlas.io`, :mod:`chainatlas.chain`,
:mod:`chainatlas.stress`, :func:`chainatlas.esri`, …) returns a :class:`Result`: a main table
(:meth:`Result.to_frame`), further named tables, headline numbers, notes and the engine's own
object (``raw``). In Jupyter it shows as a summary table, a small inline SVG bar chart of one
column and the first rows; :meth:`Result.to_excel` writes every table to one workbook.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Result", "bands_result", "bar_svg", "line_svg", "region_label"]

#: Rows of the main table shown in the notebook display.
HTML_ROWS = 12
#: Bars drawn in the inline figure.
FIGURE_BARS = 10


def _summary_label(key: str) -> str:
    """A summary row's header: the reader's label with the field name beside it (the key of
    ``to_dict()["summary"]``), or the field name alone where no label is known."""
    from chainatlas._codes import column_label

    label = column_label(key, "en")
    if label == key:
        return html.escape(key)
    return f"{html.escape(label)} <code>{html.escape(key)}</code>"


class Result:
    """A labelled result: one main table, named extra tables, headline numbers and notes.

    Parameters
    ----------
    title : str
        What the result is, shown as the heading (Chinese and English where it helps).
    frame : pandas.DataFrame
        The main table, one row per item (sector, segment, firm, …).
    tables : mapping of str to pandas.DataFrame, optional
        Further tables by name (each becomes a sheet in :meth:`to_excel`).
    summary : mapping of str to scalar, optional
        Headline numbers, shown above the table.
    notes : sequence of str, optional
        What the engine assumed or did (a cut list, an imputed value, …).
    figure : tuple of (str, str), optional
        ``(label_column, value_column)`` of the main table to draw as horizontal bars
        (largest |value| first, at most ten bars).
    figure_order : {"largest", "smallest"}
        Which bars :attr:`figure` draws: the largest |values| (default) or the smallest values
        (e.g. the weakest segments of a chain map).
    svg : str, optional
        A ready-made inline SVG figure (e.g. :func:`line_svg` of a daily series), shown before
        the bars.
    raw : object, optional
        The engine's own result object (e.g. a ``ChainMap`` or ``SimulationResult``).
    kinds : mapping of str to str, optional
        Display kind per column or summary key (:data:`chainatlas._format.KINDS`: ``money``,
        ``share``, ``count`` …) where the name alone does not say it.
    money_in_wan : bool
        Whether money columns are in 万元 (firm data; the display then reads 万元/亿元). IO
        tables keep their own unit and set this to ``False``. Only the display changes:
        :meth:`to_frame` and :meth:`to_excel` keep the full values.

    Examples
    --------
    >>> import pandas as pd
    >>> r = Result("demo", pd.DataFrame({"sector": ["a", "b"], "x": [2.0, 1.0]}),
    ...            summary={"total": 3.0}, figure=("sector", "x"))
    >>> r.to_frame()["x"].sum()
    np.float64(3.0)
    >>> "<svg" in r._repr_html_()
    True
    """

    def __init__(self, title: str, frame: pd.DataFrame, *,
                 tables: Mapping[str, pd.DataFrame] | None = None,
                 summary: Mapping[str, Any] | None = None,
                 notes: Sequence[str] | None = None,
                 figure: tuple[str, str] | None = None, figure_order: str = "largest",
                 svg: str | None = None, raw: Any = None,
                 kinds: Mapping[str, str] | None = None, money_in_wan: bool = True) -> None:
        self.title = title
        self.frame = frame
        self.tables: dict[str, pd.DataFrame] = dict(tables or {})
        self.summary: dict[str, Any] = dict(summary or {})
        self.notes: list[str] = list(notes or [])
        self.figure = figure
        self.figure_order = figure_order
        self.svg = svg
        self.raw = raw
        self.money_in_wan = money_in_wan
        self.kinds: dict[str, str] = dict(kinds or {})

    def __repr__(self) -> str:
        extra = f", tables={sorted(self.tables)}" if self.tables else ""
        return f"<Result {self.title!r}: {len(self.frame)} rows{extra}>"

    def to_frame(self) -> pd.DataFrame:
        """The main table (a copy: changing it leaves the result as it was)."""
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        """Title, headline numbers, notes and every table as records (JSON-ready)."""
        return {"title": self.title, "summary": dict(self.summary), "notes": list(self.notes),
                "rows": self.frame.to_dict(orient="records"),
                "tables": {k: v.to_dict(orient="records") for k, v in self.tables.items()}}

    def to_excel(self, path: str | Path) -> Path:
        """Write the summary, the main table and every further table to one workbook.

        Sheets: ``summary`` (headline numbers and notes), ``table`` (the main table) and one per
        entry of :attr:`tables` (names cut to Excel's 31 characters). Returns the path written.
        """
        import pandas as pd

        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        head = pd.DataFrame([{"item": k, "value": _cell(v)} for k, v in self.summary.items()]
                            + [{"item": "note", "value": n} for n in self.notes]
                            or [{"item": "title", "value": self.title}])
        used: set[str] = set()
        with pd.ExcelWriter(out, engine="openpyxl") as xl:
            for name, frame in [("summary", head), ("table", self.frame), *self.tables.items()]:
                sheet = _sheet_name(name, used)
                frame.to_excel(xl, sheet_name=sheet, index=False)
        return out

    def _repr_html_(self) -> str:
        parts = [f"<div class='chainatlas-result'><h4>{html.escape(self.title)}</h4>"]
        if self.summary:
            rows = "".join(f"<tr><th style='text-align:left'>{_summary_label(str(k))}</th>"
                           f"<td>{html.escape(self._shown(str(k), v))}</td></tr>"
                           for k, v in self.summary.items())
            parts.append(f"<table>{rows}</table>")
        if self.svg:
            parts.append(self.svg)
        if self.figure is not None:
            label, value = self.figure
            if label in self.frame.columns and value in self.frame.columns:
                smallest = self.figure_order == "smallest"
                parts.append(bar_svg(self.frame[label].astype(str).tolist(),
                                     self.frame[value].tolist(),
                                     title=f"{value} ({'smallest' if smallest else 'largest'})",
                                     smallest=smallest,
                                     value_text=partial(self._shown, value)))
        shown = self.frame.head(HTML_ROWS)
        formatters = {c: (lambda v, c=str(c): self._shown(c, v)) for c in shown.columns}
        parts.append(shown.to_html(index=False, na_rep="—", formatters=formatters))
        if len(self.frame) > HTML_ROWS:
            parts.append(f"<p>first {HTML_ROWS} of {len(self.frame)} rows "
                         "(<code>.to_frame()</code> has all)</p>")
        for note in self.notes[:5]:
            parts.append(f"<p><small>{html.escape(note)}</small></p>")
        if self.tables:
            parts.append("<p><small>more tables: "
                         + html.escape(", ".join(self.tables)) + "</small></p>")
        parts.append("</div>")
        return "".join(parts)

    def _kind(self, column: str) -> str:
        from chainatlas._format import column_kind

        if column in self.kinds:
            return self.kinds[column]
        if column in _SHARE_COLUMNS or column.startswith("p_"):
            return "share"
        kind = column_kind(column)
        return "ratio" if kind == "money" and not self.money_in_wan else kind

    def _shown(self, column: str, value: Any) -> str:
        """``value`` as a reader sees it: %, 万元/亿元, counts with separators (display only)."""
        from chainatlas._format import fmt

        if isinstance(value, bool) or not _is_number(value):
            return _text(value) if not isinstance(value, float) else "—"
        kind = self._kind(column)
        if kind == "text":
            return _float_text(float(value)) if isinstance(value, float) else str(value)
        return fmt(value, kind, "zh")


#: Fractions 0–1 whose names the shared column rules do not mark as shares.
_SHARE_COLUMNS = frozenset({"esri", "esri_downstream", "esri_upstream", "esri_median",
                            "esri_p5", "esri_p95", "share_p5", "share_p95", "total_share",
                            "output_lost", "q0", "q_end", "inoperability"})


def bands_result(title: str, b: Any, figure: tuple[str, str] | None) -> Result:
    """A :class:`~chainatlas.services.bands.BandResult` (an analysis over the members of a
    reconstructed dataset) as a :class:`Result`; its notes say the links are reconstructed."""
    from chainatlas.services.bands import RECONSTRUCTED_NOTE

    summary: dict[str, Any] = {"members": b.members, "top_k": b.top_k}
    for row in b.scalars.to_dict(orient="records"):
        name = str(row.get("metric", row.get("name", "")))
        for k, v in row.items():
            if k not in ("metric", "name"):
                summary[f"{name}_{k}"] = v
    return Result(title, b.table.reset_index(drop=True), tables={"scalars": b.scalars},
                  summary=summary, notes=[RECONSTRUCTED_NOTE["zh"], *b.notes], figure=figure,
                  raw=b)


def bar_svg(labels: Sequence[str], values: Sequence[Any], *, title: str = "",
            bars: int = FIGURE_BARS, width: int = 420, smallest: bool = False,
            value_text: Callable[[float], str] | None = None) -> str:
    """A horizontal bar chart as inline SVG: the ``bars`` largest |values| (``smallest``: the
    smallest values), labelled; ``value_text`` writes each bar's number (default: 3 significant
    digits).

    Non-numeric and missing values are left out. Negative values draw to the left of zero.

    >>> svg = bar_svg(["a", "b"], [1.0, -0.5])
    >>> svg.startswith("<svg") and svg.count("<rect") == 2
    True
    """
    pairs = [(str(lab), float(v)) for lab, v in zip(labels, values, strict=True)
             if _is_number(v)]
    pairs.sort(key=(lambda p: p[1]) if smallest else (lambda p: -abs(p[1])))
    pairs = pairs[:bars]
    import os

    common = os.path.commonprefix([lab for lab, _ in pairs]) if len(pairs) > 1 else ""
    if len(common) >= 3 and all(len(lab) > len(common) for lab, _ in pairs):
        # a prefix every label shares says nothing: show it once, in the title
        pairs = [(lab[len(common):], v) for lab, v in pairs]
        title = f"{title} · {common}…" if title else f"{common}…"
    row, pad, text_w = 18, 4, 150
    height = row * len(pairs) + 22
    lo = min([0.0] + [v for _, v in pairs])
    hi = max([0.0] + [v for _, v in pairs])
    span = (hi - lo) or 1.0
    plot_w = width - text_w - 60
    zero = text_w + plot_w * (-lo / span)
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"role='img' aria-label='{html.escape(title)}' style='font:11px sans-serif'>",
           f"<text x='{text_w}' y='12' fill='#444'>{html.escape(title)}</text>"]
    for i, (lab, v) in enumerate(pairs):
        y = 18 + i * row
        x0 = zero if v >= 0 else zero + plot_w * v / span
        w = max(plot_w * abs(v) / span, 0.5)
        short = _clip(lab, 24)
        out.append(f"<text x='{text_w - pad}' y='{y + 12}' text-anchor='end'>"
                   f"{html.escape(short)}</text>")
        out.append(f"<rect x='{x0:.1f}' y='{y + 2}' width='{w:.1f}' height='{row - 5}' "
                   f"fill='{'#3b6ea8' if v >= 0 else '#c0504d'}'/>")
        out.append(f"<text x='{x0 + w + pad:.1f}' y='{y + 12}' fill='#333'>"
                   f"{html.escape((value_text or _float_text)(v))}</text>")
    out.append("</svg>")
    return "".join(out)


def line_svg(values: Sequence[Any], *, title: str = "", width: int = 420,
             height: int = 120, lo: float | None = None, hi: float | None = None) -> str:
    """A line chart of one series (e.g. the daily output ratio) as inline SVG.

    >>> line_svg([1.0, 0.5, 1.0], title="output").count("<polyline")
    1
    """
    ys = [float(v) if _is_number(v) else math.nan for v in values]
    finite = [y for y in ys if math.isfinite(y)]
    low = min(finite, default=0.0) if lo is None else lo
    high = max(finite, default=1.0) if hi is None else hi
    span = (high - low) or 1.0
    left, top, bottom = 40, 16, 18
    pw, ph = width - left - 8, height - top - bottom
    n = max(len(ys) - 1, 1)
    pts = " ".join(f"{left + pw * i / n:.1f},{top + ph * (1 - (y - low) / span):.1f}"
                   for i, y in enumerate(ys) if math.isfinite(y))
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"role='img' aria-label='{html.escape(title)}' style='font:11px sans-serif'>"
            f"<text x='{left}' y='11' fill='#444'>{html.escape(title)}</text>"
            f"<line x1='{left}' y1='{top + ph}' x2='{left + pw}' y2='{top + ph}' stroke='#999'/>"
            f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + ph}' stroke='#999'/>"
            f"<text x='{left - 4}' y='{top + 4}' text-anchor='end'>{_float_text(high)}</text>"
            f"<text x='{left - 4}' y='{top + ph}' text-anchor='end'>{_float_text(low)}</text>"
            f"<text x='{left + pw}' y='{height - 4}' text-anchor='end'>{len(ys) - 1}</text>"
            f"<text x='{left}' y='{height - 4}'>0</text>"
            f"<polyline fill='none' stroke='#3b6ea8' stroke-width='1.5' points='{pts}'/></svg>")


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` display columns (a CJK character takes two), with "…"."""
    out: list[str] = []
    used = 0
    for ch in text:
        w = 2 if ord(ch) >= 0x2E80 else 1
        if used + w > width - 1:
            return "".join(out) + "…"
        out.append(ch)
        used += w
    return text


def region_label(regions: pd.DataFrame, label: str) -> str:
    """``label`` with each region code (6 digits or ISO-3) followed by its name, e.g.
    ``"within 4 h of 310000"`` → ``"within 4 h of 上海市 310000"``.

    >>> import pandas as pd
    >>> region_label(pd.DataFrame({"code": ["310000"], "name": ["上海市"]}), "of 310000")
    'of 上海市 310000'
    """
    import re

    if not len(regions) or "name" not in regions.columns:
        return label
    names = dict(zip(regions["code"].astype(str), regions["name"].astype(str), strict=True))
    return re.sub(r"\b(\d{6}|[A-Z]{3})\b",
                  lambda m: f"{names[m.group(1)]} {m.group(1)}" if m.group(1) in names
                  else m.group(1), label)


def _is_number(v: Any) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)) and not hasattr(v, "__float__"):
        return False
    try:
        f = float(v)
    except (TypeError, ValueError):
        return False
    return math.isfinite(f)


def _float_text(v: float) -> str:
    from chainatlas._format import number

    return number(v)


def _text(v: Any) -> str:
    if isinstance(v, float):
        return _float_text(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(_text(x) for x in v[:8]) + (" …" if len(v) > 8 else "")
    return str(v)


def _cell(v: Any) -> Any:
    return v if isinstance(v, (int, float, str)) or v is None else _text(v)


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "sheet"
    sheet, k = base, 2
    while sheet in used:
        suffix = f" ({k})"
        sheet, k = base[:31 - len(suffix)] + suffix, k + 1
    used.add(sheet)
    return sheet
