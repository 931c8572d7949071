"""What a reconstruction starts from: production units, demands by input sector, sector technology.

Notation (supplier unit *i* of sector *a*, buyer firm *j*, buyer unit of sector *b*):

- ``X_i``: output of a production unit (a ``firm_segments`` row), 10,000 CNY/yr;
- ``A[a, b]``: input of sector *a* per unit output of sector *b* (IO technical coefficient, or
  the bill-of-materials cost share between chain segments);
- ``u[a]``: sector *a*'s intermediate-sales share, so a unit sells ``s_out,i = u[a]·X_i`` to
  other producers;
- ``D[j, a] = Σ_{units of j} A[a, b]·X``: buyer *j*'s purchases of input *a* (one *demand
  pair* per buyer and input sector);
- ``m[a]``: import share of the purchases of *a*.

Arrays only: building them from a dataset is :func:`chainatlas.reconstruct.build.inputs_from_dataset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from chainatlas.exceptions import InputError

__all__ = ["ReconstructionInputs", "demand_pairs", "pair_essential"]

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]
_B = npt.NDArray[np.bool_]


@dataclass
class ReconstructionInputs:
    """Arrays describing the firms and the sector technology.

    Attributes
    ----------
    n_firms : int
        Firms (buyers and owners of units), indexed 0..n_firms-1.
    unit_firm, unit_sector : int arrays (n_units,)
        Owner firm and sector of each production unit.
    unit_output : float array (n_units,)
        ``X_i`` in 10,000 CNY/yr (> 0).
    firm_region : int array (n_firms,)
        Index into ``region_lon``/``region_lat``: the place distances are measured from (a
        region's centre, or a firm's own coordinates).
    region_lon, region_lat : float arrays (n_regions,)
        Degrees; NaN where a place has no coordinates.
    A : float array (S, S)
        ``A[a, b]``: input *a* per unit output of *b*.
    u : float array (S,)
        Intermediate-sales share of each sector (0..1).
    imports : float array (S,)
        Import share of the purchases of each sector's product (0..1).
    essential : bool array (S,)
        Whether a buyer of this sector's product stops without it.
    sector_ids : list of str
        Labels of the sectors (segment ids, or IO sectors).
    assumptions : list of str
        What was assumed while building the arrays (said to the user).
    essential_pair : bool array (S, S), optional
        ``[a, b]``: whether input *a* is essential to sector *b* (a bill of materials'
        ``essentiality``); overrides ``essential`` when given.
    place_intra_km : float array (n_regions,), optional
        Distance between two firms of one place; NaN (or no array) means the model's
        ``intra_region_km`` (a region); a firm's own coordinates give about 0.
    """

    n_firms: int
    unit_firm: _I
    unit_sector: _I
    unit_output: _F
    firm_region: _I
    region_lon: _F
    region_lat: _F
    A: _F
    u: _F
    imports: _F
    essential: _B
    sector_ids: list[str]
    assumptions: list[str] = field(default_factory=list)
    essential_pair: _B | None = None
    place_intra_km: _F | None = None

    def intra_km(self, region_km: float) -> _F:
        """Distance within each place: ``place_intra_km`` where set, else ``region_km``."""
        out = np.full(len(self.region_lon), float(region_km))
        if self.place_intra_km is not None:
            v = np.asarray(self.place_intra_km, dtype=np.float64)
            out = np.where(np.isfinite(v), v, out)
        return out

    @property
    def n_sectors(self) -> int:
        return int(self.A.shape[0])

    @property
    def n_units(self) -> int:
        return int(len(self.unit_firm))

    @property
    def supply(self) -> _F:
        """``s_out,i = u[a]·X_i``: what each unit sells to producers."""
        return np.asarray(self.u[self.unit_sector] * self.unit_output, dtype=np.float64)

    def check(self) -> None:
        """Raise :class:`InputError` when the arrays are inconsistent."""
        S = self.n_sectors
        if self.A.shape != (S, S) or len(self.u) != S or len(self.imports) != S \
                or len(self.essential) != S or len(self.sector_ids) != S:
            raise InputError("A must be S×S and u, imports, essential, sector_ids of length S")
        if np.any(self.A < 0) or not np.all(np.isfinite(self.A)):
            raise InputError("technical coefficients A must be finite and ≥ 0")
        for name, v in (("u", self.u), ("imports", self.imports)):
            if np.any((v < 0) | (v > 1)) or not np.all(np.isfinite(v)):
                raise InputError(f"{name} must lie in [0, 1]")
        if not (len(self.unit_sector) == len(self.unit_output) == self.n_units):
            raise InputError("unit arrays must have one length")
        if self.n_units and (self.unit_sector.min() < 0 or self.unit_sector.max() >= S):
            raise InputError("unit_sector out of range")
        if self.n_units and (self.unit_firm.min() < 0 or self.unit_firm.max() >= self.n_firms):
            raise InputError("unit_firm out of range")
        if np.any(~np.isfinite(self.unit_output)) or np.any(self.unit_output <= 0):
            raise InputError("every unit needs an output > 0")
        if len(self.firm_region) != self.n_firms:
            raise InputError("firm_region must have one entry per firm")
        if self.place_intra_km is not None and len(self.place_intra_km) != len(self.region_lon):
            raise InputError("place_intra_km must have one entry per place")


def demand_pairs(inp: ReconstructionInputs) -> tuple[_I, _I, _F]:
    """Buyer firm, input sector and purchases ``D[j, a]`` of every demand pair with ``D > 0``.

    Pairs are sorted by (input sector, buyer).

    Examples
    --------
    >>> import numpy as np
    >>> inp = ReconstructionInputs(2, np.array([0, 1]), np.array([0, 1]), np.array([10., 20.]),
    ...     np.zeros(2, np.int64), np.zeros(1), np.zeros(1), np.array([[0, .5], [0, 0]]),
    ...     np.array([1., 0.]), np.zeros(2), np.ones(2, bool), ["a", "b"])
    >>> demand_pairs(inp)
    (array([1]), array([0]), array([10.]))
    """
    S = inp.n_sectors
    n = inp.n_firms
    b = inp.unit_sector
    # D[j, a] = Σ_units A[a, b] X  → accumulate over (a, j) keys
    nz_a, nz_b = np.nonzero(inp.A)
    if not len(nz_a) or not inp.n_units:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    # for each unit, the inputs of its sector
    order = np.argsort(nz_b, kind="stable")
    nz_a, nz_b = nz_a[order], nz_b[order]
    ptr = np.zeros(S + 1, np.int64)
    np.cumsum(np.bincount(nz_b, minlength=S), out=ptr[1:])
    cnt = ptr[b + 1] - ptr[b]
    unit_rep = np.repeat(np.arange(inp.n_units), cnt)
    offs = np.arange(len(unit_rep)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    k = ptr[b[unit_rep]] + offs
    a_of = nz_a[k]
    val = inp.A[a_of, nz_b[k]] * inp.unit_output[unit_rep]
    key = a_of.astype(np.int64) * n + inp.unit_firm[unit_rep]
    uk, inv = np.unique(key, return_inverse=True)
    D = np.bincount(inv, weights=val, minlength=len(uk))
    keep = D > 0
    return (uk[keep] % n).astype(np.int64), (uk[keep] // n).astype(np.int64), D[keep]


def pair_essential(inp: ReconstructionInputs, buyer: _I, sector: _I) -> _B:
    """Whether input ``sector`` is essential to ``buyer``: to one of its units' sectors when
    ``essential_pair`` is given, else by the input's own ``essential`` flag."""
    if inp.essential_pair is None:
        return np.asarray(inp.essential[sector], dtype=bool)
    E = np.asarray(inp.essential_pair, dtype=bool)
    n = inp.n_firms
    # (firm, input) keys that some unit of the firm needs essentially
    a_idx, b_idx = np.nonzero(E & (inp.A > 0))
    keys = []
    for a, b in zip(a_idx.tolist(), b_idx.tolist(), strict=True):
        firms = inp.unit_firm[inp.unit_sector == b]
        keys.append(a * n + firms)
    ess = np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
    return np.isin(sector.astype(np.int64) * n + buyer, ess)
