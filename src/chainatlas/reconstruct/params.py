"""Link-model settings and the priors their uncertain hyperparameters are drawn from.

The default model (``references/reconstruction.md``, "a design that fits this project"):

.. math::

    \\lambda_{ij} = z\\,(s^{out}_i)^{\\alpha}\\,(s^{in}_{j,a})^{\\alpha}\\,(1 + d_{ij}/d_0)^{-\\gamma},
    \\qquad p_{ij} = 1 - e^{-\\lambda_{ij}}

with *z* set so that the expected number of links is ``mean_degree × n_firms``. Priors, from the
stylised facts of national firm networks:

- mean degree (links per firm) log-uniform on [4, 25] (Hungary ≈ 4.5; Japan TSR ≈ 5 per firm,
  denser in chains);
- α uniform on [0.3, 0.5] (degree grows with size with slope 0.3–0.4);
- the distance decay γ is solved so that the median link distance equals a target drawn uniform
  on [20, 50] km (Japan: median 29 km between direct partners), with ``d0 = 10`` km;
- the dispersion of link values, as the coefficient of variation *c* of a link's value given
  its contacts, log-uniform on [0.5, 2] (an assumption, centred on the exponential values of
  the CReM, *c* = 1; a planted network with lognormal(0, 1) link weights has *c* ≈ 1.3).

Link values given the links (``weights="ipf"``): a link with *N* contacts (its Poisson count
given that it exists) starts from ``N·g`` with *g* drawn Gamma with mean 1 and coefficient of
variation *c*, and IPF fits these starting values to every unit's sales and every buyer's
purchases by input. IPF keeps the starting values' pattern (their cross-ratios), so the members
differ in how much each link carries as well as in which links exist, and each still reproduces
the flows exactly. ``weight_cv=0`` starts every link from *N*.

``link="logistic"`` uses :math:`p = \\lambda / (1 + \\lambda)` (the fitness / dcGM form); with
``alpha=1``, ``gamma=0`` and ``layers="none"`` the model *is* dcGM, with ``layers="sector"`` it
is IOGM (:mod:`chainatlas.reconstruct.baselines`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import numpy as np

from chainatlas.exceptions import InputError

__all__ = ["PRIORS", "LinkModel", "draw_member_settings"]

#: Prior ranges (documented above; shown in the CLI's "assumed" list).
PRIORS: dict[str, tuple[float, float]] = {
    "mean_degree": (4.0, 25.0),          # log-uniform
    "alpha": (0.3, 0.5),                 # uniform
    "median_distance_km": (20.0, 50.0),  # uniform; γ solved to reach it
    "weight_cv": (0.5, 2.0),             # log-uniform
    "firm_cv": (0.5, 2.0),               # log-uniform
}


@dataclass(frozen=True)
class LinkModel:
    """Settings of one reconstruction (scikit-learn style: stored, validated when used).

    Parameters
    ----------
    mean_degree : float or None
        Expected links per firm (``L = mean_degree × n_firms``); None draws it from the prior.
    alpha : float or None
        Size exponent α; None draws it from the prior.
    gamma : float or None
        Distance-decay exponent γ; None solves it from a median distance drawn from the prior
        (or ``median_distance_km`` if given). 0 switches distance off.
    median_distance_km : float or None
        Target median link distance (km) used when ``gamma`` is None.
    d0_km : float
        Distance scale d0 in km.
    intra_region_km : float
        Distance assumed between two firms of one region (regions are the finest geography).
    link : {"poisson", "logistic"}
        ``1 − exp(−λ)`` (default) or ``λ / (1 + λ)`` (dcGM / IOGM).
    layers : {"sector", "none"}
        ``"sector"``: buyers choose suppliers per input sector (IO / BOM constrained);
        ``"none"``: any firm may supply any firm (dcGM).
    essential : bool
        Give every buyer at least one local supplier of each essential input that has one.
    layer_links : tuple of float or None
        Expected link counts per layer (one *z* per supplier sector, as IOGM); None: one *z*.
    weights : {"ipf", "expected"}
        ``"ipf"``: fit link values to unit sales and buyer purchases on each sampled network;
        ``"expected"``: dcGM's :math:`w_{ij} = s_i s_j / (W p_{ij})`.
    weight_cv : float or None
        Coefficient of variation of a link's value given its contacts (of the starting values
        IPF fits); None draws it from the prior, 0 starts every link from its contact count.
    """

    mean_degree: float | None = None
    alpha: float | None = None
    gamma: float | None = None
    median_distance_km: float | None = None
    d0_km: float = 10.0
    intra_region_km: float = 10.0
    link: Literal["poisson", "logistic"] = "poisson"
    layers: Literal["sector", "none"] = "sector"
    essential: bool = True
    layer_links: tuple[float, ...] | None = None
    weights: Literal["ipf", "expected"] = "ipf"
    weight_cv: float | None = None
    firm_cv: float | None = None

    def validate(self) -> None:
        """Raise :class:`InputError` for settings out of range."""
        if self.mean_degree is not None and not self.mean_degree > 0:
            raise InputError(f"mean degree must be > 0, got {self.mean_degree}")
        if self.alpha is not None and not 0 <= self.alpha <= 2:
            raise InputError(f"alpha must lie in [0, 2], got {self.alpha}")
        if self.gamma is not None and not 0 <= self.gamma <= 10:
            raise InputError(f"gamma must lie in [0, 10], got {self.gamma}")
        if self.median_distance_km is not None and not self.median_distance_km > 0:
            raise InputError("median distance must be > 0 km")
        if not self.d0_km > 0 or not self.intra_region_km >= 0:
            raise InputError("d0 must be > 0 km and the intra-region distance ≥ 0 km")
        if self.link not in ("poisson", "logistic"):
            raise InputError(f"link must be 'poisson' or 'logistic', got {self.link!r}")
        if self.layers not in ("sector", "none"):
            raise InputError(f"layers must be 'sector' or 'none', got {self.layers!r}")
        if self.weights not in ("ipf", "expected"):
            raise InputError(f"weights must be 'ipf' or 'expected', got {self.weights!r}")
        if self.weight_cv is not None and not 0 <= self.weight_cv <= 10:
            raise InputError(f"weight_cv must lie in [0, 10], got {self.weight_cv}")
        if self.firm_cv is not None and not 0 <= self.firm_cv <= 10:
            raise InputError(f"firm_cv must lie in [0, 10], got {self.firm_cv}")
        if self.essential and self.link == "logistic":
            raise InputError("essential-input forcing needs link='poisson'")
        if self.mean_degree is None and self.layer_links is not None:
            raise InputError("layer_links replaces mean_degree: give mean_degree too (the total)")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def draw_member_settings(model: LinkModel, rng: np.random.Generator) -> LinkModel:
    """The settings of one ensemble member: every hyperparameter left None drawn from its prior.

    Draws happen in a fixed order (mean degree, α, median distance, value dispersion) whatever
    is fixed, so fixing one hyperparameter does not change the draws of the others.
    """
    lo, hi = PRIORS["mean_degree"]
    k = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    a = float(rng.uniform(*PRIORS["alpha"]))
    med = float(rng.uniform(*PRIORS["median_distance_km"]))
    c_lo, c_hi = PRIORS["weight_cv"]
    cv = float(np.exp(rng.uniform(np.log(c_lo), np.log(c_hi))))
    f_lo, f_hi = PRIORS["firm_cv"]
    fcv = float(np.exp(rng.uniform(np.log(f_lo), np.log(f_hi))))
    return replace(model,
                   mean_degree=model.mean_degree if model.mean_degree is not None else k,
                   alpha=model.alpha if model.alpha is not None else a,
                   median_distance_km=(model.median_distance_km
                                       if model.median_distance_km is not None else med),
                   weight_cv=model.weight_cv if model.weight_cv is not None else cv,
                   firm_cv=model.firm_cv if model.firm_cv is not None else fcv)
