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
(``src/chainatlas/evaluation/templates/demo_panel.csv``): real figures for the four-chain template
and the real part of the NQPF template, illustrative ones (column ``source``) for the rest.
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

#: Resident population 2020 (七普, 10,000 persons) of the demo provinces: the denominator of the
#: per-10k-people invention grants.
POPULATION_2020 = {"310000": 2487.09, "320000": 8474.80, "330000": 6456.76, "340000": 6102.72,
                   "440000": 12601.25}

#: Illustrative NQPF values for the demo provinces (310000, 320000, 330000, 340000, 440000):
#: a 2020 level sized to the magnitudes of public reports and a yearly growth rate. These are NOT
#: official statistics; the demo panel marks them ``illustrative``.
ILLUSTRATIVE: dict[str, tuple[tuple[float, float, float, float, float], float]] = {
    "edu_years": ((11.8, 10.2, 9.8, 9.35, 10.4), 0.01),
    "college_students_10k": ((217, 228, 177, 207, 190), 0.03),
    "rd_fte_10k_emp": ((154, 133, 138, 40, 124), 0.06),
    "labour_productivity": ((282000, 210000, 166000, 92000, 158000), 0.06),
    "ict_employment_share": ((6.5, 2.5, 4.0, 1.8, 4.5), 0.05),
    "fibre_density": ((18.0, 6.5, 5.5, 3.2, 5.0), 0.06),
    "broadband_ports_100": ((75, 80, 85, 60, 70), 0.05),
    "robot_density": ((300, 280, 250, 120, 310), 0.12),
    "energy_per_gdp": ((0.31, 0.32, 0.37, 0.38, 0.28), -0.03),
    "digital_finance_index": ((431.9, 381.6, 406.9, 350.2, 379.5), 0.04),
    "sei_value_added_share": ((17.5, 15.0, 14.0, 12.0, 15.0), 0.04),
    "tech_market_gdp": ((4.8, 2.3, 2.0, 1.7, 3.1), 0.08),
    "ecommerce_gdp": ((80, 25, 50, 20, 45), 0.05),
    "renewable_power_share": ((5.0, 12.0, 20.0, 12.0, 30.0), 0.05),
    "so2_per_gdp": ((0.2, 1.0, 0.6, 2.0, 0.5), -0.08),
    "forest_cover": ((18.5, 15.2, 61.2, 30.2, 53.5), 0.003),
}


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


def demo_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """The five demo provinces: real indicators, plus illustrative ones for the NQPF template.

    ``source`` says which is which: ``real`` rows come from the yearbook tables (invention grants
    per 10k people divide real grants by the 2020 census population); ``illustrative`` rows follow
    :data:`ILLUSTRATIVE`.
    """
    demo = panel[panel["region"].isin(DEMO_REGIONS)].copy()
    demo["source"] = "real: province_stats (中国科技统计年鉴, 中国高技术产业统计年鉴)"
    grants = demo[demo["indicator"] == "inv_patent_grants"].copy()
    grants["value"] = grants["value"] / grants["region"].map(POPULATION_2020)
    grants["indicator"] = "invention_grants_10k"
    grants["source"] = "real: invention grants (中国科技统计年鉴) / 2020 census population"
    names = demo.drop_duplicates("region").set_index("region")["region_name"]
    rows = []
    for ind, (levels, growth) in ILLUSTRATIVE.items():
        for region, level in zip(DEMO_REGIONS, levels, strict=True):
            for year in sorted(demo["year"].unique()):
                rows.append((region, names[region], int(year), ind,
                             float(f"{level * (1 + growth) ** (year - 2020):.4g}"),
                             "illustrative: sized to public reports, not an official statistic"))
    fake = pd.DataFrame(rows, columns=["region", "region_name", "year", "indicator", "value",
                                       "source"])
    out = pd.concat([demo, grants, fake], ignore_index=True)
    out["value"] = out["value"].round(6)
    return out.sort_values(["region", "year", "indicator"]).reset_index(drop=True)


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
        demo = demo_panel(panel)
        demo.to_csv(target, index=False)
        print(f"{target}: {len(demo)} rows")


if __name__ == "__main__":
    main()
