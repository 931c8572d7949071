"""Guangdong's 20 strategic industry clusters (广东省“双十”战略性产业集群).

The list is the official one (粤府函〔2020〕82号: 10 strategic pillar clusters and 10 strategic
emerging clusters). The per-cluster figures are illustrative, sized to public reporting for 2023:
the 20 clusters' value added is about 40 % of Guangdong's GDP (13.57 trillion yuan), eight
clusters have a revenue (营业收入) above one trillion yuan, and the province has more than 75,000
high-tech enterprises (seed article; 广东省人民政府 2024 government work report).
"""

from __future__ import annotations

# id, name, name_en, kind ("pillar" | "emerging"), revenue 2023 (亿元, illustrative),
# value-added ratio (illustrative)
CLUSTERS = [
    ("ngei", "新一代电子信息", "New-generation electronic information", "pillar", 46800, 0.21),
    ("petrochem", "绿色石化", "Green petrochemicals", "pillar", 18200, 0.22),
    ("appliances", "智能家电", "Smart home appliances", "pillar", 17100, 0.24),
    ("auto", "汽车", "Automobiles", "pillar", 11200, 0.22),
    ("materials", "先进材料", "Advanced materials", "pillar", 22600, 0.23),
    ("light_textile", "现代轻工纺织", "Modern light industry & textiles", "pillar", 20300, 0.25),
    ("software", "软件与信息服务", "Software & information services", "pillar", 19500, 0.42),
    ("uhd_display", "超高清视频显示", "Ultra-HD video & display", "pillar", 6300, 0.22),
    ("biomed", "生物医药与健康", "Biomedicine & health", "pillar", 6900, 0.38),
    ("agri_food", "现代农业与食品", "Modern agriculture & food", "pillar", 18100, 0.33),
    ("semiconductors", "半导体与集成电路", "Semiconductors & integrated circuits", "emerging", 2600, 0.30),
    ("equipment", "高端装备制造", "High-end equipment", "emerging", 3400, 0.27),
    ("robots", "智能机器人", "Intelligent robots", "emerging", 1200, 0.28),
    ("blockchain_quantum", "区块链与量子信息", "Blockchain & quantum information", "emerging", 350, 0.40),
    ("frontier_materials", "前沿新材料", "Frontier new materials", "emerging", 1100, 0.26),
    ("new_energy", "新能源", "New energy", "emerging", 5800, 0.25),
    ("laser_am", "激光与增材制造", "Laser & additive manufacturing", "emerging", 750, 0.28),
    ("digital_creative", "数字创意", "Digital creativity", "emerging", 5200, 0.40),
    ("safety_env", "安全应急与环保", "Safety, emergency & environmental protection", "emerging", 2300, 0.30),
    ("instruments", "精密仪器设备", "Precision instruments", "emerging", 2100, 0.32),
]

#: Guangdong GDP (亿元): 广东省统计局, statistical communiqués 2021–2023.
GDP = {2021: 124369.67, 2022: 129118.58, 2023: 135673.16}
#: Share of GDP the 20 clusters' value added is scaled to (seed: "占地区生产总值比重达四成").
VA_SHARE_2023 = 0.40
#: High-tech enterprises in Guangdong, 2023 (seed: "高新技术企业超7.5万家"; the government
#: work report gives 7.5万家).
HITECH_FIRMS_2023 = 75000
