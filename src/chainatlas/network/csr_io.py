"""Pack a firm network streamed in chunks into the arrays of :class:`FirmGraph`.

National firm networks (10⁷ firms, 5·10⁷ links) do not fit comfortably in pandas: a frame of
the ``supply_links`` table alone holds two Python strings per link. Here the three tables are
consumed as streams of Arrow record batches (from Parquet files or a DuckDB store, read by the
callers in :mod:`chainatlas.readers.network_parquet` and :mod:`chainatlas.store.stream`) and
only integer and float columns are kept:

1. ``firms`` batches: the ids are appended to one UTF-8 buffer, the region codes are kept
   dictionary-encoded, the foreign flag is computed per batch;
2. an open-addressing hash table of the firm ids is built once (FNV-1a, compiled);
3. ``firm_segments`` and ``supply_links`` batches: every firm reference is probed in the hash
   table and written as an ``int32`` node index into arrays preallocated to the row count;
   segment ids are mapped through a small dictionary that grows as new ids appear.

Memory per link (resident, after packing): ``src``, ``dst``, ``edge_segment`` as int32 (12 B),
``value`` and ``lead_time`` as float64 (16 B), and the two CSR edge orders of
:class:`FirmGraph` as int64 (16 B) — **44 B per link** — plus per firm the id (a Python ``str``,
≈ 60 B), a pointer to its region code, main segment, capacity, flags, a firm–segment row and two
``indptr`` entries: **≈ 127 B per firm** (measured at 10⁷ firms). While packing, one batch of
strings is alive at a time (transient ≈ ``batch_rows`` × row width), plus the firm ids as one
UTF-8 buffer and their hash table (16 B × the power of two above 2n slots).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chainatlas.exceptions import InputError
from chainatlas.network.graph import (
    FirmGraph,
    _arrow_str,
    _utf8_buffers,
    is_foreign_firm,
    main_segments,
)

__all__ = ["SegmentCoder", "graph_nbytes", "pack_firm_graph"]

Batch: TypeAlias = "pa.RecordBatch | pa.Table"
_I32 = npt.NDArray[np.int32]
_F64 = npt.NDArray[np.float64]


class SegmentCoder:
    """Segment ids → indices: the ``segments`` table's ids first, then new ids as they appear."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.ids: list[str] = []
        self._index: dict[str, int] = {}
        for s in known:
            self.add(str(s))

    def add(self, sid: str) -> int:
        k = self._index.get(sid)
        if k is None:
            k = self._index[sid] = len(self.ids)
            self.ids.append(sid)
        return k

    def encode(self, column: Any) -> _I32:
        """Indices of a chunk's segment ids (-1 for empty or missing)."""
        enc = pc.dictionary_encode(_arrow_str(column))
        words = enc.dictionary.to_pylist()
        lut = np.array([self.add(w) if w else -1 for w in words] or [-1], dtype=np.int32)
        idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        return lut[idx] if len(idx) else np.zeros(0, np.int32)


class _FirmTable:
    """Hash table of firm ids with a probe that raises on unknown references."""

    def __init__(self, ids: pa.Array) -> None:
        from chainatlas.network._kernels import string_table

        self.ids = ids
        self.data, self.offsets = _utf8_buffers(ids)
        self.table, self.hashes, dup, self.collide = string_table(self.data, self.offsets)
        if dup >= 0:
            counts = pc.value_counts(ids)
            names = [str(v["values"]) for v in counts.to_pylist() if v["counts"] > 1][:5]
            raise InputError(f"duplicate firm id(s): {', '.join(names)}")

    def probe(self, column: Any, table_name: str) -> _I32:
        from chainatlas.network._kernels import string_probe

        arr = _arrow_str(column)
        qdata, qoff = _utf8_buffers(arr)
        pos = string_probe(self.table, self.hashes, self.collide, self.data, self.offsets,
                           qdata, qoff)
        bad = pos < 0
        if bad.any():
            unknown = pd.unique(np.asarray(arr.filter(pa.array(bad)).to_numpy(zero_copy_only=False)))
            raise InputError(f"{table_name} refers to unknown firm(s): "
                             f"{', '.join(map(str, unknown[:5]))}")
        return pos.astype(np.int32)


def _column(batch: Batch, name: str) -> Any:
    return batch.column(name) if name in batch.schema.names else None


def _float_column(batch: Batch, name: str) -> _F64:
    col = _column(batch, name)
    if col is None:
        return np.full(batch.num_rows, np.nan)
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if not pa.types.is_floating(col.type):
        col = pc.cast(col, pa.float64(), safe=False)
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)


class _Growable:
    """Column storage preallocated to an expected row count, grown geometrically if exceeded."""

    def __init__(self, dtype: Any, capacity: int) -> None:
        self.a = np.empty(max(capacity, 0), dtype=dtype)
        self.n = 0

    def extend(self, x: npt.NDArray[Any]) -> None:
        need = self.n + len(x)
        if need > len(self.a):
            grown = np.empty(max(need, 2 * len(self.a)), dtype=self.a.dtype)
            grown[:self.n] = self.a[:self.n]
            self.a = grown
        self.a[self.n:need] = x
        self.n = need

    def array(self) -> npt.NDArray[Any]:
        return self.a if self.n == len(self.a) else self.a[:self.n].copy()


def _read_firms(batches: Iterable[Batch]) -> tuple[pa.Array, npt.NDArray[np.object_], Any]:
    """Firm ids (one large_string array), region per firm (shared str objects), foreign flag."""
    ids: list[pa.Array] = []
    regions: list[pa.Array] = []
    foreign: list[npt.NDArray[np.bool_]] = []
    for batch in batches:
        if "id" not in batch.schema.names:
            raise InputError("the firms table has no 'id' column")
        ids.append(_arrow_str(batch.column("id")))
        region = _column(batch, "region")
        regions.append(_arrow_str(region) if region is not None
                       else pa.array([""] * batch.num_rows, pa.large_string()))
        cols = {c: _arrow_str(batch.column(c)).to_pandas()
                for c in ("country", "region", "ownership") if c in batch.schema.names}
        foreign.append(is_foreign_firm(pd.DataFrame(cols, index=pd.RangeIndex(batch.num_rows))))
    id_arr = pa.concat_arrays(ids) if ids else pa.array([], pa.large_string())
    if regions:
        enc = pc.dictionary_encode(pa.chunked_array(regions)).combine_chunks()
        codes = np.asarray([*enc.dictionary.to_pylist(), ""], dtype=object)
        idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
        region_obj = codes[idx]
    else:
        region_obj = np.zeros(0, dtype=object)
    flags = np.concatenate(foreign) if foreign else np.zeros(0, bool)
    return id_arr, region_obj, flags


def pack_firm_graph(
    firms: Iterable[Batch],
    firm_segments: Iterable[Batch],
    supply_links: Iterable[Batch],
    *,
    segments: pd.DataFrame | None = None,
    n_firm_segments: int | None = None,
    n_links: int | None = None,
) -> FirmGraph:
    """Build a :class:`FirmGraph` from chunks of the ``firms``, ``firm_segments`` and
    ``supply_links`` tables.

    The result equals :meth:`FirmGraph.from_dataset` on the same tables (node ``i`` is the
    ``i``-th firm row; segments are the ``segments`` table's ids followed by other ids in order
    of first mention) but no frame of the whole link table is ever built.

    Parameters
    ----------
    firms, firm_segments, supply_links : iterables of pyarrow RecordBatch or Table
        Consumed once, in this order. Columns as in :mod:`chainatlas.model.tables`; only
        ``firms.id/region/country/ownership``, ``firm_segments.firm/segment/capacity/
        output_value`` and ``supply_links.supplier/customer/segment/value/lead_time_days``
        are read (missing optional columns read as empty or NaN).
    segments : DataFrame, optional
        The (small) ``segments`` table, for the order of segment ids and the ``essential`` /
        ``key_technology`` flags.
    n_firm_segments, n_links : int, optional
        Row counts when known (Parquet metadata, ``count(*)``): the integer columns are then
        allocated once at their final size.

    Returns
    -------
    FirmGraph

    Raises
    ------
    InputError
        Duplicate firm ids, or a firm segment or link naming an unknown firm.
    """
    fid, region, foreign = _read_firms(firms)
    n = len(fid)
    lookup = _FirmTable(fid)
    segs = segments if segments is not None else pd.DataFrame({"id": []})
    seg_col = segs["id"] if "id" in segs else pd.Series([], dtype=object)
    coder = SegmentCoder(str(s) for s in pd.unique(seg_col.astype(str)))
    m_table = len(coder.ids)

    r_f = _Growable(np.int32, n_firm_segments if n_firm_segments is not None else n)
    r_s = _Growable(np.int32, r_f.a.size)
    r_cap = _Growable(np.float64, r_f.a.size)
    r_out = _Growable(np.float64, r_f.a.size)
    for b in firm_segments:
        r_f.extend(lookup.probe(b.column("firm"), "firm_segments"))
        seg = _column(b, "segment")
        r_s.extend(coder.encode(seg) if seg is not None else np.full(b.num_rows, -1, np.int32))
        r_cap.extend(_float_column(b, "capacity"))
        r_out.extend(_float_column(b, "output_value"))

    e_hint = n_links if n_links is not None else 0
    src, dst = _Growable(np.int32, e_hint), _Growable(np.int32, e_hint)
    eseg = _Growable(np.int32, e_hint)
    value, lead = _Growable(np.float64, e_hint), _Growable(np.float64, e_hint)
    for b in supply_links:
        src.extend(lookup.probe(b.column("supplier"), "supply_links"))
        dst.extend(lookup.probe(b.column("customer"), "supply_links"))
        seg = _column(b, "segment")
        eseg.extend(coder.encode(seg) if seg is not None else np.full(b.num_rows, -1, np.int32))
        value.extend(_float_column(b, "value"))
        lead.extend(_float_column(b, "lead_time_days"))
    del lookup

    m = len(coder.ids)
    essential = np.ones(m, dtype=bool)
    keytech = np.zeros(m, dtype=bool)
    if m_table:
        first = ~segs["id"].astype(str).duplicated().to_numpy()
        if "essential" in segs:
            essential[:m_table] = segs["essential"].astype("boolean").fillna(True).to_numpy(bool)[first]
        if "key_technology" in segs:
            keytech[:m_table] = (segs["key_technology"].astype("boolean").fillna(False)
                                 .to_numpy(bool)[first])

    fs_f, fs_s, fs_cap, fs_out = r_f.array(), r_s.array(), r_cap.array(), r_out.array()
    firm_segment, capacity = main_segments(n, fs_f, fs_s, fs_cap, fs_out)
    ids = np.asarray(fid.to_numpy(zero_copy_only=False), dtype=object)
    del fid
    # the batches are gone: hand the Arrow pool's cached pages back to the system
    pa.default_memory_pool().release_unused()
    return FirmGraph(
        ids, np.asarray(coder.ids, dtype=object), firm_segment, region, foreign, capacity,
        src.array(), dst.array(), eseg.array(), value.array(), lead.array(),
        fs_f, fs_s, fs_cap, fs_out, essential, keytech,
    )


def graph_nbytes(graph: FirmGraph) -> dict[str, int]:
    """Bytes held by a graph's arrays: ``per_link`` (edge arrays and CSR orders), ``per_firm``
    (node arrays, ``indptr`` and the id strings) and ``total``."""
    import sys

    edge = sum(a.nbytes for a in (graph.src, graph.dst, graph.edge_segment, graph.value,
                                  graph.lead_time, graph.in_order, graph.out_order))
    node = sum(a.nbytes for a in (graph.firm_ids, graph.firm_segment, graph.firm_region,
                                  graph.firm_foreign, graph.capacity, graph.in_indptr,
                                  graph.out_indptr, graph.fs_firm, graph.fs_segment,
                                  graph.fs_capacity, graph.fs_output_value))
    k = min(graph.n_firms, 1000)
    if k:
        sample = graph.firm_ids[np.linspace(0, graph.n_firms - 1, k).astype(np.int64)]
        node += int(sum(sys.getsizeof(s) for s in sample) / k * graph.n_firms)
    return {"per_link": edge, "per_firm": node, "total": edge + node}
