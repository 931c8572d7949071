"""Small shared widgets: grids, figures, error boxes."""

from __future__ import annotations

import base64
import io
import json
import math
from typing import Any

import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.dcc.express import send_bytes, send_string

from chainatlas._codes import CODE_COLUMNS, code_label, column_label
from chainatlas._format import column_kind, fmt, ratio
from chainatlas.exceptions import ChainAtlasError
from chainatlas.report.xlsx import write_frames
from chainatlas.web.i18n import t

__all__ = ["AG_GRID_ZH", "bar_figure", "error_box", "grid", "notice", "records", "region_names",
           "register_downloads", "svg_image", "table_file"]


def region_names(regions: pd.DataFrame, lang: str = "zh") -> dict[str, str]:
    """Region code → name in ``lang`` (``name_en`` in English where the table has one)."""
    if not len(regions):
        return {}
    names = regions["name"].astype(str)
    if lang != "zh" and "name_en" in regions:
        en = regions["name_en"]
        names = en.where(en.notna() & en.astype(str).str.strip().ne(""), regions["name"]).astype(str)
    return dict(zip(regions["code"].astype(str), names, strict=True))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Frame rows as JSON-safe dicts (NaN → None, lists joined)."""
    out = []
    for row in frame.to_dict(orient="records"):
        clean = {}
        for k, v in row.items():
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif isinstance(v, (list, tuple)):
                v = ";".join(map(str, v))
            elif hasattr(v, "item"):
                v = v.item()
            elif v is pd.NA:
                v = None
            clean[str(k)] = v
        out.append(clean)
    return out


#: AG Grid's own labels in Chinese (pagination, filters, empty grid).
AG_GRID_ZH: dict[str, str] = {
    "page": "页", "more": "更多", "to": "至", "of": "共", "next": "下一页", "last": "末页",
    "first": "首页", "previous": "上一页", "loadingOoo": "加载中…", "noRowsToShow": "无数据",
    "pageSizeSelectorLabel": "每页行数:", "ariaPageSizeSelectorLabel": "每页行数",
    "pageLastRowUnknown": "?", "firstPage": "首页", "lastPage": "末页", "nextPage": "下一页",
    "previousPage": "上一页",
    "filterOoo": "筛选…", "applyFilter": "应用", "resetFilter": "重置", "clearFilter": "清除",
    "cancelFilter": "取消", "equals": "等于", "notEqual": "不等于", "blank": "空白",
    "notBlank": "非空白", "empty": "请选择", "lessThan": "小于", "greaterThan": "大于",
    "lessThanOrEqual": "小于等于", "greaterThanOrEqual": "大于等于", "inRange": "介于",
    "inRangeStart": "从", "inRangeEnd": "到", "contains": "包含", "notContains": "不包含",
    "startsWith": "开头是", "endsWith": "结尾是", "andCondition": "且", "orCondition": "或",
    "selectAll": "全选", "searchOoo": "搜索…", "noMatches": "无匹配", "columns": "列",
    "filters": "筛选", "pinColumn": "固定列", "autosizeThisColumn": "自动调整本列宽度",
    "autosizeAllColumns": "自动调整所有列宽度", "resetColumns": "重置列", "sortAscending": "升序",
    "sortDescending": "降序", "sortUnSort": "取消排序", "ariaFilterInput": "筛选输入",
    "ariaFilteringOperator": "筛选条件", "ariaColumnFiltersApplied": "已筛选",
    "dateFormatOoo": "yyyy-mm-dd", "before": "早于", "after": "晚于",
}


def _formatted(frame: pd.DataFrame, kinds: dict[str, str], lang: str) -> dict[str, list[str]]:
    """Display text of each number column that has a kind (the cell keeps its value)."""
    out: dict[str, list[str]] = {}
    for col in frame.columns:
        c = str(col)
        kind = kinds.get(c) or column_kind(c)
        series = frame[col]
        if kind == "text" or pd.api.types.is_bool_dtype(series) or \
                not pd.api.types.is_numeric_dtype(series):
            if kind == "text" and pd.api.types.is_float_dtype(series):
                kind = "ratio"  # a measure without a known kind: three significant digits
            else:
                continue
        out[c] = [fmt(v, kind, lang) for v in series.tolist()]
    return out


def grid(grid_id: str, frame: pd.DataFrame, *, height: int = 360, lang: str = "zh",
         downloads: bool = True, codes: dict[str, str] | None = None,
         kinds: dict[str, str] | None = None, hidden: tuple[str, ...] = (),
         page_size: int = 50, max_rows: int = 1000) -> html.Div:
    """An AG Grid over ``frame`` for people, with CSV and Excel download buttons.

    Headers come from the one translation table (:func:`chainatlas._codes.column_label`), code
    columns (stage, status, … and ``codes``: column → domain) show their labels, numbers show
    through :mod:`chainatlas._format` (``kinds`` overrides a column's kind) while each cell keeps
    its full value for sorting and downloads; AG Grid's own labels follow ``lang``. A short
    table sizes itself to its rows. ``hidden`` columns travel with the rows (downloads) unseen.

    The wrapper ``Div`` carries ``grid_id`` (so ``#grid_id .ag-row`` finds the rows); the grid and
    its buttons carry pattern ids ``{"type": "grid" | "grid-csv" | "grid-xlsx" | "grid-download",
    "name": grid_id}`` served by the one download callback of :func:`register_downloads`.
    """
    total = len(frame)
    frame = frame.head(max_rows).reset_index(drop=True)  # the browser gets at most max_rows
    domains = {**{c: d for c, d in CODE_COLUMNS.items() if c in frame}, **(codes or {})}
    shown = frame.copy()
    for col, dom in domains.items():
        if col in shown:
            shown[col] = [code_label(dom, v, lang)
                          if isinstance(v, (list, tuple)) or getattr(v, "ndim", 0) >= 1 or
                          (v is not None and v == v) else v
                          for v in shown[col].tolist()]
    kinds = kinds or {}
    texts = _formatted(frame, kinds, lang)
    rows = records(shown)
    for c, values in texts.items():
        for row, text in zip(rows, values, strict=True):
            row[f"{c}__text"] = text
    column_defs: list[dict[str, Any]] = []
    for col in frame.columns:
        c = str(col)
        cdef: dict[str, Any] = {"field": c, "headerName": column_label(c, lang),
                                "hide": c in hidden}
        if c in texts:
            cdef["valueFormatter"] = {"function": f"params.data[{json.dumps(c + '__text')}]"}
            cdef["type"] = "rightAligned"
            cdef["filter"] = "agNumberColumnFilter"
            cdef["context"] = {"kind": kinds.get(c) or column_kind(c), "lang": lang}
        column_defs.append(cdef)
    options: dict[str, Any] = {"pagination": len(rows) > page_size,
                               "paginationPageSize": page_size,
                               "paginationPageSizeSelector": False,
                               "localeText": AG_GRID_ZH if lang == "zh" else {},
                               "enableCellTextSelection": True}
    style: dict[str, Any] = {"height": f"{height}px"}
    if len(rows) <= 12:
        options["domLayout"] = "autoHeight"
        style = {}
    children: list[Any] = [dag.AgGrid(
        id={"type": "grid", "name": grid_id},
        rowData=rows,
        columnDefs=column_defs,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        columnSize="autoSize" if len(frame.columns) > 6 else "sizeToFit",
        dashGridOptions=options,
        style=style,
    )]
    if total > len(frame):  # a list cut short says so
        children.append(html.Div(t("rows_cut", lang).format(shown=f"{len(frame):,}",
                                                            total=f"{total:,}"),
                                 className="rows-cut", style={"fontSize": "13px",
                                                              "color": "#5b6673"}))
    if downloads:
        children.append(html.Div([
            html.Button(t("download_csv", lang), id={"type": "grid-csv", "name": grid_id},
                        className="download-csv"),
            html.Button(t("download_xlsx", lang), id={"type": "grid-xlsx", "name": grid_id},
                        className="download-xlsx"),
            dcc.Download(id={"type": "grid-download", "name": grid_id}),
        ], style={"display": "flex", "gap": "0.5em", "margin": "0.3em 0 0.8em"}))
    return html.Div(children, id=grid_id, className="grid-block")


def table_file(rows: list[dict[str, Any]] | None, columns: list[dict[str, Any]] | None,
               fmt: str, stem: str) -> dict[str, Any]:
    """A ``dcc.Download`` payload holding the grid's ``rows`` in its column order: CSV (UTF-8 with
    BOM, so Excel reads the Chinese text; field names as headers, full-precision values) or an
    Excel workbook (the grid's headers, full-precision values shown through number formats)."""
    cols = [c for c in (columns or []) if "field" in c]
    fields = [str(c["field"]) for c in cols]
    frame = pd.DataFrame([{k: r.get(k) for k in fields} for r in (rows or [])],
                         columns=fields or None)
    if fmt == "xlsx":
        kinds = {str(c["field"]): str(c["context"]["kind"]) for c in cols
                 if isinstance(c.get("context"), dict) and c["context"].get("kind")}
        lang = str(next((c["context"].get("lang") for c in cols
                         if isinstance(c.get("context"), dict) and c["context"].get("lang")), "zh"))
        money_unit = "万元" if lang == "zh" else "10k CNY"
        headers = {str(c["field"]): str(c.get("headerName") or c["field"]) +
                   (f" ({money_unit})" if kinds.get(str(c["field"])) == "money" else "")
                   for c in cols}

        def write(buf: io.BytesIO) -> None:
            with pd.ExcelWriter(buf, engine="openpyxl") as xl:
                write_frames(xl, {stem[:31] or "table": frame}, headers=headers, kinds=kinds)

        return dict(send_bytes(write, f"{stem}.xlsx"))
    return dict(send_string("\ufeff" + frame.to_csv(index=False), f"{stem}.csv", type="text/csv"))


def register_downloads(app: Dash) -> None:
    """One callback serving every grid's CSV and Excel buttons (built on the server)."""

    @app.callback(Output({"type": "grid-download", "name": MATCH}, "data"),
                  Input({"type": "grid-csv", "name": MATCH}, "n_clicks"),
                  Input({"type": "grid-xlsx", "name": MATCH}, "n_clicks"),
                  State({"type": "grid", "name": MATCH}, "rowData"),
                  State({"type": "grid", "name": MATCH}, "columnDefs"),
                  State("dataset", "value"), prevent_initial_call=True)
    def _download(_csv: int | None, _xlsx: int | None, rows: list[dict[str, Any]] | None,
                  columns: list[dict[str, Any]] | None, dataset: str | None) -> Any:
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict):
            return no_update
        fmt = "xlsx" if trigger.get("type") == "grid-xlsx" else "csv"
        stem = f"{dataset or 'table'}-{trigger.get('name', 'table')}"
        return table_file(rows, columns, fmt, stem)


def bar_figure(labels: list[str], values: list[float], title: str = "",
               horizontal: bool = True, xaxis_title: str = "") -> go.Figure:
    """Bars in the given order (top to bottom), values written at the bar ends."""
    text = [ratio(v) for v in values]
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", text=text, textposition="outside",
                           cliponaxis=False, marker={"color": "#2f6fb3"})
                    if horizontal else go.Bar(x=labels, y=values, text=text))
    fig.update_layout(title=title, margin={"l": 10, "r": 40, "t": 40, "b": 30},
                      height=max(260, 24 * len(labels) + 90), yaxis={"autorange": "reversed",
                                                                     "automargin": True},
                      xaxis={"title": xaxis_title})
    return fig


def svg_image(element_id: str, svg: str) -> html.Img:
    """A server-drawn SVG chart (:mod:`chainatlas.report.svg`) as an image: it paints as soon as
    the page arrives, without waiting for plotly.js (used for the overview's first figures)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return html.Img(id=element_id, src=f"data:image/svg+xml;base64,{data}", className="chart",
                    style={"maxWidth": "100%", "display": "block", "margin": "0.6em 0"})


def error_box(err: Exception, lang: str = "zh") -> html.Div:
    """A readable error: what failed in the reader's language, then the engine's message (our
    errors show their message; others their type)."""
    text = err.message if isinstance(err, ChainAtlasError) else f"{type(err).__name__}: {err}"
    return html.Div([html.B(t("error_lead", lang)), html.Div(text, className="error-detail")],
                    className="error",
                    style={"background": "#fdecea", "border": "1px solid #f5c2c0",
                           "padding": "0.6em", "whiteSpace": "pre-wrap"})


def notice(text: str) -> html.Div:
    """A plain explanation where a page has nothing to show (say, a dataset without firms)."""
    return html.Div(text, className="notice",
                    style={"background": "#f3f6fa", "border": "1px solid #d5dfeb",
                           "padding": "0.8em", "margin": "0.6em 0", "fontSize": "15px"})
