"""Classic shift-share decomposition of regional growth (Dunn 1960; Esteban-Marquillas 1972).

.. math::

    \\Delta E_{ri} = \\underbrace{E^0_{ri}\\, g}_{\\text{national share}}
                 + \\underbrace{E^0_{ri}(g_i - g)}_{\\text{industry mix}}
                 + \\underbrace{\\Delta E_{ri} - E^0_{ri} g_i}_{\\text{regional shift}}

with :math:`g = E^1/E^0 - 1` the national growth rate and :math:`g_i = E^1_i/E^0_i - 1` the
national growth of industry ``i``. The regional (competitive) shift equals
:math:`E^0_{ri}(g_{ri} - g_i)` whenever :math:`E^0_{ri} > 0`, and stays defined for an industry
that is new to the region. The three parts add up to :math:`\\Delta E_{ri}` exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainatlas.cluster._matrix import as_matrix
from chainatlas.exceptions import InputError

__all__ = ["shift_share"]


def shift_share(start: pd.DataFrame, end: pd.DataFrame, *,
                national_start: pd.Series | None = None,
                national_end: pd.Series | None = None) -> pd.DataFrame:
    """Shift-share decomposition per region and industry.

    Parameters
    ----------
    start, end : DataFrame, shape (regions, industries)
        Values (employment, output) at the start and end year, same labels.
    national_start, national_end : Series, optional
        National totals per industry when the regions are only part of the nation (e.g. the
        cities of one province against China); default: the column sums of ``start`` / ``end``.

    Returns
    -------
    DataFrame
        Long form: ``region, industry, start, end, change, national_share, industry_mix,
        regional_shift`` plus one ``industry == "(total)"`` row per region.
    """
    a = as_matrix(start, name="start table", allow_zero=True)
    b = as_matrix(end, name="end table", allow_zero=True)
    if not (a.rows.equals(b.rows) and a.cols.equals(b.cols)):
        raise InputError("start and end tables must have the same regions and industries in the "
                         "same order")
    E0, E1 = a.values, b.values
    if national_start is None and national_end is None:
        N0, N1 = E0.sum(axis=0), E1.sum(axis=0)
    elif national_start is not None and national_end is not None:
        N0 = national_start.reindex(a.cols).to_numpy(dtype=np.float64)
        N1 = national_end.reindex(a.cols).to_numpy(dtype=np.float64)
        if np.isnan(N0).any() or np.isnan(N1).any():
            raise InputError("national totals are missing for some industries")
    else:
        raise InputError("give both national_start and national_end, or neither")
    if N0.sum() <= 0:
        raise InputError("the national start total is 0; growth rates are undefined")
    g = N1.sum() / N0.sum() - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        gi = np.where(N0 > 0, N1 / N0 - 1.0, 0.0)
    ns = E0 * g
    im = E0 * (gi - g)[None, :]
    change = E1 - E0
    rs = change - E0 * gi[None, :]
    C, P = E0.shape
    out = pd.DataFrame({
        "region": np.repeat(np.asarray(a.rows, dtype=object), P),
        "industry": np.tile(np.asarray(a.cols, dtype=object), C),
        "start": E0.ravel(), "end": E1.ravel(), "change": change.ravel(),
        "national_share": ns.ravel(), "industry_mix": im.ravel(), "regional_shift": rs.ravel(),
    })
    totals = out.groupby("region", sort=False)[["start", "end", "change", "national_share",
                                                 "industry_mix", "regional_shift"]].sum()
    totals = totals.reset_index().assign(industry="(total)")
    out = pd.concat([out, totals[out.columns]], ignore_index=True)
    out.attrs["national_growth"] = float(g)
    return out
