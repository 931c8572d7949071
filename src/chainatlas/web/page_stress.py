"""Stress-test page: edit a scenario, run it as a job with a progress bar, see output over time by
segment and region, the worst-hit list, and time-to-survive vs time-to-recover."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from chainatlas.web._widgets import error_box, grid, records
from chainatlas.web.i18n import t

__all__ = ["DEFAULT_SCENARIO", "payload", "register", "render"]

DEFAULT_SCENARIO = """name: tongcheng-battery-outage
horizon_days: 60
policy: {inventory_days: 15, tau: 6, substitution: true, rationing: proportional}
shocks:
  - region: "340881"
    capacity_loss: 1.0
    start_day: 0
    duration_days: 20
    recovery: linear
    recovery_days: 10
"""


def payload(result: Any) -> dict[str, Any]:
    """What the page draws from a simulation result (JSON-safe)."""
    seg = result.segment_ratio.copy()
    seg.index.name = "day"
    return {**result.to_dict(), "segment_ratio": records(seg.reset_index())}


def render(store: Any, dataset: str, lang: str) -> Any:
    return html.Div([
        html.Label(t("scenario", lang)),
        dcc.Textarea(id="stress-scenario", value=DEFAULT_SCENARIO,
                     style={"width": "100%", "height": "200px", "fontFamily": "monospace"}),
        html.Div([
            html.Button(t("run", lang), id="stress-run"),
            html.Span(t("progress", lang) + ": "),
            html.Progress(id="stress-progress", value="0", max="100",
                          style={"width": "300px"}),
            html.Span(id="stress-status"),
        ], style={"display": "flex", "gap": "0.6em", "alignItems": "center", "margin": "0.5em 0"}),
        dcc.Store(id="stress-job"),
        dcc.Interval(id="stress-poll", interval=400, disabled=True),
        html.Div(id="stress-result"),
        html.Button("TTS / TTR", id="stress-tts"),
        html.Div(id="stress-tts-result"),
    ])


def _result_view(result: dict[str, Any], lang: str) -> Any:
    seg = pd.DataFrame(result["segment_ratio"])
    fig = go.Figure()
    if len(seg):
        worst = seg.drop(columns=["day"], errors="ignore").min().sort_values().index[:8]
        for col in worst:
            fig.add_trace(go.Scatter(x=seg.get("day", seg.index), y=seg[col], name=str(col)))
    fig.add_trace(go.Scatter(x=list(range(len(result["daily_output_ratio"]))),
                             y=result["daily_output_ratio"], name="total",
                             line={"width": 4, "color": "#222"}))
    fig.update_layout(title=t("output_ratio", lang), xaxis_title=t("day", lang), height=380,
                      margin={"l": 40, "r": 10, "t": 40, "b": 40})
    summary = pd.DataFrame([{k: v for k, v in result.items()
                             if not isinstance(v, (list, dict))}])
    worst_regions = pd.DataFrame(result.get("worst_regions", []))
    return html.Div([
        dcc.Graph(id="stress-chart", figure=fig),
        grid("stress-summary", summary, height=90, lang=lang),
        html.H4(t("worst", lang)),
        grid("stress-worst", worst_regions, height=240, lang=lang),
    ])


def register(app: Dash, get_store: Callable[[], Any], get_jobs: Callable[[], Any]) -> None:
    @app.callback(Output("stress-job", "data"), Output("stress-poll", "disabled"),
                  Output("stress-status", "children"),
                  Input("stress-run", "n_clicks"), State("stress-scenario", "value"),
                  State("dataset", "value"), prevent_initial_call=True)
    def _submit(n: int | None, text: str, dataset: str) -> tuple[Any, bool, str]:
        import yaml

        from chainatlas.services import stress

        try:
            scenario = yaml.safe_load(text)
        except yaml.YAMLError as err:
            return no_update, True, f"YAML: {err}"
        store = get_store()

        def job(ctx: Any) -> Any:
            ctx.progress(0.05, "loading")
            result = stress.run_scenario(store, dataset, scenario)
            ctx.progress(0.95, "summarising")
            return payload(result)

        submitted = get_jobs().submit("stress", job)
        return submitted.id, False, "queued"

    @app.callback(Output("stress-progress", "value"), Output("stress-status", "children",
                                                             allow_duplicate=True),
                  Output("stress-result", "children"), Output("stress-poll", "disabled",
                                                              allow_duplicate=True),
                  Input("stress-poll", "n_intervals"), State("stress-job", "data"),
                  State("lang", "data"), prevent_initial_call=True)
    def _poll(_n: int, job_id: str | None, lang: str) -> tuple[Any, Any, Any, bool]:
        if not job_id:
            return no_update, no_update, no_update, True
        job = get_jobs().get(job_id)
        pct = str(int(job.progress * 100))
        if job.status == "done":
            return "100", "done", _result_view(job.result, lang), True
        if job.status in ("failed", "cancelled"):
            msg = (job.error or {}).get("message", job.status)
            return pct, job.status, error_box(RuntimeError(msg)), True
        return pct, job.status, no_update, False

    @app.callback(Output("stress-tts-result", "children"), Input("stress-tts", "n_clicks"),
                  State("dataset", "value"), State("lang", "data"), prevent_initial_call=True)
    def _tts(_n: int, dataset: str, lang: str) -> Any:
        from chainatlas.services import stress

        try:
            frame = stress.tts_ttr(get_store(), dataset, ttr_days=30)
        except Exception as err:
            return error_box(err)
        head = frame.head(25)
        tts_col = next(c for c in frame.columns if c.lower().startswith("tts"))
        ttr_col = next(c for c in frame.columns if c.lower().startswith("ttr"))
        fig = go.Figure([go.Bar(name="TTS", x=head["firm"].astype(str), y=head[tts_col]),
                         go.Bar(name="TTR", x=head["firm"].astype(str), y=head[ttr_col])])
        fig.update_layout(barmode="group", height=360, title=t("tts_ttr", lang))
        return html.Div([dcc.Graph(id="tts-chart", figure=fig), grid("tts-grid", frame, lang=lang)])
