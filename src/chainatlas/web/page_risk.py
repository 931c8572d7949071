"""Systemic risk: firms ranked by ESRI (with names and reasons), the heavy-tailed distribution,
a map of where the risk sits and one firm's loss cascade.

ESRI of every firm (Diem et al. 2022, ε = 0.01, σ on) is computed once per dataset version and
cached; a dataset past :data:`MAX_FIRMS` firms is pointed to the API job instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from chainatlas.web import cache
from chainatlas.web._widgets import bar_figure, error_box, grid, notice
from chainatlas.web.geo import boundaries
from chainatlas.web.page_analyses import _segment_names

__all__ = ["MAX_FIRMS", "map_extent", "register", "render"]

#: Firms computed inside a page request; larger datasets use ``POST …/risk/esri`` (a job).
MAX_FIRMS = 20_000

_DIR = {"customer": ("下游客户", "customer"), "supplier": ("上游供应商", "supplier"),
        "both": ("上下游", "both")}


def _L(lang: str, zh: str, en: str) -> str:  # noqa: N802 - a label helper
    return zh if lang == "zh" else en


def _result(store: Any, name: str) -> tuple[Any, dict[str, Any]]:
    from chainatlas.services import risk

    ds = cache.dataset(store, name)

    def build() -> tuple[Any, dict[str, Any]]:
        ri = risk.risk_input_of(ds)
        return ri, risk.run_esri(ri, reasons=3, top=None)

    return cache.of_dataset(ds, "risk-esri", build)


def _why(r: dict[str, Any], lang: str) -> str:
    k = 0 if lang == "zh" else 1
    return "; ".join(f"{x['name']} ({_DIR[x['direction']][k]} {100 * x['loss']:.2f}%)"
                     for x in r.get("reasons", []))


def _map(ri: Any, rows: list[dict[str, Any]], lang: str) -> go.Figure:
    f = ri.firms.set_index("id")
    lon = pd.to_numeric(f["lon"], errors="coerce") if "lon" in f else pd.Series(np.nan, f.index)
    lat = pd.to_numeric(f["lat"], errors="coerce") if "lat" in f else pd.Series(np.nan, f.index)
    if "region_lon" in f:
        lon = lon.fillna(f["region_lon"])
        lat = lat.fillna(f["region_lat"])
    frame = pd.DataFrame(rows)
    frame["lon"] = frame["firm"].map(lon)
    frame["lat"] = frame["firm"].map(lat)
    frame = frame.dropna(subset=["lon", "lat"])
    gj = boundaries("province")
    ids = [x["properties"]["id"] for x in gj["features"]]
    fig = go.Figure(go.Choropleth(geojson=gj, featureidkey="properties.id", locations=ids,
                                  z=[0] * len(ids), showscale=False, hoverinfo="skip",
                                  colorscale=[[0, "#f4f4f4"], [1, "#f4f4f4"]],
                                  marker={"line": {"color": "#9a9a9a", "width": 0.6}}))
    # firms of one region share its point: jitter them slightly so each stays hoverable
    rng = np.random.default_rng(0)
    jit = rng.normal(0, 0.08, (len(frame), 2))
    pct = 100 * frame["esri"].to_numpy(float)
    fig.add_trace(go.Scattergeo(
        lon=frame["lon"] + jit[:, 0], lat=frame["lat"] + jit[:, 1], mode="markers",
        text=[f"{n}: ESRI {p:.1f}%" for n, p in zip(frame["name"], pct, strict=True)],
        hoverinfo="text", marker={"size": 4 + 30 * np.sqrt(pct / max(pct.max(), 1e-9)),
                                  "color": pct, "colorscale": "Reds", "showscale": True,
                                  "colorbar": {"title": "ESRI %"}, "line": {"width": 0.3}}))
    lon_range, lat_range, abroad = map_extent(frame, f)
    if lon_range is not None:
        fig.update_geos(lonaxis_range=lon_range, lataxis_range=lat_range)
    fig.update_geos(visible=False, projection_type="mercator", showframe=False)
    fig.update_layout(title=_L(lang, "系统性风险分布（点大小 = ESRI）", "Where the risk sits (size = ESRI)"),
                      height=520, margin={"l": 0, "r": 0, "t": 40, "b": 0})
    if abroad:
        fig.add_annotation(text=_L(lang, f"另有 {abroad} 家境外企业在图框外",
                                   f"{abroad} firms abroad lie outside the frame"),
                           x=0.01, y=0.01, xref="paper", yref="paper", showarrow=False,
                           xanchor="left", yanchor="bottom", font={"size": 12, "color": "#5b6673"})
    return fig


def map_extent(points: pd.DataFrame, firms: pd.DataFrame, pad: float = 1.0
               ) -> tuple[list[float] | None, list[float] | None, int]:
    """Longitude and latitude ranges that frame the firms in China (``points``: ``firm``,
    ``lon``, ``lat``; ``firms`` indexed by id with ``country`` or ``region``), ``pad`` degrees
    around them, and how many firms abroad fall outside. Firms abroad (a Chilean mine, a German
    supplier) would stretch the frame to the whole world and shrink China to a dot; without any
    firm in China the frame holds every point. ``(None, None, 0)`` without points."""
    if not len(points):
        return None, None, 0
    if "country" in firms:
        home = firms["country"].astype("string").fillna("CHN").eq("CHN")
    else:
        home = firms["region"].astype(str).str.fullmatch(r"\d{6}")
    inside = points["firm"].map(home).fillna(False).astype(bool)
    shown = points[inside] if inside.any() else points
    lon, lat = shown["lon"].astype(float), shown["lat"].astype(float)
    return ([float(lon.min()) - pad, float(lon.max()) + pad],
            [float(lat.min()) - pad, float(lat.max()) + pad], int((~inside).sum()) if inside.any() else 0)


def _distribution(rows: list[dict[str, Any]], lang: str) -> go.Figure:
    e = 100 * np.array([r["esri"] for r in rows], dtype=float)
    fig = go.Figure(go.Histogram(x=e, nbinsx=40, marker={"color": "#2f6fb3"}))
    fig.update_layout(title=_L(lang, "ESRI 分布（对数纵轴：少数企业风险极高）",
                               "ESRI distribution (log scale: a few firms carry most risk)"),
                      xaxis={"title": "ESRI %"}, yaxis={"type": "log",
                                                        "title": _L(lang, "企业数", "firms")},
                      height=320, margin={"l": 50, "r": 20, "t": 40, "b": 40})
    return fig


def cascade_figure(store: Any, name: str, firm: str, lang: str) -> go.Figure:
    """The firms that carry one firm's loss (weighted loss, % of network output)."""
    from chainatlas.services import risk

    ri, _ = _result(store, name)
    c = risk.firm_cascade(ri, firm, top=15)
    k = 0 if lang == "zh" else 1
    labels = [f"{x['name']} · {_DIR[x['direction']][k]}" for x in c["carried_by"]]
    fig = bar_figure(labels, [100 * x["loss"] for x in c["carried_by"]],
                     title=_L(lang, f"{c['name']} 停产：ESRI {100 * c['esri']:.1f}%（下游 "
                                    f"{100 * c['esri_downstream']:.1f}%，上游 "
                                    f"{100 * c['esri_upstream']:.1f}%），损失落在",
                              f"{c['name']} fails: ESRI {100 * c['esri']:.1f}% (downstream "
                              f"{100 * c['esri_downstream']:.1f}%, upstream "
                              f"{100 * c['esri_upstream']:.1f}%); the loss falls on"),
                     xaxis_title=_L(lang, "全网产出的 %", "% of network output"))
    return fig


def render(store: Any, name: str, lang: str) -> Any:
    ds = cache.dataset(store, name)
    if len(ds.firms) > MAX_FIRMS:
        return notice(_L(lang, f"企业数超过 {MAX_FIRMS}：请用 API 任务 POST /api/v1/datasets/"
                               f"{name}/risk/esri 计算。",
                         f"More than {MAX_FIRMS} firms: run the API job POST /api/v1/datasets/"
                         f"{name}/risk/esri."))
    ri, out = _result(store, name)
    rows = out["results"]
    seg_names = _segment_names(store, name, lang)  # names, not segment ids
    table = pd.DataFrame([{"rank": r["rank"], "name": r["name"],
                           "segment": seg_names.get(str(r["sector"]), r["sector"]),
                           "esri": r["esri"], "esri_downstream": r["esri_downstream"],
                           "esri_upstream": r["esri_upstream"],
                           "reasons": _why(r, lang)} for r in rows[:200]])
    table = table.rename(columns={
        "name": _L(lang, "企业", "Firm name"), "segment": _L(lang, "环节", "Segment name"),
        "esri": "ESRI", "esri_downstream": _L(lang, "ESRI 下游", "ESRI downstream"),
        "esri_upstream": _L(lang, "ESRI 上游", "ESRI upstream"),
        "reasons": _L(lang, "损失主要落在", "loss carried by"), "rank": _L(lang, "排名", "rank")})
    kinds = {c: "share" for c in table.columns if str(c).startswith("ESRI")}
    options = [{"label": f"{r['rank']}. {r['name']}", "value": r["firm"]} for r in rows[:100]]
    first = rows[0]["firm"] if rows else None
    return html.Div([
        html.P(_L(lang, "经济系统性风险指数 ESRI（Diem 等 2022）：企业停产后，损失沿供应链向下游和"
                        "上游传导，全网损失的产出份额。ε = 0.01，允许同环节替代。",
                  "Economic Systemic Risk Index (Diem et al. 2022): the share of the network's "
                  "output lost when a firm fails, losses spreading down- and upstream. "
                  "ε = 0.01, replaceability on."), id="risk-intro"),
        grid("risk-grid", table, lang=lang, kinds=kinds, height=420),
        html.Div([dcc.Graph(id="risk-dist", figure=_distribution(rows, lang),
                            config={"displaylogo": False}, style={"flex": "1"}),
                  dcc.Graph(id="risk-map", figure=_map(ri, rows, lang),
                            config={"displaylogo": False}, style={"flex": "1.3"})],
                 style={"display": "flex", "gap": "1em"}),
        html.Label(_L(lang, "企业损失传导：", "A firm's loss cascade:")),
        dcc.Dropdown(id="risk-firm", options=options, value=first, clearable=False,
                     style={"maxWidth": "40em"}),
        dcc.Graph(id="risk-cascade",
                  figure=cascade_figure(store, name, first, lang) if first else go.Figure(),
                  config={"displaylogo": False}),
    ])


def register(app: Dash, get_store: Callable[[], Any]) -> None:
    @app.callback(Output("risk-cascade", "figure"), Input("risk-firm", "value"),
                  State("dataset", "value"), State("lang", "data"), prevent_initial_call=True)
    def _cascade(firm: str | None, name: str | None, lang: str) -> Any:
        if not firm or not name:
            return go.Figure()
        try:
            return cascade_figure(get_store(), name, firm, lang or "zh")
        except Exception as err:  # shown, not raised
            fig = go.Figure()
            fig.update_layout(title=str(error_box(err, lang).children))
            return fig
