"""The report's systemic-risk section: every firm's ESRI, the top firms and who carries their loss."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainatlas.model.dataset import Dataset
from chainatlas.report.html import Section
from chainatlas.report.svg import bar_chart

__all__ = ["risk_section"]

_DIR_ZH = {"customer": "下游客户", "supplier": "上游供应商", "both": "上下游"}


def _L(lang: str, zh: str, en: str) -> str:  # noqa: N802 - a label helper
    return zh if lang == "zh" else en


def risk_section(ds: Dataset, region: str | None, lang: str,
                 lists: dict[str, pd.DataFrame]) -> Section:
    """ESRI (Diem et al. 2022, ε = 0.01, σ on) of every firm; top 10 with reasons."""
    from chainatlas.services import risk

    ri = risk.risk_input_of(ds)
    out = risk.run_esri(ri, reasons=3)
    allr = pd.DataFrame(out["results"])
    top = out["results"][:10]
    rows = []
    for r in top:
        why = "；".join(
            f"{x['name']}（{_DIR_ZH[x['direction']]}，{100 * x['loss']:.2f}%）" if lang == "zh"
            else f"{x['name']} ({x['direction']}, {100 * x['loss']:.2f}%)"
            for x in r.get("reasons", []))
        rows.append({_L(lang, "排名", "rank"): r["rank"], _L(lang, "企业", "firm"): r["name"],
                     _L(lang, "环节", "segment"): r["sector"],
                     "ESRI": f"{100 * r['esri']:.1f}%",
                     _L(lang, "下游", "downstream"): f"{100 * r['esri_downstream']:.1f}%",
                     _L(lang, "上游", "upstream"): f"{100 * r['esri_upstream']:.1f}%",
                     _L(lang, "损失主要落在", "loss carried by"): why})
    table = pd.DataFrame(rows)
    lists["系统性风险清单" if lang == "zh" else "systemic risk"] = allr[
        ["rank", "firm", "name", "sector", "esri", "esri_downstream", "esri_upstream"]]
    e = allr["esri"].to_numpy(float)
    n = len(e)
    k = max(1, int(np.ceil(0.05 * n)))
    figs = [bar_chart([r["name"] for r in top], [100 * r["esri"] for r in top], unit="%",
                      title=_L(lang, "企业停产将损失的全网产出份额（ESRI）",
                               "Share of network output lost if the firm fails (ESRI)"))]
    para = _L(
        lang,
        f"经济系统性风险指数（ESRI，Diem 等 2022）：假设某企业停产，沿供应链向下游（客户缺少投入）和"
        f"向上游（供应商失去订单）传导后损失的全网产出份额。共 {n} 家企业；中位数 "
        f"{100 * float(np.median(e)):.2f}%，最高 {100 * float(e.max()):.1f}%；风险高度集中："
        f"前 {k} 家企业的 ESRI 均不低于 {100 * float(np.sort(e)[::-1][k - 1]):.1f}%。",
        f"Economic Systemic Risk Index (ESRI, Diem et al. 2022): the share of the network's output "
        f"lost, once losses spread downstream (customers lack inputs) and upstream (suppliers lose "
        f"orders), if a firm fails. {n} firms; median {100 * float(np.median(e)):.2f}%, maximum "
        f"{100 * float(e.max()):.1f}%; the risk is concentrated: the top {k} firms each have an "
        f"ESRI of at least {100 * float(np.sort(e)[::-1][k - 1]):.1f}%.")
    return Section(_L(lang, "系统性风险企业", "Systemic-risk firms"), [para], figs,
                   [(_L(lang, "系统性风险最高的企业", "Top systemic-risk firms"), table)])
