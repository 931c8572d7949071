"""Okapi BM25 on a sparse document-term matrix (scipy), batched over many queries.

For a query :math:`q` (a bag of terms with counts :math:`c_{q,t}`) and a document :math:`d` of
length :math:`|d|` (index terms), BM25 (Robertson & Zaragoza 2009, *The Probabilistic Relevance
Framework: BM25 and Beyond*, eq. 3.15) scores

.. math::

    s(q, d) = \\sum_t c_{q,t}\\, \\mathrm{idf}_t\\,
              \\frac{f_{t,d}\\,(k_1 + 1)}{f_{t,d} + k_1\\,(1 - b + b\\,|d| / \\overline{|d|})}

where :math:`f_{t,d}` is the frequency of term :math:`t` in :math:`d` and
:math:`\\overline{|d|}` the mean document length. Two inverse document frequencies are offered,
with :math:`N` documents of which :math:`n_t` contain :math:`t`:

* ``"lucene"`` (default): :math:`\\ln\\bigl(1 + (N - n_t + 0.5)/(n_t + 0.5)\\bigr)`, always positive;
* ``"okapi"``: :math:`\\ln\\bigl((N - n_t + 0.5)/(n_t + 0.5)\\bigr)`, with negative values replaced by
  :math:`\\varepsilon` times the mean idf over the vocabulary — exactly what ``rank_bm25.BM25Okapi``
  computes, which the tests use as an oracle.

Because the document part of every summand does not depend on the query, the index stores the
weight matrix :math:`W_{d,t}` once; scoring a batch of queries is one sparse product
:math:`S = C_q W^\\top`, followed by a per-row partial sort for the top :math:`k`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from chainatlas.exceptions import InputError

__all__ = ["BM25Index", "top_k_rows"]

IdfKind = Literal["lucene", "okapi"]


def top_k_rows(S: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` column indices and values of each row of a sparse score matrix.

    Only stored (non-zero) entries compete; rows with fewer than ``k`` of them are padded with
    index ``-1`` and value ``0``. Ties are broken by the smaller column index, so results are
    deterministic.
    """
    n = S.shape[0]
    idx = np.full((n, k), -1, dtype=np.int64)
    val = np.zeros((n, k), dtype=np.float64)
    indptr, indices, data = S.indptr, S.indices, S.data
    for r in range(n):
        lo, hi = indptr[r], indptr[r + 1]
        if hi == lo:
            continue
        cols, vals = indices[lo:hi], data[lo:hi]
        keep = vals > 0
        cols, vals = cols[keep], vals[keep]
        if len(vals) > k:
            part = np.argpartition(-vals, k - 1)[:k]
            cols, vals = cols[part], vals[part]
        order = np.lexsort((cols, -vals))
        m = len(order)
        idx[r, :m] = cols[order]
        val[r, :m] = vals[order]
    return idx, val


@dataclass
class BM25Index:
    """A BM25 index over tokenised documents.

    Build it with :meth:`fit`; query it with :meth:`scores` (one query, all documents) or
    :meth:`top_k` (many queries). Attributes ending in ``_`` are learned.

    Parameters
    ----------
    k1 : float
        Term-frequency saturation (≥ 0), default 1.5.
    b : float
        Length normalisation (0..1), default 0.75.
    idf : {"lucene", "okapi"}
        Inverse-document-frequency variant (see the module docstring).
    epsilon : float
        Floor factor for negative ``okapi`` idfs (rank_bm25's default 0.25).

    Examples
    --------
    Three documents of lengths 2, 3 and 1 (mean 2); ``idf(a) = ln 1.6``, ``idf(c) = ln(8/3)``:

    >>> idx = BM25Index().fit([["a", "b"], ["a", "c", "c"], ["d"]])
    >>> [round(float(s), 4) for s in idx.scores(["a", "c"])]
    [0.47, 1.5909, 0.0]
    >>> idx.top_k([["a", "c"]], 2)[0].tolist()
    [[1, 0]]
    """

    k1: float = 1.5
    b: float = 0.75
    idf: IdfKind = "lucene"
    epsilon: float = 0.25
    vocabulary_: dict[str, int] = field(default_factory=dict)
    terms_: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    tf_: sp.csr_matrix | None = None
    doc_len_: np.ndarray = field(default_factory=lambda: np.empty(0))
    idf_: np.ndarray = field(default_factory=lambda: np.empty(0))
    W_: sp.csr_matrix | None = None
    WT_: sp.csr_matrix | None = None

    # -- building ------------------------------------------------------------------------------
    def fit(self, docs: Sequence[Sequence[str]]) -> BM25Index:
        """Index ``docs`` (each a list of terms, repeats counted)."""
        if self.k1 < 0 or not 0 <= self.b <= 1:
            raise InputError(f"BM25 needs k1 ≥ 0 and 0 ≤ b ≤ 1, got k1={self.k1}, b={self.b}")
        if self.idf not in ("lucene", "okapi"):
            raise InputError(f"unknown idf variant {self.idf!r}; expected 'lucene' or 'okapi'")
        vocab: dict[str, int] = {}
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        cols = np.fromiter((vocab.setdefault(t, len(vocab)) for d in docs for t in d),
                           dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        tf = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)),
                           shape=(len(docs), len(vocab)))
        tf.sum_duplicates()
        self.vocabulary_ = vocab
        self.terms_ = np.array(list(vocab), dtype=object)
        self.tf_ = tf
        self.doc_len_ = lengths.astype(np.float64)
        self._weigh()
        return self

    def _weigh(self) -> None:
        tf = self.tf_
        assert tf is not None
        n_docs, n_terms = tf.shape
        n_t = np.bincount(tf.indices, minlength=n_terms).astype(np.float64)
        if self.idf == "okapi":
            idf = np.log((n_docs - n_t + 0.5) / (n_t + 0.5))
            if n_terms:
                floor = self.epsilon * idf.mean()
                idf = np.where(idf < 0, floor, idf)
        else:
            idf = np.log1p((n_docs - n_t + 0.5) / (n_t + 0.5))
        avgdl = self.doc_len_.mean() if n_docs and self.doc_len_.sum() > 0 else 1.0
        norm = self.k1 * (1.0 - self.b + self.b * self.doc_len_ / avgdl)
        f = tf.data.astype(np.float64)
        row_of = np.repeat(np.arange(n_docs), np.diff(tf.indptr))
        w = idf[tf.indices] * f * (self.k1 + 1.0) / (f + norm[row_of])
        self.idf_ = idf
        self.W_ = sp.csr_matrix((w.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape)
        self.WT_ = self.W_.T.tocsr()

    @property
    def n_docs(self) -> int:
        return 0 if self.tf_ is None else int(self.tf_.shape[0])

    # -- querying ------------------------------------------------------------------------------
    def query_matrix(self, queries: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """Term counts of ``queries`` over the index vocabulary (unknown terms dropped)."""
        vocab = self.vocabulary_
        rows: list[int] = []
        cols: list[int] = []
        for i, q in enumerate(queries):
            for t in q:
                j = vocab.get(t)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        Q = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                          shape=(len(queries), len(vocab)))
        Q.sum_duplicates()
        return Q

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 scores of every document for one query (float64, length ``n_docs``)."""
        self._check_fitted()
        Q = self.query_matrix([query])
        return np.asarray((Q @ self.WT_).toarray()[0], dtype=np.float64)

    def top_k(self, queries: Sequence[Sequence[str]], k: int = 10, *,
              chunk: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best documents for each query: ``(indices, scores)``, each ``(n_q, k)``.

        Documents with score 0 (no shared term) are never returned; missing places hold -1.
        Queries go ``chunk`` at a time (default: enough to keep each score block near 5 million
        entries).
        """
        self._check_fitted()
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        if chunk is None:
            chunk = int(min(256, max(1, 5_000_000 // max(self.n_docs, 1))))
        idx_parts, val_parts = [], []
        for lo in range(0, max(len(queries), 1), chunk):
            part = queries[lo: lo + chunk]
            if not part:
                break
            S = (self.query_matrix(part) @ self.WT_).tocsr()
            i, v = top_k_rows(S, k)
            idx_parts.append(i)
            val_parts.append(v)
        if not idx_parts:
            return np.empty((0, k), dtype=np.int64), np.empty((0, k))
        return np.vstack(idx_parts), np.vstack(val_parts)

    def matched_terms(self, query: Sequence[str], doc: int, top: int = 6) -> list[tuple[str, float]]:
        """The query terms found in document ``doc`` with their share of the score, largest first."""
        self._check_fitted()
        assert self.W_ is not None
        counts: dict[int, int] = {}
        for t in query:
            j = self.vocabulary_.get(t)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        lo, hi = self.W_.indptr[doc], self.W_.indptr[doc + 1]
        row = dict(zip(self.W_.indices[lo:hi].tolist(), self.W_.data[lo:hi].tolist(), strict=True))
        contrib = [(self.terms_[j], c * row[j]) for j, c in counts.items() if j in row]
        contrib.sort(key=lambda x: (-x[1], x[0]))
        return [(str(t), float(v)) for t, v in contrib[:top]]

    def _check_fitted(self) -> None:
        if self.WT_ is None:
            raise InputError("the BM25 index is empty; call fit() first")

    # -- persistence ---------------------------------------------------------------------------
    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The index as plain frames (terms, postings, document lengths) for a store."""
        self._check_fitted()
        tf = self.tf_
        assert tf is not None
        coo = tf.tocoo()
        return {
            "terms": pd.DataFrame({"term": self.terms_.astype(str)}),
            "postings": pd.DataFrame({"doc": coo.row.astype(np.int32),
                                      "term": coo.col.astype(np.int32),
                                      "tf": coo.data.astype(np.float32)}),
            "docs": pd.DataFrame({"length": self.doc_len_}),
            "params": pd.DataFrame({"k1": [self.k1], "b": [self.b], "idf": [self.idf],
                                    "epsilon": [self.epsilon]}),
        }

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> BM25Index:
        """Rebuild an index written by :meth:`to_frames` (no re-tokenisation)."""
        p = frames["params"].iloc[0]
        self = cls(k1=float(p["k1"]), b=float(p["b"]), idf=str(p["idf"]),  # type: ignore[arg-type]
                   epsilon=float(p["epsilon"]))
        terms = frames["terms"]["term"].astype(str).tolist()
        post = frames["postings"]
        n_docs = len(frames["docs"])
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
        self.terms_ = np.array(terms, dtype=object)
        self.tf_ = sp.csr_matrix((post["tf"].to_numpy(np.float32),
                                  (post["doc"].to_numpy(np.int64), post["term"].to_numpy(np.int64))),
                                 shape=(n_docs, len(terms)))
        self.doc_len_ = frames["docs"]["length"].to_numpy(np.float64)
        self._weigh()
        return self
