"""Data behind the map of China: shipped boundaries, region measures, firm points, N-hour circles.

Boundaries come from ``assets/geo/`` (converted from Apache ECharts 4.9.0 map data by
``scripts/build_boundaries.py``; see ``assets/geo/NOTICE``): 34 province-level divisions plus
the South China Sea inset, and the 41 prefecture-level cities of the Yangtze River Delta. Regions
are keyed by adcode: a firm's region rolls up to its province (``pp0000``) or prefecture
(``pppp00``; the four province-level municipalities stay ``pp0000``).

Firms carry no coordinates of their own in the data model, so a firm is drawn at its region's
centre (``regions.lon/lat``), spread on a sunflower spiral (Vogel 1979) so that firms of one
region do not hide each other: the k-th firm sits at radius :math:`r_0\\sqrt{k/n}` and angle
:math:`k \\cdot 137.508°`.

The N-hour circle is the set of points whose road (or rail) time from the site is at most N
hours under :mod:`chainatlas.cluster.travel`'s mode, i.e. a great circle of radius
:math:`d = v\\,(N - t_0) / c` km (speed v, overhead t₀, detour factor c), drawn as a geodesic
ring by the direct formula on a sphere.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from chainatlas.cluster.measures import location_quotient
from chainatlas.cluster.panel import region_activity_matrix
from chainatlas.cluster.travel import EARTH_RADIUS_KM, resolve_mode
from chainatlas.exceptions import ChainAtlasError

__all__ = [
    "GEO_DIR",
    "MEASURES",
    "boundaries",
    "circle_radius_km",
    "firm_points",
    "geodesic_ring",
    "region_measures",
    "rollup",
    "rollup_code",
    "segment_lq",
]

GEO_DIR = Path(__file__).with_name("assets") / "geo"
Level = Literal["province", "city"]
_FILES = {"province": "china-provinces.json", "city": "yrd-cities.json"}
_MUNICIPALITIES = {"11", "12", "31", "50"}

#: measure key → (Chinese label, English label, unit)
MEASURES: dict[str, tuple[str, str, str]] = {
    "firms": ("企业数", "firms", ""),
    "output": ("产值 (万元/年)", "output (10k yuan/yr)", "万元"),
    "share": ("占全链产值比重 (%)", "share of chain output (%)", "%"),
    "segments": ("覆盖环节数", "segments present", ""),
    "lq": ("所选环节区位熵", "location quotient of a segment", ""),
}


@lru_cache(maxsize=2)
def boundaries(level: Level = "province") -> dict[str, Any]:
    """The GeoJSON FeatureCollection of ``level`` (``province`` or ``city``); cached."""
    if level not in _FILES:
        from chainatlas.exceptions import InputError

        raise InputError(f"map level must be province or city, not {level!r}")
    data: dict[str, Any] = json.loads((GEO_DIR / _FILES[level]).read_text(encoding="utf-8"))
    return data


def rollup_code(code: object, level: Level) -> str | None:
    """The province or prefecture adcode a region code belongs to (``None`` if not Chinese).

    >>> rollup_code("340881", "city"), rollup_code("340881", "province"), rollup_code("310115", "city")
    ('340800', '340000', '310000')
    """
    s = str(code)
    if len(s) != 6 or not s.isdigit():
        return None
    if level == "province" or s[:2] in _MUNICIPALITIES:
        return s[:2] + "0000"
    return s[:4] + "00"


def rollup(codes: pd.Series, level: Level) -> pd.Series:
    """:func:`rollup_code` of every code in ``codes`` (computed once per distinct code, so a
    100,000-firm column costs a few hundred calls, not 100,000)."""
    text = codes.astype(str)
    distinct = pd.unique(text.to_numpy(dtype=object))
    return text.map({c: rollup_code(c, level) for c in distinct})


def region_measures(ds: Any, level: Level = "province", segment: str | None = None
                    ) -> pd.DataFrame:
    """Per map region: ``firms``, ``output`` (万元/yr), ``share`` of the chain's output (%),
    ``segments`` present and (with ``segment``) the segment's location quotient ``lq``, for the
    regions of ``level`` that hold firms.

    ``share`` divides by the output of all firms of the dataset, foreign ones included, so the
    shares of the mapped regions sum to the domestic share.
    """
    firms = ds.firms[["id", "region"]].rename(columns={"id": "firm"})
    fs = ds.firm_segments[["firm", "segment", "output_value"]].merge(firms, on="firm", how="left")
    fs["code"] = rollup(fs["region"], level)
    total = float(pd.to_numeric(fs["output_value"], errors="coerce").sum())
    firms["code"] = rollup(firms["region"], level)
    known = {f["properties"]["id"]: f["properties"]["name"]
             for f in boundaries(level)["features"]}
    firms = firms[firms["code"].isin(known)]
    fs = fs[fs["code"].isin(known)]
    out = pd.DataFrame({
        "firms": firms.groupby("code")["firm"].nunique(),
        "output": pd.to_numeric(fs["output_value"], errors="coerce").groupby(fs["code"]).sum(),
        "segments": fs.groupby("code")["segment"].nunique(),
    }).fillna(0.0)
    out["share"] = 100.0 * out["output"] / total if total > 0 else 0.0
    out["lq"] = segment_lq(ds, level, segment).reindex(out.index).fillna(0.0) if segment \
        else 0.0
    out.index.name = "code"
    out = out.reset_index()
    out.insert(1, "name", out["code"].map(known))
    out["firms"] = out["firms"].astype(int)
    out["segments"] = out["segments"].astype(int)
    cols = ["code", "name", "firms", "output", "share", "segments"] + (["lq"] if segment else [])
    return out[cols].sort_values(
        "output", ascending=False, ignore_index=True)


def segment_lq(ds: Any, level: Level, segment: str | None) -> pd.Series:
    """Location quotient of ``segment`` per map region (domestic output value, regions rolled
    up to ``level`` first): :math:`LQ_{rs} = (x_{rs}/x_r)/(x_s/x)` (Isard 1960); 0 where the
    region has none of it; empty when ``segment`` is not produced in China."""
    try:
        X = region_activity_matrix(ds, "output_value", domestic_only=True)
    except ChainAtlasError:
        return pd.Series(dtype=float)
    codes = pd.Index(rollup(pd.Series(X.index), level).to_numpy())
    X = X[codes.notna()].groupby(codes[codes.notna()]).sum()
    if segment not in X.columns:
        return pd.Series(dtype=float)
    lq: pd.Series = location_quotient(X)[segment]
    return lq


def firm_points(ds: Any, *, spread_deg: float = 0.12) -> pd.DataFrame:
    """One row per domestic firm with ``lon``/``lat`` at its region centre, spread on a
    sunflower spiral of radius ``spread_deg``; also name, region name, segment, output, tags."""
    regs = ds.regions
    if not len(regs) or "lon" not in regs:
        return pd.DataFrame(columns=["firm", "name", "region", "region_name", "segment",
                                     "output_value", "anchor", "lon", "lat"])
    xy = regs.assign(code=regs["code"].astype(str)).set_index("code")[["name", "lon", "lat"]]
    main = (ds.firm_segments.sort_values("output_value", ascending=False, na_position="last")
            .drop_duplicates("firm")[["firm", "segment", "output_value"]])
    f = ds.firms[["id", "name", "region", "tags"]].rename(columns={"id": "firm"})
    f = f.assign(region=f["region"].astype(str)).merge(main, on="firm", how="left")
    f = f[rollup(f["region"], "province").notna().to_numpy()]
    f = f[f["region"].isin(xy.index)].reset_index(drop=True)
    f["region_name"] = f["region"].map(xy["name"])
    f["anchor"] = [isinstance(t, (list, tuple, np.ndarray)) and "链主" in list(t)
                   for t in f["tags"].tolist()]
    k = f.groupby("region").cumcount().to_numpy(dtype=float)
    n = f.groupby("region")["firm"].transform("size").to_numpy(dtype=float)
    r = spread_deg * np.sqrt((k + 0.5) / n)
    theta = np.radians(137.508) * k
    lat0 = pd.to_numeric(f["region"].map(xy["lat"]), errors="coerce").to_numpy(dtype=float)
    lon0 = pd.to_numeric(f["region"].map(xy["lon"]), errors="coerce").to_numpy(dtype=float)
    f["lat"] = lat0 + r * np.sin(theta)
    f["lon"] = lon0 + r * np.cos(theta) / np.cos(np.radians(lat0))
    out: pd.DataFrame = f.drop(columns=["tags"]).dropna(subset=["lon", "lat"])
    return out


def circle_radius_km(hours: float, mode: str = "road") -> float:
    """Great-circle radius (km) reachable in ``hours`` by ``mode``: v (N − t₀) / c, ≥ 0.

    >>> round(circle_radius_km(4.0), 1)  # road: 90 km/h, detour 1.2
    300.0
    """
    m = resolve_mode(mode)
    return max(float(hours) - m.overhead_h, 0.0) * m.speed_kmh / m.detour


def geodesic_ring(lon: float, lat: float, radius_km: float, n: int = 120) -> tuple[np.ndarray,
                                                                                  np.ndarray]:
    """``n + 1`` points (closed) at great-circle distance ``radius_km`` from (lon, lat), by the
    spherical direct formula φ₂ = asin(sin φ₁ cos δ + cos φ₁ sin δ cos θ),
    λ₂ = λ₁ + atan2(sin θ sin δ cos φ₁, cos δ − sin φ₁ sin φ₂), with δ = d / R."""
    theta = np.linspace(0.0, 2 * np.pi, n + 1)
    delta = radius_km / EARTH_RADIUS_KM
    phi1, lam1 = np.radians(lat), np.radians(lon)
    phi2 = np.arcsin(np.sin(phi1) * np.cos(delta) + np.cos(phi1) * np.sin(delta) * np.cos(theta))
    lam2 = lam1 + np.arctan2(np.sin(theta) * np.sin(delta) * np.cos(phi1),
                             np.cos(delta) - np.sin(phi1) * np.sin(phi2))
    return np.degrees(lam2), np.degrees(phi2)
