"""Importing real public statistics: province names resolved with cpca, GBK files, Excel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chainatlas.services import datasets as svc


def _yearbook(shared_data: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared_data / "province_stats" / "RDIntense.csv")
    return raw


@pytest.mark.realdata
@pytest.mark.parametrize("encoding,suffix", [("gbk", "csv"), ("utf-8-sig", "csv"),
                                             (None, "xlsx")])
def test_rd_intensity_panel_imports_with_province_names(
        shared_data: Path, tmp_path: Path, encoding: str | None, suffix: str) -> None:
    raw = _yearbook(shared_data)
    db = tmp_path / "s.duckdb"
    defs = raw.drop_duplicates("variables")[["variables", "chn_block4", "units"]]
    defs.columns = ["指标", "指标名称", "单位"]
    svc.import_frames(db, "rd", {"indicator_defs": defs})
    # The yearbook as a planner would save it: Chinese headers, provinces by name.
    panel = raw.rename(columns={"province": "地区", "year": "年份", "variables": "指标",
                                "value": "数值"})[["地区", "年份", "指标", "数值", "units"]]
    path = tmp_path / f"rd.{suffix}"
    if suffix == "csv":
        panel.to_csv(path, index=False, encoding=encoding)
    else:
        panel.to_excel(path, index=False, sheet_name="指标数据")
    report = svc.import_file(db, "rd", "indicators", path)
    assert report.tables["indicators"] == len(raw) == 832
    assert [w.column for w in report.warnings] == ["units"]
    ds = svc.load_dataset(db, "rd")
    ind = ds.indicators
    assert ind["region"].nunique() == 32
    assert set(ind["region"]) - {"CHN"} == {c for c in ind["region"] if c.endswith("0000")}
    row = ind[(ind["region"] == "110000") & (ind["year"] == 2023)
              & (ind["indicator"] == "v4_ztr_jf_RD")]
    assert row["value"].tolist() == [2947.1]  # 北京 2023 R&D spending, 亿元
    for name, code in [("内蒙古", "150000"), ("广西", "450000"), ("新疆", "650000"),
                       ("全国", "CHN")]:
        assert set(ind.loc[raw["province"].eq(name).to_numpy(), "region"]) == {code}
    regions = ds.regions.set_index("code")
    assert regions.loc["150000", "name"] == "内蒙古自治区" and regions.loc["150000", "level"] == \
        "province"
