"""Dense and hybrid backends with an injected embedding function; the absent-model path."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from _matching_embed import hashed_ngrams
from _matching_tiny import tiny_dataset
from chainatlas.exceptions import ModelError
from chainatlas.matching import (
    Analyzer,
    DenseIndex,
    MatchingEngine,
    ModelFallbackWarning,
    ModelUnavailable,
    Ranker,
    StaticEmbedder,
    classify_texts,
    load_embedder,
    match_needs,
)

DOCS = ["陶瓷涂覆隔膜", "高镍正极材料包覆", "车规级芯片功能安全", "城市园林绿化"]


def test_dense_index_ranks_by_cosine() -> None:
    idx = DenseIndex(hashed_ngrams).fit(DOCS)
    i, v = idx.top_k(["隔膜涂覆", "正极材料"], 2)
    assert i[0, 0] == 0 and i[1, 0] == 1
    E = hashed_ngrams(DOCS)
    q = hashed_ngrams(["隔膜涂覆"])[0]
    cos = E @ q / (np.linalg.norm(E, axis=1) * np.linalg.norm(q))
    assert v[0, 0] == pytest.approx(cos.max(), rel=1e-5)


def test_dense_drops_zero_similarity() -> None:
    idx = DenseIndex(lambda t: np.eye(len(t), 4, dtype=np.float32)).fit(["a", "b"])
    i, _ = idx.top_k(["x", "y", "z"], 2)
    assert i[2].tolist() == [-1, -1]  # third query vector is zero


def test_dimension_mismatch_is_a_model_error() -> None:
    idx = DenseIndex(hashed_ngrams).fit(DOCS)
    idx.embed = lambda t: np.ones((len(t), 3))
    with pytest.raises(ModelError, match="dimension"):
        idx.top_k(["隔膜"], 1)


def test_hybrid_fuses_both_lists() -> None:
    r = Ranker(Analyzer()).fit(["d0", "d1", "d2", "d3"], DOCS, embed=hashed_ngrams)
    h = r.search(["隔膜涂覆"], 3, backend="hybrid")
    assert h.backend == "hybrid" and h.indices[0, 0] == 0
    assert h.scores[0, 0] == pytest.approx(2 / 61)  # first in both lists
    assert h.bm25[0, 0] > 0


def test_missing_model_falls_back_to_bm25_with_warning() -> None:
    r = Ranker(Analyzer()).fit(["d0", "d1", "d2", "d3"], DOCS)
    with pytest.warns(ModelFallbackWarning, match="using BM25"):
        h = r.search(["隔膜涂覆"], 2, backend="dense")
    assert h.backend == "bm25" and h.indices[0, 0] == 0


@pytest.mark.parametrize("path", [None, "", "/nonexistent/model-dir"])
def test_absent_model_message(path: str | None) -> None:
    with pytest.raises(ModelUnavailable, match="never downloaded"):
        load_embedder(path)


def test_sentence_transformers_folder_without_package(tmp_path: Path) -> None:
    (tmp_path / "modules.json").write_text("[]")
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(ModelUnavailable, match="sentence-transformers"):
            load_embedder(tmp_path)
    else:  # pragma: no cover - depends on the machine
        pytest.skip("sentence-transformers is installed here")


def test_npz_static_vectors(tmp_path: Path) -> None:
    tokens = np.array(["隔膜", "涂覆", "正极材料", "芯"])
    vectors = np.array([[1, 0, 0], [0.8, 0.2, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    np.savez(tmp_path / "vec.npz", tokens=tokens, vectors=vectors)
    embed = load_embedder(tmp_path / "vec.npz")
    assert isinstance(embed, StaticEmbedder)
    E = embed(["隔膜涂覆", "正极材料", "芯片", "园林"])
    np.testing.assert_allclose(E[0], [0.9, 0.1, 0])
    np.testing.assert_allclose(E[1], [0, 1, 0])
    np.testing.assert_allclose(E[2], [0, 0, 1])  # unknown word 芯片 → its known character 芯
    assert not E[3].any()
    np.savez(tmp_path / "bad.npz", words=tokens)
    with pytest.raises(ModelUnavailable, match="tokens"):
        load_embedder(tmp_path / "bad.npz")


def test_engine_dense_and_hybrid_on_tiny_dataset() -> None:
    ds = tiny_dataset()
    eng = MatchingEngine.build(ds, embed=hashed_ngrams)
    for backend in ("dense", "hybrid"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            res = match_needs(eng, ds, k=1, backend=backend)
        assert res.backend == backend
        assert dict(zip(res.frame["need"], res.frame["asset"], strict=True)) == {
            "N1": "A1", "N2": "A2", "N3": "A3"}
    c = classify_texts(eng, ["陶瓷涂覆隔膜的制备"], backend="dense", k=1)
    assert c.frame["segment"].tolist() == ["separator"]
