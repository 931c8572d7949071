"""Resolve scenario selectors (firm, region, segment, origin) to firm indices and daily schedules."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import ScenarioError
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.recovery import capacity_loss_curve, window_mask
from chainatlas.shock.scenario import Scenario, _Target

__all__ = ["CapacitySchedule", "capacity_schedule", "demand_schedule", "footprint_intensity",
           "select_firms"]


def select_firms(net: ShockNetwork, target: _Target, where: str = "shock") -> npt.NDArray[np.int64]:
    """Indices of the firms a selector hits (intersection of its keys).

    ``region`` is an adcode prefix (or an exact ISO-3 code), ``segment`` matches any segment a
    firm works in, ``origin`` matches the firm's country. Raises :class:`ScenarioError` naming the
    key when a selector matches no firm.
    """
    n = net.n_firms
    mask = np.ones(n, dtype=bool)
    if target.firm is not None:
        ids = [target.firm] if isinstance(target.firm, str) else list(target.firm)
        pos = net.firm_index().get_indexer(ids)
        if (pos < 0).any():
            bad = [f for f, p in zip(ids, pos, strict=True) if p < 0][:5]
            raise ScenarioError(f"{where}.firm: unknown firm(s) {', '.join(map(repr, bad))}")
        m = np.zeros(n, dtype=bool)
        m[pos] = True
        mask &= m
    if target.region is not None:
        reg = pd.Series(net.firm_region.astype(str))
        m = reg.str.startswith(target.region).to_numpy(bool)
        if not m.any():
            raise ScenarioError(f"{where}.region: no firm located in region {target.region!r}")
        mask &= m
    if target.segment is not None:
        seg_ids = net.segment_ids.astype(str)
        hit = np.flatnonzero(seg_ids == target.segment)
        if not len(hit):
            raise ScenarioError(f"{where}.segment: unknown segment {target.segment!r}")
        m = np.zeros(n, dtype=bool)
        m[net.fs_firm[np.isin(net.fs_segment, hit)]] = True
        m[np.isin(net.firm_segment, hit)] = True
        mask &= m
    if target.origin is not None:
        code = target.origin.upper()
        m = (pd.Series(net.firm_country.astype(str)).str.upper().to_numpy() == code)
        if not m.any():
            raise ScenarioError(f"{where}.origin: no firm from country {target.origin!r}")
        mask &= m
    if target.footprint is not None:
        m = footprint_intensity(net, target, where) > 0
        if not m.any():
            raise ScenarioError(f"{where}.footprint: no firm located inside the footprint")
        mask &= m
    idx = np.flatnonzero(mask)
    if not len(idx):
        raise ScenarioError(f"{where}: selector {target.describe()} matches no firm")
    return idx


def footprint_intensity(net: ShockNetwork, target: _Target,
                        where: str = "shock") -> npt.NDArray[np.float64]:
    """Per firm: the footprint's intensity at its site (1 for every firm without a footprint)."""
    if target.footprint is None:
        return np.ones(net.n_firms)
    if net.firm_lon is None or net.firm_lat is None:
        raise ScenarioError(f"{where}.footprint: the network has no firm or region coordinates")
    from chainatlas.risk.footprint import footprint_loss

    return footprint_loss(target.footprint_shape(), net.firm_lon, net.firm_lat)


class CapacitySchedule:
    """Capacity loss δ_i(t) of the shocked firms only (dense over days × shocked firms)."""

    def __init__(self, firms: npt.NDArray[np.int64], delta: npt.NDArray[np.float64]) -> None:
        self.firms = firms          # (k,)
        self.delta = delta          # (horizon, k)

    def capacity(self, t: int, out: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Write remaining capacity 1 − δ(t) of every firm into ``out``."""
        out.fill(1.0)
        if len(self.firms):
            out[self.firms] = 1.0 - self.delta[t]
        return out


def capacity_schedule(net: ShockNetwork, scenario: Scenario) -> CapacitySchedule:
    """Combined daily capacity losses of all shocks (independent losses multiply capacities)."""
    H = scenario.horizon_days
    remaining: dict[int, npt.NDArray[np.float64]] = {}
    for k, sh in enumerate(scenario.shocks):
        firms = select_firms(net, sh, f"shocks[{k}]")
        curve = capacity_loss_curve(sh.capacity_loss, sh.start_day, sh.duration_days,
                                    sh.recovery, sh.recovery_days, H)
        scale = footprint_intensity(net, sh, f"shocks[{k}]")
        for f in firms.tolist():
            prev = remaining.get(f)
            c = curve * scale[f]
            remaining[f] = (1.0 - c) if prev is None else prev * (1.0 - c)
    firms = np.array(sorted(remaining), dtype=np.int64)
    delta = (1.0 - np.column_stack([remaining[f] for f in firms.tolist()])) if len(firms) \
        else np.zeros((H, 0))
    return CapacitySchedule(firms, delta)


def demand_schedule(net: ShockNetwork, scenario: Scenario
                    ) -> list[tuple[npt.NDArray[np.int64], float, npt.NDArray[np.bool_]]]:
    """(firms, relative change, active days) per demand shock."""
    out = []
    for k, dsh in enumerate(scenario.demand_shocks):
        firms = select_firms(net, dsh, f"demand_shocks[{k}]")
        out.append((firms, float(dsh.change),
                    window_mask(dsh.start_day, dsh.duration_days, scenario.horizon_days)))
    return out
