"""The data commands: import, export, datasets list|show|delete, template; exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.services import datasets as svc

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    (tmp_path / "chains.csv").write_text("id,name\nnev,新能源汽车\n", encoding="utf-8")
    (tmp_path / "segments.csv").write_text(
        "环节编号,所属产业链,环节名称,上中下游\ncells,nev,电芯,中游\npack,nev,电池包,中游\n",
        encoding="utf-8")
    (tmp_path / "firms.csv").write_bytes(
        "企业编号,企业名称,所在地区,备注\nF1,甲电池,桐城市,x\nF2,乙汽车,南京市,y\n".encode("gbk"))
    (tmp_path / "links.csv").write_text(
        "supplier,customer,segment,share\nF1,F2,cells,0.5\nF1,F9,cells,2\n", encoding="utf-8")
    return tmp_path


def test_import_show_list_export_delete(files: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    for table in ("chains", "segments", "firms"):
        code, out, err = run("import", table, str(files / f"{table}.csv"), "-d", "nev",
                             "--db", db, "--format", "json")
        assert code == 0, err
    report = json.loads(out)
    assert report["tables"] == {"regions": 2, "firms": 2} and report["version"] == 3
    assert "warning:" in err and "unknown column '备注' ignored" in err

    code, out, _ = run("datasets", "list", "--db", db, "--format", "csv")
    assert code == 0
    listed = pd.read_csv(pd.io.common.StringIO(out))
    assert listed.loc[0, "name"] == "nev" and listed.loc[0, "firms"] == 2

    code, out, _ = run("datasets", "show", "nev", "--db", db, "--format", "json")
    shown = json.loads(out)
    assert code == 0 and shown["tables"]["segments"] == 2 and shown["version"] == 3
    code, out, _ = run("datasets", "show", "nev", "--db", db)
    assert code == 0 and "segments" in out

    code, out, _ = run("export", "-d", "nev", "--to", str(tmp_path / "out"), "--format",
                       "parquet", "--db", db)
    assert code == 0
    assert sorted(Path(p).name for p in out.split()) == [
        "chains.parquet", "firms.parquet", "regions.parquet", "segments.parquet"]
    code, _, err = run("import", "all", str(tmp_path / "out"), "-d", "copy", "--db", db)
    assert code == 0, err
    assert svc.load_dataset(db, "copy").firms.equals(svc.load_dataset(db, "nev").firms)

    code, _, err = run("datasets", "delete", "copy", "--db", db, "--yes")
    assert code == 0 and "deleted copy" in err
    assert svc.list_datasets(db)["name"].tolist() == ["nev"]


def test_bad_input_exits_1_with_problems_on_stderr(files: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    for table in ("chains", "segments", "firms"):
        assert run("import", table, str(files / f"{table}.csv"), "-d", "nev", "--db", db)[0] == 0
    code, out, err = run("import", "supply_links", str(files / "links.csv"), "-d", "nev",
                         "--db", db)
    assert code == 1 and out == ""
    assert err.startswith("error: import rejected: 2 problem(s)")
    assert "links.csv, row 3, column 'customer': unknown firm" in err
    assert "links.csv, row 3, column 'share': above the maximum 1" in err
    assert "Traceback" not in err
    assert svc.dataset_summary(db, "nev")["tables"]["supply_links"] == 0


def test_missing_sheet_and_missing_dataset(files: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    book = tmp_path / "firms.xlsx"
    pd.DataFrame({"id": ["F1"], "name": ["a"], "region": ["320100"]}).to_excel(
        book, sheet_name="名录", index=False)
    code, _, err = run("import", "firms", str(book), "-d", "x", "--sheet", "企业", "--db", db)
    assert code == 1 and "there is no sheet '企业'" in err and "'名录'" in err
    code, _, err = run("datasets", "show", "nope", "--db", db)
    assert code == 1 and "no store at" in err  # the failed import created nothing
    assert run("import", "firms", str(book), "-d", "x", "--db", db)[0] == 0
    code, _, err = run("datasets", "show", "nope", "--db", db)
    assert code == 1 and "no dataset 'nope'" in err and "datasets in the store: x" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = run("import", "firms")
    assert code == 2 and "Missing argument" in err
    code, _, _ = run("export", "-d", "x", "--to", str(tmp_path), "--format", "docx")
    assert code == 2


@pytest.mark.parametrize("lang,head", [("zh", "企业编号,企业名称,所在地区"),
                                       ("en", "id,name,region")])
def test_template(tmp_path: Path, lang: str, head: str) -> None:
    out = tmp_path / f"firms_{lang}.csv"
    code, stdout, _ = run("template", "firms", "--lang", lang, "--out", str(out))
    assert code == 0 and stdout.strip() == str(out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith(head) and lines[1].startswith("F001,")
    book = tmp_path / "bom.xlsx"
    code, _, _ = run("template", "segment_inputs", "--lang", lang, "--out", str(book))
    sheets = pd.ExcelFile(book).sheet_names
    assert code == 0 and len(sheets) == 2
    code, _, err = run("template", "nosuch", "--out", str(tmp_path / "x.csv"))
    assert code == 1 and "unknown table 'nosuch'" in err


def test_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from chainatlas.cli.main import main; main()",
         "import", "firms", str(tmp_path / "missing.csv"), "-d", "x", "--db",
         str(tmp_path / "s.duckdb")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: file not found") and "Traceback" not in proc.stderr
