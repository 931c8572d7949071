r"""Stress tests seeded from signals: initial inventories and spare capacity from the latest figures.

For each firm, the latest reported value (at or before ``as_of``) of

* ``inventory_days`` (days of use its stock covers; the median over the segments it reports)
  becomes its initial inventory in days, and
* ``utilisation`` :math:`u` (output / capacity) becomes its spare capacity
  :math:`\max(0, 1/u - 1)` (with :math:`u` clipped to [0.05, 1]),

instead of one default for every firm. Firms without a figure keep the defaults; the result
says which value came from where. For the dynamic model, whose policy holds one target per input
segment, :attr:`InitialState.segment_inventory_days` is the median of the latest inventory days
reported for each segment (clipped to the policy's range, 1 to 3650 days).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["InitialState", "initial_state_from_signals", "latest_signals"]


def latest_signals(signals: pd.DataFrame, kind: str, as_of: str | None = None) -> pd.DataFrame:
    """The latest row per (firm, segment) of ``kind`` with ``period ≤ as_of`` (ISO dates)."""
    s = signals[signals["kind"] == kind]
    if as_of is not None:
        s = s[s["period"].astype(str) <= str(as_of)]
    if s.empty:
        return s
    s = s.sort_values("period", kind="stable")
    return s.groupby(["firm", "segment"], sort=False).tail(1).reset_index(drop=True)


@dataclass
class InitialState:
    """Per-firm starting state of a stress test.

    Attributes
    ----------
    firm_ids : array (n)
    inventory_days, spare_capacity : array (n)
        Days of use held and spare capacity share (≥ 0).
    from_signal_inventory, from_signal_capacity : bool array (n)
        Whether each value came from a signal (else the default).
    segment_inventory_days : dict
        Input segment → median latest inventory days (for the dynamic model's policy).
    as_of : str | None
    """

    firm_ids: npt.NDArray[np.object_]
    inventory_days: npt.NDArray[np.float64]
    spare_capacity: npt.NDArray[np.float64]
    from_signal_inventory: npt.NDArray[np.bool_]
    from_signal_capacity: npt.NDArray[np.bool_]
    segment_inventory_days: dict[str, float] = field(default_factory=dict)
    as_of: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "firm": self.firm_ids, "inventory_days": self.inventory_days,
            "inventory_source": np.where(self.from_signal_inventory, "signal", "default"),
            "spare_capacity": self.spare_capacity,
            "capacity_source": np.where(self.from_signal_capacity, "signal", "default")})

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "segment_inventory_days": self.segment_inventory_days,
                "firms_with_inventory_signal": int(self.from_signal_inventory.sum()),
                "firms_with_capacity_signal": int(self.from_signal_capacity.sum()),
                "firms": self.to_frame().to_dict(orient="records")}


def initial_state_from_signals(signals: pd.DataFrame, firm_ids: Iterable[str], *,
                               as_of: str | None = None, inventory_days: float = 15.0,
                               spare_capacity: float = 0.1) -> InitialState:
    """Initial inventories and spare capacity per firm from the latest signals.

    Parameters
    ----------
    signals : DataFrame
        ``signals`` table rows.
    firm_ids : iterable of str
        Firms of the model, in its order.
    as_of : str, optional
        ISO date: use figures reported for periods up to this date (default: the latest).
    inventory_days, spare_capacity : float
        Defaults for firms without a figure.
    """
    ids = np.asarray([str(f) for f in firm_ids], dtype=object)
    inv = latest_signals(signals, "inventory_days", as_of)
    util = latest_signals(signals, "utilisation", as_of)
    inv_firm = inv.groupby(inv["firm"].astype(str))["value"].median() if len(inv) else \
        pd.Series(dtype=float)
    util_firm = util.groupby(util["firm"].astype(str))["value"].median() if len(util) else \
        pd.Series(dtype=float)
    days = inv_firm.reindex(ids).to_numpy(dtype=float)
    u = util_firm.reindex(ids).to_numpy(dtype=float)
    has_inv = ~np.isnan(days)
    has_cap = ~np.isnan(u)
    spare = np.where(has_cap, 1.0 / np.clip(np.nan_to_num(u, nan=1.0), 0.05, 1.0) - 1.0,
                     spare_capacity)
    seg_days: dict[str, float] = {}
    if len(inv):
        med = inv.groupby(inv["segment"].astype(str))["value"].median()
        seg_days = {str(s): float(np.clip(v, 1.0, 3650.0)) for s, v in med.items()}
    return InitialState(ids, np.where(has_inv, days, inventory_days), spare, has_inv, has_cap,
                        seg_days, as_of)
