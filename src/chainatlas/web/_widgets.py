"""Small shared widgets: grids, figures, error boxes."""

from __future__ import annotations

import math
from typing import Any

import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import html

from chainatlas.exceptions import ChainAtlasError

__all__ = ["bar_figure", "error_box", "grid", "records"]


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


def grid(grid_id: str, frame: pd.DataFrame, *, height: int = 360) -> dag.AgGrid:
    """An AG Grid over ``frame`` with sortable, filterable columns."""
    return dag.AgGrid(
        id=grid_id,
        rowData=records(frame),
        columnDefs=[{"field": str(c)} for c in frame.columns],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 50},
        style={"height": f"{height}px"},
        csvExportParams={"fileName": f"{grid_id}.csv"},
    )


def bar_figure(labels: list[str], values: list[float], title: str = "",
               horizontal: bool = True) -> go.Figure:
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h") if horizontal
                    else go.Bar(x=labels, y=values))
    fig.update_layout(title=title, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      height=max(260, 22 * len(labels) + 80), yaxis={"autorange": "reversed"})
    return fig


def error_box(err: Exception) -> html.Div:
    """A readable error (our errors show their message; others their type)."""
    text = err.message if isinstance(err, ChainAtlasError) else f"{type(err).__name__}: {err}"
    return html.Div(text, className="error",
                    style={"background": "#fdecea", "border": "1px solid #f5c2c0",
                           "padding": "0.6em", "whiteSpace": "pre-wrap"})
