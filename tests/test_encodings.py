"""Text encodings of imported files: each published encoding imported exactly, or refused.

The files are written here byte for byte as Windows and Excel write them: Big5 (CP950) from a
Taiwanese Windows, GB18030/GBK from a mainland one, UTF-16 "Unicode text" from Excel (BOM,
tab-separated, CRLF), UTF-8 with a BOM (Excel's "CSV UTF-8"). A Big5 file is never stored as
GB18030 mojibake: it is either read as Big5 or refused with a message naming ``--encoding``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.exceptions import InputError, ValidationError
from chainatlas.readers.encoding import decode_bytes, detect_encoding
from chainatlas.readers.tabular import read_file
from chainatlas.services import datasets as svc

TRADITIONAL = [
    ("F1", "鴻海精密工業股份有限公司", "新北市土城區自由街2號"),
    ("F2", "台灣積體電路製造股份有限公司", "新竹科學園區力行六路8號"),
    ("F3", "聯華電子股份有限公司", "新竹市東區力行二路3號"),
    ("F4", "廣達電腦股份有限公司", "桃園市龜山區文化二路188號"),
]
SIMPLIFIED = [
    ("G1", "宁德时代新能源科技股份有限公司", "福建省宁德市蕉城区漳湾镇新港路2号"),
    ("G2", "比亚迪股份有限公司", "广东省深圳市坪山区比亚迪路3009号"),
    ("G3", "苏州精密工业有限公司", "江苏省苏州市吴中区"),
]


def _csv(rows: list[tuple[str, str, str]], sep: str = ",", eol: str = "\n") -> str:
    lines = [sep.join(("id", "name", "address", "region"))]
    lines += [sep.join((*r, "710000" if r[0].startswith("F") else "350000")) for r in rows]
    return eol.join(lines) + eol


def _firms(db: Path, dataset: str = "d") -> pd.DataFrame:
    ds = svc.load_dataset(db, dataset)
    return ds.table("firms").set_index("id")


def _import(tmp_path: Path, raw: bytes, name: str = "firms.csv", **kw: object) -> pd.DataFrame:
    path = tmp_path / name
    path.write_bytes(raw)
    db = tmp_path / "s.duckdb"
    svc.import_file(db, "d", "firms", path, **kw)  # type: ignore[arg-type]
    return _firms(db)


def _frame_names(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    return {r[0]: r[1] for r in rows}


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(("encoding", "rows", "expected"), [
    ("cp950", TRADITIONAL, "cp950"),
    ("big5", TRADITIONAL, "cp950"),
    ("gb18030", SIMPLIFIED, "gb18030"),
    ("gbk", SIMPLIFIED, "gb18030"),
    ("gb18030", TRADITIONAL, "gb18030"),     # traditional text saved on a mainland Windows
])
def test_legacy_encodings_are_told_apart(encoding: str, rows: list[tuple[str, str, str]],
                                         expected: str) -> None:
    raw = _csv(rows).encode(encoding)
    assert detect_encoding(raw, "f.csv") == expected
    assert decode_bytes(raw, "f.csv")[0] == _csv(rows)


def test_big5_bytes_are_valid_gb18030_which_is_the_trap() -> None:
    # The reason for scoring: a plain "first decoder that works" would take GB18030.
    raw = "鴻海精密工業".encode("cp950")
    garbled = raw.decode("gb18030")
    assert garbled != "鴻海精密工業"
    assert detect_encoding(raw, "f.csv") == "cp950"


def test_short_big5_name_is_still_read_as_big5() -> None:
    raw = "id,name\nF1,鴻海\n".encode("cp950")
    assert decode_bytes(raw)[0] == "id,name\nF1,鴻海\n"


def test_utf16_without_bom_is_recognised() -> None:
    text = _csv(TRADITIONAL, "\t", "\r\n")
    assert detect_encoding(text.encode("utf-16-le")) == "utf-16-le"
    assert detect_encoding(text.encode("utf-16-be")) == "utf-16-be"


def test_latin1_text_is_refused_not_read_as_chinese() -> None:
    raw = "id,name\nE1,Société Générale Zürich\n".encode("cp1252")
    # GB18030 would decode these bytes (é+t is a valid double-byte pair) into Chinese characters.
    with pytest.raises(ValidationError) as info:
        detect_encoding(raw, "eu.csv")
    message = str(info.value)
    assert "--encoding" in message and "eu.csv" in message
    assert decode_bytes(raw, "eu.csv", "cp1252")[0].endswith("Société Générale Zürich\n")


def test_given_encoding_is_applied_strictly() -> None:
    raw = _csv(SIMPLIFIED).encode("gb18030")
    with pytest.raises(ValidationError) as info:
        detect_encoding(raw, "f.csv", "utf-8")
    assert "line 2" in str(info.value)
    with pytest.raises(InputError, match="unknown encoding"):
        detect_encoding(raw, "f.csv", "klingon")


# --------------------------------------------------------------------------- imports


def test_big5_file_is_imported_exactly(tmp_path: Path) -> None:
    firms = _import(tmp_path, _csv(TRADITIONAL).encode("cp950"))
    assert firms["name"].to_dict() == _frame_names(TRADITIONAL)


def test_gb18030_file_is_imported_exactly(tmp_path: Path) -> None:
    firms = _import(tmp_path, _csv(SIMPLIFIED).encode("gb18030"))
    assert firms["name"].to_dict() == _frame_names(SIMPLIFIED)


def test_excel_unicode_text_is_imported_exactly(tmp_path: Path) -> None:
    # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF line ends, .txt suffix.
    raw = codecs.BOM_UTF16_LE + _csv(TRADITIONAL + SIMPLIFIED, "\t", "\r\n").encode("utf-16-le")
    firms = _import(tmp_path, raw, "firms.txt")
    assert firms["name"].to_dict() == _frame_names(TRADITIONAL + SIMPLIFIED)
    assert firms["name"]["F4"] == "廣達電腦股份有限公司"


def test_utf8_bom_file_is_imported_exactly(tmp_path: Path) -> None:
    raw = codecs.BOM_UTF8 + _csv(TRADITIONAL + SIMPLIFIED).encode("utf-8")
    firms = _import(tmp_path, raw)
    assert firms["name"].to_dict() == _frame_names(TRADITIONAL + SIMPLIFIED)


def test_json_in_big5_is_imported_exactly(tmp_path: Path) -> None:
    import json

    records = [{"id": i, "name": n, "region": "710000"} for i, n, _ in TRADITIONAL]
    raw = json.dumps(records, ensure_ascii=False).encode("cp950")
    firms = _import(tmp_path, raw, "firms.json")
    assert firms["name"].to_dict() == _frame_names(TRADITIONAL)


def test_uncertain_file_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes("id,name,region\nE1,Société Générale,FRA\n".encode("cp1252"))
    db = tmp_path / "s.duckdb"
    with pytest.raises(ValidationError, match="--encoding"):
        svc.import_file(db, "d", "firms", path)
    assert not db.exists() or "d" not in svc.list_datasets(db)["name"].tolist()
    svc.import_file(db, "d", "firms", path, encoding="cp1252")
    assert _firms(db)["name"].to_dict() == {"E1": "Société Générale"}


def test_encoding_option_on_excel_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "firms.xlsx"
    pd.DataFrame({"id": ["F1"], "name": ["a"], "region": ["FRA"]}).to_excel(path, index=False)
    with pytest.raises(InputError, match="--encoding"):
        read_file(path, encoding="big5")


def test_cli_import_takes_encoding(tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(_csv(TRADITIONAL).encode("cp950"))
    db = tmp_path / "s.duckdb"
    runner = CliRunner()
    res = runner.invoke(app, ["import", "firms", str(path), "--dataset", "d",
                              "--db", str(db), "--encoding", "big5"])
    assert res.exit_code == 0, res.output
    assert _firms(db)["name"].to_dict() == _frame_names(TRADITIONAL)
    res = runner.invoke(app, ["import", "firms", str(path), "--dataset", "e",
                              "--db", str(db), "--encoding", "utf-8"])
    assert res.exit_code != 0
    assert "undecodable" in res.output


def test_matrix_files_of_other_commands_are_decoded_too(tmp_path: Path) -> None:
    # region × industry matrices, shocks, panels are read through the same detection
    from chainatlas.services.cluster import read_matrix

    path = tmp_path / "m.csv"
    path.write_bytes("region,industry,value\n臺北,電子,3\n高雄,鋼鐵,5\n".encode("cp950"))
    frame = read_matrix(path)
    assert sorted(frame.index.astype(str)) == ["臺北", "高雄"]
    assert sorted(frame.columns.astype(str)) == ["鋼鐵", "電子"]
