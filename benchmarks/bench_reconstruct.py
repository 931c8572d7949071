"""Validation benchmark of the supply-network reconstruction (references/reconstruction.md).

Planted networks from generators that are *not* the model:

- ``chung-lu``: the project's generator (:func:`chainatlas.datasets.synthetic.generate_network`:
  sectors on an acyclic BOM, Pareto sizes, Zipf cities with home clusters);
- ``growth``: firms arrive one by one and pick 2 suppliers per input sector with probability
  ∝ (k + 1)^1.08 · (1 + d/50 km)^−1 (preferential attachment with a mild distance preference).

The reconstructors see only each firm's sector, noisy size (output × lognormal(0, 0.3)),
region, and the aggregated sector flows (A = Z/x from the planted links), plus the true link
count for the baselines' and the model's mean degree. Scores:

- links: AUC-ROC, AUC-PR (average precision) and precision at the true link count, from each
  method's link probabilities (ours: averaged over the ensemble's hyperparameter draws);
- downstream: ESRI of every firm and the per-firm output loss of a stress scenario (the largest
  city's firms stop for 20 days): Spearman rank correlation of the ensemble median with the
  truth, top-10 overlap, level ratio (mean over firms, ensemble median / truth) and the share of
  firms whose true value lies in the ensemble's 90 % band;
- scale: wall time, CPU time and peak memory to reconstruct one member of 100k and 1M firms
  (target ≤ 60 s per member at 100k), each in its own process.

Run: ``python3 benchmarks/bench_reconstruct.py [--firms 1500] [--members 10] [--scale 100000,1000000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from chainatlas.datasets.synthetic import generate_network
from chainatlas.model.dataset import Dataset
from chainatlas.network.area import great_circle_km
from chainatlas.reconstruct import LinkModel, ReconstructionInputs
from chainatlas.reconstruct.baselines import dcgm_model, iogm_model
from chainatlas.reconstruct.ensemble import build_layout
from chainatlas.reconstruct.sample import kernel_matrix, region_distances
from chainatlas.services.bands import esri_bands_of, stress_bands_of
from chainatlas.services.reconstruct import ensemble_frames, reconstruct_of
from chainatlas.services.risk import risk_input_of, run_esri
from chainatlas.services.stress import run_scenario_of


# ------------------------------------------------------------------ planted networks
def chung_lu(n: int, seed: int) -> dict[str, pd.DataFrame]:
    return generate_network(n, 4 * n, n_sectors=12, seed=seed, n_regions=40)


def growth(n: int, seed: int) -> dict[str, pd.DataFrame]:
    """Preferential attachment ∝ (k+1)^1.08 with a distance preference, on the generator's
    firms, sectors, BOM and regions."""
    base = generate_network(n, 4 * n, n_sectors=12, seed=seed, n_regions=40)
    rng = np.random.default_rng(seed + 1)
    fs = base["firm_segments"]
    firm = fs["firm"].astype(str).to_numpy()
    seg = fs["segment"].astype(str).to_numpy()
    out = fs["output_value"].to_numpy(float)
    reg = base["regions"].set_index(base["regions"]["code"].astype(str))
    fr = base["firms"].set_index(base["firms"]["id"].astype(str))["region"].astype(str)
    lon = reg.loc[fr.loc[firm].to_numpy(), "lon"].to_numpy(float)
    lat = reg.loc[fr.loc[firm].to_numpy(), "lat"].to_numpy(float)
    inputs: dict[str, list[str]] = {}
    for s, a in zip(base["segment_inputs"]["segment"].astype(str),
                    base["segment_inputs"]["input_segment"].astype(str), strict=True):
        inputs.setdefault(s, []).append(a)
    order = rng.permutation(len(firm))
    deg = np.zeros(len(firm))
    arrived = np.zeros(len(firm), bool)
    rows = []
    by_seg = {s: np.flatnonzero(seg == s) for s in np.unique(seg)}
    for j in order:
        for a in inputs.get(seg[j], []):
            cand = by_seg.get(a, np.zeros(0, np.int64))
            cand = cand[cand != j]
            if not len(cand):
                continue
            old = cand[arrived[cand]]
            pool = old if len(old) else cand
            d = great_circle_km(lon[j], lat[j], lon[pool], lat[pool])
            w = (deg[pool] + 1.0) ** 1.08 / (1.0 + np.asarray(d) / 50.0)
            k = min(2, len(pool))
            pick = rng.choice(pool, size=k, replace=False, p=w / w.sum())
            for i in pick:
                deg[i] += 1
                rows.append((firm[i], firm[j], a, out[j] * 0.3 / len(inputs[seg[j]]) / k
                             * rng.lognormal(0, 0.5)))
        arrived[j] = True
    links = pd.DataFrame(rows, columns=["supplier", "customer", "segment", "value"])
    links = links.groupby(["supplier", "customer", "segment"], as_index=False)["value"].sum()
    tot = links.groupby(["customer", "segment"])["value"].transform("sum")
    links["share"] = links["value"] / tot
    links["lead_time_days"] = 2.0
    base["supply_links"] = links
    return base


def observed_inputs(net: dict[str, pd.DataFrame], seed: int) -> Dataset:
    """What a user would have: firms (noisy size), regions, and the sector flows as a BOM."""
    rng = np.random.default_rng(seed + 7)
    links = net["supply_links"]
    fs = net["firm_segments"].copy()
    x_true = fs.groupby(fs["segment"].astype(str))["output_value"].sum()
    seg_of = dict(zip(fs["firm"].astype(str), fs["segment"].astype(str), strict=True))
    buyer_seg = links["customer"].astype(str).map(seg_of)
    Z = links.groupby([links["segment"].astype(str), buyer_seg])["value"].sum()
    si = Z.reset_index()
    si.columns = ["input_segment", "segment", "value"]
    si["share"] = (si["value"] / si["segment"].map(x_true)).clip(upper=1.0)
    si["quantity"] = 1.0
    fs["output_value"] = fs["output_value"] * rng.lognormal(0.0, 0.3, len(fs))
    tables = {k: v for k, v in net.items() if k not in ("supply_links", "segment_inputs",
                                                        "firm_segments")}
    tables["firm_segments"] = fs
    tables["segment_inputs"] = si[["segment", "input_segment", "quantity", "share"]]
    return Dataset.from_frames("observed", tables)


# ------------------------------------------------------------------ link scores
def link_probabilities(inp: ReconstructionInputs, ens: object) -> np.ndarray:
    """Dense P(link i→j) per supplier firm × buyer firm, averaged over members."""
    n = inp.n_firms
    P = np.zeros((n, n))
    for m in ens.members:  # type: ignore[attr-defined]
        s = m.settings
        lay, buyer, sector, D, _, sells = build_layout(inp, s.layers, s.alpha)
        if m.unit_supply is not None:  # the member's own firm-level sales and purchases
            lay = replace(lay, unit_w=m.unit_supply[sells] ** s.alpha,
                          pair_g=m.pair_demand ** s.alpha)
        f = kernel_matrix(region_distances(inp.region_lon, inp.region_lat,
                                           inp.intra_km(s.intra_region_km)), s.gamma, s.d0_km)
        Lam = m.z[lay.pair_layer] * lay.pair_g * lay.pair_rate(f)
        Pm = np.zeros((n, n))
        for lv in range(lay.n_layers):
            U = np.flatnonzero(lay.unit_layer == lv)
            Q = np.flatnonzero(lay.pair_layer == lv)
            if not len(U) or not len(Q):
                continue
            lam = m.z[lv] * lay.unit_w[U][:, None] * lay.pair_g[Q][None, :] \
                * f[lay.unit_region[U]][:, lay.pair_region[Q]]
            own = lay.unit_firm[U][:, None] == lay.pair_buyer[Q][None, :]
            lam[own] = 0.0
            p = lam / (1 + lam) if s.link == "logistic" else -np.expm1(-lam)
            if s.essential:
                ess = lay.pair_essential[Q] & (Lam[Q] > 0)
                p[:, ess] = np.minimum(p[:, ess] / -np.expm1(-Lam[Q][ess])[None, :], 1.0)
            np.maximum.at(Pm, (np.repeat(lay.unit_firm[U], len(Q)),
                               np.tile(lay.pair_buyer[Q], len(U))), p.ravel())
        P += Pm
    return P / len(ens.members)  # type: ignore[attr-defined]


def link_scores(P: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    mask = ~np.eye(len(P), dtype=bool)
    p, y = P[mask], truth[mask]
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    r = stats.rankdata(p)
    auc = (r[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    order = np.argsort(-p, kind="stable")
    hits = np.cumsum(y[order])
    ap = float((hits[y[order]] / (np.flatnonzero(y[order]) + 1)).mean())
    prec = float(hits[n_pos - 1] / n_pos)
    return {"auc_roc": float(auc), "auc_pr": ap, "precision_at_L": prec}


# ------------------------------------------------------------------ downstream scores
def downstream(true_vals: pd.Series, band: pd.DataFrame, key: str, med: str, lo: str,
               hi: str) -> dict[str, float]:
    b = band.set_index(key)
    common = true_vals.index.intersection(b.index)
    t = true_vals.loc[common].astype(float)
    m = b.loc[common, med].astype(float)
    rho = float(stats.spearmanr(t, m).statistic)
    top_t = set(t.nlargest(10).index)
    top_m = set(m.nlargest(10).index)
    cover = float(((t >= b.loc[common, lo] - 1e-12) & (t <= b.loc[common, hi] + 1e-12)).mean())
    ratio = float(m.mean() / t.mean()) if t.mean() > 0 else float("nan")
    return {"spearman": rho, "top10_overlap": len(top_t & top_m) / 10, "level_ratio": ratio,
            "band_coverage": cover}


def run_quality(kind: str, n: int, members: int, seed: int) -> list[dict[str, object]]:
    net = chung_lu(n, seed) if kind == "chung-lu" else growth(n, seed)
    truth_ds = Dataset.from_frames("truth", net)
    obs = observed_inputs(net, seed)
    fid = pd.Index(net["firms"]["id"].astype(str))
    L = len(net["supply_links"])
    K = L / n
    truth = np.zeros((n, n), bool)
    truth[fid.get_indexer(net["supply_links"]["supplier"].astype(str)),
          fid.get_indexer(net["supply_links"]["customer"].astype(str))] = True
    # the truth's downstream numbers
    t_esri = pd.DataFrame(run_esri(risk_input_of(truth_ds), reasons=0)["results"]) \
        .set_index("firm")["esri"]
    fr = net["firms"]["region"].astype(str)
    city = fr[~fr.str.isalpha()].value_counts().index[0]
    shocked = net["firms"]["id"][fr == city].astype(str).tolist()
    sc = {"name": "city outage", "horizon_days": 60,
          "shocks": [{"firm": shocked, "capacity_loss": 1.0, "duration_days": 20}]}
    t_loss = run_scenario_of(truth_ds, sc).firm_loss
    t_loss.index = t_loss.index.astype(str)
    rows = []
    for name, model in (("model (priors)", LinkModel()),
                        ("model (true K)", LinkModel(mean_degree=K)),
                        ("dcGM", dcgm_model(K)), ("IOGM", iogm_model(K))):
        t0 = time.perf_counter()
        ens, units, _ = reconstruct_of(obs, members=members, seed=seed, model=model,
                                       keep_observed=False)
        secs = time.perf_counter() - t0
        P = link_probabilities(ens.inputs, ens)
        row: dict[str, object] = {"planted": kind, "firms": n, "true_links": L,
                                  "method": name, "members": members,
                                  "links_median": float(np.median([m.n_links for m in
                                                                   ens.members])),
                                  "seconds": round(secs, 2), **link_scores(P, truth)}
        rec = Dataset.from_frames("rec", ensemble_frames(obs, ens, units, None))
        eb = esri_bands_of(rec, top_k=10).table
        for k, v in downstream(t_esri, eb, "firm", "esri_median", "esri_p5",
                               "esri_p95").items():
            row[f"esri_{k}"] = v
        sb = stress_bands_of(rec, sc, top_k=10).table
        for k, v in downstream(t_loss, sb, "firm", "loss_median", "loss_p5",
                               "loss_p95").items():
            row[f"loss_{k}"] = v
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


# ------------------------------------------------------------------ the YRD demo
def run_yrd(members: int, seed: int) -> None:
    """The YRD demo reconstructed from its firms and BOM only, against its own links."""
    from chainatlas.datasets import load_demo
    from chainatlas.services.bands import chokepoint_bands_of, without_aggregates
    from chainatlas.services.chain import chokepoints_of
    from chainatlas.services.stress import foreign_chip_ban

    demo = load_demo()
    firms_only = Dataset.from_frames("yrd-firms", {k: v for k, v in demo.tables.items()
                                                   if k != "supply_links"})
    t0 = time.perf_counter()
    ens, units, _ = reconstruct_of(firms_only, members=members, seed=seed)
    rec = Dataset.from_frames("yrd-rec", ensemble_frames(firms_only, ens, units, None))
    print(f"YRD: {members} members in {time.perf_counter() - t0:.1f} s; links per member "
          f"{[m.n_links for m in ens.members]} (demo: {len(demo.supply_links)})")
    own = chokepoints_of(demo).table
    own["key"] = own["kind"] + ":" + own["id"].astype(str)
    cb = chokepoint_bands_of(rec, top_k=10).table
    cb["key"] = cb["kind"] + ":" + cb["id"].astype(str)
    top = own.head(15).merge(cb, on="key", how="left", suffixes=("", "_rec"))
    print("chokepoints of the demo's own links (top 15) in the reconstruction:")
    print(top[["rank", "type", "kind", "id", "name", "share", "share_median", "share_p5",
               "share_p95", "p_chokepoint", "p_top_k"]].round(3).to_string(index=False))
    new = cb[~cb["key"].isin(set(own["key"]))].head(8)
    print("chokepoints only the reconstruction finds (top 8):")
    print(new[["kind", "id", "name", "type", "share_median", "p_chokepoint"]].round(3)
          .to_string(index=False))
    scenarios = {"foreign chip ban": foreign_chip_ban(demo)}
    tc = demo.firms["id"][demo.firms["region"].astype(str) == "340881"].astype(str).tolist()
    scenarios["Tongcheng outage 30 d"] = {"name": "tongcheng", "horizon_days": 120,
                                          "shocks": [{"firm": tc, "capacity_loss": 1.0,
                                                      "duration_days": 30}]}
    for label, sc in scenarios.items():
        own_res = run_scenario_of(demo, sc)
        bands = stress_bands_of(rec, sc, top_k=10)
        s = bands.scalars.set_index("metric")
        print(f"stress '{label}': demo total loss {own_res.total_output_loss:,.0f}, min ratio "
              f"{own_res.min_output_ratio:.3f}, recovery day {own_res.recovery_day}; "
              f"reconstructed median {s.loc['total_output_loss', 'median']:,.0f} "
              f"[{s.loc['total_output_loss', 'p5']:,.0f}, {s.loc['total_output_loss', 'p95']:,.0f}]"
              f", min ratio {s.loc['min_output_ratio', 'median']:.3f} "
              f"[{s.loc['min_output_ratio', 'p5']:.3f}, {s.loc['min_output_ratio', 'p95']:.3f}]"
              f", recovery day {s.loc['recovery_day', 'median']:.0f} "
              f"[{s.loc['recovery_day', 'p5']:.0f}, {s.loc['recovery_day', 'p95']:.0f}]")
        fl = own_res.firm_loss
        fl.index = fl.index.astype(str)
        d = downstream(fl, bands.table, "firm", "loss_median", "loss_p5", "loss_p95")
        print(f"  per-firm loss: {json.dumps({k: round(v, 3) for k, v in d.items()})}")
    own_esri = pd.DataFrame(run_esri(risk_input_of(demo), reasons=0)["results"]) \
        .set_index("firm")["esri"]
    eb = esri_bands_of(rec, top_k=10).table
    d = downstream(own_esri, eb, "firm", "esri_median", "esri_p5", "esri_p95")
    print(f"ESRI per firm: {json.dumps({k: round(v, 3) for k, v in d.items()})}; band width "
          f"(p95 − p5) median {float((eb['esri_p95'] - eb['esri_p5']).median()):.3f}")
    _ = without_aggregates


# ------------------------------------------------------------------ scale
_SCALE = r"""
import json, resource, sys, time
from chainatlas.datasets.synthetic import generate_network
from chainatlas.model.dataset import Dataset
from chainatlas.reconstruct import LinkModel, reconstruct
from chainatlas.reconstruct.build import inputs_from_dataset
n = int(sys.argv[1])
net = generate_network(n, 5 * n, n_sectors=50, seed=1)
ds = Dataset.from_frames("x", {k: v for k, v in net.items() if k != "supply_links"})
inp, _ = inputs_from_dataset(ds)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t, c = time.perf_counter(), time.process_time()
ens = reconstruct(inp, LinkModel(mean_degree=5.0), members=1, seed=0)
m = ens.members[0]
print(json.dumps({"firms": n, "units": inp.n_units, "links": m.n_links,
                  "seconds_per_member": round(time.perf_counter() - t, 2),
                  "cpu_seconds": round(time.process_time() - c, 2),
                  "ipf_rounds": m.iterations,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "rss_before_mb": round(base)}))
"""


def run_scale(n: int) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", _SCALE, str(n)], capture_output=True, text=True,
                         check=True, env=dict(os.environ))
    row = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--firms", type=int, default=1500)
    ap.add_argument("--members", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--planted", default="chung-lu,growth")
    ap.add_argument("--scale", default="100000,1000000", help="firm counts ('' to skip)")
    ap.add_argument("--yrd", type=int, default=20, help="members for the YRD demo (0: skip)")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    rows = []
    for kind in [k for k in args.planted.split(",") if k]:
        rows += run_quality(kind, args.firms, args.members, args.seed)
    if rows:
        cols = ["planted", "method", "links_median", "auc_roc", "auc_pr", "precision_at_L",
                "esri_spearman", "esri_top10_overlap", "esri_level_ratio", "esri_band_coverage",
                "loss_spearman", "loss_top10_overlap", "loss_level_ratio", "loss_band_coverage",
                "seconds"]
        print(pd.DataFrame(rows)[cols].round(3).to_string(index=False))
        n = args.members
        print(f"a calibrated ensemble's [p5, p95] band of {n} members covers a new draw with "
              f"probability 0.9·(n − 1)/(n + 1) = {0.9 * (n - 1) / (n + 1):.3f}", flush=True)
    if args.yrd:
        run_yrd(args.yrd, args.seed)
    for n in [int(x) for x in args.scale.split(",") if x]:
        run_scale(n)
    print(f"load average after: {os.getloadavg()}; peak RSS of this process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
