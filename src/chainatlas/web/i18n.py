"""Dashboard labels in Chinese and English."""

from __future__ import annotations

__all__ = ["COLUMNS_ZH", "HEALTH_LABELS", "LABELS", "STATUS_COLORS", "STATUS_LABELS", "column_label",
           "label", "t"]

LABELS: dict[str, tuple[str, str]] = {
    "title": ("chainatlas 产业链分析", "chainatlas industrial chains"),
    "dataset": ("数据集", "Dataset"),
    "region": ("地区", "Region"),
    "overview": ("概览", "Overview"),
    "chain": ("产业链图谱", "Chain map"),
    "stress": ("压力测试", "Stress test"),
    "io": ("投入产出", "Input-output"),
    "cluster": ("集群与复杂度", "Clusters"),
    "evaluate": ("新质生产力评价", "Evaluation"),
    "match": ("成果匹配", "Matching"),
    "advise": ("补链强链建议", "Advice"),
    "firms": ("企业", "Firms"),
    "segments": ("环节", "Segments"),
    "links": ("供应关系", "Supply links"),
    "health": ("产业链健康度", "Chain health"),
    "selected": ("已选环节", "Selected segment"),
    "all": ("全部", "All"),
    "chokepoints": ("卡脖子清单", "Chokepoints"),
    "run": ("运行", "Run"),
    "scenario": ("情景 (YAML/JSON)", "Scenario (YAML/JSON)"),
    "progress": ("进度", "Progress"),
    "output_ratio": ("产出比 (相对基准)", "Output ratio (to baseline)"),
    "day": ("天", "Day"),
    "worst": ("受影响最大", "Worst hit"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "search": ("检索", "Search"),
    "query": ("输入技术描述…", "Describe a technology…"),
    "multipliers": ("产出乘数与关联", "Multipliers and linkages"),
    "circle": ("4小时产业圈", "4-hour circle"),
    "ranking": ("排名", "Ranking"),
    "radar": ("分维度得分", "Scores by dimension"),
    "obstacles": ("主要障碍因子（最近一年）", "Main obstacle factors (latest year)"),
    "coupling": ("耦合协调", "Coupling coordination"),
    "recommendations": ("建议清单", "Recommendations"),
    "none": ("无", "none"),
    "sharing": ("数据共享", "Data sharing"),
    "account_token": ("账户令牌", "Account token"),
    "sign_in": ("登录", "Sign in"),
    "grant": ("授权共享", "Grant"),
    "revoke": ("撤销授权", "Revoke"),
    "partner_firm": ("合作企业编号", "Partner firm id"),
    "own_signals": ("本企业订单与预测", "Own orders and forecasts"),
    "agreements": ("共享协议", "Sharing agreements"),
    "audit": ("访问记录（谁读取了本企业数据）", "Audit log (who read our data)"),
    "orders_heatmap": ("各环节订单（相对均值；灰色为k匿名抑制）",
                       "Orders by segment (÷ mean; grey = suppressed, k-anonymity)"),
    "bullwhip": ("逐级牛鞭效应（方差放大倍数）", "Bullwhip by tier (variance amplification)"),
    "warnings": ("需求变化预警", "Early warnings"),
    "map": ("产业地图", "Map"),
    "provinces": ("全国 (省)", "China (provinces)"),
    "yrd_cities": ("长三角 (地级市)", "Yangtze River Delta (cities)"),
    "measure": ("着色指标", "Shade by"),
    "firm_points": ("显示企业", "Show firms"),
    "site": ("中心地点", "Site"),
    "road": ("公路", "road"),
    "rail": ("高铁", "rail"),
    "circle_summary": ("{site} {hours}小时圈: 全链产值的 {share:.1f}% 在圈内, 覆盖 {covered}/{total} 个环节",
                       "{site} {hours}-hour circle: {share:.1f}% of chain output within, "
                       "{covered}/{total} segments covered"),
    "map_attribution": ("边界数据: Apache ECharts 4.9.0 (Apache-2.0), 经简化; 企业点位于所在地区中心附近.",
                        "Boundaries: Apache ECharts 4.9.0 (Apache-2.0), simplified; firms are "
                        "drawn around their region's centre."),
    "segment_table": ("环节状态表", "Segment status"),
    "key_sectors": ("关键部门: 后向关联 (影响力系数) × 前向关联 (感应度系数)",
                    "Key sectors: backward (power of dispersion) × forward (sensitivity) linkage"),
    "backward": ("后向关联", "backward linkage"),
    "forward": ("前向关联", "forward linkage"),
    "io_table": ("乘数与关联表", "Multipliers and linkages table"),
    "feasibility": ("可行性: 密度 × 产品复杂度", "Feasibility: density × PCI"),
    "density": ("密度", "density"),
    "needs_results": ("技术需求 → 科技成果", "Technology needs → research results"),
    "tts_ttr": ("生存时间 vs 恢复时间", "Time to survive vs time to recover"),
    "summary": ("摘要", "Summary"),
}

#: grid column headers in Chinese (English shows the field name, as the CLI and exports do)
COLUMNS_ZH: dict[str, str] = {
    "firm": "企业代码", "name": "名称", "segment": "环节", "segment_name": "环节名称",
    "region": "地区代码", "region_name": "地区", "code": "代码", "ownership": "所有制",
    "tags": "标签", "capacity": "产能 (单位/天)", "output_value": "产值 (万元/年)",
    "output": "产值 (万元/年)", "share": "比重 (%)", "segments": "环节数", "firms": "企业数",
    "rank": "排名", "type": "类型", "reason_zh": "原因", "reason_en": "原因 (英文)",
    "action": "建议", "score": "得分", "reasons": "理由", "candidates": "候选企业",
    "stage": "链位", "status": "状态", "firms_local": "本地企业数", "hours": "小时",
    "year": "年份", "sector": "部门", "output_multiplier": "产出乘数",
    "backward_linkage": "后向关联", "forward_linkage": "前向关联", "key_sector": "关键部门",
    "share_within": "圈内比重", "value_total": "总值", "value_within": "圈内值",
    "local_share": "本地占比", "lq": "区位熵", "top_region": "最大产地",
    "firms_within": "圈内企业数", "nearest_region": "最近地区", "nearest_hours": "最近小时",
    "need": "需求", "asset": "成果", "title": "标题", "owner": "权属单位", "item": "条目",
}

STATUS_COLORS = {
    "strong": "#3a9d5d",
    "weak": "#e0a624",
    "missing_adjacent": "#c23b3b",
    "missing": "#b8b8b8",
}

STATUS_LABELS = {
    "strong": ("强", "strong"),
    "weak": ("弱", "weak"),
    "missing_adjacent": ("缺失·相邻(补链/延链)", "missing, adjacent"),
    "missing": ("缺失", "missing"),
}

HEALTH_LABELS = {
    "completeness": ("完整度", "completeness"),
    "self_sufficiency": ("自给率", "self-sufficiency"),
    "concentration": ("分散度", "diversification"),
    "innovation": ("创新", "innovation"),
    "anchors": ("链主", "anchor firms"),
}


def t(key: str, lang: str = "zh") -> str:
    """The label ``key`` in ``lang`` (``zh`` or ``en``)."""
    zh, en = LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def label(table: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """``key`` translated through ``table`` (``STATUS_LABELS``, ``HEALTH_LABELS``)."""
    zh, en = table.get(key, (key, key))
    return zh if lang == "zh" else en


def column_label(column: str, lang: str = "zh") -> str:
    """A grid header: the Chinese name of a known column in ``zh``, else the field name."""
    return COLUMNS_ZH.get(column, column) if lang == "zh" else column
