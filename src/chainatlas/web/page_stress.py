"""Stress-test page: a scenario built from choices (what is hit, picked by name; how hard; when;
recovery; inventory policy) with its YAML as an advanced view, run as a job with a progress bar;
the result reads at a glance (total loss in 万元/亿元, days to recover, worst-hit firms and regions
by name) with output over time by segment, and time-to-survive vs time-to-recover by firm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import yaml
from dash import Dash, Input, Output, State, dcc, html, no_update

from chainatlas._codes import code_label
from chainatlas._format import days as fmt_days
from chainatlas._format import money
from chainatlas._format import share as fmt_share
from chainatlas.web import cache
from chainatlas.web._widgets import error_box, grid, notice, records, region_names
from chainatlas.web.i18n import t

__all__ = ["DEFAULT_SCENARIO", "payload", "register", "render", "scenario_from_form",
           "target_options"]

KINDS = ("region", "firm", "segment", "origin")
MAX_OPTIONS = 60

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


def _targets(ds: Any, kind: str, lang: str) -> list[tuple[str, str]]:
    """``(value, label)`` of every possible target of ``kind``, by name (cached for the
    dataset object: a 100,000-firm list is built once, not on every keystroke)."""
    return cache.of_dataset(ds, f"targets:{kind}:{lang}", lambda: _all_targets(ds, kind, lang))


def _all_targets(ds: Any, kind: str, lang: str) -> list[tuple[str, str]]:
    if kind == "firm":
        f = ds.firms
        return list(zip(f["id"].astype(str), f["name"].astype(str), strict=True))
    if kind == "segment":
        s = ds.segments
        col = "name_en" if lang == "en" and "name_en" in s else "name"
        names = s[col].where(s[col].notna(), s["name"])
        return list(zip(s["id"].astype(str), names.astype(str), strict=True))
    firms = ds.firms
    if kind == "origin":
        col = "country" if "country" in firms else None
        codes = sorted(set(firms[col].dropna().astype(str))) if col else []
        regs = ds.regions
        names = region_names(regs, lang)
        return [(c, names.get(c, c)) for c in codes]
    regs = ds.regions
    if not len(regs):
        return []
    used = set(cache.used_regions(ds))
    prefixes = {u[:2] + "0000" for u in used if u.isdigit()} | \
        {u[:4] + "00" for u in used if u.isdigit()}
    rows = regs[regs["code"].astype(str).isin(used | prefixes)]
    rows = rows[rows["code"].astype(str).str.fullmatch(r"\d{6}")]
    names = region_names(rows, lang)
    return [(str(c), names.get(str(c), str(c))) for c in rows["code"]]


def target_options(ds: Any, kind: str, lang: str, search: str | None = None,
                   keep: str | None = None) -> list[dict[str, str]]:
    """Dropdown options for ``kind`` matching ``search`` (name or code; at most
    :data:`MAX_OPTIONS`), always including the chosen value ``keep``."""
    allv = _targets(ds, kind, lang)
    text = (search or "").strip().lower()
    hits = [(v, n) for v, n in allv if not text or text in n.lower() or text in v.lower()]
    hits.sort(key=lambda p: (not p[1].lower().startswith(text), len(p[1]), p[1]))
    out = hits[:MAX_OPTIONS]
    if keep and keep not in {v for v, _ in out}:
        out += [(v, n) for v, n in allv if v == keep]
    names = [n for _, n in out]
    return [{"label": n if names.count(n) == 1 else f"{n} ({v})", "value": v} for v, n in out]


def scenario_from_form(kind: str, target: str | None, loss_pct: float, start: int | None,
                       duration: int | None, recovery: str, recovery_days: float | None,
                       horizon: int | None, inventory_days: float | None,
                       substitution: list[str] | None, rationing: str) -> dict[str, Any]:
    """The scenario mapping the form describes (the same keys as a scenario file)."""
    shock: dict[str, Any] = {kind: target or "", "capacity_loss": round(float(loss_pct) / 100, 4),
                             "start_day": int(start or 0), "duration_days": int(duration or 0),
                             "recovery": recovery}
    if recovery != "step":
        shock["recovery_days"] = float(recovery_days or 10)
    return {"name": f"{kind}-{target or ''}", "horizon_days": int(horizon or 60),
            "policy": {"inventory_days": float(inventory_days or 15),
                       "substitution": bool(substitution), "rationing": rationing},
            "shocks": [shock]}


def _field(label_text: str, control: Any, width: str = "auto") -> html.Div:
    return html.Div([html.Label(label_text, style={"fontSize": "13px", "color": "#4a5563"}),
                     control], style={"display": "flex", "flexDirection": "column",
                                      "gap": "0.2em", "width": width})


def render(store: Any, dataset: str, lang: str) -> Any:
    ds = cache.dataset(store, dataset)
    if not len(ds.firms):
        return notice(t("no_firms_stress", lang))
    num = {"type": "number", "style": {"width": "90px"}, "debounce": True}
    form = html.Div([
        html.Div([
            _field(t("target_kind", lang), dcc.RadioItems(
                id="stress-kind", value="region", inline=True,
                options=[{"label": code_label("target_kind", k, lang), "value": k} for k in KINDS],
                inputStyle={"marginRight": "0.25em"}, labelStyle={"marginRight": "1em"})),
            _field(t("target", lang), dcc.Dropdown(
                id="stress-target", options=target_options(ds, "region", lang), value=None,
                searchable=True, placeholder=t("search_name", lang), style={"width": "320px"}),
                "330px"),
            _field(t("capacity_loss", lang), dcc.Slider(
                id="stress-loss", min=0, max=100, step=5, value=100,
                marks={v: f"{v}%" for v in range(0, 101, 25)},
                tooltip={"placement": "bottom", "always_visible": False}), "300px"),
        ], style={"display": "flex", "gap": "1.4em", "alignItems": "flex-end", "flexWrap": "wrap"}),
        html.Div([
            _field(t("start_day", lang), dcc.Input(id="stress-start", value=0, min=0, **num)),
            _field(t("duration_days", lang), dcc.Input(id="stress-duration", value=20, min=0,
                                                       **num)),
            _field(t("recovery", lang), dcc.Dropdown(
                id="stress-recovery", value="linear", clearable=False, style={"width": "150px"},
                options=[{"label": code_label("recovery", k, lang), "value": k}
                         for k in ("step", "linear", "exponential")])),
            _field(t("recovery_days", lang), dcc.Input(id="stress-recovery-days", value=10, min=1,
                                                       **num)),
            _field(t("horizon_days", lang), dcc.Input(id="stress-horizon", value=60, min=1,
                                                      max=3650, **num)),
            _field(t("inventory_days", lang), dcc.Input(id="stress-inventory", value=15, min=1,
                                                        **num)),
            _field(t("rationing", lang), dcc.Dropdown(
                id="stress-rationing", value="proportional", clearable=False,
                style={"width": "150px"},
                options=[{"label": code_label("rationing", k, lang), "value": k}
                         for k in ("proportional", "priority")])),
            _field(t("substitution", lang), dcc.Checklist(
                id="stress-substitution", value=["on"],
                options=[{"label": t("substitution_on", lang), "value": "on"}])),
        ], style={"display": "flex", "gap": "1.2em", "alignItems": "flex-end", "flexWrap": "wrap",
                  "margin": "0.8em 0"}),
        html.Details([
            html.Summary(t("advanced_yaml", lang)),
            html.P(t("yaml_hint", lang), style={"fontSize": "13px", "color": "#5b6673"}),
            dcc.Textarea(id="stress-scenario", value="",
                         style={"width": "100%", "height": "220px", "fontFamily": "monospace"}),
        ], id="stress-advanced"),
    ], style={"border": "1px solid #dde3ea", "padding": "0.8em 1em", "borderRadius": "6px"})
    return html.Div([
        form,
        html.Div([
            html.Button(t("run", lang), id="stress-run", style={"fontSize": "15px",
                                                                "padding": "0.3em 1.4em"}),
            html.Span(t("progress", lang) + ": "),
            html.Progress(id="stress-progress", value="0", max="100", style={"width": "300px"}),
            html.Span(id="stress-status"),
        ], style={"display": "flex", "gap": "0.6em", "alignItems": "center", "margin": "0.7em 0"}),
        dcc.Store(id="stress-job"),
        dcc.Interval(id="stress-poll", interval=400, disabled=True),
        html.Div(id="stress-result"),
        html.Button(t("tts_button", lang), id="stress-tts", style={"marginTop": "0.8em"}),
        html.Div(id="stress-tts-result"),
    ])


def _card(title: str, value: str, card_id: str) -> html.Div:
    return html.Div([html.Div(title, style={"color": "#5b6673", "fontSize": "13px"}),
                     html.Div(value, id=card_id, style={"fontSize": "22px", "fontWeight": "bold"})],
                    style={"border": "1px solid #dde3ea", "borderRadius": "6px",
                           "padding": "0.5em 1em", "minWidth": "170px"})


def _result_view(result: dict[str, Any], ds: Any, lang: str) -> Any:
    seg_names = _seg_names(ds, lang)
    reg_names = region_names(ds.regions, lang)
    firm_names = dict(zip(ds.firms["id"].astype(str), ds.firms["name"].astype(str), strict=True))
    seg = pd.DataFrame(result["segment_ratio"])
    fig = go.Figure()
    if len(seg):
        worst = seg.drop(columns=["day"], errors="ignore").min().sort_values().index[:8]
        for col in worst:
            fig.add_trace(go.Scatter(x=seg.get("day", seg.index), y=seg[col] * 100,
                                     name=seg_names.get(str(col), str(col))))
    fig.add_trace(go.Scatter(x=list(range(len(result["daily_output_ratio"]))),
                             y=[100 * v for v in result["daily_output_ratio"]],
                             name=t("whole_chain", lang), line={"width": 4, "color": "#222"}))
    fig.update_layout(title=t("output_ratio", lang), xaxis_title=t("day", lang), height=400,
                      yaxis={"title": "%", "ticksuffix": "%"},
                      margin={"l": 50, "r": 10, "t": 40, "b": 40})
    rec = result.get("recovery_day")
    cards = html.Div([
        _card(t("total_loss", lang), money(result["total_output_loss"], lang), "stress-total-loss"),
        _card(t("recovery_days_result", lang),
              fmt_days(rec, lang) if rec is not None else t("not_recovered", lang),
              "stress-recovery-day"),
        _card(t("lowest_output", lang), fmt_share(result["min_output_ratio"]), "stress-min-ratio"),
        _card(t("va_loss", lang), money(result["value_added_loss"], lang), "stress-va-loss"),
        _card(t("firms_below_half", lang), f"{result['max_firms_below_half']:,}",
              "stress-below-half"),
    ], id="stress-summary", style={"display": "flex", "gap": "0.8em", "flexWrap": "wrap",
                                   "margin": "0.6em 0"})
    regions = pd.DataFrame(result.get("worst_regions", []))
    if len(regions):
        regions.insert(0, "region_name", regions["region"].map(reg_names).fillna(regions["region"]))
    firms = pd.DataFrame(result.get("worst_firms", []))
    if len(firms):
        firms.insert(0, "firm_name", firms["firm"].map(firm_names).fillna(firms["firm"]))
    segments = pd.DataFrame(result.get("worst_segments", []))
    if len(segments):
        segments.insert(0, "segment_name",
                        segments["segment"].map(seg_names).fillna(segments["segment"]))
    return html.Div([
        cards,
        dcc.Graph(id="stress-chart", figure=fig),
        html.Div([
            html.Div([html.H4(t("worst_firms", lang)),
                      grid("stress-worst-firms", firms, lang=lang, hidden=("firm",))],
                     style={"flex": "1"}),
            html.Div([html.H4(t("worst_regions", lang)),
                      grid("stress-worst", regions, lang=lang, hidden=("region",))],
                     style={"flex": "1"}),
            html.Div([html.H4(t("worst_segments", lang)),
                      grid("stress-worst-segments", segments, lang=lang, hidden=("segment",))],
                     style={"flex": "1"}),
        ], style={"display": "flex", "gap": "1em", "flexWrap": "wrap"}),
    ])


def _seg_names(ds: Any, lang: str) -> dict[str, str]:
    s = ds.segments
    if not len(s):
        return {}
    col = "name_en" if lang == "en" and "name_en" in s else "name"
    names = s[col].where(s[col].notna(), s["name"])
    return dict(zip(s["id"].astype(str), names.astype(str), strict=True))


_PROGRESS = {"loading": "progress_loading", "simulating": "progress_simulating",
             "summarising": "progress_summarising"}


def register(app: Dash, get_store: Callable[[], Any], get_jobs: Callable[[], Any]) -> None:
    @app.callback(Output("stress-target", "options"), Input("stress-kind", "value"),
                  Input("stress-target", "search_value"), State("stress-target", "value"),
                  State("dataset", "value"), State("lang", "data"))
    def _options(kind: str, search: str | None, value: str | None, dataset: str,
                 lang: str) -> Any:
        ds = cache.dataset(get_store(), dataset)
        return target_options(ds, kind or "region", lang, search, value)

    @app.callback(Output("stress-target", "value"), Input("stress-kind", "value"),
                  prevent_initial_call=True)
    def _clear(_kind: str) -> Any:
        return None

    @app.callback(Output("stress-scenario", "value"),
                  Input("stress-kind", "value"), Input("stress-target", "value"),
                  Input("stress-loss", "value"), Input("stress-start", "value"),
                  Input("stress-duration", "value"), Input("stress-recovery", "value"),
                  Input("stress-recovery-days", "value"), Input("stress-horizon", "value"),
                  Input("stress-inventory", "value"), Input("stress-substitution", "value"),
                  Input("stress-rationing", "value"))
    def _yaml(*form: Any) -> str:
        scenario = scenario_from_form(*form)
        return str(yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False))

    @app.callback(Output("stress-job", "data"), Output("stress-poll", "disabled"),
                  Output("stress-status", "children"),
                  Input("stress-run", "n_clicks"), State("stress-scenario", "value"),
                  State("dataset", "value"), State("lang", "data"), prevent_initial_call=True)
    def _submit(n: int | None, text: str, dataset: str, lang: str) -> tuple[Any, bool, Any]:
        from chainatlas.services import stress

        try:
            scenario = yaml.safe_load(text or "")
        except yaml.YAMLError as err:
            return no_update, True, error_box(ValueError(str(err)), lang)
        shocks = (scenario or {}).get("shocks") if isinstance(scenario, dict) else None
        if not shocks or not any(str(s.get(k) or "") for s in shocks
                                 for k in ("firm", "region", "segment", "origin")):
            return no_update, True, t("pick_target", lang)
        store = get_store()

        def job(ctx: Any) -> Any:
            ctx.progress(0.05, "loading")
            ds = cache.dataset(store, dataset)
            ctx.progress(0.15, "simulating")
            result = stress.run_scenario_of(ds, scenario)
            ctx.progress(0.95, "summarising")
            return payload(result)

        submitted = get_jobs().submit("stress", job)
        return submitted.id, False, code_label("job_status", "queued", lang)

    @app.callback(Output("stress-progress", "value"), Output("stress-status", "children",
                                                             allow_duplicate=True),
                  Output("stress-result", "children"), Output("stress-poll", "disabled",
                                                              allow_duplicate=True),
                  Input("stress-poll", "n_intervals"), State("stress-job", "data"),
                  State("dataset", "value"), State("lang", "data"), prevent_initial_call=True)
    def _poll(_n: int, job_id: str | None, dataset: str,
              lang: str) -> tuple[Any, Any, Any, bool]:
        if not job_id:
            return no_update, no_update, no_update, True
        job = get_jobs().get(job_id)
        pct = str(int(job.progress * 100))
        status = code_label("job_status", job.status, lang)
        if job.status == "done":
            ds = cache.dataset(get_store(), dataset)
            return "100", status, _result_view(job.result, ds, lang), True
        if job.status in ("failed", "cancelled"):
            msg = (job.error or {}).get("message", job.status)
            return pct, status, error_box(RuntimeError(msg), lang), True
        step = _PROGRESS.get(str(getattr(job, "message", "") or ""))
        return pct, f"{status} · {t(step, lang)}" if step else status, no_update, False

    @app.callback(Output("stress-tts-result", "children"), Input("stress-tts", "n_clicks"),
                  State("dataset", "value"), State("lang", "data"), prevent_initial_call=True)
    def _tts(_n: int, dataset: str, lang: str) -> Any:
        from chainatlas.services import stress

        store = get_store()
        try:
            frame = cache.memo(("tts", dataset, cache.version(store, dataset)),
                               lambda: stress.tts_ttr_of(cache.dataset(store, dataset),
                                                         ttr_days=30))
        except Exception as err:
            return error_box(err, lang)
        ds = cache.dataset(store, dataset)
        regs = region_names(ds.regions, lang)
        frame = frame.copy()
        frame["region_name"] = frame["region"].astype(str).map(regs).fillna(frame["region"])
        frame["needs_mitigation"] = [t("yes" if v else "no", lang)
                                     for v in frame["needs_mitigation"]]
        head = frame.head(25)
        names = head["name"].astype(str).str.replace("示例·", "", regex=False)
        fig = go.Figure([go.Bar(name=t("tts_name", lang), x=names, y=head["tts_days"]),
                         go.Bar(name=t("ttr_name", lang), x=names, y=head["ttr_days"])])
        fig.update_layout(barmode="group", height=440, title=t("tts_ttr", lang),
                          yaxis={"title": t("days_axis", lang)}, xaxis={"tickangle": -40},
                          margin={"l": 50, "r": 10, "t": 40, "b": 150})
        cols = [c for c in ("name", "region_name", "tts_days", "ttr_days", "performance_impact",
                            "rei", "needs_mitigation", "firm") if c in frame]
        return html.Div([dcc.Graph(id="tts-chart", figure=fig),
                         grid("tts-grid", frame[cols], lang=lang, hidden=("firm",),
                              kinds={"performance_impact": "money", "rei": "ratio"})])
