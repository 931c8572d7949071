"""Decision use case: candidate interventions, their measured gains, budgeted portfolios.

:func:`decide_of` builds the :class:`~chainatlas.decide.DecisionNetwork` of a dataset, the
scenario set (a folder of YAML/JSON scenarios, or the standard set from the dataset's
chokepoints), the candidates of the chosen kinds (补链/强链 plants from
:func:`chainatlas.advise.advise_region`'s candidate firms), ranks them and chooses a portfolio
for every budget. The result carries everything needed to reproduce it: the scenario set, the
cost model, the measures' parameters and the (fixed) seeds of the scenario policies.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.decide import (
    KINDS,
    CostModel,
    DecisionNetwork,
    MeasureSet,
    attract_candidates,
    dual_sourcing_candidates,
    firm_inventory_candidates,
    greedy_portfolio,
    inventory_candidates,
    load_cost_model,
    localisation_candidates,
    rank_interventions,
    standard_scenarios,
)
from chainatlas.decide.interventions import Intervention, apply_all
from chainatlas.decide.measures import evaluate
from chainatlas.decide.rank import reference_of
from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.risk import esri_single_firms
from chainatlas.services.datasets import DbArg, load_dataset
from chainatlas.services.stress import network_of
from chainatlas.shock.executors import make_executor
from chainatlas.shock.scenario import Scenario, load_scenario, parse_scenario

__all__ = ["DEFAULT_BUDGETS", "check_options", "daily_loss_curves", "decide", "decide_of",
           "decision_network_of", "items_frame", "load_scenario_dir", "portfolio_frame",
           "rebuild_interventions", "scenario_loss_after", "settings_frame", "write_xlsx"]

#: Budgets (万元) when none is given: a small, a medium and a large programme.
DEFAULT_BUDGETS = (500.0, 3000.0, 10000.0)

Progress = Callable[[int, int], None]


def decision_network_of(ds: Dataset) -> DecisionNetwork:
    """The decision network of a dataset (Inoue–Todo flows, ESRI classes, names)."""
    from chainatlas.services.risk import essentiality_of

    net = network_of(ds)
    segs = [str(s) for s in net.segment_ids.tolist()]
    ess = essentiality_of(ds, [*segs, "unknown"])
    firms = ds.firms.set_index(ds.firms["id"].astype(str))
    names = firms["name"].astype(str).reindex(net.firm_ids.astype(str)).fillna("").to_numpy(object)
    names = np.where(names == "", net.firm_ids.astype(str), names)
    dn = DecisionNetwork.from_shock_network(net, ess, firm_names=names)
    sname = dict(zip(ds.segments["id"].astype(str), ds.segments["name"].astype(str),
                     strict=True)) if len(ds.segments) else {}
    object.__setattr__(dn, "segment_names",
                       np.array([sname.get(s, s) for s in segs], dtype=object))
    return dn


def load_scenario_dir(path: PathArg) -> list[Scenario]:
    """Every ``*.yaml``/``*.yml``/``*.json`` scenario of a folder, in file-name order."""
    p = Path(path)
    if not p.is_dir():
        raise InputError(f"scenario folder not found: {p}")
    files = sorted(f for f in p.iterdir() if f.suffix.lower() in (".yaml", ".yml", ".json"))
    if not files:
        raise InputError(f"{p}: no scenario files (*.yaml, *.yml, *.json)")
    return [load_scenario(f) for f in files]


def _chokepoint_firms(ds: Dataset) -> list[str]:
    from chainatlas.network.chokepoints import find_chokepoints

    cp = find_chokepoints(ds, limit=10).table
    firms = cp[(cp["kind"] == "firm") & cp["type"].isin(("dominator", "sole_supplier"))]
    return firms["id"].astype(str).tolist()


def _region_centre(ds: Dataset, region: str) -> tuple[str, float, float]:
    reg = ds.regions.set_index(ds.regions["code"].astype(str))
    if region not in reg.index:
        raise InputError(f"region {region!r} is not in the dataset's regions table")
    r = reg.loc[region]
    return str(r["name"]), float(r["lon"]), float(r["lat"])


def _largest_region(net: DecisionNetwork, ds: Dataset) -> str:
    codes = set(ds.regions["code"].astype(str))
    P = net.output()
    tot: dict[str, float] = {}
    for r, p in zip(net.firm_region.astype(str).tolist(), P.tolist(), strict=True):
        if r in codes and r.isdigit():
            tot[r] = tot.get(r, 0.0) + p
    if not tot:
        raise InputError("no firm lies in a region of the regions table; give --region")
    return max(sorted(tot), key=lambda k: tot[k])


def check_options(kinds: Sequence[str], measures: Sequence[str], by: str) -> None:
    """Refuse unknown kinds and measures, and a ranking measure that is not computed."""
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise InputError(f"unknown intervention kind(s) {', '.join(bad)}; expected "
                         f"{', '.join(KINDS)}")
    unknown = [m for m in measures if m not in ("stress", "esri", "esri_total", "lp")]
    if unknown:
        raise InputError(f"unknown measure(s) {', '.join(unknown)}; expected stress, esri, "
                         "esri_total, lp")
    computed = [*measures, "gap"] if "lp" in measures else list(measures)
    if by not in computed:
        raise InputError(f"ranking measure {by!r} is not among the measures "
                         f"({', '.join(computed)})")


def decide_of(ds: Dataset, *, scenarios: Sequence[Scenario] | PathArg | None = None,
              budgets: Sequence[float] = DEFAULT_BUDGETS, kinds: Sequence[str] = KINDS,
              measures: Sequence[str] = ("stress", "esri"), by: str = "stress",
              region: str | None = None, costs: CostModel | PathArg | None = None,
              esri_firms: int = 10, ttr_days: float = 30.0, hours: float = 4.0,
              pool: int = 20, executor: str = "serial", workers: int | None = None,
              plant_links: str = "model", seed: int = 0,
              progress: Progress | None = None) -> dict[str, Any]:
    """Rank the candidate interventions of ``ds`` and choose a portfolio per budget.

    ``plant_links``: how an attracted plant gets its customers and suppliers — ``"model"``,
    the reconstruction link model fitted to the network and drawn with ``seed``
    (:mod:`chainatlas.decide.plants`), or ``"parent"``, the simple rule (local buyers that
    buy from outside move 30 % to it; it buys what its parent buys, scaled).
    """
    check_options(kinds, measures, by)
    if plant_links not in ("model", "parent"):
        raise InputError(f"plant links must be 'model' or 'parent', got {plant_links!r}")
    cm = costs if isinstance(costs, CostModel) else load_cost_model(costs)
    net = decision_network_of(ds)
    notes: list[str] = []
    if "stress" in measures:
        if scenarios is None:
            sset = standard_scenarios(net, _chokepoint_firms(ds))
            scs, source = sset.scenarios, "standard"
            notes += sset.notes
        elif isinstance(scenarios, (str, Path)):
            scs, source = load_scenario_dir(scenarios), str(scenarios)
        else:
            scs, source = [parse_scenario(s) for s in scenarios], "given"
    else:
        scs, source = [], "none"
    top_firms: tuple[int, ...] = ()
    if "esri" in measures:
        r = esri_single_firms(net.esri_network(), epsilon=0.01)
        order = np.lexsort((np.arange(net.n_firms), -r.esri))
        top_firms = tuple(int(i) for i in order[:esri_firms])
    ms = MeasureSet(scenarios=tuple(scs), esri_firms=top_firms,
                    esri_total="esri_total" in measures, lp="lp" in measures,
                    ttr_days=ttr_days)
    region = region or _largest_region(net, ds)
    items: list[Intervention] = []
    plant_model: dict[str, Any] | None = None
    if "dual_sourcing" in kinds:
        items += dual_sourcing_candidates(net, cm)
    if "inventory" in kinds:
        items += inventory_candidates(net, cm)
    if "firm_inventory" in kinds:
        got_f, nf = firm_inventory_candidates(net, cm, scs)
        items += got_f
        notes += nf
    if "attract" in kinds:
        got, n2, plant_model = _attract(ds, net, cm, region, plant_links, seed)
        items += got
        notes += n2
    if "localisation" in kinds:
        items += localisation_candidates(net, cm, hours=hours)
    # the baseline's runs, once: scenarios a candidate provably cannot change are not re-run
    ref = reference_of(net, ms)
    with make_executor(executor, workers=workers) as ex:
        base, rows = rank_interventions(net, items, ms, by=by, executor=ex, progress=progress,
                                        reference=ref)
        memo: dict[tuple[str, ...], dict[str, Any]] = {}
        portfolios = [greedy_portfolio(net, items, rows, base, ms, float(b), by=by, pool=pool,
                                       executor=ex, memo=memo, reference=ref)
                      for b in budgets]
    for p in portfolios:
        if p["pool_left_out"]:
            notes.append(f"budget {p['budget']:g}: the portfolio was chosen from the {p['pool']} "
                         f"best single interventions; {p['pool_left_out']} more with a positive "
                         "gain within the budget were not tried (pool)")
        if p["superadditive"]:
            notes.append(f"budget {p['budget']:g}: the portfolio's measured gain "
                         f"({p['gain']:,.1f}) exceeds the sum of its single gains "
                         f"({p['sum_of_single_gains']:,.1f}): its interventions help each other")
    names = [str(v) for v in net.firm_names.tolist()]
    return {
        "dataset": ds.name, "region": region, "ranked_by": by, "n_candidates": len(items),
        "kinds": list(kinds), "baseline": base, "items": rows, "portfolios": portfolios,
        "measures": ms.describe(), "scenario_source": source,
        "scenario_names": [s.name for s in scs],
        "seeds": {s.name: s.policy.seed for s in scs},
        "esri_top_firms": [{"firm": str(net.firm_ids[i]), "name": names[i]} for i in top_firms],
        "cost_model": cm.to_dict(), "notes": notes,
        "plant_links": plant_links, "seed": seed, "plant_model": plant_model,
        "units": {"stress": "万元 output loss", "esri": "% of output (sum over the top firms)",
                  "lp": "万元 lost sales", "gap": "days", "cost": "万元"},
    }


def _attract(ds: Dataset, net: DecisionNetwork, cm: CostModel, region: str, plant_links: str,
             seed: int) -> tuple[list[Intervention], list[str], dict[str, Any] | None]:
    """补链/强链 plants for ``region`` from the advice's candidates (and the link model used)."""
    from chainatlas.advise import advise_region
    from chainatlas.decide.plants import PlantLinkModel

    rname, lon, lat = _region_centre(ds, region)
    adv = advise_region(ds, region, top=10, candidates=2)
    model = None
    if plant_links == "model":
        model = PlantLinkModel.fit(net, seed=seed, extra_places={region: (lon, lat)})
    got, notes = attract_candidates(net, cm, adv.recommendations, region, rname, lon, lat,
                                    links=plant_links, seed=seed, model=model)
    if model is not None:
        notes = [*model.notes, *notes]
    return got, notes, (model.describe() | {"seed": seed}) if model is not None else None


def decide(db: DbArg, dataset: str, **kwargs: Any) -> dict[str, Any]:
    """Load ``dataset`` and run :func:`decide_of`."""
    return decide_of(load_dataset(db, dataset), **kwargs)


def rebuild_interventions(ds: Dataset, result: dict[str, Any], keys: Sequence[str],
                          net: DecisionNetwork | None = None) -> list[Intervention]:
    """The interventions ``keys`` of a decision ``result``, rebuilt from the same dataset,
    cost model, region, scenarios and plant seed (in the order of ``keys``)."""
    net = net if net is not None else decision_network_of(ds)
    cm = CostModel.model_validate(result["cost_model"])
    kinds = {k.split(":", 1)[0] for k in keys}
    cands: list[Intervention] = []
    if "dual_sourcing" in kinds:
        cands += dual_sourcing_candidates(net, cm)
    if "inventory" in kinds:
        cands += inventory_candidates(net, cm)
    if "localisation" in kinds:
        cands += localisation_candidates(net, cm, hours=4.0)
    if "firm_inventory" in kinds:
        cands += firm_inventory_candidates(
            net, cm, [parse_scenario(s) for s in result["measures"]["scenarios"]])[0]
    if "attract" in kinds:
        cands += _attract(ds, net, cm, result["region"], result.get("plant_links", "model"),
                          int(result.get("seed", 0)))[0]
    by_key = {c.key: c for c in cands}
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise InputError(f"interventions not found on this dataset: {', '.join(missing[:3])}")
    return [by_key[k] for k in keys]


def scenario_loss_after(ds: Dataset, result: dict[str, Any], budget: float,
                        scenario: Scenario | dict[str, Any]) -> dict[str, float]:
    """One scenario's total output loss before and after the portfolio chosen for ``budget``
    (the interventions rebuilt from the same dataset and cost model)."""
    port = next((p for p in result["portfolios"] if p["budget"] == float(budget)), None)
    if port is None:
        raise InputError(f"no portfolio for budget {budget}")
    net = decision_network_of(ds)
    chosen = rebuild_interventions(ds, result, [it["key"] for it in port["items"]], net)
    sc = parse_scenario(scenario)
    ms = MeasureSet(scenarios=(sc,))
    before = evaluate(net, ms)["stress"]
    after = evaluate(apply_all(net, chosen), ms)["stress"]
    return {"before": before, "after": after, "gain": before - after}


def daily_loss_curves(ds: Dataset, result: dict[str, Any], keys: Sequence[str] | None = None,
                      *, top: int = 10) -> dict[str, Any]:
    """The daily output loss (万元/day) of every scenario of ``result`` before and after each
    intervention of ``keys`` (default: the ``top`` ranked), each on its own copy of the
    network: ``{"scenarios": names, "before": [[…] per scenario], "after": {key: [[…]]}}``."""
    from chainatlas.decide.measures import _stocked
    from chainatlas.shock.firm_model import simulate

    keys = list(keys) if keys is not None else [r["key"] for r in result["items"][:top]]
    scs = [parse_scenario(s) for s in result["measures"]["scenarios"]]
    net = decision_network_of(ds)

    def curves(n: DecisionNetwork) -> list[list[float]]:
        sn = n.shock_network()
        return [simulate(sn, _stocked(sc, n)).daily["output_loss"].astype(float).tolist()
                for sc in scs]

    after = {it.key: curves(it.apply(net)) for it in rebuild_interventions(ds, result, keys, net)}
    return {"scenarios": [sc.name for sc in scs], "before": curves(net), "after": after,
            "unit": "万元/day"}


# ---------------------------------------------------------------------- tables
def items_frame(result: dict[str, Any], *, lang: str = "zh", top: int | None = None
                ) -> pd.DataFrame:
    """The ranked interventions as a table (gains per measure, cost, gain per 万元, reasons)."""
    rows = []
    ms = result["measures"]["measures"]
    for r in result["items"][:top] if top else result["items"]:
        row: dict[str, Any] = {"rank": r["rank"], "kind": r["kind_zh"] if lang == "zh" else r["kind"],
                               "what": r["what_zh"] if lang == "zh" else r["what_en"]}
        for m in ms:
            row[f"gain_{m}"] = r["gains"][m]
        row["cost"] = r["cost"]
        row["gain_per_wan"] = r["gain_per_wan"]
        row["falls"] = r["falls_zh"] if lang == "zh" else r["falls_en"]
        row["why"] = r["why_zh"] if lang == "zh" else r["why_en"]
        rows.append(row)
    return pd.DataFrame(rows)


def portfolio_frame(result: dict[str, Any], *, lang: str = "zh") -> pd.DataFrame:
    """One row per (budget, chosen intervention), with the single and the measured marginal gain."""
    rows = []
    for p in result["portfolios"]:
        for k, it in enumerate(p["items"], start=1):
            rows.append({"budget": p["budget"], "step": k,
                         "what": it["what_zh"] if lang == "zh" else it["what_en"],
                         "cost": it["cost"], "single_gain": it["single_gain"],
                         "marginal_gain": it["marginal_gain"], "loss_after": it["loss_after"]})
        rows.append({"budget": p["budget"], "step": "Σ",
                     "what": ("组合（模拟实测）" if lang == "zh" else "portfolio (measured)")
                     + (" · 超可加" if p["superadditive"] and lang == "zh" else
                        " · superadditive" if p["superadditive"] else ""),
                     "cost": p["cost"], "single_gain": p["sum_of_single_gains"],
                     "marginal_gain": p["gain"], "loss_after": p["after"][result["ranked_by"]]})
    return pd.DataFrame(rows)


def settings_frame(result: dict[str, Any]) -> pd.DataFrame:
    """What reproduces the result: every scenario (with its policy seed), the cost model and
    the measures' parameters, one row per setting."""
    rows: list[dict[str, Any]] = []
    for sc in result["measures"]["scenarios"]:
        rows.append({"setting": "scenario", "name": sc["name"],
                     "value": json.dumps({k: sc[k] for k in ("horizon_days", "shocks")},
                                         ensure_ascii=False),
                     "seed": sc["policy"]["seed"]})
    for kind, params in result["cost_model"].items():
        rows.append({"setting": "cost", "name": kind, "value": json.dumps(params), "seed": None})
    m = result["measures"]
    for key in ("measures", "esri_firms", "epsilon", "ttr_days", "lp_inventory_days",
                "spare_capacity"):
        rows.append({"setting": "measure", "name": key, "value": json.dumps(m[key]),
                     "seed": None})
    if result.get("plant_model"):
        pm = result["plant_model"]
        rows.append({"setting": "plant_links", "name": pm["rule"], "seed": pm["seed"],
                     "value": json.dumps({k: pm[k] for k in ("alpha", "gamma", "z", "d0_km",
                                                             "intra_region_km",
                                                             "median_link_km", "links")})})
    elif result.get("plant_links") == "parent":
        rows.append({"setting": "plant_links", "name": "parent's suppliers, scaled",
                     "seed": None, "value": json.dumps({"share": 0.3})})
    rows.append({"setting": "measure", "name": "esri_top_firms",
                 "value": "、".join(f["name"] for f in result["esri_top_firms"]), "seed": None})
    return pd.DataFrame(rows)[["setting", "name", "seed", "value"]]


def write_xlsx(result: dict[str, Any], path: PathArg) -> Path:
    """The workbook: 措施清单 (every ranked intervention, both languages), 组合 (portfolios),
    情景与成本 (scenarios, seeds, cost model, measures)."""
    from chainatlas.services.cluster import write_workbook

    zh = items_frame(result, lang="zh")
    en = items_frame(result, lang="en")[["what", "falls", "why"]]
    items = zh.join(en.add_suffix("_en"))
    return write_workbook(path, {"措施清单": items, "组合": portfolio_frame(result),
                                 "情景与成本": settings_frame(result)})
