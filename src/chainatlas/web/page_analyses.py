"""Pages for input-output, clusters, evaluation, matching and advice."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html

from chainatlas._codes import code_label
from chainatlas._format import hours as fmt_hours
from chainatlas._format import share as fmt_share
from chainatlas.web import cache
from chainatlas.web._widgets import bar_figure, error_box, grid, notice, region_names
from chainatlas.web.i18n import t

__all__ = ["advice_table", "bilingual", "region_options", "register", "render"]

_CJK = re.compile(r"[\u4e00-\u9fff]")


def bilingual(name: str, lang: str) -> str:
    """One language of a name written in both (``"Agriculture 农业"`` → ``"农业"`` in zh)."""
    text = str(name)
    parts = text.rsplit(" ", 1)
    if len(parts) == 2 and _CJK.search(parts[1]) and not _CJK.search(parts[0]):
        return parts[1] if lang == "zh" else parts[0]
    return text


def _io(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.services import io

    res = cache.memo(("io-demo",), lambda: io.analyze(io.demo_table()))
    sectors = [bilingual(s, lang) for s in res["sectors"]]
    back, fwd = list(res["backward_linkage"]), list(res["forward_linkage"])
    lo_x, hi_x = min([*back, 1.0]), max([*back, 1.0])
    lo_y, hi_y = min([*fwd, 1.0]), max([*fwd, 1.0])
    pad_x, pad_y = 0.12 * (hi_x - lo_x) + 0.05, 0.12 * (hi_y - lo_y) + 0.05
    # labels point away from the nearest edge, so they stay inside the frame
    positions = [("top" if y < (lo_y + hi_y) / 2 else "bottom") + " " +
                 ("right" if x < (lo_x + hi_x) / 2 else "left") for x, y in zip(back, fwd, strict=True)]
    quad = go.Figure(go.Scatter(x=back, y=fwd, mode="markers+text", text=sectors,
                                textposition=positions, textfont={"size": 13},
                                marker={"size": 11, "color": "#2f6fb3"},
                                hovertemplate="%{text}<br>%{x:.2f} · %{y:.2f}<extra></extra>"))
    quad.add_hline(y=1, line_dash="dot", line_color="#888")
    quad.add_vline(x=1, line_dash="dot", line_color="#888")
    for x, y, key in ((hi_x + pad_x * 0.9, hi_y + pad_y * 0.9, "q_key"),
                      (lo_x - pad_x * 0.9, hi_y + pad_y * 0.9, "q_forward"),
                      (hi_x + pad_x * 0.9, lo_y - pad_y * 0.9, "q_backward"),
                      (lo_x - pad_x * 0.9, lo_y - pad_y * 0.9, "q_weak")):
        quad.add_annotation(x=x, y=y, text=t(key, lang), showarrow=False,
                            xanchor="right" if x > 1 else "left", font={"color": "#777", "size": 12})
    quad.update_layout(title=t("key_sectors", lang), xaxis_title=t("backward", lang),
                       yaxis_title=t("forward", lang), height=520, showlegend=False,
                       xaxis={"range": [lo_x - pad_x, hi_x + pad_x]},
                       yaxis={"range": [lo_y - pad_y, hi_y + pad_y]},
                       margin={"l": 60, "r": 20, "t": 50, "b": 50})
    order = sorted(range(len(sectors)), key=lambda i: -res["output_multipliers"][i])
    table = pd.DataFrame({"sector": sectors, "output_multiplier": res["output_multipliers"],
                          "backward_linkage": back, "forward_linkage": fwd,
                          "key_sector": [code_label("key_class", k, lang)
                                         for k in res.get("key_class", [""] * len(sectors))]})
    unit = {"100 million CNY": t("unit_yi", lang)}.get(str(res.get("unit", "")),
                                                       str(res.get("unit", "")))
    return html.Div([
        html.P(f"{t('io_source', lang)}: {res.get('table', '')} · {unit}"),
        dcc.Graph(id="io-multipliers", figure=bar_figure(
            [sectors[i] for i in order], [res["output_multipliers"][i] for i in order],
            title=t("multipliers", lang))),
        dcc.Graph(id="io-quadrant", figure=quad),
        html.H4(t("io_table", lang)),
        grid("io-grid", table.iloc[order], height=320, lang=lang),
    ])


def region_options(regions: pd.DataFrame, lang: str = "zh") -> list[dict[str, str]]:
    """Dropdown options of regions by name (the code only where two names repeat)."""
    lookup = region_names(regions, lang)
    names = regions["code"].astype(str).map(lookup).astype(str)
    repeated = set(names[names.duplicated(keep=False)])
    return [{"label": f"{n} ({c})" if n in repeated else n, "value": str(c)}
            for c, n in zip(regions["code"].astype(str), names, strict=True)]


def _cluster(store: Any, dataset: str, lang: str) -> Any:
    regions = _regions(store, dataset)
    if not len(regions):
        return _scorecard(store, dataset, lang)
    first = "310000" if "310000" in regions["code"].tolist() else regions["code"].iloc[0]
    return html.Div([
        html.Div([
            html.Label(t("site", lang)),
            dcc.Dropdown(id="circle-site", value=first, clearable=False, style={"width": "260px"},
                         options=region_options(regions, lang)),
            html.Label(t("hours_label", lang)),
            dcc.Slider(id="circle-hours", min=1, max=8, step=0.5, value=4,
                       marks={h: f"{h}{t('hours_unit', lang)}" for h in range(1, 9)}),
        ], style={"display": "grid", "gridTemplateColumns": "auto 280px auto 1fr", "gap": "0.6em",
                  "alignItems": "center"}),
        html.Div(id="circle-result"),
        html.Div(id="complexity-result"),
    ])


def _scorecard(store: Any, dataset: str, lang: str) -> Any:
    """Datasets without firms: the cluster scorecard from the indicator panel, when there is one."""
    from chainatlas.services import cluster

    try:
        card = cache.memo(("scorecard", dataset, cache.version(store, dataset)),
                          lambda: cluster.scorecard(store, dataset).to_dict())
    except Exception:
        return notice(t("no_firms_cluster", lang))
    rows = pd.DataFrame(card["clusters"])
    if not len(rows):
        return notice(t("no_firms_cluster", lang))
    if lang == "en" and "name_en" in rows:
        rows["name"] = rows["name_en"].where(rows["name_en"].notna(), rows["name"])
    rows = rows.sort_values("va", ascending=False)
    scale = 1e4 if card.get("unit") == "亿元" else 1.0  # shown through the money format (万元)
    summary = card["summary"]
    head = t("scorecard_head", lang).format(
        region=card.get("region_name") or _region_name(store, dataset, card["region"]),
        year=card["year"], clusters=summary["clusters"],
        share=fmt_share(summary["share_of_gdp"]), above=summary["above_threshold"])
    table = pd.DataFrame({"name": rows["name"], "group": rows["group"],
                          "revenue": rows["revenue"] * scale, "value_added": rows["va"] * scale,
                          "share_of_gdp": rows["share_of_gdp"],
                          "above_threshold": [t("yes" if v else "no", lang)
                                              for v in rows["above_threshold"]]})
    if lang == "en":
        table["group"] = [code_label("cluster_group", g, lang) for g in table["group"]]
    fig = bar_figure(table["name"].tolist(), (100 * table["share_of_gdp"]).tolist(),
                     title=t("scorecard_chart", lang))
    return html.Div([html.P(head), dcc.Graph(id="scorecard-chart", figure=fig),
                     grid("scorecard-grid", table, lang=lang)])


def _region_name(store: Any, dataset: str, code: str) -> str:
    regs = cache.dataset(store, dataset).regions
    hit = regs[regs["code"].astype(str) == str(code)]
    return str(hit["name"].iloc[0]) if len(hit) else str(code)


def _regions(store: Any, dataset: str) -> pd.DataFrame:
    ds = cache.dataset(store, dataset)
    regs = ds.regions
    if not len(regs) or not len(ds.firms):
        return pd.DataFrame({"code": [], "name": []})
    used = cache.used_regions(ds)
    regs = regs[regs["code"].astype(str).isin(used)]
    cols = [c for c in ("code", "name", "name_en") if c in regs]
    return regs[cols].astype(str).reset_index(drop=True)


def _evaluate(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.services import evaluate

    result = cache.memo(("evaluate", dataset, cache.version(store, dataset)),
                        lambda: evaluate.run_panel_of(cache.dataset(store, dataset)))
    table = evaluate.summary_table(result)
    fig = go.Figure()
    if "D" in table and "year" in table:
        for name, grp in table.groupby("region_name" if "region_name" in table else "region"):
            grp = grp.sort_values("year")
            fig.add_trace(go.Scatter(x=grp["year"].astype(int), y=grp["D"], name=str(name),
                                     mode="lines+markers"))
    fig.update_layout(title=t("coupling", lang), height=400,
                      xaxis={"tickformat": "d", "dtick": 1, "title": t("year", lang)},
                      yaxis={"title": t("coupling_d", lang), "tickformat": ".2f"})
    obstacles = _latest(result.top_obstacles)
    obstacles = obstacles[[c for c in ("region_name", "year", "k", "name", "subsystem", "obstacle")
                           if c in obstacles]]
    shown = table.drop(columns=[c for c in ("region",) if c in table])
    return html.Div([dcc.Graph(id="evaluate-coupling", figure=fig),
                     dcc.Graph(id="evaluate-radar", figure=_radar(result, lang)),
                     html.H4(t("ranking", lang)),
                     grid("evaluate-grid", shown, lang=lang, kinds={"obstacle": "share"}),
                     html.H4(t("obstacles", lang)),
                     grid("evaluate-obstacles", obstacles, lang=lang,
                          kinds={"obstacle": "share", "k": "count"})])


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
                                      name=name, fill="toself", opacity=0.45))
    year = int(scores["year"].max()) if "year" in scores and len(scores) else ""
    fig.update_layout(title=f"{t('radar', lang)} ({year})", height=620,
                      polar={"radialaxis": {"range": [0, 1], "tickformat": ".1f"},
                             "angularaxis": {"tickfont": {"size": 14}}},
                      legend={"orientation": "h", "y": -0.08},
                      margin={"l": 60, "r": 60, "t": 60, "b": 60})
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


def _reason(terms: list[str] | None, path: str | None, lang: str) -> str:
    """Why a result matched, in the reader's language (from the matched terms and the path)."""
    words = [str(w) for w in (terms or []) if len(str(w)) > 1]
    if lang == "zh":
        parts = [f"匹配词：{'、'.join(words)}" if words else "", f"环节：{path}" if path else ""]
        return "；".join(p for p in parts if p)
    parts = [f"matched {', '.join(words)}" if words else "", f"segment {path}" if path else ""]
    return "; ".join(p for p in parts if p)


def _results(res: dict[str, Any]) -> list[dict[str, Any]]:
    """The result rows of a matching answer (``results``; never the ``notes``)."""
    rows = res.get("results")
    return list(rows) if isinstance(rows, list) else []


def _needs_table(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.exceptions import DataNotFound
    from chainatlas.services import match

    try:
        res = cache.memo(("needs", dataset, cache.version(store, dataset)),
                         lambda: match.results_for_needs(store, dataset, top=3,
                                                         loaded=cache.dataset(store, dataset)
                                                         ).to_dict())
    except DataNotFound:  # a dataset without needs (or without segments): say so plainly
        return notice(t("no_needs", lang))
    except Exception as err:
        return error_box(err, lang)
    rows = pd.DataFrame(_results(res))
    if not len(rows):
        return notice(t("no_needs", lang))
    rows["reason"] = [_reason(tm, p, lang) for tm, p in
                      zip(rows.get("terms", [None] * len(rows)),
                          rows.get("segment_path", [None] * len(rows)), strict=True)]
    cols = [c for c in ("need_title", "firm_name", "rank", "title", "kind", "owner", "owner_kind",
                        "region_name", "hours", "score", "reason") if c in rows]
    return grid("match-needs-grid", rows[cols].rename(columns={"kind": "asset_kind"}), lang=lang,
                codes={"asset_kind": "asset_kind", "owner_kind": "owner_kind"},
                kinds={"score": "ratio"})


def _advise(store: Any, dataset: str, lang: str) -> Any:
    regions = _regions(store, dataset)
    if not len(regions):
        return notice(t("no_firms_advice", lang))
    first = "320100" if "320100" in regions["code"].tolist() else regions["code"].iloc[0]
    return html.Div([
        html.Div([html.Label(t("region", lang)),
                  dcc.Dropdown(id="advise-region", value=first, clearable=False,
                               style={"width": "260px"}, options=region_options(regions, lang))],
                 style={"display": "flex", "gap": "0.6em", "alignItems": "center"}),
        html.Div(id="advise-result"),
    ])


def advice_table(store: Any, dataset: str, region: str, lang: str = "zh") -> pd.DataFrame:
    """One row per recommendation, with its reasons and candidate firms flattened."""
    recs = cache.advice(store, dataset, region)
    rows = []
    for r in recs:
        rows.append({"rank": r.get("rank"), "name": r.get("name"), "stage": r.get("stage"),
                     "action": r.get("action"), "score": r.get("score"),
                     "reasons": ("；".join(map(str, r.get("reasons", []))) if lang == "zh" else
                                 "; ".join(map(str, r.get("reasons_en") or r.get("reasons", [])))),
                     "candidates": ("；" if lang == "zh" else "; ").join(str(c.get("name") or c.get("firm"))
                                            for c in r.get("candidates", [])),
                     "segment": r.get("segment")})
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

        if not site:
            return html.P("—"), None
        store = get_store()
        try:
            res = cache.circle(store, dataset, site, float(hours)).to_dict()
            cx = cache.complexity(store, dataset)
        except Exception as err:
            return error_box(err, lang), None
        segs = pd.DataFrame(res["segments"])
        names = _segment_names(store, dataset, lang)
        if len(segs):
            segs["name"] = segs["segment"].map(names).fillna(segs["name"])
            segs = segs.sort_values(["share_within", "value_total"], ascending=False)
        head = html.P(t("circle_summary", lang).format(
            site=_region_lookup(store, dataset, lang).get(str(site), res["site_name"]),
            hours=fmt_hours(hours, lang), share=fmt_share(res["share_within"]),
            covered=res["segments_covered"], total=res["segments_total"]))
        fig = bar_figure(segs["name"].tolist(), (100 * segs["share_within"]).tolist(),
                         title=t("circle_chart", lang).format(hours=fmt_hours(hours, lang)),
                         xaxis_title="%") if len(segs) else go.Figure()
        density = pd.DataFrame(cx["density"]).get(site)
        pci = pd.Series(cx["pci"])
        feas = go.Figure()
        if density is not None:
            xs = density.reindex(pci.index).astype(float)
            labels = _spaced_labels(xs.tolist(), pci.astype(float).tolist(),
                                    [names.get(str(s), str(s)) for s in pci.index])
            feas.add_trace(go.Scatter(x=density.reindex(pci.index), y=pci, mode="markers+text",
                                      text=labels, textposition="top center",
                                      customdata=[names.get(str(s), str(s)) for s in pci.index],
                                      textfont={"size": 11}, marker={"size": 9},
                                      hovertemplate="%{customdata}<br>%{x:.2f} · %{y:.2f}"
                                                    "<extra></extra>"))
        feas.update_layout(title=t("feasibility", lang), xaxis_title=t("density", lang),
                           yaxis_title=t("pci", lang), height=520,
                           margin={"l": 60, "r": 30, "t": 50, "b": 50})
        seg_cols = [c for c in ("name", "stage", "share_within", "value_total", "value_within",
                                "firms_within", "nearest_region", "nearest_hours") if c in segs]
        if "nearest_region" in segs:
            regs = _region_lookup(store, dataset, lang)
            segs["nearest_region"] = segs["nearest_region"].map(lambda c: regs.get(str(c), c))
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
            store = get_store()
            res = match.classify(store, dataset, text=text,
                                 loaded=cache.dataset(store, dataset)).to_dict()
        except Exception as err:
            return error_box(err, lang)
        rows = pd.DataFrame(_results(res))
        if not len(rows):
            return notice(t("no_match", lang))
        names = _segment_names(get_store(), dataset, lang)
        rows["segment_name"] = rows["segment"].map(names).fillna(rows.get("segment_name"))
        rows["reason"] = [_reason(tm, None, lang) for tm in rows.get("terms", [None] * len(rows))]
        cols = [c for c in ("rank", "segment_name", "path", "score", "reason") if c in rows]
        return grid("match-grid", rows[cols], lang=lang, kinds={"score": "ratio"})

    @app.callback(Output("advise-result", "children"), Input("advise-region", "value"),
                  State("dataset", "value"), State("lang", "data"))
    def _advice(region: str | None, dataset: str, lang: str) -> Any:
        if not region:
            return html.P("—")
        try:
            frame = advice_table(get_store(), dataset, region, lang)
            names = _segment_names(get_store(), dataset, lang)
            if len(frame):
                frame["name"] = frame["segment"].map(names).fillna(frame["name"])
            return grid("advise-grid", frame, height=480, lang=lang, hidden=("segment",))
        except Exception as err:
            return error_box(err, lang)


def _spaced_labels(xs: list[float], ys: list[float], names: list[str],
                   dx: float = 0.09, dy: float = 0.045) -> list[str]:
    """Labels for the points that have room (no labelled point within ``dx``/``dy`` of the
    axis spans), the others blank (their names show on hover); extreme points first."""
    import math

    finite = [(x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(x) and math.isfinite(y)]
    if not finite:
        return ["" for _ in names]
    x0, x1 = min(p[0] for p in finite), max(p[0] for p in finite)
    y0, y1 = min(p[1] for p in finite), max(p[1] for p in finite)
    sx, sy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    order = sorted(range(len(names)), key=lambda i: -(abs(ys[i] - (y0 + y1) / 2) / sy +
                                                      abs(xs[i] - (x0 + x1) / 2) / sx)
                   if math.isfinite(xs[i]) and math.isfinite(ys[i]) else 0.0)
    kept: list[tuple[float, float]] = []
    out = ["" for _ in names]
    for i in order:
        if not (math.isfinite(xs[i]) and math.isfinite(ys[i])):
            continue
        p = ((xs[i] - x0) / sx, (ys[i] - y0) / sy)
        width = dx * max(1.0, len(names[i]) / 5)
        if all(abs(p[0] - q[0]) > width or abs(p[1] - q[1]) > dy for q in kept):
            kept.append(p)
            out[i] = names[i]
    return out


def _segment_names(store: Any, dataset: str, lang: str) -> dict[str, str]:
    segs = cache.dataset(store, dataset).segments
    if not len(segs):
        return {}
    col = "name_en" if lang == "en" and "name_en" in segs else "name"
    names = segs[col].where(segs[col].notna(), segs["name"]) if col != "name" else segs["name"]
    return dict(zip(segs["id"].astype(str), names.astype(str), strict=True))


def _region_lookup(store: Any, dataset: str, lang: str) -> dict[str, str]:
    regs = cache.dataset(store, dataset).regions
    return region_names(regs, lang)
