"""Chunked Parquet / DuckDB → CSR packing gives the same graph as the in-memory construction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chainatlas.datasets import load_demo
from chainatlas.datasets.synthetic import generate_network, write_network
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.dataset import Dataset
from chainatlas.network.csr_io import SegmentCoder, graph_nbytes, pack_firm_graph
from chainatlas.network.graph import FirmGraph
from chainatlas.readers import network_parquet as pqr
from chainatlas.services.scale import large_run, load_graph

ARRAYS = ("firm_ids", "segment_ids", "firm_segment", "firm_region", "firm_foreign", "capacity",
          "src", "dst", "edge_segment", "value", "lead_time", "fs_firm", "fs_segment",
          "fs_capacity", "fs_output_value", "segment_essential", "segment_key_technology",
          "in_indptr", "in_order", "out_indptr", "out_order")


def assert_same_graph(a: FirmGraph, b: FirmGraph) -> None:
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        assert x.shape == y.shape, name
        if x.dtype.kind == "f":
            np.testing.assert_array_equal(x, y, err_msg=name)
        else:
            assert np.array_equal(x, y), name


def _batches(frame: pd.DataFrame, rows: int) -> list[pa.RecordBatch]:
    return pa.Table.from_pandas(frame, preserve_index=False).to_batches(max_chunksize=rows)


def _tiny() -> Dataset:
    """Four firms, one unknown segment mentioned only by a link, a foreign firm."""
    firms = pd.DataFrame({"id": ["a", "b", "c", "d"], "name": ["A", "B", "C", "D"],
                          "region": ["310000", "320100", None, "JPN"],
                          "country": ["CHN", "CHN", "CHN", "JPN"]})
    segments = pd.DataFrame({"id": ["s1", "s2"], "name": ["S1", "S2"],
                             "essential": [True, False], "key_technology": [False, True]})
    fs = pd.DataFrame({"firm": ["a", "b", "b", "c"], "segment": ["s1", "s1", "s2", "s3"],
                       "capacity": [10.0, 5.0, 7.0, np.nan],
                       "output_value": [100.0, 50.0, 80.0, 20.0]})
    links = pd.DataFrame({"supplier": ["a", "b", "d", "a"], "customer": ["b", "c", "c", "c"],
                          "segment": ["s1", "s2", "s9", None], "value": [10.0, 20.0, None, 5.0],
                          "lead_time_days": [1.0, 2.0, 30.0, None]})
    return Dataset("tiny", {"firms": firms, "segments": segments, "firm_segments": fs,
                            "supply_links": links})


@pytest.mark.parametrize("rows", [1, 2, 100])
def test_tiny_packing_matches_from_dataset(rows: int) -> None:
    ds = _tiny()
    g = pack_firm_graph(_batches(ds.firms, rows), _batches(ds.firm_segments, rows),
                        _batches(ds.supply_links, rows), segments=ds.segments)
    assert_same_graph(FirmGraph.from_dataset(ds), g)
    # hand-checked: b's main segment is s2 (output 80 > 50); s3 then s9 appended in mention order
    assert g.segment_ids.tolist() == ["s1", "s2", "s3", "s9"]
    assert g.firm_segment.tolist() == [0, 1, 2, -1]
    assert g.src.tolist() == [0, 1, 3, 0] and g.dst.tolist() == [1, 2, 2, 2]
    assert g.edge_segment.tolist() == [0, 1, 3, -1]
    assert g.firm_foreign.tolist() == [False, False, False, True]
    assert g.firm_region.tolist() == ["310000", "320100", "", "JPN"]
    assert g.segment_essential.tolist() == [True, False, True, True]


def test_demo_packing_matches_from_dataset() -> None:
    ds = load_demo("yrd-nev")
    g = pack_firm_graph(_batches(ds.firms, 37), _batches(ds.firm_segments, 41),
                        _batches(ds.supply_links, 53), segments=ds.segments,
                        n_firm_segments=10, n_links=7)  # wrong hints: arrays must grow
    assert_same_graph(FirmGraph.from_dataset(ds), g)


def test_parquet_folder_and_parts_match(tmp_path: Path) -> None:
    frames = generate_network(3000, 12000, n_sectors=12, seed=3)
    write_network(frames, tmp_path / "one")
    # the same network with supply_links split into three part files
    parts = tmp_path / "parts"
    write_network({k: v for k, v in frames.items() if k != "supply_links"}, parts)
    (parts / "supply_links").mkdir()
    links = pa.Table.from_pandas(frames["supply_links"], preserve_index=False)
    for k, a in enumerate(range(0, len(links), 5000)):
        pq.write_table(links.slice(a, 5000), parts / "supply_links" / f"part-{k:03d}.parquet")
    expected = FirmGraph.from_dataset(Dataset("syn", frames))
    g1, small = load_graph(tmp_path / "one", batch_rows=1000)
    g2, _ = load_graph(parts, batch_rows=777)
    assert_same_graph(expected, g1)
    assert_same_graph(expected, g2)
    assert len(small.segments) == 12 and len(small.firms) == 0
    assert pqr.count_rows(pqr.table_files(parts, "supply_links")) == 12000


def test_store_stream_matches_load_dataset(db_path: Path) -> None:
    from chainatlas.services.datasets import import_frames

    ds = load_demo("yrd-nev")
    import_frames(db_path, "yrd", {k: v for k, v in ds.tables.items() if len(v)})
    from chainatlas.services.datasets import load_dataset

    g, small = load_graph("yrd", db=db_path, batch_rows=64)
    assert_same_graph(FirmGraph.from_dataset(load_dataset(db_path, "yrd")), g)
    assert len(small.segment_inputs) == len(ds.segment_inputs)


def test_unknown_and_duplicate_firms_raise() -> None:
    ds = _tiny()
    bad = ds.supply_links.copy()
    bad.loc[0, "customer"] = "zz"
    with pytest.raises(InputError, match="supply_links refers to unknown firm.*zz"):
        pack_firm_graph(_batches(ds.firms, 2), _batches(ds.firm_segments, 2), _batches(bad, 2))
    dup = pd.concat([ds.firms, ds.firms.iloc[[1]]], ignore_index=True)
    with pytest.raises(InputError, match="duplicate firm id.*b"):
        pack_firm_graph(_batches(dup, 2), [], [])


def test_missing_folder_and_table(tmp_path: Path) -> None:
    with pytest.raises(DataNotFound):
        pqr.table_files(tmp_path / "nope", "firms")
    with pytest.raises(DataNotFound, match="supply_links"):
        pqr.table_files(tmp_path, "supply_links")


def test_memory_per_link_is_44_bytes() -> None:
    ds = load_demo("yrd-nev")
    g = pack_firm_graph(_batches(ds.firms, 50), _batches(ds.firm_segments, 50),
                        _batches(ds.supply_links, 50), segments=ds.segments)
    # int32 src, dst, segment (12) + float64 value, lead time (16) + int64 CSR orders (16)
    assert graph_nbytes(g)["per_link"] == 44 * g.n_edges


def test_segment_coder_grows_in_mention_order() -> None:
    c = SegmentCoder(["x"])
    assert c.encode(pa.array(["y", "x", None, "y", "", "z"])).tolist() == [1, 0, -1, 1, -1, 2]
    assert c.ids == ["x", "y", "z"]


def test_large_run_small_network(tmp_path: Path) -> None:
    write_network(generate_network(2000, 8000, n_sectors=10, seed=1), tmp_path)
    out = large_run(tmp_path, days=5, shocked_share=0.02, batch_rows=1500)
    assert out["firms"] == 2000 and out["links"] == 8000 and out["days"] == 5
    assert out["shocked_firms"] == 40
    assert 0.0 < out["min_output_ratio"] < 1.0
    assert out["bytes_per_link"] == 44.0


def test_stream_and_reader_argument_errors(db_path: Path, tmp_path: Path) -> None:
    from chainatlas.services.datasets import import_frames, open_store
    from chainatlas.store import stream

    demo = load_demo("yrd-nev")
    import_frames(db_path, "yrd", {k: v for k, v in demo.tables.items() if len(v)})
    with open_store(db_path, read_only=True) as store:
        with pytest.raises(InputError, match="no column"):
            list(stream.iter_batches(store, "yrd", "firms", ["id", "nope"]))
        with pytest.raises(InputError, match="batch_rows"):
            list(stream.iter_batches(store, "yrd", "firms", ["id"], batch_rows=0))
        with pytest.raises(DataNotFound):
            list(stream.iter_batches(store, "other", "firms", ["id"]))
        assert stream.count_rows(store, "yrd", "supply_links") == len(demo.supply_links)
        sizes = [b.num_rows for b in stream.iter_batches(store, "yrd", "firms", ["id"],
                                                         batch_rows=7)]
        assert sum(sizes) == len(demo.firms) and max(sizes) <= 7
    ds = _tiny()
    write_network({"firms": ds.firms}, tmp_path)
    files = pqr.table_files(tmp_path, "firms")
    # columns the file lacks are left out; rows keep their order
    batch = next(pqr.iter_batches(files, ["id", "ownership"], batch_rows=10))
    assert batch.schema.names == ["id"] and batch.column(0).to_pylist() == ["a", "b", "c", "d"]
    with pytest.raises(InputError, match="batch_rows"):
        next(pqr.iter_batches(files, ["id"], batch_rows=0))
    (tmp_path / "supply_links.parquet").write_text("not parquet")
    with pytest.raises(InputError, match="cannot read Parquet"):
        pqr.count_rows(pqr.table_files(tmp_path, "supply_links"))
