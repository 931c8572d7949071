"""What an analysis protects: the target's output as a weight per firm.

A target is a firm (weight 1 on that firm), a segment (the size of each firm in that segment,
see :func:`~chainatlas.network.concentration.row_size`), or — with no target — the chain's final
output: the firms of the *final segments*, those the bill of materials never uses as an input
(firms without customers when there is no bill of materials).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import DataNotFound
from chainatlas.network.concentration import row_size
from chainatlas.network.graph import FirmGraph, _arrow_str, _positions

__all__ = ["Target", "final_segments", "resolve_target"]

_F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Target:
    """A resolved target: its kind (``firm``, ``segment`` or ``chain``), id and weights."""

    kind: str
    id: str
    weight: _F64
    firms: npt.NDArray[np.int64]

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "id": self.id, "firms": len(self.firms),
                "total_weight": float(self.weight.sum())}


def final_segments(graph: FirmGraph, segment_inputs: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Indices of the chain's finished-product segments.

    A segment is final when it has firms and no essential segment consumes it (a non-essential
    consumer such as sales or after-sales service does not make a product intermediate); when
    some final segments are essential, only those are kept.
    """
    with_firms = np.zeros(graph.n_segments, dtype=bool)
    ok = graph.fs_segment >= 0
    with_firms[graph.fs_segment[ok]] = True
    if len(segment_inputs) == 0:
        return np.zeros(0, dtype=np.int64)
    sidx = _arrow_str(pd.Series(graph.segment_ids, dtype=object))
    used = _positions(sidx, _arrow_str(segment_inputs["input_segment"]))
    by = _positions(sidx, _arrow_str(segment_inputs["segment"]))
    keep = (used >= 0) & (by >= 0)
    used, by = used[keep], by[keep]
    consumed = np.zeros(graph.n_segments, dtype=bool)
    consumed[used[graph.segment_essential[by]]] = True
    final = with_firms & ~consumed
    if (final & graph.segment_essential).any():
        final &= graph.segment_essential
    return np.flatnonzero(final).astype(np.int64)


def _segment_weight(graph: FirmGraph, segs: npt.NDArray[np.int64]) -> _F64:
    size, _ = row_size(graph)
    rows = np.isin(graph.fs_segment, segs)
    return np.asarray(np.bincount(graph.fs_firm[rows], weights=size[rows],
                                  minlength=graph.n_firms), dtype=np.float64)


def resolve_target(graph: FirmGraph, target: str | None,
                   segment_inputs: pd.DataFrame | None = None) -> Target:
    """Resolve ``target`` (a firm id, a segment id, or None for the chain's final output).

    Raises :class:`DataNotFound` when the id is neither a firm nor a segment.
    """
    n = graph.n_firms
    if target is None or target == "":
        finals = final_segments(graph, segment_inputs if segment_inputs is not None
                                else pd.DataFrame({"input_segment": []}))
        if len(finals):
            w = _segment_weight(graph, finals)
        else:
            w = np.where(graph.out_degree() == 0, 1.0, 0.0)
            sink_out = np.bincount(graph.fs_firm, weights=row_size(graph)[0], minlength=n)
            w = np.where(w > 0, np.where(sink_out > 0, sink_out, 1.0), 0.0)
        return Target("chain", "", w, np.flatnonzero(w > 0).astype(np.int64))
    firm_pos = _positions(_arrow_str(pd.Series(graph.firm_ids, dtype=object)),
                          _arrow_str(pd.Series([str(target)], dtype=object)))
    if firm_pos[0] >= 0:
        w = np.zeros(n)
        w[firm_pos[0]] = 1.0
        return Target("firm", str(target), w, firm_pos.astype(np.int64))
    seg_pos = _positions(_arrow_str(pd.Series(graph.segment_ids, dtype=object)),
                         _arrow_str(pd.Series([str(target)], dtype=object)))
    if seg_pos[0] >= 0:
        w = _segment_weight(graph, seg_pos.astype(np.int64))
        if not (w > 0).any():
            raise DataNotFound(f"segment '{target}' has no firms to protect")
        return Target("segment", str(target), w, np.flatnonzero(w > 0).astype(np.int64))
    raise DataNotFound(f"target '{target}' is neither a firm nor a segment of the dataset")
