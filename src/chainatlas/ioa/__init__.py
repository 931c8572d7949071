"""Input-output economics: Leontief/Ghosh, multipliers, linkages, extraction, shocks, ARIO.

Compute only: functions take an :class:`~chainatlas.model.iotable.IOTable` or arrays and return
result objects. Textbook notation follows Miller & Blair (2009).
"""

from chainatlas.ioa.aggregation import aggregate, concordance_matrix
from chainatlas.ioa.analysis import TableAnalysis, analyze_table
from chainatlas.ioa.diim import DIIMResult, diim, diim_continuous, resilience_from_recovery
from chainatlas.ioa.extraction import Extraction, extraction_direct, hypothetical_extraction
from chainatlas.ioa.imports import domestic_table, import_multipliers, import_shares
from chainatlas.ioa.leontief import (
    LeontiefSolver,
    allocation_coefficients,
    ghosh_inverse,
    leontief_inverse,
    technical_coefficients,
)
from chainatlas.ioa.linkages import Linkages, key_sector_class, rasmussen_linkages
from chainatlas.ioa.multipliers import (
    downstream_multipliers,
    output_multipliers,
    satellite_multipliers,
    value_added_multipliers,
)
from chainatlas.ioa.shocks import (
    StaticShock,
    ghosh_supply_shock,
    iim_demand,
    iim_supply,
    leontief_demand_shock,
    mixed_model,
)
from chainatlas.model.iotable import IOTable

__all__ = [
    "DIIMResult",
    "Extraction",
    "IOTable",
    "LeontiefSolver",
    "Linkages",
    "StaticShock",
    "TableAnalysis",
    "aggregate",
    "allocation_coefficients",
    "analyze_table",
    "concordance_matrix",
    "diim",
    "diim_continuous",
    "domestic_table",
    "downstream_multipliers",
    "extraction_direct",
    "ghosh_inverse",
    "ghosh_supply_shock",
    "hypothetical_extraction",
    "iim_demand",
    "iim_supply",
    "import_multipliers",
    "import_shares",
    "key_sector_class",
    "leontief_demand_shock",
    "leontief_inverse",
    "mixed_model",
    "output_multipliers",
    "rasmussen_linkages",
    "resilience_from_recovery",
    "satellite_multipliers",
    "technical_coefficients",
    "value_added_multipliers",
]
