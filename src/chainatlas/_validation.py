"""Validation helpers below every other layer (no chainatlas imports).

Vectorised checks report a boolean mask over the rows; these helpers turn it into the positions
and plain values a message shows. The problem collector built on them lives with the readers
(:mod:`chainatlas.readers.problems`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAX_LISTED", "flagged_positions", "plain_value"]

#: How many problems a validation error lists (all are counted).
MAX_LISTED = 20


def plain_value(v: Any) -> Any:
    """A cell value fit for a message: missing values as ``None``, numpy scalars as Python ones."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def flagged_positions(mask: np.ndarray, limit: int = MAX_LISTED) -> tuple[np.ndarray, int]:
    """The first ``limit`` positions where ``mask`` is true, and how many there are in all.

    >>> flagged_positions(np.array([False, True, True, False, True]), limit=2)
    (array([1, 2]), 3)
    """
    idx = np.flatnonzero(mask)
    return idx[:limit], int(idx.size)
