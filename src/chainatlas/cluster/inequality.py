"""Regional inequality: the Gini coefficient and Dagum's (1997) decomposition by groups of regions.

Dagum, C. (1997) "A new approach to the decomposition of the Gini income inequality ratio",
*Empirical Economics* 22, 515–531 — the standard tool of Chinese regional studies (e.g. east,
centre, west and north-east). With :math:`n` regions in :math:`k` groups, group :math:`j` holding
:math:`n_j` values :math:`y_{ji}` of mean :math:`\\mu_j`, :math:`p_j = n_j/n` and
:math:`s_j = n_j \\mu_j / (n \\mu)`:

.. math::

    G = \\frac{\\sum_{j,h}\\sum_{i,r} |y_{ji} - y_{hr}|}{2 n^2 \\mu}, \\qquad
    G_{jj} = \\frac{\\sum_{i,r} |y_{ji} - y_{jr}|}{2 n_j^2 \\mu_j}, \\qquad
    G_{jh} = \\frac{\\sum_{i,r} |y_{ji} - y_{hr}|}{n_j n_h (\\mu_j + \\mu_h)}

    G_w = \\sum_j G_{jj} p_j s_j, \\quad
    G_{nb} = \\sum_{j > h} G_{jh} (p_j s_h + p_h s_j) D_{jh}, \\quad
    G_t = \\sum_{j > h} G_{jh} (p_j s_h + p_h s_j) (1 - D_{jh})

with :math:`D_{jh} = (d_{jh} - p_{jh})/(d_{jh} + p_{jh})` for :math:`\\mu_j \\ge \\mu_h`,
:math:`d_{jh}` the mean of :math:`\\max(y_{ji} - y_{hr}, 0)` and :math:`p_{jh}` the mean of
:math:`\\max(y_{hr} - y_{ji}, 0)` over all pairs. The parts add up: :math:`G = G_w + G_{nb} + G_t`
(within groups, net between groups, transvariation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chainatlas._types import FloatArray
from chainatlas.exceptions import InputError

__all__ = ["DagumResult", "dagum_gini", "gini"]


def gini(values: FloatArray | pd.Series) -> float:
    """Gini coefficient :math:`\\sum_{i,r}|y_i - y_r| / (2 n^2 \\mu)` (sorted-sum form).

    Examples
    --------
    >>> round(gini([1.0, 3.0, 2.0, 6.0]), 6)
    0.333333
    """
    y = np.sort(np.asarray(values, dtype=np.float64))
    n = len(y)
    if n == 0 or y.sum() <= 0:
        raise InputError("the Gini coefficient needs values ≥ 0 with a positive total")
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * y).sum() / (n * n * y.mean()))


@dataclass
class DagumResult:
    """Dagum decomposition: totals and the per-group matrices.

    ``groups`` has one row per group (n, mean, share of the total, within-group Gini);
    ``between`` holds :math:`G_{jh}` (diagonal :math:`G_{jj}`); ``contributions`` the parts and
    their shares of G.
    """

    gini: float
    within: float
    between_net: float
    transvariation: float
    groups: pd.DataFrame
    between: pd.DataFrame

    @property
    def contributions(self) -> pd.DataFrame:
        parts = {"within": self.within, "between_net": self.between_net,
                 "transvariation": self.transvariation}
        return pd.DataFrame({"part": list(parts), "value": list(parts.values()),
                             "share": [v / self.gini if self.gini else np.nan
                                       for v in parts.values()]})

    def to_dict(self) -> dict[str, Any]:
        return {"gini": self.gini, "within": self.within, "between_net": self.between_net,
                "transvariation": self.transvariation,
                "contributions": self.contributions.to_dict(orient="records"),
                "groups": self.groups.reset_index().to_dict(orient="records"),
                "between": {str(k): v for k, v in self.between.to_dict().items()}}


def dagum_gini(values: pd.Series | FloatArray, groups: pd.Series | np.ndarray) -> DagumResult:
    """Dagum's decomposition of the Gini coefficient of ``values`` by ``groups``.

    Parameters
    ----------
    values : array-like, shape (n,)
        One value ≥ 0 per region (GDP per capita, an index score, output).
    groups : array-like, shape (n,)
        The group of each region (e.g. 东部, 中部, 西部, 东北).

    Raises
    ------
    InputError
        Lengths differ, values are negative or missing, or the total is 0.
    """
    y = np.asarray(values, dtype=np.float64)
    g = np.asarray(groups)
    if y.ndim != 1 or len(y) != len(g):
        raise InputError("values and groups must be 1-D and of the same length")
    if len(y) == 0 or np.isnan(y).any() or (y < 0).any() or y.sum() <= 0:
        raise InputError("values must be numbers ≥ 0 with a positive total")
    labels, inv = np.unique(g.astype(str), return_inverse=True)
    members = [y[inv == j] for j in range(len(labels))]
    n, mu = len(y), y.mean()
    nj = np.array([len(m) for m in members], dtype=np.float64)
    muj = np.array([m.mean() for m in members])
    p, s = nj / n, nj * muj / (n * mu)
    k = len(labels)
    G = np.zeros((k, k))
    within = between = trans = 0.0
    for j in range(k):
        a = members[j]
        G[j, j] = np.abs(a[:, None] - a[None, :]).sum() / (2 * nj[j] ** 2 * muj[j]) \
            if muj[j] > 0 else 0.0
        within += G[j, j] * p[j] * s[j]
        for h in range(j):
            b = members[h]
            diff = a[:, None] - b[None, :]
            G[j, h] = G[h, j] = np.abs(diff).sum() / (nj[j] * nj[h] * (muj[j] + muj[h]))
            hi = diff if muj[j] >= muj[h] else -diff        # richer group minus poorer
            d_jh = np.maximum(hi, 0).mean()
            p_jh = np.maximum(-hi, 0).mean()
            D = (d_jh - p_jh) / (d_jh + p_jh) if d_jh + p_jh > 0 else 0.0
            w = G[j, h] * (p[j] * s[h] + p[h] * s[j])
            between += w * D
            trans += w * (1 - D)
    table = pd.DataFrame({"n": nj.astype(int), "mean": muj, "share": s,
                          "gini": np.diag(G)}, index=pd.Index(labels, name="group"))
    return DagumResult(gini(y), float(within), float(between), float(trans), table,
                       pd.DataFrame(G, index=labels, columns=labels))
