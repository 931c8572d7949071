"""The DuckDB store: catalogue, transactions, round trips, migrations, locks and bad files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from chainatlas.exceptions import DataNotFound, InputError, StoreError
from chainatlas.model.dataset import empty_frame
from chainatlas.store import SCHEMA_VERSION, Store


def _firms() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["F1", "F2", "F3"],
        "name": ["甲电池", "乙汽车", "O'Brien; DROP TABLE firms;--"],
        "region": ["340881", "320100", "JPN"],
        "country": ["CHN", "CHN", "JPN"],
        "ownership": ["domestic", "domestic", "foreign"],
        "tags": [["链主", "高新"], [], ["a;b", "含,逗号"]],
        "employees": pd.array([1200, None, 7], dtype="Int64"),
        "revenue": [250000.5, np.nan, 0.1 + 0.2],
        "rd_intensity": [0.05, 1e-300, np.nan],
        "founded": pd.array([2015, 1999, None], dtype="Int64"),
    })


def test_fresh_store_has_schema_and_no_datasets(db_path: Path) -> None:
    with Store.open(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.list_datasets() == []
        assert not store.has_dataset("x")


def test_create_list_delete(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.create_dataset("b")
        store.create_dataset("a")
        assert store.list_datasets() == ["a", "b"]
        with pytest.raises(InputError, match="already exists"):
            store.create_dataset("a")
        store.create_dataset("a", exist_ok=True)
        store.write_tables("a", {"firms": _firms()})
        store.write_frame("a", "io/Z", pd.DataFrame({"x": [1.0]}))
        store.delete_dataset("a")
        assert store.list_datasets() == ["b"]
        store.create_dataset("a")
        assert store.table_counts("a")["firms"] == 0
        assert store.list_frames("a") == []
        with pytest.raises(DataNotFound, match="no dataset 'zz'"):
            store.delete_dataset("zz")


@pytest.mark.parametrize("name", ["", "a b", "a'; DROP TABLE datasets;--", "-x", "x" * 65,
                                  "名称", None])
def test_unsafe_dataset_names_are_refused(db_path: Path, name: object) -> None:
    with Store.open(db_path) as store, pytest.raises(InputError, match="invalid dataset name"):
        store.create_dataset(name)  # type: ignore[arg-type]


def test_tables_round_trip_exactly_with_model_dtypes(db_path: Path) -> None:
    firms = _firms()
    with Store.open(db_path) as store:
        store.create_dataset("d")
        store.write_tables("d", {"firms": firms})
    with Store.open(db_path, read_only=True) as store:
        back = store.read_table("d", "firms")
        ds = store.load_dataset("d")
    expected = firms.reindex(columns=empty_frame("firms").columns).astype(
        empty_frame("firms").drop(columns="tags").dtypes.to_dict())
    pd.testing.assert_frame_equal(back, expected)
    assert back["tags"].tolist() == [["链主", "高新"], [], ["a;b", "含,逗号"]]
    assert back.loc[2, "revenue"] == 0.1 + 0.2  # bit-exact double
    assert ds.firms.equals(back)
    assert ds.meta["version"] == 1
    assert len(ds.supply_links) == 0 and list(ds.supply_links.columns) == \
        list(empty_frame("supply_links").columns)


def test_dates_round_trip_as_iso_text(db_path: Path) -> None:
    inv = pd.DataFrame({"investor": ["基金A", "基金B"], "firm": ["F1", "F2"],
                        "amount": [1.0, 2.0], "date": ["2023-06-01", None], "round": ["B", None]})
    with Store.open(db_path) as store:
        store.write_tables("d", {"investments": inv}, create=True)
        back = store.read_table("d", "investments")
    assert back["date"].tolist()[0] == "2023-06-01" and back["date"].isna().tolist()[1]


def test_append_replace_and_versions(db_path: Path) -> None:
    f = _firms()
    with Store.open(db_path) as store:
        store.create_dataset("d")
        assert store.dataset_version("d") == 0
        assert store.write_tables("d", {"firms": f.iloc[:2]}) == 1
        assert store.write_tables("d", {"firms": f.iloc[2:]}, mode="append") == 2
        assert store.read_table("d", "firms")["id"].tolist() == ["F1", "F2", "F3"]
        store.write_tables("d", {"firms": f.iloc[1:2]}, mode="replace")
        assert store.read_table("d", "firms")["id"].tolist() == ["F2"]
        store.write_frame("d", "cache", pd.DataFrame({"a": [1]}), bump_version=False)
        assert store.dataset_version("d") == 3
        store.write_frame("d", "io", pd.DataFrame({"a": [1]}))
        assert store.dataset_version("d") == 4


def test_datasets_are_isolated(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.write_tables("a", {"firms": _firms()}, create=True)
        store.write_tables("b", {"firms": _firms().iloc[:1]}, create=True)
        store.write_tables("b", {"firms": _firms().iloc[1:2]}, mode="replace")
        assert len(store.read_table("a", "firms")) == 3
        assert store.read_table("b", "firms")["id"].tolist() == ["F2"]


def test_failed_write_rolls_back_every_table(db_path: Path) -> None:
    good = pd.DataFrame({"id": ["nev"], "name": ["新能源汽车"]})
    bad = pd.DataFrame({"investor": ["x"], "firm": ["F1"], "date": ["not a date"]})
    with Store.open(db_path) as store:
        store.write_tables("d", {"firms": _firms()}, create=True)
        before = store.dataset_version("d")
        with pytest.raises(StoreError, match="rolled back"):
            store.write_tables("d", {"chains": good, "firms": _firms().iloc[:1],
                                     "investments": bad}, mode="replace")
        assert store.table_counts("d")["chains"] == 0
        assert len(store.read_table("d", "firms")) == 3
        assert store.dataset_version("d") == before


def test_write_to_missing_dataset_without_create(db_path: Path) -> None:
    with Store.open(db_path) as store, pytest.raises(DataNotFound):
        store.write_tables("nope", {"firms": _firms()})


def test_unknown_column_is_refused(db_path: Path) -> None:
    with Store.open(db_path) as store, pytest.raises(InputError, match="no column"):
        store.write_tables("d", {"firms": _firms().assign(extra=1)}, create=True)


def test_frames_round_trip_exactly(db_path: Path) -> None:
    z = pd.DataFrame(np.arange(6.0).reshape(2, 3) / 7, index=pd.Index(["农业", "工业"], name="row"),
                     columns=["a", "b", "c"])
    with Store.open(db_path) as store:
        store.create_dataset("d")
        store.write_frame("d", "io/2020/Z", z)
        store.write_frame("d", "io/2020/Z", z * 2)  # replaces
        store.write_frame("d", "a", pd.DataFrame({"s": ["x"]}))
        pd.testing.assert_frame_equal(store.read_frame("d", "io/2020/Z"), z * 2)
        assert store.list_frames("d") == ["a", "io/2020/Z"]
        assert store.delete_frame("d", "a") and not store.delete_frame("d", "a")
        with pytest.raises(DataNotFound, match="no frame"):
            store.read_frame("d", "a")


def test_read_only_store_refuses_writes_and_missing_files(db_path: Path, tmp_path: Path) -> None:
    with pytest.raises(DataNotFound, match="no store"):
        Store.open(tmp_path / "missing.duckdb", read_only=True)
    Store.open(db_path).close()
    with Store.open(db_path, read_only=True) as store, pytest.raises(StoreError, match="read-only"):
        store.create_dataset("x")


def test_corrupt_file_gives_store_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a readable DuckDB database"):
        Store.open(path)


def test_foreign_duckdb_file_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a chainatlas store"):
        Store.open(path)


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store.open(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("INSERT INTO chainatlas_schema VALUES (?, now(), 'future')", [SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(StoreError, match="newer than this release"):
        Store.open(db_path)


def test_missing_column_is_added_on_open(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.write_tables("d", {"firms": _firms()}, create=True)
    con = duckdb.connect(str(db_path))
    con.execute("ALTER TABLE t_firms DROP COLUMN founded")
    con.execute("DROP TABLE t_tech_needs")
    con.close()
    with Store.open(db_path) as store:
        back = store.read_table("d", "firms")
        assert back["founded"].isna().all() and back["id"].tolist() == ["F1", "F2", "F3"]
        assert store.table_counts("d")["tech_needs"] == 0


def test_outdated_store_is_migrated_by_a_read_only_open(db_path: Path) -> None:
    """A reader (``datasets list``, ``report``) of a store written by an older release just
    works: the additive migrations run on its open too, and it still refuses writes."""
    Store.open(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("DELETE FROM chainatlas_schema WHERE version >= 3")
    con.execute("DROP TABLE jobs")
    con.close()
    with Store.open(db_path, read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.check().ok
        with pytest.raises(StoreError, match="read-only"):
            store.create_dataset("x")


def test_file_locked_by_another_program(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A program that keeps the file open with DuckDB itself (not through a lease) is waited
    for up to CHAINATLAS_STORE_WAIT seconds, then named in a clear error."""
    monkeypatch.setenv("CHAINATLAS_STORE_WAIT", "0.5")
    Store.open(db_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db_path)!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="locked by another process"):
            Store.open(db_path)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)


def test_reader_threads_use_their_own_cursors(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.write_tables("d", {"firms": _firms()}, create=True)
        results: list[int] = []
        errors: list[BaseException] = []

        def read() -> None:
            try:
                for _ in range(5):
                    results.append(len(store.read_table("d", "firms")))
            except BaseException as err:  # noqa: BLE001 - collected for the assertion
                errors.append(err)

        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for _ in range(5):
            store.write_tables("d", {"firms": _firms()}, mode="replace")
        for t in threads:
            t.join()
        assert not errors and results == [3] * 20


def test_memory_store_and_closed_store(tmp_path: Path) -> None:
    store = Store.open(None)
    store.write_tables("m", {"chains": pd.DataFrame({"id": ["c"], "name": ["链"]})}, create=True)
    assert store.read_table("m", "chains")["name"].tolist() == ["链"]
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.list_datasets()


def test_read_only_open_while_this_process_writes(db_path: Path) -> None:
    with Store.open(db_path) as writer:
        writer.write_tables("d", {"firms": _firms()}, create=True)
        with Store.open(db_path, read_only=True) as reader:
            assert len(reader.read_table("d", "firms")) == 3
            with pytest.raises(StoreError, match="read-only"):
                reader.create_dataset("x")
        writer.create_dataset("x")  # the writer is unaffected
    with Store.open(db_path, read_only=True) as reader, Store.open(db_path) as writer:
        writer.create_dataset("y")  # both modes share the file in one process
        assert "y" in reader.list_datasets()


def test_a_store_held_too_long_by_another_process_is_reported_busy(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another chainatlas process inside one long operation: this one waits up to
    CHAINATLAS_STORE_WAIT seconds, then says the store is busy and who holds it; once the
    holder lets go, operations go through again."""
    Store.open(db_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from chainatlas.store import Store
            with Store.open({str(db_path)!r}) as s, s.connection():
                print("holding", flush=True)
                sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        monkeypatch.setenv("CHAINATLAS_STORE_WAIT", "0.5")
        with pytest.raises(StoreError, match=rf"is busy.*held by pid {holder.pid}"):
            Store.open(db_path)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    with Store.open(db_path) as store:
        assert store.list_datasets() == []
