"""Where an attracted plant buys and sells: the reconstruction link model, fitted to the network.

A 补链/强链 plant is a new firm; which firms it would trade with is unknown. The project's
reconstruction model (:mod:`chainatlas.reconstruct`, ``references/reconstruction.md``) says how
likely each link is: supplier unit *i* (a firm's sales of one segment, :math:`s_i`) and demand
pair *p* (a buyer's purchases of one input segment, :math:`D_p`) meet at the Poisson rate

.. math::

    \\lambda_{ip} = z\\,s_i^{\\alpha}\\,D_p^{\\alpha}\\,(1 + d_{ip}/d_0)^{-\\gamma},
    \\qquad P(\\text{link}) = 1 - e^{-\\lambda_{ip}},

IO/BOM-constrained (a pair buys only from units of its input segment), size-aware (α) and
distance-aware (γ, distances between the firms' regions, ``intra_km`` within one). Here it is
*fitted to the network itself* (:meth:`PlantLinkModel.fit`): α is fixed at 0.4 (the middle of
the reconstruction prior [0.3, 0.5]), γ is solved so that the model's median contact distance
equals the network's median link distance (:func:`~chainatlas.reconstruct.sample.solve_gamma`),
and *z* so that the model's expected number of links equals the network's
(:func:`~chainatlas.reconstruct.sample.solve_z`; essential inputs always get a supplier).

A plant of segment *s* with nominal sales :math:`s_{plant}` (its parent's sales of *s*, or the
segment's median seller when the parent sells none) at place *q* then gets, from one seeded
generator (:meth:`PlantLinkModel.draw`):

- **customers**: every buyer *p* of *s* (its parent excepted) independently with probability
  :math:`1 - e^{-\\lambda_{plant,p}}`; a customer moves the share
  :math:`\\lambda_{plant,p} / (\\Lambda_p + \\lambda_{plant,p})` of its purchases of *s* to
  the plant — the plant's expected share of its contacts, :math:`\\Lambda_p` being the pair's
  rate over the existing sellers — taken from its current suppliers in proportion;
- **suppliers**: the plant buys each input *a* in the segment's technology
  :math:`t_{as}` = (the network's purchases of *a* by the firms of *s*) / (their output), so
  its purchases of *a* are :math:`t_{as}` × its output, exactly; the suppliers of each input
  are an exact sample of the model for the plant's demand pair
  (:func:`~chainatlas.reconstruct.sample.sample_links`: :math:`K \\sim` Poisson(Λ), at least one
  for an essential input, then each contact ∝ λ), its parent's units left out; the purchases
  of *a* are split over its suppliers in proportion to their contacts (the reconstruction's
  IPF start without value noise).

The same network, plant and seed give the same links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from chainatlas.decide.network import DecisionNetwork
from chainatlas.exceptions import InputError
from chainatlas.reconstruct.sample import (
    Layout,
    kernel_matrix,
    region_distances,
    sample_links,
    solve_gamma,
    solve_z,
)

__all__ = ["PlantLinkModel", "PlantLinks"]

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]

#: Size exponent α: the middle of the reconstruction prior [0.3, 0.5].
ALPHA = 0.4


@dataclass(frozen=True)
class PlantLinks:
    """One draw of a plant's links (firm indices of the network it was drawn on).

    ``customers``/``share``: buyers of the plant's segment and the share of their purchases
    they move to it; ``customer_prob``: their link probability. ``suppliers``/``segments``/
    ``coef``: each input link, its segment and its annual value per unit of the plant's annual
    output (so a segment's coefficients add up to its technical coefficient);
    ``supplier_prob``: the link's probability given the plant's demand (essential inputs:
    conditioned on at least one supplier).
    """

    customers: _I
    share: _F
    customer_prob: _F
    suppliers: _I
    segments: _I
    coef: _F
    supplier_prob: _F
    size: float


@dataclass(frozen=True, eq=False)
class PlantLinkModel:
    """The reconstruction link model fitted to a decision network (module docstring)."""

    net: DecisionNetwork
    alpha: float
    gamma: float
    z: float
    d0_km: float
    intra_km: float
    median_km: float
    n_links: int
    place_codes: tuple[str, ...]
    place_lon: _F
    place_lat: _F
    firm_place: _I
    unit_firm: _I
    unit_segment: _I
    unit_sales: _F
    pair_buyer: _I
    pair_segment: _I
    pair_demand: _F
    tech: _F
    notes: tuple[str, ...]

    # ------------------------------------------------------------------ fitting
    @classmethod
    def fit(cls, net: DecisionNetwork, *, alpha: float = ALPHA, d0_km: float = 10.0,
            intra_km: float = 10.0, seed: int = 0,
            extra_places: dict[str, tuple[float, float]] | None = None) -> PlantLinkModel:
        """Fit γ and *z* to the original firms and links of ``net`` (module docstring).

        ``extra_places``: region code → (lon, lat) of places plants may open in that no firm
        of the network lies in yet.
        """
        n0 = net.n_original
        keep = (net.link_segment >= 0) & (net.supplier < n0) & (net.customer < n0) \
            & (net.value > 0)
        sup, cus = net.supplier[keep], net.customer[keep]
        seg, val = net.link_segment[keep], net.value[keep]
        m = len(net.segment_ids)
        if not len(sup):
            raise InputError("the network has no link between its firms: no link model to fit")
        # places: the firms' regions, at the mean coordinates of their firms
        regions = net.firm_region[:n0].astype(str)
        codes, firm_place = np.unique(regions, return_inverse=True)
        lon = np.full(len(codes), np.nan)
        lat = np.full(len(codes), np.nan)
        for k in range(len(codes)):
            mine = (firm_place == k) & np.isfinite(net.lon[:n0]) & np.isfinite(net.lat[:n0])
            if mine.any():
                lon[k], lat[k] = float(net.lon[:n0][mine].mean()), float(net.lat[:n0][mine].mean())
        code_list = [str(c) for c in codes.tolist()]
        for code, (x, y) in sorted((extra_places or {}).items()):
            if code in code_list:
                k = code_list.index(code)
                if not np.isfinite(lon[k]):
                    lon[k], lat[k] = float(x), float(y)
                continue
            code_list.append(code)
            lon, lat = np.append(lon, float(x)), np.append(lat, float(y))
        # supplier units (firm, segment sold) and demand pairs (buyer, input segment)
        ukey, uinv = np.unique(sup * (m + 1) + seg, return_inverse=True)
        unit_firm, unit_seg = (ukey // (m + 1)).astype(np.int64), (ukey % (m + 1)).astype(np.int64)
        unit_sales = np.bincount(uinv, weights=val, minlength=len(ukey)).astype(np.float64)
        pkey, pinv = np.unique(seg * n0 + cus, return_inverse=True)
        pair_seg, pair_buyer = (pkey // n0).astype(np.int64), (pkey % n0).astype(np.int64)
        pair_dem = np.bincount(pinv, weights=val, minlength=len(pkey)).astype(np.float64)
        n_links = int(len(np.unique(uinv.astype(np.int64) * len(pkey) + pinv)))
        # technology: purchases of a by the firms of s per unit of their output (annual)
        out_yr = net.output()[:n0] * 365.0
        fseg = net.firm_segment[:n0]
        tech = np.zeros((m, m))
        buyer_seg = fseg[cus]
        ok = buyer_seg >= 0
        np.add.at(tech, (seg[ok], buyer_seg[ok]), val[ok])
        seg_out = np.bincount(fseg[fseg >= 0], weights=out_yr[fseg >= 0], minlength=m)
        tech = np.divide(tech, seg_out[None, :], out=np.zeros_like(tech),
                         where=seg_out[None, :] > 0)
        model = cls(net=net, alpha=float(alpha), gamma=0.0, z=0.0, d0_km=float(d0_km),
                    intra_km=float(intra_km), median_km=0.0, n_links=n_links,
                    place_codes=tuple(code_list), place_lon=lon, place_lat=lat,
                    firm_place=firm_place.astype(np.int64), unit_firm=unit_firm,
                    unit_segment=unit_seg, unit_sales=unit_sales, pair_buyer=pair_buyer,
                    pair_segment=pair_seg, pair_demand=pair_dem, tech=tech, notes=())
        dist = model.distances()
        lay = model._layout(pair_buyer, pair_seg, pair_dem, firm_place[pair_buyer])
        d_links = dist[firm_place[sup], firm_place[cus]]
        median_km = float(np.median(d_links))
        gamma, g_note = solve_gamma(lay, dist, d0_km, median_km)
        f = kernel_matrix(dist, gamma, d0_km)
        z, z_notes = solve_z(np.array([float(n_links)]), lay, f, "poisson", True,
                             np.random.default_rng(seed), per_layer=False)
        notes = (f"link model fitted to the network's {n_links:,} links: α = {alpha:g}, "
                 f"{g_note}, z = {float(z[0]):.4g}, d0 = {d0_km:g} km, "
                 f"{intra_km:g} km within a region", *z_notes)
        return cls(**{**model.__dict__, "gamma": float(gamma), "z": float(z[0]),
                      "median_km": median_km, "notes": tuple(notes)})

    # ------------------------------------------------------------------ pieces
    def distances(self) -> _F:
        """Distances (km) between the model's places (``intra_km`` on the diagonal)."""
        return region_distances(self.place_lon, self.place_lat, self.intra_km)

    def kernel(self) -> _F:
        """``f(q, r) = (1 + d_qr / d0)^(−γ)`` between places."""
        return kernel_matrix(self.distances(), self.gamma, self.d0_km)

    def place_of(self, region: str) -> int:
        if region not in self.place_codes:
            raise InputError(f"region {region!r} is not a place of the link model (give its "
                             "coordinates as an extra place)")
        return self.place_codes.index(region)

    def _layout(self, buyer: _I, segment: _I, demand: _F, place: _I) -> Layout:
        ess = self.net.segment_essential[segment].astype(bool)
        return Layout(
            n_firms=self.net.n_original, n_layers=len(self.net.segment_ids),
            unit_firm=self.unit_firm, unit_layer=self.unit_segment,
            unit_region=self.firm_place[self.unit_firm], unit_w=self.unit_sales ** self.alpha,
            pair_buyer=buyer.astype(np.int64), pair_layer=segment.astype(np.int64),
            pair_region=place.astype(np.int64), pair_g=demand ** self.alpha,
            pair_essential=ess, n_regions=len(self.place_codes))

    def plant_size(self, parent: int, segment: int) -> float:
        """Nominal annual sales of a plant: the parent's sales of ``segment``, or the segment's
        median seller's when the parent sells none of it."""
        mine = (self.unit_firm == parent) & (self.unit_segment == segment)
        if mine.any():
            return float(self.unit_sales[mine].sum())
        seg = self.unit_sales[self.unit_segment == segment]
        if not len(seg):
            raise InputError(f"nobody in the network sells segment "
                             f"{self.net.segment_ids[segment]!r}: no plant size to assume")
        return float(np.median(seg))

    def customer_rates(self, segment: int, place: int, size: float, parent: int
                       ) -> tuple[_I, _F, _F]:
        """Buyers of ``segment`` (pairs), the plant's rate λ to each and their rate Λ over the
        existing sellers; the parent is left out."""
        f = self.kernel()
        pairs = np.flatnonzero((self.pair_segment == segment) & (self.pair_buyer != parent))
        lay = self._layout(self.pair_buyer[pairs], self.pair_segment[pairs],
                           self.pair_demand[pairs],
                           self.firm_place[self.pair_buyer[pairs]])
        g = lay.pair_g
        lam_plant = self.z * size ** self.alpha * g * f[lay.pair_region, place]
        lam_rest = self.z * g * lay.pair_rate(f)
        return self.pair_buyer[pairs], lam_plant, lam_rest

    # ------------------------------------------------------------------ drawing
    def draw(self, segment: int, place: int, parent: int, rng: np.random.Generator,
             size: float | None = None) -> PlantLinks:
        """One draw of the links of a plant of ``segment`` at ``place`` owned by ``parent``
        (module docstring): customers first (:meth:`draw_customers`), then the suppliers of
        every input for the output they bring (:meth:`draw_suppliers`), all from ``rng``."""
        size = self.plant_size(parent, segment) if size is None else float(size)
        cust, sh, cp = self.draw_customers(segment, place, parent, size, rng)
        net = self.net
        n0 = net.n_original
        m = (net.link_segment == segment) & (net.customer < n0) & (net.supplier != parent)
        purchases = np.bincount(net.customer[m], weights=net.value[m], minlength=n0)
        output = float((sh * purchases[cust]).sum())
        if not len(cust) or output <= 0:
            return PlantLinks(cust, sh, cp, np.zeros(0, np.int64), np.zeros(0, np.int64),
                              np.zeros(0), np.zeros(0), size)
        sup, seg, coef, sp = self.draw_suppliers(segment, place, parent, output, rng)
        return PlantLinks(cust, sh, cp, sup, seg, coef, sp, size)

    def draw_customers(self, segment: int, place: int, parent: int, size: float,
                       rng: np.random.Generator) -> tuple[_I, _F, _F]:
        r"""Customers (firm indices), the share of their purchases of ``segment`` each moves to
        the plant and their link probability: each buyer independently with probability
        :math:`1 - e^{-\lambda}`."""
        buyers, lam, lam_rest = self.customer_rates(segment, place, size, parent)
        prob = -np.expm1(-lam)
        take = rng.random(len(buyers)) < prob
        share = lam / (lam_rest + lam)
        return buyers[take], share[take], prob[take]

    def draw_suppliers(self, segment: int, place: int, parent: int, output: float,
                       rng: np.random.Generator) -> tuple[_I, _I, _F, _F]:
        """Suppliers of a plant of ``segment`` with annual ``output``: (firm, input segment,
        coefficient, link probability) of every input link, an exact sample of the link model
        for its demand pairs (its parent's units excluded)."""
        inputs = np.flatnonzero(self.tech[:, segment] > 0).astype(np.int64)
        if not len(inputs) or output <= 0:
            return (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        demand = self.tech[inputs, segment] * output
        lay = self._layout(np.full(len(inputs), parent, np.int64), inputs, demand,
                           np.full(len(inputs), place, np.int64))
        unit, pair, lprob, contacts = sample_links(np.full(lay.n_layers, self.z), lay,
                                                   self.kernel(), "poisson", True, rng)
        tot = np.bincount(pair, weights=contacts, minlength=len(inputs))
        coef = self.tech[inputs[pair], segment] * contacts / tot[pair]
        return self.unit_firm[unit], inputs[pair], coef, lprob

    def describe(self) -> dict[str, Any]:
        """The fitted parameters (printed with a decision result)."""
        return {"rule": "reconstruction link model", "alpha": self.alpha, "gamma": self.gamma,
                "z": self.z, "d0_km": self.d0_km, "intra_region_km": self.intra_km,
                "median_link_km": self.median_km, "links": self.n_links,
                "notes": list(self.notes)}
