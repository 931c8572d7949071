"""Hazard footprints: GeoJSON polygons with an intensity → a capacity loss per firm inside.

A footprint is a GeoJSON ``Polygon`` / ``MultiPolygon`` geometry, ``Feature`` or
``FeatureCollection``. Each feature may carry ``properties.intensity`` in [0, 1] (the share of
capacity lost by a firm inside; default the footprint's ``intensity`` argument). A firm inside
several features takes the largest intensity. Points on a ring's edge count as inside; holes
(inner rings) are outside. Coordinates are (longitude, latitude) in degrees, as GeoJSON says.

>>> fp = parse_footprint({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2]]]})
>>> footprint_loss(fp, [1.0, 3.0], [1.0, 1.0]).tolist()
[1.0, 0.0]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from chainatlas.exceptions import InputError

__all__ = ["Footprint", "footprint_loss", "load_footprint", "parse_footprint"]

_Ring = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Footprint:
    """Polygons (outer ring, holes) with one intensity each."""

    polygons: tuple[tuple[_Ring, tuple[_Ring, ...], float], ...]


def _ring(raw: Any, where: str) -> _Ring:
    try:
        r = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: a ring must be a list of [lon, lat] positions") from exc
    if r.ndim != 2 or r.shape[1] < 2 or r.shape[0] < 3 or not np.all(np.isfinite(r)):
        raise InputError(f"{where}: a ring needs at least 3 finite [lon, lat] positions")
    return r[:, :2]


def _polys(geom: Mapping[str, Any], intensity: float, where: str,
           out: list[tuple[_Ring, tuple[_Ring, ...], float]]) -> None:
    kind = geom.get("type")
    coords = geom.get("coordinates")
    if kind == "Polygon":
        rings = [coords] if coords is not None else []
    elif kind == "MultiPolygon":
        rings = list(coords or [])
    else:
        raise InputError(f"{where}: geometry type must be Polygon or MultiPolygon, got {kind!r}")
    for p, poly in enumerate(rings):
        if not poly:
            raise InputError(f"{where}: polygon {p} has no rings")
        outer = _ring(poly[0], f"{where}, polygon {p}")
        holes = tuple(_ring(h, f"{where}, polygon {p}, hole {q}") for q, h in enumerate(poly[1:]))
        out.append((outer, holes, intensity))


def _intensity(v: Any, where: str) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: intensity must be a number in [0, 1], got {v!r}") from exc
    if not (0.0 <= x <= 1.0):
        raise InputError(f"{where}: intensity must be a number in [0, 1], got {v!r}")
    return x


def parse_footprint(data: Mapping[str, Any], *, intensity: float = 1.0,
                    source: str = "footprint") -> Footprint:
    """A :class:`Footprint` from a GeoJSON mapping (geometry, Feature or FeatureCollection)."""
    base = _intensity(intensity, source)
    out: list[tuple[_Ring, tuple[_Ring, ...], float]] = []
    if not isinstance(data, Mapping):
        raise InputError(f"{source}: expected a GeoJSON object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        feats = data.get("features") or []
        if not isinstance(feats, list):
            raise InputError(f"{source}: features must be a list")
    elif kind == "Feature":
        feats = [data]
    else:
        feats = [{"type": "Feature", "geometry": data, "properties": {}}]
    for f, feat in enumerate(feats):
        where = f"{source}, feature {f}"
        geom = feat.get("geometry") if isinstance(feat, Mapping) else None
        if not isinstance(geom, Mapping):
            raise InputError(f"{where}: no geometry")
        props = feat.get("properties") or {}
        if not isinstance(props, Mapping):
            raise InputError(f"{where}: properties must be an object")
        val = _intensity(props["intensity"], where) if "intensity" in props else base
        try:
            _polys(geom, val, where, out)
        except (TypeError, IndexError, KeyError, AttributeError) as exc:
            raise InputError(f"{where}: malformed polygon coordinates ({exc})") from exc
    if not out:
        raise InputError(f"{source}: no polygon")
    return Footprint(tuple(out))


def load_footprint(path: str | Path, *, intensity: float = 1.0) -> Footprint:
    """Read a GeoJSON file (UTF-8)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputError(f"footprint file not found: {p}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{p}: not a GeoJSON (JSON) file: {exc}") from exc
    return parse_footprint(data, intensity=intensity, source=str(p))


def _inside(ring: _Ring, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Even-odd ray casting; points on an edge count as inside."""
    xs, ys = ring[:, 0], ring[:, 1]
    xe, ye = np.roll(xs, -1), np.roll(ys, -1)
    inside = np.zeros(x.size, dtype=bool)
    edge = np.zeros(x.size, dtype=bool)
    for x1, y1, x2, y2 in zip(xs, ys, xe, ye, strict=True):
        cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
        on = (np.abs(cross) <= 1e-12) & (np.minimum(x1, x2) - 1e-12 <= x) & \
            (x <= np.maximum(x1, x2) + 1e-12) & (np.minimum(y1, y2) - 1e-12 <= y) & \
            (y <= np.maximum(y1, y2) + 1e-12)
        edge |= on
        straddle = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xint = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= straddle & (x < xint)
    return inside | edge


def footprint_loss(fp: Footprint, lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Capacity loss in [0, 1] of points (NaN coordinates → 0: not located, not hit)."""
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    loss = np.zeros(x.size)
    ok = np.isfinite(x) & np.isfinite(y)
    for outer, holes, val in fp.polygons:
        hit = ok & _inside(outer, x, y)
        for h in holes:
            hit &= ~_inside(h, x, y) | _on_edge_only(h, x, y)
        loss = np.where(hit, np.maximum(loss, val), loss)
    return loss


def _on_edge_only(ring: _Ring, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    # a point on a hole's boundary is on the polygon's boundary: inside
    xs, ys = ring[:, 0], ring[:, 1]
    xe, ye = np.roll(xs, -1), np.roll(ys, -1)
    edge = np.zeros(x.size, dtype=bool)
    for x1, y1, x2, y2 in zip(xs, ys, xe, ye, strict=True):
        cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
        edge |= (np.abs(cross) <= 1e-12) & (np.minimum(x1, x2) - 1e-12 <= x) & \
            (x <= np.maximum(x1, x2) + 1e-12) & (np.minimum(y1, y2) - 1e-12 <= y) & \
            (y <= np.maximum(y1, y2) + 1e-12)
    return edge
