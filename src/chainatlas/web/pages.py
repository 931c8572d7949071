"""Dashboard pages: one render function per tab, and the callbacks of interactive pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from dash import Dash, html

from chainatlas.report.svg import bar_chart
from chainatlas.web import page_analyses, page_chain, page_map, page_sharing, page_stress
from chainatlas.web._widgets import error_box, grid, register_downloads, svg_image
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
            children.append(svg_image("overview-health", bar_chart(
                [label(HEALTH_LABELS, p[2:], lang) for p in parts],
                [float(row[p]) * 100 for p in parts],
                title=f"{t('health', lang)}: {float(row['health']):.1f} / 100")))
        segs = pd.DataFrame(cmap["segments"])
        if len(segs):
            counts_by = segs["status"].value_counts()
            children.append(svg_image("overview-status", bar_chart(
                [label(STATUS_LABELS, s, lang) for s in counts_by.index],
                [float(v) for v in counts_by.values], title=t("segments", lang),
                colors=[STATUS_COLORS.get(s, "#999") for s in counts_by.index])))
            if lang == "en" and "name_en" in segs:
                segs["name"] = segs["name_en"].where(segs["name_en"].notna(), segs["name"])
            cols = [c for c in ("segment", "name", "stage", "status", "firms", "firms_local",
                                "local_share", "lq", "top_region") if c in segs]
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
        if tab == "sharing":
            return page_sharing.render(store, dataset, lang)
        return page_analyses.render(tab, store, dataset, lang)
    except Exception as err:  # shown to the user; the server keeps running
        return error_box(err)


def register_callbacks(app: Dash, get_store: Callable[[], Any], get_jobs: Callable[[], Any]) -> None:
    page_chain.register(app, get_store)
    page_stress.register(app, get_store, get_jobs)
    page_analyses.register(app, get_store)
    page_map.register(app, get_store)
    page_sharing.register(app, get_store)
    register_downloads(app)
