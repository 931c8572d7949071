r"""Demand along the tiers: end demand propagated upstream through the bill of materials.

With :math:`Q_{ij}` the units of segment *i* consumed per unit of segment *j*
(``segment_inputs.quantity``), the gross requirement :math:`x` for an end demand :math:`d` solves

.. math::

    x = d + Q x \quad\Longleftrightarrow\quad (I - Q)\,x = d,

the material-requirements analogue of the Leontief quantity model (Orlicky 1975; Miller & Blair
2009, eq. 2.11 with physical coefficients). The bill of materials is acyclic, so :math:`I - Q` is
unit triangular after a topological order and always solvable; we solve with a sparse LU rather
than forming an inverse. Comparing :math:`x_i` with the orders suppliers of *i* actually received
shows where orders run ahead of (stock build-up, bullwhip) or behind (destocking) end demand.

Tiers: an end segment (a segment with orders that feeds no other segment with orders, see
:func:`end_segments`) is tier 0; a segment's tier is the longest BOM path from it down to an end
segment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from chainatlas.exceptions import InputError, ModelError

__all__ = ["Bom", "demand_along_tiers", "end_segments", "propagate_demand", "segment_tiers"]


@dataclass
class Bom:
    """A bill of materials as a sparse matrix: ``Q[i, j]`` units of ``ids[i]`` per unit of
    ``ids[j]``."""

    ids: list[str]
    Q: sp.csc_matrix

    @classmethod
    def from_frame(cls, segment_inputs: pd.DataFrame,
                   segments: Sequence[str] | None = None) -> Bom:
        """From ``segment_inputs`` rows (``segment, input_segment, quantity``; a missing
        quantity counts as 1)."""
        si = segment_inputs
        ids = list(dict.fromkeys([*(segments or []), *si["segment"].astype(str),
                                  *si["input_segment"].astype(str)]))
        pos = {s: i for i, s in enumerate(ids)}
        q = pd.to_numeric(si["quantity"], errors="coerce").fillna(1.0).to_numpy(dtype=float) \
            if "quantity" in si else np.ones(len(si))
        if (q < 0).any():
            raise InputError("segment_inputs.quantity must be ≥ 0")
        rows = [pos[s] for s in si["input_segment"].astype(str)]
        cols = [pos[s] for s in si["segment"].astype(str)]
        n = len(ids)
        Q = sp.csc_matrix((q, (rows, cols)), shape=(n, n))
        return cls(ids, Q)

    def index(self, segment: str) -> int:
        return self.ids.index(segment)


def segment_tiers(bom: Bom, among: Iterable[str] | None = None) -> pd.Series:
    """Tier of each segment: 0 for end segments, else the longest BOM path to an end segment.

    With ``among`` only consumers in that set count (e.g. the segments that report orders), so
    a segment whose consumers are all outside it is an end segment.
    """
    n = len(bom.ids)
    Q = bom.Q.tocsr()
    keep = None if among is None else np.isin(np.asarray(bom.ids, dtype=object),
                                              list(set(among)))
    consumers = [Q.indices[Q.indptr[i]:Q.indptr[i + 1]] for i in range(n)]
    if keep is not None:
        consumers = [c[keep[c]] for c in consumers]
    tier = np.full(n, -1, dtype=np.int64)
    visiting = np.zeros(n, dtype=bool)

    def depth(i: int) -> int:
        if tier[i] >= 0:
            return int(tier[i])
        if visiting[i]:
            raise ModelError(f"the bill of materials has a cycle through {bom.ids[i]}")
        visiting[i] = True
        cons = consumers[i]
        t = 0 if len(cons) == 0 else 1 + max(depth(int(j)) for j in cons)
        visiting[i] = False
        tier[i] = t
        return t

    for i in range(n):
        depth(i)
    return pd.Series(tier, index=bom.ids, name="tier")


def propagate_demand(bom: Bom, end_demand: pd.Series | dict[str, float]) -> pd.Series:
    """Gross requirement :math:`x = (I - Q)^{-1} d` of every segment (units of that segment).

    Parameters
    ----------
    bom : Bom
    end_demand : Series or dict
        Segment → demand (units per period); segments not in the BOM raise InputError.
    """
    d_in = pd.Series(end_demand, dtype=float)
    unknown = [s for s in d_in.index if s not in bom.ids]
    if unknown:
        raise InputError(f"end demand for segments not in the bill of materials: {unknown[:5]}")
    d = d_in.reindex(bom.ids).fillna(0.0).to_numpy()
    n = len(bom.ids)
    A = (sp.identity(n, format="csc") - bom.Q).tocsc()
    x = splu(A).solve(d)
    return pd.Series(x, index=bom.ids, name="requirement")


def end_segments(bom: Bom, reporting: Iterable[str]) -> list[str]:
    """Reporting segments that feed no other reporting segment, directly or further down.

    Segment *s* feeds *v* when the gross requirement of *s* for one unit of *v* is positive;
    a segment whose direct consumer is unobserved (no or suppressed orders) but which still
    feeds an observed segment further down is therefore not taken for end demand.
    """
    rep = [s for s in dict.fromkeys(reporting) if s in bom.ids]
    if not rep:
        return []
    n = len(bom.ids)
    lu = splu((sp.identity(n, format="csc") - bom.Q).tocsc())
    rhs = np.zeros((n, len(rep)))
    for j, v in enumerate(rep):
        rhs[bom.index(v), j] = 1.0
    req = lu.solve(rhs)
    pos = [bom.index(s) for s in rep]
    ends = []
    for a, s in enumerate(rep):
        feeds = [b for b in range(len(rep)) if b != a and req[pos[a], b] > 1e-15]
        if not feeds:
            ends.append(s)
    return ends


def demand_along_tiers(orders: pd.DataFrame, bom: Bom) -> pd.DataFrame:
    """Implied versus received orders by segment and period.

    Parameters
    ----------
    orders : DataFrame
        ``segment, period, value``: orders received by the segment's suppliers (summed over firms).
    bom : Bom

    Returns
    -------
    DataFrame
        ``period, segment, tier, implied, received, gap, ratio`` where ``implied`` is the gross
        requirement from the period's orders for end segments (tier 0), ``gap = received −
        implied`` and ``ratio = received / implied``.
    """
    end = set(end_segments(bom, orders["segment"].astype(str)))
    if end:
        reach = propagate_demand(bom, dict.fromkeys(end, 1.0))
        tiers = segment_tiers(bom, among=reach.index[reach > 0])
    else:
        tiers = segment_tiers(bom)
    o = orders.groupby(["period", "segment"], sort=True)["value"].sum()
    out = []
    for period, block in o.groupby(level=0, sort=True):
        rec = block.droplevel(0)
        rec = rec[rec.index.isin(bom.ids)]
        d = rec[rec.index.isin(end)]
        if d.empty:
            continue
        x = propagate_demand(bom, d)
        seg = [s for s in bom.ids if s in rec.index or x[s] > 0]
        received = rec.reindex(seg)
        implied = x.reindex(seg)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = received / implied.where(implied > 0)
        out.append(pd.DataFrame({"period": period, "segment": seg,
                                 "tier": tiers.reindex(seg).to_numpy(),
                                 "implied": implied.to_numpy(), "received": received.to_numpy(),
                                 "gap": (received - implied).to_numpy(),
                                 "ratio": ratio.to_numpy()}))
    cols = ["period", "segment", "tier", "implied", "received", "gap", "ratio"]
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.concat(out, ignore_index=True)[cols]
