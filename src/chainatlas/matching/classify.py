"""Attach texts to chain segments (挂链) with a threshold and an "other" bucket.

A text is a query against the segment profiles. Its best segments are kept when

* their BM25 score reaches ``threshold`` (for the ``bm25`` and ``hybrid`` backends; lexical
  evidence is required even when a dense model reorders the list), or their cosine reaches
  ``min_similarity`` (``dense``), and
* their score is at least ``min_relative`` times the best one (secondary segments must be close).

A text with no segment kept goes to the ``other`` bucket, with the reason (no content words, or the
best segment and its score below the threshold).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.matching.engine import MatchingEngine

__all__ = ["OTHER", "Classification", "classify_texts"]

#: Segment id of the catch-all bucket.
OTHER = "other"

_COLUMNS = ["item", "rank", "segment", "segment_name", "path", "score", "bm25", "terms", "reason"]


@dataclass
class Classification:
    """Segments per text: one row per (text, kept segment), or one ``other`` row.

    ``frame`` columns: ``item`` (text id), ``rank``, ``segment`` (id or ``"other"``),
    ``segment_name``, ``path`` ("链 > … > 环节"), ``score`` (the backend's score), ``bm25``,
    ``terms`` (matched terms, list), ``reason``.
    """

    frame: pd.DataFrame
    backend: str
    threshold: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "threshold": self.threshold, "notes": self.notes,
                "results": self.frame.to_dict(orient="records")}

    def best(self) -> pd.Series:
        """The first segment of each item (``"other"`` included), indexed by item."""
        first = self.frame[self.frame["rank"] == 1]
        return pd.Series(first["segment"].to_numpy(), index=first["item"].to_numpy(), name="segment")


def classify_texts(engine: MatchingEngine, texts: Sequence[str], ids: Sequence[str] | None = None,
                   *, k: int = 3, threshold: float | None = None, backend: str = "bm25",
                   min_similarity: float = 0.3, min_relative: float = 0.5) -> Classification:
    """Attach each text to up to ``k`` chain segments.

    Parameters
    ----------
    engine : MatchingEngine
    texts : sequence of str
        Titles, abstracts or free text (Chinese, English or mixed).
    ids : sequence of str, optional
        An id per text (default ``"1"``, ``"2"``, …).
    k : int
        Most segments per text.
    threshold : float, optional
        Minimum BM25 score (default: the engine's, calibrated on the labelled set).
    backend : {"bm25", "dense", "hybrid"}
    min_similarity : float
        Minimum cosine for the dense backend.
    min_relative : float
        Secondary segments need at least this fraction of the best segment's score.
    """
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    thr = engine.threshold if threshold is None else float(threshold)
    ids = [str(i) for i in (ids if ids is not None else range(1, len(texts) + 1))]
    if len(ids) != len(texts):
        raise InputError(f"{len(ids)} ids for {len(texts)} texts")
    ranker = engine.segments
    hits = ranker.search(list(texts), k, backend)
    names = {sid: (p[-1] if p else sid) for sid, p in engine.paths.items()}
    rows: list[tuple[Any, ...]] = []
    for q, item in enumerate(ids):
        kept: list[tuple[Any, ...]] = []
        top = None
        for j in range(k):
            d = int(hits.indices[q, j])
            if d < 0:
                break
            s, bm = float(hits.scores[q, j]), float(hits.bm25[q, j])
            gate = s >= min_similarity if hits.backend == "dense" else bm >= thr
            top = s if top is None else top
            if not gate or s < min_relative * top:
                continue
            sid = ranker.ids_[d]
            terms = ranker.matched_terms(hits.tokens[q], d)
            reason = (f"{engine.path_text(sid)}; matched: {', '.join(terms)}" if terms
                      else f"{engine.path_text(sid)}; semantic similarity {s:.2f}")
            kept.append((item, len(kept) + 1, sid, names.get(sid, sid), engine.path_text(sid),
                         s, bm, terms, reason))
        if kept:
            rows.extend(kept)
            continue
        if not hits.tokens[q]:
            why = "no content words (empty text or only stop words)"
        elif hits.indices[q, 0] < 0:
            why = "no term shared with any segment"
        else:
            sid = ranker.ids_[int(hits.indices[q, 0])]
            why = (f"best segment {names.get(sid, sid)} scored {hits.bm25[q, 0]:.2f} "
                   f"< threshold {thr:g}")
        rows.append((item, 1, OTHER, "其他", "", 0.0, float(hits.bm25[q, 0]), [], why))
    return Classification(pd.DataFrame(rows, columns=_COLUMNS), hits.backend, thr)
