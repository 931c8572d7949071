"""Cytoscape elements for the chain map (产业链全景图): segments in upstream → midstream →
downstream bands that fill the canvas.

Positions are preset, not computed in the browser. Each stage is a vertical band whose width
follows its number of segments; inside a band segments are ordered by their depth in the bill of
materials (raw materials first) and then by their parent segment, and fill the band's columns top
to bottom. Every node is a box of the same size with its label inside (name, then firm count), so
labels cannot overlap and stay readable (13 px at zoom 1) whatever the dataset; a dataset
without a bill of materials is laid out by stage alone. The layout is stable between runs, so a
planner finds a segment where it was last time.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from chainatlas._codes import code_label
from chainatlas.web.i18n import STATUS_COLORS

__all__ = ["NODE_H", "NODE_W", "ROW_H_EN", "STYLESHEET", "chain_elements", "highlighted",
           "layout_size", "segment_depths"]

NODE_W, NODE_H = 138, 52      # node box (model units = pixels at zoom 1)
COL_W, ROW_H = 156, 66        # grid pitch
NODE_H_EN, ROW_H_EN = 66, 80  # English names wrap at spaces into more lines
BAND_GAP, HEAD_H = 22, 38     # space between stage bands; band heading height
STAGES = ("upstream", "midstream", "downstream")


def segment_depths(segments: pd.DataFrame, bom: pd.DataFrame) -> dict[str, int]:
    """Longest path from a raw material to each segment in the bill of materials (0 = raw).

    ``segments`` needs an ``id`` (or ``segment``) column; ``bom`` may be empty or lack columns
    (a dataset without a bill of materials): then every depth is 0.
    """
    if not len(segments):
        return {}
    id_col = "id" if "id" in segments else "segment"
    ids = [str(s) for s in segments[id_col]]
    inputs: dict[str, list[str]] = {s: [] for s in ids}
    if len(bom) and {"segment", "input_segment"} <= set(bom.columns):
        for seg, inp in zip(bom["segment"].astype(str), bom["input_segment"].astype(str),
                            strict=True):
            if seg in inputs and inp in inputs and inp != seg:
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

    for s in ids:
        visit(s, frozenset())
    return depth


def _band_columns(counts: dict[str, int], total_cols: int) -> dict[str, int]:
    """Columns per stage band: proportional to its segments, at least one each, ``total_cols``
    in all (more when there are more bands than columns)."""
    present = [s for s in counts if counts[s]]
    if not present:
        return {}
    cols = {s: 1 for s in present}
    spare = max(0, total_cols - len(present))
    for _ in range(spare):  # give each spare column to the band with the tallest columns
        s = max(present, key=lambda b: (math.ceil(counts[b] / cols[b]), counts[b]))
        if math.ceil(counts[s] / cols[s]) <= 1:
            break
        cols[s] += 1
    return cols


def layout_size(n_segments_by_stage: dict[str, int], width: int) -> tuple[int, dict[str, int]]:
    """Rows of the tallest band and columns per band for a canvas ``width`` pixels wide."""
    total_cols = max(3, int((width - 2 * BAND_GAP) // COL_W))
    cols = _band_columns(n_segments_by_stage, total_cols)
    rows = max((math.ceil(n_segments_by_stage[s] / c) for s, c in cols.items()), default=1)
    return rows, cols


def chain_elements(seg_table: pd.DataFrame, bom: pd.DataFrame, *, lang: str = "zh",
                   chokepoints: set[str] | None = None, local: bool = False,
                   width: int = 1000) -> list[dict[str, Any]]:
    """Band nodes (one per stage), segment nodes and edges (input → consumer).

    ``seg_table`` is a chain map's segment table (``segment``, ``name``, ``stage``, ``status``,
    ``firms``, ``firms_local``, …); ``local`` shows firm counts as local / all.
    """
    chokepoints = chokepoints or set()
    if not len(seg_table):
        return []
    segs = seg_table.rename(columns={"segment": "id"}).copy()
    segs["id"] = segs["id"].astype(str)
    segs["stage"] = segs["stage"].astype(str)
    depth = segment_depths(segs, bom)
    parent = segs["parent"].astype(str) if "parent" in segs else pd.Series("", index=segs.index)
    segs["_depth"] = segs["id"].map(depth).fillna(0).astype(int)
    segs["_parent"] = parent.fillna("")
    stages = [s for s in STAGES if (segs["stage"] == s).any()] + \
        sorted(set(segs["stage"]) - set(STAGES))
    counts = {s: int((segs["stage"] == s).sum()) for s in stages}
    rows, cols = layout_size(counts, width)
    row_h, node_h = (ROW_H, NODE_H) if lang == "zh" else (ROW_H_EN, NODE_H_EN)
    elements: list[dict[str, Any]] = []
    x0 = 0.0
    height = HEAD_H + rows * row_h
    for stage in stages:
        band = segs[segs["stage"] == stage].sort_values(["_depth", "_parent", "id"], kind="stable")
        ncol = cols[stage]
        per_col = math.ceil(len(band) / ncol)
        band_w = ncol * COL_W
        elements.append({
            "data": {"id": f"band:{stage}", "label": f"{code_label('stage', stage, lang)}"
                                                     f" ({len(band)})",
                     "bw": band_w + 8, "bh": height + 8},
            "position": {"x": x0 + band_w / 2, "y": height / 2 - row_h / 2 + 4},
            "classes": "band", "selectable": False, "grabbable": False,
        })
        for k, row in enumerate(band.itertuples(index=False)):
            c, r = divmod(k, per_col)
            sid = str(row.id)
            name = str(row.name)
            if lang != "zh" and isinstance(getattr(row, "name_en", None), str) and row.name_en:
                name = str(row.name_en)
            firms = int(getattr(row, "firms", 0) or 0)
            firms_local = int(getattr(row, "firms_local", 0) or 0)
            unit = "家" if lang == "zh" else (" firm" if firms == 1 else " firms")
            count = f"{firms_local}/{firms}{unit}" if local else f"{firms}{unit}"
            status = str(getattr(row, "status", "missing"))
            choke = sid in chokepoints
            elements.append({
                "data": {"id": sid, "label": f"{name}\n{count}{' ⚠' if choke else ''}",
                         "name": name, "status": status, "stage": stage,
                         "color": STATUS_COLORS.get(status, "#ddd"),
                         "firms": firms, "firms_local": firms_local, "h": node_h,
                         "chokepoint": "yes" if choke else "no"},
                "position": {"x": x0 + c * COL_W + COL_W / 2, "y": HEAD_H + r * row_h},
                "classes": f"segment {status}{' chokepoint' if choke else ''}"
                           f"{' cjk' if lang == 'zh' else ''}",
                "grabbable": False,
            })
        x0 += band_w + BAND_GAP
    known = set(segs["id"])
    seen: set[str] = set()
    if len(bom) and {"segment", "input_segment"} <= set(bom.columns):
        for seg, inp in zip(bom["segment"].astype(str), bom["input_segment"].astype(str),
                            strict=True):
            eid = f"{inp}->{seg}"
            if seg in known and inp in known and seg != inp and eid not in seen:
                seen.add(eid)
                elements.append({"data": {"id": eid, "source": inp, "target": seg}})
    return elements


STYLESHEET: list[dict[str, Any]] = [
    {"selector": "node.band", "style": {
        "shape": "round-rectangle", "width": "data(bw)", "height": "data(bh)",
        "background-color": "#f5f7fa", "border-width": 1, "border-color": "#dde3ea",
        "label": "data(label)", "text-valign": "top", "text-halign": "center",
        "text-margin-y": 30, "font-size": 15, "font-weight": "bold", "color": "#3d4b5c",
        "events": "no", "z-index": 0, "z-index-compare": "manual"}},
    {"selector": "node.segment", "style": {
        "shape": "round-rectangle", "width": NODE_W, "height": "data(h)",
        "label": "data(label)", "text-wrap": "wrap", "text-max-width": NODE_W - 10,
        "font-size": 13, "line-height": 1.25, "text-valign": "center", "text-halign": "center",
        "color": "#1d232b", "background-color": "data(color)", "border-width": 1,
        "border-color": "#7b8794", "z-index": 10, "z-index-compare": "manual"}},
    {"selector": "node.cjk", "style": {"text-overflow-wrap": "anywhere"}},  # no spaces to wrap at
    {"selector": "node.missing, node.missing_adjacent", "style": {
        "border-style": "dashed", "border-width": 2}},
    {"selector": "node.chokepoint", "style": {"border-color": "#c1121f", "border-width": 4}},
    {"selector": "node:selected", "style": {"border-color": "#1f5fa8", "border-width": 5,
                                            "border-style": "solid"}},
    {"selector": "edge", "style": {
        "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1, "opacity": 0.35,
        "line-color": "#8a96a3", "target-arrow-color": "#8a96a3", "arrow-scale": 0.8,
        "z-index": 5, "z-index-compare": "manual"}},
    {"selector": "edge.near", "style": {"opacity": 1, "width": 2.5, "line-color": "#1f5fa8",
                                        "target-arrow-color": "#1f5fa8"}},
]


#: Colours of the selected segment's edges: its inputs (in) and the segments it feeds (out).
EDGE_IN, EDGE_OUT = "#1f5fa8", "#d9480f"


def highlighted(segment: str | None) -> list[dict[str, Any]]:
    """The stylesheet with ``segment``'s edges drawn out: the edges into it (its inputs) blue,
    the edges out of it (what it feeds) orange, both thick and opaque above the others; the
    other edges fade. ``None``: the plain stylesheet."""
    if not segment:
        return STYLESHEET
    sid = json.dumps(str(segment))  # a quoted selector value: any id is safe
    return [*STYLESHEET,
            {"selector": "edge", "style": {"opacity": 0.12}},
            {"selector": f"edge[target = {sid}]", "style": {
                "opacity": 1, "width": 3, "line-color": EDGE_IN, "target-arrow-color": EDGE_IN,
                "z-index": 20, "arrow-scale": 1.1}},
            {"selector": f"edge[source = {sid}]", "style": {
                "opacity": 1, "width": 3, "line-color": EDGE_OUT, "target-arrow-color": EDGE_OUT,
                "z-index": 20, "arrow-scale": 1.1}}]
