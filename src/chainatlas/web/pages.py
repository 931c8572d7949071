"""Dashboard pages: one render function per tab, and the callbacks of interactive pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, dcc, html

from chainatlas.web import page_analyses, page_chain, page_map, page_stress
from chainatlas.web._widgets import bar_figure, error_box, grid, register_downloads
from chainatlas.web.i18n import HEALTH_LABELS, STATUS_COLORS, STATUS_LABELS, label, t

__all__ = ["register_callbacks", "render"]


def _overview(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.services import chain, datasets

    summary = datasets.dataset_summary(store, dataset)
    counts = summary["tables"]
    cards = html.Div([
        html.Div([html.Div(t(k, lang)), html.B(f"{counts.get(tbl, 0):,}")],
                 style={"border": "1px solid #ccd", "padding": "0.5em 1em", "borderRadius": "6px"})
        for k, tbl in (("segments", "segments"), ("firms", "firms"), ("links", "supply_links"))
    ], style={"display": "flex", "gap": "1em"})
    children: list[Any] = [cards]
    if counts.get("segments", 0):
        cmap = chain.map_chain(store, dataset).to_dict()
        health = pd.DataFrame(cmap["health"])
        if len(health):
            row = health.iloc[0]
            parts = [c for c in health.columns if c.startswith("h_")]
            children.append(dcc.Graph(id="overview-health", figure=bar_figure(
                [label(HEALTH_LABELS, p[2:], lang) for p in parts],
                [float(row[p]) * 100 for p in parts],
                title=f"{t('health', lang)}: {float(row['health']):.1f} / 100")))
        segs = pd.DataFrame(cmap["segments"])
        if len(segs):
            counts_by = segs["status"].value_counts()
            pie = go.Pie(labels=[label(STATUS_LABELS, s, lang) for s in counts_by.index],
                         values=list(counts_by.values), sort=False,
                         marker={"colors": [STATUS_COLORS.get(s, "#999") for s in counts_by.index]})
            children.append(dcc.Graph(id="overview-status", figure=go.Figure(pie)))
            cols = [c for c in ("segment", "name", "stage", "status", "firms_local", "share")
                    if c in segs]
            children += [html.H4(t("segment_table", lang)),
                         grid("overview-segments", segs[cols], height=320, lang=lang)]
    return html.Div(children)


def render(tab: str, store: Any, dataset: str, lang: str) -> Any:
    """The content of ``tab`` for ``dataset``; errors are shown on the page, not raised."""
    try:
        if tab == "overview":
            return _overview(store, dataset, lang)
        if tab == "chain":
            return page_chain.render(store, dataset, lang)
        if tab == "map":
            return page_map.render(store, dataset, lang)
        if tab == "stress":
            return page_stress.render(store, dataset, lang)
        return page_analyses.render(tab, store, dataset, lang)
    except Exception as err:  # shown to the user; the server keeps running
        return error_box(err)


def register_callbacks(app: Dash, get_store: Callable[[], Any], get_jobs: Callable[[], Any]) -> None:
    page_chain.register(app, get_store)
    page_stress.register(app, get_store, get_jobs)
    page_analyses.register(app, get_store)
    page_map.register(app, get_store)
    register_downloads(app)
