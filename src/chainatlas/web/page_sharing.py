"""Data-sharing page (数据共享): a firm sees its signals, its agreements (grant, revoke) and who
read its data; a planner sees k-anonymous aggregates (suppressed cells greyed), bullwhip by tier
and early warnings. Every action authenticates with the account's own token, entered on the page
and kept only in the browser tab's memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from chainatlas._codes import code_label, column_label
from chainatlas.web._widgets import error_box, grid, region_names
from chainatlas.web.i18n import t

__all__ = ["register", "render"]


def _help(dataset: str, lang: str) -> html.Details:
    """How to sign in and how an administrator issues a token."""
    cmd_planner = f"chainatlas accounts add planner-1 --role planner --dataset {dataset}"
    cmd_firm = f"chainatlas accounts add firm-f186 --role firm --dataset {dataset} --firm F186"
    code = {"background": "#f3f6fa", "padding": "0.4em 0.6em", "display": "block",
            "fontFamily": "monospace", "margin": "0.3em 0"}
    return html.Details([
        html.Summary(t("share_help_title", lang), style={"fontWeight": "bold"}),
        html.P(t("share_help_1", lang)),
        html.P(t("share_help_2", lang)),
        html.Code(cmd_planner, style=code), html.Code(cmd_firm, style=code),
        html.P(t("share_help_3", lang)),
    ], open=True, id="share-help", style={"border": "1px solid #dde3ea", "padding": "0.6em 0.9em",
                                          "borderRadius": "6px", "margin": "0 0 0.8em",
                                          "fontSize": "14px"})


def render(store: Any, dataset: str, lang: str) -> Any:
    return html.Div([
        _help(dataset, lang),
        html.Div([
            html.Label(t("account_token", lang)),
            dcc.Input(id="share-token", type="password", style={"width": "360px"},
                      autoComplete="off"),
            html.Button(t("sign_in", lang), id="share-login"),
            html.Span(id="share-who"),
        ], style={"display": "flex", "gap": "0.6em", "alignItems": "center"}),
        dcc.Store(id="share-auth", storage_type="memory"),
        html.Div(id="share-body"),
        html.Div([
            html.H4(t("grant", lang)),
            dcc.Input(id="share-partner", placeholder=t("partner_firm", lang)),
            dcc.Checklist(id="share-kinds", inline=True, value=["orders", "forecast"],
                          options=[{"label": code_label("signal_kind", k, lang), "value": k}
                                   for k in ("orders", "forecast", "inventory_days",
                                             "utilisation", "lead_time")]),
            html.Button(t("grant", lang), id="share-grant"),
            html.Button(t("revoke", lang), id="share-revoke"),
            html.Span(id="share-action"),
        ], id="share-actions", style={"display": "none"}),
    ])


def _firm_view(store: Any, dataset: str, account: Any, lang: str) -> Any:
    from chainatlas.services import sharing

    own = sharing.read_signals(store, dataset, account, firm=account.firm)
    fig = go.Figure()
    for (segment, kind), grp in own.groupby(["segment", "kind"]):
        if kind in ("orders", "forecast"):
            grp = grp.sort_values("period")
            fig.add_trace(go.Scatter(x=grp["period"], y=grp["value"],
                                     name=f"{segment} · {code_label('signal_kind', kind, lang)}"))
    fig.update_layout(title=t("own_signals", lang), height=340)
    agreements = sharing.list_agreements(store, dataset, account)
    audit = sharing.audit_log(store, dataset, account)
    return html.Div([dcc.Graph(id="share-own", figure=fig),
                     html.H4(t("agreements", lang)), grid("share-agreements", agreements, lang=lang),
                     html.H4(t("audit", lang)), grid("share-audit", audit, lang=lang)])


def _planner_view(store: Any, dataset: str, account: Any, lang: str) -> Any:
    from chainatlas.services import sharing

    agg = sharing.aggregate(store, dataset, account, level="segment", kind="orders")
    heat = agg.pivot_table(index="segment", columns="period", values="value", aggfunc="first")
    suppressed = agg.assign(s=agg["status"].astype(str).ne("")).pivot_table(
        index="segment", columns="period", values="s", aggfunc="first").reindex_like(heat)
    z = heat.div(heat.mean(axis=1), axis=0)  # each segment relative to its own mean
    names = _names(store, dataset, lang)
    z.index = [names["segments"].get(str(i), str(i)) for i in z.index]
    fig = go.Figure(go.Heatmap(z=z.to_numpy(), x=[str(c) for c in z.columns],
                               y=[str(i) for i in z.index], colorscale="RdBu", zmid=1,
                               colorbar={"title": t("relative_to_mean", lang)}))
    if suppressed.fillna(False).to_numpy().any():
        mask = suppressed.fillna(False).astype(float).where(suppressed.fillna(False))
        fig.add_trace(go.Heatmap(z=mask.to_numpy(), x=[str(c) for c in z.columns],
                                 y=[str(i) for i in z.index], colorscale=[[0, "#bbb"], [1, "#bbb"]],
                                 showscale=False, hoverinfo="skip", name="suppressed"))
    fig.update_layout(title=t("orders_heatmap", lang), height=max(360, 14 * len(z) + 120))
    bw = sharing.bullwhip_by_tier(store, dataset, account)
    shown = [c for c in ("ratio_to_end", "bound_shared", "bound_not_shared") if c in bw]
    bars = go.Figure([go.Bar(name=column_label(c, lang), x=bw["tier"].astype(str), y=bw[c])
                      for c in shown])
    bars.update_layout(barmode="group", title=t("bullwhip", lang), height=340)
    warns = sharing.early_warnings(store, dataset, account).copy()
    if len(warns):
        warns["segment"] = warns["segment"].astype(str).map(
            lambda v: names["segments"].get(v, v) if v != "*" else t("all", lang))
        warns["region"] = warns["region"].astype(str).map(
            lambda v: names["regions"].get(v, v) if v != "*" else t("all", lang))
    return html.Div([dcc.Graph(id="share-heatmap", figure=fig),
                     dcc.Graph(id="share-bullwhip", figure=bars),
                     html.H4(t("warnings", lang)),
                     grid("share-warnings", warns, lang=lang,
                          codes={"level": "aggregate_level", "kind": "signal_kind",
                                 "direction": "direction", "method": "warning_method"},
                          kinds={"score": "ratio", "delay_periods": "count"})])


def _names(store: Any, dataset: str, lang: str) -> dict[str, dict[str, str]]:
    from chainatlas.web import cache

    ds = cache.dataset(store, dataset)
    col = "name_en" if lang == "en" and "name_en" in ds.segments else "name"
    segs = dict(zip(ds.segments["id"].astype(str), ds.segments[col].astype(str), strict=True))
    regs = region_names(ds.regions, lang)
    return {"segments": segs, "regions": regs}


def register(app: Dash, get_store: Callable[[], Any]) -> None:
    @app.callback(Output("share-auth", "data"), Output("share-who", "children"),
                  Output("share-body", "children"), Output("share-actions", "style"),
                  Input("share-login", "n_clicks"), Input("share-action", "children"),
                  State("share-token", "value"), State("dataset", "value"), State("lang", "data"),
                  prevent_initial_call=True)
    def _login(_n: int | None, _action: Any, token: str | None, dataset: str,
               lang: str) -> tuple[Any, Any, Any, Any]:
        from chainatlas.services import sharing

        hidden = {"display": "none"}
        try:
            account = sharing.authenticate(get_store(), (token or "").strip() or None)
            who = f"{account.id} · {code_label('role', account.role, lang)}" + \
                (f" · {account.firm}" if account.firm else "")
            if account.role == "firm":
                return token, who, _firm_view(get_store(), dataset, account, lang), {}
            return token, who, _planner_view(get_store(), dataset, account, lang), hidden
        except Exception as err:
            return None, "", error_box(err, lang), hidden

    @app.callback(Output("share-action", "children"),
                  Input("share-grant", "n_clicks"), Input("share-revoke", "n_clicks"),
                  State("share-auth", "data"), State("share-partner", "value"),
                  State("share-kinds", "value"), State("dataset", "value"),
                  prevent_initial_call=True)
    def _act(grant_n: int | None, revoke_n: int | None, token: str | None, partner: str | None,
             kinds: list[str] | None, dataset: str) -> Any:
        from dash import ctx

        from chainatlas.services import sharing

        if not token or not partner:
            return no_update
        try:
            account = sharing.authenticate(get_store(), token)
            if ctx.triggered_id == "share-grant":
                sharing.grant(get_store(), dataset, account, None, partner.strip(), kinds or [])
                return f"✓ {partner}: {', '.join(kinds or [])}"
            n = sharing.revoke(get_store(), dataset, account, None, partner.strip())
            return f"✓ {partner}: −{n}"
        except Exception as err:
            return error_box(err)
