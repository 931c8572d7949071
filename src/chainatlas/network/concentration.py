"""Per-segment size, concentration and foreign dependence.

For a segment with firm sizes :math:`q_i` (see :func:`row_size`), the Herfindahl–Hirschman index
by firm and by region (Hirschman 1964; US DOJ/FTC Horizontal Merger Guidelines, 2023) is

.. math:: \\mathrm{HHI} = \\sum_k \\Big(\\frac{Q_k}{\\sum_j Q_j}\\Big)^2 \\in (0, 1],

with :math:`Q_k` the size of firm ``k`` or the summed size of region ``k`` (1 = one firm or one
region holds everything; the Guidelines' "highly concentrated" threshold 1,800 on the 0–10,000
scale is 0.18 here). The foreign share is :math:`\\sum_{i\\,\\mathrm{foreign}} q_i / \\sum_i q_i`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.network.graph import FirmGraph

__all__ = ["row_size", "segment_stats"]

_F64 = npt.NDArray[np.float64]
_BOOL = npt.NDArray[np.bool_]


def row_size(graph: FirmGraph) -> tuple[_F64, npt.NDArray[np.object_]]:
    """Size of every firm–segment row and the basis used per row.

    Within each segment the basis is output value (10,000 CNY/yr) when any row has it, else
    capacity (units/day) when any row has it, else a count of 1 per firm; rows missing the chosen
    basis take the segment's median of the known values.
    """
    seg = graph.fs_segment.astype(np.int64)
    out = graph.fs_output_value
    cap = graph.fs_capacity
    frame = pd.DataFrame({"seg": seg, "out": out, "cap": cap})
    has_out = frame.groupby("seg")["out"].transform("count").to_numpy() > 0
    has_cap = frame.groupby("seg")["cap"].transform("count").to_numpy() > 0
    med_out = frame.groupby("seg")["out"].transform("median").to_numpy()
    med_cap = frame.groupby("seg")["cap"].transform("median").to_numpy()
    size = np.where(has_out, np.where(np.isnan(out), med_out, out),
                    np.where(has_cap, np.where(np.isnan(cap), med_cap, cap), 1.0))
    basis = np.where(has_out, "output_value", np.where(has_cap, "capacity", "firms"))
    return np.asarray(size, dtype=np.float64), np.asarray(basis, dtype=object)


def _hhi(seg: npt.NDArray[np.int64], key: npt.NDArray[np.int64], size: _F64, m: int) -> _F64:
    """HHI of ``size`` summed by ``key`` within each segment."""
    frame = pd.DataFrame({"seg": seg, "key": key, "q": size})
    by = frame.groupby(["seg", "key"], sort=False)["q"].sum().reset_index()
    tot = by.groupby("seg")["q"].transform("sum")
    by["s2"] = np.where(tot > 0, (by["q"] / tot) ** 2, np.nan)
    out = np.full(m, np.nan)
    h = by.groupby("seg")["s2"].sum(min_count=1)
    out[h.index.to_numpy()] = h.to_numpy()
    return out


def segment_stats(graph: FirmGraph, local: _BOOL | None = None, *,
                  classes: npt.NDArray[np.object_] | None = None) -> pd.DataFrame:
    """Size, concentration and foreign share of every segment.

    Parameters
    ----------
    graph : FirmGraph
    local : ndarray of bool, shape (n,), optional
        Firms of the area of interest; ``*_local`` columns sum over them.
    classes : ndarray of str, shape (n,), optional
        Location class per firm (``mainland``, ``hmt``, ``foreign``, ``unknown``; default
        :func:`chainatlas.network.graph.firm_classes` with 港澳台 kept separate). Domestic
        firms are the mainland ones: an unknown location is not domestic.

    Returns
    -------
    DataFrame indexed by segment index (0..m-1) with columns
        ``firms``, ``firms_local``, ``firms_domestic``, ``capacity`` and ``capacity_local``
        (units/day), ``output`` and ``output_local`` (10,000 CNY/yr), ``size``, ``size_local``
        (in the segment's ``basis``), ``local_share`` (size_local / size), ``hhi_firm``,
        ``hhi_region``, ``top_region``, ``top_region_share``, ``foreign_share``,
        ``hmt_share`` (港澳台), ``unknown_share`` (location unknown), ``basis``.
    """
    m = graph.n_segments
    seg = graph.fs_segment.astype(np.int64)
    ok = seg >= 0
    seg = seg[ok]
    firm = graph.fs_firm[ok].astype(np.int64)
    size_all, basis_all = row_size(graph)
    size, basis = size_all[ok], basis_all[ok]
    loc = np.ones(graph.n_firms, dtype=bool) if local is None else np.asarray(local, dtype=bool)
    is_local = loc[firm]
    if classes is None:
        from chainatlas.network.graph import firm_classes

        classes = firm_classes(graph)
    cls = np.asarray(classes, dtype=object)[firm]
    foreign = cls == "foreign"
    hmt = cls == "hmt"
    unknown = cls == "unknown"
    cap = np.nan_to_num(graph.fs_capacity[ok])
    out = np.nan_to_num(graph.fs_output_value[ok])

    def _sum(w: _F64, mask: _BOOL | None = None) -> _F64:
        ww = w if mask is None else np.where(mask, w, 0.0)
        return np.asarray(np.bincount(seg, weights=ww, minlength=m), dtype=np.float64)

    ones = np.ones(len(seg))
    region_codes, firm_region_idx = graph.region_index()
    region_idx = firm_region_idx[firm]
    stats = pd.DataFrame({
        "firms": _sum(ones).astype(np.int64),
        "firms_local": _sum(ones, is_local).astype(np.int64),
        "firms_domestic": _sum(ones, cls == "mainland").astype(np.int64),
        "capacity": _sum(cap),
        "capacity_local": _sum(cap, is_local),
        "output": _sum(out),
        "output_local": _sum(out, is_local),
        "size": _sum(size),
        "size_local": _sum(size, is_local),
        "foreign_size": _sum(size, foreign),
        "hmt_size": _sum(size, hmt),
        "unknown_size": _sum(size, unknown),
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        stats["local_share"] = stats["size_local"] / stats["size"]
        stats["foreign_share"] = stats["foreign_size"] / stats["size"]
        stats["hmt_share"] = stats["hmt_size"] / stats["size"]
        stats["unknown_share"] = stats["unknown_size"] / stats["size"]
    stats["hhi_firm"] = _hhi(seg, firm, size, m)
    stats["hhi_region"] = _hhi(seg, region_idx.astype(np.int64), size, m)
    top_region = np.full(m, "", dtype=object)
    top_share = np.full(m, np.nan)
    if len(seg):
        by = pd.DataFrame(pd.DataFrame({"seg": seg, "r": region_idx, "q": size})
                          .groupby(["seg", "r"], as_index=False)["q"].sum())
        tot = by.groupby("seg")["q"].transform("sum")
        by["share"] = np.where(tot > 0, by["q"] / tot, np.nan)
        best = by.sort_values(["seg", "share"], ascending=[True, False]).drop_duplicates("seg")
        top_region[best["seg"].to_numpy()] = region_codes[best["r"].to_numpy()]
        top_share[best["seg"].to_numpy()] = best["share"].to_numpy()
    stats["top_region"] = top_region
    stats["top_region_share"] = top_share
    seg_basis = np.full(m, "firms", dtype=object)
    if len(seg):
        seg_basis[seg] = basis
    stats["basis"] = seg_basis
    return stats.drop(columns=["foreign_size", "hmt_size", "unknown_size"])
