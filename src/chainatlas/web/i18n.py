"""Dashboard labels in Chinese and English."""

from __future__ import annotations

__all__ = ["HEALTH_LABELS", "LABELS", "STATUS_COLORS", "STATUS_LABELS", "label", "t"]

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
    "coupling": ("耦合协调", "Coupling coordination"),
    "recommendations": ("建议清单", "Recommendations"),
    "none": ("无", "none"),
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
