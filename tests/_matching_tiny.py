"""A tiny hand-made dataset for the matching tests (a battery chain with five segments)."""

from __future__ import annotations

import pandas as pd

from chainatlas.model.dataset import Dataset


def tiny_dataset() -> Dataset:
    """Five segments, four assets, three needs, four firms — small enough to check by hand."""
    regions = pd.DataFrame({
        "code": ["310000", "340881", "320100", "340100"],
        "name": ["上海市", "桐城市", "南京市", "合肥市"],
        "lon": [121.47, 116.95, 118.80, 117.23], "lat": [31.23, 31.04, 32.06, 31.82],
    })
    chains = pd.DataFrame({"id": ["nev"], "name": ["新能源汽车"], "name_en": ["New-energy vehicles"]})
    segments = pd.DataFrame({
        "id": ["battery", "separator", "cathode", "chip", "software"],
        "chain": ["nev"] * 5,
        "name": ["动力电池", "隔膜", "正极材料", "车规级芯片", "车载软件"],
        "name_en": ["Power battery", "Separator", "Cathode material", "Automotive chip",
                    "In-vehicle software"],
        "stage": ["midstream", "upstream", "upstream", "upstream", "midstream"],
        "parent": [None, "battery", "battery", None, None],
    })
    firms = pd.DataFrame({
        "id": ["F1", "F2", "F3", "F4"],
        "name": ["桐城隔膜科技", "合肥正极材料", "上海芯片设计", "南京整车"],
        "region": ["340881", "340100", "310000", "320100"],
        "tags": [["专精特新"], ["高新"], ["高新"], ["链主"]],
    })
    firm_segments = pd.DataFrame({
        "firm": ["F1", "F2", "F3", "F4"],
        "segment": ["separator", "cathode", "chip", "software"],
        "output_value": [50000.0, 80000.0, 30000.0, 900000.0],
    })
    assets = pd.DataFrame({
        "id": ["A1", "A2", "A3", "A4"],
        "kind": ["patent", "patent", "paper", "lab"],
        "title": ["一种陶瓷涂覆隔膜及其制备方法", "高镍正极材料的包覆改性方法",
                  "车规级芯片功能安全设计", "城市园林绿化养护技术"],
        "text": ["本发明公开了一种耐高温的陶瓷涂覆隔膜，提高锂离子电池的安全性。",
                 "通过氧化铝包覆提升高镍正极材料的循环寿命。",
                 "面向汽车电子的芯片功能安全与可靠性设计方法。",
                 "研究城市绿地的植物养护与灌溉。"],
        "owner": ["中国科学技术大学", "合肥工业大学", "复旦大学", "某林业研究所"],
        "owner_kind": ["university", "university", "university", "institute"],
        "region": ["340100", "340100", "310000", "320100"],
    })
    needs = pd.DataFrame({
        "id": ["N1", "N2", "N3"],
        "firm": ["F1", "F2", "F3"],
        "title": ["隔膜耐热涂覆工艺", "正极材料循环寿命提升", "芯片功能安全认证"],
        "text": ["希望提升隔膜的耐高温性能，寻求陶瓷涂覆技术。",
                 "寻求高镍正极包覆改性技术。",
                 "需要车规级芯片功能安全设计支持。"],
        "segment": ["separator", "cathode", "chip"],
    })
    return Dataset("tiny", {"regions": regions, "chains": chains, "segments": segments,
                            "firms": firms, "firm_segments": firm_segments,
                            "innovation_assets": assets, "tech_needs": needs})
