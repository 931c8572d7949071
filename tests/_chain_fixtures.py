"""Tiny hand-checkable chains shared by the network and chain tests."""

from __future__ import annotations

import pandas as pd

from chainatlas.model.dataset import Dataset


def toy_nev() -> Dataset:
    """Cells (2 firms, Tongcheng) → pack (1 firm, Hefei) → cars (2 firms, Nanjing); chips
    (key technology, 1 foreign firm) → cars.  Bill of materials: a car needs 1 pack and 2 chips,
    a pack needs 4 cells.

    Capacities (units/day): C1 300, C2 100 cells; P1 90 packs; A1 50, A2 60 cars; X1 150 chips.
    """
    regions = pd.DataFrame({
        "code": ["340881", "340100", "320100", "USA"],
        "name": ["桐城市", "合肥市", "南京市", "美国"],
        "level": ["city", "city", "city", "country"],
        "lon": [116.97, 117.23, 118.80, None], "lat": [31.04, 31.82, 32.06, None],
        "country": ["CHN", "CHN", "CHN", "USA"],
    })
    segments = pd.DataFrame({
        "id": ["cell", "pack", "chip", "car"],
        "chain": ["nev"] * 4,
        "name": ["电芯", "电池包", "芯片", "整车"],
        "name_en": ["Cells", "Packs", "Chips", "Vehicles"],
        "stage": ["upstream", "midstream", "upstream", "downstream"],
        "essential": [True, True, True, True],
        "key_technology": [False, False, True, False],
    })
    segment_inputs = pd.DataFrame({
        "segment": ["pack", "car", "car"],
        "input_segment": ["cell", "pack", "chip"],
        "quantity": [4.0, 1.0, 2.0],
    })
    firms = pd.DataFrame({
        "id": ["C1", "C2", "P1", "A1", "A2", "X1"],
        "name": ["电芯一", "电芯二", "电池包一", "整车一", "整车二", "芯片美"],
        "region": ["340881", "340881", "340100", "320100", "320100", "USA"],
        "country": ["CHN", "CHN", "CHN", "CHN", "CHN", "USA"],
        "ownership": ["domestic", "domestic", "domestic", "domestic", "domestic", "foreign"],
        "tags": [[], [], ["专精特新"], ["链主"], [], []],
    })
    firm_segments = pd.DataFrame({
        "firm": ["C1", "C2", "P1", "A1", "A2", "X1"],
        "segment": ["cell", "cell", "pack", "car", "car", "chip"],
        "capacity": [300.0, 100.0, 90.0, 50.0, 60.0, 150.0],
        "output_value": [3000.0, 1000.0, 900.0, 5000.0, 6000.0, 1500.0],
    })
    supply_links = pd.DataFrame({
        "supplier": ["C1", "C2", "P1", "P1", "X1", "X1"],
        "customer": ["P1", "P1", "A1", "A2", "A1", "A2"],
        "segment": ["cell", "cell", "pack", "pack", "chip", "chip"],
        "value": [100.0] * 6,
        "lead_time_days": [2.0, 2.0, 1.0, 1.0, 30.0, 30.0],
    })
    chains = pd.DataFrame({"id": ["nev"], "name": ["新能源汽车"], "name_en": ["NEV"]})
    return Dataset("toy", {"regions": regions, "chains": chains, "segments": segments,
                           "segment_inputs": segment_inputs, "firms": firms,
                           "firm_segments": firm_segments, "supply_links": supply_links})
