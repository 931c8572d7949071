"""The report's decision section: what to fix first against the stress test's region outage.

A light run of ``chainatlas decide`` so the report stays quick: one scenario (the stress
section's outage of the report's region, 14 days, linear recovery over 14), the kinds dual
sourcing, inventory and localisation, the stress measure, one budget of 3,000 万元. The full
run (standard scenario set, 补链/强链 plants, ESRI) is ``chainatlas decide``.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from chainatlas._format import money
from chainatlas.model.dataset import Dataset
from chainatlas.report.html import Section
from chainatlas.report.svg import bar_chart

__all__ = ["BUDGET", "decide_section"]

#: The report's portfolio budget (万元).
BUDGET = 3000.0


def _L(lang: str, zh: str, en: str) -> str:  # noqa: N802 - a label helper
    return zh if lang == "zh" else en


def decide_section(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame],
                   default_region: Callable[[Dataset], str | None]) -> Section:
    """Top interventions against the region outage, with the portfolio for :data:`BUDGET`."""
    from chainatlas.services import decide as svc

    target = region or default_region(ds)
    reg = ds.regions
    col = "name_en" if lang == "en" and "name_en" in reg else "name"
    names = dict(zip(reg["code"].astype(str), reg[col].fillna(reg["name"]).astype(str),
                     strict=True)) if len(reg) and "name" in reg else {}
    place = names.get(str(target), str(target))
    scenario = {"name": f"region-{target}-outage", "horizon_days": 60,
                "policy": {"inventory_days": 15, "tau": 6, "rationing": "proportional"},
                "shocks": [{"region": str(target), "capacity_loss": 1.0, "start_day": 0,
                            "duration_days": 14, "recovery": "linear", "recovery_days": 14}]}
    res = svc.decide_of(ds, scenarios=[scenario], budgets=[BUDGET],
                        kinds=["dual_sourcing", "inventory", "localisation"],
                        measures=["stress"], region=target)
    full = svc.items_frame(res, lang=lang)
    lists["措施清单" if lang == "zh" else "interventions"] = full
    top = [r for r in res["items"] if r["gain"] > 0][:10]
    rows = [{_L(lang, "排名", "rank"): r["rank"],
             _L(lang, "措施", "intervention"): r["what_zh"] if lang == "zh" else r["what_en"],
             _L(lang, "减少损失", "loss removed"): money(r["gain"], lang),
             _L(lang, "成本", "cost"): money(r["cost"], lang),
             _L(lang, "每万元减损", "per 10k CNY"): f"{r['gain_per_wan']:,.1f}",
             _L(lang, "原因", "why"): r["why_zh"] if lang == "zh" else r["why_en"]} for r in top]
    port = res["portfolios"][0]
    before = res["baseline"]["stress"]
    after = port["after"]["stress"]
    figs = [bar_chart([_L(lang, "措施前", "before"), _L(lang, "组合后", "after portfolio")],
                      [before, after], unit=_L(lang, "万元", "10k CNY"),
                      title=_L(lang, "区域停产的产出损失：措施前后", "Outage loss before and after"))]
    if top:
        figs.append(bar_chart([str(r["rank"]) for r in top], [r["gain_per_wan"] for r in top],
                              title=_L(lang, "每万元投入减少的损失", "Loss removed per 10k CNY")))
    para = _L(
        lang,
        f"情景：{place} 全部产能停摆 14 天。共评估 {res['n_candidates']} 项措施，每项在网络副本上"
        f"重新模拟；预算 {money(BUDGET)} 的组合（逐步重新模拟组合效果）选 {len(port['items'])} 项，"
        f"花费 {money(port['cost'])}，损失由 {money(before)} 降至 {money(after)}"
        f"（各项单独减损之和 {money(port['sum_of_single_gains'])}"
        f"{'，组合效果超过单项之和' if port['superadditive'] else ''}）。",
        f"Scenario: all capacity in {place} down for 14 days. {res['n_candidates']} "
        f"interventions evaluated, each re-simulated on a copy of the network; the portfolio for "
        f"{money(BUDGET, 'en')} (the combination re-simulated at each step) takes "
        f"{len(port['items'])}, costs {money(port['cost'], 'en')} and lowers the loss from "
        f"{money(before, 'en')} to {money(after, 'en')} (single gains add up to "
        f"{money(port['sum_of_single_gains'], 'en')}"
        f"{'; the combination does better than their sum' if port['superadditive'] else ''}).")
    return Section(_L(lang, "优先措施（韧性投入产出）", "What to fix first"), [para], figs,
                   [(_L(lang, "减损效率最高的措施", "Interventions by loss removed per 万元"),
                     pd.DataFrame(rows))])
