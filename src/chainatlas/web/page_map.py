"""Map of China: regions shaded by a chosen measure, firms as points, the N-hour circle.

Drawn with plotly ``geo`` on the shipped boundary files (``assets/geo/``), fully offline: the
geo subplot's base layers stay hidden (China is drawn only from the shipped, ECharts-derived
boundaries, South China Sea inset included on the national map) and plotly's base-map request is
pointed at the server's own ``assets/topojson/``. Names appear as hover text only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from chainatlas._format import fmt
from chainatlas._format import hours as fmt_hours
from chainatlas._format import share as fmt_share
from chainatlas.web import cache
from chainatlas.web._widgets import error_box, grid, notice, region_names
from chainatlas.web.geo import (
    MEASURES,
    boundaries,
    firm_points,
    region_measures,
    rollup,
    rollup_code,
)
from chainatlas.web.i18n import t

__all__ = ["MAX_POINTS", "map_figure", "map_figure_json", "register", "render"]

#: Firm points drawn at most (the largest by output); more would slow the browser, not inform.
MAX_POINTS = 3000


def _measure_label(key: str, lang: str) -> str:
    zh, en, _ = MEASURES[key]
    return zh if lang == "zh" else en


def map_figure(ds: Any, *, level: str = "province", measure: str = "firms", lang: str = "zh",
               site: str | None = None, hours: float | None = None, mode: str = "road",
               show_firms: bool = True, segment: str | None = None,
               within: list[str] | None = None, height: int = 620,
               legend: bool = True) -> go.Figure:
    """The map: an outline layer of every boundary, the measure's choropleth, firm points and
    (with ``site`` and ``within``, the region codes reachable within ``hours``) the N-hour area:
    the regions themselves, outlined on top of everything else. ``measure="lq"`` shades the
    location quotient of ``segment``."""
    gj = boundaries("city" if level == "city" else "province")
    feats = gj["features"]
    ids = [f["properties"]["id"] for f in feats]
    names = [f["properties"]["name"] for f in feats]
    fig = go.Figure()
    fig.add_trace(go.Choropleth(  # every boundary, light grey (the inset included)
        geojson=gj, featureidkey="properties.id", locations=ids, z=[0] * len(ids),
        colorscale=[[0, "#f4f4f4"], [1, "#f4f4f4"]], showscale=False,
        marker={"line": {"color": "#9a9a9a", "width": 0.6}}, hovertext=names,
        hoverinfo="text", name="boundaries"))
    seg = segment if measure == "lq" else None
    table = cache.of_dataset(ds, f"measures:{level}:{seg}",
                             lambda: region_measures(ds, level, seg)).copy()  # type: ignore[arg-type]
    if measure not in table:
        table[measure] = 0.0
    if len(table):
        shaded = set(table["code"])
        sub = {"type": "FeatureCollection",
               "features": [f for f in feats if f["properties"]["id"] in shaded]}
        z = table[measure].astype(float)
        title = _measure_label(measure, lang)
        if measure == "output":  # 万元 → 亿元 on the colour bar: short ticks without SI letters
            z = z / 1e4
            title = "产值 (亿元/年)" if lang == "zh" else "Output (100m CNY/yr)"
        kind = {"output": "money", "share": "percent", "lq": "ratio"}.get(measure, "count")
        fig.add_trace(go.Choropleth(
            geojson=sub, featureidkey="properties.id", locations=table["code"],
            z=z, colorscale="Blues", zmin=0,
            marker={"line": {"color": "#6b6b6b", "width": 0.6}},
            colorbar={"title": {"text": title}, "thickness": 12, "tickformat": ",~r"},
            hovertext=[f"{n}<br>{_measure_label(measure, lang)}: {fmt(v, kind, lang)}"
                       for n, v in zip(table["name"], table[measure], strict=True)],
            hoverinfo="text", name=_measure_label(measure, lang)))
    if show_firms:
        pts = cache.of_dataset(ds, "points", lambda: firm_points(ds))
        if level == "city":  # a regional map shows the firms inside its region only
            inside = set(ids)
            pts = pts[rollup(pts["region"], "city").isin(inside).to_numpy()]
        if len(pts) > MAX_POINTS:  # the largest firms; the page notes the cut
            pts = pts.sort_values("output_value", ascending=False, na_position="last") \
                .head(MAX_POINTS)
        if len(pts):
            fig.add_trace(go.Scattergeo(
                lon=pts["lon"], lat=pts["lat"], mode="markers", name=t("firms", lang),
                marker={"size": [9 if a else 5 for a in pts["anchor"]],
                        "color": ["#c0392b" if a else "#e67e22" for a in pts["anchor"]],
                        "line": {"width": 0.4, "color": "#333"}, "opacity": 0.85},
                hovertext=[f"{n}<br>{r} · {s}" for n, r, s in
                           zip(pts["name"], pts["region_name"], pts["segment"], strict=True)],
                hoverinfo="text"))
    if site and within:
        _area_traces(fig, ds, site, within, hours, lang)
    fig.update_geos(visible=False, projection_type="mercator")
    if level == "city":
        fig.update_geos(fitbounds="geojson")
    else:  # the whole country, South China Sea inset included
        fig.update_geos(lonaxis_range=[72, 136], lataxis_range=[16.5, 54.5])
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 10, "b": 0},
                      legend={"orientation": "h", "y": 0.02, "x": 0.01},
                      dragmode="pan", showlegend=legend)
    return fig


def map_figure_json(ds: Any, **options: Any) -> dict[str, Any]:
    """:func:`map_figure` as the JSON-ready dict the browser receives, cached for the dataset
    object and the options (building a figure of 3,000 points and every boundary takes a second
    or two; a cached one is sent at once)."""
    key = "map-figure:" + repr(sorted((k, tuple(v) if isinstance(v, list) else v)
                                      for k, v in options.items()))
    return cache.of_dataset(ds, key, lambda: map_figure(ds, **options).to_plotly_json())


def _area_traces(fig: go.Figure, ds: Any, site: str, within: list[str], hours: float | None,
                 lang: str) -> None:
    """The regions within the hours (city outlines where the city is drawn, else its province),
    filled lightly and outlined in blue above the choropleth and the firm points, and the site."""
    cities = boundaries("city")
    city_ids = {f["properties"]["id"] for f in cities["features"]}
    codes = {rollup_code(c, "city") for c in within} - {None}
    shown = [c for c in codes if c in city_ids]
    feats = [f for f in cities["features"] if f["properties"]["id"] in set(shown)]
    provinces = {rollup_code(c, "province") for c in codes if c not in city_ids} - {None}
    if provinces:
        prov = boundaries("province")
        feats += [f for f in prov["features"] if f["properties"]["id"] in provinces]
    if feats:
        gj = {"type": "FeatureCollection", "features": feats}
        ids = [f["properties"]["id"] for f in feats]
        fig.add_trace(go.Choropleth(
            geojson=gj, featureidkey="properties.id", locations=ids, z=[1] * len(ids),
            colorscale=[[0, "rgba(47,111,179,0.18)"], [1, "rgba(47,111,179,0.18)"]],
            showscale=False, marker={"line": {"color": "#1f5fa8", "width": 2.2}},
            hovertext=[f["properties"]["name"] for f in feats], hoverinfo="text",
            name=t("circle_area", lang).format(hours=fmt_hours(hours, lang)), showlegend=True))
    regs = ds.regions.assign(code=ds.regions["code"].astype(str)).set_index("code")
    if site in regs.index and pd.notna(regs.at[site, "lon"]):
        fig.add_trace(go.Scattergeo(
            lon=[float(regs.at[site, "lon"])], lat=[float(regs.at[site, "lat"])], mode="markers",
            name=str(regs.at[site, "name"]),
            marker={"symbol": "star", "size": 18, "color": "#1f5fa8",
                    "line": {"width": 1, "color": "#fff"}},
            hovertext=[str(regs.at[site, "name"])], hoverinfo="text"))


def render(store: Any, dataset: str, lang: str) -> Any:
    ds = cache.dataset(store, dataset)
    if not len(ds.firms):
        return notice(t("no_firms_map", lang))
    regs = ds.regions
    sites = regs[regs["lon"].notna() & regs["code"].astype(str).str.fullmatch(r"\d{6}")] \
        if len(regs) else regs
    first = ("310000" if "310000" in set(sites["code"].astype(str)) else
             (str(sites["code"].iloc[0]) if len(sites) else None))
    site_names = region_names(sites, lang)
    segs = ds.segments
    name_col = "name_en" if lang == "en" and "name_en" in segs else "name"
    segment_options = [{"label": str(r[name_col] if pd.notna(r[name_col]) else r["name"]),
                        "value": str(r["id"])} for _, r in segs.iterrows()]
    ids = [o["value"] for o in segment_options]
    first_segment = "cells" if "cells" in ids else (ids[0] if ids else None)
    return html.Div([
        html.Div([
            dcc.RadioItems(id="map-level", value="province", inline=True, options=[
                {"label": t("provinces", lang), "value": "province"},
                {"label": t("yrd_cities", lang), "value": "city"}]),
            html.Label(t("measure", lang)),
            dcc.Dropdown(id="map-measure", value="firms", clearable=False, style={"width": "230px"},
                         options=[{"label": _measure_label(k, lang), "value": k} for k in MEASURES]),
            dcc.Dropdown(id="map-segment", value=first_segment, clearable=False,
                         style={"width": "220px"}, options=segment_options),
            dcc.Checklist(id="map-firms", value=["firms"], inline=True,
                          options=[{"label": t("firm_points", lang), "value": "firms"}]),
        ], style={"display": "flex", "gap": "0.8em", "alignItems": "center"}),
        html.Div([
            html.Label(t("site", lang)),
            dcc.Dropdown(id="map-site", value=first, style={"width": "220px"},
                         options=[{"label": site_names.get(str(c), str(c)), "value": str(c)}
                                  for c in sites["code"]]),
            dcc.RadioItems(id="map-mode", value="road", inline=True, options=[
                {"label": t("road", lang), "value": "road"},
                {"label": t("rail", lang), "value": "rail"}]),
            html.Div(dcc.Slider(id="map-hours", min=0, max=8, step=0.5, value=4,
                                marks={h: f"{h}h" for h in range(0, 9)}), style={"width": "320px"}),
        ], style={"display": "flex", "gap": "0.8em", "alignItems": "center", "margin": "0.4em 0"}),
        html.Div(id="map-circle-summary"),
        dcc.Graph(id="map-graph", config={"topojsonURL": dash.get_asset_url("topojson/"),
                                          "scrollZoom": True, "displaylogo": False}),
        html.P(t("map_attribution", lang), style={"fontSize": "11px", "color": "#777"}),
        html.Div(id="map-table"),
    ])


def register(app: Dash, get_store: Callable[[], Any]) -> None:
    @app.callback(Output("map-graph", "figure"), Output("map-table", "children"),
                  Output("map-circle-summary", "children"),
                  Input("map-level", "value"), Input("map-measure", "value"),
                  Input("map-firms", "value"), Input("map-site", "value"),
                  Input("map-hours", "value"), Input("map-mode", "value"),
                  Input("map-segment", "value"),
                  State("dataset", "value"), State("lang", "data"))
    def _map(level: str, measure: str, firms: list[str] | None, site: str | None,
             hours: float | None, mode: str, segment: str | None, dataset: str,
             lang: str) -> tuple[Any, Any, Any]:

        ds = cache.dataset(get_store(), dataset)
        summary: Any = None
        within: list[str] = []
        if site and hours:
            try:
                res = cache.circle(get_store(), dataset, site, float(hours),
                                   "rail" if mode == "rail" else "road")
                within = [str(r["code"]) for r in res.to_dict()["regions_within"]
                          if r.get("within")]
                summary = html.P(t("circle_summary", lang).format(
                    site=region_names(ds.regions, lang).get(str(site), res.site_name),
                    hours=fmt_hours(hours, lang),
                    share=fmt_share(res.share_within), covered=res.segments_covered,
                    total=res.segments_total))
            except Exception as err:  # shown on the page; the map still draws
                summary = error_box(err, lang)
        fig = map_figure_json(ds, level=level, measure=measure, lang=lang, site=site,
                              hours=hours, mode=mode, show_firms=bool(firms), segment=segment,
                              within=within)
        if firms and len(ds.firms) > MAX_POINTS:
            summary = html.Div([summary, html.P(t("points_cut", lang).format(
                shown=f"{MAX_POINTS:,}", total=f"{len(ds.firms):,}"))])
        table = cache.of_dataset(ds, f"measures:{level}:{segment}",
                                 lambda: region_measures(ds, level, segment)).copy()  # type: ignore[arg-type]
        table = grid("map-grid", table.drop(columns=[c for c in ("code",) if c in table]),
                     height=300, lang=lang, kinds={"share": "percent", "output": "money"})
        return fig, table, summary
