"""Travel times between regions: great-circle distance × detour factor ÷ speed, or a given matrix.

.. math::

    d_{ab} = 2R \\arcsin\\sqrt{\\sin^2\\tfrac{\\phi_b-\\phi_a}{2} + \\cos\\phi_a\\cos\\phi_b
    \\sin^2\\tfrac{\\lambda_b-\\lambda_a}{2}}, \\qquad
    t_{ab} = \\text{overhead} + \\frac{\\text{detour} \\cdot d_{ab}}{v}

with R = 6,371.0088 km (mean Earth radius, IUGG) and λ, φ the longitude and latitude.

Default modes (documented in ``docs/clusters.md``):

========  =======  ==========  ==========  ===============================================
mode      detour   speed km/h  overhead h  basis
========  =======  ==========  ==========  ===============================================
road      1.20     90          0           expressway freight/car mix; circuity ≈ 1.12–1.2
                                           for Shanghai–Nanjing/Yongkang/Tongcheng by road
rail      1.25     200         0.5         high-speed rail incl. stops; 0.5 h station access
========  =======  ==========  ==========  ===============================================

The road defaults reproduce navigation estimates for the Yangtze River Delta within about 10 %:
Shanghai–Nanjing ≈ 300 km / 3.5 h, Shanghai–Yongkang ≈ 330 km / 3.8 h, Shanghai–Tongcheng
≈ 510 km / 5.7 h. Regions in different countries get no road or rail time (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chainatlas._types import FloatArray
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.network.area import EARTH_RADIUS_KM, great_circle_km

__all__ = [
    "EARTH_RADIUS_KM",
    "MODES",
    "TravelMode",
    "great_circle_km",
    "resolve_mode",
    "travel_time_matrix",
    "travel_times_from",
]



@dataclass(frozen=True)
class TravelMode:
    """A way of travelling: ``hours = overhead_h + detour × great-circle km ÷ speed_kmh``."""

    name: str
    detour: float
    speed_kmh: float
    overhead_h: float = 0.0

    def __post_init__(self) -> None:
        if not (self.detour >= 1.0 and self.speed_kmh > 0 and self.overhead_h >= 0):
            raise InputError(f"travel mode {self.name!r}: need detour ≥ 1, speed > 0 and "
                             "overhead ≥ 0")

    def hours(self, km: FloatArray | float) -> FloatArray:
        """Travel hours for great-circle distances ``km`` (0 km stays 0 h)."""
        km = np.asarray(km, dtype=np.float64)
        return np.where(km > 0, self.overhead_h + self.detour * km / self.speed_kmh, 0.0)


MODES: dict[str, TravelMode] = {
    "road": TravelMode("road", detour=1.2, speed_kmh=90.0),
    "rail": TravelMode("rail", detour=1.25, speed_kmh=200.0, overhead_h=0.5),
}


def resolve_mode(mode: str | TravelMode) -> TravelMode:
    """A :class:`TravelMode` from its name (``road``, ``rail``) or itself."""
    if isinstance(mode, TravelMode):
        return mode
    try:
        return MODES[mode]
    except KeyError:
        raise InputError(f"unknown travel mode {mode!r}; expected one of {', '.join(MODES)}") from None


def _coords(regions: pd.DataFrame) -> pd.DataFrame:
    if "code" not in regions.columns:
        raise InputError("the regions table needs a 'code' column")
    out = regions.drop_duplicates("code").set_index("code")
    for col in ("lon", "lat"):
        if col not in out.columns:
            out[col] = np.nan
    if "country" not in out.columns:
        out["country"] = "CHN"
    out["country"] = out["country"].fillna("CHN").astype(str)
    return out[["lon", "lat", "country"]].astype({"lon": float, "lat": float})


def _given_hours(times: pd.DataFrame) -> pd.DataFrame:
    """A square hours matrix from a square frame or a long (origin, destination, hours) frame."""
    if {"origin", "destination", "hours"} <= set(times.columns):
        long = times[["origin", "destination", "hours"]].copy()
        long["origin"] = long["origin"].astype(str)
        long["destination"] = long["destination"].astype(str)
        sq = long.pivot_table(index="origin", columns="destination", values="hours",
                              aggfunc="min")
    else:
        sq = times.copy()
        sq.index = sq.index.astype(str)
        sq.columns = sq.columns.astype(str)
    labels = sq.index.union(sq.columns)
    sq = sq.reindex(index=labels, columns=labels).astype(float)
    if (sq < 0).any().any():
        raise InputError("travel times must be ≥ 0 hours")
    sq = sq.fillna(sq.T)  # one direction given: assume the same back
    arr = sq.to_numpy(copy=True)
    np.fill_diagonal(arr, np.where(np.isnan(np.diag(arr)), 0.0, np.diag(arr)))
    return pd.DataFrame(arr, index=labels, columns=labels)


def travel_time_matrix(regions: pd.DataFrame, mode: str | TravelMode = "road", *,
                       times: pd.DataFrame | None = None) -> pd.DataFrame:
    """Hours between every pair of regions.

    Parameters
    ----------
    regions : DataFrame
        ``code, lon, lat`` (and ``country``), as in the dataset's regions table.
    mode : str or TravelMode
        ``road`` or ``rail`` (see the module table) or a custom :class:`TravelMode`.
    times : DataFrame, optional
        Given hours (square, labelled by code, or long ``origin, destination, hours``); pairs it
        holds override the computed ones.

    Returns
    -------
    DataFrame
        Square, indexed by region code; NaN where coordinates are missing or the two regions lie in
        different countries (and no time was given).
    """
    m = resolve_mode(mode)
    xy = _coords(regions)
    codes = xy.index.astype(str)
    km = great_circle_km(xy["lon"].to_numpy()[:, None], xy["lat"].to_numpy()[:, None],
                         xy["lon"].to_numpy()[None, :], xy["lat"].to_numpy()[None, :])
    hours = m.hours(km)
    hours = np.where(np.isnan(km), np.nan, hours)
    country = xy["country"].to_numpy()
    hours = np.where(country[:, None] == country[None, :], hours, np.nan)
    np.fill_diagonal(hours, 0.0)
    out = pd.DataFrame(hours, index=codes, columns=codes)
    if times is not None:
        given = _given_hours(times)
        labels = out.index.union(given.index)
        out = out.reindex(index=labels, columns=labels)
        g = given.reindex(index=labels, columns=labels)
        out = g.where(g.notna(), out)
    return out


def travel_times_from(regions: pd.DataFrame, origin: str, mode: str | TravelMode = "road", *,
                      times: pd.DataFrame | None = None) -> pd.Series:
    """Hours from ``origin`` to every region (a row of :func:`travel_time_matrix`, computed alone).

    Raises
    ------
    DataNotFound
        ``origin`` is not a region code of the table (nor of ``times``).
    """
    origin = str(origin)
    xy = _coords(regions)
    xy.index = xy.index.astype(str)
    given = _given_hours(times) if times is not None else None
    if origin not in xy.index and (given is None or origin not in given.index):
        raise DataNotFound(f"region {origin!r} is not in the regions table")
    m = resolve_mode(mode)
    if origin in xy.index:
        o = xy.loc[origin]
        km = great_circle_km(o["lon"], o["lat"], xy["lon"].to_numpy(), xy["lat"].to_numpy())
        h = np.where(np.isnan(km), np.nan, m.hours(km))
        h = np.where(xy["country"].to_numpy() == o["country"], h, np.nan)
        out = pd.Series(h, index=xy.index, name="hours")
        out[origin] = 0.0
    else:
        out = pd.Series(dtype=float, name="hours")
    if given is not None and origin in given.index:
        row = given.loc[origin].dropna()
        out = out.reindex(out.index.union(row.index))
        out[row.index] = row.to_numpy()
    return out
