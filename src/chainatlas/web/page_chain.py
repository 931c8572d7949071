"""Chain map page: segments upstream → downstream coloured by status, sized by output;
clicking a segment filters the firm grid; chokepoints carry a red border."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_cytoscape as cyto
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from chainatlas.network.area import adcode_prefix
from chainatlas.web._widgets import grid, records
from chainatlas.web.chain_elements import STYLESHEET, chain_elements
from chainatlas.web.i18n import STATUS_COLORS, STATUS_LABELS, label, t

__all__ = ["firm_table", "register", "render"]


def firm_table(ds: Any, segment: str | None = None, region: str | None = None) -> pd.DataFrame:
    """Firms with their segment, region and tags; optionally one segment and/or one region."""
    fs = ds.firm_segments[["firm", "segment", "capacity", "output_value"]]
    firms = ds.firms[["id", "name", "region", "ownership", "tags"]].rename(columns={"id": "firm"})
    out = fs.merge(firms, on="firm", how="left")
    names = ds.regions.set_index("code")["name"] if len(ds.regions) else pd.Series(dtype=str)
    out["region_name"] = out["region"].map(names)
    if segment:
        out = out[out["segment"] == segment]
    if region:
        out = out[out["region"].astype(str).str.startswith(adcode_prefix(region))]
    cols = ["firm", "name", "segment", "region", "region_name", "ownership", "tags", "capacity",
            "output_value"]
    return out[cols].sort_values("output_value", ascending=False, na_position="last")


def _region_options(ds: Any) -> list[dict[str, str]]:
    regs = ds.regions
    if not len(regs):
        return []
    used = set(ds.firms["region"].astype(str))
    rows = regs[regs["code"].astype(str).isin(used) | regs["level"].astype(str).eq("province")]
    return [{"label": f"{r.name} ({r.code})", "value": str(r.code)} for r in rows.itertuples()]


def render(store: Any, dataset: str, lang: str, region: str | None = None) -> Any:
    from chainatlas.services.datasets import load_dataset

    ds = load_dataset(store, dataset)
    banner = []
    if ds.meta.get("member"):
        from chainatlas.services.bands import RECONSTRUCTED_NOTE

        banner = [html.Div(RECONSTRUCTED_NOTE["zh" if lang == "zh" else "en"],
                           id="reconstructed-banner",
                           style={"background": "#fff3cd", "padding": "0.4em",
                                  "margin": "0.4em 0"})]
    return html.Div([
        *banner,
        html.Div([
            html.Label(t("region", lang)),
            dcc.Dropdown(id="chain-region", options=_region_options(ds), value=region,
                         placeholder=t("all", lang), style={"width": "300px"}),
            html.Span(id="chain-health", style={"marginLeft": "1em"}),
        ], style={"display": "flex", "gap": "0.6em", "alignItems": "center"}),
        html.Div([html.Span(f"■ {label(STATUS_LABELS, k, lang)}",
                            style={"color": c, "marginRight": "1em"})
                  for k, c in STATUS_COLORS.items()] +
                 [html.Span("□ " + t("chokepoints", lang), style={"color": "#d11"})],
                 style={"fontSize": "12px", "margin": "0.4em 0"}),
        cyto.Cytoscape(id="chain-graph", elements=[], layout={"name": "preset"},
                       stylesheet=STYLESHEET, style={"width": "100%", "height": "520px",
                                                     "border": "1px solid #ddd"},
                       userZoomingEnabled=True, minZoom=0.2, maxZoom=3),
        html.Div([html.B(t("selected", lang) + ": "), html.Span(id="chain-selected",
                                                                children=t("all", lang))]),
        html.Div(id="chain-firms"),
        html.H4(t("chokepoints", lang)),
        html.Div(id="chain-chokepoints"),
    ])


def register(app: Dash, get_store: Callable[[], Any]) -> None:
    @app.callback(Output("chain-graph", "elements"), Output("chain-health", "children"),
                  Output("chain-chokepoints", "children"),
                  Input("chain-region", "value"), State("dataset", "value"), State("lang", "data"))
    def _graph(region: str | None, dataset: str, lang: str) -> tuple[Any, Any, Any]:
        from chainatlas.services import chain
        from chainatlas.services.datasets import load_dataset

        ds = load_dataset(get_store(), dataset)
        cmap = chain.chain_map_of(ds, region=region) if region else chain.chain_map_of(ds)
        segs = pd.DataFrame(cmap.to_dict()["segments"])
        chokes = pd.DataFrame(chain.chokepoints_of(ds).to_dict()["chokepoints"])
        choke_segs = set(chokes["segment"].dropna().astype(str)) if len(chokes) else set()
        elements = chain_elements(segs, ds.segment_inputs, lang=lang, chokepoints=choke_segs)
        health = cmap.to_dict()["health"]
        text = (f"{t('health', lang)}: {float(health[0]['health']):.1f}/100" if health else "")
        reason = "reason_zh" if lang == "zh" else "reason_en"
        cols = [c for c in ("rank", "type", "name", "region", "share", reason) if c in chokes]
        table = grid("chokepoint-grid", chokes[cols].head(50) if len(chokes) else chokes, height=300,
                     lang=lang)
        if ds.meta.get("member"):  # reconstructed links: the band over (up to 10) members
            from chainatlas.services.bands import chokepoint_bands_of

            bands = chokepoint_bands_of(load_dataset(get_store(), dataset, ensemble=True),
                                        max_members=10).table
            keep = [c for c in ("kind", "name", "type", "share_median", "share_p5", "share_p95",
                                "p_chokepoint", "p_top_k") if c in bands]
            table = grid("chokepoint-grid", bands[keep].head(50), height=300, lang=lang)
        return elements, text, table

    @app.callback(Output("chain-firms", "children"), Output("chain-selected", "children"),
                  Input("chain-graph", "tapNodeData"), Input("chain-region", "value"),
                  State("dataset", "value"), State("lang", "data"))
    def _firms(node: dict[str, Any] | None, region: str | None, dataset: str,
               lang: str) -> tuple[Any, str]:
        from chainatlas.services.datasets import load_dataset

        ds = load_dataset(get_store(), dataset)
        segment = node["id"] if node else None
        frame = firm_table(ds, segment, region)
        label = f"{node['name']} ({segment})" if node else t("all", lang)
        return grid("firm-grid", frame, lang=lang), label

    _ = records
