"""The yrd-nev demo through the chain analyses: the seed's places and roles come out right."""

from __future__ import annotations

import pandas as pd
import pytest

from chainatlas.datasets import load_demo
from chainatlas.services.chain import chain_map_of, chokepoints_of, demo_section, throughput_of


@pytest.fixture(scope="module")
def yrd():  # noqa: ANN201
    return load_demo("yrd-nev")


def _status(ds, **kw) -> dict[str, str]:  # noqa: ANN001
    seg = chain_map_of(ds, **kw).segments
    return dict(zip(seg["segment"], seg["status"], strict=True))


def test_four_places_roles(yrd) -> None:  # noqa: ANN001
    # Tongcheng: power batteries — cells and packs are strong there
    tc = _status(yrd, region="340881")
    assert tc["cells"] == "strong" and tc["pack"] == "strong"
    # ... and vehicle assembly is not there but consumes packs: a gap next to what exists
    assert tc["vehicle"] == "missing_adjacent"
    # Nanjing: assembly
    assert _status(yrd, region="320100")["vehicle"] == "strong"
    # Yongkang: in-vehicle software testing
    assert _status(yrd, region="330784")["software_testing"] == "strong"
    # Shanghai: design and software
    sh = _status(yrd, region="310000")
    assert sh["vehicle_design"] == "strong" and sh["os_software"] == "strong"


def test_domestic_view_flags_the_chip_gap(yrd) -> None:  # noqa: ANN001
    cm = chain_map_of(yrd)
    seg = cm.segments.set_index("segment")
    # SoC chips: key technology with no domestic maker, consumed by domestic domain controllers
    assert seg.loc["soc", "firms_local"] == 0 and seg.loc["soc", "status"] == "missing_adjacent"
    # EDA tools mostly foreign: present at home but weak
    assert seg.loc["eda_ip", "status"] == "weak" and seg.loc["eda_ip", "foreign_share"] > 0.5
    assert 0 < cm.health["health"].iloc[0] <= 100


def test_takt_is_checkable(yrd) -> None:  # noqa: ANN001
    tp = throughput_of(yrd)
    assert tp.segment == "vehicle"
    assert tp.units_per_day <= tp.segment_bound + 1e-6
    assert tp.takt_seconds == pytest.approx(86400 / tp.units_per_day)
    assert tp.takt_seconds < 10.0  # the seed: one vehicle every < 10 s


def test_chokepoints_name_the_soc_dependence(yrd) -> None:  # noqa: ANN001
    t = chokepoints_of(yrd).table
    soc = t[(t["kind"] == "segment") & (t["id"] == "soc")]
    assert soc["type"].tolist() == ["key_technology_no_domestic"]
    assert soc["share"].iloc[0] == pytest.approx(1.0)


def test_demo_section_tables(yrd) -> None:  # noqa: ANN001
    sections = demo_section(yrd)
    titles = [t for t, _ in sections]
    assert len(sections) == 4 and all(isinstance(f, pd.DataFrame) for _, f in sections)
    assert any("takt" in t for t in titles)
    assert len(sections[-1][1]) == 10
