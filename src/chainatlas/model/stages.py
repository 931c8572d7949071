"""Default ``segments.stage`` where a dataset has no such notion: from the bill of materials.

For the directed BOM graph (input segment → consuming segment), the depth ``d`` of a segment is
the longest path from a segment with no inputs, its height ``h`` the longest path to a segment
no other segment consumes. With ``p = d / (d + h)`` the segment is ``upstream`` when
``p < 1/3``, ``downstream`` when ``p > 2/3`` and ``midstream`` otherwise; a segment outside the
BOM (``d = h = 0``) is ``midstream``. So a two-level BOM gives upstream inputs and downstream
products, and a long chain splits into thirds by position. Paths are counted on the BOM rows of
the dataset (all of them, whatever the chain); a cycle, which the import refuses, would only cap
the lengths at the number of segments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["bom_stages", "fill_stages"]


def _longest(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Longest path (edges) ending at each node, by relaxation in topological order (Kahn)."""
    out = np.zeros(n, dtype=np.int64)
    if not len(src):
        return out
    order = np.argsort(src, kind="stable")
    s, d = src[order], dst[order]
    ptr = np.searchsorted(s, np.arange(n + 1))
    indeg = np.bincount(d, minlength=n)
    queue = list(np.flatnonzero(indeg == 0))
    head = 0
    while head < len(queue):
        u = queue[head]
        head += 1
        for v in d[ptr[u]:ptr[u + 1]]:
            out[v] = max(out[v], out[u] + 1)
            indeg[v] -= 1
            if indeg[v] == 0:
                queue.append(v)
    if head < n:  # a cycle: cap by n (the import refuses these)
        out = np.minimum(np.where(indeg > 0, n, out), n)
    return out


def bom_stages(segment_ids: pd.Series, segment_inputs: pd.DataFrame) -> pd.Series:
    """The default stage of every segment (module docstring), indexed like ``segment_ids``."""
    ids = pd.Index(segment_ids.astype(str))
    n = len(ids)
    if len(segment_inputs) and {"segment", "input_segment"} <= set(segment_inputs.columns):
        dst = ids.get_indexer(pd.Index(segment_inputs["segment"].astype(str)))
        src = ids.get_indexer(pd.Index(segment_inputs["input_segment"].astype(str)))
        ok = (src >= 0) & (dst >= 0) & (src != dst)
        src, dst = src[ok].astype(np.int64), dst[ok].astype(np.int64)
    else:
        src = dst = np.zeros(0, dtype=np.int64)
    depth = _longest(n, src, dst)
    height = _longest(n, dst, src)
    tot = depth + height
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tot > 0, depth / np.where(tot > 0, tot, 1), 0.5)
    stage = np.where(p < 1 / 3, "upstream", np.where(p > 2 / 3, "downstream", "midstream"))
    return pd.Series(stage, index=segment_ids.index, dtype="string")


def fill_stages(segments: pd.DataFrame, segment_inputs: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """``segments`` with empty stages filled from the BOM, and how many were filled."""
    if not len(segments):
        return segments, 0
    stage = (segments["stage"].astype("string") if "stage" in segments.columns
             else pd.Series(pd.NA, index=segments.index, dtype="string"))
    missing = stage.isna() | (stage.str.strip() == "")
    if not missing.any():
        return segments, 0
    out = segments.copy()
    out["stage"] = stage.where(~missing, bom_stages(segments["id"], segment_inputs))
    return out, int(missing.sum())
