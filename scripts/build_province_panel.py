"""Build a province × year indicator panel from the science-and-technology yearbook tables.

Reads the long tables of ``province_stats/`` (R&D spending, patents, papers, high-tech industry;
from the 中国科技统计年鉴 and 中国高技术产业统计年鉴 as tabulated in the R package ``techme``),
cleans the province names (spaces, OCR slips such as 两藏 → 西藏, 山两 → 山西, 江两 → 江西), maps
them to adcodes and derives the indicators of the ``four-chain`` template and the real subset of
the ``nqpf`` template. Ratios use GDP implied by R&D spending and intensity:
GDP (亿元) = R&D expenditure (亿元) / (R&D intensity / 100).

Usage::

    python scripts/build_province_panel.py ../shared/data/province_stats --out panel.csv
    python scripts/build_province_panel.py ../shared/data/province_stats --demo

``--demo`` writes the five-province demo panel shipped with the package
(``src/chainatlas/evaluation/templates/demo_panel.csv``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

PROVINCES: dict[str, str] = {
    "北京": "110000", "天津": "120000", "河北": "130000", "山西": "140000", "内蒙古": "150000",
    "辽宁": "210000", "吉林": "220000", "黑龙江": "230000", "上海": "310000", "江苏": "320000",
    "浙江": "330000", "安徽": "340000", "福建": "350000", "江西": "360000", "山东": "370000",
    "河南": "410000", "湖北": "420000", "湖南": "430000", "广东": "440000", "广西": "450000",
    "海南": "460000", "重庆": "500000", "四川": "510000", "贵州": "520000", "云南": "530000",
    "西藏": "540000", "陕西": "610000", "甘肃": "620000", "青海": "630000", "宁夏": "640000",
    "新疆": "650000",
}
_OCR = {"两藏": "西藏", "山两": "山西", "江两": "江西"}
FILES = ("RDIntense", "RDSource", "RDPatentAccept", "RDPatentAuthority", "RDPaperInternational",
         "IndustryOperation", "IndustryRD")

#: indicator id -> (file, variable code) for indicators read as they are.
DIRECT: dict[str, tuple[str, str]] = {
    "inv_patent_apps": ("RDPatentAccept", "v4_cg_zlsq_fm"),
    "inv_patent_grants": ("RDPatentAuthority", "v4_cg_zlsq2_fm"),
    "sci_papers": ("RDPaperInternational", "v4_cg_gwlw_pssci"),
    "hitech_valid_patents": ("IndustryRD", "v4_cy_qyzl_yxs"),
    "hitech_revenue": ("IndustryOperation", "v4_cy_scjy_zyyw"),
    "hitech_firms": ("IndustryOperation", "v4_cy_scjy_qys"),
    "hitech_profit": ("IndustryOperation", "v4_cy_scjy_lrze"),
    "hitech_newproduct_sales": ("IndustryRD", "v4_cy_xcp_xssr"),
    "rd_expenditure": ("RDIntense", "v4_ztr_jf_RD"),
    "rd_intensity": ("RDIntense", "v4_ztr_qd_RD"),
    "rd_gov_funds": ("RDSource", "v4_zh_nbzc_zfzj"),
    "hitech_rd_expenditure": ("IndustryRD", "v4_cy_RDhd_nbzc"),
    "hitech_rd_fte": ("IndustryRD", "v4_cy_RDhd_qsdl"),
    "hitech_rd_institutions": ("IndustryRD", "v4_cy_RDhd_yfjgs"),
}
DEMO_REGIONS = ("310000", "320000", "330000", "340000", "440000")


def clean_province(name: object) -> str:
    """Province name without spaces and with the known OCR slips fixed."""
    text = "".join(str(name).split())
    return _OCR.get(text, text)


def read_stats(folder: Path) -> pd.DataFrame:
    """All long tables stacked: ``file, province, region, year, variables, value`` (provinces only)."""
    frames = []
    for stem in FILES:
        f = pd.read_csv(Path(folder) / f"{stem}.csv")
        f["province"] = f["province"].map(clean_province)
        f["file"] = stem
        frames.append(f[["file", "province", "year", "variables", "value"]])
    out = pd.concat(frames, ignore_index=True)
    out = out[out["province"].isin(PROVINCES)].dropna(subset=["value"])
    out["region"] = out["province"].map(PROVINCES)
    out["year"] = out["year"].astype(int)
    return out


def build_province_panel(folder: Path, years: range = range(2018, 2023)) -> pd.DataFrame:
    """Long panel ``region, region_name, year, indicator, value`` for 31 provinces.

    The default years 2018–2022 are those every mapped table covers (valid patents of high-tech
    firms start in 2018; international papers end in 2022).
    """
    stats = read_stats(Path(folder))
    stats = stats[stats["year"].isin(list(years))]
    wide = stats.pivot_table(index=["region", "year"], columns=["file", "variables"],
                             values="value", aggfunc="first")
    cols: dict[str, pd.Series] = {}
    for ind, key in DIRECT.items():
        cols[ind] = wide[key]
    gdp = wide[("RDIntense", "v4_ztr_jf_RD")] / (wide[("RDIntense", "v4_ztr_qd_RD")] / 100.0)
    revenue = wide[("IndustryOperation", "v4_cy_scjy_zyyw")]
    cols["hitech_revenue_gdp"] = 100.0 * revenue / gdp
    cols["rd_firm_funds_share"] = (100.0 * wide[("RDSource", "v4_zh_nbzc_qyzj")]
                                   / wide[("RDSource", "v4_zh_nbzc_hj")])
    cols["hitech_newproduct_share"] = (100.0 * wide[("IndustryRD", "v4_cy_xcp_xssr")]
                                       / (revenue * 1e4))
    cols["invention_grants_gdp"] = wide[("RDPatentAuthority", "v4_cg_zlsq2_fm")] / gdp
    panel = pd.DataFrame(cols).rename_axis(columns="indicator").stack().rename("value")
    panel = panel.reset_index()
    names = {code: name for name, code in PROVINCES.items()}
    panel.insert(1, "region_name", panel["region"].map(names))
    return panel.sort_values(["region", "year", "indicator"]).reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="the province_stats folder")
    parser.add_argument("--out", type=Path, help="write the 31-province panel here (CSV)")
    parser.add_argument("--demo", action="store_true", help="write the shipped demo panel")
    args = parser.parse_args()
    panel = build_province_panel(args.folder)
    if args.out:
        panel.to_csv(args.out, index=False)
        print(f"{args.out}: {len(panel)} rows, {panel['region'].nunique()} provinces")
    if args.demo:
        target = (Path(__file__).resolve().parents[1]
                  / "src/chainatlas/evaluation/templates/demo_panel.csv")
        demo = panel[panel["region"].isin(DEMO_REGIONS)].copy()
        demo["value"] = demo["value"].round(6)
        demo["source"] = "province_stats (中国科技统计年鉴, 中国高技术产业统计年鉴; real)"
        demo.to_csv(target, index=False)
        print(f"{target}: {len(demo)} rows")


if __name__ == "__main__":
    main()
