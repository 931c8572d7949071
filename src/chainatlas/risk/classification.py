"""A default essentiality classification for input-output sector data.

Where no survey-based classification (as the one Diem et al. 2022 used for NACE sectors) is at
hand, an input sector *k* of customer sector *l* is taken as **essential** (2) when its
technical coefficient :math:`a_{kl} = Z_{kl} / x_l` is at least ``threshold`` (5 % of the
customer's output by default), **non-essential** (1) when positive and **irrelevant** (0) when
zero.

>>> io_default_essentiality([[0.2, 0.01], [0.0, 0.06]]).tolist()
[[2, 1], [0, 2]]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from chainatlas.exceptions import InputError

__all__ = ["io_default_essentiality"]


def io_default_essentiality(A: npt.ArrayLike, threshold: float = 0.05) -> npt.NDArray[np.int64]:
    """Class matrix ``[supplier sector, customer sector]`` from technical coefficients ``A``."""
    a = np.asarray(A, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise InputError(f"A must be a square sector × sector matrix, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or a.min(initial=0.0) < 0:
        raise InputError("technical coefficients must be finite and ≥ 0")
    out = np.where(a >= threshold, 2, np.where(a > 0, 1, 0))
    return out.astype(np.int64)
