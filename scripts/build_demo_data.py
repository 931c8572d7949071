"""Build the CSV files of the built-in demo datasets (deterministic; run from the repository root).

    python scripts/build_demo_data.py [--shared-data ../shared/data]

Writes ``src/chainatlas/datasets/data/yrd-nev/*.csv`` and ``.../gd-clusters/*.csv`` plus a
``meta.json`` per dataset. The chain structure, firm placement and innovation texts live in
``scripts/demo_data/``; the province indicator panel is derived from the yearbook tables in
``../shared/data/province_stats`` (read here once; the raw files are not copied).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

from demo_data import gd_clusters as gd  # noqa: E402
from demo_data import yrd_firms as yf  # noqa: E402
from demo_data import yrd_innovation as yi  # noqa: E402
from demo_data import yrd_segments as ys  # noqa: E402

from chainatlas.model.tables import TABLES  # noqa: E402

DATA = ROOT / "src" / "chainatlas" / "datasets" / "data"
SEED = 20241118  # the seed article's publication date
YRD = {"310000", "320000", "330000", "340000"}
FOREIGN = {"JPN", "KOR", "DEU", "USA", "NLD", "AUS", "CHL"}
WORKING_DAYS = 300


def province_of(code: str) -> str:
    return code if code in FOREIGN else code[:2] + "0000"


# --------------------------------------------------------------------------------------------
# yrd-nev: chain
# --------------------------------------------------------------------------------------------
def chain_tables() -> dict[str, pd.DataFrame]:
    regions = pd.DataFrame(ys.REGIONS, columns=TABLES["regions"].column_names)
    chains = pd.DataFrame([("nev", "新能源汽车", "New-energy vehicles")],
                          columns=TABLES["chains"].column_names)
    seg = pd.DataFrame([s[:8] for s in ys.SEGMENTS],
                       columns=["id", "name", "name_en", "stage", "parent", "essential",
                                "key_technology", "io_sector"])
    seg.insert(1, "chain", "nev")
    bom = pd.DataFrame(ys.BOM, columns=["segment", "input_segment", "quantity", "share"])
    bom["essentiality"] = None   # empty: the documented default (2 if the input is essential)
    return {"regions": regions, "chains": chains, "segments": seg, "segment_inputs": bom}


def requirements_per_vehicle() -> dict[str, float]:
    """Units of each segment needed per vehicle (BOM multiplier through the DAG), plus the
    downstream segments that sit beside the vehicle (one sale, a share of chargers/recycling)."""
    inputs = defaultdict(list)
    for b, a, q, _ in ys.BOM:
        inputs[b].append((a, q))
    need: dict[str, float] = defaultdict(float)

    def push(seg: str, amount: float) -> None:
        need[seg] += amount
        for a, q in inputs[seg]:
            if a != "vehicle":  # sales consume vehicles already counted
                push(a, amount * q)

    push("vehicle", 1.0)
    push("sales_service", 1.0 / 1.15)   # ~87 % of vehicles sold through the demo's dealers
    push("charging", 0.02)              # one charger per 50 vehicles
    push("battery_recycling", 0.15)     # recycled tonnes per vehicle-equivalent feed
    return dict(need)


def unit_prices() -> dict[str, float]:
    """CNY per unit: the vehicle price, and for every input price = share × parent price / qty,
    taken along the product tree (parent = principal consumer)."""
    parent = {s[0]: s[4] for s in ys.SEGMENTS}
    bom = {(b, a): (q, sh) for b, a, q, sh in ys.BOM}
    price: dict[str, float] = {"vehicle": ys.VEHICLE_PRICE}

    def p(seg: str) -> float:
        if seg in price:
            return price[seg]
        par = parent[seg]
        if par is not None and (par, seg) in bom:
            q, sh = bom[(par, seg)]
            price[seg] = sh * p(par) / q
        else:  # not in its parent's BOM: consumed elsewhere
            consumers = [(b, q, sh) for (b, a), (q, sh) in bom.items() if a == seg]
            b, q, sh = consumers[0]
            price[seg] = sh * p(b) / q
        return price[seg]

    price["sales_service"] = ys.VEHICLE_PRICE * 1.1
    price["charging"] = 30_000.0
    for s in ys.SEGMENTS:
        p(s[0])
    return price


def firm_tables(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    need = requirements_per_vehicle()
    price = unit_prices()
    unit = {s[0]: s[8] for s in ys.SEGMENTS}
    rows, fs_rows = [], []
    index: dict[tuple[str, int], str] = {}
    counter = 0
    for seg, places in yf.PLACEMENT.items():
        total_w = sum(w for _, w in places)
        total_cap = need[seg] * ys.VEHICLES_PER_DAY * ys.HEADROOM.get(seg, 1.5)
        for k, (region, w) in enumerate(places):
            counter += 1
            fid = f"F{counter:03d}"
            index[(seg, k)] = fid
            foreign = region in FOREIGN
            suffix = ["有限公司", "股份有限公司", "科技有限公司"][k % 3] if not foreign else "公司"
            dup = sum(1 for r, _ in places[:k] if r == region)  # earlier firms, same place
            mark = ("", "B", "C", "D")[dup] if foreign else ("", "第二", "第三", "第四")[dup]
            name = f"示例·{yf.PLACE[region]}{mark}{yf.WORD[seg]}{suffix}"
            cap = total_cap * w / total_w
            out_value = cap * price[seg] * WORKING_DAYS / 1e4  # 万元/yr
            rows.append({"id": fid, "name": name, "region": region,
                         "country": region if foreign else "CHN",
                         "ownership": "foreign" if foreign else ("jv" if rng.random() < 0.08 else "domestic"),
                         "_seg": seg, "_out": out_value, "_rank": k})
            fs_rows.append({"firm": fid, "segment": seg, "capacity": round(cap, 4 if cap < 1 else 1),
                            "unit": unit[seg], "output_value": round(out_value, 1)})
    # second segments (capacity and output a fraction of the main ones)
    for seg, k, other in yf.SECOND_SEGMENT:
        fid = index[(seg, k)]
        n_other = len(yf.PLACEMENT[other])
        cap = need[other] * ys.VEHICLES_PER_DAY * 0.25 / n_other
        fs_rows.append({"firm": fid, "segment": other, "capacity": round(cap, 1), "unit": unit[other],
                        "output_value": round(cap * price[other] * WORKING_DAYS / 1e4, 1)})
    firms = pd.DataFrame(rows)
    n = len(firms)
    revenue = firms["_out"].to_numpy() * rng.uniform(1.0, 1.25, n)
    rd_base = firms["_seg"].map(lambda s: 0.12 if s in {"soc", "eda_ip", "os_software", "ad_algorithms", "lidar", "mcu", "image_sensor"} else 0.05)
    rd = np.clip(rd_base.to_numpy() * rng.lognormal(0, 0.35, n), 0.005, 0.4)
    employees = np.maximum(30, revenue / rng.uniform(150, 400, n)).round().astype(int)
    founded = np.where(firms["region"].isin(FOREIGN), rng.integers(1950, 2005, n),
                       rng.integers(1995, 2021, n))
    domestic = ~firms["region"].isin(FOREIGN).to_numpy()
    listed_cut = np.quantile(revenue[domestic], 0.75)
    small_cut = np.quantile(revenue[domestic], 0.40)
    tags = []
    for i, r in firms.iterrows():
        t = []
        if r["_seg"] == "vehicle" and r["_rank"] in (0, 2, 4, 7) or (r["_seg"], r["_rank"]) in {("cells", 0), ("cells", 6)}:
            t.append("链主")
        if revenue[i] <= small_cut and domestic[i] and rd[i] >= 0.04 and not t:
            t.append("专精特新")
        if rd[i] >= 0.03 and r["region"] not in FOREIGN:
            t.append("高新")
        if revenue[i] >= listed_cut or not domestic[i] and revenue[i] >= 1_000_000:
            t.append("上市")
        if revenue[i] >= 2_000 and r["region"] not in FOREIGN:
            t.append("规上")
        tags.append(";".join(t))
    firms["tags"] = tags
    firms["employees"] = employees
    firms["revenue"] = revenue.round(1)
    firms["rd_intensity"] = rd.round(4)
    firms["founded"] = founded
    firms["lon"] = np.nan        # no site coordinates in the demo: footprints use the region's
    firms["lat"] = np.nan
    firm_cols = TABLES["firms"].column_names
    return {"firms": firms[[*firm_cols, "_seg", "_rank"]], "firm_segments": pd.DataFrame(fs_rows)}


def lead_time(rng: np.random.Generator, a: str, b: str, seg: str) -> float:
    if a in FOREIGN or b in FOREIGN:
        base = rng.uniform(30, 50) if seg in {"lithium_ore", "lithium_carbonate"} else rng.uniform(20, 40)
    elif a == b:
        base = rng.uniform(0.5, 1.0)
    elif province_of(a) == province_of(b):
        base = rng.uniform(1.0, 2.0)
    elif province_of(a) in YRD and province_of(b) in YRD:
        base = rng.uniform(1.0, 2.5)  # the "4-hour circle": next-day delivery
    else:
        base = rng.uniform(2.5, 5.0)
    return round(base * 2) / 2


def proximity(a: str, b: str) -> float:
    if a == b:
        return 4.0
    if province_of(a) == province_of(b):
        return 2.5
    if province_of(a) in YRD and province_of(b) in YRD:
        return 2.0
    if a in FOREIGN or b in FOREIGN:
        return 0.7
    return 1.0


def link_table(firms: pd.DataFrame, fs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    region = dict(zip(firms["id"], firms["region"], strict=True))
    makers = fs.groupby("segment")["firm"].apply(list).to_dict()
    cap = {(r.firm, r.segment): r.capacity for r in fs.itertuples()}
    nanjing_gap = {"pack", "domain_ctrl", "thermal"}
    rows = []
    for r in fs.itertuples():
        customer, cseg = r.firm, r.segment
        for b, a, _q, share in ys.BOM:
            if b != cseg:
                continue
            cands = [f for f in makers.get(a, []) if f != customer]
            if not cands:
                continue
            w = np.array([proximity(region[f], region[customer]) * cap[(f, a)] ** 0.5 for f in cands])
            k = min(len(cands), 1 + rng.binomial(3, 0.5))
            if region[customer] == "320100" and a in nanjing_gap:
                k = min(len(cands), max(k, 2))  # Nanjing buys these from outside the city
            chosen = rng.choice(len(cands), size=k, replace=False, p=w / w.sum())
            split = rng.dirichlet(np.full(k, 2.0)) if k > 1 else np.array([1.0])
            order = np.argsort(-split)
            purchases = r.output_value * share  # 万元/yr spent on this input
            for rank, j in enumerate(chosen[order]):
                sup = cands[j]
                s = float(split[order][rank])
                rows.append({"supplier": sup, "customer": customer, "segment": a,
                             "value": round(purchases * s, 1), "share": round(s, 4),
                             "lead_time_days": lead_time(rng, region[sup], region[customer], a)})
    links = pd.DataFrame(rows)
    # A firm making two segments may buy the same input for both: one link per key.
    key = ["supplier", "customer", "segment"]
    links = (links.groupby(key, sort=False)
             .agg(value=("value", "sum"), lead_time_days=("lead_time_days", "first"))
             .reset_index())
    total = links.groupby(["customer", "segment"])["value"].transform("sum")
    links["share"] = (links["value"] / total).round(4)
    links = links[[*key, "value", "share", "lead_time_days"]]
    # the Tongcheng cell makers feed the Nanjing assembly plants (the seed's 4-hour circle)
    assert ((links["segment"] == "pack") & links["customer"].map(region).eq("320100")).any()
    return links


def innovation_tables(firms: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    fid = dict(zip(zip(firms["_seg"], firms["_rank"], strict=True), firms["id"], strict=True))
    assets, needs, labels = [], [], []
    n = 0
    for t, (topic, (seg, ipc, need_title, need_text, items)) in enumerate(yi.TOPICS.items()):
        need_id = f"N{t + 1:03d}"
        fseg, k = yi.NEED_FIRM[topic]
        needs.append({"id": need_id, "firm": fid[(fseg, k)], "title": need_title,
                      "text": need_text, "segment": seg})
        for kind, owner_key, year, title, text in items:
            n += 1
            owner, owner_kind, region = yi.OWNERS[owner_key]
            aid = f"A{n:03d}"
            assets.append({"id": aid, "kind": kind, "title": title, "text": text, "owner": owner,
                           "owner_kind": owner_kind, "region": region, "year": year,
                           "ipc": ipc if kind == "patent" else None})
            labels.append({"need": need_id, "asset": aid, "topic": topic, "relevant": 1})
    return (pd.DataFrame(assets), pd.DataFrame(needs), pd.DataFrame(labels))


INVESTORS = [  # (name, home region or None for cross-region, rounds it invests in)
    ("示例·长三角新能源汽车产业基金", None, ("B", "C", "D", "战略投资")),
    ("示例·合肥产业投资引导基金", "340000", ("A", "B", "C", "战略投资")),
    ("示例·上海科创投资基金", "310000", ("天使", "A", "B")),
    ("示例·江苏高投创业投资", "320000", ("A", "B", "C")),
    ("示例·浙江省产业基金", "330000", ("A", "B", "战略投资")),
    ("示例·国家制造业转型升级基金", None, ("C", "D", "战略投资")),
]


def investment_table(firms: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Illustrative equity investments in domestic firms, 2019–2024 (万元)."""
    domestic = firms[~firms["region"].isin(FOREIGN)].reset_index(drop=True)
    rows = []
    for investor, home, rounds in INVESTORS:
        pool = domestic if home is None else domestic[domestic["region"].map(province_of) == home]
        k = min(len(pool), 8)
        picks = pool.sample(n=k, random_state=int(rng.integers(0, 2**31 - 1)))
        for _, f in picks.iterrows():
            rnd = rounds[int(rng.integers(0, len(rounds)))]
            scale = {"天使": 500, "A": 3000, "B": 10000, "C": 30000, "D": 60000}.get(rnd, 100000)
            date = f"{int(rng.integers(2019, 2025))}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
            rows.append({"investor": investor, "firm": f["id"],
                         "amount": round(scale * float(rng.lognormal(0, 0.5)), -1),
                         "date": date, "round": rnd})
    return pd.DataFrame(rows).sort_values(["date", "investor"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# indicator panel (real yearbook figures)
# --------------------------------------------------------------------------------------------
PROVINCES = {"上海": "310000", "江苏": "320000", "浙江": "330000", "安徽": "340000", "广东": "440000"}
YEARS = range(2018, 2023)
# indicator, file, variable code, unit filter, name, dimension, subsystem, direction, unit, scale
PANEL = [
    ("rd_expenditure", "RDIntense", "v4_ztr_jf_RD", "亿元", "R&D经费支出", "创新投入", "创新链", "+", "亿元", 1),
    ("rd_intensity", "RDIntense", "v4_ztr_qd_RD", "%", "R&D经费投入强度", "创新投入", "创新链", "+", "%", 1),
    ("invention_patents_granted", "RDPatentAuthority", "v4_cg_zlsq2_fm", "件", "发明专利授权数", "创新产出", "创新链", "+", "件", 1),
    ("patent_applications", "RDPatentAccept", "v4_cg_zlsq_hj", "件", "专利申请受理数", "创新产出", "创新链", "+", "件", 1),
    ("sci_papers", "RDPaperInternational", "v4_cg_gwlw_pssci", "篇", "SCI收录科技论文数", "创新产出", "创新链", "+", "篇", 1),
    ("hitech_revenue", "IndustryOperation", "v4_cy_scjy_zyyw", "亿元", "高技术产业营业收入", "产业规模", "产业链", "+", "亿元", 1),
    ("hitech_profit", "IndustryOperation", "v4_cy_scjy_lrze", "亿元", "高技术产业利润总额", "产业效益", "产业链", "+", "亿元", 1),
    ("hitech_enterprises", "IndustryOperation", "v4_cy_scjy_qys", "个", "高技术产业企业数", "产业规模", "产业链", "+", "个", 1),
    ("new_product_sales", "IndustryRD", "v4_cy_xcp_xssr", "万元", "高技术产业新产品销售收入", "产业创新", "产业链", "+", "亿元", 1e-4),
    ("rd_funds_enterprise", "RDSource", "v4_zh_nbzc_qyzj", "万元", "R&D经费内部支出中企业资金", "资金投入", "资金链", "+", "亿元", 1e-4),
    ("rd_funds_government", "RDSource", "v4_zh_nbzc_zfzj", "万元", "R&D经费内部支出中政府资金", "资金投入", "资金链", "+", "亿元", 1e-4),
    ("tech_transformation_spend", "IndustryRD", "v4_cy_jsgz_gzzc", "万元", "高技术产业技术改造经费支出", "资金投入", "资金链", "+", "亿元", 1e-4),
    ("tech_import_spend", "IndustryRD", "v4_cy_jsgz_yjzc", "万元", "高技术产业技术引进经费支出（对外技术依赖）", "技术依赖", "资金链", "-", "亿元", 1e-4),
    ("rd_personnel_fte", "IndustryRD", "v4_cy_RDhd_qsdl", "人年", "高技术产业R&D人员折合全时当量", "人才投入", "人才链", "+", "人年", 1),
    ("rd_institutions", "IndustryRD", "v4_cy_RDhd_yfjgs", "个", "高技术产业研发机构数", "人才平台", "人才链", "+", "个", 1),
]
SOURCE = "中国科技统计年鉴/中国高技术产业统计年鉴（经R包techme整理）"


def indicator_panel(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    base = shared / "province_stats"
    rows, defs = [], []
    for ind, file, var, unit_f, name, dim, sub, direction, unit, scale in PANEL:
        d = pd.read_csv(base / f"{file}.csv")
        d = d[(d["variables"] == var) & (d["units"] == unit_f) & d["province"].isin(PROVINCES)
              & d["year"].isin(YEARS)]
        for r in d.itertuples():
            rows.append({"region": PROVINCES[r.province], "year": int(r.year), "indicator": ind,
                         "value": round(float(r.value) * scale, 4)})
        defs.append({"indicator": ind, "name": name, "dimension": dim, "subsystem": sub,
                     "direction": direction, "unit": unit, "source": SOURCE})
    hf = pd.read_csv(base / "HitechFirmsPub.csv")
    hf = hf[hf["province"].isin(PROVINCES) & hf["year"].isin(YEARS)]
    for r in hf.itertuples():
        rows.append({"region": PROVINCES[r.province], "year": int(r.year),
                     "indicator": "hitech_firms_recognised", "value": float(r.num)})
    defs.append({"indicator": "hitech_firms_recognised", "name": "当年认定（公示）高新技术企业数",
                 "dimension": "创新主体", "subsystem": "人才链", "direction": "+", "unit": "家",
                 "source": "高新技术企业认定管理工作网公示名单（经R包techme整理）"})
    # Illustrative: NEV output is not in the yearbook tables.
    rng = np.random.default_rng(SEED + 1)
    base_nev = {"310000": 30.0, "320000": 15.0, "330000": 12.0, "340000": 10.0, "440000": 35.0}
    for code, b in base_nev.items():
        for k, year in enumerate(YEARS):
            rows.append({"region": code, "year": year, "indicator": "nev_output_illustrative",
                         "value": round(b * (1.55 ** k) * rng.uniform(0.9, 1.1), 1)})
    defs.append({"indicator": "nev_output_illustrative", "name": "新能源汽车产量（示例数据）",
                 "dimension": "产业规模", "subsystem": "产业链", "direction": "+", "unit": "万辆",
                 "source": "示例数据（illustrative, not an official statistic）"})
    panel = pd.DataFrame(rows).sort_values(["indicator", "region", "year"]).reset_index(drop=True)
    return panel, pd.DataFrame(defs)


# --------------------------------------------------------------------------------------------
# gd-clusters
# --------------------------------------------------------------------------------------------
def gd_tables() -> dict[str, pd.DataFrame]:
    regions = pd.DataFrame([("440000", "广东省", "Guangdong", "province", None, 113.27, 23.13, "CHN")],
                           columns=TABLES["regions"].column_names)
    va_raw = np.array([c[4] * c[5] for c in gd.CLUSTERS])
    va = va_raw * (gd.VA_SHARE_2023 * gd.GDP[2023] / va_raw.sum())
    rows = [{"region": "440000", "year": y, "indicator": "gdp", "value": v} for y, v in gd.GDP.items()]
    rows.append({"region": "440000", "year": 2023, "indicator": "hitech_firms",
                 "value": float(gd.HITECH_FIRMS_2023)})
    defs = [
        {"indicator": "gdp", "name": "地区生产总值", "dimension": "经济总量", "subsystem": "全省",
         "direction": "+", "unit": "亿元", "source": "广东省统计局 国民经济和社会发展统计公报"},
        {"indicator": "hitech_firms", "name": "高新技术企业数", "dimension": "创新主体", "subsystem": "全省",
         "direction": "+", "unit": "家", "source": "广东省政府工作报告2024（“超7.5万家”）"},
    ]
    kinds = {"pillar": "战略性支柱产业集群", "emerging": "战略性新兴产业集群"}
    for (cid, name, name_en, kind, revenue, _), v in zip(gd.CLUSTERS, va, strict=True):
        rows.append({"region": "440000", "year": 2023, "indicator": f"cluster_revenue__{cid}",
                     "value": float(revenue)})
        rows.append({"region": "440000", "year": 2023, "indicator": f"cluster_va__{cid}",
                     "value": round(float(v), 1)})
        src = "示例数据：按公开报道量级编制（illustrative）"
        defs.append({"indicator": f"cluster_revenue__{cid}", "name": f"{name}产业集群营业收入",
                     "dimension": name_en, "subsystem": kinds[kind], "direction": "+",
                     "unit": "亿元", "source": src})
        defs.append({"indicator": f"cluster_va__{cid}", "name": f"{name}产业集群增加值",
                     "dimension": name_en, "subsystem": kinds[kind], "direction": "+",
                     "unit": "亿元", "source": src + "；合计按占GDP 40%缩放"})
    return {"regions": regions, "indicator_defs": pd.DataFrame(defs), "indicators": pd.DataFrame(rows)}


# --------------------------------------------------------------------------------------------
def write(root: Path, name: str, tables: dict[str, pd.DataFrame], meta: dict[str, object],
          extras: dict[str, pd.DataFrame] | None = None) -> None:
    out = root / name
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.csv"):
        old.unlink()
    for table, frame in tables.items():
        cols = TABLES[table].column_names
        frame = frame.reindex(columns=cols)
        frame.to_csv(out / f"{table}.csv", index=False, encoding="utf-8", lineterminator="\n")
    for fname, frame in (extras or {}).items():
        extra_dir = out / "extra"
        extra_dir.mkdir(exist_ok=True)
        frame.to_csv(extra_dir / f"{fname}.csv", index=False, encoding="utf-8", lineterminator="\n")
    meta["tables"] = {t: len(f) for t, f in tables.items()}
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")
    print(name, meta["tables"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared-data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=DATA, help="folder to write the datasets into")
    args = ap.parse_args()
    rng = np.random.default_rng(SEED)
    tables = chain_tables()
    ft = firm_tables(rng)
    firms_full = ft["firms"]
    links = link_table(firms_full, ft["firm_segments"], rng)
    assets, needs, labels = innovation_tables(firms_full)
    panel, defs = indicator_panel(args.shared_data)
    investments = investment_table(firms_full, rng)
    tables.update({"firms": firms_full.drop(columns=["_seg", "_rank"]), "firm_segments": ft["firm_segments"],
                   "supply_links": links, "innovation_assets": assets, "tech_needs": needs,
                   "investments": investments,
                   "indicator_defs": defs, "indicators": panel})
    meta = {
        "name": "yrd-nev",
        "title": "长三角新能源汽车产业链（示例数据） / Yangtze River Delta NEV chain (illustrative)",
        "note": ("Illustrative data written from public facts: every firm, capacity, link, "
                 "innovation asset and technology need is invented (firm names start with 示例·); "
                 "the places and roles follow the article 以科技创新推动产业创新 (2024-11-18); "
                 "the province indicator panel is real yearbook data except indicators whose "
                 "source says 示例数据."),
        "vehicles_per_day_scaled": ys.VEHICLES_PER_DAY,
        "weaknesses": {
            "sole_foreign_supplier": "soc",
            "concentrated_in_one_city": {"segment": "lidar", "region": "310000"},
            "missing_local_segments": {"region": "320100", "segments": ["pack", "domain_ctrl", "thermal"]},
            "binding_segment": "soc",
        },
    }
    write(args.out, "yrd-nev", tables, meta, extras={"need_asset_topics": labels})
    from demo_data.signals import write_signals  # illustrative weekly signals (数据共享)
    print("yrd-nev signals", write_signals(args.out / "yrd-nev"))
    gd_meta = {
        "name": "gd-clusters",
        "title": "广东省20个战略性产业集群（示例数据） / Guangdong's 20 strategic industry clusters (illustrative)",
        "note": ("Cluster list is official (粤府函〔2020〕82号); per-cluster revenue and value added "
                 "are illustrative, sized so that the 20 clusters' value added is 40 % of 2023 GDP "
                 "and 8 clusters have revenue (营业收入) above 1 trillion yuan (10,000 亿元). GDP is real."),
        "trillion_quantity": "cluster_revenue",
    }
    write(args.out, "gd-clusters", gd_tables(), gd_meta)


if __name__ == "__main__":
    main()
