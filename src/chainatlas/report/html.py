"""Self-contained HTML reports: one file, figures embedded as SVG, no external request.

Every user string (firm names, segment names, free text) is escaped by the template engine
(autoescape on); only the SVG figures built by :mod:`chainatlas.report.svg`, which escape their
own labels, are inserted as markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from chainatlas._codes import CODE_COLUMNS, code_label, column_label
from chainatlas._format import column_kind, fmt, number

__all__ = ["Section", "render_html"]


@dataclass
class Section:
    """One section of a report: a title, paragraphs, figures (SVG) and tables (frames)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    anchor: str = ""


_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #222; }
h1 { border-bottom: 3px solid #2f6fb3; padding-bottom: .3em; }
h2 { margin-top: 2em; border-left: 6px solid #2f6fb3; padding-left: .5em; }
h3 { color: #444; }
nav ol { columns: 2; }
table { border-collapse: collapse; margin: .5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef3f9; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #666; font-size: 13px; }
figure { margin: 1em 0; }
.note { background: #fff8e5; border: 1px solid #f0d58c; padding: .5em 1em; font-size: 13px; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="meta">{{ generated_label }}: {{ generated }} · chainatlas {{ version }}</p>
{% for p in intro %}<p class="note">{{ p }}</p>{% endfor %}
<nav><ol>{% for s in sections %}<li><a href="#{{ s.anchor }}">{{ s.title }}</a></li>{% endfor %}</ol></nav>
{% for s in sections %}
<section id="{{ s.anchor }}">
<h2>{{ s.title }}</h2>
{% for p in s.paragraphs %}<p>{{ p }}</p>{% endfor %}
{% for f in s.figures %}<figure>{{ f }}</figure>{% endfor %}
{% for caption, t in s.tables %}
<h3>{{ caption }}</h3>
<table>
<thead><tr>{% for c in t.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in t.rows %}<tr>{% for cell in row %}<td{% if cell[1] %} class="num"{% endif %}>{{ cell[0] }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% if t.more %}<p class="meta">… {{ t.more }} {{ more_label }}</p>{% endif %}
{% endfor %}
</section>
{% endfor %}
</body>
</html>
"""


def _cell(v: Any) -> tuple[str, bool]:
    if v is None or v is pd.NA:
        return "", False
    if isinstance(v, bool):
        return ("是" if v else "否"), False
    if isinstance(v, int):
        return f"{v:,}", True
    if isinstance(v, float):
        if math.isnan(v):
            return "", False
        return number(v), True
    if isinstance(v, (list, tuple)):
        return ";".join(map(str, v)), False
    if hasattr(v, "item"):
        return _cell(v.item())
    return str(v), False


_CODE_DOMAINS = {**CODE_COLUMNS, "type": "chokepoint_type", "kind": "chokepoint_kind"}


def _column_cells(name: str, values: list[Any], lang: str) -> list[tuple[str, bool]]:
    """Cells of one column for a reader: code values translated, numbers through
    :mod:`chainatlas._format` by the column's kind (years without separators, money in 万元/亿元,
    shares in %), other values as they are."""
    kind = column_kind(name)
    domain = _CODE_DOMAINS.get(name)
    out = []
    for v in values:
        if hasattr(v, "item") and not isinstance(v, (list, tuple, str)):
            v = v.item()
        if domain and isinstance(v, str):
            out.append((code_label(domain, v, lang), False))
        elif kind != "text" and isinstance(v, (int, float)) and not isinstance(v, bool):
            text = fmt(v, kind, lang)
            out.append(("" if text == "—" else text, True))
        else:
            out.append(_cell(v))
    return out


def _table(frame: pd.DataFrame, max_rows: int, lang: str = "zh") -> dict[str, Any]:
    shown = frame.head(max_rows)
    columns = [str(c) for c in shown.columns]
    cells = [_column_cells(c, shown.iloc[:, i].tolist(), lang) for i, c in enumerate(columns)]
    rows = [list(r) for r in zip(*cells, strict=True)] if cells else []
    return {"columns": [column_label(c, lang) for c in columns], "rows": rows,
            "more": max(0, len(frame) - max_rows)}


def render_html(title: str, sections: list[Section], *, lang: str = "zh",
                intro: list[str] | None = None, max_rows: int = 30, version: str = "") -> str:
    """The whole report as one HTML string."""
    env = Environment(autoescape=True)
    template = env.from_string(_TEMPLATE)
    prepared = []
    for i, s in enumerate(sections):
        prepared.append({
            "title": s.title,
            "anchor": s.anchor or f"s{i + 1}",
            "paragraphs": s.paragraphs,
            "figures": [Markup(f) for f in s.figures],  # noqa: S704 - built by report.svg, escaped there
            "tables": [(caption, _table(t, max_rows, lang)) for caption, t in s.tables],
        })
    zh = lang == "zh"
    return template.render(
        title=title, lang="zh-CN" if zh else "en", sections=prepared, intro=intro or [],
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        generated_label="生成时间" if zh else "Generated", version=version,
        more_label="行未显示（见 Excel 清单）" if zh else "more rows (see the Excel workbook)",
    )
