"""ARIO — the Adaptive Regional Input-Output model (Hallegatte 2008, 2014), vectorised.

A daily (one step = 1/365 year) disequilibrium model of an IO economy after a disaster, following
the equations of the ``ARIOPsiModel`` as documented and implemented by BoARIO (Juhel 2023):

* **capacity** :math:`x^{cap}_f(t) = \\alpha_f(t)\\,(1 - \\Delta_f(t))\\,x_f(0)`, with
  :math:`\\Delta_f = \\max(d_f / k_f,\\, \\delta^{arb}_f)`, capital :math:`k_f = \\kappa\\,VA_f`
  (κ = 4) and :math:`d_f` the capital destroyed;
* **total demand** :math:`D_f = \\sum_{f'} O_{ff'} + \\sum Y_f + R_f` (orders, final demand,
  reconstruction demand :math:`R = \\text{remaining}/\\tau_{REBUILD}`);
* **production** :math:`x^{opt} = \\min(D, x^{cap})`; inventories constrain it:
  :math:`x^a_f = x^{opt}_f \\min(1, \\min_p \\Omega_{pf}/(\\psi s_p x^{opt}_f a^S_{pf}))`
  over inputs with :math:`a^S_{pf}` above a threshold;
* **proportional rationing**: every client of *f* receives :math:`x^a_f / D_f` of its demand;
  unmet final demand is lost;
* **inventories** :math:`\\Omega \\leftarrow \\Omega + \\text{received} - a^S \\hat x^a`;
* **orders** per product :math:`O^S = (s_p x^{opt} a^S - \\Omega)_+/\\tau_{INV} + a^S \\hat x^a`,
  split across suppliers by initial shares weighted by their capacity ratio
  :math:`x^{cap}/x(0)` (``order_type="alt"``, Guan et al. 2020) or fixed (``"noalt"``);
* **overproduction** :math:`\\alpha \\leftarrow \\alpha + (\\alpha_{max} - \\alpha)\\zeta/\\tau_\\alpha` when
  scarcity :math:`\\zeta = (D - x^a)/D > 0`, else relaxes to :math:`\\alpha_b` (clamped ≥ 1);
* **recovery**: ``"recovery"`` events restore capital along a recovery curve over
  ``recovery_tau``; ``"rebuild"`` events turn destroyed capital into reconstruction demand on the
  rebuilding sectors (shared across regions like initial flows), and capital comes back as that
  demand is delivered; ``"arbitrary"`` events remove a share of capacity directly.

Orders are kept on the sparsity pattern of ``Z`` (numba kernels over the nonzeros), so a step
costs O(nnz(Z) + S·n) instead of BoARIO's dense O(n²) array work. Two tolerance rules of BoARIO
are kept so trajectories agree: inventories are only updated when receipts differ from use, and
only replenished when they differ from their targets, beyond ``np.allclose`` tolerances
(``deadband_rtol``/``deadband_atol``; set them to 0 to switch the rule off).

Units: flows per step (table units per year / ``steps_per_year``); impacts of capital events in
table units (BoARIO's impact with ``event_monetary_factor == monetary_factor``); ``"arbitrary"``
impacts as shares of capacity in [0, 1].
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numba
import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from chainatlas._jit import ThreadChooser
from chainatlas.config import compute_threads
from chainatlas.exceptions import InputError, ModelError
from chainatlas.ioa._ario_kernels import (
    ORDER_BLOCKS,
    distribute_intermediate,
    distribute_intermediate_serial,
    inventory_need,
    place_orders,
    place_orders_serial,
    production_under_stocks,
    use_and_restock,
)
from chainatlas.model.iotable import IOTable

__all__ = ["ARIOEvent", "ARIOModel", "ARIOResult", "PARALLEL_FROM_FLOWS", "RECOVERY_FUNCTIONS"]

#: Tables with at least this many nonzero flows run the sweeps over them on several threads
#: (below it a parallel region costs more than the work: at 48 industries a step takes
#: 0.05 ms on one thread).
PARALLEL_FROM_FLOWS = 100_000

#: Steps between probes of the other thread mode in threaded runs, at first.
PROBE_EVERY = 8

Array = npt.NDArray[np.float64]


def _linear(elapsed: float, init: Array, tau: float) -> Array:
    return np.asarray(init * (1.0 - elapsed / tau), dtype=np.float64)


def _convexe(elapsed: float, init: Array, tau: float) -> Array:
    return np.asarray(init * (1.0 - 1.0 / tau) ** (4.0 * elapsed), dtype=np.float64)


def _convexe_noscale(elapsed: float, init: Array, tau: float) -> Array:
    return np.asarray(init * (1.0 - 1.0 / tau) ** elapsed, dtype=np.float64)


def _concave(elapsed: float, init: Array, tau: float) -> Array:
    steep, tau_h = 1e-6, 2.0
    expo = (np.log(tau) - np.log(steep)) / (np.log(tau) - np.log(tau_h))
    return np.asarray(init * tau / (tau + steep * elapsed ** expo), dtype=np.float64)


#: Recovery curves d(t) of the damage d(0) after ``elapsed`` steps over ``tau`` steps
#: (BoARIO's ``linear``, ``convexe`` (scaled ×4), ``convexe noscale`` and ``concave``).
RECOVERY_FUNCTIONS: dict[str, Callable[[float, Array, float], Array]] = {
    "linear": _linear, "convexe": _convexe, "convexe noscale": _convexe_noscale,
    "concave": _concave,
}


@dataclass
class ARIOEvent:
    """A shock to the ARIO economy.

    Parameters
    ----------
    impact : array_like (n,)
        Capital destroyed per industry in table units (``"recovery"``, ``"rebuild"``), or share
        of capacity lost in [0, 1] (``"arbitrary"``).
    kind : {"recovery", "rebuild", "arbitrary"}
    occurrence : int
        Step at which the event hits (≥ 1).
    duration : int
        Steps before recovery or rebuilding starts (≥ 1).
    recovery_tau : int
        Steps of the recovery curve (``"recovery"``, ``"arbitrary"``).
    recovery_function : str
        A key of :data:`RECOVERY_FUNCTIONS`.
    rebuilding_sectors : mapping sector → share (sums to 1)
        Sectors producing the reconstruction (``"rebuild"``).
    rebuild_tau : int, optional
        Characteristic reconstruction time in steps (default: the model's).
    rebuilding_factor : float
        Reconstruction demand per unit of capital destroyed.
    """

    impact: npt.ArrayLike
    kind: Literal["recovery", "rebuild", "arbitrary"] = "recovery"
    occurrence: int = 1
    duration: int = 1
    recovery_tau: int | None = None
    recovery_function: str = "linear"
    rebuilding_sectors: Mapping[str, float] | None = None
    rebuild_tau: int | None = None
    rebuilding_factor: float = 1.0
    name: str = ""


@dataclass
class ARIOResult:
    """Trajectories of an ARIO run (``steps`` × ``n`` arrays, per step, in table units/step).

    Attributes
    ----------
    production_, capacity_ : realised production and production capacity.
    final_demand_unmet_ : final demand not served per producing industry (net of categories,
        so negative where net final demand is negative, e.g. inventory draw-downs).
    overproduction_ : overproduction factor α (dimensionless).
    rebuild_demand_ : reconstruction demand addressed to each industry.
    capital_lost_ : capital destroyed and not yet recovered (table units).
    x0_ : initial production per step.
    had_shortage_ : whether an inventory shortage ever limited production.
    stocks_ : (steps, S, n) inventories, only when recorded.
    """

    labels: list[str]
    x0_: Array
    production_: Array
    capacity_: Array
    final_demand_unmet_: Array
    overproduction_: Array
    rebuild_demand_: Array
    capital_lost_: Array
    had_shortage_: bool
    stocks_: Array | None = None

    @property
    def relative_production_(self) -> Array:
        """Production relative to the initial level (1 = pre-disaster)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.x0_ > 0, self.production_ / self.x0_, 1.0)

    @property
    def production_loss_(self) -> Array:
        """Cumulative production lost per industry, :math:`\\sum_t (x_0 - x_t)` (table units)."""
        return np.asarray((self.x0_[None, :] - self.production_).sum(axis=0), dtype=np.float64)

    def summary(self) -> pd.DataFrame:
        """One row per industry: minimum relative production, day of the minimum, losses."""
        rel = self.relative_production_
        return pd.DataFrame({
            "industry": self.labels,
            "min_relative_production": rel.min(axis=0),
            "day_of_min": rel.argmin(axis=0),
            "production_loss": self.production_loss_,
            "final_demand_unmet": self.final_demand_unmet_.sum(axis=0),
        })

    def to_dict(self) -> dict[str, Any]:
        return {"steps": int(self.production_.shape[0]), "had_shortage": self.had_shortage_,
                "total_production_loss": float(self.production_loss_.sum()),
                "total_final_demand_unmet": float(self.final_demand_unmet_.sum()),
                "industries": self.summary().to_dict(orient="records")}


@dataclass
class _Tracker:
    event: ARIOEvent
    impact: Array
    status: str = "pending"
    damage: Array | None = None          # capital destroyed (n,), table units
    damage0: Array | None = None
    arb: Array | None = None             # capacity share lost (n,)
    arb0: Array | None = None
    rows: npt.NDArray[np.int64] | None = None   # rebuilding industries
    cols: npt.NDArray[np.int64] | None = None   # damaged industries
    remaining: Array | None = None       # reconstruction still to deliver (rows × cols)
    step_demand: Array | None = None     # the demand placed this step (rows × cols)
    rebuilding_started: bool = field(default=False)


class ARIOModel:
    """The ARIO model with BoARIO's ``ARIOPsiModel`` defaults (parameters only stored here).

    Parameters
    ----------
    order_type : {"alt", "noalt"}
        Orders split by initial supplier shares weighted by capacity ratios, or fixed shares.
    alpha_base, alpha_max, alpha_tau : float
        Overproduction baseline, ceiling and characteristic time (steps).
    rebuild_tau : int
        Default reconstruction time (steps).
    inventory_days : float, array (S,) or mapping sector → days (``np.inf`` allowed)
        Inventory target in steps of use per input product (default 90).
    infinite_inventory_sectors : sequence of str
        Products never in short supply (unlimited inventories, e.g. services).
    psi : float
        Share of the inventory target under which production is constrained (0.8).
    inventory_restoration_tau : float
        Steps to close an inventory gap (60).
    capital_to_va : float
        Capital stock per unit of yearly value added (4); ignored if ``capital`` is given.
    capital : array (n,), optional
        Productive capital per industry (table units).
    steps_per_year : float
        Steps per table year (365).
    input_threshold : float
        An input constrains production only if its yearly use exceeds this times daily output.
    deadband_rtol, deadband_atol : float
        ``np.allclose`` tolerances of the inventory update/replenishment rules (see module doc).
    damage_decimals : int
        Damages and remaining reconstruction are rounded to this many decimals (BoARIO: 7).
    """

    def __init__(self, *, order_type: Literal["alt", "noalt"] = "alt", alpha_base: float = 1.0,
                 alpha_max: float = 1.25, alpha_tau: float = 365, rebuild_tau: int = 60,
                 inventory_days: float | npt.ArrayLike | Mapping[str, float] = 90,
                 infinite_inventory_sectors: Sequence[str] = (), psi: float = 0.8,
                 inventory_restoration_tau: float = 60,
                 capital_to_va: float = 4.0, capital: npt.ArrayLike | None = None,
                 steps_per_year: float = 365, input_threshold: float = 1e-5,
                 deadband_rtol: float = 1e-5, deadband_atol: float = 1e-8,
                 damage_decimals: int = 7) -> None:
        self.order_type = order_type
        self.alpha_base = alpha_base
        self.alpha_max = alpha_max
        self.alpha_tau = alpha_tau
        self.rebuild_tau = rebuild_tau
        self.inventory_days = inventory_days
        self.infinite_inventory_sectors = infinite_inventory_sectors
        self.psi = psi
        self.inventory_restoration_tau = inventory_restoration_tau
        self.capital_to_va = capital_to_va
        self.capital = capital
        self.steps_per_year = steps_per_year
        self.input_threshold = input_threshold
        self.deadband_rtol = deadband_rtol
        self.deadband_atol = deadband_atol
        self.damage_decimals = damage_decimals

    # ------------------------------------------------------------------ set-up
    def _validate(self, table: IOTable, steps: int) -> None:
        if self.order_type not in ("alt", "noalt"):
            raise InputError(f"order_type must be 'alt' or 'noalt', got {self.order_type!r}")
        if not 0 < self.psi <= 1:
            raise InputError(f"psi must be in (0, 1], got {self.psi}")
        for name in ("alpha_tau", "inventory_restoration_tau", "steps_per_year", "rebuild_tau"):
            if not getattr(self, name) > 0:
                raise InputError(f"{name} must be positive")
        if self.alpha_max < self.alpha_base:
            raise InputError("alpha_max must be ≥ alpha_base")
        if steps < 1:
            raise InputError("steps must be ≥ 1")
        if (table.Z < 0).any() or (table.x < 0).any():
            raise InputError("ARIO needs a table with nonnegative Z and x")

    def _inventory_days(self, products: list[str]) -> Array:
        inv = self.inventory_days
        if isinstance(inv, Mapping):
            missing = [p for p in products if p not in inv]
            if missing:
                raise InputError(f"inventory_days lacks sector(s) {missing[:5]}")
            days = np.array([float(inv[p]) for p in products])
        else:
            days = np.broadcast_to(np.asarray(inv, dtype=np.float64), (len(products),)).copy()
        if (days <= 0).any() or np.isnan(days).any():
            raise InputError("inventory days must be positive (np.inf for unlimited)")
        unknown = [s for s in self.infinite_inventory_sectors if s not in products]
        if unknown:
            raise InputError(f"infinite_inventory_sectors: unknown sector(s) {unknown[:5]}")
        days[[products.index(s) for s in self.infinite_inventory_sectors]] = np.inf
        days[days <= 1] = 2.0
        return days

    def _trackers(self, table: IOTable, events: Sequence[ARIOEvent], steps: int,
                  capital: Array) -> list[_Tracker]:
        n = table.n
        out = []
        sector_set = set(table.sectors)
        for e in events:
            imp = np.asarray(e.impact, dtype=np.float64).reshape(-1)
            label = e.name or e.kind
            if imp.shape != (n,) or not np.isfinite(imp).all():
                raise InputError(f"event {label!r}: impact needs {n} finite values")
            if (imp < 0).any() or not (imp > 0).any():
                raise InputError(f"event {label!r}: impact must be ≥ 0 and not all zero")
            if not (0 < e.occurrence <= steps and 0 < e.occurrence + e.duration <= steps):
                raise InputError(f"event {label!r}: occurrence {e.occurrence} + duration "
                                 f"{e.duration} must lie within 1..{steps} steps")
            if e.duration < 1:
                raise InputError(f"event {label!r}: duration must be ≥ 1")
            tr = _Tracker(e, imp)
            if e.kind in ("recovery", "arbitrary"):
                if e.recovery_tau is None or e.recovery_tau <= 0:
                    raise InputError(f"event {label!r}: recovery_tau (steps > 0) is required")
                if e.recovery_function not in RECOVERY_FUNCTIONS:
                    raise InputError(f"event {label!r}: unknown recovery function "
                                     f"{e.recovery_function!r}; use {sorted(RECOVERY_FUNCTIONS)}")
            if e.kind == "arbitrary":
                if (imp > 1).any():
                    raise InputError(f"event {label!r}: arbitrary impacts are capacity shares ≤ 1")
                tr.arb0, tr.arb = imp.copy(), imp.copy()
            elif e.kind in ("recovery", "rebuild"):
                tr.damage0, tr.damage = imp.copy(), imp.copy()
            else:
                raise InputError(f"event {label!r}: kind must be recovery, rebuild or arbitrary")
            if e.kind == "rebuild":
                given = e.rebuilding_sectors if e.rebuilding_sectors is not None else {}
                shares = {str(k): float(v) for k, v in dict(given).items()}
                if not shares or not np.isclose(sum(shares.values()), 1.0):
                    raise InputError(f"event {label!r}: rebuilding_sectors must map sectors to "
                                     "shares summing to 1")
                unknown = [s for s in shares if s not in sector_set]
                if unknown:
                    raise InputError(f"event {label!r}: unknown rebuilding sector(s) {unknown}")
                cols = np.flatnonzero(imp > 0)
                rows = np.array([i for i, s in enumerate(table.sectors) if s in shares],
                                dtype=np.int64)
                sec_of_row = [table.sectors[i] for i in rows]
                block = table.Z[np.ix_(rows, cols)]
                denom = np.zeros_like(block)
                for s in shares:
                    m = np.array([q == s for q in sec_of_row])
                    denom[m] = block[m].sum(axis=0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    w = np.nan_to_num(block / denom)
                share_row = np.array([shares[q] for q in sec_of_row])
                tr.rows, tr.cols = rows, cols
                tr.remaining = share_row[:, None] * imp[cols][None, :] * e.rebuilding_factor * w
            out.append(tr)
        return out

    # ------------------------------------------------------------------ simulation
    def simulate(self, table: IOTable, events: Sequence[ARIOEvent], steps: int = 365, *,
                 record_stocks: bool = False) -> ARIOResult:
        """Run ``steps`` steps after the events and return the trajectories.

        The two sweeps over the flows of ``Z`` run on several threads for tables with at least
        :data:`PARALLEL_FROM_FLOWS` nonzero flows and more than one thread allowed
        (``CHAINATLAS_THREADS``, :func:`chainatlas.config.compute_threads`), on one thread
        otherwise; the results are the same bits either way.
        """
        threads = compute_threads(numba.config.NUMBA_NUM_THREADS)
        Z = table.Z
        nnz = int(Z.nnz) if sp.issparse(Z) else int(np.count_nonzero(Z))
        parallel = nnz >= PARALLEL_FROM_FLOWS and threads > 1
        before = numba.get_num_threads()
        numba.set_num_threads(threads if parallel else before)
        try:
            return self._simulate(table, events, steps, record_stocks, parallel)
        finally:
            numba.set_num_threads(before)

    def _simulate(self, table: IOTable, events: Sequence[ARIOEvent], steps: int,
                  record_stocks: bool, parallel: bool) -> ARIOResult:
        self._validate(table, steps)
        # threaded runs take each step on threads or on one thread, whichever ran a step faster
        # when last tried (the same bits either way; see chainatlas._jit.ThreadChooser)
        chooser = ThreadChooser(PROBE_EVERY) if parallel else None
        n = table.n
        sf = 1.0 / self.steps_per_year
        x_year = table.x
        X0 = x_year * sf
        Yd = table.Y.sum(axis=1) * sf
        va = x_year - table.Z.sum(axis=0)
        va[va < 0] = 0.0
        capital = (np.asarray(self.capital, dtype=np.float64).reshape(-1)
                   if self.capital is not None else self.capital_to_va * va)
        if capital.shape != (n,):
            raise InputError(f"capital needs {n} values")
        products = list(dict.fromkeys(table.sectors))
        ppos = {p: i for i, p in enumerate(products)}
        prod_of = np.array([ppos[s] for s in table.sectors], dtype=np.int64)
        S = len(products)
        inv_dur = self._inventory_days(products)
        inv_fin = np.where(np.isfinite(inv_dur), inv_dur, 0.0)
        restore = np.full(S, 1.0 / self.inventory_restoration_tau)
        Zc = sp.csc_matrix(table.Z)
        Zc.sort_indices()
        # flows by column (customer), then product, then supplier, cut into runs of one
        # product per column (see ._ario_kernels)
        col_of = np.repeat(np.arange(n), np.diff(Zc.indptr))
        order = np.lexsort((Zc.indices, prod_of[Zc.indices], col_of))
        rows, data, col_of = Zc.indices[order], Zc.data[order], col_of[order]
        prod_nz = prod_of[rows]
        nnz = len(rows)
        new_run = np.ones(nnz, dtype=bool)
        new_run[1:] = (col_of[1:] != col_of[:-1]) | (prod_nz[1:] != prod_nz[:-1])
        starts = np.flatnonzero(new_run)
        run_ptr = np.append(starts, nnz).astype(np.int64)
        run_prod = prod_nz[starts].astype(np.int64)
        col_run_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(col_of[starts], minlength=n), out=col_run_ptr[1:])
        # narrow indices: the sweeps over Z are bound by memory traffic
        row_idx = rows.astype(np.int16 if n < 2**15 else np.int32)
        z0 = data * sf
        inv_x = np.zeros(n)
        np.divide(1.0, x_year, out=inv_x, where=x_year != 0)
        cell = prod_nz * n + col_of
        tech = np.bincount(cell, weights=data * inv_x[col_of], minlength=S * n).reshape(S, n)
        z_c = np.bincount(cell, weights=data, minlength=S * n).reshape(S, n)
        threshold = z_c > X0[None, :] * self.input_threshold
        with np.errstate(invalid="ignore"):
            stocks = X0[None, :] * tech * inv_dur[:, None]
        stocks = np.nan_to_num(stocks, nan=np.inf, posinf=np.inf)
        trackers = self._trackers(table, events, steps, capital)

        orders = z0.copy()
        orders_tot = np.bincount(row_idx, weights=z0, minlength=n).astype(np.float64)
        production = X0.copy()
        alpha = np.full(n, self.alpha_base, dtype=np.float64)
        rate_alpha = 1.0 / self.alpha_tau
        reb_tot = np.zeros(n)
        partial = np.zeros((ORDER_BLOCKS, n))
        received_t = np.zeros((n, S))
        need_t = np.zeros((n, S))
        weight = np.ones(n)
        rtol, atol = self.deadband_rtol, self.deadband_atol
        dec = self.damage_decimals
        labels = table.labels

        rec_prod = np.empty((steps, n))
        rec_cap = np.empty((steps, n))
        rec_unmet = np.empty((steps, n))
        rec_alpha = np.empty((steps, n))
        rec_reb = np.empty((steps, n))
        rec_lost = np.empty((steps, n))
        rec_stocks = np.empty((steps, S, n)) if record_stocks else None
        had_shortage = False

        for t in range(steps):
            # 1. events start, move to recovery/rebuilding; capacity loss Δ; reconstruction
            _advance_status(trackers, t)
            lost, delta = _capacity_loss(trackers, capital, labels)
            placed = _place_rebuild_demand(trackers, n, self.rebuild_tau)
            if placed is not None:
                reb_tot = placed
            demand = orders_tot + Yd + reb_tot
            # 2. overproduction
            if t > 1:
                scarcity = np.zeros(n)
                nz = demand != 0
                scarcity[nz] = (demand[nz] - production[nz]) / demand[nz]
                scarcity[np.isnan(scarcity)] = 0.0
                alpha += ((self.alpha_max - alpha) * scarcity * rate_alpha
                          + (self.alpha_base - alpha) * (scarcity == 0) * rate_alpha)
                alpha[alpha < 1.0] = 1.0
            # 3. production under capacity and inventory constraints
            cap = X0 * (1.0 - delta) * alpha
            if (cap < 0).any():
                raise ModelError("production capacity became negative (impact too large)")
            opt = np.fmin(demand, cap)
            if production_under_stocks(tech, opt, self.psi, inv_fin, stocks, threshold,
                                       production):
                had_shortage = True
            rec_prod[t], rec_cap[t], rec_alpha[t], rec_lost[t] = production, cap, alpha, lost
            # 4. proportional rationing and inventory update
            served = np.zeros(n)
            np.divide(production, demand, out=served, where=demand != 0)
            threaded = chooser is not None and chooser.threaded(t)
            t0 = time.perf_counter()
            deliveries_kernel = distribute_intermediate if threaded \
                else distribute_intermediate_serial
            deliveries_kernel(col_run_ptr, run_ptr, run_prod, row_idx, orders, served,
                              received_t)
            if use_and_restock(tech, production, received_t, stocks, rtol, atol):
                raise ModelError("inventories became negative")
            rec_unmet[t] = Yd - Yd * served
            rec_reb[t] = reb_tot
            reb_tot = _receive_rebuilding(trackers, served, n, dec)
            # 5. recovery curves
            _recover(trackers, t, dec)
            # 6. orders for the next step
            demand = orders_tot + Yd + reb_tot
            opt = np.fmin(demand, cap)
            inventory_need(tech, opt, inv_dur, stocks, restore, production, rtol, atol, need_t)
            if self.order_type == "alt":
                weight = np.ones(n)
                np.divide(cap, X0, out=weight, where=X0 != 0)
            orders_kernel = place_orders if threaded else place_orders_serial
            orders_kernel(col_run_ptr, run_ptr, run_prod, row_idx, z0, weight, need_t, orders,
                          orders_tot, partial)
            if chooser is not None:
                chooser.record(t, threaded, time.perf_counter() - t0)
            if rec_stocks is not None:
                rec_stocks[t] = stocks
        return ARIOResult(table.labels, X0, rec_prod, rec_cap, rec_unmet, rec_alpha, rec_reb,
                          rec_lost, had_shortage, rec_stocks)


# ---------------------------------------------------------------------- event bookkeeping
def _advance_status(trackers: list[_Tracker], t: int) -> None:
    """pending → happening at the occurrence step; happening → rebuilding/recovering once
    ``t ≥ occurrence + duration``."""
    for tr in trackers:
        if tr.status == "pending" and t - 1 <= tr.event.occurrence <= t:
            tr.status = "happening"
    for tr in trackers:
        e = tr.event
        if tr.status == "happening" and t >= e.occurrence + e.duration:
            tr.status = "rebuilding" if e.kind == "rebuild" else "recovering"
            tr.rebuilding_started = e.kind == "rebuild"


def _capacity_loss(trackers: list[_Tracker], capital: Array,
                   labels: list[str]) -> tuple[Array, Array]:
    r"""Capital destroyed (table units) and the capacity share lost
    :math:`\Delta = \max(d/k, \delta^{arb})` of active events."""
    n = capital.shape[0]
    lost = np.zeros(n)
    arb = np.zeros(n)
    for tr in trackers:
        if tr.status in ("happening", "rebuilding", "recovering"):
            if tr.damage is not None:
                lost += tr.damage
            if tr.arb is not None:
                arb = np.maximum(arb, tr.arb)
    if (lost > capital).any():
        i = int(np.argmax(lost - capital))
        raise ModelError(f"capital destroyed exceeds the capital stock of {labels[i]} "
                         f"({lost[i]:.6g} > {capital[i]:.6g})")
    delta_k = np.zeros(n)
    np.divide(lost, capital, out=delta_k, where=capital != 0)
    return lost, np.maximum(delta_k, arb)


def _place_rebuild_demand(trackers: list[_Tracker], n: int, default_tau: float
                          ) -> Array | None:
    """This step's reconstruction demand ``remaining / τ`` per supplier, or None when no event
    is rebuilding (the demand left over from the last step then stays in place)."""
    if not any(tr.status == "rebuilding" for tr in trackers):
        return None
    reb_tot = np.zeros(n)
    for tr in trackers:
        if tr.rebuilding_started and tr.remaining is not None and tr.rows is not None:
            tr.step_demand = tr.remaining / (tr.event.rebuild_tau or default_tau)
            np.add.at(reb_tot, tr.rows, tr.step_demand.sum(axis=1))
    return reb_tot


def _receive_rebuilding(trackers: list[_Tracker], served: Array, n: int, dec: int) -> Array:
    """Deliver reconstruction at the suppliers' rationing ratios; lower the remaining demand and
    the damage it stands for. Returns the reconstruction demand left unserved this step."""
    left = np.zeros(n)
    for tr in trackers:
        if tr.step_demand is None or tr.rows is None:
            continue
        delivered = tr.step_demand * served[tr.rows][:, None]
        tr.step_demand = tr.step_demand - delivered
        np.add.at(left, tr.rows, tr.step_demand.sum(axis=1))
        if tr.status == "rebuilding" and tr.remaining is not None and tr.cols is not None:
            rem = np.round(tr.remaining - delivered, dec)
            rem[rem < 0] = 0.0
            if not rem.any():
                tr.remaining, tr.damage, tr.status = None, None, "finished"
            else:
                tr.remaining = rem
                dmg = np.zeros(n)
                dmg[tr.cols] = rem.sum(axis=0) / tr.event.rebuilding_factor
                tr.damage = dmg
    return left


def _recover(trackers: list[_Tracker], t: int, dec: int) -> None:
    """Move damages (and arbitrary capacity losses) along their recovery curves."""
    for tr in trackers:
        if tr.status != "recovering":
            continue
        e = tr.event
        fun = RECOVERY_FUNCTIONS[e.recovery_function]
        elapsed = t - (e.occurrence + e.duration)
        tau = float(e.recovery_tau or 1)
        if tr.damage is not None and tr.damage0 is not None:
            tr.damage = np.round(fun(elapsed, tr.damage0, tau), dec)
            if not tr.damage.any():
                tr.damage = None
        if tr.arb is not None and tr.arb0 is not None:
            tr.arb = np.round(fun(elapsed, tr.arb0, tau), 6)
            if not tr.arb.any():
                tr.arb = None
        if tr.damage is None and tr.arb is None:
            tr.status = "finished"
