"""Dashboard labels in Chinese and English."""

from __future__ import annotations

from chainatlas._codes import CODES
from chainatlas._codes import column_label as _column_label

__all__ = ["HEALTH_LABELS", "LABELS", "STATUS_COLORS", "STATUS_LABELS", "column_label",
           "label", "t"]

LABELS: dict[str, tuple[str, str]] = {
    "title": ("chainatlas 产业链分析", "chainatlas industrial chains"),
    "dataset": ("数据集", "Dataset"),
    "region": ("地区", "Region"),
    "overview": ("链长一屏", "Overview"),
    "chain": ("产业链图谱", "Chain map"),
    "leader": ("链长一屏", "Leadership view"),
    "stress": ("压力测试", "Stress test"),
    "risk": ("系统性风险", "Systemic risk"),
    "io": ("投入产出", "Input-output"),
    "cluster": ("集群与复杂度", "Clusters"),
    "evaluate": ("新质生产力评价", "Evaluation"),
    "match": ("成果匹配", "Matching"),
    "advise": ("补链强链建议", "Advice"),
    "decide": ("优先措施", "What to fix first"),
    "firms": ("企业", "Firms"),
    "segments": ("环节", "Segments"),
    "links": ("供应关系", "Supply links"),
    "health": ("产业链健康度", "Chain health"),
    "selected": ("已选环节", "Selected segment"),
    "click_hint": ("点击图中的环节，查看其企业、健康度、卡脖子与建议。",
                   "Click a segment to see its firms, health, chokepoints and advice."),
    "local_all": ("本地 / 全部企业", "Local / all firms"),
    "firms_all_label": ("企业数", "Firms"),
    "stage": ("链位", "Stage"), "status": ("状态", "Status"),
    "local_share_label": ("本地占比", "Local share"), "lq_label": ("区位熵", "Location quotient"),
    "health_parts": ("健康度分项", "Health parts"),
    "segment_chokepoints": ("本环节卡脖子风险", "Chokepoints in this segment"),
    "segment_advice": ("本环节建议", "Advice for this segment"),
    "pick_region_advice": ("选择地区后显示本环节的补链强链建议。",
                           "Pick a region to see advice for this segment."),
    "no_chokepoint": ("未发现卡脖子风险。", "No chokepoint found."),
    "no_advice": ("该地区对本环节暂无建议。", "No advice for this segment in this region."),
    "segment_firms": ("环节企业", "Firms of the segment"),
    "legend_chokepoint": ("⚠ 红框：卡脖子环节", "⚠ red border: chokepoint"),
    "legend_dashed": ("虚线框：本地缺失", "dashed border: missing locally"),
    "legend_edges_in": ("选中环节的投入", "inputs of the selected segment"),
    "legend_edges_out": ("选中环节供给的环节", "segments it feeds"),
    "candidates_label": ("候选企业", "Candidate firms"),
    "no_firms_stress": ("本数据集没有企业和供应关系，无法进行压力测试。",
                        "This dataset has no firms or supply links, so no stress test can run."),
    "target_kind": ("冲击对象", "What is hit"), "target": ("对象名称", "Target"),
    "search_name": ("输入名称搜索…", "Type a name to search…"),
    "capacity_loss": ("产能损失", "Capacity lost"), "start_day": ("开始 (第几天)", "Start day"),
    "duration_days": ("持续天数", "Duration (days)"), "recovery": ("恢复方式", "Recovery"),
    "recovery_days": ("恢复期 (天)", "Recovery (days)"),
    "horizon_days": ("模拟天数", "Horizon (days)"),
    "inventory_days": ("库存天数", "Inventory (days)"), "rationing": ("短缺分配", "Rationing"),
    "substitution": ("替代", "Substitution"), "substitution_on": ("允许替代供应商", "allow other suppliers"),
    "advanced_yaml": ("高级：情景 YAML", "Advanced: scenario YAML"),
    "yaml_hint": ("由上方选项生成；可直接修改后运行（键名见情景文件说明）。",
                  "Written from the choices above; edit it to run a scenario the form cannot "
                  "express (keys as in a scenario file)."),
    "pick_target": ("请先从列表中选择冲击对象。", "Pick what is hit from the list first."),
    "whole_chain": ("全链", "whole chain"),
    "total_loss": ("总产出损失", "Total output loss"),
    "recovery_days_result": ("恢复所需天数", "Days to recover"),
    "not_recovered": ("模拟期内未恢复", "not within the horizon"),
    "lowest_output": ("最低产出 (相对基准)", "Lowest output (to baseline)"),
    "va_loss": ("增加值损失", "Value-added loss"),
    "firms_below_half": ("产出过半受损企业", "Firms below half output"),
    "worst_firms": ("受影响最大的企业", "Worst-hit firms"),
    "worst_regions": ("受影响最大的地区", "Worst-hit regions"),
    "worst_segments": ("受影响最大的环节", "Worst-hit segments"),
    "progress_loading": ("加载数据", "loading data"),
    "progress_simulating": ("模拟中", "simulating"),
    "progress_summarising": ("汇总结果", "summarising"),
    "tts_button": ("计算生存时间 / 恢复时间", "Compute time to survive / recover"),
    "tts_name": ("生存时间 TTS", "Time to survive"), "ttr_name": ("恢复时间 TTR", "Time to recover"),
    "days_axis": ("天", "days"),
    "overview_no_chain": ("本数据集没有产业链环节和企业，只有产业集群指标；以下为集群概况。",
                          "This dataset has no chain segments or firms, only cluster indicators; "
                          "here is the cluster summary."),
    "clusters_count": ("产业集群", "Industry clusters"),
    "clusters_va": ("集群增加值", "Cluster value added"),
    "of_gdp": ("占地区生产总值 {share}", "{share} of GDP"),
    "clusters_above": ("万亿级集群", "Clusters above 1 trillion CNY"),
    "segments_present": ("本地具备 {present} / {total} 个环节", "{present} of {total} segments present"),
    "circle_share": ("{hours}圈产值占比", "Output within {hours}"),
    "circle_sub": ("以{site}为中心，覆盖 {covered}/{total} 个环节",
                   "around {site}, {covered}/{total} segments covered"),
    "segments_weak": ("弱环节 {weak} 个，缺失环节 {missing} 个", "{weak} weak, {missing} missing segments"),
    "top_chokepoints": ("前五个卡脖子风险", "Top five chokepoints"),
    "latest_warning": ("最新需求预警", "Latest demand warning"),
    "no_warning": ("暂无预警", "none"),
    "share_help_title": ("如何登录", "How to sign in"),
    "share_help_1": ("数据共享页按账户显示内容：企业账户看到本企业的订单与预测、共享协议和访问记录，"
                     "可授权或撤销向直接上下游伙伴共享；规划人员账户看到满足 k 匿名的汇总、逐级牛鞭效应和需求预警。",
                     "What this page shows depends on the account: a firm account sees its own "
                     "orders and forecasts, its sharing agreements and who read its data, and may "
                     "grant or revoke sharing with direct partners; a planner account sees "
                     "k-anonymous aggregates, bullwhip by tier and early warnings."),
    "share_help_2": ("令牌由管理员在服务器上用命令行签发，只显示一次（库中仅保存加盐哈希）。例如：",
                     "An administrator issues tokens on the server with the command line; each "
                     "is shown once (the store keeps only a salted hash). For example:"),
    "share_help_3": ("把收到的令牌（形如 账户名.密钥）粘贴到下方输入框并点击“登录”。令牌只保存在本浏览器标签页的内存中，"
                     "关闭页面即失效；遗失时请管理员停用旧账户并签发新令牌（chainatlas accounts disable）。",
                     "Paste the token you were given (account.secret) below and press Sign in. "
                     "It stays only in this browser tab's memory; if it is lost, ask the "
                     "administrator to disable the account and issue a new one "
                     "(chainatlas accounts disable)."),
    "relative_to_mean": ("相对均值", "÷ mean"),
    "rows_cut": ("显示前 {shown} 行（共 {total} 行）；按产值排序，可用筛选缩小范围。",
                 "Showing the first {shown} of {total} rows; filter to narrow the list."),
    "points_cut": ("地图显示产值最大的 {shown} 家企业（共 {total} 家）。",
                   "The map shows the {shown} largest of {total} firms."),
    "circle_area": ("{hours}可达地区", "Regions within {hours}"),
    "no_firms_map": ("本数据集没有企业数据，产业地图无从绘制。",
                     "This dataset has no firms, so there is nothing to map."),
    "all": ("全部", "All"),
    "chokepoints": ("卡脖子清单", "Chokepoints"),
    "run": ("运行", "Run"),
    "scenario": ("情景 (YAML/JSON)", "Scenario (YAML/JSON)"),
    "progress": ("进度", "Progress"),
    "output_ratio": ("产出 (相对基准, %)", "Output (% of baseline)"),
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
    "site": ("中心城市", "Centre"),
    "road": ("公路", "road"),
    "rail": ("高铁", "rail"),
    "circle_summary": ("{site} {hours}圈：全链产值的 {share} 在圈内，覆盖 {covered}/{total} 个环节",
                       "{site} {hours} circle: {share} of chain output within, "
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
    "q_key": ("关键部门", "key sectors"), "q_forward": ("前向推动型", "forward-led"),
    "q_backward": ("后向拉动型", "backward-led"), "q_weak": ("一般部门", "ordinary"),
    "unit_yi": ("亿元", "100 million CNY"), "io_source": ("投入产出表", "Input-output table"),
    "hours_label": ("时间圈", "Hours"), "hours_unit": ("小时", "h"),
    "no_firms_cluster": ("本数据集没有企业数据，无法计算时间圈与复杂度；可导入企业与环节后再试。",
                         "This dataset has no firms, so hour circles and complexity cannot be "
                         "computed; import firms and segments first."),
    "scorecard_head": ("{region} {year}年：{clusters} 个产业集群，增加值占地区生产总值 {share}，"
                       "{above} 个集群营业收入超过万亿元。",
                       "{region} {year}: {clusters} industry clusters, value added {share} of "
                       "GDP, {above} clusters with revenue above 1 trillion CNY."),
    "scorecard_chart": ("各产业集群增加值占地区生产总值比重 (%)", "Cluster value added, % of GDP"),
    "yes": ("是", "yes"), "no": ("否", "no"), "year": ("年份", "Year"),
    "coupling_d": ("耦合协调度 D", "Coupling coordination D"),
    "no_needs": ("本数据集没有技术需求，或需求尚无匹配成果。",
                 "This dataset has no technology needs, or none has a matching result yet."),
    "no_firms_advice": ("本数据集没有企业数据，无法给出补链强链建议。",
                        "This dataset has no firms, so no chain advice can be given."),
    "no_match": ("没有找到匹配的环节，请换一种描述。", "No matching segment; try other words."),
    "circle_chart": ("{hours}圈内产值比重，按环节 (%)", "Share of output within {hours}, by segment (%)"),
    "pci": ("产品复杂度", "Product complexity"),
    "error_lead": ("出错了：", "Something went wrong:"),
    "no_chain": ("本数据集没有产业链环节数据（例如只有产业集群指标面板），因此无法绘制产业链图谱。"
                 "可在“集群与复杂度”和“新质生产力评价”中查看。",
                 "This dataset has no chain segments (it holds, say, only a cluster indicator "
                 "panel), so no chain map can be drawn. See Clusters and Evaluation instead."),
}

STATUS_COLORS = {  # light enough for dark label text inside the node
    "strong": "#7cc68f",
    "weak": "#f4c95d",
    "missing_adjacent": "#ef8f8f",
    "missing": "#d9d9d9",
}

STATUS_LABELS = CODES["status"]
HEALTH_LABELS = CODES["health"]


def t(key: str, lang: str = "zh") -> str:
    """The label ``key`` in ``lang`` (``zh`` or ``en``)."""
    zh, en = LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def label(table: dict[str, tuple[str, str]], key: str, lang: str = "zh") -> str:
    """``key`` translated through ``table`` (``STATUS_LABELS``, ``HEALTH_LABELS``)."""
    zh, en = table.get(key, (key, key))
    return zh if lang == "zh" else en


def column_label(column: str, lang: str = "zh") -> str:
    """A grid header (the one translation table, :mod:`chainatlas._codes`)."""
    return _column_label(column, lang)
