"""Ensembles of reconstructed networks: one seeded draw of hyperparameters and links per member.

>>> import numpy as np
>>> from chainatlas.reconstruct import LinkModel, ReconstructionInputs, reconstruct
>>> inp = ReconstructionInputs(
...     4, np.arange(4), np.array([0, 0, 1, 1]), np.array([10., 30., 20., 40.]),
...     np.zeros(4, np.int64), np.array([121.5]), np.array([31.2]),
...     np.array([[0.0, 0.5], [0.0, 0.0]]), np.array([1.0, 0.0]), np.zeros(2),
...     np.ones(2, bool), ["cells", "pack"])
>>> ens = reconstruct(inp, LinkModel(mean_degree=0.5, gamma=0.0), members=3, seed=7)
>>> [round(float(m.flows()[0, 1]), 6) for m in ens.members]  # Σ_j∈pack A·X = 0.5·60
[30.0, 30.0, 30.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from chainatlas.exceptions import InputError
from chainatlas.reconstruct.inputs import ReconstructionInputs, demand_pairs, pair_essential
from chainatlas.reconstruct.params import LinkModel, draw_member_settings
from chainatlas.reconstruct.sample import (
    Layout,
    kernel_matrix,
    region_distances,
    sample_links,
    solve_gamma,
    solve_z,
)
from chainatlas.reconstruct.weights import fit_ipf

__all__ = ["Ensemble", "Member", "Observed", "build_layout", "reconstruct"]

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]


@dataclass
class Observed:
    """Known links (partial knowledge): supplier unit, buyer firm, value (NaN if unknown).

    Kept in every member with probability 1; reconstructed links fill in around them.
    """

    unit: _I
    buyer: _I
    value: _F


@dataclass
class Member:
    """One reconstructed network.

    Links are between supplier units and demand pairs (``pair_buyer``, ``pair_sector``); the
    ``roc_in``/``imports`` arrays are what the rest-of-country and import nodes sell to every
    demand pair, ``roc_out`` what the rest of the country buys from every unit. ``settings`` are
    the member's hyperparameters; ``notes`` what was assumed or capped.
    """

    index: int
    settings: LinkModel
    z: _F
    link_unit: _I
    link_pair: _I
    value: _F
    probability: _F
    observed: npt.NDArray[np.bool_]
    roc_in: _F
    imports: _F
    roc_out: _F
    pair_buyer: _I
    pair_sector: _I
    pair_demand: _F
    unit_sector: _I
    unit_firm: _I
    iterations: int
    row_residual: float
    notes: list[str] = field(default_factory=list)
    unit_supply: _F | None = None

    @property
    def n_links(self) -> int:
        return int(len(self.link_unit))

    def flows(self) -> _F:
        """Sector-pair flows ``[a, b]``: purchases of input *a* by the firms whose (first)
        sector is *b*, from every origin (firms, rest of country, imports)."""
        S = int(max(self.unit_sector.max(initial=-1), self.pair_sector.max(initial=-1)) + 1)
        buyer_sector = _firm_main_sector(self.unit_firm, self.unit_sector, self.pair_buyer)
        tot = self.pair_purchases()
        out = np.zeros((S, S))
        np.add.at(out, (self.pair_sector, buyer_sector), tot)
        return out

    def pair_purchases(self) -> _F:
        """Per demand pair, its purchases from firms + rest of country + imports."""
        local = np.bincount(self.link_pair, weights=self.value, minlength=len(self.pair_demand))
        return local + self.roc_in + self.imports

    def unit_sales(self) -> _F:
        """Per unit, its sales to firms + to the rest of the country."""
        local = np.bincount(self.link_unit, weights=self.value, minlength=len(self.unit_sector))
        return local + self.roc_out

    def local_flows(self) -> _F:
        """Sector-pair flows between the dataset's firms only (links, no aggregate nodes)."""
        S = int(max(self.unit_sector.max(initial=-1), self.pair_sector.max(initial=-1)) + 1)
        buyer_sector = _firm_main_sector(self.unit_firm, self.unit_sector,
                                         self.pair_buyer[self.link_pair])
        out = np.zeros((S, S))
        np.add.at(out, (self.unit_sector[self.link_unit], buyer_sector), self.value)
        return out


def _firm_main_sector(unit_firm: _I, unit_sector: _I, firms: _I) -> _I:
    n = int(max(unit_firm.max(initial=-1), firms.max(initial=-1)) + 1)
    main = np.full(n, -1, np.int64)
    main[unit_firm[::-1]] = unit_sector[::-1]  # first unit of each firm
    return main[firms]


@dataclass
class Ensemble:
    """Members of one reconstruction, with the inputs and the settings asked for."""

    inputs: ReconstructionInputs
    model: LinkModel
    seed: int
    members: list[Member]
    notes: list[str] = field(default_factory=list)


def build_layout(inp: ReconstructionInputs, layers: str, alpha: float
                 ) -> tuple[Layout, _I, _I, _F, _F, _I]:
    """Sampling layout plus per-pair (buyer, sector, demand, import share) and unit map.

    Returns ``(layout, pair_buyer, pair_sector, pair_demand, pair_import, unit_index)`` where
    ``unit_index`` maps layout units back to ``inp`` units (units that sell nothing are left out).
    """
    buyer, sector, D = demand_pairs(inp)
    supply = inp.supply
    sells = np.flatnonzero(supply > 0)
    imp = inp.imports[sector]
    if layers == "none":
        n = inp.n_firms
        tot = np.bincount(buyer, weights=D, minlength=n)
        timp = np.bincount(buyer, weights=D * imp, minlength=n)
        b1 = np.flatnonzero(tot > 0)
        buyer, sector, D = b1, np.full(len(b1), -1, np.int64), tot[b1]
        imp = timp[b1] / tot[b1]
        unit_layer = np.zeros(len(sells), np.int64)
        pair_layer = np.zeros(len(buyer), np.int64)
        ess = np.zeros(len(buyer), bool)
        n_layers = 1
    else:
        unit_layer = inp.unit_sector[sells]
        pair_layer = sector
        ess = pair_essential(inp, buyer, sector)
        n_layers = inp.n_sectors
    lay = Layout(
        inp.n_firms, n_layers, inp.unit_firm[sells], unit_layer,
        inp.firm_region[inp.unit_firm[sells]], supply[sells] ** alpha,
        buyer, pair_layer, inp.firm_region[buyer], D ** alpha, ess, len(inp.region_lon))
    return lay, buyer, sector, D, imp, sells


def _member(inp: ReconstructionInputs, settings: LinkModel, index: int,
            rng: np.random.Generator, dist: _F, observed: Observed | None) -> Member:
    assert settings.alpha is not None and settings.mean_degree is not None
    notes: list[str] = []
    lay, buyer, sector, D, imp, sells = build_layout(inp, settings.layers, settings.alpha)
    supply = inp.supply[sells]
    if settings.firm_cv:
        D, supply = firm_heterogeneity(inp, buyer, sector, D, sells, supply,
                                       settings.firm_cv, rng)
        lay = replace(lay, unit_w=supply ** settings.alpha, pair_g=D ** settings.alpha)
    gamma = settings.gamma
    if gamma is None:
        assert settings.median_distance_km is not None
        gamma, note = solve_gamma(lay, dist, settings.d0_km, settings.median_distance_km)
        notes.append(note)
    f = kernel_matrix(dist, gamma, settings.d0_km)
    target = settings.mean_degree * inp.n_firms
    per_layer = settings.layer_links is not None
    if per_layer:
        assert settings.layer_links is not None
        targets = np.asarray(settings.layer_links, dtype=np.float64)
        if len(targets) != lay.n_layers:
            raise InputError(f"layer_links needs {lay.n_layers} entries, got {len(targets)}")
    else:
        targets = np.array([target])
    z, zn = solve_z(targets, lay, f, settings.link, settings.essential, rng,
                    per_layer=per_layer)
    notes += zn
    lu, lp, prob, contacts = sample_links(z, lay, f, settings.link, settings.essential, rng)
    n_pairs, n_lu = len(buyer), len(sells)
    is_obs = np.zeros(len(lu), bool)
    fixed = np.full(len(lu), np.nan)
    if observed is not None and len(observed.unit):
        # observed (unit, buyer) → layout unit and demand pair of the unit's sector
        pos_u = np.full(inp.n_units, -1, np.int64)
        pos_u[sells] = np.arange(n_lu)
        ou = pos_u[observed.unit]
        layer_of = inp.unit_sector[observed.unit] if settings.layers == "sector" \
            else np.zeros(len(ou), np.int64)
        pkey = lay.pair_layer * inp.n_firms + lay.pair_buyer
        order = np.argsort(pkey, kind="stable")
        want = layer_of * inp.n_firms + observed.buyer
        at = np.searchsorted(pkey[order], want)
        at = np.minimum(at, max(n_pairs - 1, 0))
        ok = (ou >= 0) & (n_pairs > 0) & (pkey[order][at] == want) if n_pairs else \
            np.zeros(len(ou), bool)
        if (~ok).any():
            notes.append(f"{int((~ok).sum())} known links do not match a unit's sales and a "
                         "buyer's input needs; kept as given, outside the fit")
        op = order[at[ok]]
        key_s = lp * n_lu + lu
        key_o = op * n_lu + ou[ok]
        new = ~np.isin(key_o, key_s)
        lu = np.concatenate([lu, ou[ok][new]])
        lp = np.concatenate([lp, op[new]])
        prob = np.concatenate([prob, np.ones(int(new.sum()))])
        contacts = np.concatenate([contacts, np.ones(int(new.sum()), np.int64)])
        allkey = lp * n_lu + lu
        is_obs = np.isin(allkey, key_o)
        prob[is_obs] = 1.0
        fixed = np.full(len(lu), np.nan)
        vmap = dict(zip(key_o.tolist(), observed.value[ok].tolist(), strict=True))
        fixed[is_obs] = [vmap[k] for k in allkey[is_obs].tolist()]
        o = np.argsort(allkey, kind="stable")
        lu, lp, prob, is_obs, fixed = lu[o], lp[o], prob[o], is_obs[o], fixed[o]
        contacts = contacts[o]
    if settings.weights == "expected":
        # dcGM / IOGM: w_ij = s_i s_j / (W_l p_ij) so strengths hold in expectation
        W_l = np.bincount(lay.unit_layer, weights=supply, minlength=lay.n_layers)
        value = supply[lu] * D[lp] / (W_l[lay.pair_layer[lp]] * prob)
        value = np.where(is_obs & np.isfinite(fixed), fixed, value)
        zero_p, zero_u = np.zeros(n_pairs), np.zeros(n_lu)
        fw_roc_in, fw_imp, fw_roc_out, iters, resid = zero_p, D * imp, zero_u, 0, float("nan")
    else:
        seed = start_values(contacts, settings.weight_cv, rng)
        fw = fit_ipf(lu, lp, supply, D, imp, lay.unit_layer, lay.pair_layer, lay.n_layers,
                     fixed_value=fixed if observed is not None else None, seed_value=seed)
        value, fw_roc_in, fw_imp, fw_roc_out = fw.value, fw.roc_in, fw.imports, fw.roc_out
        iters, resid = fw.iterations, fw.row_residual
        if resid > 1e-3:
            notes.append(f"IPF stopped at a relative row gap of {resid:.2g} after {iters} "
                         "rounds; the gap is traded with the rest of the country")
    settings = replace(settings, gamma=gamma)
    return Member(index, settings, z, sells[lu], lp, value, prob, is_obs, fw_roc_in, fw_imp,
                  _scatter(fw_roc_out, sells, inp.n_units), buyer, sector, D,
                  inp.unit_sector, inp.unit_firm, iters, resid, notes,
                  _scatter(supply, sells, inp.n_units))


def firm_heterogeneity(inp: ReconstructionInputs, buyer: _I, sector: _I, D: _F, sells: _I,
                       supply: _F, cv: float, rng: np.random.Generator) -> tuple[_F, _F]:
    """One member's firm-level purchases and sales: each buyer's purchases of an input and each
    unit's sales to producers times a Gamma draw of mean 1 and coefficient of variation ``cv``,
    rescaled so the purchases of input *a* by the firms of sector *b* (and the sales of each
    sector) keep their totals exactly.

    Firms of one sector do not share one technology (Hungary: they buy only ~19 % from the same
    industries, Diem et al. 2024); ``A[a, b]·X_j`` is the sector's average, not firm *j*'s.
    """
    k = 1.0 / (cv * cv)
    h = rng.gamma(k, 1.0 / k, len(D))
    g = rng.gamma(k, 1.0 / k, len(supply))
    b = _firm_main_sector(inp.unit_firm, inp.unit_sector, buyer)
    cell = (sector.astype(np.int64) + 1) * (inp.n_sectors + 1) + b
    _, ci = np.unique(cell, return_inverse=True)
    Dh = D * h
    D2 = Dh * (np.bincount(ci, weights=D) / np.bincount(ci, weights=Dh))[ci]
    us = inp.unit_sector[sells]
    sg = supply * g
    tot, tot_h = (np.bincount(us, weights=w, minlength=inp.n_sectors) for w in (supply, sg))
    S2 = sg * np.divide(tot, tot_h, out=np.ones_like(tot), where=tot_h > 0)[us]
    return D2, S2


def start_values(contacts: _I, cv: float | None, rng: np.random.Generator) -> _F:
    """IPF's starting value of every link: its contact count N times a value g drawn Gamma
    with mean 1 and coefficient of variation c (shape 1/c², scale c²); N itself when c = 0."""
    n = np.asarray(contacts, dtype=np.float64)
    if not cv:
        return n
    k = 1.0 / (cv * cv)
    # a start of exactly 0 would drop the link from the fit: floor far below any real value
    return n * np.maximum(rng.gamma(k, 1.0 / k, len(n)), 1e-12)


def _scatter(v: _F, idx: _I, n: int) -> _F:
    out = np.zeros(n)
    out[idx] = v
    return out


def reconstruct(inp: ReconstructionInputs, model: LinkModel | None = None, *, members: int = 20,
                seed: int = 0, observed: Observed | None = None) -> Ensemble:
    """An ensemble of ``members`` networks; the same inputs and seed give the same ensemble.

    Member *k* uses the *k*-th child of ``numpy.random.SeedSequence(seed)``, so member *k* does
    not depend on how many members are asked for.
    """
    model = model or LinkModel()
    model.validate()
    inp.check()
    if not isinstance(members, (int, np.integer)) or members < 1:
        raise InputError(f"members must be a whole number ≥ 1, got {members!r}")
    dist = region_distances(inp.region_lon, inp.region_lat, inp.intra_km(model.intra_region_km))
    kids = np.random.SeedSequence(seed).spawn(int(members))
    out = []
    for k, ss in enumerate(kids):
        rng = np.random.default_rng(ss)
        settings = draw_member_settings(model, rng)
        out.append(_member(inp, settings, k, rng, dist, observed))
    return Ensemble(inp, model, int(seed), out, list(inp.assumptions))
