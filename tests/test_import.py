"""Validated import: one test per problem case, round trips, atomicity, properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainatlas.exceptions import DataNotFound, LimitExceeded, ValidationError
from chainatlas.model.tables import TABLE_ORDER
from chainatlas.readers import find_cycle
from chainatlas.services import datasets as svc
from chainatlas.store import Store

# --------------------------------------------------------------------------- a small dataset


def base_frames() -> dict[str, pd.DataFrame]:
    """A tiny chain: chips and cells feed packs, packs feed vehicles."""
    return {
        "chains": pd.DataFrame({"id": ["nev"], "name": ["新能源汽车"], "name_en": ["NEV"]}),
        "segments": pd.DataFrame({
            "id": ["chips", "cells", "pack", "vehicle"],
            "chain": ["nev"] * 4,
            "name": ["芯片", "电芯", "电池包", "整车"],
            "stage": ["upstream", "midstream", "midstream", "downstream"],
            "parent": [None, None, "cells", None],
            "essential": [True, True, True, False],
            "key_technology": [True, False, False, False],
        }),
        "segment_inputs": pd.DataFrame({
            "segment": ["pack", "vehicle", "vehicle"],
            "input_segment": ["cells", "pack", "chips"],
            "quantity": [96.0, 1.0, 1500.0],
            "share": [0.7, 0.4, 0.1 + 0.2],
        }),
        "firms": pd.DataFrame({
            "id": ["F1", "F2", "F3", "F4"],
            "name": ["甲电池有限公司", '乙汽车,"集团"', "东京芯片", "丙芯片"],
            "region": ["340881", "320100", "JPN", "310000"],
            "tags": [["链主", "高新"], [], ["上市"], ["专精特新"]],
            "employees": pd.array([1200, 300, None, 45], dtype="Int64"),
            "revenue": [250000.5, 1e-7, 1234.5678901234567, np.nan],
            "rd_intensity": [0.05, np.nan, 0.12, 0.3],
            "founded": pd.array([2015, 1999, 1980, None], dtype="Int64"),
        }),
        "firm_segments": pd.DataFrame({
            "firm": ["F1", "F2", "F3", "F4"],
            "segment": ["cells", "vehicle", "chips", "chips"],
            "capacity": [2000.0, 1500.0, 9e5, np.nan],
            "unit": ["套", "辆", "片", None],
            "output_value": [180000.0, 3.0e6, 5e4, 12.5],
        }),
        "supply_links": pd.DataFrame({
            "supplier": ["F1", "F3", "F4"],
            "customer": ["F2", "F2", "F2"],
            "segment": ["pack", "chips", "chips"],
            "value": [52000.0, 8000.25, np.nan],
            "share": [1.0, 0.6, 0.4],
            "lead_time_days": [1.5, 30.0, 2.0],
        }),
        "investments": pd.DataFrame({"investor": ["合肥产投"], "firm": ["F1"], "amount": [5e4],
                                     "date": ["2023-06-01"], "round": ["B"]}),
        "indicator_defs": pd.DataFrame({"indicator": ["rd"], "name": ["R&D强度"],
                                        "direction": ["+"], "unit": ["%"]}),
        "indicators": pd.DataFrame({"region": ["江苏省", "安徽"], "year": [2022, 2022],
                                    "indicator": ["rd", "rd"], "value": [3.12, 2.56]}),
        "innovation_assets": pd.DataFrame({
            "id": ["P1"], "kind": ["专利"], "title": ["一种高镍正极材料的包覆方法"],
            "text": ["本发明公开了……\n第二段"], "owner": ["中国科学技术大学"],
            "owner_kind": ["高校"], "region": ["合肥市"], "year": [2023], "ipc": ["H01M4/36"]}),
        "tech_needs": pd.DataFrame({"id": ["N1"], "firm": ["F1"], "title": ["隔膜涂覆工艺"],
                                    "segment": ["cells"]}),
    }


@pytest.fixture()
def db(db_path: Path) -> Path:
    svc.import_frames(db_path, "d", base_frames())
    return db_path


def snapshot(db: Path, name: str = "d") -> tuple[dict[str, pd.DataFrame], int, list[str]]:
    with Store.open(db, read_only=True) as store:
        ds = store.load_dataset(name)
        return ds.tables, store.dataset_version(name), store.list_frames(name)


def assert_unchanged(before: tuple[dict[str, pd.DataFrame], int, list[str]],
                     after: tuple[dict[str, pd.DataFrame], int, list[str]]) -> None:
    assert before[1] == after[1] and before[2] == after[2]
    for table in TABLE_ORDER:
        pd.testing.assert_frame_equal(before[0][table], after[0][table])


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(err: pytest.ExceptionInfo[ValidationError]) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in err.value.problems]


# --------------------------------------------------------------------------- the base dataset


def test_base_dataset_lands_with_resolved_regions_and_defaults(db: Path) -> None:
    ds = svc.load_dataset(db, "d")
    assert ds.counts()["firms"] == 4 and ds.counts()["supply_links"] == 3
    assert ds.indicators["region"].tolist() == ["320000", "340000"]
    assert ds.innovation_assets.loc[0, "region"] == "340100"
    assert ds.innovation_assets.loc[0, "kind"] == "patent"
    firms = ds.firms.set_index("id")
    assert firms.loc["F3", "country"] == "JPN" and firms.loc["F3", "ownership"] == "foreign"
    assert firms.loc["F1", "country"] == "CHN" and firms.loc["F1", "ownership"] == "domestic"
    # Places referred to but not given were taken from the built-in reference.
    regions = ds.regions.set_index("code")
    assert set(regions.index) == {"340881", "320100", "JPN", "310000", "320000", "340000",
                                  "340100"}
    assert regions.loc["340881", "name"] == "桐城市"


# --------------------------------------------------------------------------- one test per case


def test_missing_required_column(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv", "id,region\nF9,320100\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firms", path)
    assert problems_of(err) == [(None, "name")]
    assert "missing required column 'name' (企业名称)" in str(err.value)


def test_unknown_column_is_a_warning(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv", "id,name,region,备注\nF9,新企业,320100,x\n")
    report = svc.import_file(db, "d", "firms", path)
    assert report.tables["firms"] == 1
    assert [(w.column, w.severity) for w in report.warnings] == [("备注", "warning")]
    assert "unknown column '备注' ignored" in str(report.warnings[0])


def test_duplicate_id_in_file(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv",
                     "企业编号,企业名称,所在地区\nF7,a,320100\nF8,b,320100\nF7,c,320100\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firms", path)
    assert problems_of(err) == [(4, "企业编号")]
    assert "duplicate key (id='F7'), first on row 2" in str(err.value)


def test_duplicate_id_against_existing_rows_when_appending(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv", "id,name,region\nF9,x,320100\nF2,dup,320100\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firms", path, mode="append")
    assert problems_of(err) == [(3, "id")]
    assert "already in the dataset" in str(err.value)


def test_duplicate_composite_key_against_existing(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv",
                     "supplier,customer,segment\nF1,F2,pack\nF4,F1,chips\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "supply_links", path)
    assert problems_of(err) == [(2, "supplier")]


def test_unknown_region(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv",
                     "企业编号,企业名称,所在地区\nF9,a,南京市\nF10,b,火星基地\nF11,c,999999\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firms", path)
    assert problems_of(err) == [(3, "所在地区"), (4, "所在地区")]
    text = str(err.value)
    assert "unknown region (value: '火星基地')" in text and "'999999'" in text


def test_link_to_unknown_firm_or_segment(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv",
                     "供应商,客户,供应环节\nF3,F1,chips\nF99,F2,chips\nF3,F2,battery\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "supply_links", path)
    assert problems_of(err) == [(3, "供应商"), (4, "供应环节")]
    text = str(err.value)
    assert "unknown firm (not in firms) (value: 'F99')" in text
    assert "unknown segment (not in segments) (value: 'battery')" in text


def test_negative_capacity_and_value(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "fs.csv", "firm,segment,产能,output_value\nF2,pack,-5,1\n"
                                          "F4,cells,10,-0.5\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firm_segments", path)
    assert problems_of(err) == [(2, "产能"), (3, "output_value")]
    assert "negative number (value: '-5'); expected a number ≥ 0" in str(err.value)


def test_share_outside_unit_interval(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "links.csv",
                     "supplier,customer,segment,share\nF3,F1,chips,1.5\nF4,F1,chips,-0.1\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "supply_links", path)
    assert problems_of(err) == [(2, "share"), (3, "share")]
    assert "above the maximum 1" in str(err.value) and "between 0 and 1" in str(err.value)


def test_non_numeric_number(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv",
                     "id,name,region,employees,revenue\nF9,a,320100,十二,1\nF10,b,320100,3,n/a\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firms", path)
    assert problems_of(err) == [(2, "employees"), (3, "revenue")]
    assert "not a whole number (value: '十二')" in str(err.value)
    assert "not a number (value: 'n/a')" in str(err.value)


def test_empty_file(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv", "")
    with pytest.raises(ValidationError, match="firms.csv: the file is empty"):
        svc.import_file(db, "d", "firms", path)


def test_undecodable_bytes(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes("id,name,region\nF9,好,320100\n".encode() + b"F10,\x81\xff,320100\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firms", path)
    assert problems_of(err) == [(3, None)]
    assert "undecodable bytes" in str(err.value)


def test_bill_of_materials_cycle_is_named(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", "segment,input_segment\ncells,chips\nchips,vehicle\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "segment_inputs", path)
    text = str(err.value)
    assert "cycle" in text
    cycle = text.split("cycle: ")[1].split(" (value")[0].split(" → ")
    assert cycle[0] == cycle[-1] and set(cycle) == {"cells", "chips", "vehicle", "pack"}
    assert err.value.problems[0].column == "input_segment"


def test_self_loop_in_bill_of_materials(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", "segment,input_segment\nchips,chips\n")
    with pytest.raises(ValidationError, match="cycle: chips → chips"):
        svc.import_file(db, "d", "segment_inputs", path)


def test_find_cycle_on_acyclic_and_cyclic_graphs() -> None:
    dag = pd.DataFrame({"segment": ["a", "a", "b"], "input_segment": ["b", "c", "c"]})
    assert find_cycle(dag) is None
    cyc = pd.DataFrame({"segment": ["a", "b", "c", "x"], "input_segment": ["b", "c", "a", "a"]})
    assert find_cycle(cyc) in (["a", "b", "c", "a"], ["b", "c", "a", "b"], ["c", "a", "b", "c"])


def test_missing_excel_sheet(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "firms.xlsx"
    pd.DataFrame({"id": ["F9"], "name": ["a"], "region": ["320100"]}).to_excel(
        path, sheet_name="企业名录", index=False)
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firms", path, sheet="Sheet1")
    assert "there is no sheet 'Sheet1'" in str(err.value) and "'企业名录'" in str(err.value)
    report = svc.import_file(db, "d", "firms", path, sheet="企业名录")
    assert report.tables["firms"] == 1


def test_empty_required_cell_and_bad_choice(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "seg.csv", "id,chain,name,stage\nx1,nev,,upstream\nx2,nev,b,左游\n")
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "segments", path)
    assert problems_of(err) == [(2, "name"), (3, "stage")]
    assert "not one of upstream, midstream, downstream" in str(err.value)


def test_at_most_twenty_problems_listed_all_counted(db: Path, tmp_path: Path) -> None:
    rows = "".join(f"F{i},n,320100,-{i}\n" for i in range(100, 150))
    path = write_csv(tmp_path / "firms.csv", "id,name,region,revenue\n" + rows)
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firms", path)
    assert len(err.value.problems) == 20 and err.value.total == 50
    assert err.value.problems[0].row == 2 and err.value.problems[-1].row == 21
    assert "… and 30 more" in str(err.value)


def test_replacing_a_table_may_not_orphan_rows(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv", "id,name,region\nF1,a,320100\nF2,b,320100\n")
    with pytest.raises(ValidationError, match="would leave 2 row"):
        svc.import_file(db, "d", "firms", path, mode="replace")


def test_row_limit(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINATLAS_MAX_ROWS", "2")
    path = write_csv(tmp_path / "firms.csv", "id,name,region\nA,a,1\nB,b,1\nC,c,1\n")
    with pytest.raises(LimitExceeded, match="more than 2 rows"):
        svc.import_file(db, "d", "firms", path)


def test_missing_dataset_without_create(db_path: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "chains.csv", "id,name\nc,链\n")
    with pytest.raises(DataNotFound):
        svc.import_file(db_path, "new", "chains", path, create=False)
    with pytest.raises(DataNotFound, match="no dataset 'new'.*the store is empty"):
        svc.load_dataset(db_path, "new")
    with pytest.raises(DataNotFound, match="no store at"):
        svc.load_dataset(tmp_path / "none.duckdb", "new")


# --------------------------------------------------------------------------- encodings, headers


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_gbk_and_bom_files_with_chinese_headers_and_place_names(
        db: Path, tmp_path: Path, encoding: str) -> None:
    text = ("企业编号,企业名称,所在地区,企业标签,从业人数,营业收入(万元)\n"
            "G1,永康车载软件测试中心,永康市,高新；专精特新,85,1.5e3\n"
            "G2,苏州某电机,江苏省苏州市,,１２０,\n")
    path = write_csv(tmp_path / "firms.csv", text, encoding)
    report = svc.import_file(db, "d", "firms", path)
    assert sorted(report.regions_added) == ["320500", "330784"]
    firms = svc.load_dataset(db, "d").firms.set_index("id")
    assert firms.loc["G1", "region"] == "330784" and firms.loc["G2", "region"] == "320500"
    assert firms.loc["G1", "name"] == "永康车载软件测试中心"
    assert firms.loc["G1", "tags"] == ["高新", "专精特新"] and firms.loc["G2", "tags"] == []
    assert firms.loc["G2", "employees"] == 120 and np.isnan(firms.loc["G2", "revenue"])


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_import_export_import_is_identical(db: Path, tmp_path: Path, fmt: str) -> None:
    paths = svc.export_dataset(db, "d", tmp_path / "out", fmt)
    assert {p.name for p in paths} == {f"{t}.{fmt}" for t in svc.load_dataset(db, "d").present()}
    svc.import_directory(db, "copy", tmp_path / "out")
    first = svc.load_dataset(db, "d")
    second = svc.load_dataset(db, "copy")
    for table in TABLE_ORDER:
        pd.testing.assert_frame_equal(first.table(table), second.table(table), obj=table)
    # and once more through the files of the copy
    svc.export_dataset(db, "copy", tmp_path / "out2", fmt)
    svc.import_directory(db, "copy2", tmp_path / "out2")
    third = svc.load_dataset(db, "copy2")
    for table in TABLE_ORDER:
        pd.testing.assert_frame_equal(first.table(table), third.table(table), obj=table)


def test_per_table_round_trip_through_import_file(db: Path, tmp_path: Path) -> None:
    svc.export_dataset(db, "d", tmp_path / "out", "csv")
    for table in svc.load_dataset(db, "d").present():
        svc.import_file(db, "single", table, tmp_path / "out" / f"{table}.csv")
    a, b = svc.load_dataset(db, "d"), svc.load_dataset(db, "single")
    for table in TABLE_ORDER:
        pd.testing.assert_frame_equal(a.table(table), b.table(table), obj=table)


def test_template_imports_back(tmp_path: Path, db_path: Path) -> None:
    for lang in ("zh", "en"):
        for fmt in ("csv", "xlsx"):
            path = svc.template("firms", lang, tmp_path / f"firms_{lang}.{fmt}")
            report = svc.import_file(db_path, f"t-{lang}-{fmt}", "firms", path)
            assert report.tables["firms"] == 1
            firm = svc.load_dataset(db_path, f"t-{lang}-{fmt}").firms.iloc[0]
            assert firm["id"] == "F001" and firm["region"] == "340881"
            assert firm["tags"] == ["高新", "规上"] and firm["founded"] == 2015
    head = (tmp_path / "firms_zh.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.startswith("企业编号,企业名称,所在地区")


# --------------------------------------------------------------------------- atomicity


def test_failed_import_near_end_of_100k_rows_leaves_store_unchanged(
        db: Path, tmp_path: Path) -> None:
    n = 100_000
    ids = [f"X{i:06d}" for i in range(n)]
    revenue = [f"{i * 1.5}" for i in range(n)]
    revenue[n - 3] = "12O.5"  # a letter O where a zero belongs, on file row n - 1
    frame = pd.DataFrame({"id": ids, "name": "某企业", "region": "320100", "revenue": revenue})
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    before = snapshot(db)
    for mode in ("append", "replace"):
        with pytest.raises(ValidationError) as err:
            svc.import_file(db, "d", "firms", path, mode=mode)  # type: ignore[arg-type]
        # (replacing firms would also orphan the dataset's links: listed before the bad cell)
        assert problems_of(err)[-1] == (n - 1, "revenue")
        assert "12O.5" in str(err.value)
        assert_unchanged(before, snapshot(db))
    good = path.read_text(encoding="utf-8").replace("12O.5", "120.5")
    path.write_text(good, encoding="utf-8")
    assert svc.import_file(db, "d", "firms", path).tables["firms"] == n


def test_failure_while_writing_rolls_back(db: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    frames = base_frames()
    frames["firms"] = frames["firms"].assign(id=["H1", "H2", "H3", "H4"])
    frames = {"chains": pd.DataFrame({"id": ["x"], "name": ["x链"]}), "firms": frames["firms"]}
    before = snapshot(db)
    calls = {"n": 0}
    original = Store._insert

    def failing(*args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_insert", staticmethod(failing))
    with pytest.raises(OSError, match="disk full"):
        svc.import_frames(db, "d", frames)
    assert calls["n"] == 2
    monkeypatch.undo()
    assert_unchanged(before, snapshot(db))


# --------------------------------------------------------------------------- properties

_TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ019 _-,;'\"甲乙丙链主电池（）")),
                min_size=1, max_size=12).map(str.strip).filter(bool)
_TAG = st.text(alphabet=st.sampled_from(list("链主高新专精特abc12")), min_size=1, max_size=4)


@st.composite
def firm_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 12))
    ids = draw(st.lists(_TEXT, min_size=n, max_size=n, unique=True))
    opt_int = st.one_of(st.none(), st.integers(0, 10**12))
    opt_float = st.one_of(st.none(), st.floats(0, 1e15, allow_nan=False))
    return pd.DataFrame({
        "id": ids,
        "name": draw(st.lists(_TEXT, min_size=n, max_size=n)),
        "region": draw(st.lists(st.sampled_from(["320100", "340881", "JPN", "310000"]),
                                min_size=n, max_size=n)),
        "tags": draw(st.lists(st.lists(_TAG, max_size=3), min_size=n, max_size=n)),
        "employees": pd.array(draw(st.lists(opt_int, min_size=n, max_size=n)), dtype="Int64"),
        "revenue": pd.array(draw(st.lists(opt_float, min_size=n, max_size=n)),
                            dtype="Float64").astype("float64"),
        "rd_intensity": pd.array(draw(st.lists(st.one_of(st.none(), st.floats(0, 1)),
                                               min_size=n, max_size=n)),
                                 dtype="Float64").astype("float64"),
    })


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(firms=firm_frames(), fmt=st.sampled_from(["csv", "parquet", "xlsx"]))
def test_random_valid_frames_round_trip_exactly(tmp_path_factory: pytest.TempPathFactory,
                                                firms: pd.DataFrame, fmt: str) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    db = tmp / "p.duckdb"
    with Store.open(db) as store:
        svc.import_frames(store, "p", {"firms": firms})
        loaded = store.load_dataset("p").firms
        for col in ("id", "name", "region"):
            assert loaded[col].tolist() == firms[col].tolist()
        assert loaded["tags"].tolist() == firms["tags"].tolist()
        assert loaded["employees"].tolist() == firms["employees"].tolist()
        np.testing.assert_array_equal(loaded["revenue"].to_numpy(), firms["revenue"].to_numpy())
        svc.export_dataset(store, "p", tmp / "out", fmt)
        svc.import_directory(store, "q", tmp / "out")
        again = store.load_dataset("q")
        for table in TABLE_ORDER:
            pd.testing.assert_frame_equal(store.load_dataset("p").table(table), again.table(table))


def test_import_frames_names_table_and_row(db: Path) -> None:
    links = pd.DataFrame({"supplier": ["F1", "F1"], "customer": ["F4", "F404"],
                          "segment": ["cells", "cells"]})
    with pytest.raises(ValidationError) as err:
        svc.import_frames(db, "d", {"supply_links": links}, source="willems_01.csv")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column) == (
        "willems_01.csv:supply_links", 2, "customer")


def test_parquet_and_json_rows_count_records_from_one(db: Path, tmp_path: Path) -> None:
    fs = pd.DataFrame({"firm": ["F2", "F3", "F4"], "segment": ["pack", "pack", "pack"],
                       "capacity": [1.0, 2.0, -3.0]})
    fs.to_parquet(tmp_path / "fs.parquet", index=False)
    with pytest.raises(ValidationError) as err:
        svc.import_file(db, "d", "firm_segments", tmp_path / "fs.parquet")
    assert problems_of(err) == [(3, "capacity")]
    (tmp_path / "fs.json").write_text(
        '[{"企业编号": "F2", "环节编号": "pack", "产能": 5}, {"企业编号": "F3", "环节编号": "pack"}]',
        encoding="utf-8")
    report = svc.import_file(db, "d", "firm_segments", tmp_path / "fs.json")
    assert report.tables == {"firm_segments": 2}
    got = svc.load_dataset(db, "d").firm_segments.set_index(["firm", "segment"])
    assert got.loc[("F2", "pack"), "capacity"] == 5.0
    assert np.isnan(got.loc[("F3", "pack"), "capacity"])


@pytest.mark.parametrize("table", TABLE_ORDER)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_template_example_row_is_valid(tmp_path: Path, table: str, lang: str) -> None:
    from chainatlas.model.dataset import empty_frame
    from chainatlas.readers import read_file, validate_import

    path = svc.template(table, lang, tmp_path / f"{table}.xlsx")
    raw = read_file(path, sheet_hints=(table,) if lang == "en" else ())
    try:
        checked = validate_import({table: raw}, lambda t, cols: empty_frame(t)[cols])
        assert len(checked.frames[table]) == 1 and not checked.warnings
    except ValidationError as err:  # only references to rows an empty dataset lacks
        assert all(p.message.startswith("unknown ") and "(not in " in p.message
                   for p in err.problems), str(err)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(firms=firm_frames(), data=st.data())
def test_one_bad_cell_is_reported_at_its_row_and_nothing_lands(
        tmp_path_factory: pytest.TempPathFactory, firms: pd.DataFrame, data: st.DataObject) -> None:
    tmp = tmp_path_factory.mktemp("bad")
    position = data.draw(st.integers(0, len(firms) - 1))
    column = data.draw(st.sampled_from(["employees", "revenue", "rd_intensity"]))
    bad = data.draw(st.sampled_from(["abc", "-1", "1e999x", "五"]))
    text = firms.astype({column: object})
    text.loc[position, column] = bad
    text["tags"] = [";".join(t) for t in firms["tags"]]
    text.to_csv(tmp / "firms.csv", index=False)
    with Store.open(tmp / "s.duckdb") as store:
        store.create_dataset("p")
        with pytest.raises(ValidationError) as err:
            svc.import_file(store, "p", "firms", tmp / "firms.csv")
        assert problems_of(err) == [(position + 2, column)]
        assert store.table_counts("p")["firms"] == 0 and store.dataset_version("p") == 0
