"""Areas of interest: firms in a region (adcode prefix) or within H hours of a site.

A Chinese adcode is hierarchical (2 digits province, 2 city, 2 county): a code's significant
prefix drops trailing ``00`` pairs, so ``340000`` (Anhui) covers every ``34xxxx`` city and county
and ``340100`` (Hefei) covers ``3401xx``. Other codes (ISO-3 countries) match exactly.

Travel time is the great-circle (haversine) distance times a detour factor over a speed,

.. math:: t = \\frac{2 R \\arcsin\\sqrt{\\sin^2\\frac{\\Delta\\varphi}{2} + \\cos\\varphi_1
   \\cos\\varphi_2 \\sin^2\\frac{\\Delta\\lambda}{2}} \\cdot \\delta}{v}

with :math:`R = 6371` km, detour :math:`\\delta` (road distance / straight line) and speed
:math:`v` in km/h. The defaults (1.2, 90 km/h: expressway road travel) put Shanghai–Nanjing at
about 3.6 h and Shanghai–Tongcheng at about 5.7 h.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import DataNotFound, InputError

__all__ = ["adcode_prefix", "region_mask", "travel_hours", "within_hours_mask"]

_F64 = npt.NDArray[np.float64]
_BOOL = npt.NDArray[np.bool_]

EARTH_RADIUS_KM = 6371.0088


def adcode_prefix(code: str) -> str:
    """Significant prefix of an adcode (``"340000"`` → ``"34"``); other codes unchanged."""
    c = str(code).strip()
    if c.isdigit() and len(c) == 6:
        while len(c) > 2 and c.endswith("00"):
            c = c[:-2]
    return c


def region_mask(firm_region: npt.ArrayLike, codes: str | list[str]) -> _BOOL:
    """Firms whose region lies in any of ``codes`` (comma-separated or a list)."""
    items = [c.strip() for c in (codes.split(",") if isinstance(codes, str) else codes)
             if str(c).strip()]
    if not items:
        raise InputError("give at least one region code")
    reg = pd.Series(np.asarray(firm_region, dtype=object)).astype(str)
    mask = np.zeros(len(reg), dtype=bool)
    for code in items:
        p = adcode_prefix(code)
        if p.isdigit():
            mask |= reg.str.startswith(p).to_numpy(dtype=bool) & reg.str.isdigit().to_numpy(bool)
        else:
            mask |= (reg == p).to_numpy(dtype=bool)
    return mask


def travel_hours(lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike,
                 lat2: npt.ArrayLike, *, detour: float = 1.2, speed_kmh: float = 90.0) -> _F64:
    """Travel time in hours between points (degrees), broadcast like numpy.

    Examples
    --------
    >>> round(float(travel_hours(121.47, 31.23, 118.80, 32.06, detour=1.0, speed_kmh=1.0)))
    269
    """
    if detour < 1.0 or speed_kmh <= 0:
        raise InputError("detour must be ≥ 1 and speed_kmh > 0")
    km = great_circle_km(lon1, lat1, lon2, lat2)
    return np.asarray(km * detour / speed_kmh, dtype=np.float64)


def great_circle_km(lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike,
                    lat2: npt.ArrayLike) -> _F64:
    """Haversine great-circle distance in km between points given in degrees (broadcasts).

    Examples
    --------
    >>> round(float(great_circle_km(121.47, 31.23, 118.80, 32.06)))  # Shanghai–Nanjing
    269
    """
    lam1, phi1, lam2, phi2 = (np.radians(np.asarray(v, dtype=np.float64))
                              for v in (lon1, lat1, lon2, lat2))
    a = (np.sin((phi2 - phi1) / 2) ** 2
         + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2)
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))),
                      dtype=np.float64)


def _coords(regions: pd.DataFrame) -> pd.DataFrame:
    """lon/lat per region code, filling a region without coordinates from its parent."""
    if len(regions) == 0:
        return pd.DataFrame({"lon": [], "lat": []})
    r = regions.assign(code=regions["code"].astype(str)).set_index("code")
    lon = pd.to_numeric(r["lon"], errors="coerce")
    lat = pd.to_numeric(r["lat"], errors="coerce")
    parent = r["parent"].astype(object) if "parent" in r else pd.Series(None, index=r.index)
    for _ in range(3):
        miss = lon.isna() & parent.notna()
        if not miss.any():
            break
        p = parent[miss].astype(str)
        lon[miss] = lon.reindex(p).to_numpy()
        lat[miss] = lat.reindex(p).to_numpy()
    return pd.DataFrame({"lon": lon, "lat": lat})


def within_hours_mask(firm_region: npt.ArrayLike, regions: pd.DataFrame, of: str, hours: float,
                      *, detour: float = 1.2, speed_kmh: float = 90.0) -> _BOOL:
    """Firms whose region's centre lies within ``hours`` of region ``of``'s centre.

    Firms whose region has no coordinates (nor a parent with them) are outside.
    """
    if hours <= 0:
        raise InputError(f"hours must be > 0, got {hours}")
    xy = _coords(regions)
    lon_of = xy["lon"].to_dict().get(str(of), np.nan)
    lat_of = xy["lat"].to_dict().get(str(of), np.nan)
    if np.isnan(lon_of) or np.isnan(lat_of):
        raise DataNotFound(f"region '{of}' has no coordinates in the regions table")
    lon0, lat0 = float(lon_of), float(lat_of)
    reg = pd.Index(np.asarray(firm_region, dtype=object).astype(str))
    lon = xy["lon"].reindex(reg).to_numpy(float)
    lat = xy["lat"].reindex(reg).to_numpy(float)
    t = travel_hours(lon0, lat0, lon, lat, detour=detour, speed_kmh=speed_kmh)
    return np.asarray(np.nan_to_num(t, nan=np.inf) <= hours, dtype=bool)
