"""Evaluation: indicator weights, composite scores, coupling coordination and obstacle degree.

The methods of Chinese regional evaluation (熵值法, CRITIC, 熵权-TOPSIS, 耦合协调度, 障碍度模型)
implemented with the conventions of the literature stated in each module, and a panel pipeline
for the new-quality-productive-forces (新质生产力) and four-chain (四链融合) indicator systems.
Everything takes arrays or frames and returns arrays, frames or result objects; nothing here
reads files other than the packaged templates.
"""

from chainatlas.evaluation.ahp import AHPResult, ahp_weights
from chainatlas.evaluation.coupling import (
    VARIANTS,
    CouplingResult,
    coupling_coordination,
    coupling_degree,
)
from chainatlas.evaluation.grades import GradeTable, classify, development_type, grade_table
from chainatlas.evaluation.obstacle import obstacle_degree, subsystem_obstacles, top_obstacles
from chainatlas.evaluation.panel import SCORINGS, WEIGHTINGS, PanelResult, evaluate_panel
from chainatlas.evaluation.scores import TopsisResult, linear_scores, rank_descending, topsis
from chainatlas.evaluation.standardise import minmax_standardise, vector_normalise
from chainatlas.evaluation.templates import TEMPLATES, IndicatorSystem, load_template
from chainatlas.evaluation.weights import (
    combine_weights,
    critic_weights,
    entropy_values,
    entropy_weights,
    equal_weights,
    std_weights,
    user_weights,
)

__all__ = [
    "SCORINGS",
    "TEMPLATES",
    "VARIANTS",
    "WEIGHTINGS",
    "AHPResult",
    "CouplingResult",
    "GradeTable",
    "IndicatorSystem",
    "PanelResult",
    "TopsisResult",
    "ahp_weights",
    "classify",
    "combine_weights",
    "coupling_coordination",
    "coupling_degree",
    "critic_weights",
    "development_type",
    "entropy_values",
    "entropy_weights",
    "equal_weights",
    "evaluate_panel",
    "grade_table",
    "linear_scores",
    "load_template",
    "minmax_standardise",
    "obstacle_degree",
    "rank_descending",
    "std_weights",
    "subsystem_obstacles",
    "top_obstacles",
    "topsis",
    "user_weights",
    "vector_normalise",
]
