"""Firms to chain segments from name, business scope or GB/T 4754 code, with confidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.datasets import load_demo
from chainatlas.reconstruct.concordance import division_of, divisions, io_sector_of
from chainatlas.services import datasets as svc
from chainatlas.services.classify_firms import classify_firms_of, read_firm_texts

runner = CliRunner()


def test_concordance_covers_every_division_once() -> None:
    d = divisions()
    assert len(d) == 97 and d["code"].is_unique
    assert d.loc[d["code"] == "C39", "name"].iloc[0] == "计算机、通信和其他电子设备制造业"
    assert division_of("3962") == "C39" and division_of("C396") == "C39"
    assert division_of("B39") is None  # the section letter contradicts the digits
    assert division_of("99") is None and division_of("abc") is None
    assert io_sector_of("C36", ["Machinery & vehicles 装备汽车"]) == "Machinery & vehicles 装备汽车"
    assert io_sector_of("C36", ["Agriculture 农业"]) is None


@pytest.fixture(scope="module")
def demo() -> object:
    return load_demo()


def test_text_and_code_give_segments_with_confidence(demo: object, tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(
        ("企业编号,企业名称,经营范围,行业代码\n"
         "A1,某某新能源科技有限公司,锂离子动力电池电芯的研发、生产和销售,C3841\n"
         "A2,某某汽车电子有限公司,车载激光雷达的研发与制造,3969\n"
         "A3,某某贸易有限公司,,C3841\n"
         "A4,某某咨询有限公司,企业管理咨询,L72\n"
         "A5,某某隔膜材料有限公司,锂电池隔膜的生产,\n").encode("gbk"))
    firms = read_firm_texts(path)
    res = classify_firms_of(demo, firms).set_index("firm")  # type: ignore[arg-type]
    assert res.loc["A1", "segment"] == "cells" and res.loc["A1", "method"] == "text+code"
    assert res.loc["A2", "segment"] == "lidar" and res.loc["A2", "division"] == "C39"
    # code only: C38 has several segments of the chain → low confidence, flagged for review
    assert res.loc["A3", "method"] == "code" and res.loc["A3", "review"]
    assert res.loc["A3", "segment"] in {"cells", "pack", "motor", "inverter", "onboard_charger",
                                        "charging"}
    assert res.loc["A4", "segment"] == "other" and res.loc["A4", "confidence"] == 0.0
    assert res.loc["A5", "segment"] == "separator" and res.loc["A5", "method"] == "text"
    assert not res.loc["A1", "review"] and not res.loc["A5", "review"]
    assert min(res.loc["A1", "confidence"], res.loc["A5", "confidence"]) > res.loc["A3",
                                                                               "confidence"]
    assert res["confidence"].between(0, 1).all()


def test_cli_classify_firms(demo: object, tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    frames = {t: f for t, f in demo.tables.items()  # type: ignore[attr-defined]
              if t in ("regions", "chains", "segments", "segment_inputs", "firms")}
    svc.import_frames(db, "yrd", frames)
    path = tmp_path / "f.csv"
    path.write_text("name,scope\n某电机公司,新能源汽车驱动电机的生产\n", encoding="utf-8")
    r = runner.invoke(app, ["classify-firms", "--db", str(db), "-d", "yrd", "--file", str(path),
                            "-f", "csv"])
    assert r.exit_code == 0, r.stderr
    assert "motor" in r.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    r = runner.invoke(app, ["classify-firms", "--db", str(db), "-d", "yrd", "--file", str(bad)])
    assert r.exit_code == 1 and "needs a firm id or name column" in r.stderr
