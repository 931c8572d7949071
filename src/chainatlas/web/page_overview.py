"""Leadership overview (链长一屏): one screen for a wall or a meeting — the chain's health, the
share of chain output within the N-hour circle of the chosen city, the top chokepoints, the
latest demand warning and the map, then the segment status table.

The first figures are server-drawn SVG (:mod:`chainatlas.report.svg`), so they paint with the
page, before plotly.js has loaded. Warnings come from the k-anonymous aggregates any planner of
the dataset may read (no firm's own data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Dash, Input, Output, State, dcc, html

from chainatlas._codes import code_label
from chainatlas._format import count as fmt_count
from chainatlas._format import hours as fmt_hours
from chainatlas._format import money
from chainatlas._format import ratio as fmt_ratio
from chainatlas._format import share as fmt_share
from chainatlas.report.svg import bar_chart
from chainatlas.web import cache
from chainatlas.web._widgets import error_box, grid, notice, region_names, svg_image
from chainatlas.web.i18n import HEALTH_LABELS, STATUS_COLORS, STATUS_LABELS, label, t

__all__ = ["first_screen", "register", "render"]

HOURS = 4.0


def _card(title: str, value: str, sub: str = "", card_id: str | None = None) -> html.Div:
    return html.Div([html.Div(title, style={"color": "#5b6673", "fontSize": "14px"}),
                     html.Div(value, id=card_id or "", style={"fontSize": "30px",
                                                              "fontWeight": "bold",
                                                              "color": "#1f3b5c"}),
                     html.Div(sub, style={"color": "#5b6673", "fontSize": "13px"})],
                    className="kpi", style={"border": "1px solid #dde3ea", "borderRadius": "8px",
                                            "padding": "0.6em 1.1em", "minWidth": "200px",
                                            "background": "#fbfcfe"})


def _default_site(ds: Any) -> str | None:
    """The Chinese city with the most chain output (the planner's likely home)."""
    regs = ds.regions
    if not len(regs) or not len(ds.firms):
        return None
    fs = ds.firm_segments.merge(ds.firms[["id", "region"]].rename(columns={"id": "firm"}),
                                on="firm", how="left")
    fs = fs[fs["region"].astype(str).str.fullmatch(r"\d{6}")]
    if not len(fs):
        return None
    with_xy = set(regs.loc[regs["lon"].notna(), "code"].astype(str)) if "lon" in regs else set()
    out = fs.groupby(fs["region"].astype(str))["output_value"].sum().sort_values(ascending=False)
    for code in out.index:
        if code in with_xy:
            return str(code)
    return None


def _sites(ds: Any, lang: str = "zh") -> list[dict[str, str]]:
    regs = ds.regions
    used = cache.used_regions(ds)
    rows = regs[regs["code"].astype(str).isin(used) & regs["lon"].notna()
                & regs["code"].astype(str).str.fullmatch(r"\d{6}")]
    names = region_names(rows, lang)
    return [{"label": names.get(str(c), str(c)), "value": str(c)} for c in rows["code"]]


def _no_chain(store: Any, dataset: str, lang: str) -> Any:
    """A dataset without a chain (an indicator panel only): what it holds, in figures."""
    from chainatlas.services import cluster

    children: list[Any] = [notice(t("overview_no_chain", lang))]
    try:
        card = cache.memo(("scorecard", dataset, cache.version(store, dataset)),
                          lambda: cluster.scorecard(store, dataset).to_dict())
        s = card["summary"]
        scale = 1e4 if card.get("unit") == "亿元" else 1.0
        children.append(html.Div([
            _card(t("clusters_count", lang), fmt_count(s["clusters"]), str(card["year"])),
            _card(t("clusters_va", lang), money(s["va_total"] * scale, lang),
                  t("of_gdp", lang).format(share=fmt_share(s["share_of_gdp"]))),
            _card(t("clusters_above", lang), fmt_count(s["above_threshold"])),
        ], style={"display": "flex", "gap": "1em", "flexWrap": "wrap"}))
        rows = sorted(card["clusters"], key=lambda c: -float(c["va"]))[:10]
        names = [str(c["name_en"] if lang == "en" and c.get("name_en") else c["name"])
                 for c in rows]
        children.append(svg_image("overview-health", bar_chart(
            names, [100 * float(c["share_of_gdp"]) for c in rows], unit="%",
            title=t("scorecard_chart", lang))))
    except Exception:
        children.append(html.Div(id="overview-health"))
    return html.Div(children)


def _charts(health: Any, status: Any, lang: str) -> tuple[str, str]:
    """The SVG of the health parts (empty without a health row) and of the segment status."""
    score = float(health["health"].iloc[0]) if len(health) else float("nan")
    parts = [c for c in health.columns if c.startswith("h_")]
    health_svg = bar_chart(
        [label(HEALTH_LABELS, p[2:], lang) for p in parts],
        [float(health[p].iloc[0]) * 100 for p in parts], unit="%", width=560,
        title=f"{t('health', lang)}: {fmt_ratio(score)} / 100") if len(health) else ""
    status_svg = bar_chart(
        [label(STATUS_LABELS, s, lang) for s in status.index], [float(v) for v in status.values],
        title=t("segments", lang), colors=[STATUS_COLORS.get(s, "#999") for s in status.index],
        width=560)
    return health_svg, status_svg


def first_screen(store: Any, dataset: str, lang: str = "zh") -> str:
    """Static HTML of the overview's head — the chain's health score and the two server-drawn
    charts — for the page the server sends, so the numbers paint before the scripts load.
    Empty unless the chain map is cached already (it never computes, never waits: on a cold
    cache the page simply waits for the dashboard)."""
    try:
        v = cache.version(store, dataset)
    except Exception:
        return ""
    done = cache.peek(("first-screen", dataset, lang, v))
    if done is not None:
        return str(done)
    cmap = cache.peek(("chain-map", dataset, v))
    if cmap is None or not len(cmap.health):
        return ""
    return str(cache.memo(("first-screen", dataset, lang, v),
                          lambda: _first_screen(cmap, dataset, lang)))


def _first_screen(cmap: Any, dataset: str, lang: str) -> str:
    import base64
    from html import escape

    health_svg, status_svg = _charts(cmap.health, cmap.segments["status"].value_counts(), lang)
    score = float(cmap.health["health"].iloc[0])

    def img(element_id: str, svg: str) -> str:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return (f'<img id="{element_id}" class="chart" src="data:image/svg+xml;base64,{data}" '
                'style="max-width:100%;display:block;margin:0.6em 0">')

    return ('<div style="font-size:14px;color:#5b6673">' + escape(dataset) + " · " +
            escape(t("health", lang)) + '</div><div style="font-size:30px;font-weight:bold;'
            f'color:#1f3b5c">{escape(fmt_ratio(score))} / 100</div>' +
            img("overview-health", health_svg) + img("overview-status-first", status_svg))


def render(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.services import chain

    ds = cache.dataset(store, dataset)
    if not len(ds.segments):
        return _no_chain(store, dataset, lang)
    cmap = cache.memo(("chain-map", dataset, cache.version(store, dataset)),
                      lambda: chain.chain_map_of(ds))
    chokes = cache.memo(("chokepoints", dataset, cache.version(store, dataset)),
                        lambda: chain.chokepoints_of(ds).table)
    health = cmap.health
    segs = cmap.segments
    score = float(health["health"].iloc[0]) if len(health) else float("nan")
    status = segs["status"].value_counts()
    site = _default_site(ds)
    reason = "reason_zh" if lang == "zh" else "reason_en"
    top = chokes.head(5).copy()
    if lang != "zh" and len(top) and "name_en" in ds.segments:  # segment chokepoints by English name
        en = dict(zip(ds.segments["id"].astype(str), ds.segments["name_en"].astype(str),
                      strict=True))
        is_seg = top["kind"].astype(str).eq("segment")
        top.loc[is_seg, "name"] = top.loc[is_seg, "segment"].astype(str).map(en).fillna(
            top.loc[is_seg, "name"])
    choke_list = html.Ol([html.Li([html.B(f"{r['name']}"),
                                   f"（{code_label('chokepoint_type', r['type'], lang)}，"
                                   f"{fmt_share(r['share'])}）" if lang == "zh" else
                                   f" ({code_label('chokepoint_type', r['type'], lang)}, "
                                   f"{fmt_share(r['share'])})",
                                   html.Div(str(r[reason]), style={"fontSize": "13px",
                                                                   "color": "#5b6673"})],
                                  style={"marginBottom": "0.4em"})
                          for _, r in top.iterrows()], id="overview-chokepoints")
    health_svg, status_svg = _charts(health, status, lang)
    health_fig = svg_image("overview-health", health_svg) if health_svg else \
        html.Div(id="overview-health")
    status_fig = svg_image("overview-status", status_svg)
    cards = html.Div([
        _card(t("health", lang), f"{fmt_ratio(score)} / 100",
              t("segments_present", lang).format(
                  present=fmt_count(int(health["segments_present"].iloc[0])) if len(health) else "—",
                  total=fmt_count(len(segs))), "overview-score"),
        html.Div(id="overview-circle-card", children=_card(
            t("circle_share", lang).format(hours=fmt_hours(HOURS, lang)), "…")),
        _card(t("chokepoints", lang), fmt_count(len(chokes)),
              t("segments_weak", lang).format(weak=fmt_count(int(status.get("weak", 0))),
                                              missing=fmt_count(int(status.get("missing", 0) +
                                                                    status.get("missing_adjacent",
                                                                               0))))),
        html.Div(id="overview-warning-card"),
    ], style={"display": "flex", "gap": "1em", "flexWrap": "wrap", "alignItems": "stretch"})
    cols = [c for c in ("name", "stage", "status", "firms", "firms_local", "local_share", "lq",
                        "top_region", "segment") if c in segs]
    table = segs[cols].copy()
    if lang == "en" and "name_en" in segs:
        table["name"] = segs["name_en"].where(segs["name_en"].notna(), segs["name"])
    names = region_names(ds.regions, lang)
    if "top_region" in table:
        table["top_region"] = table["top_region"].astype(str).map(names).fillna(table["top_region"])
    return html.Div([
        html.Div([html.Label(t("site", lang)),
                  dcc.Dropdown(id="overview-site", value=site, clearable=False,
                               options=_sites(ds, lang), style={"width": "220px"})],
                 style={"display": "flex", "gap": "0.6em", "alignItems": "center",
                        "marginBottom": "0.6em"}),
        cards,
        html.Div([
            html.Div([health_fig, status_fig], style={"flex": "1", "minWidth": "480px"}),
            html.Div([html.H4(t("top_chokepoints", lang), style={"margin": "0.6em 0 0.3em"}),
                      choke_list], style={"flex": "1", "minWidth": "360px"}),
            html.Div([dcc.Graph(id="overview-map", config={
                "topojsonURL": dash.get_asset_url("topojson/"), "displaylogo": False,
                "scrollZoom": True})], style={"flex": "1.3", "minWidth": "420px"}),
        ], style={"display": "flex", "gap": "1em", "flexWrap": "wrap", "marginTop": "0.6em"}),
        html.H4(t("segment_table", lang)),
        grid("overview-segments", table, height=320, lang=lang, hidden=("segment",)),
    ])


def _latest_warning(store: Any, dataset: str, lang: str) -> Any:
    from chainatlas.services import sharing
    from chainatlas.store.access import Account

    try:
        warns = cache.memo(("warnings", dataset, cache.version(store, dataset)),
                           lambda: sharing.early_warnings(store, dataset, Account(
                               "dashboard", "planner", dataset=dataset)))
    except Exception:
        return None
    if not len(warns):
        return _card(t("latest_warning", lang), t("no_warning", lang))
    w = warns.iloc[-1]
    if "period" in warns:
        w = warns.sort_values("period").iloc[-1]
    ds = cache.dataset(store, dataset)
    seg, reg = str(w.get("segment", "*")), str(w.get("region", "*"))
    col = "name_en" if lang == "en" and "name_en" in ds.segments else "name"
    names = dict(zip(ds.segments["id"].astype(str), ds.segments[col].astype(str), strict=True))
    regions = region_names(ds.regions, lang)
    subject = " · ".join(x for x in (names.get(seg, seg) if seg != "*" else "",
                                     regions.get(reg, reg) if reg != "*" else "") if x) or \
        t("whole_chain", lang)
    direction = w.get("direction")
    arrow = "↑" if str(direction) in ("1", "up", "+1", "+") else "↓"
    return _card(t("latest_warning", lang), f"{arrow} {subject}",
                 f"{w.get('period', '')} · {code_label('signal_kind', w.get('kind', 'orders'), lang)}"
                 if str(w.get("kind", "")) in ("orders", "forecast", "inventory_days",
                                               "utilisation", "lead_time")
                 else str(w.get("period", "")))


def register(app: Dash, get_store: Callable[[], Any]) -> None:
    @app.callback(Output("overview-circle-card", "children"), Output("overview-map", "figure"),
                  Output("overview-warning-card", "children"),
                  Input("overview-site", "value"), State("dataset", "value"),
                  State("lang", "data"))
    def _site(site: str | None, dataset: str, lang: str) -> tuple[Any, Any, Any]:
        from chainatlas.web.page_map import map_figure_json

        store = get_store()
        ds = cache.dataset(store, dataset)
        card: Any = _card(t("circle_share", lang).format(hours=fmt_hours(HOURS, lang)), "—")
        within: list[str] = []
        if site:
            try:
                res = cache.circle(store, dataset, site, HOURS)
                within = [str(r["code"]) for r in res.to_dict()["regions_within"] if r.get("within")]
                card = _card(t("circle_share", lang).format(hours=fmt_hours(HOURS, lang)),
                             fmt_share(res.share_within),
                             t("circle_sub", lang).format(site=region_names(ds.regions, lang).get(
                                 str(site), res.site_name),
                                                          covered=res.segments_covered,
                                                          total=res.segments_total),
                             "overview-circle")
            except Exception as err:
                card = error_box(err, lang)
        fig = map_figure_json(ds, level="city", measure="output", lang=lang, site=site,
                              hours=HOURS, within=within, height=430, legend=False)
        return card, fig, _latest_warning(store, dataset, lang)

