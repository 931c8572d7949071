"""A real, deterministic embedding function for tests: hashed character n-gram counts."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from chainatlas.matching.text import normalize_text


def hashed_ngrams(texts: Sequence[str], dim: int = 512) -> np.ndarray:
    """Character 1- and 2-grams of the normalised text hashed (CRC-32) into ``dim`` buckets."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for r, text in enumerate(texts):
        s = normalize_text(str(text)).replace(" ", "")
        grams = list(s) + [s[i: i + 2] for i in range(len(s) - 1)]
        for g in grams:
            out[r, zlib.crc32(g.encode("utf-8")) % dim] += 1.0
    return out
