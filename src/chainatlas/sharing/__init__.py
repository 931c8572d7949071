"""Data sharing along the chain (数据共享): analytics on the signals firms share.

- :mod:`.aggregate` — k-anonymous aggregates for planners, with differencing control;
- :mod:`.propagate` — end demand propagated upstream through the bill of materials;
- :mod:`.bullwhip` — order-variance amplification tier by tier, with and without shared demand
  (Chen, Drezner, Ryan & Simchi-Levi 2000);
- :mod:`.warning` — early warning by robust z-score and CUSUM, with detection delay;
- :mod:`.seeding` — stress-test initial state from the latest shared figures.

Access control (who may read which firm's signals) is not computed here: the services layer
enforces it with the accounts, agreements and audit log kept by :mod:`chainatlas.store.access`.
"""

from chainatlas.sharing.aggregate import (
    FLOW_KINDS,
    LEVEL_KINDS,
    LEVELS,
    AggregateResult,
    aggregate_signals,
    suppression_pattern,
)
from chainatlas.sharing.bullwhip import (
    bullwhip_bound,
    order_up_to_orders,
    simulate_serial_chain,
    tier_bullwhip,
    variance_ratios,
)
from chainatlas.sharing.propagate import (
    Bom,
    demand_along_tiers,
    end_segments,
    propagate_demand,
    segment_tiers,
)
from chainatlas.sharing.seeding import InitialState, initial_state_from_signals, latest_signals
from chainatlas.sharing.warning import (
    Alarm,
    cusum_alarms,
    detect,
    evaluate_detector,
    robust_zscores,
    zscore_alarms,
)

__all__ = [
    "FLOW_KINDS",
    "LEVELS",
    "LEVEL_KINDS",
    "AggregateResult",
    "Alarm",
    "Bom",
    "InitialState",
    "aggregate_signals",
    "bullwhip_bound",
    "cusum_alarms",
    "demand_along_tiers",
    "detect",
    "end_segments",
    "evaluate_detector",
    "initial_state_from_signals",
    "latest_signals",
    "order_up_to_orders",
    "propagate_demand",
    "robust_zscores",
    "segment_tiers",
    "simulate_serial_chain",
    "suppression_pattern",
    "tier_bullwhip",
    "variance_ratios",
    "zscore_alarms",
]
