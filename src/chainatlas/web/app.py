"""The dashboard (Dash + dash-cytoscape + dash-ag-grid + plotly), mounted in the API server.

Every asset is served by the server itself (Dash's ``serve_locally``; plotly.js from the plotly
package): nothing is fetched from the internet. Callbacks call the same service functions as the
CLI and the API, on the server's one store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_ag_grid as dag
import dash_cytoscape as cyto
from dash import Dash, Input, Output, State, dcc, html

from chainatlas.web import pages
from chainatlas.web.i18n import t

__all__ = ["create_dashboard"]

TABS = ("overview", "chain", "map", "stress", "risk", "io", "cluster", "evaluate", "match", "advise",
        "decide", "sharing")


def create_dashboard(get_store: Callable[[], Any], get_jobs: Callable[[], Any], *,
                     prefix: str = "/dash/") -> Dash:
    """Build the Dash app. ``get_store``/``get_jobs`` return the server's store and job manager."""
    app = Dash(
        __name__,
        requests_pathname_prefix=prefix,
        routes_pathname_prefix="/",
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="chainatlas",
        update_title=None,
    )
    app.layout = html.Div([
        dcc.Store(id="lang", data="zh"),
        html.Div([
            html.H2(id="title", children=t("title"), style={"margin": "0 1em 0 0"}),
            html.Label(id="dataset-label", children=t("dataset")),
            dcc.Dropdown(id="dataset", clearable=False, style={"width": "220px"}),
            dcc.RadioItems(id="lang-choice", options=[{"label": "中文", "value": "zh"},
                                                      {"label": "English", "value": "en"}],
                           value="zh", inline=True, style={"marginLeft": "1em"}),
        ], style={"display": "flex", "alignItems": "center", "gap": "0.6em",
                  "borderBottom": "3px solid #2f6fb3", "padding": "0.4em 0"}),
        dcc.Tabs(id="tab", value="overview",
                 children=[dcc.Tab(label=t(k), value=k, id=f"tab-{k}") for k in TABS]),
        html.Div(id="page", style={"padding": "0.8em 0"}),
    ], style={"fontFamily": "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
              "margin": "0 1.5em"})

    @app.callback(Output("dataset", "options"), Output("dataset", "value"),
                  Input("tab", "value"), State("dataset", "value"))
    def _datasets(_tab: str, current: str | None) -> tuple[list[dict[str, str]], str | None]:
        from chainatlas.services.datasets import list_datasets

        names = list(list_datasets(get_store())["name"])
        value = current if current in names else ("yrd-nev" if "yrd-nev" in names else
                                                   (names[0] if names else None))
        return [{"label": n, "value": n} for n in names], value

    @app.callback(Output("lang", "data"), *[Output(f"tab-{k}", "label") for k in TABS],
                  Output("title", "children"), Output("dataset-label", "children"),
                  Input("lang-choice", "value"))
    def _lang(lang: str) -> tuple[Any, ...]:
        return (lang, *[t(k, lang) for k in TABS], t("title", lang), t("dataset", lang))

    @app.callback(Output("page", "children"), Input("tab", "value"), Input("dataset", "value"),
                  Input("lang", "data"))
    def _page(tab: str, dataset: str | None, lang: str) -> Any:
        if not dataset:
            return html.P("—")
        return pages.render(tab, get_store(), dataset, lang)

    pages.register_callbacks(app, get_store, get_jobs)
    # keep the component packages referenced so their bundles are served up front
    _ = (cyto.Cytoscape, dag.AgGrid)
    return app
