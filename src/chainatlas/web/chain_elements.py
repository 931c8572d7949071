"""Cytoscape elements for the chain map: segments laid out upstream → downstream.

Positions are preset, not computed in the browser: x by depth in the bill of materials (raw
materials on the left, finished products on the right), y by rank within a column, so the layout
is stable between runs and a planner finds a segment where it was last time.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from chainatlas.web.i18n import STATUS_COLORS

__all__ = ["chain_elements", "segment_depths"]


def segment_depths(segments: pd.DataFrame, bom: pd.DataFrame) -> dict[str, int]:
    """Longest path from a raw material to each segment in the bill of materials (0 = raw)."""
    ids = [str(s) for s in segments["id"]]
    inputs: dict[str, list[str]] = {s: [] for s in ids}
    for seg, inp in zip(bom["segment"].astype(str), bom["input_segment"].astype(str), strict=True):
        if seg in inputs and inp in inputs:
            inputs[seg].append(inp)
    depth: dict[str, int] = {}

    def visit(s: str, stack: frozenset[str]) -> int:
        if s in depth:
            return depth[s]
        if s in stack:  # a cycle cannot land (imports reject it); guard anyway
            return 0
        d = 1 + max((visit(i, stack | {s}) for i in inputs[s]), default=-1)
        depth[s] = d
        return d

    stage_floor = {"upstream": 0, "midstream": 1, "downstream": 2}
    stages = dict(zip(segments["id"].astype(str), segments["stage"].astype(str), strict=True))
    for s in ids:
        visit(s, frozenset())
        if not inputs[s] and not any(s in v for v in inputs.values()):
            depth[s] = stage_floor.get(stages.get(s, ""), 0)  # unconnected: place by stage
    return depth


def chain_elements(seg_table: pd.DataFrame, bom: pd.DataFrame, *, lang: str = "zh",
                   chokepoints: set[str] | None = None) -> list[dict[str, Any]]:
    """Nodes (one per segment of the chain map) and edges (input → consumer)."""
    chokepoints = chokepoints or set()
    segs = seg_table.rename(columns={"segment": "id"})
    depth = segment_depths(segs, bom)
    size_col = segs["size"].astype(float).fillna(0.0) if "size" in segs else pd.Series(0.0, segs.index)
    top = float(size_col.max()) or 1.0
    columns: dict[int, int] = {}
    elements: list[dict[str, Any]] = []
    order = sorted(segs.itertuples(index=False), key=lambda r: (depth.get(str(r.id), 0), str(r.stage),
                                                                 str(r.id)))
    for row in order:
        sid = str(row.id)
        d = depth.get(sid, 0)
        rank = columns.get(d, 0)
        columns[d] = rank + 1
        name = str(row.name if lang == "zh" or not getattr(row, "name_en", None) else row.name_en)
        firms = int(getattr(row, "firms_local", 0) or 0)
        size = float(getattr(row, "size", 0.0) or 0.0)
        status = str(getattr(row, "status", "missing"))
        elements.append({
            "data": {"id": sid, "label": f"{name}\n({firms}{'家' if lang == 'zh' else ''})",
                     "name": name, "status": status, "stage": str(row.stage),
                     "color": STATUS_COLORS.get(status, "#999"),
                     "w": 30 + 40 * (size / top) ** 0.5,
                     "chokepoint": "yes" if sid in chokepoints else "no"},
            "position": {"x": 170 * d, "y": 64 * rank},
            "classes": f"{status} {'chokepoint' if sid in chokepoints else ''}".strip(),
        })
    known = {e["data"]["id"] for e in elements}
    for seg, inp in zip(bom["segment"].astype(str), bom["input_segment"].astype(str), strict=True):
        if seg in known and inp in known:
            elements.append({"data": {"id": f"{inp}->{seg}", "source": inp, "target": seg}})
    return elements


STYLESHEET: list[dict[str, Any]] = [
    {"selector": "node", "style": {
        "label": "data(label)", "text-wrap": "wrap", "font-size": 10, "text-valign": "bottom",
        "background-color": "data(color)", "width": "data(w)", "height": "data(w)",
        "border-width": 1, "border-color": "#555"}},
    {"selector": "node.missing, node.missing-but-adjacent", "style": {
        "border-style": "dashed", "border-width": 2}},
    {"selector": "node.chokepoint", "style": {"border-color": "#d11", "border-width": 4}},
    {"selector": "node:selected", "style": {"border-color": "#2f6fb3", "border-width": 5}},
    {"selector": "edge", "style": {
        "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1,
        "line-color": "#bbb", "target-arrow-color": "#bbb"}},
]
