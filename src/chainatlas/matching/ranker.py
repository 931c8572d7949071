"""Retrieval over one document collection with a BM25, dense or hybrid backend."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.matching.bm25 import BM25Index
from chainatlas.matching.dense import DenseIndex, Embedder
from chainatlas.matching.fusion import reciprocal_rank_fusion
from chainatlas.matching.text import Analyzer

__all__ = ["BACKENDS", "Backend", "Hits", "ModelFallbackWarning", "Ranker"]

Backend = Literal["bm25", "dense", "hybrid"]
BACKENDS: tuple[str, ...] = ("bm25", "dense", "hybrid")


class ModelFallbackWarning(UserWarning):
    """A dense or hybrid ranking was asked for without a model; BM25 was used instead."""


@dataclass
class Hits:
    """The result of :meth:`Ranker.search` for a batch of queries.

    ``indices``/``scores`` are ``(n_queries, k)`` (``-1``/0 where empty), ``tokens`` the analysed
    queries, ``bm25`` the BM25 score of each returned document (for thresholds and reasons) and
    ``backend`` the backend actually used.
    """

    indices: np.ndarray
    scores: np.ndarray
    bm25: np.ndarray
    tokens: list[list[str]]
    backend: str


@dataclass
class Ranker:
    """A searchable collection: a BM25 index always, a dense index when an embedder is given.

    Parameters
    ----------
    analyzer : Analyzer
        Turns texts into index terms.
    k1, b, idf : BM25 parameters (see :class:`~chainatlas.matching.bm25.BM25Index`).
    rrf_k : float
        Constant of reciprocal-rank fusion for the hybrid backend.
    depth : int
        How deep each backend's list goes before fusion.
    """

    analyzer: Analyzer
    k1: float = 1.5
    b: float = 0.75
    idf: str = "lucene"
    rrf_k: float = 60.0
    depth: int = 100
    bm25_: BM25Index | None = None
    dense_: DenseIndex | None = None
    ids_: list[str] = field(default_factory=list)

    def fit(self, ids: Sequence[str], texts: Sequence[str], embed: Embedder | None = None,
            tokens: Sequence[Sequence[str]] | None = None) -> Ranker:
        """Index ``texts`` (ids in the same order); tokenise unless ``tokens`` are given."""
        if len(ids) != len(texts):
            raise InputError(f"{len(ids)} ids for {len(texts)} texts")
        toks = list(tokens) if tokens is not None else self.analyzer.tokens_many(texts)
        self.bm25_ = BM25Index(self.k1, self.b, self.idf).fit(toks)  # type: ignore[arg-type]
        self.ids_ = [str(i) for i in ids]
        if embed is not None:
            self.attach_dense(texts, embed)
        return self

    def attach_dense(self, texts: Sequence[str], embed: Embedder) -> None:
        """Embed the collection's ``texts`` (same order as the ids) for dense search."""
        self.dense_ = DenseIndex(embed).fit(list(texts))

    @property
    def n_docs(self) -> int:
        return len(self.ids_)

    def search(self, queries: Sequence[str], k: int = 10, backend: str = "bm25",
               tokens: Sequence[Sequence[str]] | None = None) -> Hits:
        """The ``k`` best documents for each query text.

        When ``backend`` is ``"dense"`` or ``"hybrid"`` but no embedder was attached, a
        :class:`ModelFallbackWarning` is issued and BM25 is used.
        """
        if backend not in BACKENDS:
            raise InputError(f"unknown backend {backend!r}; expected one of {', '.join(BACKENDS)}")
        if self.bm25_ is None:
            raise InputError("the ranker has no index; call fit() first")
        if backend != "bm25" and self.dense_ is None:
            warnings.warn(f"backend '{backend}' needs a local sentence-embedding model and none is "
                          "loaded; using BM25", ModelFallbackWarning, stacklevel=2)
            backend = "bm25"
        toks = ([list(t) for t in tokens] if tokens is not None
                else self.analyzer.tokens_many(queries))
        n = len(queries)
        if self.n_docs == 0 or n == 0:
            empty = np.full((n, k), -1, dtype=np.int64)
            return Hits(empty, np.zeros((n, k)), np.zeros((n, k)), toks, backend)
        if backend == "bm25":
            idx, val = self.bm25_.top_k(toks, k)
        else:
            assert self.dense_ is not None
            depth = max(k, self.depth)
            d_idx, d_val = self.dense_.top_k(list(queries), depth if backend == "hybrid" else k)
            if backend == "dense":
                idx, val = d_idx, d_val
            else:
                b_idx, _ = self.bm25_.top_k(toks, depth)
                idx, val = reciprocal_rank_fusion([b_idx, d_idx], k, k=self.rrf_k)
        return Hits(idx, val, self._bm25_of(toks, idx), toks, backend)

    def _bm25_of(self, toks: Sequence[Sequence[str]], idx: np.ndarray) -> np.ndarray:
        """BM25 score of each (query, returned document) pair."""
        assert self.bm25_ is not None and self.bm25_.W_ is not None
        Q = self.bm25_.query_matrix(toks)
        out = np.zeros(idx.shape)
        rows, cols = np.nonzero(idx >= 0)
        if len(rows):
            docs = idx[rows, cols]
            Wd = self.bm25_.W_[docs]
            out[rows, cols] = np.asarray(Wd.multiply(Q[rows]).sum(axis=1)).ravel()
        return out

    def matched_terms(self, query_tokens: Sequence[str], doc: int, top: int = 6) -> list[str]:
        """Query terms found in document ``doc``, by their share of the BM25 score.

        A term inside a longer matched term (``碳化`` in ``碳化硅``) is left out: it says nothing
        the longer term does not.
        """
        assert self.bm25_ is not None
        terms = [t for t, _ in self.bm25_.matched_terms(query_tokens, doc, 4 * top)]
        kept = [t for t in terms if not any(t != u and t in u for u in terms)]
        return kept[:top]

    # -- persistence ---------------------------------------------------------------------------
    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The BM25 part and the ids as frames (dense vectors are recomputed on load)."""
        assert self.bm25_ is not None
        frames = dict(self.bm25_.to_frames())
        frames["ids"] = pd.DataFrame({"id": self.ids_})
        frames["ranker"] = pd.DataFrame({"rrf_k": [self.rrf_k], "depth": [self.depth]})
        return frames

    @classmethod
    def from_frames(cls, analyzer: Analyzer, frames: dict[str, pd.DataFrame]) -> Ranker:
        bm = BM25Index.from_frames(frames)
        r = frames["ranker"].iloc[0]
        self = cls(analyzer, bm.k1, bm.b, bm.idf, float(r["rrf_k"]), int(r["depth"]))
        self.bm25_ = bm
        self.ids_ = frames["ids"]["id"].astype(str).tolist()
        return self
