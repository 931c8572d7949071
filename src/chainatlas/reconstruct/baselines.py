"""dcGM and IOGM as settings of the one link model.

- **dcGM** (Cimini et al. 2015): :math:`p_{ij} = z x_i y_j / (1 + z x_i y_j)` with out- and
  in-strengths as fitnesses, any firm may supply any firm, one *z* for the link count, values
  :math:`w_{ij} = s_i s_j / (W p_{ij})`.
- **IOGM** (Fessina et al., arXiv 2408.02467): the same per supplier sector *a* with the buyer's
  purchases of *a* estimated from the IO table, :math:`\\hat s^{in}_{j,a} = A_{a,b(j)} X_j`;
  one *z* (or one per sector when the sector link counts are given).

No distance, no essential-input forcing, α = 1.
"""

from __future__ import annotations

from chainatlas.reconstruct.ensemble import Ensemble, reconstruct
from chainatlas.reconstruct.inputs import ReconstructionInputs
from chainatlas.reconstruct.params import LinkModel

__all__ = ["dcgm", "dcgm_model", "iogm", "iogm_model"]


def dcgm_model(mean_degree: float) -> LinkModel:
    """The link-model settings that are dcGM."""
    return LinkModel(mean_degree=mean_degree, alpha=1.0, gamma=0.0, link="logistic",
                     layers="none", essential=False, weights="expected", firm_cv=0.0)


def iogm_model(mean_degree: float, layer_links: tuple[float, ...] | None = None) -> LinkModel:
    """The link-model settings that are IOGM."""
    return LinkModel(mean_degree=mean_degree, alpha=1.0, gamma=0.0, link="logistic",
                     layers="sector", essential=False, layer_links=layer_links,
                     weights="expected", firm_cv=0.0)


def dcgm(inp: ReconstructionInputs, mean_degree: float, *, members: int = 1,
         seed: int = 0) -> Ensemble:
    """dcGM ensemble (see the module text)."""
    return reconstruct(inp, dcgm_model(mean_degree), members=members, seed=seed)


def iogm(inp: ReconstructionInputs, mean_degree: float, *, members: int = 1, seed: int = 0,
         layer_links: tuple[float, ...] | None = None) -> Ensemble:
    """IOGM ensemble (see the module text)."""
    return reconstruct(inp, iogm_model(mean_degree, layer_links), members=members, seed=seed)
