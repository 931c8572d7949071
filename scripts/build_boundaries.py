"""Build the dashboard's China boundary files from the npm package ``echarts@4.9.0``.

Source: ``map/json/china.json`` (34 provinces) and ``map/json/province/{shanghai,jiangsu,
zhejiang,anhui}.json`` (Yangtze River Delta cities) of echarts 4.9.0 (Apache-2.0, The Apache
Software Foundation), plus the South China Sea inset (南海诸岛) that echarts 4 adds to the
``china`` map in ``lib/coord/geo/fix/nanhai.js``. ECharts 5 dropped the maps from npm, so the
version is pinned.

Steps: fetch the tarball with ``npm pack echarts@4.9.0`` into a temporary folder (or read
``--tarball``), decode ECharts' compressed "UTF8Encoding" geometry, simplify each ring with
Douglas–Peucker (tolerance in degrees), round coordinates and write plain GeoJSON under
``src/chainatlas/web/assets/geo/``::

    python scripts/build_boundaries.py [--tarball echarts-4.9.0.tgz] [--tolerance 0.02]

Decoding (ECharts 4 ``parseGeoJson``): each ring is a string read two characters at a time;
a character's code point minus 64 is a zig-zag encoded integer
:math:`v \\mapsto (v \\gg 1) \\oplus -(v \\,\\&\\, 1)`, which is a delta added to the running
integer of its axis (starting from the ring's ``encodeOffsets`` pair); the running integers
divided by 1024 are longitude and latitude in degrees.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

VERSION = "4.9.0"
OUT = Path(__file__).resolve().parents[1] / "src" / "chainatlas" / "web" / "assets" / "geo"
YRD_PROVINCES = ("shanghai", "jiangsu", "zhejiang", "anhui")
SCALE = 1024.0

# echarts 4.9.0 lib/coord/geo/fix/nanhai.js: the inset frame and the dashes of the South China
# Sea, in a local frame mapped by x / 10.5 + 126, y / (-10.5 / 0.75) + 25 (degrees).
_NANHAI_ORIGIN = (126.0, 25.0)
_NANHAI = [
    [[0, 3.5], [7, 11.2], [15, 11.9], [30, 7], [42, 0.7], [52, 0.7], [56, 7.7], [59, 0.7],
     [64, 0.7], [64, 0], [5, 0], [0, 3.5]],
    [[13, 16.1], [19, 14.7], [16, 21.7], [11, 23.1], [13, 16.1]],
    [[12, 32.2], [14, 38.5], [15, 38.5], [13, 32.2], [12, 32.2]],
    [[16, 47.6], [12, 53.2], [13, 53.2], [18, 47.6], [16, 47.6]],
    [[6, 64.4], [8, 70], [9, 70], [8, 64.4], [6, 64.4]],
    [[23, 82.6], [29, 79.8], [30, 79.8], [25, 82.6], [23, 82.6]],
    [[37, 70.7], [43, 62.3], [44, 62.3], [39, 70.7], [37, 70.7]],
    [[48, 51.1], [51, 45.5], [53, 45.5], [50, 51.1], [48, 51.1]],
    [[51, 35], [51, 28.7], [53, 28.7], [53, 35], [51, 35]],
    [[52, 22.4], [55, 17.5], [56, 17.5], [53, 22.4], [52, 22.4]],
    [[58, 12.6], [62, 7], [63, 7], [60, 12.6], [58, 12.6]],
    [[0, 3.5], [0, 93.1], [64, 93.1], [64, 0], [63, 0], [63, 92.4], [1, 92.4], [1, 3.5],
     [0, 3.5]],
]


def decode_ring(encoded: str, offset: list[int]) -> list[list[float]]:
    """Decode one ECharts "UTF8Encoding" ring into ``[lon, lat]`` pairs (degrees)."""
    x, y = int(offset[0]), int(offset[1])
    out: list[list[float]] = []
    for i in range(0, len(encoded) - 1, 2):
        dx = ord(encoded[i]) - 64
        dy = ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        out.append([x / SCALE, y / SCALE])
    return out


def decode_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """A plain GeoJSON Polygon/MultiPolygon from an encoded one."""
    kind = geometry["type"]
    coords, offsets = geometry["coordinates"], geometry["encodeOffsets"]
    if kind == "Polygon":
        rings = [decode_ring(r, o) for r, o in zip(coords, offsets, strict=True)]
        return {"type": "Polygon", "coordinates": rings}
    if kind == "MultiPolygon":
        polys = [[decode_ring(r, o) for r, o in zip(poly, offs, strict=True)]
                 for poly, offs in zip(coords, offsets, strict=True)]
        return {"type": "MultiPolygon", "coordinates": polys}
    raise ValueError(f"unexpected geometry type {kind}")


def douglas_peucker(points: np.ndarray, tol: float) -> np.ndarray:
    """Keep the points of a polyline farther than ``tol`` from the simplified line
    (Douglas & Peucker 1973), iteratively."""
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        p, q = points[a], points[b]
        seg = points[a + 1:b]
        d = q - p
        norm = float(np.hypot(*d))
        if norm == 0.0:
            dist = np.hypot(*(seg - p).T)
        else:
            dist = np.abs(d[0] * (seg[:, 1] - p[1]) - d[1] * (seg[:, 0] - p[0])) / norm
        k = int(np.argmax(dist))
        if dist[k] > tol:
            m = a + 1 + k
            keep[m] = True
            stack.extend([(a, m), (m, b)])
    return points[keep]


def simplify_ring(ring: list[list[float]], tol: float, digits: int) -> list[list[float]] | None:
    """A simplified, rounded, closed ring; ``None`` when it collapses (fewer than 4 points)."""
    pts = np.asarray(ring, dtype=np.float64)
    if len(pts) and not np.array_equal(pts[0], pts[-1]):
        pts = np.vstack([pts, pts[:1]])
    # split the closed ring at its farthest point so both halves simplify as open lines
    far = int(np.argmax(np.hypot(*(pts - pts[0]).T))) if len(pts) > 2 else 0
    if far > 0:
        half1 = douglas_peucker(pts[:far + 1], tol)
        half2 = douglas_peucker(pts[far:], tol)
        pts = np.vstack([half1, half2[1:]])
    pts = np.round(pts, digits)
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    pts = pts[keep]
    if len(pts) < 4:
        return None
    return pts.tolist()


def orient(ring: list[list[float]], clockwise: bool) -> list[list[float]]:
    """``ring`` wound clockwise (or not) in the lon/lat plane, by the sign of its shoelace
    area. d3-geo (plotly's geo renderer) reads a counter-clockwise exterior ring as "the whole
    globe except this polygon", so exteriors must run clockwise and holes counter-clockwise."""
    r = np.asarray(ring, dtype=np.float64)
    area = 0.5 * float(np.sum(r[:-1, 0] * r[1:, 1] - r[1:, 0] * r[:-1, 1]))
    return ring[::-1] if (area > 0) == clockwise else ring


def simplify_geometry(geom: dict[str, Any], tol: float, digits: int) -> dict[str, Any] | None:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    out = []
    for poly in polys:
        outer = simplify_ring(poly[0], tol, digits)
        if outer is None:
            continue
        holes = [orient(h, False) for h in (simplify_ring(r, tol, digits) for r in poly[1:])
                 if h is not None]
        out.append([orient(outer, True), *holes])
    if not out:
        return None
    return {"type": "MultiPolygon", "coordinates": out}


def nanhai_feature() -> dict[str, Any]:
    """The South China Sea inset (frame and dashes) as one MultiPolygon feature."""
    x0, y0 = _NANHAI_ORIGIN
    polys = [[orient([[round(x / 10.5 + x0, 4), round(y / (-10.5 / 0.75) + y0, 4)]
                      for x, y in ring], True)] for ring in _NANHAI]
    return {"type": "Feature", "id": "nanhai",
            "properties": {"id": "nanhai", "name": "南海诸岛", "level": "inset"},
            "geometry": {"type": "MultiPolygon", "coordinates": polys}}


def convert(source: dict[str, Any], level: str, tol: float, digits: int,
            parent: str | None = None) -> list[dict[str, Any]]:
    """Decoded, simplified features with ``id`` (adcode), ``name``, ``level`` and ``cp``."""
    features = []
    for f in source["features"]:
        props = f.get("properties", {})
        code = f.get("id") or props.get("id")
        if not code:
            continue  # a few district polygons carry no adcode; they are not needed
        geom = f["geometry"]
        if source.get("UTF8Encoding"):
            geom = decode_geometry(geom)
        geom = simplify_geometry(geom, tol, digits)
        if geom is None:
            continue
        p = {"id": str(code), "name": props.get("name", ""), "level": level}
        if parent:
            p["parent"] = parent
        if props.get("cp"):
            p["cp"] = [round(float(v), 4) for v in props["cp"]]
        features.append({"type": "Feature", "id": str(code), "properties": p, "geometry": geom})
    return features


def fetch(tarball: Path | None, work: Path) -> Path:
    """The unpacked ``package`` folder of echarts 4.9.0 (``npm pack`` when no tarball given)."""
    if tarball is None:
        subprocess.run(["npm", "pack", f"echarts@{VERSION}"], cwd=work, check=True,
                       capture_output=True)
        tarball = work / f"echarts-{VERSION}.tgz"
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith(("package/map/json/", "package/LICENSE",
                                         "package/package.json"))]
        tar.extractall(work, members=members, filter="data")
    pkg = work / "package"
    version = json.loads((pkg / "package.json").read_text())["version"]
    if version != VERSION:
        raise SystemExit(f"expected echarts {VERSION}, got {version}")
    return pkg


def write(path: Path, features: list[dict[str, Any]]) -> int:
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tarball", type=Path, help="echarts-4.9.0.tgz (default: npm pack)")
    ap.add_argument("--tolerance", type=float, default=0.02,
                    help="province simplification tolerance in degrees")
    ap.add_argument("--city-tolerance", type=float, default=0.008)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="echarts-") as tmp:
        pkg = fetch(args.tarball, Path(tmp))
        maps = pkg / "map" / "json"
        china = json.loads((maps / "china.json").read_text(encoding="utf-8"))
        provinces = [*convert(china, "province", args.tolerance, 3), nanhai_feature()]
        cities: list[dict[str, Any]] = []
        for name in YRD_PROVINCES:
            prov = json.loads((maps / "province" / f"{name}.json").read_text(encoding="utf-8"))
            feats = convert(prov, "city", args.city_tolerance, 3)
            if name == "shanghai":  # a province-level city: one city feature, not 16 districts
                sh = next(f for f in convert(china, "city", args.city_tolerance, 3)
                          if f["id"] == "310000")
                feats = [sh]
            parent = feats[0]["id"][:2] + "0000" if feats else None
            for f in feats:
                f["properties"]["parent"] = parent
            cities.extend(feats)
        license_text = (pkg / "LICENSE").read_text(encoding="utf-8")
    sizes = {
        "china-provinces.json": write(args.out / "china-provinces.json", provinces),
        "yrd-cities.json": write(args.out / "yrd-cities.json", cities),
    }
    (args.out / "LICENSE-echarts.txt").write_text(license_text, encoding="utf-8")
    for name, size in sizes.items():
        print(f"{name}: {size / 1024:.0f} KB")
    print(f"{len(provinces)} province features (incl. the South China Sea inset), "
          f"{len(cities)} YRD city features")


if __name__ == "__main__":
    main()
