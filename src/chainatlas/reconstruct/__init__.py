"""Reconstruct firm-to-firm supply networks, with uncertainty, from firms and sector flows.

Users know their firms (segment, size, location) and the sector flows of an IO table or a bill
of materials, rarely who supplies whom. This package samples ensembles of plausible networks
(``references/reconstruction.md``): an IO/BOM-constrained, size- and distance-aware link model,
exact O(L) sampling, every essential input supplied, link values fitted so each member reproduces
the sector flows exactly, rest-of-country and import nodes; dcGM and IOGM as baselines.
"""

from chainatlas.reconstruct.baselines import dcgm, iogm
from chainatlas.reconstruct.ensemble import Ensemble, Member, Observed, reconstruct
from chainatlas.reconstruct.inputs import ReconstructionInputs, demand_pairs
from chainatlas.reconstruct.params import PRIORS, LinkModel, draw_member_settings

__all__ = [
    "PRIORS",
    "Ensemble",
    "LinkModel",
    "Member",
    "Observed",
    "ReconstructionInputs",
    "dcgm",
    "demand_pairs",
    "draw_member_settings",
    "iogm",
    "reconstruct",
]
