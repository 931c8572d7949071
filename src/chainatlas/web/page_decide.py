"""What to fix first: interventions ranked by the loss they remove per 万元, and a portfolio.

The page starts ``chainatlas decide`` as a job (standard scenario set, stress measure, the kinds
and the budget chosen on the page) and shows the ranked interventions with what changes, which
losses fall and why, the portfolio with each step's measured marginal gain, every scenario's
loss before and after the portfolio, and — for the intervention picked from the top ten — the
daily output loss of every scenario before and after it (each simulated on its own copy of the
network). Scenario names of the standard set are shown in the reader's language, with region
names instead of codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update
from plotly.subplots import make_subplots

from chainatlas._codes import code_label
from chainatlas._format import money
from chainatlas.web import cache
from chainatlas.web._widgets import error_box, grid, region_names
from chainatlas.web.i18n import t

__all__ = ["KIND_LABELS", "curves_figure", "register", "render", "result_view", "run_decide",
           "scenario_label"]

#: Interventions whose daily curves the page computes (the top of the ranking).
CURVES_TOP = 10

KIND_LABELS = {"dual_sourcing": ("双源采购", "Dual sourcing"),
               "inventory": ("增加库存", "More stock"),
               "firm_inventory": ("企业增加库存", "More stock at one firm"),
               "attract": ("补链/强链招商", "Attract a plant (补链/强链)"),
               "localisation": ("本地化替代", "Localisation")}


def _L(lang: str, zh: str, en: str) -> str:  # noqa: N802 - a label helper
    return zh if lang == "zh" else en


def run_decide(store: Any, dataset: str, kinds: list[str], budget: float,
               progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The decision run the page shows (standard scenarios, stress measure, one budget), with
    the daily loss curves of the top interventions and the scenarios' names in both
    languages."""
    from chainatlas.services import decide as svc

    ds = cache.dataset(store, dataset)
    res = svc.decide_of(ds, kinds=kinds, measures=["stress"], budgets=[float(budget)],
                        progress=progress)
    res["curves"] = svc.daily_loss_curves(ds, res, top=CURVES_TOP)
    res["scenario_labels"] = {
        lang: [scenario_label(n, lang, region_names(ds.regions, lang))
               for n in res["scenario_names"]] for lang in ("zh", "en")}
    return res


_STANDARD = re.compile(r"^(?P<zh>\S+) (?P<en>[a-z][a-z ]+): (?P<subject>.+)$")
_FOREIGN = re.compile(r"^(?P<what>.*) \((?P<pct>\d+)% foreign\)$")


def scenario_label(name: str, lang: str, regions: dict[str, str] | None = None) -> str:
    """A standard scenario's name (``卡脖子企业停产 chokepoint outage: X``) in one language,
    with a region code replaced by its name; other names as they are."""
    m = _STANDARD.match(name)
    if not m:
        return name
    subject = m["subject"]
    subject = (regions or {}).get(subject, subject)
    f = _FOREIGN.match(subject)
    if f:
        subject = (f"{f['what']}（境外供应占{f['pct']}%）" if lang == "zh"
                   else f"{f['what']} ({f['pct']}% foreign)")
    if lang == "zh":
        return f"{m['zh']}：{subject}"
    return f"{m['en'][0].upper()}{m['en'][1:]}: {subject}"


def _labels(res: dict[str, Any], lang: str) -> list[str]:
    got = res.get("scenario_labels", {}).get(lang)
    return list(got) if got else [scenario_label(n, lang) for n in res["scenario_names"]]


def _localise(text: str, res: dict[str, Any], lang: str) -> str:
    """Scenario names inside an explanation, in the reader's language."""
    for name, lab in zip(res["scenario_names"], _labels(res, lang), strict=True):
        text = text.replace(name, lab)
    return text


def _before_after(res: dict[str, Any], lang: str) -> go.Figure:
    port = res["portfolios"][0]
    names = _labels(res, lang)
    scale = 1e4 if lang == "zh" else 1e5      # 万元 → 亿元, or → CNY bn
    fig = go.Figure([
        go.Bar(name=_L(lang, "措施前", "before"), y=names,
               x=[v / scale for v in res["baseline"]["stress_by_scenario"]],
               orientation="h", marker={"color": "#b33b2f"}),
        go.Bar(name=_L(lang, "组合后", "after the portfolio"), y=names,
               x=[v / scale for v in port["after_by_scenario"]], orientation="h",
               marker={"color": "#2f6fb3"}),
    ])
    fig.update_xaxes(tickformat=".4~r")
    fig.update_layout(barmode="group", height=120 + 60 * len(names),
                      title=_L(lang, "各情景产出损失：组合前后（亿元）",
                               "Output loss per scenario before and after the portfolio "
                               "(CNY bn)"),
                      margin={"l": 20, "r": 20, "t": 50, "b": 30}, yaxis={"automargin": True},
                      separators=".,")
    return fig


def curves_figure(res: dict[str, Any], key: str | None, lang: str) -> go.Figure:
    """The daily output loss of every scenario before (red) and after (blue) the intervention
    ``key`` (one panel per scenario, 万元 per day)."""
    curves = res.get("curves") or {}
    after_all = curves.get("after", {})
    if key not in after_all:
        key = next(iter(after_all), None)
    names = _labels(res, lang)
    rows = max(1, len(names))
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=False, vertical_spacing=0.22 / rows,
                        subplot_titles=names or [""])
    before = curves.get("before", [])
    after = after_all.get(key, []) if key is not None else []
    # the unit keeps every tick below 10,000 (no thousands separator needed): 万元 or 亿元 a
    # day in Chinese, CNY m or bn a day in English
    top = max((max(c, default=0.0) for c in [*before, *after]), default=0.0)
    units = ((1.0, "万元/天"), (1e4, "亿元/天")) if lang == "zh" else \
        ((100.0, "CNY m/day"), (1e5, "CNY bn/day"))
    scale, unit = next((u for u in units if top / u[0] < 1e4), units[-1])
    before = [[v / scale for v in c] for c in before]
    after = [[v / scale for v in c] for c in after]
    for k in range(len(before)):
        days = list(range(len(before[k])))
        fig.add_trace(go.Scatter(
            x=days, y=before[k], name=_L(lang, "措施前", "before"), legendgroup="before",
            showlegend=k == 0, line={"color": "#b33b2f", "width": 2},
            hovertemplate=_L(lang, "第%{x}天：%{y:.4~r} " + unit, "day %{x}: %{y:.4~r} " + unit)
            + "<extra></extra>"), row=k + 1, col=1)
        if k < len(after):
            fig.add_trace(go.Scatter(
                x=days, y=after[k], name=_L(lang, "措施后", "after"), legendgroup="after",
                showlegend=k == 0, line={"color": "#2f6fb3", "width": 2, "dash": "dash"},
                hovertemplate=_L(lang, "第%{x}天：%{y:.4~r} " + unit,
                                 "day %{x}: %{y:.4~r} " + unit) + "<extra></extra>"),
                row=k + 1, col=1)
        fig.update_yaxes(title_text=unit, row=k + 1, col=1, tickformat=".4~r")
    fig.update_xaxes(title_text=t("day", lang), row=rows, col=1)
    fig.update_layout(height=140 + 190 * rows, margin={"l": 70, "r": 20, "t": 60, "b": 40},
                      title=_L(lang, f"所选措施前后各情景的每日产出损失（{unit}）",
                               "Daily output loss per scenario before and after the chosen "
                               f"intervention ({unit})"),
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1,
                              "xanchor": "right"}, separators=".,")
    fig.update_annotations(font_size=13)
    return fig


def _pick_options(res: dict[str, Any], lang: str) -> list[dict[str, str]]:
    after = (res.get("curves") or {}).get("after", {})
    zh = lang == "zh"
    out = []
    for r in res["items"]:
        if r["key"] in after:
            text = r["what_zh"] if zh else r["what_en"]
            short = text if len(text) <= 70 else text[:69] + "…"
            kind = KIND_LABELS[r["kind"]][0 if zh else 1]
            label = f"{r['rank']}. {kind}：{short}" if zh else f"{r['rank']}. {kind}: {short}"
            out.append({"label": label, "value": r["key"]})
    return out


def result_view(res: dict[str, Any], lang: str) -> Any:
    """Tables and the before/after figure of a decision result."""
    zh = lang == "zh"
    items = pd.DataFrame([{
        _L(lang, "排名", "rank"): r["rank"],
        _L(lang, "类型", "kind"): KIND_LABELS[r["kind"]][0 if zh else 1],
        _L(lang, "措施", "intervention"): r["what_zh"] if zh else r["what_en"],
        _L(lang, "减少损失（万元）", "loss removed (10k CNY)"): r["gain"],
        _L(lang, "成本（万元）", "cost (10k CNY)"): r["cost"],
        _L(lang, "每万元减损", "removed per 10k CNY"): r["gain_per_wan"],
        _L(lang, "哪些损失下降", "which losses fall"):
            _localise(r["falls_zh"] if zh else r["falls_en"], res, lang),
        _L(lang, "原因", "why"): r["why_zh"] if zh else r["why_en"]} for r in res["items"]])
    port = res["portfolios"][0]
    steps = pd.DataFrame([{
        _L(lang, "步", "step"): k,
        _L(lang, "措施", "intervention"): s["what_zh"] if zh else s["what_en"],
        _L(lang, "成本（万元）", "cost (10k CNY)"): s["cost"],
        _L(lang, "单独减损", "gain alone"): s["single_gain"],
        _L(lang, "组合中实测减损", "measured marginal gain"): s["marginal_gain"]}
        for k, s in enumerate(port["items"], start=1)])
    summary = _L(
        lang,
        f"预算 {money(port['budget'])}：选 {len(port['items'])} 项，花费 {money(port['cost'])}，"
        f"组合实测减损 {money(port['gain'])}，各项单独减损之和 {money(port['sum_of_single_gains'])}"
        f"{'（组合效果超过单项之和）' if port['superadditive'] else ''}。共评估 "
        f"{res['n_candidates']} 项措施。",
        f"Budget {money(port['budget'], 'en')}: {len(port['items'])} chosen, cost "
        f"{money(port['cost'], 'en')}, measured gain {money(port['gain'], 'en')} against "
        f"{money(port['sum_of_single_gains'], 'en')} for the single gains added up"
        f"{' (the combination does better than the sum)' if port['superadditive'] else ''}. "
        f"{res['n_candidates']} interventions evaluated.")
    options = _pick_options(res, lang)
    first = options[0]["value"] if options else None
    curves = ([
        html.H4(_L(lang, "措施前后的每日产出损失", "Daily output loss before and after")),
        html.P(_L(lang, f"选择排名前{len(options)}的一项措施，查看各情景每天的产出损失"
                        "在措施前（红色实线）和措施后（蓝色虚线）的变化。",
                  f"Pick one of the top {len(options)} interventions to see each scenario's "
                  "daily output loss before (red, solid) and after it (blue, dashed).")),
        dcc.Dropdown(id="decide-pick", options=options, value=first, clearable=False,
                     style={"maxWidth": "1100px"}),
        dcc.Store(id="decide-curves-data",
                  data={k: res[k] for k in ("curves", "scenario_names", "scenario_labels")
                        if k in res}),
        dcc.Graph(id="decide-curves", figure=curves_figure(res, first, lang),
                  config={"displaylogo": False}),
    ] if options else [])
    return html.Div([
        html.P(summary, id="decide-summary"),
        dcc.Graph(id="decide-before-after", figure=_before_after(res, lang),
                  config={"displaylogo": False}),
        *curves,
        html.H4(_L(lang, "措施清单（按每万元减损排序）", "Interventions (by loss removed per 10k CNY)")),
        grid("decide-grid", items, lang=lang, height=420),
        html.H4(_L(lang, "预算组合", "The portfolio")),
        grid("decide-portfolio", steps, lang=lang, height=240),
    ])


def render(store: Any, dataset: str, lang: str) -> Any:
    cache.dataset(store, dataset)   # a missing dataset shows its error here
    zh = lang == "zh"
    return html.Div([
        html.P(_L(lang, "每项措施在网络副本上重新模拟标准情景（卡脖子企业停产、最大产出地区停产、"
                        "外资最集中环节的出口管制），按每万元减少的产出损失排序；预算组合逐步重新模拟，"
                        "边际收益为实测。",
                  "Each intervention is re-simulated on a copy of the network over the standard "
                  "scenarios (chokepoint outages, the largest region outage, an export ban on the "
                  "most foreign segment) and ranked by the loss it removes per 10k CNY; the "
                  "portfolio is re-simulated step by step, so its returns are measured."),
               id="decide-intro"),
        html.Div([
            dcc.Checklist(id="decide-kinds", value=["dual_sourcing", "inventory"],
                          options=[{"label": v[0 if zh else 1], "value": k}
                                   for k, v in KIND_LABELS.items()], inline=True),
            html.Label(_L(lang, "预算（万元）", "Budget (10k CNY)")),
            dcc.Input(id="decide-budget", type="number", min=0, value=3000, step=100,
                      style={"width": "8em"}),
            html.Button(_L(lang, "评估", "Evaluate"), id="decide-run"),
            html.Progress(id="decide-progress", value="0", max="100", style={"width": "240px"}),
            html.Span(id="decide-status"),
        ], style={"display": "flex", "gap": "0.8em", "alignItems": "center", "flexWrap": "wrap"}),
        dcc.Store(id="decide-job"),
        dcc.Interval(id="decide-poll", interval=500, disabled=True),
        html.Div(id="decide-result"),
    ])


def register(app: Dash, get_store: Callable[[], Any], get_jobs: Callable[[], Any]) -> None:
    @app.callback(Output("decide-job", "data"), Output("decide-poll", "disabled"),
                  Output("decide-status", "children"), Input("decide-run", "n_clicks"),
                  State("decide-kinds", "value"), State("decide-budget", "value"),
                  State("dataset", "value"), State("lang", "data"), prevent_initial_call=True)
    def _submit(_n: int | None, kinds: list[str] | None, budget: float | None, dataset: str,
                lang: str) -> tuple[Any, bool, Any]:
        lang = lang or "zh"
        if not kinds:
            return no_update, True, _L(lang, "请至少选一类措施", "pick at least one kind")
        if budget is None or budget < 0:
            return no_update, True, _L(lang, "预算须 ≥ 0", "the budget must be ≥ 0")
        store = get_store()

        def job(ctx: Any) -> Any:
            ctx.progress(0.02, "interventions")
            from chainatlas._json import to_jsonable

            return to_jsonable(run_decide(
                store, dataset, list(kinds), float(budget),
                progress=lambda k, n: ctx.progress(0.9 * k / max(n, 1), f"{k}/{n}")))

        submitted = get_jobs().submit("decide", job)
        return submitted.id, False, code_label("job_status", "queued", lang)

    @app.callback(Output("decide-curves", "figure"), Input("decide-pick", "value"),
                  State("decide-curves-data", "data"), State("lang", "data"),
                  prevent_initial_call=True)
    def _pick(key: str | None, data: dict[str, Any] | None, lang: str) -> Any:
        if not data:
            return no_update
        return curves_figure(data, key, lang or "zh")

    @app.callback(Output("decide-progress", "value"),
                  Output("decide-status", "children", allow_duplicate=True),
                  Output("decide-result", "children"),
                  Output("decide-poll", "disabled", allow_duplicate=True),
                  Input("decide-poll", "n_intervals"), State("decide-job", "data"),
                  State("lang", "data"), prevent_initial_call=True)
    def _poll(_n: int, job_id: str | None, lang: str) -> tuple[Any, Any, Any, bool]:
        lang = lang or "zh"
        if not job_id:
            return no_update, no_update, no_update, True
        job = get_jobs().get(job_id)
        pct = str(int(job.progress * 100))
        status = code_label("job_status", job.status, lang)
        if job.status == "done":
            return "100", status, result_view(job.result, lang), True
        if job.status in ("failed", "cancelled"):
            msg = (job.error or {}).get("message", job.status)
            return pct, status, error_box(RuntimeError(msg), lang), True
        return pct, status, no_update, False
