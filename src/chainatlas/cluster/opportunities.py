""""What to grow next" for one location: the Atlas ranking of feasibility and attractiveness.

Hausmann et al. (2014) and the Atlas country pages rank the activities a location does not yet
have (RCA < 1) by

.. math::

    \\text{score}_p = w_d\\,(-z(\\mathrm{dist}_{cp})) + w_c\\, z(PCI_p) + w_g\\, z(COG_{cp})

with each input z-scored over the candidate set (population sd). Presets:

=================  =====  =====  =====
strategy           w_d    w_c    w_g
=================  =====  =====  =====
low_hanging        0.60   0.15   0.25
long_jump          0.45   0.20   0.35
balanced           0.50   0.15   0.35
=================  =====  =====  =====

``pci_ceiling`` optionally drops candidates with PCI > ECI_c + ceiling (2.0 for low-hanging fruit
and 2.5 for long jumps on the Atlas pages of lower-income economies).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainatlas.cluster.atlas import ComplexityResult
from chainatlas.exceptions import DataNotFound, InputError

__all__ = ["STRATEGIES", "opportunity_ranking"]

STRATEGIES: dict[str, dict[str, float]] = {
    "low_hanging": {"distance": 0.60, "pci": 0.15, "cog": 0.25},
    "long_jump": {"distance": 0.45, "pci": 0.20, "cog": 0.35},
    "balanced": {"distance": 0.50, "pci": 0.15, "cog": 0.35},
}


def _z(v: np.ndarray) -> np.ndarray:
    sd = np.nanstd(v)
    return (v - np.nanmean(v)) / sd if sd > 0 else np.zeros_like(v)


def opportunity_ranking(result: ComplexityResult, location: object, *,
                        strategy: str = "low_hanging", pci_ceiling: float | None = None,
                        weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Rank the activities with RCA < 1 in ``location`` by the Atlas score.

    Returns
    -------
    DataFrame
        ``activity, rca, density, distance, pci, cog, score, rank``, best first.
    """
    if weights is None:
        if strategy not in STRATEGIES:
            raise InputError(f"unknown strategy {strategy!r}; expected one of "
                             f"{', '.join(STRATEGIES)}")
        weights = STRATEGIES[strategy]
    locs = list(result.locations)
    if location not in locs:
        raise DataNotFound(f"location {location!r} is not in the complexity result")
    c = locs.index(location)
    cand = result.rca[c] < 1.0
    if pci_ceiling is not None:
        cand &= ~(result.pci > result.eci[c] + pci_ceiling)
    idx = np.flatnonzero(cand)
    df = pd.DataFrame({
        "activity": np.asarray(result.activities)[idx], "rca": result.rca[c, idx],
        "density": result.density[c, idx], "distance": result.distance[c, idx],
        "pci": result.pci[idx], "cog": result.cog[c, idx],
    })
    if df.empty:
        return df.assign(score=[], rank=[])
    df["score"] = (weights.get("distance", 0.0) * -_z(df["distance"].to_numpy())
                   + weights.get("pci", 0.0) * _z(df["pci"].to_numpy())
                   + weights.get("cog", 0.0) * _z(df["cog"].to_numpy()))
    df = df.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    return df
