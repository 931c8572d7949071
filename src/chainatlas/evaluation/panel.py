"""The whole evaluation pipeline on a region × year indicator panel.

Steps (each kept as a table in :class:`PanelResult`, so an analyst can check it by hand):

1. **Align** the long panel ``region, year, indicator, value`` with the indicator system; fill gaps
   within a region by linear interpolation over years (edges by the nearest year) and drop
   region-years that still lack a value.
2. **Standardise** with direction-aware min-max over all region-years at once (``pooling="pooled"``,
   面板熵值法: scores comparable across years) or within each year (``"yearly"``).
3. **Weigh** the indicators (entropy, CRITIC, standard deviation or equal): globally, giving the
   criterion-layer weight :math:`W_k = \\sum_{j \\in k} w_j` of each subsystem, and within each
   subsystem, giving :math:`w_j^{(k)}` (for entropy and standard-deviation weights
   :math:`w_j^{(k)} = w_j / W_k`).
4. **Score** each subsystem, :math:`U_k = \\sum_{j\\in k} w_j^{(k)} z_j` (or TOPSIS on the
   subsystem's columns), and the composite index with the global weights; rank within each year.
5. **Couple** the subsystems (n ≥ 2): C, T, D (:mod:`.coupling`), grades (:mod:`.grades`) and the
   relative development type.
6. **Obstacles**: :math:`O_{ij}` with factor contribution :math:`F_j = W_k w_j^{(k)}`, summed per
   subsystem, and the top-k factors of every region-year (:mod:`.obstacle`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from chainatlas.evaluation._checks import as_weights
from chainatlas.evaluation.coupling import VARIANTS, coupling_coordination
from chainatlas.evaluation.grades import GradeTable, classify, development_type, grade_table
from chainatlas.evaluation.obstacle import obstacle_degree, subsystem_obstacles
from chainatlas.evaluation.scores import linear_scores, rank_descending, topsis
from chainatlas.evaluation.standardise import minmax_standardise
from chainatlas.evaluation.templates import IndicatorSystem
from chainatlas.evaluation.weights import (
    combine_weights,
    critic_weights,
    entropy_values,
    entropy_weights,
    equal_weights,
    std_weights,
)
from chainatlas.exceptions import InputError, ModelError

__all__ = ["COMBINATIONS", "MIN_REGIONS", "SCORINGS", "WEIGHTINGS", "PanelResult",
           "evaluate_panel", "panel_weights", "sample_warnings", "zero_score_warning"]

#: Fewer regions than this and a ranking or a cross-regional comparison says little (see
#: :func:`sample_warnings`).
MIN_REGIONS = 3

WEIGHTINGS: tuple[str, ...] = ("entropy", "critic", "std", "equal", "user")
COMBINATIONS: tuple[str, ...] = ("game", "multiplicative", "linear")
SCORINGS: tuple[str, ...] = ("linear", "topsis")


def panel_weights(Z: np.ndarray, method: str, *, shift: float = 0.0) -> np.ndarray:
    """Weights of the columns of a standardised matrix by ``method`` (see :data:`WEIGHTINGS`).

    When no column varies the weights are equal (the columns cannot separate the samples).
    """
    n = Z.shape[1]
    try:
        if method == "entropy":
            return entropy_weights(Z + shift, standardised=True)
        if method == "critic":
            return critic_weights(Z, standardised=True)
        if method == "std":
            return std_weights(Z, standardised=True)
    except ModelError:
        return equal_weights(n)
    if method == "equal":
        return equal_weights(n)
    if method == "user":
        raise InputError("user weights come from the indicator system's 'weight' column")
    raise InputError(f"unknown weighting {method!r}; use one of {', '.join(WEIGHTINGS)}")


def sample_warnings(regions: int, years: int, samples: int, indicators: int, *,
                    weighting: str = "entropy", what: str = "region") -> list[str]:
    """Warnings for an evaluation on too few regions or region-years (empty when adequate).

    - fewer than :data:`MIN_REGIONS` ``regions``: min–max standardisation gives every
      indicator's worst sample 0 and its best 1, so with one region the index only orders that
      region's own years and its rank is always 1; with two, each yearly comparison is 0 or 1;
    - objective weights (entropy, CRITIC, standard deviation) from no more ``samples`` (the
      rows one weighting sees) than ``indicators``: there are fewer observations than weights
      to estimate, and the weights follow the few samples' extremes.
    """
    out: list[str] = []
    if regions < MIN_REGIONS:
        span = f" over {years} year(s)" if years > 1 else ""
        out.append(f"only {regions} {what}(s){span}: each indicator's worst sample becomes 0 and "
                   "its best 1, so scores only order these samples against one another and "
                   f"ranks say little; evaluate at least {MIN_REGIONS} {what}s")
    if weighting in ("entropy", "critic", "std") and samples <= indicators:
        out.append(f"{weighting} weights of {indicators} indicator(s) rest on only {samples} "
                   "sample(s) (no more samples than indicators): the weights follow the extremes "
                   "of these few samples; use more regions or years, or equal / user weights")
    return out


def zero_score_warning(U: np.ndarray, ids: Sequence[str], variant: str) -> list[str]:
    """A warning when some sample has a subsystem score of exactly 0: its coupling degree C
    (standard and Wang variants) and hence D are then 0 whatever the other subsystems score."""
    if variant == "fan" or not len(U):
        return []
    zero = (np.asarray(U) <= 0).any(axis=1)
    if not zero.any():
        return []
    bad = [str(ids[i]) for i in np.flatnonzero(zero)]
    return [f"{len(bad)} sample(s) have a subsystem score of 0 ({', '.join(bad[:5])}"
            f"{' …' if len(bad) > 5 else ''}), so their coupling C and coordination D are 0 "
            "whatever the other subsystems score; the worst sample of min–max standardisation "
            "scores 0 by construction (standardise to an interval such as 0.01,0.99 to avoid it)"]


def _clean(v: np.ndarray) -> np.ndarray:
    """Scores within 1e-12 of 0 or 1 (floating-point residue of sums of weights) as 0 or 1."""
    v = np.where(np.abs(v) < 1e-12, 0.0, v)
    return np.where(np.abs(v - 1.0) < 1e-12, 1.0, v)


def _score(Z: np.ndarray, w: np.ndarray, scoring: str) -> np.ndarray:
    if scoring == "linear":
        return linear_scores(Z, w)
    return topsis(Z, w, standardised=True).closeness


@dataclass
class PanelResult:
    """Every intermediate table of :func:`evaluate_panel` (frames) plus notes on what was done."""

    system: pd.DataFrame
    raw: pd.DataFrame
    standardised: pd.DataFrame
    weights: pd.DataFrame
    subsystem_weights: pd.DataFrame
    scores: pd.DataFrame
    coupling: pd.DataFrame
    obstacles: pd.DataFrame
    obstacles_subsystem: pd.DataFrame
    top_obstacles: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in pipeline order (what the Excel export writes)."""
        opts = pd.DataFrame({"option": list(self.options), "value": [str(v) for v in
                                                                     self.options.values()]})
        return {
            "options": opts, "system": self.system, "raw": self.raw,
            "standardised": self.standardised, "weights": self.weights,
            "subsystem_weights": self.subsystem_weights, "scores": self.scores,
            "coupling": self.coupling, "obstacles": self.obstacles,
            "obstacles_subsystem": self.obstacles_subsystem, "top_obstacles": self.top_obstacles,
            "notes": pd.DataFrame({"kind": ["warning"] * len(self.warnings)
                                   + ["note"] * len(self.notes),
                                   "note": self.warnings + self.notes}),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"options": self.options, "weights": self.weights,
                "subsystem_weights": self.subsystem_weights, "scores": self.scores,
                "coupling": self.coupling, "top_obstacles": self.top_obstacles,
                "notes": self.notes, "warnings": self.warnings}


def _long_panel(panel: pd.DataFrame) -> pd.DataFrame:
    need = {"region", "year", "indicator", "value"}
    if not need <= set(panel.columns):
        raise InputError(f"panel needs columns {sorted(need)}; has {list(panel.columns)}")
    f = panel[["region", "year", "indicator", "value"]].copy()
    f["region"] = f["region"].astype(str)
    f["indicator"] = f["indicator"].astype(str)
    f["year"] = pd.to_numeric(f["year"], errors="coerce")
    f["value"] = pd.to_numeric(f["value"], errors="coerce")
    if f["year"].isna().any():
        row = int(np.flatnonzero(f["year"].isna().to_numpy())[0])
        raise InputError(f"panel row {row + 1}: year is missing or not a number")
    f["year"] = f["year"].astype(int)
    f = f.dropna(subset=["value"])
    dup = f.duplicated(["region", "year", "indicator"], keep=False)
    if dup.any():
        r = f[dup].iloc[0]
        raise InputError(f"panel has duplicate values for region {r['region']}, year {r['year']}, "
                         f"indicator {r['indicator']}")
    if not np.isfinite(f["value"].to_numpy()).all():
        raise InputError("panel has infinite values")
    return f


def _fill_missing(wide: pd.DataFrame, incomplete: str, notes: list[str]) -> pd.DataFrame:
    n_missing = int(wide.isna().sum().sum())
    if not n_missing:
        return wide
    filled = wide.groupby(level="region", group_keys=False).apply(
        lambda g: g.droplevel("region").interpolate(method="index", limit_direction="both")
        .set_axis(g.index))
    filled = filled.reindex(wide.index)
    n_filled = n_missing - int(filled.isna().sum().sum())
    if n_filled:
        notes.append(f"{n_filled} missing value(s) filled by linear interpolation within the "
                     "region over years (nearest year at the edges)")
    if incomplete == "drop-indicators":
        gone = filled.columns[filled.isna().any(axis=0)]
        if len(gone):
            notes.append(f"{len(gone)} indicator(s) dropped for regions without any value: "
                         f"{', '.join(map(str, gone))}")
        return filled.drop(columns=gone)
    left = filled.isna().any(axis=1)
    if left.any():
        dropped = [f"{r}/{y}" for r, y in filled.index[left][:10]]
        notes.append(f"{int(left.sum())} region-year(s) dropped for values that could not be "
                     f"filled: {', '.join(dropped)}{' …' if left.sum() > 10 else ''}")
    return filled[~left]


def evaluate_panel(panel: pd.DataFrame, system: IndicatorSystem, *,
                   weighting: str = "entropy", scoring: str = "linear",
                   pooling: Literal["pooled", "yearly"] = "pooled", variant: str = "wang",
                   alpha: Sequence[float] | None = None, group_by: str = "subsystem",
                   top_k: int = 5, shift: float = 0.0,
                   interval: tuple[float, float] | None = None,
                   combine: str | None = None,
                   d_table: GradeTable | str = "D10", c_table: GradeTable | str = "C4",
                   incomplete: Literal["drop-rows", "drop-indicators"] = "drop-rows",
                   region_names: Mapping[str, str] | None = None) -> PanelResult:
    """Run weights → subsystem scores → coupling → obstacles on a long indicator panel.

    Parameters
    ----------
    panel : DataFrame
        Long format ``region, year, indicator, value``.
    system : IndicatorSystem
        Directions and subsystems of the indicators (others in the panel are ignored).
    weighting : {'entropy', 'critic', 'std', 'equal', 'user'}
        Objective weighting, or ``user`` for the system's ``weight`` column.
    scoring : {'linear', 'topsis'}
        How subsystem scores U and the composite index are formed.
    pooling : {'pooled', 'yearly'}
        Standardise and weigh over all region-years (comparable across years) or per year.
    variant : {'standard', 'wang', 'fan'}
        Coupling degree formula (:func:`~.coupling.coupling_degree`).
    alpha : sequence of float, optional
        Subsystem weights in T (equal by default).
    group_by : {'subsystem', 'dimension', 'factor'}
        Indicator-system column that defines the subsystems.
    top_k : int
        Obstacle factors listed per region-year.
    shift : float
        Shift added to Z before the entropy step only (平移, e.g. 1e-4).
    combine : {'game', 'multiplicative', 'linear'}, optional
        Combine the objective weights with the system's subjective ``weight`` column (e.g. AHP)
        by :func:`~.weights.combine_weights`. ``weighting="user"`` uses that column alone.
    interval : (a, b), optional
        Standardise to ``[a, b]`` instead of ``[0, 1]`` in every step (数据区间化, e.g.
        ``(0.01, 0.99)``), so that the weakest region-year does not get U = 0 and hence C = 0.
    d_table, c_table : GradeTable or name
        Classification tables for D and C.
    incomplete : {'drop-rows', 'drop-indicators'}
        What to do with values interpolation cannot fill (a region without any value of an
        indicator): drop those region-years (default) or drop those indicators.
    region_names : mapping, optional
        Display names of region codes (added as ``region_name`` columns).
    """
    if weighting not in WEIGHTINGS:
        raise InputError(f"unknown weighting {weighting!r}; use one of {', '.join(WEIGHTINGS)}")
    if scoring not in SCORINGS:
        raise InputError(f"unknown scoring {scoring!r}; use one of {', '.join(SCORINGS)}")
    if pooling not in ("pooled", "yearly"):
        raise InputError(f"pooling must be 'pooled' or 'yearly'; got {pooling!r}")
    if variant not in VARIANTS:
        raise InputError(f"unknown coupling variant {variant!r}; use one of {', '.join(VARIANTS)}")
    if combine is not None and combine not in COMBINATIONS:
        raise InputError(f"unknown combination {combine!r}; use one of {', '.join(COMBINATIONS)}")
    if combine is not None and weighting == "user":
        raise InputError("combine needs an objective weighting (entropy, critic, std or equal)")
    dt = grade_table(d_table) if not isinstance(d_table, GradeTable) else d_table
    ct = grade_table(c_table) if not isinstance(c_table, GradeTable) else c_table
    notes: list[str] = []
    long = _long_panel(panel)
    present = set(long["indicator"].unique())
    used = [i for i in system.indicators if i in present]
    missing_ind = [i for i in system.indicators if i not in present]
    extra = sorted(present - set(system.indicators))
    if not used:
        raise InputError(f"no indicator of system {system.name!r} is in the panel; panel has "
                         f"{sorted(present)[:10]}, system has {system.indicators[:10]}")
    if missing_ind:
        notes.append(f"{len(missing_ind)} indicator(s) of {system.name!r} not in the panel, left "
                     f"out: {', '.join(missing_ind)}")
    if extra:
        notes.append(f"{len(extra)} panel indicator(s) not in the system, ignored: "
                     f"{', '.join(extra[:20])}")
    if incomplete not in ("drop-rows", "drop-indicators"):
        raise InputError(f"incomplete must be 'drop-rows' or 'drop-indicators'; got {incomplete!r}")
    wide = long[long["indicator"].isin(used)].pivot(index=["region", "year"], columns="indicator",
                                                      values="value")
    wide = _fill_missing(wide.sort_index()[used], incomplete, notes)
    wide.columns.name = None
    used = [i for i in used if i in wide.columns]
    if not used:
        raise ModelError("no indicator is complete enough to evaluate")
    sys_used = system.subset(used)
    if len(wide) < 2:
        raise ModelError("the panel has fewer than 2 complete region-years; nothing to compare")
    groups = sys_used.groups(group_by)
    names = list(dict.fromkeys(groups))
    gidx = [np.flatnonzero(np.asarray(groups) == g) for g in names]
    types = np.where(np.asarray(sys_used.directions()) == "+", 1, -1)
    subjective = sys_used.user_weights()
    if (weighting == "user" or combine is not None) and subjective is None:
        raise InputError(f"indicator system {system.name!r} needs a 'weight' for every indicator "
                         f"for weighting='user' or combine")

    def weigh(Zc: np.ndarray, cols: Any) -> np.ndarray:
        if weighting == "user":
            return as_weights(subjective[cols], Zc.shape[1], name="user weights")  # type: ignore[index]
        w_obj = panel_weights(Zc, weighting, shift=shift)
        if combine is None:
            return w_obj
        return combine_weights([w_obj, subjective[cols]], combine)  # type: ignore[arg-type,index]

    if len(names) < 2:
        notes.append(f"only one {group_by} ({names[0]}) has data: no coupling computed")
    a = None if alpha is None else np.asarray(alpha, dtype=float)
    if a is not None and a.size != len(names):
        raise InputError(f"alpha has {a.size} values for {len(names)} subsystems ({', '.join(names)})")

    blocks = ([(None, wide)] if pooling == "pooled"
              else [(y, wide.xs(y, level="year", drop_level=False))
                    for y in sorted(wide.index.get_level_values("year").unique())])
    Zs, Ws, SWs, Ss, Cs, Os = [], [], [], [], [], []
    zero_ids: list[str] = []
    for year, block in blocks:
        X = block.to_numpy(dtype=float)
        if len(X) < 2:
            raise ModelError(f"year {year} has fewer than 2 regions; use pooled standardisation")
        Z = minmax_standardise(X, types, interval=interval)
        w = weigh(Z, slice(None))
        U = np.empty((len(X), len(names)))
        F = np.empty(len(used))
        within = np.empty(len(used))
        layer = np.array([w[c].sum() for c in gidx])
        for k, cols in enumerate(gidx):
            wk = weigh(Z[:, cols], cols)
            within[cols] = wk
            F[cols] = layer[k] * wk
            U[:, k] = _clean(_score(Z[:, cols], wk, scoring))
        index = _clean(_score(Z, w, scoring))
        obs = obstacle_degree(Z, F if F.sum() > 0 else w)
        keys = block.index.to_frame(index=False)
        Zs.append(pd.concat([keys, pd.DataFrame(Z, columns=used)], axis=1))
        wf = sys_used.frame[["indicator", "name", "subsystem", "dimension", "direction"]].copy()
        wf.insert(0, "year", year)
        if group_by != "subsystem":
            wf.insert(4, group_by + "_group", groups)
        if weighting == "entropy":
            wf["entropy"] = entropy_values(Z + shift)
        if subjective is not None:
            wf["subjective"] = subjective / subjective.sum()
        wf["weight"] = w
        wf["weight_within"] = within
        wf["factor_contribution"] = F
        Ws.append(wf)
        SWs.append(pd.DataFrame({"year": year, "subsystem": names, "weight": layer}))
        sc = keys.copy()
        for k, g in enumerate(names):
            sc[g] = U[:, k]
        sc["index"] = index
        Ss.append(sc)
        if len(names) >= 2:
            zero_ids += [f"{r}/{y}" for r, y in block.index[(U <= 0).any(axis=1)]]
            cr = coupling_coordination(U, variant, a)  # type: ignore[arg-type]
            cf = keys.copy()
            cf["C"], cf["T"], cf["D"] = cr.C, cr.T, cr.D
            cf["C_stage"] = classify(cr.C, ct)
            cf["D_grade"] = classify(cr.D, dt)
            cf["D_grade_en"] = classify(cr.D, dt, english=True)
            cf["type"] = development_type(U, names)
            Cs.append(cf)
        Os.append(pd.concat([keys, pd.DataFrame(obs, columns=used)], axis=1))

    scores = pd.concat(Ss, ignore_index=True)
    scores["rank"] = scores.groupby("year")["index"].transform(lambda s: rank_descending(s))
    coupling = pd.concat(Cs, ignore_index=True) if Cs else pd.DataFrame(
        columns=["region", "year", "C", "T", "D", "C_stage", "D_grade", "D_grade_en", "type"])
    if len(coupling):
        coupling["D_rank"] = coupling.groupby("year")["D"].transform(lambda s: rank_descending(s))
    obst = pd.concat(Os, ignore_index=True)
    Omat = obst[used].to_numpy()
    obst_sub = pd.concat([obst[["region", "year"]],
                          subsystem_obstacles(Omat, groups).reset_index(drop=True)], axis=1)
    top = _top_table(obst, used, sys_used, groups, top_k)
    weights = pd.concat(Ws, ignore_index=True)
    sub_w = pd.concat(SWs, ignore_index=True)
    if pooling == "pooled":
        weights, sub_w = weights.drop(columns="year"), sub_w.drop(columns="year")
    raw = wide.reset_index()
    std = pd.concat(Zs, ignore_index=True)
    if region_names:
        for frame in (raw, std, scores, coupling, obst, obst_sub, top):
            if len(frame) or "region" in frame:
                frame.insert(1, "region_name", frame["region"].map(region_names))
    system_frame = system.frame.assign(used=system.frame["indicator"].isin(used))
    options = {"system": system.name, "weighting": weighting, "scoring": scoring,
               "pooling": pooling, "variant": variant, "group_by": group_by, "combine": combine,
               "alpha": "equal" if a is None else a.tolist(), "shift": shift, "top_k": top_k,
               "interval": "[0, 1]" if interval is None else list(interval),
               "incomplete": incomplete,
               "subsystems": names, "regions": int(raw["region"].nunique()),
               "years": sorted(int(y) for y in raw["year"].unique())}
    n_regions, n_years = options["regions"], len(options["years"])
    warns = sample_warnings(n_regions, n_years, min(len(b) for _, b in blocks), len(used),
                            weighting=weighting if weighting != "user" else "user")
    if zero_ids and variant != "fan":
        warns += zero_score_warning(np.zeros((len(zero_ids), 1)), zero_ids, variant)
    return PanelResult(system_frame, raw, std, weights, sub_w, scores, coupling, obst, obst_sub,
                       top, options, notes, warns)


def _top_table(obst: pd.DataFrame, used: list[str], system: IndicatorSystem,
               groups: list[str], k: int) -> pd.DataFrame:
    if k < 1:
        raise InputError(f"top_k must be ≥ 1; got {k}")
    obs = obst[used].to_numpy()
    kk = min(k, len(used))
    order = np.argsort(-np.nan_to_num(obs, nan=-1.0), axis=1, kind="stable")[:, :kk]
    vals = np.take_along_axis(obs, order, axis=1)
    names = system.frame["name"].astype(str).to_numpy()
    rows = np.repeat(np.arange(len(obs)), kk)
    cols = order.ravel()
    out = pd.DataFrame({
        "region": obst["region"].to_numpy()[rows], "year": obst["year"].to_numpy()[rows],
        "k": np.tile(np.arange(1, kk + 1), len(obs)), "indicator": np.asarray(used)[cols],
        "name": names[cols], "subsystem": np.asarray(groups)[cols], "obstacle": vals.ravel(),
    })
    return out[np.isfinite(out["obstacle"]) & (out["obstacle"] > 0)].reset_index(drop=True)
