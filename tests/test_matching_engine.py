"""The matching engine on a tiny hand-made dataset: 挂链, needs → results, result → firms."""

from __future__ import annotations

import pytest

from _matching_tiny import tiny_dataset
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.matching import (
    OTHER,
    MatchingEngine,
    TextTruncatedWarning,
    classify_texts,
    match_firms,
    match_needs,
)
from chainatlas.model.dataset import Dataset


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return tiny_dataset()


@pytest.fixture(scope="module")
def engine(ds: Dataset) -> MatchingEngine:
    return MatchingEngine.build(ds, threshold=2.0)


def test_assets_are_attached_to_their_segments(engine: MatchingEngine) -> None:
    att = dict(zip(engine.assets.ids_, engine.asset_segment_, strict=True))
    assert att == {"A1": "separator", "A2": "cathode", "A3": "chip", "A4": ""}


def test_classify_with_threshold_and_other_bucket(engine: MatchingEngine) -> None:
    res = classify_texts(engine, ["陶瓷涂覆隔膜", "城市园林绿化", "", "的了", "Separator film"],
                         ["a", "b", "c", "d", "e"], k=2)
    best = res.best()
    assert best.to_dict() == {"a": "separator", "b": OTHER, "c": OTHER, "d": OTHER,
                              "e": "separator"}
    other = res.frame.set_index("item")
    assert "no term shared" in other.loc["b", "reason"]
    assert "no content words" in other.loc["c", "reason"]
    row = res.frame[res.frame["item"] == "a"].iloc[0]
    assert row["path"] == "新能源汽车 > 动力电池 > 隔膜"
    assert "隔膜" in row["terms"]


def test_classify_threshold_sends_weak_texts_to_other(engine: MatchingEngine) -> None:
    weak = classify_texts(engine, ["隔膜"], threshold=1e6)
    assert weak.best().iloc[0] == OTHER
    assert "< threshold" in weak.frame["reason"].iloc[0]


def test_mixed_script_text(engine: MatchingEngine) -> None:
    res = classify_texts(engine, ["Automotive chip 功能安全 design"], k=1)
    assert res.best().iloc[0] == "chip"


def test_long_text_warns_and_still_classifies(ds: Dataset) -> None:
    with pytest.warns(TextTruncatedWarning):  # the tiny dataset's own texts exceed 50 characters
        eng = MatchingEngine.build(ds, max_chars=50)
    with pytest.warns(TextTruncatedWarning):
        res = classify_texts(eng, ["隔膜涂覆陶瓷" + "无关内容" * 100], threshold=0.5)
    assert res.best().iloc[0] == "separator"


def test_needs_rank_the_right_results(engine: MatchingEngine, ds: Dataset) -> None:
    res = match_needs(engine, ds, k=2, hours=lambda a, b: 0.0 if a == b else 1.5)
    top = res.frame[res.frame["rank"] == 1].set_index("need")
    assert top["asset"].to_dict() == {"N1": "A1", "N2": "A2", "N3": "A3"}
    n1 = top.loc["N1"]
    assert n1["owner"] == "中国科学技术大学" and n1["region_name"] == "合肥市"
    assert n1["hours"] == 1.5  # firm in 桐城, result in 合肥
    assert top.loc["N3", "hours"] == 0.0  # both in 上海
    assert {"隔膜", "涂覆", "陶瓷"} <= set(n1["terms"])
    assert "新能源汽车 > 动力电池 > 隔膜" in n1["reason"]
    assert (res.frame.groupby("need")["score"].apply(lambda s: s.is_monotonic_decreasing)).all()


def test_unknown_need_and_asset(engine: MatchingEngine, ds: Dataset) -> None:
    with pytest.raises(DataNotFound, match="N9"):
        match_needs(engine, ds, ["N9"])
    with pytest.raises(DataNotFound, match="A9"):
        match_firms(engine, ds, "A9")
    with pytest.raises(InputError):
        match_needs(engine, ds, k=0)


def test_firms_for_a_result(engine: MatchingEngine, ds: Dataset) -> None:
    res = match_firms(engine, ds, "A1")
    first = res.frame.iloc[0]
    assert first["firm"] == "F1"  # separator maker that also filed the matching need
    assert first["score"] == pytest.approx(2.0)  # best segment (1) + best need (1)
    assert "need N1" in first["reason"] and "隔膜" in first["reason"]
    assert res.segments["segment"].iloc[0] == "separator"
    assert "F3" not in set(res.frame["firm"])  # chip firm: no segment, weak need match


def test_firms_of_input_segments_are_not_pulled_in(ds: Dataset) -> None:
    eng = MatchingEngine.build(ds, threshold=0.5)
    res = classify_texts(eng, ["动力电池"], k=1)
    assert res.best().iloc[0] == "battery"
    firms = match_firms(eng, ds, "A2").frame
    assert firms["firm"].iloc[0] == "F2"
    # a result about the battery as a whole does not list the separator maker F1 by segment
    text_only = Dataset("t", {**ds.tables, "innovation_assets": ds.innovation_assets.assign(
        title=["动力电池系统集成", "x", "y", "z"], text=["动力电池整包设计", "", "", ""])})
    eng2 = MatchingEngine.build(text_only, threshold=0.5)
    f2 = match_firms(eng2, text_only, "A1").frame
    assert "separator" not in set(f2["segment"])


def test_engine_round_trips_through_frames(engine: MatchingEngine, ds: Dataset) -> None:
    back = MatchingEngine.from_frames(engine.to_frames())
    a = match_needs(engine, ds, k=3).frame
    b = match_needs(back, ds, k=3).frame
    assert a[["need", "asset"]].equals(b[["need", "asset"]])
    assert a["score"].to_numpy() == pytest.approx(b["score"].to_numpy())
    assert back.threshold == engine.threshold
    assert list(back.asset_segment_) == list(engine.asset_segment_)


def test_dataset_without_segments_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no segments"):
        MatchingEngine.build(Dataset("empty", {}))


def test_dataset_without_assets_or_needs(ds: Dataset) -> None:
    small = Dataset("s", {k: v for k, v in ds.tables.items()
                          if k not in ("innovation_assets", "tech_needs")})
    eng = MatchingEngine.build(small)
    assert eng.assets.n_docs == 0
    assert match_needs(eng, small).frame.empty
    assert classify_texts(eng, ["隔膜涂覆"], threshold=0.5).best().iloc[0] == "separator"


def test_duplicate_segment_ids_rejected(ds: Dataset) -> None:
    import pandas as pd

    seg = pd.concat([ds.segments, ds.segments.iloc[:1]])
    with pytest.raises(InputError, match="duplicate segment"):
        MatchingEngine.build(Dataset("d", {**ds.tables, "segments": seg}))


def test_public_surface_is_pinned() -> None:
    import chainatlas.matching as m

    assert sorted(m.__all__) == sorted([
        "BACKENDS", "DEFAULT_THRESHOLD", "OTHER", "Analyzer", "BM25Index", "Classification",
        "DenseIndex", "FirmMatches", "Hits", "MatchingEngine", "ModelFallbackWarning",
        "ModelUnavailable", "NeedMatches", "Ranker", "StaticEmbedder", "TextTruncatedWarning",
        "classify_texts", "load_embedder", "match_firms", "match_needs", "normalize_text",
        "precision_at_k", "ranking_metrics", "recall_at_k", "reciprocal_rank",
        "reciprocal_rank_fusion"])
    assert all(hasattr(m, name) for name in m.__all__)
