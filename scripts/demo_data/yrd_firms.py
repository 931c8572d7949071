"""Where the illustrative yrd-nev firms sit, segment by segment.

Every firm is invented; names carry the prefix ``示例·``. The placement follows the regional roles
that public reporting describes (the seed article for Shanghai, Tongcheng, Nanjing, Yongkang; for
the rest the broad, well-known specialisations of each city), and builds in three weaknesses on
purpose:

1. ``soc`` (智能驾驶与座舱SoC芯片) has one supplier, abroad (USA), and is the binding segment;
2. ``lidar`` (激光雷达) is made in one city only (Shanghai);
3. Nanjing's anchor vehicle makers consume ``pack``, ``domain_ctrl`` and ``thermal``, none of
   which is made in Nanjing.

Firm ids ``F001…`` are numbered in the order below, and hand-made evaluation sets refer to them:
add firms only at the very end (after the last segment) so existing ids do not move.
"""

from __future__ import annotations

# segment -> list of region codes, one firm per entry (weights give relative size)
PLACEMENT: dict[str, list[tuple[str, float]]] = {
    "lithium_ore": [("AUS", 3), ("AUS", 2), ("CHL", 2), ("360900", 1)],
    "lithium_carbonate": [("360900", 3), ("360900", 1.5), ("320400", 1), ("CHL", 2)],
    "nickel_cobalt": [("330400", 3), ("330400", 1), ("350900", 1.5)],
    "battery_recycling": [("340881", 1), ("320400", 1), ("330400", 1.5)],
    "precursor": [("330400", 2), ("340200", 1), ("350900", 1.5)],
    "cathode": [("340100", 2), ("340100", 1), ("320400", 1.5), ("330200", 2.5), ("340881", 1)],
    "graphite": [("340800", 1), ("320400", 1), ("360900", 1.5)],
    "anode": [("310000", 2), ("330200", 1.5), ("320400", 1)],
    "electrolyte": [("320500", 2), ("320500", 1), ("320400", 1.5)],
    "separator": [("320500", 1.5), ("340100", 1), ("320400", 1.2)],
    "copper_foil": [("320200", 1.5), ("330200", 1), ("340881", 0.6)],
    "aluminium": [("320200", 1.2), ("330100", 1), ("340200", 1.5)],
    "steel": [("310000", 3), ("320500", 1.5), ("340200", 1)],
    "rare_earth_magnet": [("330200", 2), ("330200", 1), ("JPN", 1)],
    "silicon_wafer": [("310000", 1.5), ("320200", 1), ("JPN", 2), ("DEU", 1), ("USA", 1)],
    "photoresist_gas": [("JPN", 2), ("JPN", 1.5), ("USA", 1), ("310000", 1), ("320500", 0.8)],
    "chip_equipment": [("NLD", 3), ("JPN", 2), ("USA", 2), ("USA", 1.5), ("310000", 1)],
    "eda_ip": [("USA", 3), ("USA", 2), ("320100", 0.5)],
    "production_equipment": [("320200", 3), ("320200", 1), ("440300", 1.5), ("DEU", 1), ("JPN", 1)],
    "cells": [("340881", 3), ("340881", 2), ("340100", 2.5), ("340100", 1.5), ("320400", 3),
              ("320400", 1), ("350900", 4), ("350900", 1.5), ("320500", 1), ("KOR", 1.5)],
    "bms": [("310000", 1.5), ("340881", 1), ("330100", 1), ("340100", 1)],
    "pack": [("340881", 3), ("340881", 2), ("340100", 2), ("320400", 1.5), ("350900", 2),
             ("330200", 1)],
    "motor": [("320500", 1.5), ("330200", 1), ("340200", 1.2), ("320400", 1)],
    "power_semi": [("320200", 2), ("320200", 1), ("330400", 2), ("310000", 1.5), ("DEU", 2),
                   ("JPN", 1)],
    "inverter": [("310000", 1.5), ("320500", 1), ("340100", 1.2)],
    "edrive": [("310000", 1.5), ("320100", 1), ("340200", 1.2), ("330200", 1)],
    "mcu": [("310000", 1.5), ("310000", 1), ("320500", 1), ("DEU", 2), ("NLD", 2), ("JPN", 1.5),
            ("USA", 1)],
    "soc": [("USA", 1)],
    "image_sensor": [("310000", 2.5), ("310000", 1), ("JPN", 2), ("KOR", 1)],
    "lidar": [("310000", 2), ("310000", 1.5), ("310000", 1)],
    "camera": [("330200", 2.5), ("330100", 1), ("440300", 1.5)],
    "radar": [("310000", 1), ("330100", 1), ("DEU", 2), ("320100", 1)],
    "ecu": [("310000", 1.5), ("320500", 1), ("330100", 1), ("DEU", 2), ("340100", 1)],
    "os_software": [("310000", 2), ("310000", 1), ("310000", 1), ("330100", 1), ("320100", 1)],
    "ad_algorithms": [("310000", 2), ("310000", 1), ("320100", 1), ("330100", 1), ("440300", 1.5)],
    "domain_ctrl": [("310000", 2), ("310000", 1), ("330100", 1), ("440300", 1.5)],
    "adas": [("310000", 2), ("310000", 1), ("440300", 1.5), ("330100", 1)],
    "cockpit": [("310000", 1.5), ("330100", 1), ("440300", 1.5), ("320500", 1)],
    "thermal": [("330200", 1), ("330100", 2), ("330100", 1), ("340200", 1)],
    "body": [("320100", 1), ("340100", 1.5), ("340100", 1), ("310000", 1.5), ("330200", 2),
             ("330200", 1), ("320400", 1)],
    "tyres": [("340100", 1.5), ("330100", 1), ("320200", 1)],
    "brakes_steer": [("310000", 1.5), ("330200", 1), ("340200", 1), ("DEU", 1.5)],
    "onboard_charger": [("440300", 1.5), ("310000", 1), ("320500", 1)],
    "vehicle_design": [("310000", 3), ("310000", 1.5), ("310000", 1), ("320100", 1)],
    "software_testing": [("330784", 2), ("330784", 1.5), ("330784", 1), ("310000", 1),
                         ("320100", 0.8)],
    "vehicle": [("310000", 3000), ("310000", 1000), ("320100", 1500), ("320100", 800),
                ("340100", 2000), ("340100", 1200), ("340100", 600), ("330200", 1200),
                ("330100", 600), ("320400", 800), ("340200", 1500)],
    "charging": [("310000", 1), ("330100", 1), ("440300", 1.5), ("320100", 1)],
    "sales_service": [("310000", 2), ("320100", 1), ("340100", 1.5), ("330100", 1),
                      ("320500", 1)],
}

#: Firms that also make a second segment (firm index within PLACEMENT[segment], other segment).
SECOND_SEGMENT = [
    ("cells", 0, "pack"),      # Tongcheng cell maker packs its own cells
    ("cells", 6, "pack"),      # Ningde cell maker too
    ("vehicle", 0, "vehicle_design"),
    ("vehicle", 4, "vehicle_design"),
    ("vehicle", 2, "sales_service"),
]

#: Short place names for invented firm names.
PLACE = {
    "310000": "上海", "320100": "南京", "320200": "无锡", "320400": "常州", "320500": "苏州",
    "330100": "杭州", "330200": "宁波", "330400": "嘉兴", "330784": "永康", "340100": "合肥",
    "340200": "芜湖", "340800": "安庆", "340881": "桐城", "350900": "宁德", "360900": "宜春",
    "440300": "深圳", "JPN": "日本", "KOR": "韩国", "DEU": "德国", "USA": "美国", "NLD": "荷兰",
    "AUS": "澳大利亚", "CHL": "智利",
}

#: Word used in invented names per segment.
WORD = {
    "lithium_ore": "锂矿", "lithium_carbonate": "锂业", "nickel_cobalt": "镍钴", "battery_recycling": "循环科技",
    "precursor": "前驱体材料", "cathode": "正极材料", "graphite": "石墨", "anode": "负极材料",
    "electrolyte": "电解液", "separator": "隔膜科技", "copper_foil": "铜箔", "aluminium": "铝业",
    "steel": "汽车钢板", "rare_earth_magnet": "磁材", "silicon_wafer": "半导体材料",
    "photoresist_gas": "电子化学品", "chip_equipment": "半导体设备", "eda_ip": "芯片设计软件",
    "production_equipment": "智能装备", "cells": "动力电池", "bms": "电池管理", "pack": "电池系统",
    "motor": "电机", "power_semi": "功率半导体", "inverter": "电控", "edrive": "电驱动",
    "mcu": "微电子", "soc": "智驾芯片", "image_sensor": "图像传感", "lidar": "激光雷达",
    "camera": "光学", "radar": "雷达", "ecu": "汽车电子", "os_software": "车载软件",
    "ad_algorithms": "智驾科技", "domain_ctrl": "域控科技", "adas": "智能驾驶", "cockpit": "智能座舱",
    "thermal": "热管理", "body": "汽车部件", "tyres": "轮胎", "brakes_steer": "底盘科技",
    "onboard_charger": "电源科技", "vehicle_design": "汽车设计", "software_testing": "软件测评",
    "vehicle": "新能源汽车", "charging": "充电科技", "sales_service": "汽车销售服务",
}
