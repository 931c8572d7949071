"""What to fix first: interventions ranked by the loss they remove per 万元, and a portfolio.

The page starts ``chainatlas decide`` as a job (standard scenario set, stress measure, the kinds
and the budget chosen on the page) and shows the ranked interventions with what changes, which
losses fall and why, the portfolio with each step's measured marginal gain, and every scenario's
loss before and after the portfolio.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from chainatlas._codes import code_label
from chainatlas._format import money
from chainatlas.web import cache
from chainatlas.web._widgets import error_box, grid

__all__ = ["KIND_LABELS", "register", "render", "result_view", "run_decide"]

KIND_LABELS = {"dual_sourcing": ("双源采购", "Dual sourcing"),
               "inventory": ("增加库存", "More stock"),
               "attract": ("补链/强链招商", "Attract a plant (补链/强链)"),
               "localisation": ("本地化替代", "Localisation")}


def _L(lang: str, zh: str, en: str) -> str:  # noqa: N802 - a label helper
    return zh if lang == "zh" else en


def run_decide(store: Any, dataset: str, kinds: list[str], budget: float,
               progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The decision run the page shows (standard scenarios, stress measure, one budget)."""
    from chainatlas.services import decide as svc

    ds = cache.dataset(store, dataset)
    return svc.decide_of(ds, kinds=kinds, measures=["stress"], budgets=[float(budget)],
                         progress=progress)


def _before_after(res: dict[str, Any], lang: str) -> go.Figure:
    port = res["portfolios"][0]
    names = res["scenario_names"]
    fig = go.Figure([
        go.Bar(name=_L(lang, "措施前", "before"), y=names, x=res["baseline"]["stress_by_scenario"],
               orientation="h", marker={"color": "#b33b2f"}),
        go.Bar(name=_L(lang, "组合后", "after the portfolio"), y=names,
               x=port["after_by_scenario"], orientation="h", marker={"color": "#2f6fb3"}),
    ])
    fig.update_layout(barmode="group", height=120 + 60 * len(names),
                      title=_L(lang, "各情景产出损失：组合前后（万元）",
                               "Output loss per scenario before and after the portfolio "
                               "(10k CNY)"),
                      margin={"l": 20, "r": 20, "t": 50, "b": 30}, yaxis={"automargin": True})
    return fig


def result_view(res: dict[str, Any], lang: str) -> Any:
    """Tables and the before/after figure of a decision result."""
    zh = lang == "zh"
    items = pd.DataFrame([{
        "rank": r["rank"], _L(lang, "类型", "kind"): KIND_LABELS[r["kind"]][0 if zh else 1],
        _L(lang, "措施", "intervention"): r["what_zh"] if zh else r["what_en"],
        _L(lang, "减少损失（万元）", "loss removed (10k CNY)"): r["gain"],
        _L(lang, "成本（万元）", "cost (10k CNY)"): r["cost"],
        _L(lang, "每万元减损", "removed per 10k CNY"): r["gain_per_wan"],
        _L(lang, "哪些损失下降", "which losses fall"): r["falls_zh"] if zh else r["falls_en"],
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
    return html.Div([
        html.P(summary, id="decide-summary"),
        dcc.Graph(id="decide-before-after", figure=_before_after(res, lang),
                  config={"displaylogo": False}),
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
