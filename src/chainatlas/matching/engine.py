"""The matching engine: three searchable collections built once from a dataset.

* ``segments`` — segment profiles, searched by a text to attach it to chain segments (挂链);
* ``assets`` — innovation assets (patents, papers, projects, labs), searched by a firm's need;
* ``needs`` — firms' technology needs, searched by an asset to find who could use it.

Every asset is attached to its best segment once, at build time, so that results can give the
segment path as part of their reason. The BM25 parts persist as plain frames
(:meth:`MatchingEngine.to_frames`) so a store can keep them and queries need not re-tokenise the
collections.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.matching.corpus import (
    analyzer_for,
    asset_texts,
    need_texts,
    segment_paths,
    segment_profile_texts,
    weighted_tokens,
)
from chainatlas.matching.dense import Embedder
from chainatlas.matching.ranker import Ranker
from chainatlas.matching.text import Analyzer
from chainatlas.model.dataset import Dataset

__all__ = ["DEFAULT_THRESHOLD", "INDEX_FORMAT", "MatchingEngine"]

#: Default minimum BM25 score for attaching a text to a segment, in units of the largest idf of
#: the segment index (a term found in one segment only): the threshold is
#: ``DEFAULT_THRESHOLD × idf_max``, so it follows the size of the segment tree. 1.65 × 3.486 =
#: 5.75 for the 48 segments of yrd-nev, the value calibrated on the tuning half of its labelled
#: set (see docs/matching.md).
DEFAULT_THRESHOLD = 1.65

#: Version of the persisted layout; a stored index with another version is rebuilt.
INDEX_FORMAT = 1

_COLLECTIONS = ("segments", "assets", "needs")


@dataclass
class MatchingEngine:
    """Fitted matching state for one dataset. Build it with :meth:`build`.

    Attributes
    ----------
    analyzer : Analyzer
        The text pipeline (domain dictionary from the dataset).
    segments, assets, needs : Ranker
        The three collections.
    paths : dict
        Segment id → names from the chain down to the segment.
    asset_segment_ : ndarray of str
        Best segment of each asset ("" when below the threshold).
    asset_segment_score_ : ndarray of float
        Its BM25 score.
    """

    analyzer: Analyzer
    segments: Ranker
    assets: Ranker
    needs: Ranker
    paths: dict[str, list[str]]
    threshold: float = DEFAULT_THRESHOLD
    asset_segment_: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    asset_segment_score_: np.ndarray = field(default_factory=lambda: np.empty(0))

    @classmethod
    def build(cls, ds: Dataset, *, embed: Embedder | None = None, threshold: float | None = None,
              k1: float = 1.5, b: float = 0.75, max_chars: int | None = None,
              segment_keywords: Mapping[str, str] | None = None,
              n_jobs: int = 1) -> MatchingEngine:
        """Tokenise and index the dataset's segments, assets and needs.

        Parameters
        ----------
        ds : Dataset
            Needs ``segments``; ``innovation_assets`` and ``tech_needs`` may be empty.
        embed : callable, optional
            A sentence-embedding function for the dense and hybrid backends.
        threshold : float, optional
            Minimum BM25 score for attaching a text to a segment (default
            :data:`DEFAULT_THRESHOLD` times the largest idf of the segment index).
        segment_keywords : mapping, optional
            Extra words per segment id appended to its profile.
        n_jobs : int
            Worker processes for tokenising large collections (1: in this process).
        """
        if ds.segments.empty:
            raise InputError(f"dataset '{ds.name}' has no segments to match against")
        ids = ds.segments["id"].astype(str)
        if ids.duplicated().any():
            raise InputError(f"dataset '{ds.name}' has duplicate segment ids: "
                             f"{sorted(set(ids[ids.duplicated()]))[:5]}")
        analyzer = analyzer_for(ds, max_chars=max_chars)
        prof = segment_profile_texts(ds, segment_keywords)
        at, nt = asset_texts(ds), need_texts(ds)
        kw: dict[str, Any] = {"k1": k1, "b": b}
        segs = Ranker(analyzer, **kw).fit(prof["segment"].tolist(), prof["text"].tolist(), embed)
        a_tok = weighted_tokens(analyzer, at, n_jobs)
        assets = Ranker(analyzer, **kw).fit(at["asset"].tolist(), at["text"].tolist(), embed, a_tok)
        needs = Ranker(analyzer, **kw).fit(nt["need"].tolist(), nt["text"].tolist(), embed,
                                           weighted_tokens(analyzer, nt, n_jobs))
        assert segs.bm25_ is not None
        idf_max = float(segs.bm25_.idf_.max()) if segs.bm25_.idf_.size else 1.0
        eng = cls(analyzer, segs, assets, needs, segment_paths(ds),
                  DEFAULT_THRESHOLD * idf_max if threshold is None else float(threshold))
        eng._attach_assets(at["text"].tolist(), a_tok)
        return eng

    def _attach_assets(self, texts: list[str], tokens: list[list[str]]) -> None:
        if not texts:
            return
        hits = self.segments.search(texts, 1, tokens=tokens)
        best = hits.indices[:, 0]
        score = hits.bm25[:, 0]
        ok = (best >= 0) & (score >= self.threshold)
        ids = np.array([*self.segments.ids_, ""], dtype=object)
        self.asset_segment_ = np.where(ok, ids[best], "")
        self.asset_segment_score_ = np.where(ok, score, 0.0)

    def attach_dense(self, ds: Dataset, embed: Embedder) -> None:
        """Add a dense index to every collection (used after loading a stored engine)."""
        self.segments.attach_dense(segment_profile_texts(ds)["text"].tolist(), embed)
        self.assets.attach_dense(asset_texts(ds)["text"].tolist(), embed)
        self.needs.attach_dense(need_texts(ds)["text"].tolist(), embed)

    @property
    def has_dense(self) -> bool:
        return self.assets.dense_ is not None

    def path_text(self, segment: str) -> str:
        """``"链 > 环节 > 子环节"`` for a segment id ("" when unknown)."""
        return " > ".join(self.paths.get(segment, []))

    # -- persistence ---------------------------------------------------------------------------
    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Everything needed to rebuild the engine without tokenising, as named frames."""
        frames: dict[str, pd.DataFrame] = {}
        for name in _COLLECTIONS:
            ranker: Ranker = getattr(self, name)
            for key, f in ranker.to_frames().items():
                frames[f"{name}.{key}"] = f
        frames["attach"] = pd.DataFrame({"segment": self.asset_segment_.astype(str),
                                         "score": self.asset_segment_score_.astype(float)})
        frames["meta"] = pd.DataFrame({
            "format": [INDEX_FORMAT],
            "threshold": [self.threshold],
            "analyzer": [json.dumps(self.analyzer.config(), ensure_ascii=False, sort_keys=True)],
            "paths": [json.dumps(self.paths, ensure_ascii=False)],
        })
        return frames

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame]) -> MatchingEngine:
        """Rebuild an engine written by :meth:`to_frames`."""
        meta = frames["meta"].iloc[0]
        if int(meta["format"]) != INDEX_FORMAT:
            raise InputError(f"stored matching index has format {meta['format']}, "
                             f"expected {INDEX_FORMAT}")
        cfg = json.loads(str(meta["analyzer"]))
        analyzer = Analyzer(cfg["domain_terms"], cfg["synonyms"], max_chars=cfg["max_chars"],
                            builtin_synonyms=cfg["builtin_synonyms"])
        rankers = {}
        for name in _COLLECTIONS:
            part = {k.split(".", 1)[1]: f for k, f in frames.items() if k.startswith(name + ".")}
            rankers[name] = Ranker.from_frames(analyzer, part)
        att = frames["attach"]
        return cls(analyzer, rankers["segments"], rankers["assets"], rankers["needs"],
                   json.loads(str(meta["paths"])), float(meta["threshold"]),
                   att["segment"].astype(str).to_numpy(dtype=object),
                   att["score"].to_numpy(np.float64))
