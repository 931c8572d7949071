"""Chain health score (产业链健康度), 0–100 per segment and per chain, with its components.

Each component is in [0, 1]; the score is 100 × the weighted mean of the components that are
defined (weights renormalised over them, so a dataset without innovation assets is scored on the
other four):

==================  ======  ==========================================================================
component           weight  segment value (chain value)
==================  ======  ==========================================================================
completeness        0.30    1 if the area has a firm in the segment (share of segments present)
self_sufficiency    0.25    local share of the segment's size, capped at 1 (mean over segments)
concentration       0.15    1 − HHI by firm of the segment's supply base (mean over segments with firms)
innovation          0.15    local innovation / the largest of any segment (mean); innovation is the
                            count of innovation assets owned by local firms of the segment, or,
                            when no asset names a firm as owner, their output-weighted R&D intensity
anchors             0.15    1 with a local 链主, 0.5 with a local anchor firm by output, else 0 (mean)
==================  ======  ==========================================================================

This is the multi-dimensional indicator approach (多维指标体系法) planners use for 产业链健康度:
completeness, clustering, firm quality and innovation (see the product notes in DESIGN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["WEIGHTS", "chain_health", "segment_health"]

WEIGHTS: dict[str, float] = {
    "completeness": 0.30,
    "self_sufficiency": 0.25,
    "concentration": 0.15,
    "innovation": 0.15,
    "anchors": 0.15,
}


def _score(comp: pd.DataFrame) -> np.ndarray:
    w = np.array([WEIGHTS[c] for c in WEIGHTS])
    vals = comp[[f"h_{c}" for c in WEIGHTS]].to_numpy(dtype=float)
    have = ~np.isnan(vals)
    wsum = (have * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(wsum > 0, 100.0 * np.nansum(vals * w, axis=1) / wsum, np.nan)


def segment_health(table: pd.DataFrame) -> pd.DataFrame:
    """Health components ``h_*`` and ``health`` (0–100) per segment row of a chain map table."""
    present = table["firms_local"].to_numpy() > 0
    value = table["innovation"].to_numpy(dtype=float)
    top = np.nanmax(value) if np.isfinite(value).any() else np.nan
    innov = np.full(len(table), np.nan) if not np.isfinite(top) else (
        np.where(present, np.nan_to_num(value), 0.0) / top if top > 0 else np.zeros(len(table)))
    anchors = np.where(table["has_chain_leader"].to_numpy(dtype=bool), 1.0,
                       np.where(table["anchor_by_output"].astype(str).to_numpy() != "", 0.5, 0.0))
    hhi = table["hhi_firm"].to_numpy(dtype=float)
    comp = pd.DataFrame({
        "h_completeness": present.astype(float),
        "h_self_sufficiency": np.clip(np.nan_to_num(table["local_share"].to_numpy(dtype=float)),
                                      0.0, 1.0),
        "h_concentration": np.where(np.isnan(hhi), np.nan, 1.0 - hhi),
        "h_innovation": innov,
        "h_anchors": anchors,
    }, index=table.index)
    comp["health"] = _score(comp)
    return comp


def chain_health(table: pd.DataFrame) -> pd.DataFrame:
    """Per chain: segments, segments present locally, each component and the 0–100 score."""
    key = table["chain"].astype(object).fillna("").astype(str) if "chain" in table \
        else pd.Series([""] * len(table))
    rows = []
    for chain, part in table.groupby(key.to_numpy(), sort=True):
        row = {"chain": chain, "segments": len(part),
               "segments_present": int((part["firms_local"] > 0).sum()),
               "segments_strong": int((part["status"] == "strong").sum())}
        for c in WEIGHTS:
            vals = part[f"h_{c}"].to_numpy(dtype=float)
            row[f"h_{c}"] = float(np.nanmean(vals)) if np.isfinite(vals).any() else np.nan
        rows.append(row)
    out = pd.DataFrame(rows, columns=["chain", "segments", "segments_present", "segments_strong",
                                      *[f"h_{c}" for c in WEIGHTS]])
    out["health"] = _score(out) if len(out) else []
    return out
