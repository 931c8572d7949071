"""One call for the whole Atlas pipeline: RCA → M → ECI/PCI → proximity → density/COI/COG.

:func:`economic_complexity` validates a labelled location × activity matrix once, computes on
arrays and puts the labels back once, in a :class:`ComplexityResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from chainatlas._types import FloatArray
from chainatlas.cluster._matrix import as_matrix
from chainatlas.cluster.complexity import (
    PciScale,
    Presence,
    complexity_indices,
    diversity_ubiquity,
    presence_matrix,
    rca,
)
from chainatlas.cluster.relatedness import ProximityMethod, proximity, relatedness
from chainatlas.exceptions import InputError

__all__ = ["LOG_SUPERMODULAR_WARN", "ComplexityResult", "economic_complexity"]

Precision = Literal["double", "single"]

#: Share of log-supermodular ECI/PCI-ordered 2 × 2 comparisons below which the ranking is not
#: structural (Schetter 2019; py-ecomplexity's ``check_logsupermodularity`` warns below it too).
LOG_SUPERMODULAR_WARN = 0.8


@dataclass
class ComplexityResult:
    """Economic complexity of a location × activity matrix, with labels.

    Arrays are indexed like ``locations`` (rows) and ``activities`` (columns). ``eci`` and ``pci``
    are standardised (population sd); ``coi`` is z-scored over locations; ``cog`` is 0 where
    ``M_cp = 1``. ``dropped_locations`` / ``dropped_activities`` had a zero total and were left out,
    as py-ecomplexity does.
    """

    locations: pd.Index
    activities: pd.Index
    rca: FloatArray
    mcp: FloatArray
    diversity: FloatArray
    ubiquity: FloatArray
    eci: FloatArray
    pci: FloatArray
    proximity: FloatArray
    density: FloatArray
    density_self: FloatArray
    density_no_self: FloatArray
    distance: FloatArray
    coi: FloatArray
    cog: FloatArray
    eigenvalue: float
    kc: FloatArray
    kp: FloatArray
    eci_sd: float
    settings: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dropped_locations: list[Any] = field(default_factory=list)
    dropped_activities: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    log_supermodular_share: float | None = None

    # ----------------------------------------------------------------- labelled views
    def location_frame(self) -> pd.DataFrame:
        """One row per location: diversity, ECI, COI."""
        return pd.DataFrame({"location": self.locations, "diversity": self.diversity,
                             "eci": self.eci, "coi": self.coi})

    def activity_frame(self) -> pd.DataFrame:
        """One row per activity: ubiquity, PCI."""
        return pd.DataFrame({"activity": self.activities, "ubiquity": self.ubiquity,
                             "pci": self.pci})

    def cell_frame(self) -> pd.DataFrame:
        """One row per (location, activity): RCA, M, density, distance, COG (long form)."""
        C, P = self.rca.shape
        return pd.DataFrame({
            "location": np.repeat(np.asarray(self.locations, dtype=object), P),
            "activity": np.tile(np.asarray(self.activities, dtype=object), C),
            "rca": self.rca.ravel(), "mcp": self.mcp.ravel(),
            "density": self.density.ravel(), "distance": self.distance.ravel(),
            "cog": self.cog.ravel(),
        })

    def matrix(self, name: str) -> pd.DataFrame:
        """A C × P attribute (``rca``, ``mcp``, ``density``, ``distance``, ``cog`` …) as a frame."""
        values = getattr(self, name)
        return pd.DataFrame(values, index=self.locations, columns=self.activities)

    def log_supermodularity(self, *, max_side: int = 60, seed: int = 0) -> float:
        """Share of ECI/PCI-ordered 2 × 2 comparisons that are log-supermodular, on RCA (binary
        presence, as py-ecomplexity) or on M (see :mod:`chainatlas.cluster.supermodularity`)."""
        from chainatlas.cluster.supermodularity import log_supermodularity

        values = self.rca if self.settings.get("presence") == "binary" else self.mcp
        return log_supermodularity(values, self.eci, self.pci, max_side=max_side, seed=seed)

    def diagnose(self) -> float:
        """Compute the log-supermodularity share once, keep it in ``log_supermodular_share`` and
        add a warning to ``warnings`` when it is below :data:`LOG_SUPERMODULAR_WARN`."""
        if self.log_supermodular_share is None:
            share = self.log_supermodularity()
            self.log_supermodular_share = share
            if share < LOG_SUPERMODULAR_WARN:
                self.warnings.append(
                    f"only {share:.1%} of the ECI/PCI-ordered 2×2 comparisons are "
                    f"log-supermodular (threshold {LOG_SUPERMODULAR_WARN:.0%}, Schetter 2019): "
                    "ECI and PCI do not rank this matrix structurally; read them as a "
                    "descriptive ordering only")
        return self.log_supermodular_share

    def to_dict(self) -> dict[str, Any]:
        """``{"eci": {loc: v}, "pci": {act: v}, "density": {loc: {act: v}}, "coi", "cog", …}``."""
        locs = [str(x) for x in self.locations]
        acts = [str(x) for x in self.activities]

        def vec(keys: list[str], v: FloatArray) -> dict[str, float]:
            return dict(zip(keys, v.tolist(), strict=True))

        def mat(v: FloatArray) -> dict[str, dict[str, float]]:
            return {loc: dict(zip(acts, row, strict=True)) for loc, row in zip(locs, v.tolist(),
                                                                               strict=True)}

        return {
            "eci": vec(locs, self.eci), "pci": vec(acts, self.pci),
            "diversity": vec(locs, self.diversity), "ubiquity": vec(acts, self.ubiquity),
            "coi": vec(locs, self.coi),
            "density": mat(self.density), "distance": mat(self.distance), "cog": mat(self.cog),
            "rca": mat(self.rca), "mcp": mat(self.mcp),
            "eigenvalue": self.eigenvalue, "settings": self.settings, "notes": self.notes,
            "warnings": self.warnings, "log_supermodularity": self.log_supermodular_share,
            "dropped": {"locations": [str(x) for x in self.dropped_locations],
                        "activities": [str(x) for x in self.dropped_activities]},
        }


def economic_complexity(
    X: pd.DataFrame | np.ndarray, *,
    presence: Presence | Literal["manual"] = "binary",
    threshold: float = 1.0,
    pci_scale: PciScale = "eci_moments",
    include_self: bool = True,
    proximity_method: ProximityMethod = "min",
    proximity_matrix: pd.DataFrame | None = None,
    precision: Precision = "double",
    seed: int = 0,
) -> ComplexityResult:
    """RCA, ECI, PCI, proximity, density, distance, COI and COG of a location × activity matrix.

    Parameters
    ----------
    X : DataFrame or ndarray, shape (C, P)
        Values ≥ 0 (exports, output in 万元, employment, firm counts); rows are locations and
        columns activities. Rows and columns with a zero total are dropped (and listed).
    presence : {"binary", "continuous", "manual"}
        ``binary``: M = [RCA ≥ threshold]; ``continuous``: M = RCA/(1+RCA);
        ``manual``: ``X`` already is M (e.g. a hand-made presence table).
    threshold : float
        RCA cut-off of the binary test (default 1).
    pci_scale : {"eci_moments", "own"}
        See :func:`~chainatlas.cluster.complexity.complexity_indices`.
    include_self : bool
        Whether the activity's own proximity (φ_pp) enters density, distance and COG.
    proximity_method : {"min", "correlation"}
        See :func:`~chainatlas.cluster.relatedness.proximity`.
    proximity_matrix : DataFrame, optional
        A fixed P × P proximity (e.g. computed on provinces and reused on prefectures); labels must
        cover the activities. Missing pairs count as 0 and a missing diagonal as 1.
    precision : {"double", "single"}
        ``single`` runs the P × P products and the partial eigensolver's operator in float32
        (about half the time and memory traffic; co-occurrence counts stay exact, densities carry
        ~1e-6 and ECI/PCI ~1e-5 error). Small matrices are always solved densely in float64.
    seed : int
        Start vector of the partial eigensolver.

    Returns
    -------
    ComplexityResult

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame([[100, 80, 60, 40, 20, 10], [90, 70, 50, 0, 10, 0], [50, 0, 40, 0, 0, 0],
    ...                   [0, 10, 0, 0, 5, 60], [20, 0, 0, 5, 0, 30]], index=list("ABCDE"),
    ...                  columns=["p1", "p2", "p3", "p4", "p5", "p6"])
    >>> res = economic_complexity(X)
    >>> res.eci.round(4).tolist()
    [-0.6408, 0.9661, 1.3296, -1.3369, -0.318]
    """
    if precision not in ("double", "single"):
        raise InputError(f"unknown precision {precision!r}; expected 'double' or 'single'")
    dtype = np.float32 if precision == "single" else np.float64
    lm = as_matrix(X, name="matrix", drop_empty=True)
    locs_in = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(np.shape(X)[0])
    acts_in = X.columns if isinstance(X, pd.DataFrame) else pd.RangeIndex(np.shape(X)[1])
    values = lm.values
    if presence == "manual":
        R = values
        M = values
    else:
        R = rca(values)
        M = presence_matrix(R, presence, threshold)
    kc0, kp0 = diversity_ubiquity(M)
    sol = complexity_indices(M, pci_scale=pci_scale, seed=seed, dtype=dtype)
    if proximity_matrix is not None:
        phi = _align_proximity(proximity_matrix, lm.cols).astype(dtype)
    else:
        phi = proximity(M, method=proximity_method, R=R, dtype=dtype)
    rel = relatedness(M, phi, sol.kp, sol.eci_sd, include_self=include_self)
    return ComplexityResult(
        locations=lm.rows, activities=lm.cols, rca=R, mcp=M, diversity=kc0, ubiquity=kp0,
        eci=sol.eci, pci=sol.pci, proximity=phi, density=rel.density,
        density_self=rel.density_self, density_no_self=rel.density_no_self,
        distance=rel.distance, coi=rel.coi, cog=rel.cog, eigenvalue=sol.eigenvalue,
        kc=sol.kc, kp=sol.kp, eci_sd=sol.eci_sd,
        settings={"presence": presence, "threshold": threshold, "pci_scale": pci_scale,
                  "include_self": include_self, "proximity": "given" if proximity_matrix
                  is not None else proximity_method, "precision": precision},
        notes=list(sol.notes),
        dropped_locations=locs_in[~locs_in.isin(lm.rows)].tolist(),
        dropped_activities=acts_in[~acts_in.isin(lm.cols)].tolist(),
    )


def _align_proximity(phi: pd.DataFrame, activities: pd.Index) -> FloatArray:
    if {"prod1", "prod2", "proximity"} <= set(phi.columns):
        phi = phi.pivot_table(index="prod1", columns="prod2", values="proximity", aggfunc="first")
    missing = [a for a in activities if a not in phi.index or a not in phi.columns]
    if missing:
        raise InputError(f"the proximity matrix lacks activities {missing[:5]}")
    out = phi.reindex(index=activities, columns=activities).to_numpy(dtype=np.float64)
    diag = np.isnan(np.diag(out))
    out[np.diag_indices_from(out)] = np.where(diag, 1.0, np.diag(out))
    out = np.nan_to_num(out)
    if (out < 0).any():
        raise InputError("the proximity matrix has negative values; expected 0..1")
    return out
