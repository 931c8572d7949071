"""Clusters and economic complexity: regional measures, ECI/PCI and relatedness, N-hour circles.

Compute only: functions take frames, arrays or a :class:`~chainatlas.model.dataset.Dataset` and
return result objects; nothing here reads files or the store.
"""

from chainatlas.cluster.atlas import ComplexityResult, economic_complexity
from chainatlas.cluster.circle import CircleResult, input_circle
from chainatlas.cluster.complexity import (
    complexity_indices,
    diversity_ubiquity,
    presence_matrix,
    rca,
)
from chainatlas.cluster.inequality import DagumResult, dagum_gini, gini
from chainatlas.cluster.measures import (
    ellison_glaeser,
    herfindahl,
    hoover_localisation,
    hoover_specialisation,
    krugman_index,
    location_quotient,
    plant_herfindahl,
    regional_measures,
)
from chainatlas.cluster.opportunities import STRATEGIES, opportunity_ranking
from chainatlas.cluster.panel import region_activity_matrix
from chainatlas.cluster.relatedness import proximity, relatedness
from chainatlas.cluster.scorecard import ClusterScorecard, cluster_scorecard
from chainatlas.cluster.shiftshare import shift_share
from chainatlas.cluster.supermodularity import log_supermodularity
from chainatlas.cluster.travel import (
    MODES,
    TravelMode,
    great_circle_km,
    travel_time_matrix,
    travel_times_from,
)

__all__ = [
    "MODES",
    "STRATEGIES",
    "CircleResult",
    "ClusterScorecard",
    "ComplexityResult",
    "DagumResult",
    "TravelMode",
    "cluster_scorecard",
    "complexity_indices",
    "dagum_gini",
    "diversity_ubiquity",
    "economic_complexity",
    "ellison_glaeser",
    "gini",
    "great_circle_km",
    "herfindahl",
    "hoover_localisation",
    "hoover_specialisation",
    "input_circle",
    "krugman_index",
    "location_quotient",
    "log_supermodularity",
    "opportunity_ranking",
    "plant_herfindahl",
    "presence_matrix",
    "proximity",
    "rca",
    "region_activity_matrix",
    "regional_measures",
    "relatedness",
    "shift_share",
    "travel_time_matrix",
    "travel_times_from",
]
