"""Generated multi-echelon stage chains in the Willems (2008) file layout (for benchmarks).

Layers from parts to retail: ``Part`` stages (no inputs), several ``Manuf`` levels, ``Dist`` and
``Retail`` stages with external demand. Every non-part stage draws its inputs from the layers
above it (more from the next one), so the chain is acyclic like the published ones; units per
input are 1–4, costs and demands log-normal. The sizes match the published chains' range (chain
38: 2,025 stages and 16,225 arcs).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from chainatlas._types import PathArg

__all__ = ["write_stage_chain"]

HEADER = ["stage_id", "lead_time", "max_s_time", "cost_rate", "risk_pool", "ext_demand_mean",
          "ext_demand_std", "ext_demand_thres", "up_stages"]


def write_stage_chain(path: PathArg, n_stages: int, n_arcs: int, *, seed: int = 0) -> Path:
    """Write a generated chain of ``n_stages`` stages and about ``n_arcs`` arcs; returns the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_stage_chain(pathlib.Path(tempfile.mkdtemp()) / "c.csv", 50, 200)
    >>> p.read_text().splitlines()[0].startswith("stage_id,lead_time")
    True
    """
    if n_stages < 4:
        raise ValueError("a stage chain needs at least 4 stages")
    rng = np.random.default_rng(seed)
    n_part = max(1, int(0.45 * n_stages))
    n_retail = max(1, int(0.12 * n_stages))
    n_dist = max(1, int(0.08 * n_stages))
    n_manuf = max(1, n_stages - n_part - n_retail - n_dist)
    levels = 3
    kinds = (["Part"] * n_part + ["Manuf"] * n_manuf + ["Dist"] * n_dist + ["Retail"] * n_retail)
    layer = np.concatenate([np.zeros(n_part), 1 + np.arange(n_manuf) * levels // n_manuf,
                            np.full(n_dist, levels + 1), np.full(n_retail, levels + 2)])
    counters: dict[str, int] = {}
    ids = []
    for k in kinds:
        counters[k] = counters.get(k, 0) + 1
        ids.append(f"{k}_{counters[k]:04d}")
    per = max(1.0, n_arcs / max(n_manuf + (n_dist + n_retail) / 4, 1))
    p = Path(path)
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for j in range(n_stages):
            lead = float(rng.integers(1, 30))
            cost = round(float(rng.lognormal(1.5, 1.0)), 2)
            row: list[object] = [ids[j], lead, "", cost, 2, "", "", ""]
            if kinds[j] == "Retail":
                row[3] = 0
                row[5] = round(float(rng.lognormal(3.0, 1.0)), 1)
                row[6] = round(float(row[5]) * 0.2, 2)  # type: ignore[arg-type]
                row[7] = 1.645
            if layer[j] > 0:
                prev = np.flatnonzero(layer == layer[j] - 1)
                above = np.flatnonzero(layer < layer[j])
                k = int(min(len(above), max(1, rng.poisson(per))))
                if kinds[j] in ("Dist", "Retail"):
                    k = int(min(len(prev), max(1, k // 4)))
                    ups = rng.choice(prev, size=k, replace=False)
                else:
                    near = int(min(len(prev), max(1, k // 2)))
                    ups = np.union1d(rng.choice(prev, size=near, replace=False),
                                     rng.choice(above, size=k - near, replace=False)
                                     if k > near else np.zeros(0, dtype=np.int64))
                for u in np.unique(ups).tolist():
                    row += [ids[u], int(rng.integers(1, 5))]
            w.writerow(row)
    return p
