"""BM25: a hand-computed case, the rank_bm25 oracle, batching, persistence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.exceptions import InputError
from chainatlas.matching.bm25 import BM25Index

DOCS = [["a", "b"], ["a", "c", "c"], ["d"]]


def test_hand_computed_scores() -> None:
    # N = 3, |d| = 2, 3, 1, avgdl = 2, k1 = 1.5, b = 0.75, Lucene idf ln(1 + (N - n + .5)/(n + .5)).
    # idf(a) = ln(1 + 1.5/2.5) = ln 1.6;  idf(c) = ln(1 + 2.5/1.5) = ln(8/3).
    # d0: a once, K = 1.5(.25 + .75·2/2) = 1.5      → ln1.6 · 2.5/2.5
    # d1: a once, c twice, K = 1.5(.25 + .75·3/2) = 2.0625
    #     → ln1.6 · 2.5/3.0625 + ln(8/3) · 5/4.0625
    idx = BM25Index().fit(DOCS)
    s = idx.scores(["a", "c"])
    expected = [np.log(1.6), np.log(1.6) * 2.5 / 3.0625 + np.log(8 / 3) * 5 / 4.0625, 0.0]
    np.testing.assert_allclose(s, expected, rtol=1e-6)
    # 0.470004, 1.590851, 0
    np.testing.assert_allclose(s, [0.470004, 1.590851, 0.0], atol=1e-6)


def test_query_term_repeats_count() -> None:
    idx = BM25Index().fit(DOCS)
    np.testing.assert_allclose(idx.scores(["c", "c"]), 2 * idx.scores(["c"]), rtol=1e-6)


def test_unknown_terms_and_empty_query_score_zero() -> None:
    idx = BM25Index().fit(DOCS)
    assert not idx.scores(["zzz"]).any()
    assert not idx.scores([]).any()
    i, v = idx.top_k([[], ["zzz"]], 2)
    assert (i == -1).all() and (v == 0).all()


corpus = st.lists(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=8),
                  min_size=1, max_size=12)


@pytest.mark.oracle
@settings(max_examples=60, deadline=None)
@given(corpus, st.lists(st.sampled_from("abcdefghz"), min_size=1, max_size=5))
def test_okapi_matches_rank_bm25(docs: list[list[str]], query: list[str]) -> None:
    from rank_bm25 import BM25Okapi

    ref = BM25Okapi(docs).get_scores(query)
    ours = BM25Index(idf="okapi").fit(docs).scores(query)
    np.testing.assert_allclose(ours, ref, rtol=2e-5, atol=2e-5)


@settings(max_examples=40, deadline=None)
@given(corpus, st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=4), min_size=1, max_size=6))
def test_top_k_agrees_with_full_scores(docs: list[list[str]], queries: list[list[str]]) -> None:
    idx = BM25Index().fit(docs)
    k = 3
    top_idx, top_val = idx.top_k(queries, k, chunk=2)
    for q, query in enumerate(queries):
        s = idx.scores(query)
        order = sorted((d for d in range(len(docs)) if s[d] > 0), key=lambda d: (-s[d], d))[:k]
        got = [d for d in top_idx[q] if d >= 0]
        np.testing.assert_allclose(sorted(s[got], reverse=True), s[order], rtol=1e-5)
        np.testing.assert_allclose(top_val[q, : len(got)], s[got], rtol=1e-5)
        assert len(got) == len(order)


@given(corpus)
@settings(max_examples=30, deadline=None)
def test_scores_are_non_negative_with_lucene_idf(docs: list[list[str]]) -> None:
    idx = BM25Index().fit(docs)
    assert (idx.scores(list("abcdefgh")) >= 0).all()


def test_round_trip_through_frames() -> None:
    idx = BM25Index(k1=1.2, b=0.6).fit(DOCS)
    back = BM25Index.from_frames(idx.to_frames())
    for q in (["a"], ["a", "c"], ["b", "d", "d"]):
        np.testing.assert_allclose(back.scores(q), idx.scores(q), rtol=1e-7)
    assert (back.k1, back.b, back.idf) == (1.2, 0.6, "lucene")


def test_matched_terms_ordered_by_contribution() -> None:
    idx = BM25Index().fit(DOCS)
    terms = idx.matched_terms(["a", "c", "zzz"], 1)
    assert [t for t, _ in terms] == ["c", "a"]
    assert sum(v for _, v in terms) == pytest.approx(idx.scores(["a", "c"])[1], rel=1e-6)


def test_bad_parameters() -> None:
    with pytest.raises(InputError):
        BM25Index(b=1.5).fit(DOCS)
    with pytest.raises(InputError):
        BM25Index(idf="bm42").fit(DOCS)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        BM25Index().scores(["a"])
    with pytest.raises(InputError):
        BM25Index().fit(DOCS).top_k([["a"]], 0)


def test_empty_corpus_and_empty_documents() -> None:
    idx = BM25Index().fit([[], []])
    assert idx.scores(["a"]).tolist() == [0.0, 0.0]
