"""Results over an ensemble: the median, the 90 % band and P(in top-k) per item.

Each member's result is a frame of items (firms, segments …) with a score; an item a member does
not list scores ``absent`` there (0 for a chokepoint share: it is no chokepoint in that network).

>>> import pandas as pd
>>> runs = [pd.DataFrame({"id": ["a", "b"], "share": [0.9, 0.2]}),
...         pd.DataFrame({"id": ["a"], "share": [0.5]})]
>>> band_table(runs, "id", "share", top_k=1)[["id", "median", "p_listed", "p_top_k"]]
  id  median  p_listed  p_top_k
0  a     0.7       1.0      1.0
1  b     0.1       0.5      0.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["BAND", "band_table", "scalar_bands"]

#: Quantiles of the 90 % band.
BAND = (0.05, 0.95)


def band_table(runs: Sequence[pd.DataFrame], key: str | list[str], score: str, *,
               top_k: int = 10, absent: float = 0.0, higher_is_worse: bool = True,
               keep: Sequence[str] = ()) -> pd.DataFrame:
    """Per item: ``median``, ``p5``, ``p95`` of ``score`` over members, ``p_listed`` (share of
    members listing it), ``p_top_k`` (share of members where it ranks in the top ``top_k``),
    ``members``; sorted by median (worst first). ``keep`` columns come from an item's first row.
    """
    keys = [key] if isinstance(key, str) else list(key)
    n = len(runs)
    frames = []
    for k, run in enumerate(runs):
        f = run[[*keys, score, *[c for c in keep if c in run]]].copy()
        f = f.drop_duplicates(subset=keys)
        rank = f[score].rank(ascending=not higher_is_worse, method="min")
        f["_top"] = rank <= top_k
        f["_m"] = k
        frames.append(f)
    if not frames:
        return pd.DataFrame(columns=[*keys, "median", "p5", "p95", "p_listed", "p_top_k"])
    allf = pd.concat(frames, ignore_index=True)
    wide = allf.pivot_table(index=keys, columns="_m", values=score, aggfunc="first")
    wide = wide.reindex(columns=range(n)).astype(float).fillna(absent)
    vals = wide.to_numpy()
    top = allf.pivot_table(index=keys, columns="_m", values="_top", aggfunc="first")
    top = top.reindex(index=wide.index, columns=range(n)).fillna(False).astype(bool)
    out = pd.DataFrame({
        "median": np.median(vals, axis=1),
        "p5": np.quantile(vals, BAND[0], axis=1),
        "p95": np.quantile(vals, BAND[1], axis=1),
        "p_listed": allf.groupby(keys).size().reindex(wide.index).to_numpy() / n,
        "p_top_k": top.to_numpy().mean(axis=1),
    }, index=wide.index).reset_index()
    out["members"] = n
    if keep:
        first = allf.drop_duplicates(subset=keys)[[*keys, *[c for c in keep if c in allf]]]
        out = out.merge(first, on=keys, how="left")
    return out.sort_values(["median", "p_top_k"], ascending=not higher_is_worse,
                           kind="stable").reset_index(drop=True)


def scalar_bands(values: dict[str, Sequence[float]]) -> pd.DataFrame:
    """One row per metric: median, p5, p95, min, max over members (NaN values skipped)."""
    rows = []
    for name, v in values.items():
        a = np.asarray(v, dtype=float)
        a = a[np.isfinite(a)]
        if not len(a):
            rows.append({"metric": name, "median": np.nan, "p5": np.nan, "p95": np.nan,
                         "min": np.nan, "max": np.nan, "members": 0})
            continue
        rows.append({"metric": name, "median": float(np.median(a)),
                     "p5": float(np.quantile(a, BAND[0])), "p95": float(np.quantile(a, BAND[1])),
                     "min": float(a.min()), "max": float(a.max()), "members": int(len(a))})
    return pd.DataFrame(rows)
