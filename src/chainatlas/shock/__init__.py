"""Stress tests of firm networks: scenarios, the Inoue–Todo dynamic model, TTS/TTR LPs, sweeps.

Compute only: functions take a :class:`~chainatlas.model.dataset.Dataset` or arrays and return
result objects; nothing here touches the store.
"""

from chainatlas.shock.firm_model import FirmShockModel, simulate
from chainatlas.shock.lp import BomNetwork, TtsTtrSolver, time_to_survive_recover
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.results import SimulationResult
from chainatlas.shock.scenario import (
    DemandShock,
    Policy,
    Scenario,
    Shock,
    load_scenario,
    parse_scenario,
)
from chainatlas.shock.screening import screen_firms

__all__ = [
    "BomNetwork",
    "DemandShock",
    "FirmShockModel",
    "Policy",
    "Scenario",
    "Shock",
    "ShockNetwork",
    "SimulationResult",
    "TtsTtrSolver",
    "load_scenario",
    "parse_scenario",
    "screen_firms",
    "simulate",
    "time_to_survive_recover",
]
