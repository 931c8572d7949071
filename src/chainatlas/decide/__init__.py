"""What to fix first: interventions evaluated by simulation, ranked by gain per 万元.

Compute only: a :class:`DecisionNetwork` (built from a dataset's stress network), intervention
candidates of four kinds (:mod:`.interventions`), their gains on the stress, ESRI and TTS/TTR
measures (:mod:`.measures`), the cost model (:mod:`.costs`), the ranking (:mod:`.rank`) and a
greedy budgeted portfolio whose diminishing returns are measured (:mod:`.portfolio`).
"""

from chainatlas.decide.costs import CostModel, load_cost_model
from chainatlas.decide.interventions import (
    KINDS,
    Intervention,
    apply_all,
    attract_candidates,
    dual_sourcing_candidates,
    firm_inventory_candidates,
    inventory_candidates,
    localisation_candidates,
)
from chainatlas.decide.measures import MEASURES, MeasureSet, evaluate, standard_scenarios
from chainatlas.decide.network import DecisionNetwork
from chainatlas.decide.portfolio import greedy_portfolio
from chainatlas.decide.rank import rank_interventions

__all__ = [
    "KINDS",
    "MEASURES",
    "CostModel",
    "DecisionNetwork",
    "Intervention",
    "MeasureSet",
    "apply_all",
    "attract_candidates",
    "dual_sourcing_candidates",
    "evaluate",
    "firm_inventory_candidates",
    "greedy_portfolio",
    "inventory_candidates",
    "load_cost_model",
    "localisation_candidates",
    "rank_interventions",
    "standard_scenarios",
]
