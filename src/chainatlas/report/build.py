"""Reports: one self-contained HTML file and the lists workbook (N图N清单) for a dataset.

The report runs the same services as the CLI (chain map, throughput, chokepoints, a stress test,
input-output key sectors, an N-hour circle, evaluation, matching and advice) and lays their
results out with figures. A section whose analysis cannot run on the dataset (say, no indicator
panel) says so in its text instead of stopping the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from chainatlas import __version__
from chainatlas._codes import code_label
from chainatlas._format import days as fmt_days
from chainatlas._format import money, share
from chainatlas._types import PathArg
from chainatlas.exceptions import ChainAtlasError, InputError
from chainatlas.model.dataset import Dataset
from chainatlas.report.decide_section import decide_section
from chainatlas.report.html import Section, render_html
from chainatlas.report.risk_section import risk_section
from chainatlas.report.svg import PALETTE, bar_chart, line_chart
from chainatlas.report.xlsx import write_lists_workbook

__all__ = ["ReportResult", "build_report", "report_lists", "write_report"]

_STATUS_COLOR = {"strong": "#3a9d5d", "weak": "#e0a624", "missing_adjacent": "#c23b3b",
                 "missing": "#b8b8b8"}


def _L(lang: str, zh: str, en: str) -> str:  # noqa: N802 - a label helper
    return zh if lang == "zh" else en


@dataclass
class ReportResult:
    """What :func:`write_report` wrote, and the sections that could not run."""

    html: Path
    xlsx: Path | None
    sections: list[str]
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"html": str(self.html), "xlsx": str(self.xlsx) if self.xlsx else None,
                "sections": self.sections, "skipped": self.skipped,
                "seconds": round(self.seconds, 3)}


def _default_region(ds: Dataset) -> str | None:
    """The region with the most firms (a city when the dataset has cities)."""
    firms = ds.firms
    if not len(firms):
        return None
    codes = firms["region"].astype(str)
    cities = codes[codes.str.fullmatch(r"\d{4}00") & ~codes.str.endswith("0000")]
    pick = cities if len(cities) else codes
    return str(pick.value_counts().index[0])


def _region_name(ds: Dataset, code: str | None) -> str:
    if not code:
        return ""
    regs = ds.regions
    hit = regs[regs["code"].astype(str) == str(code)] if len(regs) else regs
    return f"{hit['name'].iloc[0]} ({code})" if len(hit) else str(code)


# --- sections ----------------------------------------------------------------------------------

def _overview(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.services import chain

    counts = ds.counts()
    rows = pd.DataFrame({_L(lang, "表", "table"): list(counts),
                         _L(lang, "行数", "rows"): list(counts.values())})
    try:  # the overview is made for any dataset, one without a chain included
        cmap = chain.chain_map_of(ds, region=region) if region else chain.chain_map_of(ds)
        health = pd.DataFrame(cmap.to_dict()["health"])
    except ChainAtlasError:
        health = pd.DataFrame()
    figs = []
    paras = []
    if len(health):
        h = health.iloc[0]
        parts = [c for c in health.columns if c.startswith("h_")]
        figs.append(bar_chart([code_label("health", p[2:], lang) for p in parts],
                              [100 * float(h[p]) for p in parts],
                              title=_L(lang, "产业链健康度分项 (0–100)", "Chain health parts (0–100)")))
        paras.append(_L(lang, f"产业链健康度 {float(h['health']):.1f} / 100（{_region_name(ds, region)}）。",
                        f"Chain health {float(h['health']):.1f} / 100 ({_region_name(ds, region)})."))
    if ds.meta.get("illustrative") or "示例" in "".join(ds.firms["name"].astype(str).head(5)):
        paras.append(_L(lang, "注意：本数据集中的企业与部分数值为示例数据。",
                        "Note: firms and some figures in this dataset are illustrative."))
    lists["企业清单" if lang == "zh" else "firms"] = _firm_list(ds)
    return Section(_L(lang, "概览", "Overview"), paras, figs, [(_L(lang, "数据", "Data"), rows)])


def _firm_list(ds: Dataset) -> pd.DataFrame:
    fs = ds.firm_segments.groupby("firm")["segment"].agg(lambda s: ";".join(map(str, s)))
    firms = ds.firms.copy()
    firms["segments"] = firms["id"].map(fs)
    names = ds.regions.set_index("code")["name"] if len(ds.regions) else pd.Series(dtype=str)
    firms["region_name"] = firms["region"].map(names)
    cols = [c for c in ("id", "name", "region", "region_name", "segments", "ownership", "tags",
                        "employees", "revenue", "rd_intensity", "founded") if c in firms]
    return firms[cols]


def _chain(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.services import chain

    if not len(ds.segments):
        raise InputError("the dataset has no chain segments")
    cmap = chain.chain_map_of(ds, region=region) if region else chain.chain_map_of(ds)
    segs = pd.DataFrame(cmap.to_dict()["segments"])
    counts = segs["status"].value_counts()
    fig = bar_chart([code_label("status", s, lang) for s in counts.index],
                    [float(v) for v in counts.values],
                    colors=[_STATUS_COLOR.get(s, PALETTE[0]) for s in counts.index],
                    title=_L(lang, "环节状态", "Segment status"))
    cols = [c for c in ("segment", "name", "stage", "firms", "firms_local", "local_share", "lq",
                        "hhi_region", "foreign_share", "anchor_by_output", "status", "health")
            if c in segs]
    table = segs[cols].sort_values(["status", "health"])
    gaps = segs[segs["status"].isin(["missing", "missing_adjacent", "weak"])][cols]
    lists["缺口清单" if lang == "zh" else "gaps"] = gaps
    para = _L(lang, f"{_region_name(ds, region) or '全部地区'}：{len(segs)} 个环节，其中强 {counts.get('strong', 0)}、"
                    f"弱 {counts.get('weak', 0)}、缺失且相邻 {counts.get('missing_adjacent', 0)}、"
                    f"缺失 {counts.get('missing', 0)}。",
              f"{_region_name(ds, region) or 'all regions'}: {len(segs)} segments: "
              f"{counts.get('strong', 0)} strong, {counts.get('weak', 0)} weak, "
              f"{counts.get('missing_adjacent', 0)} missing next to local ones, "
              f"{counts.get('missing', 0)} missing.")
    return Section(_L(lang, "产业链图谱", "Chain map"), [para], [fig],
                   [(_L(lang, "环节", "Segments"), table)])


def _throughput(ds: Dataset, region: str | None, lang: str,
                lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.services import chain

    res = chain.throughput_of(ds).to_dict()
    segs = pd.DataFrame(res["segments"])
    takt = res["takt_seconds"]
    takt_zh = f"{takt:.2f} 秒/单位" if takt is not None else "无法确定（产能未知）"
    takt_en = f"{takt:.2f} s per unit" if takt is not None else "undetermined (capacities unknown)"
    paras = [_L(lang, f"全链最大产出 {res['units_per_day']:,.0f} 单位/天，节拍 {takt_zh}"
                      f"（终端环节：{res['segment']}）。",
                f"The chain can deliver {res['units_per_day']:,.0f} units/day, a takt of "
                f"{takt_en} (final segment: {res['segment']}).")]
    figs = []
    if len(segs):
        top = segs.sort_values("max_units_alone").head(12)
        figs.append(bar_chart(top["segment"].astype(str).tolist(),
                              top["max_units_alone"].astype(float).tolist(),
                              title=_L(lang, "各环节单独可支撑的最大产量 (单位/天)",
                                       "Most units/day each segment alone allows")))
    return Section(_L(lang, "产能与节拍", "Throughput and takt"), paras, figs,
                   [(_L(lang, "瓶颈环节", "Bottleneck segments"), segs.head(15))])


def _chokepoints(ds: Dataset, region: str | None, lang: str,
                 lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.services import chain

    res = chain.chokepoints_of(ds).to_dict()
    frame = pd.DataFrame(res["chokepoints"])
    reason = "reason_zh" if lang == "zh" else "reason_en"
    cols = [c for c in ("rank", "type", "kind", "id", "name", "region", "share", reason) if c in frame]
    lists["卡脖子清单" if lang == "zh" else "chokepoints"] = frame[cols]
    figs = []
    if len(frame):
        top = frame.head(12)
        figs.append(bar_chart([f"{n}（{code_label('chokepoint_type', t, lang)}）" if lang == "zh"
                               else f"{n} ({code_label('chokepoint_type', t, lang)})"
                               for n, t in zip(top["name"], top["type"], strict=True)],
                              (100 * top["share"].astype(float)).tolist(), unit="%",
                              title=_L(lang, "依赖该节点的最终产出份额", "Share of final output depending on it")))
    return Section(_L(lang, "卡脖子环节与企业", "Chokepoints"),
                   [_L(lang, f"共识别 {len(frame)} 个卡脖子点。", f"{len(frame)} chokepoints found.")],
                   figs, [(_L(lang, "卡脖子清单", "Chokepoint list"), frame[cols])])


def _stress(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.services import stress

    target = region or _default_region(ds)
    scenario = {"name": f"region-{target}-outage", "horizon_days": 60,
                "policy": {"inventory_days": 15, "tau": 6, "rationing": "proportional"},
                "shocks": [{"region": str(target), "capacity_loss": 1.0, "start_day": 0,
                            "duration_days": 14, "recovery": "linear", "recovery_days": 14}]}
    res = stress.run_scenario_of(ds, scenario)
    summary = res.to_dict()
    days = list(range(len(summary["daily_output_ratio"])))
    seg = res.segment_ratio
    worst = seg.min().sort_values().index[:5] if len(seg.columns) else []
    series = {_L(lang, "全链", "chain"): summary["daily_output_ratio"]}
    seg_names = dict(zip(ds.segments["id"].astype(str), ds.segments["name"].astype(str),
                         strict=True)) if lang == "zh" or "name_en" not in ds.segments else \
        dict(zip(ds.segments["id"].astype(str),
                 ds.segments["name_en"].fillna(ds.segments["name"]).astype(str), strict=True))
    series.update({seg_names.get(str(c), str(c)): seg[c].tolist() for c in worst})
    fig = line_chart(days, series, title=_L(lang, "产出比（相对基准）", "Output ratio to baseline"),
                     x_label=_L(lang, "天", "day"), y_min=0.0, y_max=1.05)
    rec = summary["recovery_day"]
    para = _L(lang, f"情景：{_region_name(ds, target)} 全部产能停摆 14 天，随后 14 天线性恢复。"
                    f"累计产出损失 {money(summary['total_output_loss'])}（约 "
                    f"{fmt_days(summary['total_output_loss_days'])} 天全链产出），最低产出比 "
                    f"{share(summary['min_output_ratio'])}，"
                    f"{'第 ' + str(rec) + ' 天恢复' if rec is not None else '模拟期内未恢复'}。",
              f"Scenario: all capacity in {_region_name(ds, target)} down for 14 days, then a linear "
              f"recovery over 14 days. Output lost {money(summary['total_output_loss'], 'en')} "
              f"({fmt_days(summary['total_output_loss_days'])} days of the chain's output), lowest "
              f"output {share(summary['min_output_ratio'])} of baseline, "
              f"{'recovered on day ' + str(rec) if rec is not None else 'not recovered'}.")
    worst_regions = pd.DataFrame(summary.get("worst_regions", []))
    return Section(_L(lang, "压力测试", "Stress test"), [para], [fig],
                   [(_L(lang, "受影响最大的地区", "Worst-hit regions"), worst_regions)])


def _io(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.services import io

    res = io.analyze(io.demo_table())
    frame = pd.DataFrame({"sector": res["sectors"], "output_multiplier": res["output_multipliers"],
                          "backward_linkage": res["backward_linkage"],
                          "forward_linkage": res["forward_linkage"], "class": res["key_class"]})
    fig = bar_chart([str(s) for s in res["sectors"]], list(res["output_multipliers"]),
                    title=_L(lang, "产出乘数", "Output multipliers"))
    para = _L(lang, f"投入产出表：{res.get('table')}（{res.get('unit')}）。关键部门（后向与前向关联均大于1）："
                    f"{'、'.join(map(str, res['key_sectors'])) or '无'}。",
              f"Input-output table: {res.get('table')} ({res.get('unit')}). Key sectors (both "
              f"linkages above 1): {', '.join(map(str, res['key_sectors'])) or 'none'}.")
    return Section(_L(lang, "投入产出关联", "Input-output linkages"), [para], [fig],
                   [(_L(lang, "乘数与关联", "Multipliers and linkages"), frame)])


def _cluster(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.cluster.circle import input_circle

    site = region or _default_region(ds)
    res = input_circle(ds, str(site), 4.0).to_dict()
    segs = pd.DataFrame(res["segments"])
    fig = bar_chart(segs["name"].astype(str).tolist(), (100 * segs["share_within"]).tolist(),
                    unit="%", title=_L(lang, "4小时圈内的份额（按环节）", "Share within 4 hours (by segment)"))
    para = _L(lang, f"以{res['site_name']}为中心的4小时产业圈覆盖全链产值的 {res['share_within']:.1%}，"
                    f"{res['segments_covered']}/{res['segments_total']} 个环节在圈内有企业。",
              f"The 4-hour circle around {res['site_name']} holds {res['share_within']:.1%} of the "
              f"chain's output; {res['segments_covered']}/{res['segments_total']} segments have firms "
              f"inside.")
    return Section(_L(lang, "4小时产业圈", "4-hour circle"), [para], [fig],
                   [(_L(lang, "圈内地区", "Regions within"), pd.DataFrame(res["regions_within"]))])


def _evaluate(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.services import evaluate

    if not len(ds.indicators):
        raise InputError("the dataset has no indicator panel")
    table = evaluate.summary_table(evaluate.run_panel_of(ds))
    last = table[table["year"] == table["year"].max()] if "year" in table else table
    names = last["region_name"].astype(str).tolist() if "region_name" in last else \
        last["region"].astype(str).tolist()
    fig = bar_chart(names, last["D"].astype(float).tolist(),
                    title=_L(lang, "四链耦合协调度 D（最近一年）", "Four-chain coupling coordination D (latest year)"))
    return Section(_L(lang, "新质生产力与四链融合评价", "Evaluation"), [], [fig],
                   [(_L(lang, "评价结果", "Scores"), table)])


def _match(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.matching.recommend import match_needs
    from chainatlas.services import match

    if not len(ds.tech_needs) or not len(ds.innovation_assets):
        raise InputError("the dataset has no technology needs or no innovation assets")
    res = match_needs(match.engine_for(ds), ds, None, k=3, backend="bm25",
                      hours=match.travel_hours(ds)).to_dict()
    frame = pd.DataFrame(res["results"])
    cols = [c for c in ("need", "need_title", "firm_name", "rank", "asset", "title", "owner",
                        "region_name", "hours", "score") if c in frame]
    lists["技术清单" if lang == "zh" else "technologies"] = frame[cols]
    return Section(_L(lang, "成果转化匹配", "Technology matching"),
                   [_L(lang, f"{len(ds.tech_needs)} 项企业技术需求，每项列出最匹配的3项科研成果。",
                       f"{len(ds.tech_needs)} firm technology needs, each with its 3 best-matching results.")],
                   [], [(_L(lang, "需求与成果", "Needs and results"), frame[cols])])


def _advise(ds: Dataset, region: str | None, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.advise import advise_region

    target = region or _default_region(ds)
    res = advise_region(ds, str(target)).to_dict()
    rows, targets = [], []
    for r in res["recommendations"]:
        rows.append({"rank": r["rank"], "segment": r["segment"], "name": r["name"],
                     "action": r["action"], "score": r["score"],
                     "reasons": ("；".join(map(str, r.get("reasons", []))) if lang == "zh" else
                                 "; ".join(map(str, r.get("reasons_en") or r.get("reasons", []))))})
        for c in r.get("candidates", []):
            targets.append({"segment_name": r["name"], "action": r["action"], **{
                k: c.get(k) for k in ("firm", "name", "region_name", "hours_away", "capacity",
                                      "tags")}, "why": c.get("why") if lang == "zh" else
                c.get("why_en") or c.get("why")})
    frame = pd.DataFrame(rows)
    lists["招商目标清单" if lang == "zh" else "targets"] = pd.DataFrame(targets)
    fig = bar_chart([f"{a} {n}" for a, n in zip(frame["action"], frame["name"], strict=True)],
                    frame["score"].astype(float).tolist(),
                    title=_L(lang, "建议得分", "Recommendation score")) if len(frame) else ""
    return Section(_L(lang, f"补链·强链·延链建议（{_region_name(ds, target)}）",
                      f"Advice for {_region_name(ds, target)}"), [], [fig] if fig else [],
                   [(_L(lang, "建议", "Recommendations"), frame),
                    (_L(lang, "招商目标", "Firms to attract"), pd.DataFrame(targets).head(30))])


_SECTIONS: list[tuple[str, Callable[[Dataset, str | None, str, dict[str, pd.DataFrame]], Section]]] = [
    ("overview", _overview), ("chain", _chain), ("throughput", _throughput),
    ("chokepoints", _chokepoints), ("stress", _stress), ("risk", risk_section), ("io", _io),
    ("cluster", _cluster),
    ("evaluate", _evaluate), ("match", _match), ("advise", _advise),
    ("decide", lambda ds, region, lang, lists: decide_section(ds, region, lang, lists,
                                                              _default_region)),
]


def _reconstructed_note(ds: Dataset, ensemble: Dataset | None, lang: str) -> str:
    member = ds.meta.get("member", 1)
    n = len(ensemble.members()) if ensemble is not None else None
    return _L(lang,
              f"注意：本数据集的供应关系为重构结果（非实测），以下各节基于第{member}个重构网络"
              + (f"；卡脖子区间见“重构区间”一节（{n}个网络的中位数与90%区间）。" if n else "。"),
              f"Note: the supply links of this dataset are reconstructed, not observed; the "
              f"sections below use reconstructed network {member}"
              + (f"; the chokepoint bands (median and 90 % band over {n} networks) are in "
                 "'Reconstruction bands'." if n else "."))


def _chokepoint_bands(ensemble: Dataset, lang: str, lists: dict[str, pd.DataFrame]) -> Section:
    from chainatlas.services.bands import chokepoint_bands_of

    res = chokepoint_bands_of(ensemble)
    cols = [c for c in ("kind", "id", "name", "type", "share_median", "share_p5", "share_p95",
                        "p_chokepoint", "p_top_k") if c in res.table]
    frame = res.table[cols].head(30)
    lists["卡脖子区间" if lang == "zh" else "chokepoint bands"] = res.table[cols]
    return Section(_L(lang, "重构区间：卡脖子", "Reconstruction bands: chokepoints"),
                   [_L(lang, f"{res.members}个重构网络上的依赖份额中位数与90%区间，以及进入前"
                             f"{res.top_k}位的概率。",
                       f"Dependent share over {res.members} reconstructed networks: median, "
                       f"90 % band and the probability of ranking in the top {res.top_k}.")],
                   [], [(_L(lang, "卡脖子区间", "Chokepoint bands"), frame)])


def build_report(ds: Dataset, *, region: str | None = None, lang: str = "zh",
                 progress: Callable[[str], None] | None = None
                 ) -> tuple[str, dict[str, pd.DataFrame], list[str], dict[str, str]]:
    """Run every section on ``ds``: the HTML text, the lists, sections shown and skipped."""
    if lang not in ("zh", "en"):
        raise InputError(f"lang must be zh or en, not {lang!r}")
    ensemble = ds if ds.is_reconstructed else None  # every member: sections run on the first
    if ensemble is not None:
        ds = ensemble.member_view(ensemble.members()[0])
    sections: list[Section] = []
    lists: dict[str, pd.DataFrame] = {}
    done: list[str] = []
    skipped: dict[str, str] = {}
    for key, fn in _SECTIONS:
        if progress:
            progress(key)
        try:
            section = fn(ds, region, lang, lists)
        except ChainAtlasError as err:
            skipped[key] = err.message
            continue
        section.anchor = key
        sections.append(section)
        done.append(key)
    title = _L(lang, f"产业链分析报告 · {ds.name}", f"Industrial chain report · {ds.name}")
    intro = [_L(lang, f"未生成的部分：{'；'.join(f'{k}（{v}）' for k, v in skipped.items())}",
                f"Sections not produced: {'; '.join(f'{k} ({v})' for k, v in skipped.items())}")
             ] if skipped else []
    if ensemble is not None or ds.meta.get("member"):
        intro.insert(0, _reconstructed_note(ds, ensemble, lang))
    if ensemble is not None:
        try:
            sections.append(_chokepoint_bands(ensemble, lang, lists))
            done.append("chokepoint_bands")
        except ChainAtlasError as err:
            skipped["chokepoint_bands"] = err.message
    return render_html(title, sections, lang=lang, intro=intro, version=__version__), lists, done, \
        skipped


def report_lists(ds: Dataset, *, region: str | None = None, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Only the lists (for the workbook)."""
    return build_report(ds, region=region, lang=lang)[1]


def write_report(db: Any, dataset: str, out: PathArg, *, region: str | None = None,
                 lang: str = "zh", xlsx: PathArg | None = None,
                 progress: Callable[[str], None] | None = None) -> ReportResult:
    """Write the HTML report of ``dataset`` to ``out`` (and the lists workbook to ``xlsx``)."""
    from chainatlas.services.datasets import load_dataset

    started = time.perf_counter()
    ds = load_dataset(db, dataset, ensemble=True)  # a reconstruction: every member, for bands
    html, lists, done, skipped = build_report(ds, region=region, lang=lang, progress=progress)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    xpath = write_lists_workbook(lists, xlsx, lang) if xlsx is not None else None
    return ReportResult(path, xpath, done, skipped, time.perf_counter() - started)
