"""The firm network in the form the dynamic shock model works on.

Mapping from a dataset (Inoue & Todo 2019 notation; values in 10,000 CNY per day):

- nodes are firms; the "sector" of a supply link is the segment it supplies
  (``supply_links.segment``), so inputs of different segments are Leontief complements and
  suppliers of the same segment substitute for one another;
- the daily flow from supplier *j* to customer *i* is :math:`A_{ij} = \\text{value}/365`;
- baseline gross output :math:`X_i` is the firm's ``output_value``/365 summed over its segments
  (when unknown: purchases / (1 − v̄) with v̄ = 0.25); final demand is what is not sold inside the
  network, :math:`C_i = \\max(X_i - \\sum_k A_{ki},\\; \\sum_j A_{ij} - \\sum_k A_{ki},\\; 0)`;
- the baseline is balanced as in the reference simulator:
  :math:`P^{ini}_i = C_i + \\sum_k A_{ki}` and the value-added ratio is
  :math:`v_i = (P^{ini}_i - \\sum_j A_{ij}) / P^{ini}_i`.

The model layout sorts links customer-major and groups them by (customer, input segment): one
contiguous block per group, so every per-customer update streams through memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numba
import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import InputError

if TYPE_CHECKING:
    from chainatlas.model.dataset import Dataset
    from chainatlas.network.graph import FirmGraph

__all__ = ["DAYS_PER_YEAR", "ModelLayout", "ShockNetwork"]

DAYS_PER_YEAR = 365.0
DEFAULT_VALUE_ADDED = 0.25

_F = npt.NDArray[np.float64]
_I = npt.NDArray[np.int64]
_I32 = npt.NDArray[np.int32]
_O = npt.NDArray[np.object_]


#: Number of supplier buckets of the day kernels; ``None``: one per numba thread.
BUCKETS: int | None = None


def supplier_buckets(sup: npt.NDArray[np.integer[Any]], sup_ptr: _I,
                     n_buckets: int) -> tuple[_I, npt.NDArray[np.integer[Any]]]:
    """Split suppliers into at most ``n_buckets`` contiguous ranges of about equal link counts
    (fewer when suppliers with many links span several shares).

    Returns ``bkt_ptr`` (first supplier of each bucket, then *n*) and ``pos_b``, the position
    of each link (given by its supplier ``sup``, in link order) in bucket-major order (buckets
    in turn, link order within a bucket); int32 while the link count allows. Bucket *b*'s links
    are ``sup_ptr[bkt_ptr[b]]:sup_ptr[bkt_ptr[b+1]]`` in that order.
    """
    n = len(sup_ptr) - 1
    E = len(sup)
    nb = max(1, min(int(n_buckets), max(n, 1)))
    cuts = np.searchsorted(sup_ptr[:n], np.arange(1, nb) * (E / nb), side="left") if n else []
    bkt_ptr = np.unique(np.concatenate(([0], cuts, [n]))).astype(np.int64)
    bkt_of_sup = np.repeat(np.arange(len(bkt_ptr) - 1), np.diff(bkt_ptr))
    order_b = np.argsort(bkt_of_sup[sup], kind="stable")
    pos_b = np.empty(E, dtype=np.int32 if E < 2**31 else np.int64)
    pos_b[order_b] = np.arange(E, dtype=pos_b.dtype)
    return bkt_ptr, pos_b


@dataclass(eq=False)
class ModelLayout:
    """Links sorted by (customer, group) with CSR pointers; one per substitution setting.

    Attributes
    ----------
    sup, cus, A, seg : arrays over links in model order (supplier, customer, daily flow, segment)
    cust_grp_ptr : int64 (n+1)
        Groups of customer *i* are ``cust_grp_ptr[i]:cust_grp_ptr[i+1]``.
    grp_ptr : int64 (G+1)
        Links of group *g* are ``grp_ptr[g]:grp_ptr[g+1]``.
    grp_seg : int32 (G)
        Segment of the group (-1 unknown).
    A_g : float64 (G)
        Baseline daily input of the group, :math:`A_{i,s} = \\sum_{j \\in s} A_{ij}`.
    grp_ess : bool (G)
        Whether the group's segment is essential (limits production when short).
    sup_ptr, sup_order : int64
        Links (model order) of supplier *j* are ``sup_order[sup_ptr[j]:sup_ptr[j+1]]``.
    A_sup : float64 (E)
        ``A[sup_order]``: daily flows in supplier-major order (streamed by priority rationing).
    edge_of : int64 (E)
        Position of each model-order link in the network's link arrays.
    bkt_ptr : int64 (B+1)
        Suppliers ``bkt_ptr[b]:bkt_ptr[b+1]`` form bucket *b* (:func:`supplier_buckets`).
    pos_b : int32 or int64 (E)
        Position of each model-order link in bucket-major order (buckets in turn, link order
        within a bucket); the day kernels keep the orders there (see :mod:`._kernels`).
    sup_b, A_b : int32, float64 (E)
        Supplier and daily flow of each link in bucket-major order.
    so_b : int32 or int64 (E)
        ``pos_b[sup_order]``: bucket-major position of each supplier-major link.
    sales : float64 (n)
        :math:`\\sum_k A_{kj}` of each supplier, its links summed in link order: the order
        the day kernels sum its customers' orders in, so that orders of exactly 0 give a
        demand of exactly 0 (see :func:`chainatlas.shock.firm_model.simulate`).
    firm_order, firm_rank : int64 (n) or None
        When firms are renumbered (:meth:`ShockNetwork.day_layout`): the network index of each
        layout index, and the layout index of each network firm. ``None``: the network's own
        indices. Every firm index above (``sup``, ``cus``, the pointers) is a layout index.
    """

    sup: _I32
    cus: _I32
    A: _F
    seg: _I32
    cust_grp_ptr: _I
    grp_ptr: _I
    grp_seg: _I32
    A_g: _F
    grp_ess: npt.NDArray[np.bool_]
    sup_ptr: _I
    sup_order: _I
    A_sup: _F
    edge_of: _I
    bkt_ptr: _I
    pos_b: npt.NDArray[np.integer[Any]]
    sup_b: _I32
    A_b: _F
    so_b: npt.NDArray[np.integer[Any]]
    sales: _F = field(default_factory=lambda: np.zeros(0))
    firm_order: _I | None = None
    firm_rank: _I | None = None

    @property
    def n_groups(self) -> int:
        return len(self.A_g)


def _coordinates(ds: Dataset, firm_ids: Any) -> tuple[_F, _F]:
    """Firm (lon, lat): the firm's own where given, else its region's; NaN when neither."""
    firms = ds.firms.set_index(ds.firms["id"].astype(str)) if len(ds.firms) else ds.firms
    ids = pd.Index(np.asarray(firm_ids, dtype=object).astype(str))
    out = []
    reg = ds.regions
    rl = reg.set_index(reg["code"].astype(str)) if len(reg) and "lon" in reg else None
    for col in ("lon", "lat"):
        own = (pd.to_numeric(firms[col], errors="coerce").reindex(ids).to_numpy(float)
               if col in firms else np.full(len(ids), np.nan))
        if rl is not None and "region" in firms:
            codes = firms["region"].astype(str).reindex(ids)
            fallback = pd.to_numeric(codes.map(rl[col]), errors="coerce").to_numpy(float)
            own = np.where(np.isfinite(own), own, fallback)
        out.append(own)
    return out[0], out[1]


@dataclass(eq=False)
class ShockNetwork:
    """Firms, daily flows and baseline of the dynamic model (see the module docstring).

    Attributes
    ----------
    firm_ids, firm_region, firm_country : object arrays (n)
    segment_ids : object array (m)
    firm_segment : int32 (n)
        Main segment per firm (-1 if none).
    supplier, customer : int32 (E)
    A : float64 (E)
        Daily baseline flow, 10,000 CNY/day.
    edge_segment : int32 (E)
    C, P_ini, va_ratio : float64 (n)
        Daily final demand, baseline gross output (10,000 CNY/day) and value-added ratio.
    segment_essential : bool (m)
    fs_firm, fs_segment : int32
        Every (firm, segment) pair a firm works in (for segment selectors).
    """

    firm_ids: _O
    segment_ids: _O
    firm_segment: _I32
    firm_region: _O
    firm_country: _O
    supplier: _I32
    customer: _I32
    A: _F
    edge_segment: _I32
    C: _F
    P_ini: _F
    va_ratio: _F
    segment_essential: npt.NDArray[np.bool_]
    fs_firm: _I32
    fs_segment: _I32
    firm_lon: _F | None = None   # site coordinates (the region's where a firm has none), for
    firm_lat: _F | None = None   # hazard-footprint selectors; None when unknown
    _layouts: dict[bool, ModelLayout] = field(default_factory=dict, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n_firms(self) -> int:
        return len(self.firm_ids)

    @property
    def n_links(self) -> int:
        return len(self.A)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_layouts"] = {}
        state["_cache"] = {}
        return state

    def firm_index(self) -> pd.Index:
        """Firm ids as a (cached) pandas index."""
        if "firm_index" not in self._cache:
            self._cache["firm_index"] = pd.Index(self.firm_ids.astype(str))
        return self._cache["firm_index"]

    def region_codes(self) -> tuple[npt.NDArray[np.object_], _I]:
        """(cached) sorted region codes and each firm's position in them."""
        if "regions" not in self._cache:
            codes, inv = np.unique(self.firm_region.astype(str), return_inverse=True)
            self._cache["regions"] = (codes.astype(object), inv.astype(np.int64))
        return self._cache["regions"]

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(cls, supplier: npt.ArrayLike, customer: npt.ArrayLike, flow: npt.ArrayLike,
                    *, n_firms: int | None = None, final_demand: npt.ArrayLike | None = None,
                    output: npt.ArrayLike | None = None, firm_ids: Any = None,
                    edge_segment: npt.ArrayLike | None = None, segment_ids: Any = None,
                    firm_segment: npt.ArrayLike | None = None, firm_region: Any = None,
                    firm_country: Any = None,
                    segment_essential: npt.ArrayLike | None = None) -> ShockNetwork:
        """Build from daily flows ``flow[e]`` of ``supplier[e] → customer[e]`` (node indices).

        Give either ``final_demand`` (daily, per firm) or ``output`` (daily gross output; final
        demand is then what is not sold in the network), or neither (final demand = the
        balance of purchases over sales, as in the module docstring).
        """
        sup = np.asarray(supplier, dtype=np.int64)
        cus = np.asarray(customer, dtype=np.int64)
        A = np.asarray(flow, dtype=np.float64)
        if not (sup.shape == cus.shape == A.shape) or sup.ndim != 1:
            raise InputError("supplier, customer and flow must be 1-D arrays of one length")
        n = int(n_firms if n_firms is not None else (max(sup.max(), cus.max()) + 1 if len(sup) else 0))
        if len(sup) and (min(sup.min(), cus.min()) < 0 or max(sup.max(), cus.max()) >= n):
            raise InputError(f"supplier/customer must be node indices in [0, {n})")
        if np.any(~np.isfinite(A)) or np.any(A < 0):
            raise InputError("flows must be finite and ≥ 0")
        keep = (A > 0) & (sup != cus)
        sup, cus, A = sup[keep], cus[keep], A[keep]
        m_seg = len(segment_ids) if segment_ids is not None else 0
        eseg = (np.asarray(edge_segment, dtype=np.int32)[keep] if edge_segment is not None
                else np.full(len(A), -1, np.int32))
        sales = np.bincount(sup, weights=A, minlength=n)
        purchases = np.bincount(cus, weights=A, minlength=n)
        if final_demand is not None:
            C = np.asarray(final_demand, dtype=np.float64).copy()
            if C.shape != (n,) or np.any(~np.isfinite(C)) or np.any(C < 0):
                raise InputError(f"final_demand must be {n} finite values ≥ 0")
            C = np.maximum(C, purchases - sales)
        else:
            if output is not None:
                X = np.asarray(output, dtype=np.float64)
                if X.shape != (n,):
                    raise InputError(f"output must have shape ({n},)")
                X = np.where(np.isfinite(X) & (X > 0), X, purchases / (1.0 - DEFAULT_VALUE_ADDED))
            else:
                X = purchases / (1.0 - DEFAULT_VALUE_ADDED)
            C = np.maximum(np.maximum(X - sales, purchases - sales), 0.0)
        P_ini = C + sales
        with np.errstate(invalid="ignore", divide="ignore"):
            va = np.where(P_ini > 0, (P_ini - purchases) / P_ini, 0.0)
        ids = (np.asarray(firm_ids, dtype=object) if firm_ids is not None
               else np.array([f"N{i}" for i in range(n)], dtype=object))
        fseg = (np.asarray(firm_segment, dtype=np.int32) if firm_segment is not None
                else np.full(n, -1, np.int32))
        has = fseg >= 0
        return cls(
            firm_ids=ids,
            segment_ids=np.asarray(segment_ids if segment_ids is not None else [], dtype=object),
            firm_segment=fseg,
            firm_region=(np.asarray(firm_region, dtype=object) if firm_region is not None
                         else np.full(n, "", dtype=object)),
            firm_country=(np.asarray(firm_country, dtype=object) if firm_country is not None
                          else np.full(n, "", dtype=object)),
            supplier=sup.astype(np.int32), customer=cus.astype(np.int32), A=A,
            edge_segment=eseg, C=C, P_ini=P_ini, va_ratio=va,
            segment_essential=(np.asarray(segment_essential, dtype=bool)
                               if segment_essential is not None else np.ones(m_seg, bool)),
            fs_firm=np.flatnonzero(has).astype(np.int32), fs_segment=fseg[has].astype(np.int32),
        )

    @classmethod
    def from_graph(cls, graph: FirmGraph, firm_country: Any = None) -> ShockNetwork:
        """Build from a :class:`~chainatlas.network.graph.FirmGraph` (links of unknown value drop)."""
        n = graph.n_firms
        value = np.nan_to_num(graph.value, nan=0.0)
        out = np.zeros(n)
        known = np.zeros(n, dtype=bool)
        if len(graph.fs_firm):
            ov = graph.fs_output_value
            ok = np.isfinite(ov) & (ov > 0)
            out = np.bincount(graph.fs_firm[ok], weights=ov[ok], minlength=n)
            known = np.bincount(graph.fs_firm[ok], minlength=n) > 0
        output = np.where(known, out / DAYS_PER_YEAR, np.nan)
        eseg = graph.edge_segment.astype(np.int32).copy()
        unknown = eseg < 0
        eseg[unknown] = graph.firm_segment[graph.src[unknown]]
        country = (np.asarray(firm_country, dtype=object) if firm_country is not None
                   else graph.firm_region.copy())
        net = cls.from_arrays(
            graph.src, graph.dst, value / DAYS_PER_YEAR, n_firms=n, output=output,
            firm_ids=graph.firm_ids, edge_segment=eseg, segment_ids=graph.segment_ids,
            firm_segment=graph.firm_segment, firm_region=graph.firm_region,
            firm_country=country, segment_essential=graph.segment_essential,
        )
        net.fs_firm = graph.fs_firm.astype(np.int32)
        net.fs_segment = graph.fs_segment.astype(np.int32)
        return net

    @classmethod
    def from_dataset(cls, ds: Dataset) -> ShockNetwork:
        """Build from a dataset's firms, firm segments and supply links (via ``FirmGraph``)."""
        from chainatlas.network.graph import FirmGraph

        graph = FirmGraph.from_dataset(ds)
        firms = ds.firms
        if "country" in firms and len(firms):
            country = firms["country"].astype(object).where(firms["country"].notna(), "")
            country = np.where(country.astype(str).to_numpy(dtype=object) == "",
                               graph.firm_region, country.astype(str).to_numpy(dtype=object))
        else:
            country = graph.firm_region
        net = cls.from_graph(graph, firm_country=np.asarray(country, dtype=object))
        net.firm_lon, net.firm_lat = _coordinates(ds, graph.firm_ids)
        return net

    # ------------------------------------------------------------------ model layout
    def layout(self, substitution: bool = True) -> ModelLayout:
        """The (cached) customer-major layout; groups are input segments or single links.

        Firm indices are the network's own (``firm_order`` is ``None``).
        """
        cached = self._layouts.get(bool(substitution))
        if cached is None:
            cached = _build_layout(self, substitution, None)
            self._layouts[bool(substitution)] = cached
        return cached

    def day_layout(self, substitution: bool = True) -> ModelLayout:
        """The (cached) layout the day kernels of the dynamic model run on: the same links and
        groups as :meth:`layout`, with firms renumbered by main segment (``firm_order``:
        network index of each kernel index; ``firm_rank``: the inverse).

        A customer's input group draws on one segment's suppliers, and customers of one
        segment buy the same input segments, so with firms numbered segment by segment the
        per-supplier values a run of customers reads (delivery levels) and the demand sums it
        feeds sit in a few small ranges that stay in cache, instead of anywhere in the
        per-firm arrays (about 2× faster day kernels at 1M firms / 5M links).
        """
        key = f"day_layout_{bool(substitution)}"
        cached = self._cache.get(key)
        if cached is None:
            order = np.lexsort((np.arange(self.n_firms), self.firm_segment)).astype(np.int64)
            cached = _build_layout(self, substitution, order)
            self._cache[key] = cached
        return cached


def _build_layout(net: ShockNetwork, substitution: bool, order: _I | None) -> ModelLayout:
    """:class:`ModelLayout` of ``net``; with ``order`` (network index of each kernel index)
    firms are renumbered, kernel index ``k`` being network firm ``order[k]``."""
    n, E = net.n_firms, net.n_links
    m = len(net.segment_ids)
    rank: _I | None = None
    if order is None:
        supplier, customer = net.supplier, net.customer
    else:
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n, dtype=np.int64)
        supplier = rank[net.supplier].astype(np.int32)
        customer = rank[net.customer].astype(np.int32)
    if substitution:
        key = np.where(net.edge_segment >= 0, net.edge_segment.astype(np.int64),
                       m + supplier.astype(np.int64))
    else:
        key = np.arange(E, dtype=np.int64)
    lex = np.lexsort((supplier, key, customer))
    cus = customer[lex]
    k = key[lex]
    new_grp = np.ones(E, dtype=bool)
    if E:
        new_grp[1:] = (cus[1:] != cus[:-1]) | (k[1:] != k[:-1])
    starts = np.flatnonzero(new_grp)
    grp_ptr = np.append(starts, E).astype(np.int64)
    A = net.A[lex]
    A_g = np.add.reduceat(A, starts) if E else np.zeros(0)
    grp_cus = cus[starts]
    cust_grp_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(grp_cus, minlength=n), out=cust_grp_ptr[1:])
    seg = net.edge_segment[lex]
    grp_seg = seg[starts].astype(np.int32)
    ess = np.ones(len(starts), dtype=bool)
    if len(net.segment_essential):
        has = grp_seg >= 0
        ess[has] = net.segment_essential[grp_seg[has]]
    sup = supplier[lex]
    sup_order = np.argsort(sup, kind="stable").astype(np.int64)
    sup_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sup, minlength=n), out=sup_ptr[1:])
    bkt_ptr, pos_b = supplier_buckets(sup, sup_ptr, BUCKETS or numba.get_num_threads())
    sup_b = np.empty(E, dtype=np.int32)
    sup_b[pos_b] = sup
    A_b = np.empty(E)
    A_b[pos_b] = A
    return ModelLayout(sup=sup.astype(np.int32), cus=cus.astype(np.int32), A=A,
                       seg=seg.astype(np.int32), cust_grp_ptr=cust_grp_ptr, grp_ptr=grp_ptr,
                       grp_seg=grp_seg, A_g=A_g, grp_ess=ess, sup_ptr=sup_ptr,
                       sup_order=sup_order, A_sup=A[sup_order], edge_of=lex.astype(np.int64),
                       bkt_ptr=bkt_ptr, pos_b=pos_b, sup_b=sup_b, A_b=A_b,
                       so_b=pos_b[sup_order],
                       sales=np.bincount(sup, weights=A, minlength=n).astype(np.float64),
                       firm_order=order, firm_rank=rank)
