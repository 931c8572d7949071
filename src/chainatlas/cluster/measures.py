"""Regional specialisation and concentration: LQ, Krugman, Hoover, Herfindahl, Ellison–Glaeser.

Notation: :math:`E_{ri}` is the value (employment, output in 万元, firm count) of region ``r`` in
industry ``i``; :math:`s_{ri} = E_{ri}/E_r`, :math:`s_i = E_i/E`, :math:`x_r = E_r/E`.

- Location quotient :math:`LQ_{ri} = s_{ri}/s_i` (= Balassa's RCA).
- Krugman (1991) specialisation :math:`K_r = \\sum_i |s_{ri} - s_i|` ∈ [0, 2] against the nation,
  or against the rest of the country :math:`s_{-r,i} = (E_i - E_{ri})/(E - E_r)` (Krugman's own).
- Hoover specialisation coefficient :math:`K_r/2`; Hoover localisation of an industry
  :math:`H_i = \\tfrac12 \\sum_r |E_{ri}/E_i - x_r|`.
- Herfindahl :math:`HHI_r = \\sum_i s_{ri}^2`, normalised :math:`(HHI - 1/N)/(1 - 1/N)`.
- Ellison & Glaeser (1997, *JPE* 105(5)) agglomeration
  :math:`\\gamma_i = \\frac{G_i - (1 - \\sum_r x_r^2) H_i}{(1 - \\sum_r x_r^2)(1 - H_i)}` with
  :math:`G_i = \\sum_r (E_{ri}/E_i - x_r)^2` and the plant Herfindahl :math:`H_i = \\sum_k z_k^2`
  (:math:`z_k` the plant's share of the industry). Bands: γ < 0.02 weak, 0.02–0.05 moderate,
  > 0.05 high (Ellison & Glaeser 1997, p. 892).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from chainatlas.cluster._matrix import as_matrix
from chainatlas.exceptions import InputError

__all__ = [
    "ellison_glaeser",
    "herfindahl",
    "hoover_localisation",
    "hoover_specialisation",
    "krugman_index",
    "location_quotient",
    "plant_herfindahl",
    "regional_measures",
]


def _frame(X: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    lm = as_matrix(X, name="region × industry table", drop_empty=False)
    return pd.DataFrame(lm.values, index=lm.rows, columns=lm.cols)


def location_quotient(X: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """:math:`LQ_{ri} = (E_{ri}/E_r)/(E_i/E)`; 0 for an empty region or industry.

    Examples
    --------
    >>> location_quotient(pd.DataFrame([[1.0, 1.0], [0.0, 2.0]])).round(3).values.tolist()
    [[2.0, 0.667], [0.0, 1.333]]
    """
    F = _frame(X)
    E = F.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (E / E.sum(axis=1, keepdims=True)) / (E.sum(axis=0, keepdims=True) / E.sum())
    return pd.DataFrame(np.nan_to_num(lq, nan=0.0, posinf=0.0), index=F.index, columns=F.columns)


def _shares(F: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    E = F.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        s_r = np.nan_to_num(E / E.sum(axis=1, keepdims=True))
    return E, s_r


def krugman_index(X: pd.DataFrame | np.ndarray,
                  reference: Literal["national", "rest"] = "national") -> pd.Series:
    """Krugman specialisation index per region, :math:`\\sum_i |s_{ri} - s^{ref}_i|` ∈ [0, 2].

    ``reference="national"`` compares with the whole table's industry mix (econcomplex, EconGeo);
    ``"rest"`` with the rest of the country, excluding the region itself (Krugman 1991).
    """
    F = _frame(X)
    E, s_r = _shares(F)
    if reference == "national":
        ref = E.sum(axis=0, keepdims=True) / E.sum()
    elif reference == "rest":
        rest = E.sum(axis=0, keepdims=True) - E
        with np.errstate(divide="ignore", invalid="ignore"):
            ref = np.nan_to_num(rest / rest.sum(axis=1, keepdims=True))
    else:
        raise InputError(f"unknown reference {reference!r}; expected 'national' or 'rest'")
    k = np.where(E.sum(axis=1) > 0, np.abs(s_r - ref).sum(axis=1), np.nan)  # empty region: NaN
    return pd.Series(k, index=F.index, name=f"krugman_{reference}")


def hoover_specialisation(X: pd.DataFrame | np.ndarray) -> pd.Series:
    """Hoover coefficient of specialisation per region: half the national Krugman index, in [0, 1]."""
    return (krugman_index(X, "national") / 2).rename("hoover_specialisation")


def hoover_localisation(X: pd.DataFrame | np.ndarray) -> pd.Series:
    """Hoover localisation per industry, :math:`\\tfrac12\\sum_r |E_{ri}/E_i - x_r|` ∈ [0, 1)."""
    F = _frame(X)
    E = F.to_numpy()
    x = E.sum(axis=1) / E.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.nan_to_num(E / E.sum(axis=0, keepdims=True))
    return pd.Series(0.5 * np.abs(s - x[:, None]).sum(axis=0), index=F.columns,
                     name="hoover_localisation")


def herfindahl(X: pd.DataFrame | np.ndarray, *, axis: Literal["region", "industry"] = "region",
               normalised: bool = False) -> pd.Series:
    """Herfindahl–Hirschman index of shares.

    ``axis="region"``: per region over its industries, :math:`\\sum_i s_{ri}^2` (specialisation);
    ``axis="industry"``: per industry over regions, :math:`\\sum_r (E_{ri}/E_i)^2` (concentration).
    ``normalised`` maps :math:`[1/N, 1]` onto :math:`[0, 1]` with N the number of shares.
    """
    F = _frame(X)
    E = F.to_numpy()
    if axis == "industry":
        E, labels = E.T, F.columns
    elif axis == "region":
        labels = F.index
    else:
        raise InputError(f"unknown axis {axis!r}; expected 'region' or 'industry'")
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.nan_to_num(E / E.sum(axis=1, keepdims=True))
    h = np.where(E.sum(axis=1) > 0, (s ** 2).sum(axis=1), np.nan)  # no shares: NaN
    n = E.shape[1]
    if normalised:
        h = (h - 1 / n) / (1 - 1 / n) if n > 1 else np.ones_like(h)
    return pd.Series(h, index=labels, name="hhi_normalised" if normalised else "hhi")


def plant_herfindahl(sizes: pd.Series | np.ndarray,
                     industry: pd.Series | np.ndarray) -> pd.Series:
    """Plant (firm) Herfindahl per industry, :math:`H_i = \\sum_{k \\in i} (E_k/E_i)^2`.

    Parameters
    ----------
    sizes : array-like
        Size of each plant (employment or output), ≥ 0.
    industry : array-like
        Industry of each plant, same length.
    """
    size = pd.Series(np.asarray(sizes, dtype=np.float64))
    ind = pd.Series(np.asarray(industry))
    if len(size) != len(ind):
        raise InputError("plant sizes and industries differ in length")
    if (size < 0).any() or size.isna().any():
        raise InputError("plant sizes must be numbers ≥ 0")
    total = size.groupby(ind).transform("sum")
    z = (size / total.where(total > 0)).fillna(0.0)
    return (z ** 2).groupby(ind).sum().rename("plant_herfindahl")


def ellison_glaeser(X: pd.DataFrame | np.ndarray,
                    plant_hhi: pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """Ellison–Glaeser agglomeration index per industry.

    Parameters
    ----------
    X : DataFrame, shape (regions, industries)
        Employment or output.
    plant_hhi : Series or array, optional
        Plant Herfindahl per industry (:func:`plant_herfindahl`); without it H = 0, which gives
        the raw spatial concentration :math:`G/(1 - \\sum x^2)` (an upper bound of γ).

    Returns
    -------
    DataFrame
        Columns ``G``, ``H``, ``gamma``, ``band`` (weak | moderate | high) per industry.
    """
    F = _frame(X)
    E = F.to_numpy()
    x = E.sum(axis=1) / E.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.nan_to_num(E / E.sum(axis=0, keepdims=True))
    G = ((s - x[:, None]) ** 2).sum(axis=0)
    if plant_hhi is None:
        H = np.zeros(E.shape[1])
    elif isinstance(plant_hhi, pd.Series):
        missing = [c for c in F.columns if c not in plant_hhi.index]
        if missing:
            raise InputError(f"plant Herfindahl missing for industries {missing[:5]}")
        H = plant_hhi.reindex(F.columns).to_numpy(dtype=np.float64)
    else:
        H = np.asarray(plant_hhi, dtype=np.float64)
        if H.shape != (E.shape[1],):
            raise InputError(f"plant Herfindahl needs {E.shape[1]} values, got {H.shape}")
    if ((H < 0) | (H > 1)).any():
        raise InputError("plant Herfindahl values must lie in [0, 1]")
    sx2 = float((x ** 2).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = (G - (1 - sx2) * H) / ((1 - sx2) * (1 - H))
    gamma = np.where(H < 1.0, gamma, np.nan)  # one plant: agglomeration is undefined
    band = np.where(gamma > 0.05, "high", np.where(gamma >= 0.02, "moderate", "weak"))
    band = np.where(np.isfinite(gamma), band, "")
    return pd.DataFrame({"G": G, "H": H, "gamma": gamma, "band": band}, index=F.columns)


def regional_measures(X: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """Per-region summary: total, Krugman (national and rest), Hoover, HHI (raw and normalised),
    and the most over-represented industry with its LQ."""
    F = _frame(X)
    lq = location_quotient(F)
    top = lq.idxmax(axis=1)
    return pd.DataFrame({
        "total": F.sum(axis=1),
        "krugman": krugman_index(F, "national"),
        "krugman_rest": krugman_index(F, "rest"),
        "hoover": hoover_specialisation(F),
        "hhi": herfindahl(F),
        "hhi_normalised": herfindahl(F, normalised=True),
        "top_industry": top,
        "top_lq": lq.max(axis=1),
    })
