"""Small dependency-free SVG charts for self-contained reports.

Text is drawn as SVG ``<text>`` so the browser's fonts render Chinese labels; every label is
XML-escaped. Charts: horizontal bars (:func:`bar_chart`) and lines over time (:func:`line_chart`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from chainatlas._format import ratio, year

__all__ = ["PALETTE", "bar_chart", "line_chart"]

PALETTE = ("#2f6fb3", "#e07b24", "#3a9d5d", "#c23b3b", "#7d5ba6", "#8c6d31", "#d16ba5", "#5f6b7a")
_FONT = "font-family='Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif'"


def _fmt(v: float) -> str:
    """A value label: three significant digits, separators, never an exponent."""
    if not math.isfinite(v):
        return ""
    return ratio(v)


def _text_width(text: str, size: float = 12.0) -> float:
    """Rough rendered width of ``text``: ideographs a full em, other characters about 0.6 em."""
    return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in text)


def _fit(text: str, room: float, size: float = 12.0) -> str:
    """``text`` cut with an ellipsis so it fits ``room`` pixels."""
    if _text_width(text, size) <= room:
        return text
    out = ""
    for ch in text:
        if _text_width(out + ch + "…", size) > room:
            break
        out += ch
    return out + "…"


def bar_chart(labels: Sequence[str], values: Sequence[float], *, title: str = "",
              colors: Sequence[str] | None = None, width: int = 720, bar: int = 20,
              unit: str = "") -> str:
    """A horizontal bar chart; negative values extend left of the axis."""
    vals = [float(v) if v is not None and math.isfinite(float(v)) else 0.0 for v in values]
    n = len(vals)
    widest = max((_text_width(str(lab)) for lab in labels), default=0.0)
    left = int(min(max(60.0, widest + 14), width * 0.45))  # labels never run off the left edge
    right, top = 80, 34 if title else 10
    height = top + n * (bar + 6) + 20
    lo, hi = min(0.0, *vals) if vals else 0.0, max(0.0, *vals) if vals else 1.0
    span = (hi - lo) or 1.0
    plot_w = width - left - right
    x0 = left + (0 - lo) / span * plot_w
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' width='{width}' "
             f"height='{height}' viewBox='0 0 {width} {height}' {_FONT} font-size='12'>"]
    if title:
        parts.append(f"<text x='10' y='20' font-size='14' font-weight='bold'>{escape(title)}</text>")
    for i, (lab, v) in enumerate(zip(labels, vals, strict=True)):
        y = top + i * (bar + 6)
        x1 = left + (v - lo) / span * plot_w
        color = colors[i] if colors and i < len(colors) else PALETTE[0]
        parts.append(f"<text x='{left - 6}' y='{y + bar * 0.72:.1f}' text-anchor='end'>"
                     f"{escape(_fit(str(lab), left - 10))}</text>")
        parts.append(f"<rect x='{min(x0, x1):.1f}' y='{y}' width='{abs(x1 - x0):.1f}' "
                     f"height='{bar}' fill='{escape(color)}'><title>{escape(str(lab))}: "
                     f"{_fmt(v)}{escape(unit)}</title></rect>")
        parts.append(f"<text x='{max(x0, x1) + 4:.1f}' y='{y + bar * 0.72:.1f}' fill='#333'>"
                     f"{_fmt(v)}{escape(unit)}</text>")
    parts.append(f"<line x1='{x0:.1f}' y1='{top - 2}' x2='{x0:.1f}' y2='{height - 16}' "
                 "stroke='#555'/>")
    parts.append("</svg>")
    return "".join(parts)


def line_chart(x: Sequence[float], series: Mapping[str, Sequence[float]], *, title: str = "",
               width: int = 720, height: int = 300, y_label: str = "",
               x_label: str = "", y_min: float | None = None, y_max: float | None = None,
               x_years: bool = False) -> str:
    """Lines over a shared x axis (e.g. output ratio per day), with a legend; ``x_years``
    puts one tick on each whole year, written without separators."""
    xs = [float(v) for v in x]
    all_y = [float(v) for s in series.values() for v in s if v is not None and math.isfinite(float(v))]
    lo = y_min if y_min is not None else (min(all_y) if all_y else 0.0)
    hi = y_max if y_max is not None else (max(all_y) if all_y else 1.0)
    if hi <= lo:
        hi = lo + 1.0
    xmin, xmax = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if xmax <= xmin:
        xmax = xmin + 1.0
    left, right, top, bottom = 60, 150, 34 if title else 12, 40
    pw, ph = width - left - right, height - top - bottom

    def px(v: float) -> float:
        return left + (v - xmin) / (xmax - xmin) * pw

    def py(v: float) -> float:
        return top + (1 - (v - lo) / (hi - lo)) * ph

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' width='{width}' "
             f"height='{height}' viewBox='0 0 {width} {height}' {_FONT} font-size='12'>"]
    if title:
        parts.append(f"<text x='10' y='20' font-size='14' font-weight='bold'>{escape(title)}</text>")
    parts.append(f"<rect x='{left}' y='{top}' width='{pw}' height='{ph}' fill='none' stroke='#999'/>")
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        parts.append(f"<text x='{left - 6}' y='{py(v) + 4:.1f}' text-anchor='end'>{_fmt(v)}</text>")
        parts.append(f"<line x1='{left}' x2='{left + pw}' y1='{py(v):.1f}' y2='{py(v):.1f}' "
                     "stroke='#eee'/>")
    ticks = ([float(v) for v in range(math.ceil(xmin), math.floor(xmax) + 1)] if x_years
             else [xmin + (xmax - xmin) * k / 4 for k in range(5)])
    for v in ticks:
        label = year(v) if x_years else _fmt(v)
        parts.append(f"<text x='{px(v):.1f}' y='{top + ph + 16}' text-anchor='middle'>"
                     f"{label}</text>")
    if x_label:
        parts.append(f"<text x='{left + pw / 2:.1f}' y='{height - 6}' text-anchor='middle'>"
                     f"{escape(x_label)}</text>")
    if y_label:
        parts.append(f"<text x='14' y='{top + ph / 2:.1f}' transform='rotate(-90 14 "
                     f"{top + ph / 2:.1f})' text-anchor='middle'>{escape(y_label)}</text>")
    for i, (name, ys) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        pts = " ".join(f"{px(a):.1f},{py(float(b)):.1f}" for a, b in zip(xs, ys, strict=False)
                       if b is not None and math.isfinite(float(b)))
        parts.append(f"<polyline fill='none' stroke='{color}' stroke-width='2' points='{pts}'>"
                     f"<title>{escape(str(name))}</title></polyline>")
        ly = top + 14 + i * 16
        parts.append(f"<rect x='{left + pw + 10}' y='{ly - 9}' width='12' height='10' "
                     f"fill='{color}'/>")
        parts.append(f"<text x='{left + pw + 26}' y='{ly}'>{escape(str(name))[:18]}</text>")
    parts.append("</svg>")
    return "".join(parts)
