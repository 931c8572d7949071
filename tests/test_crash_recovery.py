"""Recovery of analyses: the same inputs give the same outputs, and stored results never go stale.

- Seeded analyses are reproducible: the synthetic network, the chain map, a stress test and the
  technology matching give identical results when run twice (in the same process, from a store
  written twice, or after the cached index was rebuilt).
- The matching index cached in a dataset (frames ``matching/…``) is invalidated when the dataset
  changes: after an import, and after the dataset was deleted and re-created under the same
  name (where the version counter starts again).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chainatlas._json import to_jsonable
from chainatlas.datasets import load_demo
from chainatlas.datasets.synthetic import generate_network
from chainatlas.services import match
from chainatlas.services.chain import chain_map_of
from chainatlas.services.datasets import import_frames
from chainatlas.services.stress import run_scenario_of
from chainatlas.store import Store

SCENARIO = {"horizon_days": 40, "shocks": [{"region": "340881", "capacity_loss": 0.8,
                                            "duration_days": 15}]}


def _frames(ds: object) -> dict[str, pd.DataFrame]:
    return {t: f for t, f in ds.tables.items() if len(f)}  # type: ignore[attr-defined]


def test_synthetic_network_is_a_function_of_its_seed() -> None:
    a = generate_network(300, 1200, 12, seed=5)
    b = generate_network(300, 1200, 12, seed=5)
    c = generate_network(300, 1200, 12, seed=6)
    assert a.keys() == b.keys()
    for t in a:
        pd.testing.assert_frame_equal(a[t], b[t])
    assert not a["supply_links"].equals(c["supply_links"])


def test_analyses_repeat_exactly_from_a_store_written_twice(tmp_path: Path) -> None:
    demo = load_demo("yrd-nev")
    results = []
    for k in range(2):
        db = tmp_path / f"run{k}.duckdb"
        import_frames(db, "yrd-nev", _frames(demo), mode="replace")
        with Store.open(db, read_only=True) as store:
            ds = store.load_dataset("yrd-nev")
        results.append((to_jsonable(chain_map_of(ds).to_dict()),
                        to_jsonable(run_scenario_of(ds, SCENARIO).to_dict())))
    assert results[0][0] == results[1][0]
    assert results[0][1] == results[1][1]
    # and they are the analyses of the in-memory dataset too (the store loses nothing)
    assert to_jsonable(run_scenario_of(demo, SCENARIO).to_dict()) == results[0][1]


def _needs(db: Path) -> pd.DataFrame:
    return match.results_for_needs(db, "m", top=3).frame.reset_index(drop=True)


@pytest.fixture()
def matched(tmp_path: Path) -> Path:
    db = tmp_path / "match.duckdb"
    import_frames(db, "m", _frames(load_demo("yrd-nev")), mode="replace")
    return db


def test_matching_repeats_and_a_rebuilt_index_gives_the_same_answers(matched: Path) -> None:
    first = _needs(matched)
    with Store.open(matched) as store:
        assert any(k.startswith("matching/") for k in store.list_frames("m"))
    again = _needs(matched)
    pd.testing.assert_frame_equal(first, again)
    match.build_index(matched, "m")
    pd.testing.assert_frame_equal(first, _needs(matched))


def _swap_need_texts(db: Path) -> None:
    """Give every technology need the text of another, so matches must change."""
    with Store.open(db) as store:
        needs = store.read_table("m", "tech_needs")
    cols = [c for c in needs.columns if c not in ("id", "firm", "segment", "region")
            and needs[c].dtype == "string"]
    needs[cols] = needs[cols].iloc[::-1].to_numpy()
    import_frames(db, "m", {"tech_needs": needs}, mode="replace")


def test_cached_index_is_invalidated_when_the_dataset_changes(matched: Path) -> None:
    first = _needs(matched)
    with Store.open(matched) as store:
        v_before = store.dataset_version("m")
    _swap_need_texts(matched)
    with Store.open(matched) as store:
        assert store.dataset_version("m") == v_before + 1
    after = _needs(matched)
    fresh = match.results_for_needs  # rebuilt from scratch for comparison
    match.build_index(matched, "m")
    rebuilt = fresh(matched, "m", top=3).frame.reset_index(drop=True)
    pd.testing.assert_frame_equal(after, rebuilt)
    assert not after.equals(first)


def test_cached_index_is_invalidated_when_the_dataset_is_recreated(matched: Path) -> None:
    first = _needs(matched)
    with Store.open(matched) as store:
        version = store.dataset_version("m")
        store.delete_dataset("m")
    demo = load_demo("yrd-nev")
    frames = _frames(demo)
    needs = frames["tech_needs"].copy()
    cols = [c for c in needs.columns if c not in ("id", "firm", "segment", "region")
            and needs[c].dtype == "string"]
    needs[cols] = needs[cols].iloc[::-1].to_numpy()
    frames["tech_needs"] = needs
    import_frames(matched, "m", frames, mode="replace")
    with Store.open(matched) as store:
        assert store.dataset_version("m") == version  # the counter started again
    after = _needs(matched)
    match.build_index(matched, "m")
    pd.testing.assert_frame_equal(after, _needs(matched))
    assert not after.equals(first)
