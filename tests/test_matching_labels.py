"""Quality on the hand-labelled yrd-nev evaluation set (tests/data/matching_labels.csv).

The floors are the held-out values measured when the set was built (docs/matching.md) minus a
small margin; a change to the text pipeline or ranking that loses quality fails here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chainatlas.matching import MatchingEngine
from chainatlas.matching.evaluate import (
    calibrate_threshold,
    classification_scores,
    evaluate_labels,
)
from chainatlas.model.dataset import Dataset

LABELS = Path(__file__).parent / "data" / "matching_labels.csv"

# Held-out values measured with BM25 (see docs/matching.md) and the allowed margin.
MEASURED = {("need", "mrr"): 0.924, ("need", "p@1"): 0.875, ("need", "r@10"): 0.969,
            ("classify", "mrr"): 0.970, ("classify", "p@1"): 0.955,
            ("classify", "accuracy"): 0.959}
MARGIN = 0.03


@pytest.fixture(scope="module")
def demo() -> Dataset:
    from chainatlas.datasets import load_demo

    return load_demo("yrd-nev")


@pytest.fixture(scope="module")
def labels() -> pd.DataFrame:
    return pd.read_csv(LABELS, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def engine(demo: Dataset) -> MatchingEngine:
    return MatchingEngine.build(demo)


def test_label_set_is_large_and_split(labels: pd.DataFrame, demo: Dataset) -> None:
    pairs = labels["relevant"].str.split(";").map(len).sum()
    assert pairs >= 200
    assert set(labels["split"]) == {"tune", "test"}
    assets = set(demo.innovation_assets["id"])
    segs = set(demo.segments["id"]) | {"other"}
    needs = labels[labels["task"] == "need"]
    by_id = needs[needs["text"] == ""]
    assert set(by_id["query"]) <= set(demo.tech_needs["id"])
    assert len(by_id) == len(demo.tech_needs)  # every need of the demo is labelled
    assert all(set(r.split(";")) <= assets for r in needs["relevant"])
    cl = labels[labels["task"] == "classify"]
    assert all(set(r.split(";")) <= segs for r in cl["relevant"])


def test_bm25_quality_on_held_out_labels(engine: MatchingEngine, demo: Dataset,
                                         labels: pd.DataFrame) -> None:
    m = evaluate_labels(engine, demo, labels, split="test").set_index("task")
    for (task, metric), value in MEASURED.items():
        assert m.loc[task, metric] >= value - MARGIN, (task, metric, m.loc[task, metric])


def test_default_threshold_is_the_tuned_one(engine: MatchingEngine, demo: Dataset,
                                            labels: pd.DataFrame) -> None:
    cs = classification_scores(engine, demo, labels[labels["split"] == "tune"])
    assert calibrate_threshold(cs) == pytest.approx(engine.threshold, abs=0.01)
