"""补链 / 强链 / 延链 / 建链 recommendations for one region, each with its parts, reasons and candidates.

Actions (from the region's local status and the chain's bill of materials):

========  =======================================================================================
补链      the segment is absent locally but local firms buy it or local segments need it (BOM)
强链      the segment is present but weak (``weak`` in the chain map of
          :func:`chainatlas.network.chain_map.chain_map`, or local firms buy most of it outside)
          or a chokepoint of the chain (≥ 20 % of final output depends on it)
延链      absent, not yet needed, but adjacent to local segments in the BOM (consumes or is an
          input of their inputs) or in a chain the region already works in
建链      absent and in a chain in which the region has no segment at all
========  =======================================================================================

Score :math:`= \\sum_k w_k \\cdot \\text{part}_k` over the parts of :mod:`chainatlas.advise.parts`.
Strategy presets, in the spirit of the Atlas of Economic Complexity's "low-hanging fruit" and
"long jump": the relatedness–complexity block carries 30 % (near) or 40 % (long jump) of the
score, split between density and complexity in the Atlas proportions (60:40 and 45:55); within
complexity, PCI and COG percentiles mix as 15:25 and 20:35.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainatlas._format import money as _money
from chainatlas.advise.candidates import candidate_firms
from chainatlas.advise.parts import RegionParts, segment_parts
from chainatlas.cluster.travel import TravelMode
from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset

__all__ = ["ACTIONS", "PARTS", "STRATEGIES", "AdviceResult", "advise_region"]

ACTIONS = ("补链", "强链", "延链", "建链")
PARTS = ("gap", "chokepoint", "density", "complexity", "demand", "distance")

STRATEGIES: dict[str, dict[str, Any]] = {
    "near": {"weights": {"gap": 0.25, "chokepoint": 0.15, "demand": 0.20, "distance": 0.10,
                         "density": 0.18, "complexity": 0.12},
             "pci_cog": (0.375, 0.625),
             "label": "近邻稳妥 (near and safe)"},
    "long-jump": {"weights": {"gap": 0.20, "chokepoint": 0.15, "demand": 0.15, "distance": 0.10,
                              "density": 0.18, "complexity": 0.22},
                  "pci_cog": (0.364, 0.636),
                  "label": "远跳 (long jump)"},
}


@dataclass
class AdviceResult:
    """Ranked recommendations for a region.

    ``table`` has one row per recommendation (segment, action, score, one column per part and
    the raw values); ``recommendations`` holds the same with ``reasons`` and ``candidates``.
    """

    region: str
    region_name: str
    strategy: str
    weights: dict[str, float]
    table: pd.DataFrame
    recommendations: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "region_name": self.region_name,
                "strategy": self.strategy, "weights": self.weights,
                "recommendations": self.recommendations, "notes": self.notes}

    def candidates_frame(self) -> pd.DataFrame:
        """One row per (recommendation, candidate)."""
        rows = [{"rank": r["rank"], "segment": r["segment"], "action": r["action"], **c}
                for r in self.recommendations for c in r["candidates"]]
        return pd.DataFrame(rows)


def _classify(t: pd.DataFrame) -> pd.Series:
    chains_present = set(t.loc[t["present"], "chain"].astype(str))
    in_local_chain = t["chain"].astype(str).isin(chains_present)
    weak_map = t["map_status"] == "weak" if (t["map_status"] != "").any() else t["lq"] < 1
    weak = weak_map | (t["self_sufficiency"].fillna(1.0) < 0.5)
    critical = t["chokepoint_share"] >= 0.2
    needed = (t["bought_local"] > 0) | t["needed_by_local"]
    action = np.select(
        [t["present"] & (weak | critical), t["present"],
         ~t["present"] & needed,
         ~t["present"] & (t["feeds_local"] | in_local_chain),
         ~t["present"]],
        ["强链", "", "补链", "延链", "建链"], default="")
    return pd.Series(action, index=t.index)


def _fmt_wan(v: float, lang: str = "zh") -> str:
    if lang != "zh":
        return _money(v, "en")
    return f"{v / 1e4:,.2f}亿元" if v >= 1e4 else f"{v:,.0f}万元"


def _reasons(action: str, r: pd.Series, region_name: str, lang: str = "zh") -> list[str]:
    """Why ``action`` for the segment row ``r``, in Chinese (``lang="zh"``) or English."""
    zh = lang == "zh"
    out: list[str] = []
    if not r["present"]:
        out.append(f"{region_name}尚无该环节企业（缺失）" + ("，且为必需投入" if r["essential"] else "")
                   if zh else f"{region_name} has no firm in this segment (missing)"
                   + (", and it is an essential input" if r["essential"] else ""))
    else:
        status = str(r["map_status"])
        if zh:
            grade = {"strong": "（强）", "weak": "（弱）"}.get(status, "")
            out.append(f"{region_name}有{int(r['firms_local'])}家该环节企业{grade}，区位熵{r['lq']:.2f}，"
                       f"占全链该环节规模{r['local_share']:.0%}")
        else:
            grade = {"strong": " (strong)", "weak": " (weak)"}.get(status, "")
            n = int(r["firms_local"])
            out.append(f"{region_name} has {n} firm{'' if n == 1 else 's'} in this segment{grade}, "
                       f"location quotient {r['lq']:.2f}, {r['local_share']:.0%} of the "
                       "segment's size in the chain")
    if r["bought_local"] > 0:
        ss = r["self_sufficiency"]
        ss = 0 if pd.isna(ss) else ss
        out.append(f"本地企业年采购该环节{_fmt_wan(r['bought_local'])}，本地配套率{ss:.0%}" if zh
                   else f"local firms buy {_fmt_wan(r['bought_local'], lang)} a year of it, "
                        f"{ss:.0%} of it from local suppliers")
    if r["anchor_bought_outside"] > 0:
        out.append(f"本地链主企业从外地采购{_fmt_wan(r['anchor_bought_outside'])}" if zh
                   else f"local anchor firms buy {_fmt_wan(r['anchor_bought_outside'], lang)} "
                        "of it from outside")
    if r["needed_by_local"] and not r["present"]:
        out.append("是本地已有环节的物料清单投入" if zh
                   else "an input in the bill of materials of segments the region has")
    if action == "延链" and r["feeds_local"]:
        out.append("以本地已有环节的产品为投入，可向下游延伸" if zh
                   else "uses the products of local segments as inputs: a step downstream")
    if r["chokepoint_share"] > 0:
        out.append(f"卡点：该环节断供将使全链最终产出损失{r['chokepoint_share']:.0%}" if zh
                   else f"chokepoint: losing this segment cuts the chain's final output by "
                        f"{r['chokepoint_share']:.0%}")
    hmt = float(r.get("hmt_share", 0.0) or 0.0)
    if r["foreign_share"] >= 0.5:
        out.append(f"境外依赖{r['foreign_share']:.0%}，宜国产化替代" if zh
                   else f"{r['foreign_share']:.0%} foreign supply: a case for domestic "
                        "substitution")
    elif r["foreign_share"] + hmt >= 0.5 and hmt > 0:
        out.append(f"境外依赖{r['foreign_share']:.0%}、港澳台{hmt:.0%}" if zh
                   else f"{r['foreign_share']:.0%} foreign and {hmt:.0%} Hong Kong, Macao and "
                        "Taiwan supply")
    elif r["hhi_firm"] >= 0.25:
        out.append(f"供应集中（企业HHI {r['hhi_firm']:.2f}）" if zh
                   else f"concentrated supply (firm HHI {r['hhi_firm']:.2f})")
    if r["key_technology"]:
        out.append("关键核心技术环节" if zh else "a key core technology")
    pci = pd.notna(r["pci"])
    out.append(f"关联密度{r['density']:.2f}" + (f"，产品复杂度PCI {r['pci']:.2f}" if pci else "")
               if zh else f"relatedness density {r['density']:.2f}"
               + (f", product complexity (PCI) {r['pci']:.2f}" if pci else ""))
    if pd.notna(r["nearest_hours"]):
        out.append(f"最近的外地生产企业约{r['nearest_hours']:.1f}小时车程" if zh
                   else f"the nearest producer elsewhere is about {r['nearest_hours']:.1f} "
                        "hours' drive away")
    else:
        out.append("国内外地无生产企业（仅境外或无）" if zh
                   else "no producer elsewhere in China (only abroad, or none)")
    return out


def advise_region(ds: Dataset, region: str, *, strategy: str = "near", top: int = 10,
                  candidates: int = 5, weights: dict[str, float] | None = None,
                  mode: str | TravelMode = "road", actions: tuple[str, ...] = ACTIONS,
                  parts: RegionParts | None = None) -> AdviceResult:
    """Rank what ``region`` should fill, strengthen, extend or build, with reasons and candidates.

    Parameters
    ----------
    ds : Dataset
        Needs regions (with coordinates for the distance part), segments, segment_inputs, firms,
        firm_segments and supply_links.
    region : str
        Region code; its child regions (``parent`` tree) count as local.
    strategy : {"near", "long-jump"}
        Weight preset (see the module docstring); ``weights`` overrides it part by part.
    top : int
        Number of recommendations.
    candidates : int
        Candidate firms per recommendation.
    mode : str or TravelMode
        Travel mode for hours (``road`` default).
    actions : tuple of str
        Actions to keep.
    """
    if strategy not in STRATEGIES:
        raise InputError(f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}")
    if top < 1 or candidates < 0:
        raise InputError("top must be ≥ 1 and candidates ≥ 0")
    bad = [a for a in actions if a not in ACTIONS]
    if bad:
        raise InputError(f"unknown action(s) {bad}; expected {', '.join(ACTIONS)}")
    preset = STRATEGIES[strategy]
    w = dict(preset["weights"])
    if weights:
        unknown = [k for k in weights if k not in PARTS]
        if unknown:
            raise InputError(f"unknown part(s) {unknown}; expected {', '.join(PARTS)}")
        if any(v < 0 for v in weights.values()):
            raise InputError("weights must be ≥ 0")
        w.update(weights)
    total = sum(w.values())
    if total <= 0:
        raise InputError("the weights sum to 0")
    w = {k: v / total for k, v in w.items()}
    rp = parts if parts is not None else segment_parts(ds, region, mode=mode)
    t = rp.table.copy()
    a_pci, a_cog = preset["pci_cog"]
    t["complexity"] = a_pci * t["pci_pct"] + a_cog * t["cog_pct"]
    t["action"] = _classify(t)
    t = t[t["action"].isin(actions) & (t["action"] != "")]
    t["score"] = sum(w[k] * t[k] for k in PARTS)
    t = t.sort_values(["score", "gap"], ascending=False, kind="stable").head(top)
    t.insert(0, "rank", np.arange(1, len(t) + 1))
    cands = candidate_firms(ds, list(t.index), rp.local, rp.hours, per_segment=candidates,
                            graph=rp.graph) \
        if candidates else {s: [] for s in t.index}
    recs: list[dict[str, Any]] = []
    for seg, r in t.iterrows():
        recs.append({
            "rank": int(r["rank"]), "segment": seg, "name": r["name"], "stage": r["stage"],
            "action": r["action"], "status": r["map_status"] or None,
            "score": round(float(r["score"]), 4),
            "parts": {k: round(float(r[k]), 4) for k in PARTS},
            "values": {k: (None if pd.isna(r[k]) else (float(r[k]) if not isinstance(r[k], bool)
                                                         else bool(r[k])))
                       for k in ("lq", "local_share", "firms_local", "bought_local",
                                 "bought_outside", "anchor_bought_outside", "self_sufficiency",
                                 "chokepoint_share", "foreign_share", "hmt_share", "hhi_firm", "pci", "cog",
                                 "nearest_hours")},
            "reasons": _reasons(r["action"], r, rp.region_name),
            "reasons_en": _reasons(r["action"], r, rp.region_name_en or rp.region_name, "en"),
            "candidates": cands.get(seg, []),
        })
    cols = ["rank", "name", "stage", "action", "map_status", "score", *PARTS, "lq", "firms_local",
            "bought_local", "anchor_bought_outside", "chokepoint_share", "pci", "nearest_hours"]
    table = t[cols].reset_index(names="segment")
    return AdviceResult(rp.region, rp.region_name, strategy, w, table, recs, list(rp.notes))
