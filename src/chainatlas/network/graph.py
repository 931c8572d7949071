"""The firm graph: firms as integer nodes, supply links as directed edges supplier → customer.

:class:`FirmGraph` is the array form of a dataset's ``firms``, ``firm_segments`` and
``supply_links`` tables that every network and shock algorithm works on. It is built once,
vectorised (no Python loop per firm or link), and carries compressed-sparse-row (CSR) indexes
for both directions:

- the in-edges of firm ``i`` are ``in_order[in_indptr[i]:in_indptr[i + 1]]`` (edge indices whose
  ``dst == i``, i.e. the links from its suppliers);
- the out-edges of firm ``i`` are ``out_order[out_indptr[i]:out_indptr[i + 1]]`` (links to its
  customers).

Units: ``capacity`` in units of the firm's main segment per day, ``value`` in 10,000 CNY (万元)
per year, ``lead_time`` in days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chainatlas.exceptions import DataNotFound, InputError

if TYPE_CHECKING:
    from chainatlas.model.dataset import Dataset

__all__ = ["FirmGraph", "is_foreign_firm"]

_I32 = npt.NDArray[np.int32]
_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]
_BOOL = npt.NDArray[np.bool_]
_OBJ = npt.NDArray[np.object_]

#: Country code of the home economy; firms located elsewhere count as foreign sources.
HOME_COUNTRY = "CHN"
#: Location codes that mean "unknown".
UNKNOWN_CODES = ("", "XXX", "UNK", "000000")


def _arrow_str(values: Any) -> pa.Array:
    """Ids as a pyarrow string array (numbers are turned into text, missing values into "")."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    elif isinstance(values, pd.Series):
        try:
            arr = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = pa.array(values.astype(str), from_pandas=True)
    else:
        seq = values if isinstance(values, np.ndarray) else np.asarray(list(values), dtype=object)
        try:
            arr = pa.array(seq, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = pa.array(np.asarray(seq).astype(str), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    if arr.null_count:
        arr = arr.fill_null("")
    return pc.cast(arr, pa.large_string()) if pa.types.is_string(arr.type) else arr


def _as_str_array(values: Any) -> _OBJ:
    """Ids as an object array of ``str``."""
    return np.asarray(_arrow_str(values).to_numpy(zero_copy_only=False), dtype=object)


def _positions(value_set: pa.Array, values: pa.Array) -> _I64:
    """Position of each of ``values`` in ``value_set`` (-1 where absent), by hashing."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    pos = pc.index_in(values, value_set=value_set).fill_null(-1)
    return np.asarray(pos.to_numpy(zero_copy_only=False), dtype=np.int64)


def _csr(keys: _I32, n: int) -> tuple[_I64, _I64]:
    """Indptr (n+1) and a stable order of edge indices grouped by ``keys``."""
    from chainatlas.network._kernels import group_order

    if len(keys) == 0:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return group_order(np.ascontiguousarray(keys, dtype=np.int32), n)


def firm_classes(graph: FirmGraph, hmt: str = "separate",
                 countries: dict[str, str] | None = None) -> _OBJ:
    """Location class of every firm: ``mainland`` (境内), ``hmt`` (港澳台), ``foreign`` (国外)
    or ``unknown`` (未知), from its region (``countries``: the country of custom region codes).

    A firm flagged foreign (located abroad or foreign-owned) is ``foreign``. ``hmt``:
    ``separate`` keeps 港澳台 apart, ``foreign`` or ``domestic`` folds it in. An unknown location
    is never mainland: it counts neither as local nor as domestic.
    """
    from chainatlas.places.classes import location_classes

    codes, idx = graph.region_index()
    per_code = np.asarray(location_classes(list(codes), countries, hmt), dtype=object)
    out = per_code[idx] if len(idx) else np.zeros(0, dtype=object)
    return np.where(graph.firm_foreign & (out != "hmt"), "foreign", out).astype(object)


def is_foreign_firm(firms: pd.DataFrame) -> _BOOL:
    """Foreign source flag per row of a ``firms`` frame.

    A firm counts as foreign when it is located outside China (``country`` other than ``CHN``,
    or, when ``country`` is empty, a ``region`` that is not a numeric adcode) or its
    ``ownership`` is ``foreign``. Joint ventures count as domestic, and so does an unknown
    location (empty, ``XXX``, ``UNK`` or ``000000``, as in anonymised data).
    """
    n = len(firms)
    if n == 0:
        return np.zeros(0, dtype=bool)

    def _text(col: str) -> pd.Series:
        if col not in firms:
            return pd.Series([""] * n, dtype=object)
        c = firms[col].astype(object)
        return c.where(c.notna(), "").astype(str).str.strip().str.upper()

    country, region = _text("country"), _text("region")
    unknown_country = country.isin(UNKNOWN_CODES).to_numpy(dtype=bool)
    region_abroad = ~(region.str.fullmatch(r"\d{2,12}").to_numpy(dtype=bool)
                      | region.isin(UNKNOWN_CODES).to_numpy(dtype=bool))
    abroad = np.where(unknown_country, region_abroad,
                      (country != HOME_COUNTRY).to_numpy(dtype=bool))
    owned = _text("ownership").to_numpy() == "FOREIGN"
    return np.asarray(np.asarray(abroad, dtype=bool) | owned, dtype=bool)


@dataclass(eq=False)
class FirmGraph:
    """Supply network of firms as arrays.

    Attributes
    ----------
    firm_ids : ndarray of str, shape (n,)
        Firm ids; node ``i`` is ``firm_ids[i]``.
    segment_ids : ndarray of str, shape (m,)
        Segment ids; segment ``k`` is ``segment_ids[k]``.
    firm_segment : ndarray of int32, shape (n,)
        Main segment index of each firm (largest ``output_value``, then largest ``capacity``);
        -1 when the firm has no segment.
    firm_region : ndarray of str, shape (n,)
        Region code of each firm (adcode, or ISO-3 for foreign locations); "" if unknown.
    firm_foreign : ndarray of bool, shape (n,)
        Foreign source (located abroad or foreign-owned), see :func:`is_foreign_firm`.
    capacity : ndarray of float64, shape (n,)
        Capacity of the firm in its main segment, units per day; NaN when unknown.
    src, dst : ndarray of int32, shape (e,)
        Supplier and customer node of each supply link.
    edge_segment : ndarray of int32, shape (e,)
        Segment supplied along each link (-1 when unknown).
    value : ndarray of float64, shape (e,)
        Annual value of the link, 10,000 CNY; NaN when unknown.
    lead_time : ndarray of float64, shape (e,)
        Lead time in days; NaN when unknown.
    in_indptr, in_order, out_indptr, out_order : ndarray of int64
        CSR indexes of in-edges (grouped by ``dst``) and out-edges (grouped by ``src``).
    fs_firm, fs_segment : ndarray of int32, shape (r,)
        All firm–segment rows (a firm may work in several segments).
    fs_capacity, fs_output_value : ndarray of float64, shape (r,)
        Capacity (units/day) and output value (10,000 CNY/yr) of each firm–segment row.
    segment_essential, segment_key_technology : ndarray of bool, shape (m,)
        Segment flags from the ``segments`` table (defaults True and False).
    """

    firm_ids: _OBJ
    segment_ids: _OBJ
    firm_segment: _I32
    firm_region: _OBJ
    firm_foreign: _BOOL
    capacity: _F64
    src: _I32
    dst: _I32
    edge_segment: _I32
    value: _F64
    lead_time: _F64
    fs_firm: _I32 = field(default_factory=lambda: np.zeros(0, np.int32))
    fs_segment: _I32 = field(default_factory=lambda: np.zeros(0, np.int32))
    fs_capacity: _F64 = field(default_factory=lambda: np.zeros(0))
    fs_output_value: _F64 = field(default_factory=lambda: np.zeros(0))
    segment_essential: _BOOL = field(default_factory=lambda: np.zeros(0, bool))
    segment_key_technology: _BOOL = field(default_factory=lambda: np.zeros(0, bool))
    in_indptr: _I64 = field(init=False, repr=False)
    in_order: _I64 = field(init=False, repr=False)
    out_indptr: _I64 = field(init=False, repr=False)
    out_order: _I64 = field(init=False, repr=False)
    _firm_index: pd.Index | None = field(default=None, init=False, repr=False)
    _segment_index: pd.Index | None = field(default=None, init=False, repr=False)
    _regions: tuple[_OBJ, _I64] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        n, m = len(self.firm_ids), len(self.segment_ids)
        if len(self.segment_essential) != m:
            self.segment_essential = np.ones(m, dtype=bool)
        if len(self.segment_key_technology) != m:
            self.segment_key_technology = np.zeros(m, dtype=bool)
        self.in_indptr, self.in_order = _csr(self.dst, n)
        self.out_indptr, self.out_order = _csr(self.src, n)

    # ------------------------------------------------------------------ sizes and lookups
    @property
    def n_firms(self) -> int:
        return len(self.firm_ids)

    @property
    def n_segments(self) -> int:
        return len(self.segment_ids)

    @property
    def n_edges(self) -> int:
        return len(self.src)

    def _findex(self) -> pd.Index:
        if self._firm_index is None:
            self._firm_index = pd.Index(self.firm_ids)
        return self._firm_index

    def _sindex(self) -> pd.Index:
        if self._segment_index is None:
            self._segment_index = pd.Index(self.segment_ids)
        return self._segment_index

    def index_of(self, firm_id: str) -> int:
        """Node index of ``firm_id``; raises :class:`DataNotFound` if absent."""
        idx = self._findex()
        try:
            loc = idx.get_loc(str(firm_id))
        except KeyError:
            raise DataNotFound(f"firm '{firm_id}' is not in the graph") from None
        if not isinstance(loc, (int, np.integer)):
            raise InputError(f"firm id '{firm_id}' appears more than once")
        return int(loc)

    def indices_of(self, firm_ids: Sequence[str]) -> _I64:
        """Node indices of many firms at once; raises :class:`DataNotFound` naming the missing."""
        pos = self._findex().get_indexer(pd.Index([str(f) for f in firm_ids]))
        if (pos < 0).any():
            missing = [str(f) for f, p in zip(firm_ids, pos, strict=True) if p < 0][:5]
            raise DataNotFound(f"firm(s) not in the graph: {', '.join(missing)}")
        return pos.astype(np.int64)

    def region_index(self) -> tuple[_OBJ, _I64]:
        """Distinct region codes (sorted) and each firm's position among them."""
        if self._regions is None:
            enc = pc.dictionary_encode(_arrow_str(pd.Series(self.firm_region, dtype=object)))
            codes = np.asarray(enc.dictionary.to_numpy(zero_copy_only=False), dtype=object)
            idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
            order = np.argsort(codes.astype(str), kind="stable")
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self._regions = (codes[order], rank[idx] if len(idx) else idx)
        return self._regions

    def segment_index(self, segment_id: str) -> int:
        """Index of ``segment_id`` in :attr:`segment_ids`; raises :class:`DataNotFound`."""
        try:
            loc = self._sindex().get_loc(str(segment_id))
        except KeyError:
            raise DataNotFound(f"segment '{segment_id}' is not in the graph") from None
        if not isinstance(loc, (int, np.integer)):
            raise InputError(f"segment id '{segment_id}' appears more than once")
        return int(loc)

    # ------------------------------------------------------------------ neighbourhoods
    def in_edges(self, i: int) -> _I64:
        """Edge indices of the links into firm ``i`` (from its suppliers)."""
        return self.in_order[self.in_indptr[i]:self.in_indptr[i + 1]]

    def out_edges(self, i: int) -> _I64:
        """Edge indices of the links out of firm ``i`` (to its customers)."""
        return self.out_order[self.out_indptr[i]:self.out_indptr[i + 1]]

    def suppliers(self, i: int) -> _I32:
        """Supplier nodes of firm ``i`` (one per link, may repeat across segments)."""
        return self.src[self.in_edges(i)]

    def customers(self, i: int) -> _I32:
        """Customer nodes of firm ``i`` (one per link)."""
        return self.dst[self.out_edges(i)]

    def in_degree(self) -> _I64:
        return np.diff(self.in_indptr)

    def out_degree(self) -> _I64:
        return np.diff(self.out_indptr)

    def subgraph(self, keep: _BOOL) -> FirmGraph:
        """The graph induced by the firms where ``keep`` is True (links between kept firms)."""
        keep = np.asarray(keep, dtype=bool)
        if keep.shape != (self.n_firms,):
            raise InputError(f"keep mask must have shape ({self.n_firms},), got {keep.shape}")
        new = np.full(self.n_firms, -1, dtype=np.int32)
        new[keep] = np.arange(int(keep.sum()), dtype=np.int32)
        e = keep[self.src] & keep[self.dst]
        f = keep[self.fs_firm] if len(self.fs_firm) else np.zeros(0, bool)
        return FirmGraph(
            self.firm_ids[keep], self.segment_ids, self.firm_segment[keep],
            self.firm_region[keep], self.firm_foreign[keep], self.capacity[keep],
            new[self.src[e]], new[self.dst[e]], self.edge_segment[e], self.value[e],
            self.lead_time[e], new[self.fs_firm[f]] if len(f) else self.fs_firm,
            self.fs_segment[f], self.fs_capacity[f], self.fs_output_value[f],
            self.segment_essential, self.segment_key_technology,
        )

    def to_igraph(self) -> Any:
        """A directed ``igraph.Graph`` with the same node and edge numbering (no attributes)."""
        import igraph as ig

        edges = np.column_stack([self.src, self.dst]).astype(np.int64)
        return ig.Graph(n=self.n_firms, edges=edges, directed=True)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(
        cls,
        firm_ids: Sequence[str] | npt.ArrayLike,
        src: npt.ArrayLike,
        dst: npt.ArrayLike,
        *,
        segment_ids: Sequence[str] | npt.ArrayLike | None = None,
        firm_segment: npt.ArrayLike | None = None,
        firm_region: Sequence[str] | npt.ArrayLike | None = None,
        firm_foreign: npt.ArrayLike | None = None,
        capacity: npt.ArrayLike | None = None,
        edge_segment: npt.ArrayLike | None = None,
        value: npt.ArrayLike | None = None,
        lead_time: npt.ArrayLike | None = None,
        segment_essential: npt.ArrayLike | None = None,
        segment_key_technology: npt.ArrayLike | None = None,
    ) -> FirmGraph:
        """Build a graph from arrays (node indices in ``src``/``dst``); checks shapes and bounds.

        Firm–segment rows are derived from ``firm_segment`` and ``capacity`` (one row per firm
        with a segment).
        """
        fids = _as_str_array(firm_ids)
        n = len(fids)
        s = np.asarray(src, dtype=np.int64)
        d = np.asarray(dst, dtype=np.int64)
        if s.shape != d.shape or s.ndim != 1:
            raise InputError("src and dst must be 1-D arrays of the same length")
        e = len(s)
        if e and (s.min() < 0 or d.min() < 0 or s.max() >= n or d.max() >= n):
            raise InputError(f"src/dst must be node indices in [0, {n})")
        sids = _as_str_array(segment_ids) if segment_ids is not None else np.zeros(0, dtype=object)
        m = len(sids)

        def _vec(x: npt.ArrayLike | None, size: int, dtype: Any, fill: Any, name: str) -> Any:
            if x is None:
                return np.full(size, fill, dtype=dtype)
            a = np.asarray(x, dtype=dtype)
            if a.shape != (size,):
                raise InputError(f"{name} must have shape ({size},), got {a.shape}")
            return a

        fseg = _vec(firm_segment, n, np.int32, -1, "firm_segment")
        eseg = _vec(edge_segment, e, np.int32, -1, "edge_segment")
        for name, a in (("firm_segment", fseg), ("edge_segment", eseg)):
            if len(a) and (a.min() < -1 or a.max() >= m):
                raise InputError(f"{name} must hold segment indices in [-1, {m})")
        region = (_as_str_array(firm_region) if firm_region is not None
                  else np.full(n, "", dtype=object))
        if region.shape != (n,):
            raise InputError(f"firm_region must have shape ({n},)")
        cap = _vec(capacity, n, np.float64, np.nan, "capacity")
        has = fseg >= 0
        return cls(
            fids, sids, fseg, region,
            _vec(firm_foreign, n, bool, False, "firm_foreign"), cap,
            s.astype(np.int32), d.astype(np.int32), eseg,
            _vec(value, e, np.float64, np.nan, "value"),
            _vec(lead_time, e, np.float64, np.nan, "lead_time"),
            np.flatnonzero(has).astype(np.int32), fseg[has].astype(np.int32), cap[has],
            np.full(int(has.sum()), np.nan),
            _vec(segment_essential, m, bool, True, "segment_essential"),
            _vec(segment_key_technology, m, bool, False, "segment_key_technology"),
        )

    @classmethod
    def from_dataset(cls, ds: Dataset) -> FirmGraph:
        """Build the graph of a dataset's firms, firm segments and supply links.

        Segments are those of the ``segments`` table followed by any other segment id that firm
        segments or links mention. Links or firm segments naming an unknown firm raise
        :class:`InputError`.
        """
        firms = ds.firms
        fs = ds.firm_segments
        links = ds.supply_links
        fid_arrow = _arrow_str(firms["id"])
        n = len(fid_arrow)
        fs_f, src, dst = _encode_firms(fid_arrow, [("firm_segments", fs["firm"]),
                                                   ("supply_links", links["supplier"]),
                                                   ("supply_links", links["customer"])])
        segs = ds.segments

        seg_table = _arrow_str(segs["id"])
        seg_first = pc.unique(seg_table)
        mentioned = pc.unique(pa.concat_arrays([_arrow_str(fs["segment"]),
                                                _arrow_str(links["segment"])]))
        mentioned = mentioned.filter(pc.invert(pc.is_in(mentioned, value_set=seg_first)))
        mentioned = mentioned.filter(pc.not_equal(mentioned, ""))
        sid_arrow = pa.concat_arrays([seg_first, mentioned])
        m = len(sid_arrow)
        essential = np.ones(m, dtype=bool)
        keytech = np.zeros(m, dtype=bool)
        if len(segs):
            row = _positions(seg_table, seg_first)  # first row of each distinct segment id
            if "essential" in segs:
                flag = segs["essential"].astype("boolean").fillna(True).to_numpy(bool)
                essential[:len(seg_first)] = flag[row]
            if "key_technology" in segs:
                flag = segs["key_technology"].astype("boolean").fillna(False).to_numpy(bool)
                keytech[:len(seg_first)] = flag[row]

        # firm segments: every row, then the main segment per firm
        fs_s = _positions(sid_arrow, _arrow_str(fs["segment"])).astype(np.int32)
        fs_cap = _floats(fs, "capacity")
        fs_out = _floats(fs, "output_value")
        firm_segment, capacity = main_segments(n, fs_f, fs_s, fs_cap, fs_out)

        eseg = _positions(sid_arrow, _arrow_str(links["segment"])).astype(np.int32)
        return cls(
            _as_str_array(fid_arrow), _as_str_array(sid_arrow), firm_segment,
            _as_str_array(firms["region"]) if "region" in firms else np.full(n, "", dtype=object),
            is_foreign_firm(firms), capacity, src, dst, eseg,
            _floats(links, "value"), _floats(links, "lead_time_days"), fs_f, fs_s, fs_cap, fs_out,
            essential, keytech,
        )


def _utf8_buffers(arr: pa.Array) -> tuple[npt.NDArray[np.uint8], _I64]:
    """Data bytes and int64 offsets of a (large) string array without nulls."""
    if pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.large_string())
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
            else np.zeros(0, dtype=np.uint8))
    return data, offsets


def _encode_firms(ids: pa.Array, refs: list[tuple[str, pd.Series]]) -> list[_I32]:
    """Node index of every firm reference (hash join on the UTF-8 bytes, compiled; a reference
    to a firm id matches exactly, an unknown reference is caught unless its 64-bit hash collides
    with a firm id's).

    Raises :class:`InputError` on duplicate firm ids or references to unknown firms.
    """
    from chainatlas.network._kernels import string_probe, string_table

    data, offsets = _utf8_buffers(ids)
    table, hashes, dup, collide = string_table(data, offsets)
    if dup >= 0:
        counts = pc.value_counts(ids)
        names = [str(v["values"]) for v in counts.to_pylist() if v["counts"] > 1][:5]
        raise InputError(f"duplicate firm id(s): {', '.join(names)}")
    out: list[_I32] = []
    for table_name, col in refs:
        arr = _arrow_str(col)
        qdata, qoff = _utf8_buffers(arr)
        part = string_probe(table, hashes, collide, data, offsets, qdata, qoff)
        bad = part < 0
        if bad.any():
            unknown = pd.unique(np.asarray(arr.filter(pa.array(bad))
                                           .to_numpy(zero_copy_only=False)))
            raise InputError(f"{table_name} refers to unknown firm(s): "
                             f"{', '.join(map(str, unknown[:5]))}")
        out.append(part.astype(np.int32))
    return out


def _floats(frame: pd.DataFrame, name: str) -> _F64:
    """Column ``name`` as float64 with NaN for missing values (all NaN when absent)."""
    if name not in frame:
        return np.full(len(frame), np.nan)
    col = pd.to_numeric(frame[name], errors="coerce")
    return np.asarray(col.to_numpy(np.float64, na_value=np.nan))


def main_segments(n: int, fs_f: npt.NDArray[np.integer], fs_s: npt.NDArray[np.integer],
                  fs_cap: npt.NDArray[np.float64], fs_out: npt.NDArray[np.float64]
                  ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
    """Main segment and its capacity per firm from firm–segment rows: the row with the largest
    output value, then the largest capacity (-1 and NaN for a firm without rows)."""
    firm_segment = np.full(n, -1, dtype=np.int32)
    capacity = np.full(n, np.nan)
    if len(fs_f):
        key_out = np.where(np.isnan(fs_out), np.inf, -fs_out)
        key_cap = np.where(np.isnan(fs_cap), np.inf, -fs_cap)
        order = np.lexsort((key_cap, key_out, fs_f))
        f_sorted = fs_f[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = f_sorted[1:] != f_sorted[:-1]
        pick = order[first]
        firm_segment[fs_f[pick]] = fs_s[pick]
        capacity[fs_f[pick]] = fs_cap[pick]
    return firm_segment, capacity
