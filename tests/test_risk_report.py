"""The report's systemic-risk section and the demo section: the YRD demo's top ESRI firms, with reasons."""

from __future__ import annotations

from chainatlas.datasets import load_demo
from chainatlas.report.build import build_report
from chainatlas.services.risk import demo_section, risk_input_of, run_esri


def test_report_and_demo_show_the_top_systemic_risk_firms_with_reasons():
    ds = load_demo()
    out = run_esri(risk_input_of(ds), top=3, reasons=3)
    first = out["results"][0]
    html, lists, done, _ = build_report(ds, lang="zh")[:4]
    assert "系统性风险企业" in html and "risk" in done
    sec = html[html.index("系统性风险最高的企业"):]
    assert first["name"] in sec[:20000]
    assert first["reasons"][0]["name"] in sec[:20000]          # who carries the loss
    assert f"{100 * first['esri']:.1f}%" in sec[:20000]
    assert len(lists["系统性风险清单"]) == len(ds.firms)
    en = build_report(ds, lang="en")[0]
    assert "Top systemic-risk firms" in en
    (title, frame), = demo_section(ds)
    assert frame["name"].iloc[0] == first["name"] and frame["reasons"].iloc[0]
