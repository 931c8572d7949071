"""The network an intervention edits: links, firms and stock targets, copied on every edit.

A :class:`DecisionNetwork` holds what the three measuring engines need and builds each of them
on demand:

- the Inoue–Todo network (:class:`~chainatlas.shock.network.ShockNetwork`) with final demand
  :math:`C_i` held fixed, so that baseline output is :math:`P^{ini}_i = C_i + \\sum_k A_{ik}`;
- the ESRI cascade network (:func:`~chainatlas.risk.esri_network`) with sector = main segment;
- the TTS/TTR LP network (:class:`~chainatlas.shock.lp.BomNetwork`), whose capacity is
  :math:`(1 + \\text{spare})\\,P^{ini}_i` unless an intervention set a firm's capacity, and whose
  inventory is the policy's days plus the extra days an intervention bought for a segment.

Edits (:meth:`DecisionNetwork.reroute`, :meth:`add_firm`, :meth:`with_inventory`) never touch
the network they are called on: they return a new one. Rerouting a flow :math:`\\delta` from
supplier *j* to supplier *k* keeps both firms' final demand: *j* produces :math:`\\delta` less
and *k* :math:`\\delta` more, and each scales its own purchases in proportion (one level: the
suppliers of *j* and *k* serve the changed orders from their own output, their purchases stay).
Unchanged links keep their order, new links and firms go to the end, so an edit far from a
shock leaves the simulated numbers of the rest bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from chainatlas.exceptions import InputError
from chainatlas.risk import EsriNetwork, esri_network
from chainatlas.shock.lp import BomNetwork
from chainatlas.shock.network import DAYS_PER_YEAR, ShockNetwork

__all__ = ["DecisionNetwork"]

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]
_O = npt.NDArray[np.object_]


@dataclass(frozen=True, eq=False)
class DecisionNetwork:
    """Firms, links (values in 10,000 CNY per year) and the edits made so far.

    Attributes
    ----------
    firm_ids, firm_names, firm_region, firm_country : object arrays (n)
    firm_segment : int64 (n), main segment (-1 none)
    final_demand : float64 (n), daily sales outside the network (10,000 CNY/day)
    lon, lat : float64 (n), site (NaN unknown)
    capacity : float64 (n), daily output capacity set by an edit (NaN: the default)
    fs_firm, fs_segment : int64, every (firm, segment) a firm works in
    supplier, customer, link_segment : int64 (E)
    value : float64 (E), annual flow
    segment_ids, segment_names : object arrays (m)
    segment_essential : bool (m)
    essentiality : int64 ((m+1) × (m+1)), ESRI class [supplier segment, customer segment];
        the last row/column is the ``unknown`` segment
    extra_days : dict, segment id → extra inventory days bought by edits
    firm_extra_days : dict, (firm id, input segment id) → extra days one firm holds of an input
    n_original : int, firms before any edit (measures read these)
    """

    firm_ids: _O
    firm_names: _O
    firm_region: _O
    firm_country: _O
    firm_segment: _I
    final_demand: _F
    lon: _F
    lat: _F
    capacity: _F
    fs_firm: _I
    fs_segment: _I
    supplier: _I
    customer: _I
    link_segment: _I
    value: _F
    segment_ids: _O
    segment_names: _O
    segment_essential: npt.NDArray[np.bool_]
    essentiality: _I
    extra_days: dict[str, float] = field(default_factory=dict)
    firm_extra_days: dict[tuple[str, str], float] = field(default_factory=dict)
    n_original: int = -1
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_shock_network(cls, net: ShockNetwork, essentiality: npt.ArrayLike,
                           firm_names: Any = None) -> DecisionNetwork:
        """From a dataset's Inoue–Todo network (:meth:`ShockNetwork.from_dataset`).

        ``essentiality`` is the ESRI class matrix over the network's segments plus a last
        ``unknown`` one. The baseline is reproduced exactly: :meth:`shock_network` of the result
        gives the same flows, final demand and output as ``net``.
        """
        m = len(net.segment_ids)
        ess = np.asarray(essentiality, dtype=np.int64)
        if ess.shape != (m + 1, m + 1):
            raise InputError(f"essentiality must be ({m + 1}, {m + 1}) (segments + unknown), "
                             f"got {ess.shape}")
        n = net.n_firms
        nan = np.full(n, np.nan)
        names = np.asarray(firm_names if firm_names is not None else net.firm_ids, dtype=object)
        return cls(
            firm_ids=net.firm_ids.astype(object).copy(), firm_names=names.copy(),
            firm_region=net.firm_region.astype(object).copy(),
            firm_country=net.firm_country.astype(object).copy(),
            firm_segment=net.firm_segment.astype(np.int64),
            final_demand=net.C.astype(np.float64).copy(),
            lon=(net.firm_lon.copy() if net.firm_lon is not None else nan.copy()),
            lat=(net.firm_lat.copy() if net.firm_lat is not None else nan.copy()),
            capacity=nan.copy(),
            fs_firm=net.fs_firm.astype(np.int64), fs_segment=net.fs_segment.astype(np.int64),
            supplier=net.supplier.astype(np.int64), customer=net.customer.astype(np.int64),
            link_segment=net.edge_segment.astype(np.int64),
            value=net.A.astype(np.float64) * DAYS_PER_YEAR,
            segment_ids=net.segment_ids.astype(object).copy(),
            segment_names=net.segment_ids.astype(object).copy(),
            segment_essential=np.asarray(net.segment_essential, dtype=bool).copy(),
            essentiality=ess.copy(), n_original=n,
        )

    # ------------------------------------------------------------------ views
    @property
    def n_firms(self) -> int:
        return len(self.firm_ids)

    @property
    def n_links(self) -> int:
        return len(self.value)

    def daily_flow(self) -> _F:
        """Daily flow of every link, :math:`A_{ij}` = value / 365."""
        return self.value / DAYS_PER_YEAR

    def sales(self) -> _F:
        """Daily sales inside the network per firm."""
        return np.bincount(self.supplier, weights=self.daily_flow(),
                           minlength=self.n_firms).astype(np.float64)

    def output(self) -> _F:
        """Daily baseline output :math:`P^{ini} = C + \\text{sales}` (10,000 CNY/day)."""
        purchases = np.bincount(self.customer, weights=self.daily_flow(), minlength=self.n_firms)
        sales = self.sales()
        return np.maximum(self.final_demand, purchases - sales) + sales

    def segment_index(self, segment: str) -> int:
        hit = np.flatnonzero(self.segment_ids.astype(str) == str(segment))
        if not len(hit):
            raise InputError(f"unknown segment {segment!r}")
        return int(hit[0])

    def firm_index(self, firm: str) -> int:
        hit = np.flatnonzero(self.firm_ids.astype(str) == str(firm))
        if not len(hit):
            raise InputError(f"unknown firm {firm!r}")
        return int(hit[0])

    def shock_network(self) -> ShockNetwork:
        """The Inoue–Todo network (cached)."""
        if "shock" not in self._cache:
            net = ShockNetwork.from_arrays(
                self.supplier, self.customer, self.daily_flow(), n_firms=self.n_firms,
                final_demand=self.final_demand, firm_ids=self.firm_ids,
                edge_segment=self.link_segment, segment_ids=self.segment_ids,
                firm_segment=self.firm_segment, firm_region=self.firm_region,
                firm_country=self.firm_country, segment_essential=self.segment_essential)
            net.fs_firm = self.fs_firm.astype(np.int32)
            net.fs_segment = self.fs_segment.astype(np.int32)
            net.firm_lon, net.firm_lat = self.lon, self.lat
            self._cache["shock"] = net
        return self._cache["shock"]  # type: ignore[no-any-return]

    def sectors(self) -> _I:
        """ESRI sector of every firm: its main segment, ``m`` (unknown) without one."""
        m = len(self.segment_ids)
        return np.where(self.firm_segment >= 0, self.firm_segment, m).astype(np.int64)

    def esri_network(self) -> EsriNetwork:
        """The ESRI cascade network (cached); link weights are the annual values."""
        if "esri" not in self._cache:
            self._cache["esri"] = esri_network(self.supplier, self.customer, self.value,
                                               self.sectors(), self.essentiality)
        return self._cache["esri"]  # type: ignore[no-any-return]

    def bom_network(self, inventory_days: float, spare_capacity: float) -> BomNetwork:
        """The TTS/TTR network: units of one day of output, capacity and stock as edited."""
        key = f"bom:{inventory_days}:{spare_capacity}"
        if key not in self._cache:
            net = self.shock_network()
            bom = BomNetwork.from_network(net, inventory_days=inventory_days,
                                          spare_capacity=spare_capacity)
            P = net.P_ini
            scale = np.where(P > 0, P, 1.0)
            set_cap = np.isfinite(self.capacity)
            cap = bom.capacity.copy()
            cap[set_cap] = np.where(P[set_cap] > 0, self.capacity[set_cap] / scale[set_cap], 0.0)
            inv = bom.inventory.copy()
            for seg, days in self.extra_days.items():
                s = self.segment_index(seg)
                inv[(self.firm_segment == s) & (P > 0)] += float(days)
            bom = BomNetwork(node_ids=bom.node_ids, capacity=cap, inventory=inv,
                             demand=bom.demand, impact=bom.impact, supplier=bom.supplier,
                             customer=bom.customer, material=bom.material, units=bom.units)
            self._cache[key] = bom
        return self._cache[key]  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ edits
    def _copy(self, **changes: Any) -> DecisionNetwork:
        return replace(self, _cache={}, **changes)

    def with_inventory(self, segment: str, extra_days: float) -> DecisionNetwork:
        """Customers hold ``extra_days`` more days of ``segment`` (added to earlier edits)."""
        self.segment_index(segment)
        if not (np.isfinite(extra_days) and extra_days > 0):
            raise InputError(f"extra inventory days must be > 0, got {extra_days}")
        days = dict(self.extra_days)
        days[str(segment)] = days.get(str(segment), 0.0) + float(extra_days)
        return self._copy(extra_days=days)

    def with_firm_inventory(self, firm: str, segment: str, extra_days: float
                            ) -> DecisionNetwork:
        """``firm`` holds ``extra_days`` more days of its input ``segment`` (added to earlier
        edits; the Inoue–Todo measure's ``policy.firm_inventory_days``)."""
        self.firm_index(firm)
        self.segment_index(segment)
        if not (np.isfinite(extra_days) and extra_days > 0):
            raise InputError(f"extra inventory days must be > 0, got {extra_days}")
        days = dict(self.firm_extra_days)
        key = (str(firm), str(segment))
        days[key] = days.get(key, 0.0) + float(extra_days)
        return self._copy(firm_extra_days=days)

    def _scaled_purchases(self, value: _F, firm: int, factor: float) -> None:
        """Scale the in-links of ``firm`` by ``factor`` in place (its output changed)."""
        value[self.customer == firm] *= factor

    def reroute(self, customer: int, segment: int, from_supplier: int, to_supplier: int,
                share: float) -> DecisionNetwork:
        """Move ``share`` of the flow ``from_supplier → customer`` of ``segment`` to
        ``to_supplier`` (added to the link between them, or a new link at the end)."""
        if not (0.0 < share <= 1.0):
            raise InputError(f"share must be in (0, 1], got {share}")
        if from_supplier == to_supplier:
            raise InputError("a flow cannot move to the supplier it comes from")
        hit = np.flatnonzero((self.supplier == from_supplier) & (self.customer == customer)
                             & (self.link_segment == segment))
        if not len(hit):
            raise InputError(f"no link {self.firm_ids[from_supplier]} → "
                             f"{self.firm_ids[customer]} of segment {self.segment_ids[segment]}")
        value = self.value.copy()
        P_old = self.output()
        delta = float(value[hit].sum() * share)
        value[hit] *= 1.0 - share
        sup, cus, seg = self.supplier, self.customer, self.link_segment
        tgt = np.flatnonzero((sup == to_supplier) & (cus == customer) & (seg == segment))
        if len(tgt):
            value[tgt[0]] += delta
        else:
            sup = np.append(sup, to_supplier)
            cus = np.append(cus, customer)
            seg = np.append(seg, segment)
            value = np.append(value, delta)
        out = self._copy(supplier=sup, customer=cus, link_segment=seg, value=value)
        # each end scales its own purchases with its output (final demand held)
        d = delta / DAYS_PER_YEAR
        for firm, change in ((from_supplier, -d), (to_supplier, d)):
            if P_old[firm] > 0:
                out._scaled_purchases(value, firm, max(0.0, (P_old[firm] + change) / P_old[firm]))
        return out

    def add_firm(self, firm_id: str, name: str, *, segment: int, region: str, country: str,
                 lon: float, lat: float, capacity: float = np.nan) -> DecisionNetwork:
        """A new firm (no links yet, no final demand) at the end of the firm arrays."""
        if str(firm_id) in set(self.firm_ids.astype(str).tolist()):
            raise InputError(f"firm {firm_id!r} already exists")
        n = self.n_firms
        return self._copy(
            firm_ids=np.append(self.firm_ids, str(firm_id)).astype(object),
            firm_names=np.append(self.firm_names, str(name)).astype(object),
            firm_region=np.append(self.firm_region, str(region)).astype(object),
            firm_country=np.append(self.firm_country, str(country)).astype(object),
            firm_segment=np.append(self.firm_segment, int(segment)),
            final_demand=np.append(self.final_demand, 0.0),
            lon=np.append(self.lon, lon), lat=np.append(self.lat, lat),
            capacity=np.append(self.capacity, capacity),
            fs_firm=np.append(self.fs_firm, n), fs_segment=np.append(self.fs_segment, segment))

    def add_links(self, supplier: _I, customer: _I, segment: _I, value: _F) -> DecisionNetwork:
        """Append links (annual values > 0)."""
        return self._copy(supplier=np.concatenate([self.supplier, supplier]).astype(np.int64),
                          customer=np.concatenate([self.customer, customer]).astype(np.int64),
                          link_segment=np.concatenate([self.link_segment, segment]).astype(np.int64),
                          value=np.concatenate([self.value, value]).astype(np.float64))

    def with_capacity(self, firm: int, daily_capacity: float) -> DecisionNetwork:
        """Set a firm's daily output capacity (TTS/TTR measure)."""
        cap = self.capacity.copy()
        cap[firm] = float(daily_capacity)
        return self._copy(capacity=cap)
