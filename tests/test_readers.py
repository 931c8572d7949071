"""Readers: encodings, delimiters, formats, headers in Chinese/English, cell coercion, regions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chainatlas.exceptions import InputError, ValidationError
from chainatlas.model.tables import get_spec
from chainatlas.readers import detect_encoding, map_headers, normalise_header, read_file
from chainatlas.readers.coerce import coerce_column
from chainatlas.readers.regions import region_reference, resolve_region_values

CSV_TEXT = "企业编号,企业名称,所在地区\nF1,甲电池有限公司,桐城市\nF2,乙汽车,南京\n"


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    raw = read_file(path)
    assert raw.encoding == expected
    assert list(raw.frame.columns) == ["企业编号", "企业名称", "所在地区"]
    assert raw.frame["企业名称"].tolist() == ["甲电池有限公司", "乙汽车"]


def test_gb18030_only_characters(tmp_path: Path) -> None:
    # '𠀀' (U+20000) is outside GBK but encodable in GB18030.
    path = tmp_path / "f.csv"
    path.write_bytes("id,name\nF1,𠀀号\n".encode("gb18030"))
    assert read_file(path).frame["name"].tolist() == ["𠀀号"]


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"id,name\nF1,ok\nF2,\xff\xfe\xff\n")
    with pytest.raises(ValidationError) as info:
        read_file(path)
    problem = info.value.problems[0]
    assert problem.file == "bad.csv" and problem.row == 3
    assert "undecodable bytes" in problem.message


def test_detect_encoding_on_bytes() -> None:
    assert detect_encoding("南京".encode()) == "utf-8"
    assert detect_encoding("南京".encode("gbk")) == "gb18030"


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match="the file is empty"):
        read_file(path)


def test_header_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="no data rows"):
        read_file(path)


@pytest.mark.parametrize("sep", ["\t", ";", "|"])
def test_other_delimiters(tmp_path: Path, sep: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"id{sep}name\nF1{sep}甲\n", encoding="utf-8")
    assert read_file(path).frame.to_dict("list") == {"id": ["F1"], "name": ["甲"]}


def test_blank_lines_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id,name\nF1,a\n\nF3,c\n", encoding="utf-8")
    raw = read_file(path)
    assert (raw.frame.index + raw.row_base).tolist() == [2, 4]


def test_excel_sheets(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"说明": ["x"]}).to_excel(w, sheet_name="README", index=False)
        pd.DataFrame({"企业编号": ["F1"], "员工人数": [12]}).to_excel(w, sheet_name="企业",
                                                                 index=False)
        pd.DataFrame({"id": ["F9"]}).to_excel(w, sheet_name="other", index=False)
    assert read_file(path, sheet_hints=("firms", "企业")).sheet == "企业"
    assert read_file(path).sheet == "README"
    assert read_file(path, sheet="other").frame["id"].tolist() == ["F9"]
    with pytest.raises(ValidationError) as info:
        read_file(path, sheet="供应商")
    text = str(info.value)
    assert "no sheet '供应商'" in text and "'README', '企业', 'other'" in text


def test_sheet_option_needs_excel(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id\nx\n", encoding="utf-8")
    with pytest.raises(InputError, match="Excel files only"):
        read_file(path, sheet="a")


def test_parquet_and_json(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["F1", "F2"], "employees": pa.array([1, None], pa.int64()),
                             "tags": pa.array([["a"], []], pa.list_(pa.string()))}),
                   tmp_path / "f.parquet")
    raw = read_file(tmp_path / "f.parquet")
    assert raw.row_base == 1 and raw.frame["employees"].dtype == "Int64"
    (tmp_path / "f.json").write_text(json.dumps([{"id": "F1", "name": "甲"}], ensure_ascii=False),
                                     encoding="utf-8")
    assert read_file(tmp_path / "f.json").frame.to_dict("list") == {"id": ["F1"], "name": ["甲"]}
    (tmp_path / "f.jsonl").write_text('{"id": "F1"}\n{"id": "F2"}\n', encoding="utf-8")
    assert read_file(tmp_path / "f.jsonl").frame["id"].tolist() == ["F1", "F2"]
    (tmp_path / "multi.json").write_text('{"firms": [{"id": "F7"}]}', encoding="utf-8")
    assert read_file(tmp_path / "multi.json", table="firms").frame["id"].tolist() == ["F7"]
    (tmp_path / "bad.json").write_text('{"id": ', encoding="utf-8")
    with pytest.raises(ValidationError, match="invalid JSON"):
        read_file(tmp_path / "bad.json")


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_file(tmp_path / "nope.csv")
    (tmp_path / "f.dat").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the format"):
        read_file(tmp_path / "f.dat")


def test_headers_chinese_english_fullwidth_and_case() -> None:
    spec = get_spec("firm_segments")
    m = map_headers(["企业编号", " SEGMENT ", "产能（单位/天）", "ｕｎｉｔ", "备注"], spec)
    assert m.columns == {"企业编号": "firm", " SEGMENT ": "segment",
                         "产能（单位/天）": "capacity", "ｕｎｉｔ": "unit"}
    assert m.unknown == ["备注"] and m.missing == []
    m = map_headers(["firm", "firm_id"], spec)
    assert m.clashes == [("firm", "firm_id", "firm")] and m.missing == ["segment"]
    assert normalise_header("Ｌｅａｄ ＿Time") == "lead_time"


def test_coerce_numbers_with_fullwidth_digits_and_separators() -> None:
    col = get_spec("firms").column("revenue")
    values, bad = coerce_column(pd.Series(["1,200.5", "１２", " 3 ", "abc", None]), col)
    assert values.tolist()[:3] == [1200.5, 12.0, 3.0]
    assert bad.tolist() == [False, False, False, True, False]


def test_coerce_whole_numbers() -> None:
    col = get_spec("firms").column("employees")
    values, bad = coerce_column(pd.Series(["12", "12.0", "12.5", "x"]), col)
    assert values.iloc[0] == 12 and values.iloc[1] == 12
    assert bad.tolist() == [False, False, True, True]


def test_coerce_bool_choice_tags_date() -> None:
    seg = get_spec("segments")
    values, bad = coerce_column(pd.Series(["是", "否", "TRUE", "0", "也许"]), seg.column("essential"))
    assert values.tolist()[:4] == [True, False, True, False] and bad.tolist()[4]
    values, bad = coerce_column(pd.Series(["上游", "Midstream", "下游", "旁路"]), seg.column("stage"))
    assert values.tolist()[:3] == ["upstream", "midstream", "downstream"] and bad.tolist()[3]
    values, _ = coerce_column(pd.Series(["链主;高新", "链主，专精特新、上市", None]),
                              get_spec("firms").column("tags"))
    assert values.tolist() == [["链主", "高新"], ["链主", "专精特新", "上市"], []]
    values, bad = coerce_column(pd.Series(["2023-06-01", "2023/6/1", "2023-02-30"]),
                                get_spec("investments").column("date"))
    assert values.tolist()[:2] == ["2023-06-01", "2023-06-01"] and bad.tolist() == [
        False, False, True]


def test_region_reference_from_cpca() -> None:
    ref = region_reference().set_index("code")
    assert ref.loc["340881", "name"] == "桐城市" and ref.loc["340881", "parent"] == "340800"
    assert ref.loc["320100", "level"] == "city" and ref.loc["320000", "level"] == "province"
    assert ref.loc["JPN", "level"] == "country" and ref.loc["JPN", "name_en"] == "Japan"
    assert abs(ref.loc["320100", "lon"] - 118.8) < 0.1


def test_region_names_resolve_with_cpca() -> None:
    values = pd.Series(["南京市", "桐城", "安徽省桐城市", "永康市", "上海", "江苏", "320500",
                        "jpn", "日本", "３４０１００", "火星", None], dtype="string")
    res = resolve_region_values(values)
    codes, unresolved = res.codes, res.unresolved
    assert codes.tolist()[:10] == ["320100", "340881", "340881", "330784", "310000", "320000",
                                   "320500", "JPN", "JPN", "340100"]
    assert unresolved.tolist() == [False] * 10 + [True, False]
    assert pd.isna(codes.iloc[11])


def test_excel_numbers_as_codes(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    pd.DataFrame({"id": ["F1"], "region": [320100], "employees": [np.float64(5)]}).to_excel(
        path, index=False)
    frame = read_file(path).frame
    values, bad = coerce_column(frame["region"], get_spec("firms").column("region"))
    assert values.tolist() == ["320100"] and not bad.any()


def test_parquet_tags_in_several_row_groups(tmp_path: Path) -> None:
    tags = [["链主", "高新"], [], None, [" 上市 ", ""], ["a"]]
    pq.write_table(pa.table({"tags": pa.array(tags, pa.list_(pa.string()))}),
                   tmp_path / "t.parquet", row_group_size=2)
    raw = read_file(tmp_path / "t.parquet")
    col = get_spec("firms").column("tags")
    values, bad = coerce_column(raw.frame["tags"], col)
    assert values.tolist() == [["链主", "高新"], [], [], ["上市"], ["a"]] and not bad.any()
    clean = pa.table({"tags": pa.array([["x"], ["y", "z"], []] * 3, pa.list_(pa.string()))})
    pq.write_table(clean, tmp_path / "c.parquet", row_group_size=2)
    values, _ = coerce_column(read_file(tmp_path / "c.parquet").frame["tags"], col)
    assert values.tolist() == [["x"], ["y", "z"], []] * 3


def test_docs_table_reference_is_current() -> None:
    from chainatlas.readers.writers import tables_markdown

    docs = (Path(__file__).resolve().parents[1] / "docs" / "data.md").read_text(encoding="utf-8")
    embedded = docs.split("<!-- tables:begin -->\n")[1].split("<!-- tables:end -->")[0]
    assert embedded == tables_markdown(), "regenerate the table reference in docs/data.md"
