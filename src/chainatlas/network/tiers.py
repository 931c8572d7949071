"""Tier-1..K suppliers of a firm (breadth-first search upstream on the in-edge CSR index).

A firm is a tier-``k`` supplier of the focal firm when its shortest supply path into the focal
firm has ``k`` links. Each level of the search is one vectorised gather over the CSR index.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.network.graph import FirmGraph

__all__ = ["gather_edges", "supplier_tiers"]

_I64 = npt.NDArray[np.int64]


def gather_edges(indptr: _I64, order: _I64, nodes: npt.ArrayLike) -> _I64:
    """Edge indices of all CSR rows ``nodes`` concatenated (no Python loop)."""
    nd = np.asarray(nodes, dtype=np.int64)
    starts, ends = indptr[nd], indptr[nd + 1]
    lens = ends - starts
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offs = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    return np.asarray(order[np.repeat(starts, lens) + offs], dtype=np.int64)


def supplier_tiers(graph: FirmGraph, firm: int, depth: int = 3) -> pd.DataFrame:
    """Suppliers of ``firm`` up to ``depth`` tiers.

    Parameters
    ----------
    graph : FirmGraph
    firm : int
        Node index of the focal firm.
    depth : int
        Deepest tier (≥ 1).

    Returns
    -------
    DataFrame
        One row per supplier: ``tier``, ``firm``, ``region``, ``segment`` (its main segment),
        ``supplies`` (segments it ships to firms of the tier below, ``;``-joined) and
        ``customers`` (how many firms of the tier below it supplies), ordered by tier then firm.
    """
    if depth < 1:
        raise InputError(f"depth must be ≥ 1, got {depth}")
    if not 0 <= firm < graph.n_firms:
        raise InputError(f"firm must be a node index in [0, {graph.n_firms})")
    tier = np.full(graph.n_firms, -1, dtype=np.int64)
    tier[firm] = 0
    frontier = np.array([firm], dtype=np.int64)
    parts = []
    for k in range(1, depth + 1):
        edges = gather_edges(graph.in_indptr, graph.in_order, frontier)
        if len(edges) == 0:
            break
        sup = graph.src[edges].astype(np.int64)
        new = tier[sup] < 0
        if not new.any():
            break
        edges, sup = edges[new], sup[new]
        tier[np.unique(sup)] = k
        parts.append(pd.DataFrame({"tier": k, "node": sup, "customer": graph.dst[edges],
                                   "seg": graph.edge_segment[edges]}))
        frontier = np.unique(sup)
    if not parts:
        return pd.DataFrame(columns=["tier", "firm", "region", "segment", "supplies", "customers"])
    links = pd.concat(parts, ignore_index=True)
    seg_ids = np.append(graph.segment_ids.astype(str), "")
    links["supplies"] = seg_ids[links["seg"].to_numpy()]
    agg = links.groupby(["tier", "node"], sort=True).agg(
        supplies=("supplies", lambda s: ";".join(sorted({x for x in s if x}))),
        customers=("customer", "nunique"),
    ).reset_index()
    node = agg["node"].to_numpy()
    fseg = graph.firm_segment[node]
    return pd.DataFrame({
        "tier": agg["tier"].to_numpy(),
        "firm": graph.firm_ids[node].astype(str),
        "region": graph.firm_region[node].astype(str),
        "segment": np.where(fseg >= 0, seg_ids[fseg], ""),
        "supplies": agg["supplies"].to_numpy(),
        "customers": agg["customers"].to_numpy(),
    }).sort_values(["tier", "firm"], kind="stable").reset_index(drop=True)
