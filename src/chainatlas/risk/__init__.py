"""Firm-level economic systemic risk: the ESRI cascade of Diem et al. (2022).

Free functions on CSR arrays: build the network once with :func:`esri_network`, then
:func:`esri_single_firms` (every firm's ESRI), :func:`esri_scenario` (ψ scenarios) or
:func:`esri_cascade` (one scenario's full state). :mod:`chainatlas.risk.full_sweep` is the
straightforward every-firm-every-step reference the frontier method is tested against.
"""

from chainatlas.risk.esri import (
    Cascade,
    EsriResult,
    esri_cascade,
    esri_scenario,
    esri_single_firms,
)
from chainatlas.risk.full_sweep import FullSweep, full_sweep_model
from chainatlas.risk.network import (
    ESSENTIAL,
    IRRELEVANT,
    NON_ESSENTIAL,
    EsriNetwork,
    esri_network,
)

__all__ = [
    "ESSENTIAL",
    "IRRELEVANT",
    "NON_ESSENTIAL",
    "Cascade",
    "EsriNetwork",
    "EsriResult",
    "FullSweep",
    "esri_cascade",
    "esri_network",
    "esri_scenario",
    "esri_single_firms",
    "full_sweep_model",
]
