"""Small shared widgets: grids, figures, error boxes."""

from __future__ import annotations

import base64
import io
import math
from typing import Any

import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.dcc.express import send_bytes, send_string

from chainatlas.exceptions import ChainAtlasError
from chainatlas.web.i18n import column_label, t

__all__ = ["bar_figure", "error_box", "grid", "records", "register_downloads", "svg_image",
           "table_file"]


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


def grid(grid_id: str, frame: pd.DataFrame, *, height: int = 360, lang: str = "zh",
         downloads: bool = True) -> html.Div:
    """An AG Grid over ``frame`` (sortable, filterable, headers in ``lang``) with CSV and Excel
    download buttons.

    The wrapper ``Div`` carries ``grid_id`` (so ``#grid_id .ag-row`` finds the rows); the grid and
    its buttons carry pattern ids ``{"type": "grid" | "grid-csv" | "grid-xlsx" | "grid-download",
    "name": grid_id}`` served by the one download callback of :func:`register_downloads`.
    """
    children: list[Any] = [dag.AgGrid(
        id={"type": "grid", "name": grid_id},
        rowData=records(frame),
        columnDefs=[{"field": str(c), "headerName": column_label(str(c), lang)}
                    for c in frame.columns],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 50},
        style={"height": f"{height}px"},
    )]
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
    """A ``dcc.Download`` payload holding ``rows`` as CSV (UTF-8 with BOM, so Excel reads the
    Chinese text) or as an Excel workbook, columns in grid order under their field names."""
    fields = [str(c["field"]) for c in (columns or []) if "field" in c]
    frame = pd.DataFrame(rows or [], columns=fields or None)
    if fmt == "xlsx":
        def write(buf: io.BytesIO) -> None:
            with pd.ExcelWriter(buf, engine="openpyxl") as xl:
                frame.to_excel(xl, sheet_name=stem[:31] or "table", index=False)

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
               horizontal: bool = True) -> go.Figure:
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h") if horizontal
                    else go.Bar(x=labels, y=values))
    fig.update_layout(title=title, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      height=max(260, 22 * len(labels) + 80), yaxis={"autorange": "reversed"})
    return fig


def svg_image(element_id: str, svg: str) -> html.Img:
    """A server-drawn SVG chart (:mod:`chainatlas.report.svg`) as an image: it paints as soon as
    the page arrives, without waiting for plotly.js (used for the overview's first figures)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return html.Img(id=element_id, src=f"data:image/svg+xml;base64,{data}", className="chart",
                    style={"maxWidth": "100%", "display": "block", "margin": "0.6em 0"})


def error_box(err: Exception) -> html.Div:
    """A readable error (our errors show their message; others their type)."""
    text = err.message if isinstance(err, ChainAtlasError) else f"{type(err).__name__}: {err}"
    return html.Div(text, className="error",
                    style={"background": "#fdecea", "border": "1px solid #f5c2c0",
                           "padding": "0.6em", "whiteSpace": "pre-wrap"})
