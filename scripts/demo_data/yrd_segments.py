"""The yrd-nev chain: regions, segments (a product-structure tree) and the bill of materials.

Read by ``scripts/build_demo_data.py``. Coordinates are the city centres (WGS-84, rounded);
adcodes are the official ones (GB/T 2260).
"""

from __future__ import annotations

# code, name, name_en, level, parent, lon, lat, country
REGIONS = [
    ("310000", "上海市", "Shanghai", "province", None, 121.47, 31.23, "CHN"),
    ("320000", "江苏省", "Jiangsu", "province", None, 118.76, 32.06, "CHN"),
    ("330000", "浙江省", "Zhejiang", "province", None, 120.15, 30.27, "CHN"),
    ("340000", "安徽省", "Anhui", "province", None, 117.23, 31.82, "CHN"),
    ("350000", "福建省", "Fujian", "province", None, 119.30, 26.08, "CHN"),
    ("360000", "江西省", "Jiangxi", "province", None, 115.86, 28.68, "CHN"),
    ("440000", "广东省", "Guangdong", "province", None, 113.27, 23.13, "CHN"),
    ("320100", "南京市", "Nanjing", "city", "320000", 118.80, 32.06, "CHN"),
    ("320200", "无锡市", "Wuxi", "city", "320000", 120.31, 31.49, "CHN"),
    ("320400", "常州市", "Changzhou", "city", "320000", 119.97, 31.81, "CHN"),
    ("320500", "苏州市", "Suzhou", "city", "320000", 120.59, 31.30, "CHN"),
    ("330100", "杭州市", "Hangzhou", "city", "330000", 120.16, 30.27, "CHN"),
    ("330200", "宁波市", "Ningbo", "city", "330000", 121.55, 29.87, "CHN"),
    ("330400", "嘉兴市", "Jiaxing", "city", "330000", 120.76, 30.75, "CHN"),
    ("330700", "金华市", "Jinhua", "city", "330000", 119.65, 29.08, "CHN"),
    ("330784", "永康市", "Yongkang", "county", "330700", 120.05, 28.89, "CHN"),
    ("340100", "合肥市", "Hefei", "city", "340000", 117.23, 31.82, "CHN"),
    ("340200", "芜湖市", "Wuhu", "city", "340000", 118.43, 31.35, "CHN"),
    ("340800", "安庆市", "Anqing", "city", "340000", 117.06, 30.53, "CHN"),
    ("340881", "桐城市", "Tongcheng", "county", "340800", 116.97, 31.04, "CHN"),
    ("350900", "宁德市", "Ningde", "city", "350000", 119.55, 26.67, "CHN"),
    ("360900", "宜春市", "Yichun", "city", "360000", 114.42, 27.81, "CHN"),
    ("440300", "深圳市", "Shenzhen", "city", "440000", 114.06, 22.54, "CHN"),
    ("JPN", "日本", "Japan", "country", None, 139.69, 35.69, "JPN"),
    ("KOR", "韩国", "South Korea", "country", None, 126.98, 37.57, "KOR"),
    ("DEU", "德国", "Germany", "country", None, 13.40, 52.52, "DEU"),
    ("USA", "美国", "United States", "country", None, -77.04, 38.90, "USA"),
    ("NLD", "荷兰", "Netherlands", "country", None, 4.90, 52.37, "NLD"),
    ("AUS", "澳大利亚", "Australia", "country", None, 115.86, -31.95, "AUS"),
    ("CHL", "智利", "Chile", "country", None, -70.65, -33.45, "CHL"),
]

#: The four cities of the seed's "4-hour industrial circle" and the segments they are known for.
SEED_ROLES = {
    "310000": ("vehicle_design", "mcu", "image_sensor", "os_software", "ad_algorithms"),
    "340881": ("cells", "pack"),
    "320100": ("vehicle",),
    "330784": ("software_testing",),
}

# id, name, name_en, stage, parent, essential, key_technology, io_sector (GB/T 4754 division),
# unit of capacity
SEGMENTS = [
    ("lithium_ore", "锂矿", "Lithium ore (spodumene)", "upstream", "lithium_carbonate", True, False, "B09", "吨"),
    ("lithium_carbonate", "碳酸锂/氢氧化锂", "Lithium carbonate & hydroxide", "upstream", "cathode", True, False, "C26", "吨"),
    ("nickel_cobalt", "镍钴原料", "Nickel & cobalt intermediates", "upstream", "precursor", True, False, "C32", "吨"),
    ("battery_recycling", "动力电池回收利用", "Battery recycling", "downstream", "vehicle", False, False, "C42", "吨"),
    ("precursor", "三元前驱体", "Cathode precursor", "upstream", "cathode", True, False, "C26", "吨"),
    ("cathode", "正极材料", "Cathode materials", "upstream", "cells", True, False, "C26", "吨"),
    ("graphite", "石墨原料", "Graphite", "upstream", "anode", True, False, "C30", "吨"),
    ("anode", "负极材料", "Anode materials", "upstream", "cells", True, False, "C30", "吨"),
    ("electrolyte", "电解液", "Electrolyte", "upstream", "cells", True, False, "C26", "吨"),
    ("separator", "隔膜", "Separator film", "upstream", "cells", True, False, "C29", "平方米"),
    ("copper_foil", "锂电铜箔", "Copper foil", "upstream", "cells", True, False, "C32", "吨"),
    ("aluminium", "汽车铝材", "Automotive aluminium", "upstream", "body", True, False, "C32", "吨"),
    ("steel", "汽车钢板", "Automotive steel sheet", "upstream", "body", True, False, "C31", "吨"),
    ("rare_earth_magnet", "稀土永磁材料", "Rare-earth permanent magnets", "upstream", "motor", True, False, "C32", "吨"),
    ("silicon_wafer", "硅片与碳化硅衬底", "Silicon wafers & SiC substrates", "upstream", "soc", True, True, "C39", "片"),
    ("photoresist_gas", "光刻胶与电子特气", "Photoresists & electronic gases", "upstream", "soc", True, True, "C26", "千克"),
    ("chip_equipment", "半导体制造设备", "Semiconductor manufacturing equipment", "upstream", "soc", False, True, "C35", "台"),
    ("eda_ip", "EDA工具与IP核", "EDA tools & IP cores", "upstream", "soc", False, True, "I65", "套"),
    ("production_equipment", "锂电与整车生产装备", "Battery & vehicle production equipment", "upstream", "cells", False, False, "C35", "台"),
    ("cells", "动力电池电芯", "Battery cells", "midstream", "pack", True, False, "C38", "只"),
    ("bms", "电池管理系统", "Battery management system", "midstream", "pack", True, False, "C39", "套"),
    ("pack", "动力电池包", "Battery pack", "midstream", "vehicle", True, False, "C38", "套"),
    ("motor", "驱动电机", "Traction motor", "midstream", "edrive", True, False, "C38", "台"),
    ("power_semi", "IGBT/SiC功率器件", "IGBT & SiC power modules", "midstream", "inverter", True, True, "C39", "只"),
    ("inverter", "电机控制器", "Motor controller (inverter)", "midstream", "edrive", True, False, "C38", "台"),
    ("edrive", "电驱动总成", "E-drive assembly", "midstream", "vehicle", True, False, "C36", "套"),
    ("mcu", "车规级MCU芯片", "Automotive-grade MCU chips", "midstream", "ecu", True, True, "C39", "颗"),
    ("soc", "智能驾驶与座舱SoC芯片", "Autonomous-driving & cockpit SoC chips", "midstream", "domain_ctrl", True, True, "C39", "颗"),
    ("image_sensor", "CMOS图像传感器", "CMOS image sensors", "midstream", "camera", True, True, "C39", "颗"),
    ("lidar", "激光雷达", "Lidar", "midstream", "adas", True, True, "C39", "台"),
    ("camera", "车载摄像头", "Automotive cameras", "midstream", "adas", True, False, "C39", "个"),
    ("radar", "毫米波雷达", "Millimetre-wave radar", "midstream", "adas", True, False, "C39", "个"),
    ("ecu", "电子控制单元", "Electronic control units", "midstream", "vehicle", True, False, "C39", "个"),
    ("os_software", "车载操作系统与基础软件", "Vehicle OS & base software", "midstream", "domain_ctrl", True, True, "I65", "套"),
    ("ad_algorithms", "自动驾驶算法软件", "Autonomous-driving software", "midstream", "adas", True, False, "I65", "套"),
    ("domain_ctrl", "域控制器", "Domain controllers", "midstream", "vehicle", True, False, "C39", "套"),
    ("adas", "智能驾驶系统", "Driver-assistance & autonomous-driving system", "midstream", "vehicle", True, False, "C36", "套"),
    ("cockpit", "智能座舱", "Smart cockpit", "midstream", "vehicle", True, False, "C39", "套"),
    ("thermal", "热管理系统", "Thermal management system", "midstream", "vehicle", True, False, "C36", "套"),
    ("body", "车身与底盘结构件", "Body-in-white & chassis parts", "midstream", "vehicle", True, False, "C36", "套"),
    ("tyres", "轮胎", "Tyres", "midstream", "vehicle", True, False, "C29", "条"),
    ("brakes_steer", "线控制动与转向", "Brake-by-wire & steering", "midstream", "vehicle", True, False, "C36", "套"),
    ("onboard_charger", "车载充电机与DC-DC", "On-board charger & DC/DC", "midstream", "vehicle", True, False, "C38", "台"),
    ("vehicle_design", "整车设计研发", "Vehicle design & engineering", "midstream", "vehicle", False, False, "M74", "车型·辆"),
    ("software_testing", "车载软件测试验证", "In-vehicle software testing", "midstream", "vehicle", True, False, "M74", "车次"),
    ("vehicle", "整车制造", "Vehicle assembly", "downstream", None, True, False, "C36", "辆"),
    ("charging", "充电桩与换电设施", "Charging & battery-swapping equipment", "downstream", "vehicle", False, False, "C38", "台"),
    ("sales_service", "销售与售后服务", "Sales & after-sales service", "downstream", "vehicle", False, False, "F51", "辆"),
]

# consumer segment, input segment, quantity (input units per output unit), share of unit cost
BOM = [
    ("vehicle", "pack", 1, 0.35), ("vehicle", "edrive", 1, 0.08), ("vehicle", "domain_ctrl", 1, 0.04),
    ("vehicle", "adas", 1, 0.06), ("vehicle", "cockpit", 1, 0.04), ("vehicle", "ecu", 30, 0.05),
    ("vehicle", "thermal", 1, 0.03), ("vehicle", "body", 1, 0.12), ("vehicle", "tyres", 4, 0.02),
    ("vehicle", "brakes_steer", 1, 0.03), ("vehicle", "onboard_charger", 1, 0.02),
    ("vehicle", "vehicle_design", 1, 0.03), ("vehicle", "software_testing", 1, 0.01),
    ("vehicle", "production_equipment", 2e-6, 0.01),
    ("pack", "cells", 100, 0.75), ("pack", "bms", 1, 0.05), ("pack", "aluminium", 0.03, 0.03),
    ("pack", "production_equipment", 1e-6, 0.01),
    ("cells", "cathode", 0.0015, 0.40), ("cells", "anode", 0.0008, 0.10),
    ("cells", "electrolyte", 0.0006, 0.06), ("cells", "separator", 8, 0.04),
    ("cells", "copper_foil", 0.0004, 0.05), ("cells", "production_equipment", 2e-8, 0.02),
    ("cathode", "lithium_carbonate", 0.45, 0.55), ("cathode", "precursor", 0.6, 0.30),
    ("precursor", "nickel_cobalt", 1.1, 0.65), ("precursor", "battery_recycling", 0.2, 0.10),
    ("lithium_carbonate", "lithium_ore", 8, 0.60),
    ("anode", "graphite", 1.1, 0.50), ("electrolyte", "lithium_carbonate", 0.12, 0.30),
    ("bms", "mcu", 2, 0.25),
    ("motor", "rare_earth_magnet", 0.002, 0.25), ("motor", "steel", 0.05, 0.10),
    ("inverter", "power_semi", 1, 0.40), ("inverter", "mcu", 1, 0.05),
    ("edrive", "motor", 1, 0.40), ("edrive", "inverter", 1, 0.30),
    ("power_semi", "silicon_wafer", 0.1, 0.20), ("power_semi", "chip_equipment", 1e-6, 0.05),
    ("power_semi", "photoresist_gas", 0.002, 0.03), ("power_semi", "eda_ip", 1e-5, 0.01),
    ("mcu", "silicon_wafer", 0.002, 0.15), ("mcu", "chip_equipment", 1e-7, 0.05),
    ("mcu", "photoresist_gas", 0.0002, 0.03), ("mcu", "eda_ip", 1e-5, 0.03),
    ("soc", "silicon_wafer", 0.01, 0.10), ("soc", "chip_equipment", 1e-7, 0.05),
    ("soc", "photoresist_gas", 0.001, 0.03), ("soc", "eda_ip", 1e-5, 0.05),
    ("image_sensor", "silicon_wafer", 0.005, 0.15), ("image_sensor", "photoresist_gas", 0.0005, 0.03),
    ("image_sensor", "chip_equipment", 1e-7, 0.05),
    ("lidar", "image_sensor", 1, 0.15), ("lidar", "mcu", 1, 0.05),
    ("camera", "image_sensor", 1, 0.40), ("radar", "mcu", 1, 0.30), ("ecu", "mcu", 1, 0.40),
    ("domain_ctrl", "soc", 1, 0.45), ("domain_ctrl", "os_software", 1, 0.15), ("domain_ctrl", "mcu", 2, 0.05),
    ("adas", "lidar", 0.3, 0.35), ("adas", "camera", 8, 0.25), ("adas", "radar", 5, 0.10),
    ("adas", "ad_algorithms", 1, 0.20),
    ("cockpit", "os_software", 1, 0.20), ("cockpit", "mcu", 2, 0.10), ("cockpit", "camera", 1, 0.05),
    ("thermal", "aluminium", 0.01, 0.20), ("thermal", "mcu", 1, 0.05),
    ("body", "steel", 0.6, 0.40), ("body", "aluminium", 0.15, 0.30),
    ("brakes_steer", "mcu", 2, 0.10), ("brakes_steer", "steel", 0.02, 0.10),
    ("onboard_charger", "power_semi", 1, 0.30), ("onboard_charger", "mcu", 1, 0.05),
    ("charging", "power_semi", 4, 0.40), ("charging", "mcu", 2, 0.05),
    ("sales_service", "vehicle", 1, 0.85),
]

#: Vehicles per day the capacities are scaled to (before the per-segment headroom below):
#: 13,200/day is a takt of 6.5 s, against the seed's "one vehicle every < 10 s" (8,640/day).
VEHICLES_PER_DAY = 13_200
#: Capacity headroom per segment relative to what VEHICLES_PER_DAY needs (default 1.5).
#: ``soc`` is the deliberate binding segment: 0.68 × 13,200 ≈ 9,000 SoCs/day, so the chain
#: tops out near 9,000 vehicles/day (takt ≈ 9.6 s), still inside the seed's "< 10 s".
HEADROOM = {"soc": 0.68, "lidar": 1.1, "power_semi": 1.15, "cells": 1.25, "vehicle": 1.0,
            "sales_service": 1.1, "charging": 1.0, "battery_recycling": 1.0}
#: Reference price of the vehicle (CNY); input prices follow from the BOM cost shares.
VEHICLE_PRICE = 180_000.0
