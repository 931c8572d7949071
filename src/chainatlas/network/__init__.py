"""The firm network engine: the firm graph, chain map, throughput/takt, chokepoints and tiers.

Compute only: functions take a :class:`~chainatlas.model.dataset.Dataset` or a
:class:`~chainatlas.network.graph.FirmGraph` (arrays) and return result objects; nothing here
touches the store or files.

- :mod:`.graph` — :class:`FirmGraph`, vectorised construction and CSR indexes;
- :mod:`.dominators` — network-wide dominator tree below a virtual source;
- :mod:`.cascade` — essential-input groups, sole suppliers, failure cascade;
- :mod:`.chokepoints` — ranked chokepoints with dependent output share and reasons;
- :mod:`.concentration` — segment size, HHI and foreign share;
- :mod:`.chain_map`, :mod:`.health` — chain map per segment and the 0–100 health score;
- :mod:`.throughput` — segment bound and firm-network LP (HiGHS), bottlenecks, takt;
- :mod:`.area` — region (adcode prefix) and travel-time areas; :mod:`.tiers` — supplier tiers.
"""

from chainatlas.network.area import region_mask, travel_hours, within_hours_mask
from chainatlas.network.cascade import InputGroups, failure_cascade, input_groups
from chainatlas.network.chain_map import ChainMap, chain_map
from chainatlas.network.chokepoints import ChokepointResult, find_chokepoints
from chainatlas.network.concentration import segment_stats
from chainatlas.network.dominators import DominatorTree, dominator_tree, supplier_dominators
from chainatlas.network.graph import FirmGraph
from chainatlas.network.health import chain_health, segment_health
from chainatlas.network.targets import Target, final_segments, resolve_target
from chainatlas.network.throughput import ThroughputResult, chain_throughput, segment_requirements
from chainatlas.network.tiers import supplier_tiers

__all__ = [
    "ChainMap",
    "ChokepointResult",
    "DominatorTree",
    "FirmGraph",
    "InputGroups",
    "Target",
    "ThroughputResult",
    "chain_health",
    "chain_map",
    "chain_throughput",
    "dominator_tree",
    "failure_cascade",
    "final_segments",
    "find_chokepoints",
    "input_groups",
    "region_mask",
    "resolve_target",
    "segment_health",
    "segment_requirements",
    "segment_stats",
    "supplier_dominators",
    "supplier_tiers",
    "travel_hours",
    "within_hours_mask",
]
