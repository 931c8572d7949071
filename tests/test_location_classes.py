"""Location classes in chain maps and advice: 港澳台 apart, unknown never local or domestic."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chainatlas.exceptions import InputError
from chainatlas.services import chain as chain_svc
from chainatlas.services import datasets as svc


def _frames(regions: dict[str, str]) -> dict[str, pd.DataFrame]:
    firms = list(regions)
    return {
        "regions": pd.DataFrame({"code": ["000000"], "name": ["未知地区"], "level": ["other"]}),
        "chains": pd.DataFrame({"id": ["c"], "name": ["链"]}),
        "segments": pd.DataFrame({"id": ["up", "down"], "chain": ["c", "c"],
                                  "name": ["上游", "下游"], "stage": ["upstream", "downstream"]}),
        "firms": pd.DataFrame({"id": firms, "name": firms, "region": list(regions.values())}),
        "firm_segments": pd.DataFrame({"firm": firms,
                                       "segment": ["up"] * (len(firms) - 1) + ["down"],
                                       "capacity": [10.0] * len(firms)}),
        "supply_links": pd.DataFrame({"supplier": firms[:-1], "customer": [firms[-1]] *
                                      (len(firms) - 1), "segment": ["up"] * (len(firms) - 1)}),
    }


def test_anonymised_chain_is_not_strong(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    svc.import_frames(db, "anon", _frames({"A": "000000", "B": "000000", "C": "000000"}))
    res = chain_svc.map_chain(db, "anon")
    seg = res.segments.set_index("segment")
    assert res.area["firms_local"] == 0
    assert (seg["firms_local"] == 0).all() and (seg["firms_domestic"] == 0).all()
    assert not (seg["status"] == "strong").any()
    assert seg["unknown_share"].tolist() == [1.0, 1.0]
    assert seg["foreign_share"].tolist() == [0.0, 0.0]


def test_hmt_is_shown_apart_and_the_option_says_how_it_counts(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    svc.import_frames(db, "d", _frames({"TW": "Taipei, Taiwan", "JS": "320100",
                                        "JP": "JPN", "NJ": "320100"}))
    seg = chain_svc.map_chain(db, "d").segments.set_index("segment")
    # up: one firm each in Taiwan, Nanjing and Japan, equal capacity
    assert seg.loc["up", "hmt_share"] == pytest.approx(1 / 3)
    assert seg.loc["up", "foreign_share"] == pytest.approx(1 / 3)
    assert seg.loc["up", "firms_domestic"] == 1 and seg.loc["up", "firms_local"] == 1
    as_foreign = chain_svc.map_chain(db, "d", hmt="foreign").segments.set_index("segment")
    assert as_foreign.loc["up", "foreign_share"] == pytest.approx(2 / 3)
    as_home = chain_svc.map_chain(db, "d", hmt="domestic").segments.set_index("segment")
    assert as_home.loc["up", "firms_local"] == 2 and as_home.loc["up", "hmt_share"] == 0
    with pytest.raises(InputError, match="--hmt"):
        chain_svc.map_chain(db, "d", hmt="maybe")


def test_chokepoints_name_hmt_dependence_apart(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    svc.import_frames(db, "d", _frames({"TW": "Taipei, Taiwan", "TW2": "Kaohsiung, Taiwan",
                                        "NJ": "320100"}))
    cp = chain_svc.top_chokepoints(db, "d")
    seg = cp.table[(cp.table["kind"] == "segment") & (cp.table["id"] == "up")]
    assert "港澳台" in " ".join(seg["reason_zh"].astype(str))
    home = chain_svc.top_chokepoints(db, "d", hmt="domestic")
    seg = home.table[(home.table["kind"] == "segment") & (home.table["id"] == "up")]
    assert "港澳台" not in " ".join(seg["reason_zh"].astype(str))
