r"""Time-to-survive and time-to-recover LPs (Simchi-Levi et al. 2015) on HiGHS.

Simchi-Levi, Schmidt, Wei, Zhang, Combs, Ge, Gusikhin, Sanders & Zhang, "Identifying risks and
mitigating disruptions in the automotive supply chain", *Interfaces* 45(5):375–390 (2015).

Data: nodes :math:`j` with capacity :math:`c_j` (units/day), inventory :math:`s_j` (units of
its own output, usable anywhere downstream), final demand :math:`d_j` (units/day) and impact
per lost unit :math:`f_j`; links :math:`i \to j` of material type :math:`k` with
:math:`r_{ij}` units of *i* per unit of *j*. Variables: production :math:`u_j`, shipments
:math:`y_{ij}`, sales to final demand :math:`z_j` (lost sales :math:`l_j = d_j t - z_j`).

TTR model (performance impact of disrupting the set :math:`S^{(n)}` for :math:`t^{(n)}` days):

.. math::

    PI^{(n)} = \sum_j f_j d_j t^{(n)} - \max \sum_j f_j z_j \quad\text{s.t.}\quad
    u_j \le \sum_{i \in P_{jk}} y_{ij} / r_{ij} \;\forall j,k, \qquad
    \sum_{k} y_{jk} + z_j - u_j \le s_j, \\
    0 \le u_j \le c_j t^{(n)} \;(0 \text{ on } S^{(n)}), \qquad 0 \le z_j \le d_j t^{(n)}.

TTS model: :math:`\max t` over the same rows with :math:`z_j \ge d_j t`,
:math:`u_j \le c_j t`, :math:`u = 0` on :math:`S^{(n)}`, :math:`0 \le t \le T_{max}`.
Risk exposure index :math:`REI^{(n)} = PI^{(n)} / \max_m PI^{(m)}`; a node needs mitigation when
:math:`TTS^{(n)} < TTR^{(n)}`. Selling to final demand from a node that also ships to others is
one balance row (the paper's separate rows for finished-goods and shipping nodes coincide when
they are disjoint). Each model is built once; a scenario changes only column bounds, so HiGHS
re-solves from the previous basis.

**Affected subnetwork (exact).** When every material type has one supplier (a stage-level bill of
materials such as the Willems chains) and the baseline plan :math:`x = (I - R)^{-1} d` fits the
capacities, a scenario is solved on the descendants :math:`D` of the disrupted nodes only: the
nodes outside :math:`D` keep their baseline plan (full demand, no inventory used), and inputs
that :math:`D` buys from outside are left unconstrained. This is exact: any optimal plan can be
trimmed so that no node produces more than its requirement :math:`\le x` (production is needed
only for what customers use and demand takes), so :math:`D` never asks an outside supplier for
more than its baseline shipment, and the optimum is the outside nodes' full demand plus the
optimum of the small LP on :math:`D`. A scenario whose TTS is at least its TTR loses nothing
(the TTS feasible set grows as the horizon shrinks), so its TTR LP is skipped.

**Speed on single-sourced chains.** There a shipment is exactly :math:`r_{jk} u_k` (more only
uses up the supplier's stock), so the subnetwork LPs drop the shipment columns and the BOM rows:
one balance row per node over production and sales, sliced from one sparse :math:`R - I` built
once per solver. TTS needs no LP at all on an acyclic bill of materials: the least production
plan for a horizon comes from one pass from the final nodes up, and the least feasible
:math:`\theta = 1/t` from a few Newton steps on convex piecewise-linear functions
(:mod:`._lp_kernels`, compiled; proof there). Both give the LP optimum — the tests compare
them with the full LP on the Willems chains and on random bills of materials. Impacts below
:data:`ZERO_TOL` of the demand value at risk print as 0 (solver noise, not losses).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from chainatlas.exceptions import InputError, ModelError

__all__ = ["BomNetwork", "TtsTtrSolver", "time_to_survive_recover"]

#: Relative size under which a performance impact is solver noise and reported as 0.
ZERO_TOL = 1e-9

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]


@dataclass(eq=False)
class BomNetwork:
    """Nodes and bill-of-material links of the TTS/TTR LPs (units per day; see module doc).

    ``material[e]`` groups the links into a customer's material types: links of one customer
    with the same ``material`` are alternative sources (dual sourcing).
    """

    node_ids: npt.NDArray[np.object_]
    capacity: _F
    inventory: _F
    demand: _F
    impact: _F
    supplier: _I
    customer: _I
    material: _I
    units: _F

    def __post_init__(self) -> None:
        n = len(self.node_ids)
        for name in ("capacity", "inventory", "demand", "impact"):
            a = np.asarray(getattr(self, name), dtype=np.float64)
            if a.shape != (n,):
                raise InputError(f"{name} must have one value per node ({n})")
            if np.isnan(a).any() or (a < 0).any():
                raise InputError(f"{name} must be ≥ 0 (inf allowed for capacity)")
            setattr(self, name, a)
        e = len(self.supplier)
        for name in ("customer", "material", "units"):
            if len(getattr(self, name)) != e:
                raise InputError(f"{name} must have one value per link ({e})")
        if e and ((self.units <= 0).any() or not np.isfinite(self.units).all()):
            raise InputError("units per link must be finite and > 0")

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @classmethod
    def from_network(cls, net: Any, *, inventory_days: float = 15.0,
                     spare_capacity: float = 0.1, substitution: bool = True) -> BomNetwork:
        """From a :class:`~chainatlas.shock.network.ShockNetwork`.

        A unit of node *j* is one day of its baseline output :math:`P^{ini}_j` (10,000 CNY),
        which keeps the LP well scaled whatever the money unit: capacity ``1 + spare``,
        inventory ``inventory_days`` (finished goods and the stock its customers hold of it),
        demand :math:`C_j / P^{ini}_j`, :math:`r_{ij} = A_{j,s} / P^{ini}_i` units of *i* per
        unit of *j* for its input segment *s*, and impact :math:`P^{ini}_j` per lost unit, so
        the performance impact is lost sales value (10,000 CNY). Demand below 10⁻⁹ of a
        node's output (rounding left by :math:`C = P - \\sum A`) counts as none.
        """
        lay = net.layout(substitution)
        E = len(lay.A)
        grp_of_edge = np.repeat(np.arange(lay.n_groups), np.diff(lay.grp_ptr))
        grp_cus = np.repeat(np.arange(net.n_firms), np.diff(lay.cust_grp_ptr))
        cus = grp_cus[grp_of_edge] if E else np.zeros(0, np.int64)
        P = np.asarray(net.P_ini, dtype=np.float64)
        scale = np.where(P > 0, P, 1.0)
        sup = lay.sup.astype(np.int64)
        r = lay.A_g[grp_of_edge] / scale[sup] if E else np.zeros(0)
        C = np.asarray(net.C, dtype=np.float64)
        rel = C / scale
        demand = np.where(rel > 1e-9, rel, 0.0)
        on = (P > 0).astype(np.float64)
        return cls(node_ids=net.firm_ids.astype(object), capacity=(1.0 + spare_capacity) * on,
                   inventory=inventory_days * on, demand=demand,
                   impact=scale, supplier=sup, customer=cus.astype(np.int64),
                   material=grp_of_edge.astype(np.int64), units=r)

    @classmethod
    def from_stages(cls, stage_ids: Sequence[str], supplier: npt.ArrayLike,
                    customer: npt.ArrayLike, units: npt.ArrayLike, demand: npt.ArrayLike, *,
                    inventory_days: float = 15.0, spare_capacity: float = 0.1,
                    impact: npt.ArrayLike | None = None) -> BomNetwork:
        """From a stage-level bill of materials (e.g. a Willems chain).

        Every upstream stage is its own material type. Baseline throughput solves
        :math:`x = d + R x` (:math:`R_{ik}` = units of *i* per unit of *k*); capacity is
        :math:`(1+\\text{spare})x`, inventory ``inventory_days`` × :math:`x`.
        """
        sup = np.asarray(supplier, dtype=np.int64)
        cus = np.asarray(customer, dtype=np.int64)
        r = np.asarray(units, dtype=np.float64)
        d = np.asarray(demand, dtype=np.float64)
        x = stage_throughput(len(stage_ids), sup, cus, r, d)
        return cls(node_ids=np.asarray(stage_ids, dtype=object), capacity=(1 + spare_capacity) * x,
                   inventory=inventory_days * x, demand=d,
                   impact=np.ones(len(d)) if impact is None else np.asarray(impact, float),
                   supplier=sup, customer=cus, material=np.arange(len(sup)), units=r)


def stage_throughput(n: int, supplier: _I, customer: _I, units: _F, demand: _F) -> _F:
    """Baseline throughput :math:`x = (I - R)^{-1} d` by a sparse solve (BOM explosion)."""
    R = sp.csr_matrix((units, (supplier, customer)), shape=(n, n))
    M = (sp.identity(n, format="csc") - R.tocsc()).tocsc()
    from scipy.sparse.linalg import splu

    try:
        x = splu(M).solve(np.asarray(demand, dtype=np.float64))
    except RuntimeError as err:
        raise ModelError(f"the bill of materials is cyclic or singular: {err}") from None
    if not np.all(np.isfinite(x)) or (x < -1e-9).any():
        raise ModelError("the bill of materials has no non-negative throughput (cyclic BOM?)")
    return np.maximum(x, 0.0)


def _topological_rank(n: int, R: sp.csr_matrix) -> _I:
    """Position of each node in a topological order of the links (supplier before customer);
    all −1 when the links have a cycle."""
    indeg = np.bincount(R.indices, minlength=n)
    ptr, idx = R.indptr, R.indices
    rank = np.full(n, -1, dtype=np.int64)
    front = np.flatnonzero(indeg == 0)
    pos = 0
    while len(front):
        rank[front] = pos + np.arange(len(front))
        pos += len(front)
        heads = np.concatenate([idx[ptr[j]:ptr[j + 1]] for j in front]) if len(front) else \
            np.zeros(0, np.int64)
        np.subtract.at(indeg, heads, 1)
        cand = np.unique(heads)
        front = cand[indeg[cand] == 0]
    if pos < n:
        rank[:] = -1
    return rank


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send the C-level standard output to /dev/null for the duration of the block."""
    fd = 1
    try:
        sys.stdout.flush()
        saved = os.dup(fd)
    except (OSError, ValueError):  # no standard output to protect
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


class TtsTtrSolver:
    r"""The TTR and TTS LPs of one network, each built once and re-solved per scenario.

    Both are solved in *rate form*: dividing every flow by the horizon *t* turns capacity and
    demand into column bounds (:math:`u'_j \le c_j`, :math:`z'_j \le d_j` or
    :math:`\ge d_j`) and leaves one coupling column :math:`\theta = 1/t` in the balance rows
    :math:`\sum_k y'_{jk} + z'_j - u'_j - s_j \theta \le 0`. TTR fixes
    :math:`\theta = 1/t^{(n)}` and maximises :math:`\sum f_j z'_j`
    (:math:`PI = t^{(n)}(\sum f_j d_j - \max)`); TTS minimises :math:`\theta`
    (:math:`TTS = 1/\theta^*`, capped at ``max_days``). A scenario then changes two to a few
    column bounds, and HiGHS re-solves from the previous basis.

    Parameters
    ----------
    network : BomNetwork
    max_days : float
        Cap :math:`T_{max}` on the time to survive (TTS is unbounded for irrelevant nodes).
    """

    def __init__(self, network: BomNetwork, max_days: float = 365.0, *,
                 restrict: bool = True) -> None:
        self.network = network
        self.max_days = float(max_days)
        self._ttr: Any = None
        self._tts: Any = None
        self._down: Any = None
        self._red: Any = None
        self._work: Any = None
        self.restricted = bool(restrict) and self._restrictable()

    def _restrictable(self) -> bool:
        """Single sourcing and a baseline plan within capacity (module docstring)."""
        net = self.network
        E = len(net.supplier)
        if E == 0:
            return False
        key = net.customer * (int(net.material.max()) + 1) + net.material
        if len(np.unique(key)) != E:
            return False  # some material has alternative suppliers
        try:
            x = stage_throughput(net.n_nodes, net.supplier, net.customer, net.units, net.demand)
        except ModelError:
            return False
        return bool((x <= net.capacity * (1 + 1e-9) + 1e-12).all())

    def affected(self, disrupted: Sequence[int] | npt.NDArray[np.integer[Any]]) -> _I:
        """Nodes downstream of ``disrupted`` (included), sorted."""
        net = self.network
        if self._down is None:
            self._down = sp.csr_matrix((np.ones(len(net.supplier)), (net.supplier, net.customer)),
                                       shape=(net.n_nodes, net.n_nodes))
        seen = np.zeros(net.n_nodes, dtype=bool)
        front = np.unique(np.asarray(disrupted, dtype=np.int64))
        seen[front] = True
        while len(front):
            nxt = np.unique(self._down[front].indices)
            front = nxt[~seen[nxt]]
            seen[front] = True
        return np.flatnonzero(seen)

    # ------------------------------------------------------------------ model building
    def _matrix(self) -> tuple[sp.csr_matrix, _F, int, _I]:
        """Rows [BOM (G) | balance (n)] over columns [u (n) | y (E) | z (|V|) | θ]."""
        net = self.network
        n, E = net.n_nodes, len(net.supplier)
        V = np.flatnonzero(net.demand > 0)
        nv = len(V)
        key = net.customer * (int(net.material.max()) + 1 if E else 1) + net.material
        _, grp = np.unique(key, return_inverse=True)
        G = int(grp.max()) + 1 if E else 0
        grp_cus = np.zeros(G, dtype=np.int64)
        grp_cus[grp] = net.customer
        theta = n + E + nv
        rows = [np.arange(G), grp,                                   # u_j − Σ y/r ≤ 0
                G + net.supplier, G + V, G + np.arange(n), G + np.arange(n)]
        cols = [grp_cus, n + np.arange(E),
                n + np.arange(E), n + E + np.arange(nv), np.arange(n), np.full(n, theta)]
        vals = [np.ones(G), -1.0 / net.units,
                np.ones(E), np.ones(nv), -np.ones(n), -net.inventory]
        A = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(G + n, theta + 1))
        A.eliminate_zeros()
        return A, np.zeros(G + n), theta, V

    @staticmethod
    def _highs() -> Any:
        import highspy

        with _quiet_stdout():  # HiGHS prints a banner from C on the first model of a process
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("presolve", "off")
        return h

    def _reduced(self) -> tuple[sp.csr_matrix, _I, _I, _I, _F]:
        """Once per solver: ``B = R − I`` (rows suppliers, columns customers; the balance rows
        with shipments eliminated), the outgoing links as CSR (``ptr, customer, units``) and
        each node's topological rank (−1 everywhere when the bill of materials is cyclic)."""
        if self._red is None:
            net = self.network
            n = net.n_nodes
            R = sp.csr_matrix((net.units, (net.supplier, net.customer)), shape=(n, n))
            R.sum_duplicates()
            B = (R - sp.identity(n, format="csr")).tocsr()
            rank = _topological_rank(n, R)
            self._red = (B, R.indptr.astype(np.int64), R.indices.astype(np.int64), rank,
                         R.data.astype(np.float64))
        red: tuple[sp.csr_matrix, _I, _I, _I, _F] = self._red
        return red

    def _reduced_model(self, kind: str, nodes: _I, disrupted: npt.NDArray[np.int32],
                       ttr: float = 0.0) -> tuple[Any, _F, float]:
        r"""The LP on the affected nodes only, shipments eliminated (single sourcing: a unit of
        *k* takes exactly :math:`r_{jk}` units of *j*): columns ``u`` (production) and ``z``
        (sales of the final nodes), plus θ for TTS; one balance row per node,
        :math:`\sum_k r_{jk} u_k - u_j + z_j - s_j\theta \le 0`. Returns the model, the
        demand value of its final nodes and the factor the TTR objective was divided by (the
        largest impact, so that HiGHS sees costs of order 1)."""
        net = self.network
        B = self._reduced()[0]
        sub = B[nodes][:, nodes]
        k = len(nodes)
        fin = np.flatnonzero(net.demand[nodes] > 0)
        kv = len(fin)
        zpart = sp.csr_matrix((np.ones(kv), (fin, np.arange(kv))), shape=(k, kv))
        blocks = [sub, zpart]
        tts = kind == "tts"
        if tts:
            blocks.append(sp.csr_matrix(-net.inventory[nodes][:, None]))
        A = sp.hstack(blocks, format="csr")
        A.eliminate_zeros()
        ncol = A.shape[1]
        lower = np.zeros(ncol)
        upper = np.full(ncol, np.inf)
        upper[:k] = net.capacity[nodes]
        upper[:k][np.isin(nodes, disrupted)] = 0.0
        cost = np.zeros(ncol)
        dem = net.demand[nodes[fin]]
        zc = k + np.arange(kv)
        scale = 1.0
        if tts:
            lower[zc] = dem
            lower[-1] = 1.0 / self.max_days
            cost[-1] = 1.0
            hi = np.zeros(k)
        if not tts:
            upper[zc] = dem
            imp = net.impact[nodes[fin]]
            scale = float(imp.max()) if kv and imp.max() > 0 else 1.0
            cost[zc] = -imp / scale
            hi = net.inventory[nodes] / ttr
        h = self._highs()
        h.addVars(ncol, lower, upper)
        h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), cost)
        h.addRows(k, np.full(k, -np.inf), hi, A.nnz, A.indptr.astype(np.int32),
                  A.indices.astype(np.int32), A.data)
        return h, dem * net.impact[nodes[fin]], scale

    def _tts_restricted(self, nodes: npt.NDArray[np.int32]) -> float:
        """TTS on the affected subnetwork: the compiled least-θ pass (:mod:`._lp_kernels`) on
        an acyclic bill of materials, the reduced LP otherwise."""
        from chainatlas.shock._lp_kernels import INFEASIBLE, NO_CONVERGENCE, least_theta

        net = self.network
        D = self.affected(nodes)
        if not (net.demand[D] > 0).any():
            return self.max_days  # no final demand downstream of the disruption
        _, ptr, cus, rank, r = self._reduced()
        theta: float = NO_CONVERGENCE
        if rank[0] >= 0:
            if self._work is None:
                self._work = (np.zeros(net.n_nodes), np.zeros(net.n_nodes),
                              net.capacity.copy())
            u, du, cap = self._work
            order = D[np.argsort(-rank[D], kind="stable")]  # customers before suppliers
            cap[nodes] = 0.0
            try:
                theta = float(least_theta(order, ptr, cus, r, net.demand, net.inventory, cap,
                                          1.0 / self.max_days, u, du, 10_000))
            finally:
                cap[nodes] = net.capacity[nodes]
        if theta == NO_CONVERGENCE:
            hs, _, _ = self._reduced_model("tts", D, nodes)
            best = self._solve(hs, "TTS")
            theta = INFEASIBLE if best is None else best
        if theta == INFEASIBLE:
            return 0.0
        return min(self.max_days, 1.0 / theta)

    def _impact_scale(self, V: _I) -> float:
        imp = self.network.impact[V]
        return float(imp.max()) if len(imp) and imp.max() > 0 else 1.0

    def _build(self, kind: str) -> Any:
        net = self.network
        A, hi, theta, V = self._matrix()
        n = net.n_nodes
        ncol = theta + 1
        lower = np.zeros(ncol)
        upper = np.full(ncol, np.inf)
        upper[:n] = net.capacity
        cost = np.zeros(ncol)
        zcols = n + len(net.supplier) + np.arange(len(V))
        if kind == "ttr":
            upper[zcols] = net.demand[V]
            # costs of order 1 (impacts are output values, up to ~1e10); undone after solving
            cost[zcols] = -net.impact[V] / self._impact_scale(V)
            lower[theta] = upper[theta] = 1.0
        else:
            lower[zcols] = net.demand[V]
            lower[theta] = 1.0 / self.max_days
            cost[theta] = 1.0
        h = self._highs()
        h.addVars(ncol, lower, upper)
        h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), cost)
        h.addRows(A.shape[0], np.full(A.shape[0], -np.inf), hi, A.nnz,
                  A.indptr.astype(np.int32), A.indices.astype(np.int32), A.data)
        return h, theta, V

    @staticmethod
    def _solve(h: Any, what: str) -> float | None:
        import highspy

        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise ModelError(f"{what} LP did not solve: {h.modelStatusToString(status)}")
        return float(h.getInfo().objective_function_value)

    def _disrupt(self, h: Any, nodes: npt.NDArray[np.int32], on: bool) -> None:
        k = len(nodes)
        if k:
            upper = np.zeros(k) if on else self.network.capacity[nodes]
            h.changeColsBounds(k, nodes, np.zeros(k), upper)

    # ------------------------------------------------------------------ scenarios
    def performance_impact(self, disrupted: Sequence[int], ttr: float) -> float:
        """PI: optimal lost demand (× impact) with ``disrupted`` nodes down for ``ttr`` days."""
        net = self.network
        if ttr <= 0:
            return 0.0
        nodes = np.asarray(disrupted, dtype=np.int32)
        if self.restricted:
            hs, value, scale = self._reduced_model("ttr", self.affected(nodes), nodes, ttr)
            best_s = self._solve(hs, "TTR")
            best_s = None if best_s is None else best_s * scale
            total_s = float(value.sum())
            pi_s = max(0.0, ttr * (total_s + (best_s or 0.0)))
            return 0.0 if pi_s <= ZERO_TOL * ttr * max(total_s, 1e-300) else pi_s
        if self._ttr is None:
            self._ttr = self._build("ttr")
        h, theta, V = self._ttr
        th = np.array([theta], dtype=np.int32)
        h.changeColsBounds(1, th, np.array([1.0 / ttr]), np.array([1.0 / ttr]))
        self._disrupt(h, nodes, True)
        try:
            best = self._solve(h, "TTR")
        finally:
            self._disrupt(h, nodes, False)
        best = None if best is None else best * self._impact_scale(V)
        total = float((net.impact[V] * net.demand[V]).sum())
        pi = max(0.0, ttr * (total - (-(best or 0.0))))
        return 0.0 if pi <= ZERO_TOL * ttr * max(total, 1e-300) else pi

    def time_to_survive(self, disrupted: Sequence[int]) -> float:
        """TTS: the longest time all final demand is met with ``disrupted`` nodes down."""
        nodes = np.asarray(disrupted, dtype=np.int32)
        if self.restricted:
            return self._tts_restricted(nodes)
        if self._tts is None:
            self._tts = self._build("tts")
        h, _, _ = self._tts
        self._disrupt(h, nodes, True)
        try:
            theta = self._solve(h, "TTS")
        finally:
            self._disrupt(h, nodes, False)
        if theta is None:     # demand cannot be met even for an instant
            return 0.0
        return min(self.max_days, 1.0 / theta)


def time_to_survive_recover(network: BomNetwork, ttr: float | Sequence[float] | dict[str, float],
                            scenarios: Sequence[Sequence[int]] | None = None, *,
                            labels: Sequence[str] | None = None, max_days: float = 365.0,
                            progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """TTS, TTR, performance impact and risk exposure index per scenario.

    Parameters
    ----------
    network : BomNetwork
    ttr : float, sequence or mapping
        Time to recover in days: one for all scenarios, one per scenario, or per node id
        (single-node scenarios; nodes not named use the mapping's ``"*"`` entry or 0).
    scenarios : sequence of node-index lists, optional
        Nodes disrupted together; default every node on its own.
    labels : names of the scenarios (default the node ids).
    max_days : cap on TTS.

    Returns
    -------
    DataFrame
        ``scenario, ttr_days, tts_days, performance_impact, rei, needs_mitigation`` sorted by
        performance impact (descending).
    """
    n = network.n_nodes
    if scenarios is None:
        scenarios = [[i] for i in range(n)]
        labels = [str(v) for v in network.node_ids.tolist()] if labels is None else labels
    labels = list(labels) if labels is not None else [f"S{k}" for k in range(len(scenarios))]
    if len(labels) != len(scenarios):
        raise InputError("labels must name every scenario")
    if isinstance(ttr, dict):
        default = float(ttr.get("*", 0.0))
        unknown = set(ttr) - {"*"} - set(labels)
        if unknown:
            raise InputError(f"TTR given for unknown node(s): {', '.join(sorted(unknown)[:5])}")
        ttrs = np.array([float(ttr.get(lab, default)) for lab in labels])
    elif np.ndim(ttr) == 0:
        ttrs = np.full(len(scenarios), float(ttr))  # type: ignore[arg-type]
    else:
        ttrs = np.asarray(ttr, dtype=np.float64)
        if ttrs.shape != (len(scenarios),):
            raise InputError(f"ttr must be a number or one value per scenario ({len(scenarios)})")
    if (ttrs < 0).any() or not np.isfinite(ttrs).all():
        raise InputError("time to recover must be finite and ≥ 0 days")
    solver = TtsTtrSolver(network, max_days=max_days)
    pi = np.zeros(len(scenarios))
    tts = np.zeros(len(scenarios))
    for k, nodes in enumerate(scenarios):
        tts[k] = solver.time_to_survive(nodes)
        # demand met for TTS days ⇒ met for any shorter outage: nothing lost
        pi[k] = 0.0 if tts[k] >= ttrs[k] else solver.performance_impact(nodes, ttrs[k])
        if progress is not None:
            progress(k + 1)
    top = pi.max() if len(pi) else 0.0
    out = pd.DataFrame({
        "scenario": labels, "ttr_days": ttrs, "tts_days": tts, "performance_impact": pi,
        "rei": pi / top if top > 0 else np.zeros(len(pi)),
        "needs_mitigation": tts < ttrs,
    })
    return out.sort_values(["performance_impact", "scenario"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)
