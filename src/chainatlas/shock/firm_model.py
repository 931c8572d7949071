"""Inoue–Todo dynamic shock propagation on a firm network.

Each simulated day *t*, in the order of the authors' simulator (Inoue & Todo 2019,
*Nature Sustainability* 2, 841–847; update rules of their published code):

1. capacity :math:`P^{cap}_i = (1-\\delta_i(t)) P^{ini}_i` from the recovery curves;
2. inventory renewal with yesterday's deliveries :math:`O^*_{ij}` and production:
   :math:`S_{ij} \\leftarrow \\max(0, S_{ij} + O^*_{ij} - S_{ij} \\frac{P^{act}_i}{P^{ini}_i}
   \\frac{A_{i,s}}{S_{i,s}})` (consumption of input segment *s* drawn pro rata from the stocks
   of its suppliers);
3. orders :math:`O_{ij} = \\max(0, A_{ij} \\frac{D^*_i}{P^{ini}_i} + \\frac{1}{\\tau}
   (n_s A_{ij} \\frac{D^*_i}{P^{ini}_i} - S_{ij}))` where :math:`D^*_i` is yesterday's
   planned output :math:`\\min(D_i, P^{cap}_i)` (``order_basis="planned"``, default),
   yesterday's demand (``"demand"``) or yesterday's production (``"production"``, the authors'
   code: a firm whose output falls to zero then orders nothing and never restarts);
4. demand :math:`D_j = C_j(t) + \\sum_i O_{ij}`;
5. production :math:`P^{act}_i = \\min(P^{cap}_i, \\min_{s\\,essential} \\frac{S_{i,s}}{A_{i,s}}
   P^{ini}_i, D_i)` — Leontief across input segments, substitution within one;
6. rationing of :math:`P^{act}_j` among customers and final demand: *proportional*
   (everyone gets :math:`P^{act}_j / D_j` of their order) or *priority* water-filling in units of
   initial orders (customer *k* gets :math:`\\min(\\rho_k, \\lambda_j) O_{kj}(0)`,
   :math:`\\rho_k = O_{kj}(t)/O_{kj}(0)`, :math:`\\lambda_j` solving
   :math:`\\sum_k \\min(\\rho_k, \\lambda_j) O_{kj}(0) = P^{act}_j`): customers that cut their
   orders are served in full, restocking surges are rationed first.

Initial state: :math:`S_{ij} = n_s A_{ij}`, :math:`O = A`, :math:`P^{act} = P^{ini}`. The
baseline is reproduced bit for bit (a zero shock gives exactly zero loss and firms with no path
to a shock are untouched), and an input that runs out gives exactly zero output (see
:mod:`._kernels`).
"""

from __future__ import annotations

import time
from typing import Any

import numba
import numpy as np
import pandas as pd
from numba import njit

from chainatlas._jit import ThreadChooser
from chainatlas.config import compute_threads
from chainatlas.exceptions import InputError, LimitExceeded
from chainatlas.shock._kernels import (
    PRIORITY,
    PROPORTIONAL,
    day_kernels,
    demand_deviation,
)
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.results import SimulationResult
from chainatlas.shock.scenario import Policy, Scenario, parse_scenario
from chainatlas.shock.targets import capacity_schedule, demand_schedule

__all__ = ["FirmShockModel", "ThreadChooser", "simulate", "step_inputs"]


@njit(cache=True, nogil=True)
def _aggregate(x, P_ini, va, fseg, freg, seg_out, reg_out, firm_loss, firm_min):  # pragma: no cover
    seg_out[:] = 0.0
    reg_out[:] = 0.0
    tot = 0.0
    tva = 0.0
    below = 0
    for i in range(len(x)):
        p = P_ini[i] * x[i]
        tot += p
        tva += va[i] * p
        seg_out[fseg[i]] += p
        reg_out[freg[i]] += p
        firm_loss[i] += P_ini[i] - p
        if x[i] < firm_min[i]:
            firm_min[i] = x[i]
        if x[i] < 0.5 and P_ini[i] > 0.0:
            below += 1
    return tot, tva, below


def group_inventory_days(net: ShockNetwork, policy: Policy, grp_seg: np.ndarray,
                         grp_cus: np.ndarray | None = None) -> np.ndarray:
    """Target inventory days n_g per group: the policy default or its segment override; with
    ``inventory_spread="poisson"`` a draw per customer firm (``grp_cus``: customer of each
    group) — one uniform quantile per firm mapped through the Poisson law of each group's
    mean, bounded below by ``min_inventory_days``."""
    days = np.full(len(net.segment_ids) + 1, float(policy.inventory_days))
    if policy.segment_inventory_days:
        known = {str(s): k for k, s in enumerate(net.segment_ids.tolist())}
        for seg, d in policy.segment_inventory_days.items():
            if seg not in known:
                raise InputError(f"policy.segment_inventory_days: unknown segment {seg!r}")
            days[known[seg]] = float(d)
    mean = days[np.where(grp_seg >= 0, grp_seg, len(net.segment_ids))]
    if policy.firm_inventory_days:
        mean = _firm_inventory_days(net, policy, grp_seg, grp_cus, mean)
    if policy.inventory_spread == "none":
        return mean
    if grp_cus is None:
        raise InputError("Poisson inventories need the customer of each input group")
    from scipy.stats import poisson

    quantile = np.random.default_rng(policy.seed).random(net.n_firms)[grp_cus]
    drawn = poisson.ppf(quantile, mean)
    return np.maximum(drawn, float(policy.min_inventory_days))


def _firm_inventory_days(net: ShockNetwork, policy: Policy, grp_seg: np.ndarray,
                         grp_cus: np.ndarray | None, mean: np.ndarray) -> np.ndarray:
    """``mean`` with ``policy.firm_inventory_days`` applied to the groups of those firms."""
    if grp_cus is None:
        raise InputError("per-firm inventory days need the customer of each input group")
    firms = {str(f): k for k, f in enumerate(net.firm_ids.tolist())}
    segs = {str(s): k for k, s in enumerate(net.segment_ids.tolist())}
    out = np.array(mean, dtype=np.float64, copy=True)
    cus = np.asarray(grp_cus, dtype=np.int64)
    for firm, days in policy.firm_inventory_days.items():
        if firm not in firms:
            raise InputError(f"policy.firm_inventory_days: unknown firm {firm!r}")
        mine = cus == firms[firm]
        if not isinstance(days, dict):
            out[mine] = float(days)
            continue
        for seg, d in days.items():
            if seg not in segs:
                raise InputError(f"policy.firm_inventory_days[{firm!r}]: unknown segment "
                                 f"{seg!r}")
            out[mine & (grp_seg == segs[seg])] = float(d)
    return out


def step_inputs(net: ShockNetwork, policy: Policy) -> dict[str, Any]:
    """Arrays the day kernels need for ``policy`` (model layout with firms renumbered, see
    :meth:`~chainatlas.shock.network.ShockNetwork.day_layout`; n_g; rule)."""
    lay = net.day_layout(policy.substitution)
    grp_cus = lay.cus[lay.grp_ptr[:-1]]
    if lay.firm_order is not None:
        grp_cus = lay.firm_order[grp_cus]     # the network's firm of each group
    return {
        "layout": lay,
        "grp_n": group_inventory_days(net, policy, lay.grp_seg, grp_cus),
        "rule": PRIORITY if policy.rationing == "priority" else PROPORTIONAL,
        "inv_tau": 1.0 / float(policy.tau),
    }


class FirmShockModel:
    """The Inoue–Todo model as an object: parameters stored, work done in :meth:`run`.

    Parameters
    ----------
    record_firms : bool
        Keep the daily output ratio of every firm (days × firms floats).
    """

    def __init__(self, record_firms: bool = False, parallel: bool | None = None) -> None:
        self.record_firms = record_firms
        self.parallel = parallel

    def run(self, network: ShockNetwork, scenario: Scenario | dict[str, Any]) -> SimulationResult:
        """Simulate ``scenario`` on ``network``; see :func:`simulate`."""
        return simulate(network, scenario, record_firms=self.record_firms,
                        parallel=self.parallel)


#: Largest days × firms table of daily output ratios ``record_firms`` may keep (1.6 GB).
MAX_RECORDED_VALUES = 200_000_000

#: Networks with at least this many links use the multi-threaded kernels by default.
PARALLEL_FROM_LINKS = 200_000

#: Threaded runs update the firms off their baseline on one thread while they hold fewer links
#: than this (a parallel region costs more than the work).
SERIAL_BELOW_LINKS = 50_000

#: Share of links (those of the firms off their baseline) from which the kernels sum each
#: supplier's demand from its order bucket (a stream) instead of a scatter over those links.
BUCKET_SUMS_FROM = 0.25


#: Days between probes of the other thread mode (see :class:`chainatlas._jit.ThreadChooser`),
#: at first.
PROBE_EVERY = 8


def simulate(network: ShockNetwork, scenario: Scenario | dict[str, Any], *,
             record_firms: bool = False, parallel: bool | None = None,
             event_driven: bool = True,
             active_out: np.ndarray | None = None) -> SimulationResult:
    """Run the Inoue–Todo model for ``scenario.horizon_days`` days (module docstring).

    Parameters
    ----------
    network : ShockNetwork
        Firms, daily flows and baseline (not modified).
    scenario : Scenario or mapping
        Shocks, demand shocks, policy and horizon.
    record_firms : bool
        Also return the daily output ratio of every firm.
    parallel : bool, optional
        Use the multi-threaded kernels (one big network); ``False`` runs single-threaded and
        releases the GIL (many scenarios side by side). Default: multi-threaded from
        200,000 links when more than one thread is allowed (``CHAINATLAS_THREADS``, see
        :func:`chainatlas.config.compute_threads`). Results are identical either way and
        whatever the number of threads.
    event_driven : bool
        Update only firms that have left the baseline (bit-identical to updating all; ``False``
        updates every firm every day, the cost of a fully disturbed network).
    active_out : bool array (n), optional
        Filled with the firms that left the baseline at some point of the run (network order;
        every firm when ``event_driven`` is off). A firm outside it was exactly at its baseline
        on every day (see :mod:`chainatlas.decide.measures`, which uses it to skip scenarios
        an edit provably cannot change).

    Returns
    -------
    SimulationResult
        Daily series in 10,000 CNY per day, per-firm / segment / region losses and the summary.
    """
    threads = compute_threads(numba.config.NUMBA_NUM_THREADS)
    if parallel is None:
        parallel = network.n_links >= PARALLEL_FROM_LINKS and threads > 1
    before = numba.get_num_threads()
    numba.set_num_threads(threads if parallel else before)
    try:
        return _simulate(network, scenario, record_firms, parallel, event_driven, active_out)
    finally:
        numba.set_num_threads(before)


def _simulate(network: ShockNetwork, scenario: Scenario | dict[str, Any], record_firms: bool,
              parallel: bool, event_driven: bool,
              active_out: np.ndarray | None = None) -> SimulationResult:
    sc = parse_scenario(scenario)
    net = network
    pol = sc.policy
    H = sc.horizon_days
    n = net.n_firms
    sched = capacity_schedule(net, sc)
    dsched = demand_schedule(net, sc)
    inp = step_inputs(net, pol)
    lay = inp["layout"]
    rule = inp["rule"]
    # the kernels number firms their own way (lay.firm_order); per-firm inputs are taken in
    # that order and per-firm results put back in the network's order at the end
    order = lay.firm_order if lay.firm_order is not None else np.arange(n, dtype=np.int64)
    rank = lay.firm_rank if lay.firm_rank is not None else order
    C = net.C[order]
    # P_ini = C + Σ_k A_kj as the network defines it, with the sales summed in the order the
    # kernels sum orders: when every order and the final demand are gone the demand ratio
    # 1 + ((C_t - C) + Σ_k (O_kj - A_kj)) / P_ini is then exactly 0, not a rounding residual
    P_ini = C + lay.sales
    va_ratio = net.va_ratio[order]
    shocked = rank[sched.firms]
    dsched = [(rank[firms], change, days_on) for firms, change, days_on in dsched]
    customer_pass, production_and_levels = day_kernels(parallel)
    customer_pass_serial, production_serial = day_kernels(False)
    chooser = ThreadChooser(PROBE_EVERY)
    threaded_days = 0

    E = len(lay.A)
    grp_n, inv_tau = inp["grp_n"], inp["inv_tau"]
    S = np.repeat(grp_n, np.diff(lay.grp_ptr)) * lay.A   # absolute stocks, at their targets
    S_grp = np.zeros(lay.n_groups)                        # group sums (set by the first pass)
    at_target = np.ones(lay.n_groups, dtype=bool)
    O_b = lay.A_b.copy()   # orders in bucket-major order (see ._kernels), at the baseline
    x = np.ones(n)
    level = np.full(n, 1.0 if rule == PROPORTIONAL else np.inf)
    inv_ratio = np.empty(n)
    dd = np.empty(n)
    dem = np.ones(n)
    plan = np.ones(n)
    basis = {"demand": dem, "production": x, "planned": plan}[pol.order_basis]
    cap = np.ones(n)
    fd_served = np.empty(n)
    # water-filling scratch: supplier j uses slots sup_ptr[j] + j … sup_ptr[j+1] + j
    rho_buf = np.empty(len(lay.A) + n if rule == PRIORITY else 0)
    w_buf = np.empty(len(lay.A) + n if rule == PRIORITY else 0)
    C_t = C.copy()

    seg_labels = [str(v) for v in net.segment_ids.tolist()] + ["(none)"]
    fseg = np.where(net.firm_segment >= 0, net.firm_segment,
                    len(net.segment_ids)).astype(np.int64)[order]
    reg_codes, freg = net.region_codes()
    freg = freg[order]
    seg_out = np.zeros(len(seg_labels))
    reg_out = np.zeros(len(reg_codes))
    # the baseline is aggregated by the same kernel, in the same order, as every day
    seg_base = np.zeros(len(seg_labels))
    reg_base = np.zeros(len(reg_codes))
    base_out, base_va, _ = _aggregate(np.ones(n), P_ini, va_ratio, fseg, freg, seg_base,
                                      reg_base, np.zeros(n), np.ones(n))
    firm_loss = np.zeros(n)
    firm_min = np.ones(n)

    # the customer pass runs only over firms that have left the baseline (``active``); the
    # others are exactly at the baseline, so skipping them changes no bit of the result
    active = np.zeros(n, dtype=bool)
    rationed = np.zeros(n, dtype=bool)
    everyone = np.arange(n, dtype=np.int64)

    def renew_and_order(firms: np.ndarray, fuse_demand: bool, threaded: bool = True) -> None:
        (customer_pass if threaded else customer_pass_serial)(
            firms, lay.cust_grp_ptr, lay.grp_ptr, grp_n, lay.grp_ess, lay.A_g, lay.A, lay.sup, S,
            S_grp, at_target, O_b, lay.pos_b, x, basis, level, rule, inv_tau, inv_ratio, dd,
            fuse_demand)

    renew_and_order(everyone, False)
    act = everyone if not event_driven else np.zeros(0, dtype=np.int64)
    # links of the customers in ``act``: while few, the demand each supplier sees is summed by
    # a serial scatter over those links; once many, by the threads of the production pass,
    # each streaming its order bucket
    act_links = E if not event_driven else 0
    from_buckets = False

    rows = np.zeros((H, 7))
    seg_hist = np.zeros((H, len(seg_labels)))
    reg_hist = np.zeros((H, len(reg_codes)))
    if record_firms and H * n > MAX_RECORDED_VALUES:
        raise LimitExceeded(f"recording every firm's daily output would hold {H * n:,} values "
                            f"(limit {MAX_RECORDED_VALUES:,}); shorten the horizon or drop "
                            "record_firms")
    firm_hist = np.zeros((H, n)) if record_firms else None

    for t in range(H):
        if len(shocked):
            cap[shocked] = 1.0 - sched.delta[t]   # every other firm stays at 1
        if dsched:
            C_t[:] = C
            for firms, change, days_on in dsched:
                if days_on[t]:
                    C_t[firms] *= 1.0 + change
        from_buckets = from_buckets or act_links >= BUCKET_SUMS_FROM * E   # stays on
        # threaded days: while few firms are off the baseline, one thread for them (demand
        # scattered in the same pass); otherwise threads unless one thread ran faster lately
        big = parallel and act_links >= SERIAL_BELOW_LINKS
        threaded = big and chooser.threaded(t)
        t0 = time.perf_counter()
        if parallel and not big:
            # the same sums in the same order as the threaded path
            dd.fill(0.0)
            renew_and_order(act, True, threaded=False)
        elif threaded:
            renew_and_order(act, False)
            if not from_buckets:
                demand_deviation(act, lay.cust_grp_ptr, lay.grp_ptr, lay.sup, O_b, lay.pos_b,
                                 lay.A, dd)
        elif from_buckets:
            # demand summed per bucket by the production pass
            renew_and_order(act, False, threaded=False)
        else:
            dd.fill(0.0)
            renew_and_order(act, True, threaded=False)
        production = production_and_levels if threaded or not big and parallel \
            else production_serial
        new = production(P_ini, C, C_t, dd, from_buckets, cap, inv_ratio, lay.A_sup,
                         O_b, lay.so_b, lay.A_b, lay.sup_b, lay.sup_ptr, lay.bkt_ptr,
                         rule, x, dem, level, fd_served, rho_buf, w_buf, active,
                         rationed, lay.sup_order, lay.cus)
        if big:
            chooser.record(t, threaded, time.perf_counter() - t0)
        threaded_days += threaded
        if basis is plan:
            np.minimum(dem, cap, out=plan)
        if event_driven and new:
            act = np.flatnonzero(active)
            if not from_buckets:
                act_links = int(lay.grp_ptr[lay.cust_grp_ptr[act + 1]].sum()
                                - lay.grp_ptr[lay.cust_grp_ptr[act]].sum())
        tot, tva, below = _aggregate(x, P_ini, va_ratio, fseg, freg, seg_out, reg_out,
                                     firm_loss, firm_min)
        fd = float(C_t.sum())
        rows[t] = (tot, base_out - tot, base_va - tva, tva, fd, fd - float(fd_served.sum()), below)
        seg_hist[t] = seg_out
        reg_hist[t] = reg_out
        if firm_hist is not None:
            firm_hist[t] = x

    if active_out is not None:
        active_out[:] = active[rank] if event_driven else True
    daily = pd.DataFrame({
        "day": np.arange(H),
        "output": rows[:, 0],
        "output_ratio": rows[:, 0] / base_out if base_out > 0 else np.ones(H),
        "output_loss": rows[:, 1],
        "value_added": rows[:, 3],
        "value_added_loss": rows[:, 2],
        "final_demand": rows[:, 4],
        "final_demand_unmet": rows[:, 5],
        "firms_below_half": rows[:, 6].astype(np.int64),
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        seg_ratio = np.where(seg_base > 0, seg_hist / seg_base, 1.0)
        reg_ratio = np.where(reg_base > 0, reg_hist / reg_base, 1.0)
    keep_seg = seg_base > 0
    ids = net.firm_index()
    return SimulationResult(
        scenario=sc.name,
        daily=daily,
        segment_ratio=pd.DataFrame(seg_ratio[:, keep_seg],
                                   columns=np.array(seg_labels, dtype=object)[keep_seg]),
        region_ratio=pd.DataFrame(reg_ratio, columns=reg_codes.astype(object)),
        segment_loss=pd.Series((seg_base[None, :] - seg_hist).sum(axis=0)[keep_seg],
                               index=np.array(seg_labels, dtype=object)[keep_seg]),
        region_loss=pd.Series((reg_base[None, :] - reg_hist).sum(axis=0),
                              index=reg_codes.astype(object)),
        firm_loss=pd.Series(firm_loss[rank], index=ids),
        firm_min_ratio=pd.Series(firm_min[rank], index=ids),
        baseline_output=base_out,
        baseline_value_added=base_va,
        firm_ratio=(pd.DataFrame(firm_hist[:, rank], columns=ids) if firm_hist is not None
                    else None),
        meta={"policy": pol.model_dump(mode="json"), "n_firms": n, "n_links": net.n_links,
              "active_firms": int(active.sum()) if event_driven else n,
              "threaded_days": threaded_days},
    )
