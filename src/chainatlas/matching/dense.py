"""Optional dense retrieval with a sentence-embedding model installed on this machine.

Nothing is ever downloaded. A model is given as a local path:

* a **directory** in sentence-transformers layout (``modules.json`` or
  ``config_sentence_transformers.json``), loaded with ``sentence_transformers`` when that package is
  installed;
* an **``.npz`` file** of static token vectors (arrays ``tokens`` — strings — and ``vectors`` —
  ``(n_tokens, dim)`` floats), read with numpy only: a text's vector is the mean of the vectors of
  its index terms (from :class:`~chainatlas.matching.text.Analyzer`), characters of unknown Chinese
  words standing in for the word.

Any callable ``embed(texts) -> ndarray (n, dim)`` can be injected instead (tests do that).
Cosine similarity ranks documents: rows are L2-normalised once, and a batch of queries is one
matrix product followed by a partial sort.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chainatlas.exceptions import InputError, ModelError
from chainatlas.matching.text import Analyzer

__all__ = [
    "DenseIndex",
    "Embedder",
    "ModelUnavailable",
    "StaticEmbedder",
    "load_embedder",
]

#: ``embed(texts) -> (n, dim)`` array; rows need not be normalised.
Embedder = Callable[[Sequence[str]], np.ndarray]


class ModelUnavailable(ModelError):
    """No usable local sentence-embedding model (the message says what is missing)."""


def _l2_rows(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2:
        raise ModelError(f"an embedding function must return a 2-D array, got shape {X.shape}")
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


@dataclass
class StaticEmbedder:
    """Mean of static token vectors (an ``.npz`` with ``tokens`` and ``vectors``)."""

    tokens: np.ndarray
    vectors: np.ndarray
    analyzer: Analyzer = field(default_factory=Analyzer)

    def __post_init__(self) -> None:
        self._index = {str(t): i for i, t in enumerate(self.tokens.tolist())}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        dim = self.vectors.shape[1]
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for r, text in enumerate(texts):
            ids: list[int] = []
            for term in self.analyzer.tokens(text):
                j = self._index.get(term)
                if j is not None:
                    ids.append(j)
                else:
                    ids.extend(self._index[c] for c in term if c in self._index)
            if ids:
                out[r] = self.vectors[ids].mean(axis=0)
        return out


def load_embedder(path: str | Path | None, analyzer: Analyzer | None = None) -> Embedder:
    """Load a local sentence-embedding model (see the module docstring for the accepted forms).

    Raises
    ------
    ModelUnavailable
        When ``path`` is empty or missing, or its format needs a package that is not installed.
    """
    if path is None or str(path).strip() == "":
        raise ModelUnavailable(
            "no sentence-embedding model given: pass --model PATH (a local sentence-transformers "
            "folder or an .npz of token vectors); models are never downloaded")
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelUnavailable(f"sentence-embedding model not found at {p}; models are never "
                               "downloaded, install one locally and pass its path")
    if p.is_file() and p.suffix == ".npz":
        with np.load(p, allow_pickle=False) as z:
            if "tokens" not in z or "vectors" not in z:
                raise ModelUnavailable(f"{p} must hold arrays 'tokens' and 'vectors'")
            tokens, vectors = z["tokens"].astype(str), z["vectors"].astype(np.float32)
        if vectors.ndim != 2 or len(tokens) != len(vectors):
            raise ModelUnavailable(f"{p}: 'vectors' must be (len(tokens), dim), got {vectors.shape}")
        return StaticEmbedder(tokens, vectors, analyzer or Analyzer())
    if p.is_dir() and ((p / "modules.json").exists() or (p / "config_sentence_transformers.json").exists()):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ModelUnavailable(
                f"{p} is a sentence-transformers model but the package 'sentence-transformers' "
                "is not installed") from None
        model = SentenceTransformer(str(p), device="cpu", local_files_only=True)

        def embed(texts: Sequence[str]) -> np.ndarray:
            return np.asarray(model.encode(list(texts), batch_size=64, show_progress_bar=False))

        return embed
    hint = ""
    if p.is_dir() and (p / "config.json").exists():
        hint = json.dumps({"found": "config.json", "needs": "modules.json"})
    raise ModelUnavailable(f"unrecognised model at {p}: expected a sentence-transformers folder "
                           f"or an .npz of token vectors {hint}".rstrip())


@dataclass
class DenseIndex:
    """Cosine-similarity index over document embeddings."""

    embed: Embedder
    E_: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.float32))

    def fit(self, texts: Sequence[str], batch: int = 4096) -> DenseIndex:
        """Embed and L2-normalise ``texts``."""
        parts = [_l2_rows(self.embed(texts[i: i + batch])) for i in range(0, len(texts), batch)]
        self.E_ = np.vstack(parts) if parts else np.empty((0, 0), dtype=np.float32)
        return self

    def top_k(self, queries: Sequence[str], k: int = 10, *,
              chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar documents per query: ``(indices, cosines)``, each ``(n_q, k)``.

        Only documents with a positive cosine are returned; missing places hold -1.
        """
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        n = len(self.E_)
        idx = np.full((len(queries), k), -1, dtype=np.int64)
        val = np.zeros((len(queries), k), dtype=np.float64)
        if n == 0 or not len(queries):
            return idx, val
        kk = min(k, n)
        for lo in range(0, len(queries), chunk):
            Qe = _l2_rows(self.embed(queries[lo: lo + chunk]))
            if Qe.shape[1] != self.E_.shape[1]:
                raise ModelError(f"query embeddings have dimension {Qe.shape[1]}, documents "
                                 f"{self.E_.shape[1]}")
            S = Qe @ self.E_.T
            part = np.argpartition(-S, kk - 1, axis=1)[:, :kk]
            for r in range(len(S)):
                cols = part[r]
                vals = S[r, cols]
                order = np.lexsort((cols, -vals))
                cols, vals = cols[order], vals[order]
                keep = vals > 0
                m = int(keep.sum())
                idx[lo + r, :m] = cols[keep]
                val[lo + r, :m] = vals[keep]
        return idx, val
