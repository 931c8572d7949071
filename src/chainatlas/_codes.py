"""The one translation table for code values and column names shown to people.

Engines and tables speak in codes (``upstream``, ``missing_adjacent``, ``sole_supplier``,
``output_loss`` …); readers see words. :data:`CODES` maps each code of each domain to its
Chinese and English label, :data:`COLUMNS` each column name to its header. The dashboard, the
report, the workbooks and the CLI all translate through :func:`code_label` and
:func:`column_label`; a test checks the table against the codes the engines emit, so a new code
cannot slip through untranslated.

>>> code_label("status", "missing_adjacent"), code_label("stage", "upstream", "en")
('缺失·相邻', 'upstream')
>>> code_label("chokepoint_type", "dominator;sole_supplier")
'支配节点、唯一供应商'
>>> column_label("output_loss"), column_label("output_loss", "en")
('产出损失', 'Output loss')
"""

from __future__ import annotations

from typing import Any

__all__ = ["CODES", "CODE_COLUMNS", "COLUMNS", "code_label", "column_label", "translate_codes"]

_T = dict[str, tuple[str, str]]

CODES: dict[str, _T] = {
    "stage": {"upstream": ("上游", "upstream"), "midstream": ("中游", "midstream"),
              "downstream": ("下游", "downstream")},
    "status": {"strong": ("强", "strong"), "weak": ("弱", "weak"),
               "missing_adjacent": ("缺失·相邻", "missing, adjacent"),
               "missing": ("缺失", "missing")},
    "chokepoint_type": {
        "dominator": ("支配节点", "dominator"),
        "sole_supplier": ("唯一供应商", "sole supplier"),
        "import_only": ("完全依赖进口", "import only"),
        "foreign_dominated": ("外资主导", "foreign-dominated"),
        "key_technology_no_domestic": ("关键技术无国内供应", "key technology, no domestic supplier"),
        "geographic_concentration": ("地理集中", "geographic concentration"),
        "region": ("关键地区", "key region"),
    },
    "chokepoint_kind": {"firm": ("企业", "firm"), "segment": ("环节", "segment"),
                        "region": ("地区", "region")},
    "action": {"补链": ("补链", "fill the gap"), "强链": ("强链", "strengthen"),
               "延链": ("延链", "extend the chain"), "建链": ("建链", "build the chain")},
    "ownership": {"domestic": ("内资", "domestic"), "foreign": ("外资", "foreign"),
                  "jv": ("合资", "joint venture")},
    "asset_kind": {"patent": ("专利", "patent"), "paper": ("论文", "paper"),
                   "project": ("项目", "project"), "lab": ("实验室", "laboratory")},
    "owner_kind": {"university": ("高校", "university"), "institute": ("科研院所", "institute"),
                   "firm": ("企业", "firm"), "lab": ("实验室", "laboratory"),
                   "other": ("其他", "other")},
    "region_level": {"country": ("国家", "country"), "province": ("省", "province"),
                     "city": ("地级市", "city"), "county": ("县区", "county"),
                     "other": ("其他", "other")},
    "signal_kind": {"orders": ("订单", "orders"), "forecast": ("预测", "forecast"),
                    "inventory_days": ("库存天数", "inventory days"),
                    "utilisation": ("产能利用率", "utilisation"),
                    "lead_time": ("交货期", "lead time")},
    "signal_freq": {"day": ("日", "day"), "week": ("周", "week"), "month": ("月", "month"),
                    "quarter": ("季度", "quarter")},
    "aggregate_level": {"chain": ("全链", "whole chain"), "region": ("地区", "region"),
                        "segment": ("环节", "segment"),
                        "segment_region": ("环节×地区", "segment × region")},
    "suppression": {"": ("公开", "published"), "primary": ("抑制 (企业数不足)", "suppressed (too few firms)"),
                    "nested": ("抑制 (可推算)", "suppressed (derivable)"),
                    "complementary": ("补充抑制", "complementary suppression")},
    "health": {"completeness": ("完整度", "completeness"),
               "self_sufficiency": ("自给率", "self-sufficiency"),
               "concentration": ("分散度", "diversification"),
               "innovation": ("创新", "innovation"), "anchors": ("链主", "anchor firms")},
    "advice_part": {"gap": ("缺口", "gap"), "chokepoint": ("卡脖子", "chokepoint"),
                    "density": ("关联密度", "relatedness"), "complexity": ("复杂度", "complexity"),
                    "demand": ("本地需求", "local demand"), "distance": ("距离", "distance")},
    "target_kind": {"firm": ("企业", "firm"), "region": ("地区", "region"),
                    "segment": ("环节", "segment"), "origin": ("来源国", "origin country")},
    "recovery": {"step": ("立即恢复", "at once"), "linear": ("线性恢复", "linear"),
                 "exponential": ("指数恢复", "exponential")},
    "rationing": {"proportional": ("按比例分配", "proportional"),
                  "priority": ("优先级分配", "by priority")},
    "order_basis": {"planned": ("按计划", "planned"), "demand": ("按需求", "demand"),
                    "production": ("按产量", "production")},
    "job_status": {"queued": ("排队中", "queued"), "running": ("运行中", "running"),
                   "done": ("完成", "done"), "failed": ("失败", "failed"),
                   "cancelled": ("已取消", "cancelled")},
    "role": {"admin": ("管理员", "administrator"), "planner": ("规划人员", "planner"),
             "firm": ("企业", "firm")},
    "key_class": {"key": ("关键部门", "key sector"), "backward": ("后向拉动型", "backward-led"),
                  "forward": ("前向推动型", "forward-led"), "weak": ("一般部门", "ordinary")},
    "cluster_group": {"战略性支柱产业集群": ("战略性支柱产业集群", "strategic pillar cluster"),
                      "战略性新兴产业集群": ("战略性新兴产业集群", "strategic emerging cluster")},
    "direction": {"up": ("上升", "up"), "down": ("下降", "down")},
    "warning_method": {"cusum": ("累积和 (CUSUM)", "CUSUM"), "robust_z": ("稳健 z 分数", "robust z-score")},
    "travel_mode": {"road": ("公路", "road"), "rail": ("高铁", "rail")},
    "tag": {"链主": ("链主", "anchor firm"), "专精特新": ("专精特新", "specialised SME"),
            "高新": ("高新", "high-tech"), "上市": ("上市", "listed"),
            "规上": ("规上", "above designated size")},
    "yes_no": {"True": ("是", "yes"), "False": ("否", "no"), "yes": ("是", "yes"),
               "no": ("否", "no")},
}

#: Grid, table and workbook headers (units where the value has one).
COLUMNS: _T = {
    "firm": ("企业代码", "Firm id"), "firm_name": ("企业", "Firm"), "name": ("名称", "Name"),
    "segment": ("环节代码", "Segment id"), "segment_name": ("环节", "Segment"),
    "region": ("地区代码", "Region code"), "region_name": ("地区", "Region"),
    "code": ("代码", "Code"), "ownership": ("所有制", "Ownership"), "tags": ("标签", "Tags"),
    "capacity": ("产能 (单位/天)", "Capacity (units/day)"),
    "output_value": ("年产值", "Output per year"),
    "output": ("年产值", "Output per year"),
    "share": ("比重", "Share"), "segments": ("环节数", "Segments"), "firms": ("企业数", "Firms"),
    "rank": ("排名", "Rank"), "type": ("类型", "Type"), "kind": ("对象", "Kind"),
    "reason_zh": ("原因", "Reason"), "reason_en": ("原因", "Reason"), "reason": ("原因", "Reason"),
    "action": ("建议", "Action"), "score": ("得分", "Score"), "reasons": ("理由", "Reasons"),
    "candidates": ("候选企业", "Candidate firms"), "stage": ("链位", "Stage"),
    "status": ("状态", "Status"), "firms_local": ("本地企业数", "Local firms"),
    "hours": ("小时", "Hours"), "year": ("年份", "Year"), "sector": ("部门", "Sector"),
    "output_multiplier": ("产出乘数", "Output multiplier"),
    "backward_linkage": ("后向关联", "Backward linkage"),
    "forward_linkage": ("前向关联", "Forward linkage"), "key_sector": ("关键部门", "Key sector"),
    "share_within": ("圈内比重", "Share within"), "value_total": ("总产值", "Total"),
    "value_within": ("圈内产值", "Within"),
    "local_share": ("本地占比", "Local share"), "lq": ("区位熵", "Location quotient"),
    "top_region": ("最大产地", "Top region"), "firms_within": ("圈内企业数", "Firms within"),
    "nearest_region": ("最近地区", "Nearest region"), "nearest_hours": ("最近 (小时)", "Nearest (h)"),
    "need": ("需求", "Need"), "asset": ("成果", "Result"), "title": ("标题", "Title"),
    "owner": ("权属单位", "Owner"), "item": ("条目", "Item"), "value": ("数值", "Value"),
    "health": ("健康度", "Health"), "chain": ("产业链", "Chain"),
    "firms_lost": ("受波及企业数", "Firms lost"), "dominated_share": ("支配比重", "Dominated share"),
    "id": ("代码", "Id"),
    # stress tests
    "scenario": ("情景", "Scenario"), "horizon_days": ("模拟天数", "Horizon (days)"),
    "baseline_daily_output": ("基准日产值", "Baseline daily output"),
    "total_output_loss": ("总产出损失", "Total output loss"),
    "total_output_loss_days": ("损失相当于全链天数", "Loss in days of output"),
    "value_added_loss": ("增加值损失", "Value-added loss"),
    "min_output_ratio": ("最低产出比", "Lowest output ratio"),
    "min_output_day": ("最低点 (第几天)", "Lowest on day"),
    "recovery_day": ("恢复天数", "Days to recover"),
    "final_demand_unmet": ("未满足最终需求", "Unmet final demand"),
    "max_firms_below_half": ("产出过半受损企业数", "Firms below half output"),
    "output_loss": ("产出损失", "Output loss"),
    "tts": ("生存时间 TTS (天)", "Time to survive (days)"),
    "ttr": ("恢复时间 TTR (天)", "Time to recover (days)"),
    "tts_days": ("生存时间 TTS (天)", "Time to survive (days)"),
    "ttr_days": ("恢复时间 TTR (天)", "Time to recover (days)"),
    "gap_days": ("缺口 (天)", "Gap (days)"), "needs_mitigation": ("需缓解", "Needs mitigation"),
    # evaluation
    "index": ("综合指数", "Index"), "D": ("耦合协调度 D", "Coupling coordination D"),
    "C": ("耦合度 C", "Coupling C"), "T": ("综合协调指数 T", "Coordination index T"),
    "indicator": ("指标", "Indicator"), "obstacle": ("障碍度", "Obstacle degree"),
    "subsystem": ("子系统", "Subsystem"), "k": ("序位", "Order"), "level": ("层级", "Level"),
    "grade": ("等级", "Grade"),
    # clusters, complexity
    "pci": ("产品复杂度", "Product complexity"), "density": ("关联密度", "Density"),
    "rca": ("显示性比较优势", "RCA"), "eci": ("经济复杂度", "Economic complexity"),
    "cog": ("机会增益", "Opportunity gain"), "hhi": ("集中度 HHI", "HHI"),
    # sharing
    "period": ("期间", "Period"), "unit": ("单位", "Unit"), "n_firms": ("企业数", "Firms"),
    "partner": ("合作企业", "Partner"), "granted_at": ("授权时间", "Granted at"),
    "reader": ("读取方", "Reader"), "at": ("时间", "Time"), "tier": ("层级", "Tier"),
    "ratio_to_end": ("相对终端放大倍数", "Amplification to end demand"),
    "bound_shared": ("共享时上界", "Bound with sharing"),
    "bound_not_shared": ("不共享时上界", "Bound without sharing"),
    "direction": ("方向", "Direction"), "method": ("方法", "Method"),
    "change_period": ("变化起点", "Change from"), "delay_periods": ("滞后期数", "Delay (periods)"),
    "delay_days": ("滞后天数", "Delay (days)"),
    "lead_time_bought_days": ("提前量 (天)", "Lead time gained (days)"),
    # advice parts
    "gap": ("缺口", "Gap"), "chokepoint": ("卡脖子", "Chokepoint"),
    "complexity": ("复杂度", "Complexity"), "demand": ("本地需求", "Local demand"),
    "distance": ("距离", "Distance"),
    # matching
    "query": ("查询", "Query"), "segment_score": ("匹配得分", "Match score"),
    "match": ("匹配成果", "Match"),
    "need_title": ("技术需求", "Technology need"), "asset_kind": ("成果类型", "Result type"),
    "owner_kind": ("权属单位类型", "Owner type"), "path": ("环节路径", "Segment path"),
    "D_grade": ("协调等级", "Coordination grade"), "top_obstacle": ("主要障碍因子", "Main obstacle"),
    "group": ("类别", "Group"), "revenue": ("营业收入", "Revenue"),
    "va": ("增加值", "Value added"),
    "value_added": ("增加值", "Value added"),
    "share_of_gdp": ("占地区生产总值比重", "Share of GDP"),
    "above_threshold": ("万亿级", "Above threshold"),
    "firms_all": ("全部企业数", "All firms"), "segment_id": ("环节代码", "Segment id"),
    "part": ("分项", "Part"), "weight": ("权重", "Weight"),
    "suppressed": ("抑制", "Suppressed"),
    "performance_impact": ("产出影响", "Performance impact"),
    "rei": ("风险暴露指数", "Risk exposure index"),
    "share_median": ("依赖份额中位数", "Share, median"), "share_p5": ("依赖份额 5% 分位", "Share, 5th pct"),
    "share_p95": ("依赖份额 95% 分位", "Share, 95th pct"),
    "p_chokepoint": ("成为卡脖子的概率", "Probability of a chokepoint"),
    "p_top_k": ("进入前列的概率", "Probability of top rank"), "loss_share": ("损失占比", "Share of loss"),
    # firms, gaps, systemic risk, targets (the report's lists)
    "employees": ("从业人员", "Employees"), "rd_intensity": ("研发强度", "R&D intensity"),
    "founded": ("成立年份", "Founded"), "hhi_region": ("地区集中度 HHI", "Regional HHI"),
    "hhi_firm": ("企业集中度 HHI", "Firm HHI"), "foreign_share": ("境外供应占比", "Foreign share"),
    "hmt_share": ("港澳台供应占比", "Hong Kong, Macao, Taiwan share"),
    "anchor_by_output": ("龙头企业 (按产值)", "Lead firm by output"),
    "anchor_by_customers": ("龙头企业 (按客户数)", "Lead firm by customers"),
    "esri": ("系统性风险 ESRI", "ESRI"), "esri_downstream": ("ESRI 下游", "ESRI downstream"),
    "esri_upstream": ("ESRI 上游", "ESRI upstream"),
    "hours_away": ("距离 (小时)", "Hours away"), "why": ("理由", "Why"),
    "map_status": ("状态", "Status"), "self_sufficiency": ("本地配套率", "Self-sufficiency"),
    "bought_local": ("本地采购额", "Bought locally"),
    "bought_outside": ("外地采购额", "Bought outside"),
    "anchor_bought_outside": ("链主外地采购额", "Anchor firms' purchases outside"),
    "chokepoint_share": ("卡点依赖份额", "Chokepoint share"),
    # interventions (措施清单) and their portfolios
    "what": ("措施", "Intervention"), "falls": ("减少的损失", "Losses that fall"),
    "gain_stress": ("压力测试减损 (万元)", "Stress loss removed (10k CNY)"),
    "gain_esri": ("重点企业 ESRI 降低 (百分点)", "Top firms' ESRI cut (points)"),
    "gain_esri_total": ("平均 ESRI 降低 (百分点)", "Mean ESRI cut (points)"),
    "gain_lp": ("断供损失减少", "TTS/TTR loss removed"),
    "gain_gap": ("恢复缺口缩短 (天)", "TTR − TTS gap closed (days)"),
    "cost": ("成本 (万元)", "Cost (10k CNY)"), "gain_per_wan": ("每万元减损", "Gain per 10k CNY"),
    "budget": ("预算 (万元)", "Budget (10k CNY)"), "step": ("步骤", "Step"),
    "single_gain": ("单项减损", "Gain alone"), "marginal_gain": ("组合中的边际减损", "Marginal gain"),
    "loss_after": ("实施后损失", "Loss after"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def code_label(domain: str, code: Any, lang: str = "zh") -> str:
    """The label of ``code`` in ``domain`` (see :data:`CODES`); codes joined with ``;`` are
    translated one by one; an unknown code is returned as it is (a test keeps them known)."""
    if code is None:
        return ""
    if isinstance(code, (list, tuple)) or getattr(code, "ndim", 0) >= 1:
        sep = "、" if lang == "zh" else ", "  # a list of codes (a firm's tags)
        return sep.join(code_label(domain, part, lang) for part in list(code))
    text = str(code)
    table = CODES[domain]
    if text in table:
        return _pick(table[text], lang)
    if ";" in text:
        sep = "、" if lang == "zh" else ", "
        return sep.join(code_label(domain, part, lang) for part in text.split(";") if part)
    return text


def column_label(column: str, lang: str = "zh", *, unit: str | None = None) -> str:
    """The header of ``column``; health parts (``h_*``) through the ``health`` codes.

    Headers carry no money unit, since :func:`chainatlas._format.money` writes the unit with
    each value; a sheet of raw numbers passes ``unit`` (say ``"万元"``) to have it appended.
    """
    c = str(column)
    if unit:
        return f"{column_label(c, lang)} ({unit})"
    if c in COLUMNS:
        return _pick(COLUMNS[c], lang)
    if c.startswith("h_") and c[2:] in CODES["health"]:
        return _pick(CODES["health"][c[2:]], lang)
    return c


#: Column name → code domain, for translating a table's code columns wholesale.
CODE_COLUMNS: dict[str, str] = {
    "stage": "stage", "status": "status", "action": "action", "ownership": "ownership",
    "owner_kind": "owner_kind", "signal_kind": "signal_kind", "role": "role",
    "recovery": "recovery", "rationing": "rationing", "map_status": "status", "tags": "tag",
}


def translate_codes(rows: list[dict[str, Any]], lang: str = "zh",
                    columns: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """``rows`` with each code column (``columns``: name → domain, default
    :data:`CODE_COLUMNS`) replaced by its label."""
    domains = CODE_COLUMNS if columns is None else columns
    out = []
    for row in rows:
        new = dict(row)
        for col, dom in domains.items():
            if col in new and new[col] is not None:
                new[col] = code_label(dom, new[col], lang)
        out.append(new)
    return out
