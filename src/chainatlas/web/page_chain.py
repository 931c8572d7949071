"""Chain map page (产业链全景图): segments in upstream → midstream → downstream bands, coloured
by status (强/弱/缺失/相邻缺失), with firm counts (local / all) and chokepoints marked. A click on a
segment opens its side panel (counts, health parts, chokepoints with reasons, advice) and lists
its firms below the map."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_cytoscape as cyto
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from chainatlas._codes import code_label
from chainatlas._format import count as fmt_count
from chainatlas._format import ratio as fmt_ratio
from chainatlas._format import share as fmt_share
from chainatlas.network.area import adcode_prefix
from chainatlas.web import cache
from chainatlas.web._widgets import error_box, grid, notice, region_names
from chainatlas.web.chain_elements import (
    EDGE_IN,
    EDGE_OUT,
    HEAD_H,
    ROW_H,
    ROW_H_EN,
    STYLESHEET,
    chain_elements,
    highlighted,
    layout_size,
)
from chainatlas.web.i18n import HEALTH_LABELS, STATUS_COLORS, STATUS_LABELS, label, t

__all__ = ["GRAPH_WIDTH", "chain_view", "firm_table", "register", "render"]

#: Width the layout is computed for: the graph's share of a 1440-pixel-wide window.
GRAPH_WIDTH = 1000


def firm_table(ds: Any, segment: str | None = None, region: str | None = None,
               lang: str = "zh") -> pd.DataFrame:
    """Firms with their segment, region and tags; optionally one segment and/or one region."""
    fs = ds.firm_segments[["firm", "segment", "capacity", "output_value"]]
    firms = ds.firms[["id", "name", "region", "ownership", "tags"]].rename(columns={"id": "firm"})
    out = fs.merge(firms, on="firm", how="left")
    names = region_names(ds.regions, lang)
    out["region_name"] = out["region"].astype(str).map(lambda c: names.get(c, c))
    seg_names = ds.segments.set_index("id")["name"] if len(ds.segments) else pd.Series(dtype=str)
    out["segment_name"] = out["segment"].map(seg_names).fillna(out["segment"])
    if segment:
        out = out[out["segment"] == segment]
    if region:
        out = out[out["region"].astype(str).str.startswith(adcode_prefix(region))]
    cols = ["name", "segment_name", "region_name", "ownership", "tags", "capacity",
            "output_value", "firm", "segment", "region"]
    return out[cols].sort_values("output_value", ascending=False, na_position="last")


def _region_options(ds: Any, lang: str = "zh") -> list[dict[str, str]]:
    regs = ds.regions
    if not len(regs) or not len(ds.firms):
        return []
    used = set(ds.firms["region"].astype(str))
    rows = regs[regs["code"].astype(str).isin(used) | regs["level"].astype(str).eq("province")]
    rows = rows[rows["code"].astype(str).str.fullmatch(r"\d{6}")]
    names = region_names(rows, lang)
    return [{"label": names.get(str(c), str(c)), "value": str(c)} for c in rows["code"]]


def chain_view(store: Any, dataset: str, region: str | None) -> dict[str, Any]:
    """The chain map, chokepoints and layout inputs of ``dataset`` (cached per version)."""
    from chainatlas.services import chain

    def build() -> dict[str, Any]:
        ds = cache.dataset(store, dataset)
        cmap = chain.chain_map_of(ds, region=region) if region else chain.chain_map_of(ds)
        chokes = cache.memo(("chokepoints", dataset, cache.version(store, dataset)),
                            lambda: chain.chokepoints_of(ds).table)
        return {"segments": cmap.segments, "health": cmap.health, "chokepoints": chokes}

    return cache.memo(("chain-view", dataset, region, cache.version(store, dataset)), build)


def _legend(lang: str) -> html.Div:
    items: list[Any] = [html.Span([html.Span(style={
        "display": "inline-block", "width": "14px", "height": "14px", "background": c,
        "border": "1px solid #7b8794", "marginRight": "4px", "verticalAlign": "middle"}),
        label(STATUS_LABELS, k, lang)], style={"marginRight": "1.2em"})
        for k, c in STATUS_COLORS.items()]
    items += [html.Span(t("legend_chokepoint", lang), style={"color": "#c1121f",
                                                             "marginRight": "1.2em"}),
              html.Span(t("legend_dashed", lang), style={"marginRight": "1.2em"}),
              html.Span([html.Span("→ ", style={"color": EDGE_IN, "fontWeight": "bold"}),
                         t("legend_edges_in", lang)], style={"marginRight": "1.2em"}),
              html.Span([html.Span("→ ", style={"color": EDGE_OUT, "fontWeight": "bold"}),
                         t("legend_edges_out", lang)])]
    return html.Div(items, style={"fontSize": "13px", "margin": "0.4em 0"})


def render(store: Any, dataset: str, lang: str, region: str | None = None) -> Any:
    ds = cache.dataset(store, dataset)
    if not len(ds.segments):
        return notice(t("no_chain", lang))
    banner = []
    if ds.meta.get("member"):
        from chainatlas.services.bands import RECONSTRUCTED_NOTE

        banner = [html.Div(RECONSTRUCTED_NOTE["zh" if lang == "zh" else "en"],
                           id="reconstructed-banner",
                           style={"background": "#fff3cd", "padding": "0.4em",
                                  "margin": "0.4em 0"})]
    counts = ds.segments["stage"].astype(str).value_counts().to_dict()
    rows, _ = layout_size(counts, GRAPH_WIDTH)
    height = max(460, HEAD_H + rows * (ROW_H if lang == "zh" else ROW_H_EN) + 30)
    return html.Div([
        *banner,
        html.Div([
            html.Label(t("region", lang)),
            dcc.Dropdown(id="chain-region", options=_region_options(ds, lang), value=region,
                         placeholder=t("all", lang), style={"width": "260px"}),
            html.Span(id="chain-health", style={"marginLeft": "1em", "fontWeight": "bold"}),
        ], style={"display": "flex", "gap": "0.6em", "alignItems": "center"}),
        _legend(lang),
        html.Div([
            cyto.Cytoscape(id="chain-graph", elements=[],
                           layout={"name": "preset", "fit": True, "padding": 8},
                           stylesheet=STYLESHEET,
                           style={"width": f"{GRAPH_WIDTH}px", "height": f"{height}px",
                                  "border": "1px solid #dde3ea", "flex": "none"},
                           userZoomingEnabled=True, userPanningEnabled=True, minZoom=0.3,
                           maxZoom=3, autoungrabify=True, boxSelectionEnabled=False),
            html.Div(id="chain-panel", className="side-panel",
                     children=html.P(t("click_hint", lang)),
                     style={"flex": "1", "minWidth": "300px", "maxHeight": f"{height}px",
                            "overflowY": "auto", "border": "1px solid #dde3ea",
                            "padding": "0.6em 0.9em", "fontSize": "14px"}),
        ], style={"display": "flex", "gap": "0.8em", "alignItems": "flex-start"}),
        html.Div([html.B(t("selected", lang) + ": "), html.Span(id="chain-selected",
                                                                children=t("all", lang))],
                 style={"margin": "0.6em 0 0.2em"}),
        html.Div(id="chain-firms"),
        html.H4(t("chokepoints", lang)),
        html.Div(id="chain-chokepoints"),
    ])


def _chokepoint_frame(chokes: pd.DataFrame, lang: str, names: dict[str, str],
                      regions: dict[str, str] | None = None) -> pd.DataFrame:
    reason = "reason_zh" if lang == "zh" else "reason_en"
    if not len(chokes):
        return pd.DataFrame(columns=["rank", "type", "kind", "name", "region", "share", reason])
    out = chokes.copy()
    if lang != "zh":  # segment chokepoints carry the Chinese segment name
        seg_rows = out["kind"].astype(str).eq("segment")
        out.loc[seg_rows, "name"] = out.loc[seg_rows, "segment"].map(names).fillna(
            out.loc[seg_rows, "name"])
    if regions and "region" in out:
        out["region_name"] = out["region"].astype(str).map(lambda c: regions.get(c, c))
    cols = [c for c in ("rank", "type", "kind", "name", "region_name", "share", reason)
            if c in out]
    return out[cols].rename(columns={reason: "reason"})


def _panel(node: dict[str, Any], view: dict[str, Any], store: Any, dataset: str,
           region: str | None, lang: str) -> Any:
    sid = str(node["id"])
    segs = view["segments"]
    hit = segs[segs["segment"].astype(str) == sid]
    if not len(hit):
        return html.P(t("click_hint", lang))
    row = hit.iloc[0]
    facts = [
        (t("stage", lang), code_label("stage", row["stage"], lang)),
        (t("status", lang), code_label("status", row["status"], lang)),
        (t("local_all", lang) if region else t("firms_all_label", lang),
         f"{fmt_count(row['firms_local'])} / {fmt_count(row['firms'])}" if region
         else fmt_count(row["firms"])),
    ]
    if region:
        facts += [(t("local_share_label", lang), fmt_share(row.get("local_share"))),
                  (t("lq_label", lang), fmt_ratio(row.get("lq")))]
    facts.append((t("health", lang), f"{fmt_ratio(row.get('health'))} / 100"))
    parts = [html.Li(f"{label(HEALTH_LABELS, p[2:], lang)}: {fmt_share(row[p])}")
             for p in segs.columns if p.startswith("h_") and pd.notna(row[p])]
    chokes = view["chokepoints"]
    mine = chokes[chokes["segment"].astype(str) == sid] if len(chokes) else chokes
    reason = "reason_zh" if lang == "zh" else "reason_en"
    choke_items = [html.Li([html.B(code_label("chokepoint_type", r["type"], lang) + "："
                                   if lang == "zh" else
                                   code_label("chokepoint_type", r["type"], lang) + ": "),
                            f"{r['name']} — {r[reason]} ({fmt_share(r['share'])})"])
                   for _, r in mine.head(6).iterrows()]
    advice: list[Any]
    if region:
        try:
            from chainatlas.web.page_analyses import advice_table

            adv = advice_table(store, dataset, region, lang)
            adv = adv[adv["segment"].astype(str) == sid] if len(adv) else adv
            advice = [html.Li([html.B(code_label("action", a["action"], lang) + " "),
                               str(a["reasons"]),
                               html.Br(), f"{t('candidates_label', lang)}: {a['candidates']}"
                               if a["candidates"] else ""])
                      for _, a in adv.iterrows()] or [html.Li(t("no_advice", lang))]
        except Exception as err:
            advice = [error_box(err, lang)]
    else:
        advice = [html.Li(t("pick_region_advice", lang))]
    return html.Div([
        html.H3(str(node.get("name", sid)), style={"margin": "0.2em 0 0.4em"}),
        html.Table([html.Tr([html.Td(k, style={"color": "#5b6673", "paddingRight": "1em"}),
                             html.Td(v, style={"fontWeight": "bold"})]) for k, v in facts]),
        html.H4(t("health_parts", lang)), html.Ul(parts),
        html.H4(t("segment_chokepoints", lang)),
        html.Ul(choke_items or [html.Li(t("no_chokepoint", lang))]),
        html.H4(t("segment_advice", lang)), html.Ul(advice),
    ], id="chain-panel-body")


def register(app: Dash, get_store: Callable[[], Any]) -> None:
    @app.callback(Output("chain-graph", "elements"), Output("chain-health", "children"),
                  Output("chain-chokepoints", "children"),
                  Input("chain-region", "value"), State("dataset", "value"), State("lang", "data"))
    def _graph(region: str | None, dataset: str, lang: str) -> tuple[Any, Any, Any]:
        store = get_store()
        try:
            view = chain_view(store, dataset, region)
        except Exception as err:
            return [], "", error_box(err, lang)
        ds = cache.dataset(store, dataset)
        chokes = view["chokepoints"]
        choke_segs = set(chokes["segment"].dropna().astype(str)) if len(chokes) else set()
        elements = chain_elements(view["segments"], ds.segment_inputs, lang=lang,
                                  chokepoints=choke_segs, local=bool(region), width=GRAPH_WIDTH)
        health = view["health"]
        text = (f"{t('health', lang)}: {fmt_ratio(health['health'].iloc[0])} / 100"
                if len(health) else "")
        names = _names(ds, lang)
        regions = region_names(ds.regions, lang)
        table = grid("chokepoint-grid", _chokepoint_frame(chokes, lang, names, regions).head(50),
                     height=300, lang=lang,
                     codes={"type": "chokepoint_type", "kind": "chokepoint_kind"})
        if ds.meta.get("member"):  # reconstructed links: the band over (up to 10) members
            from chainatlas.services.bands import chokepoint_bands_of
            from chainatlas.services.datasets import load_dataset

            bands = cache.memo(
                ("bands", dataset, cache.version(store, dataset)),
                lambda: chokepoint_bands_of(load_dataset(store, dataset, ensemble=True),
                                            max_members=10).table)
            keep = [c for c in ("kind", "name", "type", "share_median", "share_p5", "share_p95",
                                "p_chokepoint", "p_top_k") if c in bands]
            table = grid("chokepoint-grid", bands[keep].head(50), height=300, lang=lang,
                         codes={"type": "chokepoint_type", "kind": "chokepoint_kind"},
                         kinds={"share_median": "share", "share_p5": "share",
                                "share_p95": "share", "p_chokepoint": "share",
                                "p_top_k": "share"})
        return elements, text, table

    @app.callback(Output("chain-firms", "children"), Output("chain-selected", "children"),
                  Output("chain-panel", "children"),
                  Input("chain-graph", "tapNodeData"), Input("chain-region", "value"),
                  State("dataset", "value"), State("lang", "data"))
    def _firms(node: dict[str, Any] | None, region: str | None, dataset: str,
               lang: str) -> tuple[Any, str, Any]:
        store = get_store()
        ds = cache.dataset(store, dataset)
        if node and str(node.get("id", "")).startswith("band:"):
            node = None
        segment = str(node["id"]) if node else None
        frame = firm_table(ds, segment, region, lang)
        if lang == "en" and len(frame):
            names = _names(ds, lang)
            frame["segment_name"] = frame["segment"].map(names).fillna(frame["segment_name"])
        selected = str(node.get("name", segment)) if node else t("all", lang)
        panel: Any = html.P(t("click_hint", lang))
        if node:
            try:
                panel = _panel(node, chain_view(store, dataset, region), store, dataset, region,
                               lang)
            except Exception as err:
                panel = error_box(err, lang)
        return (grid("firm-grid", frame, lang=lang, hidden=("firm", "segment", "region")),
                selected, panel)


    @app.callback(Output("chain-graph", "stylesheet"), Input("chain-graph", "tapNodeData"),
                  prevent_initial_call=True)
    def _highlight(node: dict[str, Any] | None) -> list[dict[str, Any]]:
        sid = str(node.get("id", "")) if node else ""
        return highlighted(None if not sid or sid.startswith("band:") else sid)


def _names(ds: Any, lang: str) -> dict[str, str]:
    segs = ds.segments
    col = "name_en" if lang == "en" and "name_en" in segs else "name"
    vals = segs[col].where(segs[col].notna() & segs[col].astype(str).ne(""), segs["name"])
    return dict(zip(segs["id"].astype(str), vals.astype(str), strict=True))
