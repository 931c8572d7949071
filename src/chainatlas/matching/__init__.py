"""Technology matching (成果转化): attach texts to chain segments and rank research results.

Entry points (all take in-memory objects; nothing here touches the store):

* :class:`MatchingEngine` — ``MatchingEngine.build(dataset)`` indexes segments, assets and needs;
* :func:`classify_texts` — texts → chain segments with scores and an ``other`` bucket (挂链);
* :func:`match_needs` — the best research results for each firm technology need;
* :func:`match_firms` — firms that could use one research result;
* :func:`ranking_metrics` — precision@k, recall@k and MRR on a labelled set.

Backends: ``bm25`` (default), ``dense`` and ``hybrid`` (reciprocal-rank fusion) when a local
sentence-embedding model is loaded with :func:`load_embedder` or an embedding function is given.
"""

from chainatlas.matching.bm25 import BM25Index
from chainatlas.matching.classify import OTHER, Classification, classify_texts
from chainatlas.matching.dense import DenseIndex, ModelUnavailable, StaticEmbedder, load_embedder
from chainatlas.matching.engine import DEFAULT_THRESHOLD, MatchingEngine
from chainatlas.matching.fusion import reciprocal_rank_fusion
from chainatlas.matching.metrics import (
    precision_at_k,
    ranking_metrics,
    recall_at_k,
    reciprocal_rank,
)
from chainatlas.matching.ranker import BACKENDS, Hits, ModelFallbackWarning, Ranker
from chainatlas.matching.recommend import FirmMatches, NeedMatches, match_firms, match_needs
from chainatlas.matching.text import Analyzer, TextTruncatedWarning, normalize_text

__all__ = [
    "BACKENDS",
    "DEFAULT_THRESHOLD",
    "OTHER",
    "Analyzer",
    "BM25Index",
    "Classification",
    "DenseIndex",
    "FirmMatches",
    "Hits",
    "MatchingEngine",
    "ModelFallbackWarning",
    "ModelUnavailable",
    "NeedMatches",
    "Ranker",
    "StaticEmbedder",
    "TextTruncatedWarning",
    "classify_texts",
    "load_embedder",
    "match_firms",
    "match_needs",
    "normalize_text",
    "precision_at_k",
    "ranking_metrics",
    "recall_at_k",
    "reciprocal_rank",
    "reciprocal_rank_fusion",
]
