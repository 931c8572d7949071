"""Pages for input-output, clusters, evaluation, matching and advice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from chainatlas.web._widgets import bar_figure, error_box, grid
from chainatlas.web.i18n import t

__all__ = ["advice_table", "register", "render"]


def _io(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.services import io

    res = io.analyze(io.demo_table())
    sectors = [str(s) for s in res["sectors"]]
    quad = go.Figure(go.Scatter(x=res["backward_linkage"], y=res["forward_linkage"],
                                mode="markers+text", text=sectors, textposition="top center"))
    quad.add_hline(y=1, line_dash="dot")
    quad.add_vline(x=1, line_dash="dot")
    quad.update_layout(title=t("key_sectors", lang), xaxis_title=t("backward", lang),
                       yaxis_title=t("forward", lang), height=460)
    table = pd.DataFrame({"sector": sectors, "output_multiplier": res["output_multipliers"],
                          "backward_linkage": res["backward_linkage"],
                          "forward_linkage": res["forward_linkage"]})
    return html.Div([
        html.P(f"{res.get('table', '')} · {res.get('unit', '')}"),
        dcc.Graph(id="io-multipliers", figure=bar_figure(sectors, res["output_multipliers"],
                                                         title=t("multipliers", lang))),
        dcc.Graph(id="io-quadrant", figure=quad),
        html.H4(t("io_table", lang)),
        grid("io-grid", table, height=320, lang=lang),
    ])


def _cluster(store: Any, dataset: str, lang: str) -> Any:
    regions = _regions(store, dataset)
    first = "310000" if "310000" in regions["code"].tolist() else (regions["code"].iloc[0]
                                                                   if len(regions) else None)
    return html.Div([
        html.Div([
            html.Label(t("region", lang)),
            dcc.Dropdown(id="circle-site", value=first, clearable=False, style={"width": "260px"},
                         options=[{"label": f"{r.name} ({r.code})", "value": r.code}
                                  for r in regions.itertuples()]),
            dcc.Slider(id="circle-hours", min=1, max=8, step=0.5, value=4,
                       marks={h: f"{h}h" for h in range(1, 9)}),
        ], style={"display": "grid", "gridTemplateColumns": "auto 280px 1fr", "gap": "0.6em",
                  "alignItems": "center"}),
        html.Div(id="circle-result"),
        html.Div(id="complexity-result"),
    ])


def _regions(store: Any, dataset: str) -> pd.DataFrame:
    from chainatlas.services.datasets import load_dataset

    ds = load_dataset(store, dataset)
    regs = ds.regions
    if not len(regs):
        return pd.DataFrame({"code": [], "name": []})
    used = set(ds.firms["region"].astype(str))
    regs = regs[regs["code"].astype(str).isin(used)]
    return regs[["code", "name"]].astype(str).reset_index(drop=True)


def _evaluate(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.services import evaluate

    result = evaluate.run_panel(dataset=dataset, db=store)
    table = evaluate.summary_table(result)
    fig = go.Figure()
    if "D" in table and "year" in table:
        for name, grp in table.groupby("region_name" if "region_name" in table else "region"):
            grp = grp.sort_values("year")
            fig.add_trace(go.Scatter(x=grp["year"], y=grp["D"], name=str(name), mode="lines+markers"))
    fig.update_layout(title=t("coupling", lang), height=380)
    return html.Div([dcc.Graph(id="evaluate-coupling", figure=fig),
                     dcc.Graph(id="evaluate-radar", figure=_radar(result, lang)),
                     html.H4(t("ranking", lang)), grid("evaluate-grid", table, lang=lang),
                     html.H4(t("obstacles", lang)),
                     grid("evaluate-obstacles", _latest(result.top_obstacles), lang=lang)])


def _latest(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of the latest year (all rows when the frame has no year)."""
    return frame[frame["year"] == frame["year"].max()] if "year" in frame and len(frame) else frame


def _radar(result: Any, lang: str) -> go.Figure:
    """Subsystem (dimension) scores of each region in the latest year, one polygon a region."""
    scores = _latest(result.scores)
    subsystems = [c for c in scores.columns
                  if c not in ("region", "region_name", "year", "index", "rank")]
    fig = go.Figure()
    for row in scores.itertuples(index=False):
        values = [float(getattr(row, c)) for c in subsystems]
        name = str(getattr(row, "region_name", "") or row.region)
        fig.add_trace(go.Scatterpolar(r=[*values, values[0]], theta=[*subsystems, subsystems[0]],
                                      name=name, fill="toself", opacity=0.5))
    year = int(scores["year"].max()) if "year" in scores and len(scores) else ""
    fig.update_layout(title=f"{t('radar', lang)} {year}", height=420,
                      polar={"radialaxis": {"range": [0, 1]}})
    return fig


def _match(store: Any, dataset: str, lang: str) -> Any:
    return html.Div([
        html.Div([dcc.Input(id="match-query", type="text", placeholder=t("query", lang),
                            style={"width": "480px"}, debounce=True),
                  html.Button(t("search", lang), id="match-go")],
                 style={"display": "flex", "gap": "0.6em"}),
        html.Div(id="match-result"),
        html.H4(t("needs_results", lang)),
        html.Div(id="match-needs", children=_needs_table(store, dataset, lang)),
    ])


def _needs_table(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.services import match

    try:
        res = match.results_for_needs(store, dataset, top=3).to_dict()
    except Exception as err:
        return error_box(err)
    rows = res.get("matches") or res.get("rows") or next(
        (v for v in res.values() if isinstance(v, list)), [])
    return grid("match-needs-grid", pd.DataFrame(rows), lang=lang)


def _advise(store: Any, dataset: str, lang: str) -> Any:
    regions = _regions(store, dataset)
    first = "320100" if "320100" in regions["code"].tolist() else (regions["code"].iloc[0]
                                                                   if len(regions) else None)
    return html.Div([
        html.Label(t("region", lang)),
        dcc.Dropdown(id="advise-region", value=first, clearable=False, style={"width": "260px"},
                     options=[{"label": f"{r.name} ({r.code})", "value": r.code}
                              for r in regions.itertuples()]),
        html.Div(id="advise-result"),
    ])


def advice_table(store: Any, dataset: str, region: str) -> pd.DataFrame:
    """One row per recommendation, with its reasons and candidate firms flattened."""
    from chainatlas.services import advise

    recs = advise.advise(store, dataset, region).to_dict()["recommendations"]
    rows = []
    for r in recs:
        rows.append({"rank": r.get("rank"), "segment": r.get("segment"), "name": r.get("name"),
                     "action": r.get("action"), "score": r.get("score"),
                     "reasons": "；".join(map(str, r.get("reasons", []))),
                     "candidates": "；".join(str(c.get("name") or c.get("firm"))
                                            for c in r.get("candidates", []))})
    return pd.DataFrame(rows)


_PAGES: dict[str, Callable[[Any, str, str], Any]] = {
    "io": _io, "cluster": _cluster, "evaluate": _evaluate, "match": _match, "advise": _advise,
}


def render(tab: str, store: Any, dataset: str, lang: str) -> Any:
    return _PAGES[tab](store, dataset, lang)


def register(app: Dash, get_store: Callable[[], Any]) -> None:
    @app.callback(Output("circle-result", "children"), Output("complexity-result", "children"),
                  Input("circle-site", "value"), Input("circle-hours", "value"),
                  State("dataset", "value"), State("lang", "data"))
    def _circle(site: str | None, hours: float, dataset: str, lang: str) -> tuple[Any, Any]:
        from chainatlas.services import cluster

        if not site:
            return html.P("—"), None
        try:
            res = cluster.circle(get_store(), dataset, site, float(hours)).to_dict()
            cx = cluster.dataset_complexity(get_store(), dataset).to_dict()
        except Exception as err:
            return error_box(err), None
        segs = pd.DataFrame(res["segments"])
        head = html.P(f"{res['site_name']} {hours}h: {100 * res['share_within']:.1f}% "
                      f"({res['segments_covered']}/{res['segments_total']})")
        fig = bar_figure(segs["name"].tolist(), (100 * segs["share_within"]).tolist(),
                         title=f"{hours:g}h %") if len(segs) else go.Figure()
        density = pd.DataFrame(cx["density"]).get(site)
        pci = pd.Series(cx["pci"])
        feas = go.Figure()
        if density is not None:
            feas.add_trace(go.Scatter(x=density.reindex(pci.index), y=pci, mode="markers",
                                      text=list(pci.index)))
        feas.update_layout(title=t("feasibility", lang), xaxis_title=t("density", lang),
                           yaxis_title="PCI", height=380)
        seg_cols = [c for c in ("segment", "name", "share_within", "value_total", "value_within",
                                "firms_within", "nearest_region", "nearest_hours") if c in segs]
        return html.Div([head, dcc.Graph(id="circle-chart", figure=fig),
                         grid("circle-grid", segs[seg_cols], height=300, lang=lang)]), \
            dcc.Graph(id="complexity-chart", figure=feas)

    @app.callback(Output("match-result", "children"), Input("match-go", "n_clicks"),
                  Input("match-query", "value"), State("dataset", "value"),
                  State("lang", "data"), prevent_initial_call=True)
    def _search(_n: int | None, text: str | None, dataset: str, lang: str) -> Any:
        from chainatlas.services import match

        if not text or not text.strip():
            return html.P("—")
        try:
            res = match.classify(get_store(), dataset, text=text).to_dict()
        except Exception as err:
            return error_box(err)
        rows = next((v for v in res.values() if isinstance(v, list)), [])
        return grid("match-grid", pd.DataFrame(rows), height=240, lang=lang)

    @app.callback(Output("advise-result", "children"), Input("advise-region", "value"),
                  State("dataset", "value"), State("lang", "data"))
    def _advice(region: str | None, dataset: str, lang: str) -> Any:
        if not region:
            return html.P("—")
        try:
            return grid("advise-grid", advice_table(get_store(), dataset, region), height=480,
                        lang=lang)
        except Exception as err:
            return error_box(err)
