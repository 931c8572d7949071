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


#: Shown over the page until the dashboard has drawn its first page, then removed.
_FIRST_SCREEN = """<div id="first-screen" style="position:absolute;top:0;left:0;right:0;
min-height:100vh;background:#fff;z-index:1000;padding:0 1.5em;font-family:'Noto Sans CJK SC',
'Microsoft YaHei',sans-serif"><h2 style="margin:0.4em 0;padding:0.2em 0 0.4em;
border-bottom:3px solid #2f6fb3">{title}</h2>{body}</div>
<script>(function () {{
  var shell = document.getElementById('first-screen');
  var done = function () {{ if (shell && document.querySelector('#page .page')) {{
    shell.remove(); shell = null; return true; }} return false; }};
  var watch = new MutationObserver(function () {{ if (done()) watch.disconnect(); }});
  watch.observe(document.documentElement, {{childList: true, subtree: true}});
}})();</script>"""


class _Dashboard(Dash):
    """Dash whose page, as the server sends it, already shows the overview's head (health score
    and charts, when cached), so the first numbers paint before the scripts have loaded."""

    first_screen: Callable[[], str] | None = None

    def interpolate_index(self, **kwargs: Any) -> str:
        body = ""
        if self.first_screen is not None:
            try:
                body = self.first_screen()
            except Exception:  # the page then waits for the dashboard, as without it
                body = ""
        if body:
            kwargs["app_entry"] = _FIRST_SCREEN.format(title=t("title"), body=body) + \
                kwargs.get("app_entry", "")
        return str(super().interpolate_index(**kwargs))


def create_dashboard(get_store: Callable[[], Any], get_jobs: Callable[[], Any], *,
                     prefix: str = "/dash/") -> Dash:
    """Build the Dash app. ``get_store``/``get_jobs`` return the server's store and job manager."""
    app = _Dashboard(
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

    def first_screen() -> str:
        from chainatlas.web.page_overview import first_screen as head

        store = get_store()
        names = list(store.list_datasets()) if hasattr(store, "list_datasets") else []
        name = "yrd-nev" if "yrd-nev" in names else (names[0] if names else None)
        return head(store, name) if name else ""

    app.first_screen = first_screen
    pages.register_callbacks(app, get_store, get_jobs)
    # keep the component packages referenced so their bundles are served up front
    _ = (cyto.Cytoscape, dag.AgGrid)
    return app
