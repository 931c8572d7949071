r"""Reader of the Willems (2008) multi-echelon supply-chain format.

Willems, S.P. (2008), "Real-world multiechelon supply chains used for inventory optimization",
*Manufacturing & Service Operations Management* 10(1): 19–23. One CSV per chain, one row per
stage::

    stage_id,lead_time,max_s_time,cost_rate,risk_pool,ext_demand_mean,ext_demand_std,
    ext_demand_thres,up_stages
    Manuf_0001,10,,39,2,,,,Part_0001,1,Part_0002,1

``up_stages`` and every cell after it are pairs ``supplier_stage, units`` (units of the supplier's
output per unit of this stage's output).

Mapping onto the data model: every stage is one firm and one segment (its product) with the same
id (optionally prefixed); the stage type gives the segment's ``stage`` (``Part`` upstream,
``Manuf``/``Trans`` midstream, ``Dist``/``Retail`` downstream, otherwise by position); every
``(supplier, units)`` pair becomes a ``supply_links`` row (segment = the supplier's segment,
``share`` 1, ``lead_time_days`` = the supplier stage's lead time) and a ``segment_inputs`` row
(``quantity`` = units). All inputs are essential. Locations are anonymised: firms get the region
``000000``, a regions row named 未知地区 / "Unknown (anonymised)" that the network engine treats
as an unknown location (neither foreign nor a place to concentrate in).

Demand, cost and the flows they imply are kept in the data model (``firm_segments``):

- ``final_demand`` / ``demand_std`` = ``ext_demand_mean`` / ``ext_demand_std`` (units/day);
- ``cost_added`` = ``cost_rate`` (cost added at the stage per unit);
- daily output :math:`D_j` = end demand propagated up the bill of materials,
  :math:`D_j = d_j + \sum_{i} q_{ji} D_i` over the stages ``i`` that use ``q_ji`` units of
  ``j`` per unit;
- ``unit_cost`` :math:`C_j` = cumulative cost, :math:`C_j = a_j + \sum_k q_{kj} C_k` over the
  inputs ``k`` of ``j`` (``a_j`` = ``cost_added``);
- ``output_value`` = :math:`365\, D_j C_j` per year, and each link's ``value`` =
  :math:`365\, q_{ji} D_i C_j` per year: what stage ``i`` buys from ``j`` at ``j``'s cumulative
  cost.

Money is in the file's own cost unit (not 10,000 CNY). A chain whose ``up_stages`` form a cycle
is refused (its flows would not be defined). Capacities are not part of the format and stay
empty; ``max_s_time``, ``risk_pool`` and ``ext_demand_thres`` are returned by
:func:`read_willems_stages`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import Problem, ValidationError
from chainatlas.readers.tabular import detect_encoding

__all__ = ["read_willems", "read_willems_stages", "stage_flows"]

UNKNOWN_REGION = "000000"
_STAGE_OF_TYPE = {"part": "upstream", "manuf": "midstream", "trans": "midstream",
                  "dist": "downstream", "retail": "downstream"}
_NUMERIC = ("lead_time", "max_s_time", "cost_rate", "risk_pool", "ext_demand_mean",
            "ext_demand_std", "ext_demand_thres")


def _num(text: str, file: str, row: int, column: str, problems: list[Problem]) -> float | None:
    t = text.strip()
    if t == "":
        return None
    try:
        return float(t)
    except ValueError:
        problems.append(Problem("not a number", file, row, column, t, "a number"))
        return None


def read_willems_stages(path: PathArg, encoding: str | None = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stages and the ``up_stages`` pairs of a Willems chain file.

    Returns
    -------
    stages : DataFrame
        ``stage_id`` and the numeric columns of the format (NaN where empty).
    arcs : DataFrame
        ``stage_id`` (the consumer), ``up_stage`` (the supplier), ``units``.

    Raises
    ------
    ValidationError
        Naming the file, row and column of each problem (bad header, number, unknown up stage,
        odd pair, duplicate stage).
    """
    p = Path(path)
    file = p.name
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ValidationError([Problem("file not found", str(p))], title="cannot read file") from None
    text = raw.decode(detect_encoding(raw, file, encoding)).removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [h.strip() for h in rows[0][:9]] != ["stage_id", *_NUMERIC, "up_stages"]:
        raise ValidationError([Problem("not a Willems chain file", file, 1, None,
                                       ",".join(rows[0][:9]) if rows else "",
                                       "header stage_id,lead_time,max_s_time,cost_rate,risk_pool,"
                                       "ext_demand_mean,ext_demand_std,ext_demand_thres,up_stages")])
    problems: list[Problem] = []
    stages: list[dict[str, object]] = []
    arcs: list[dict[str, object]] = []
    seen: set[str] = set()
    for k, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        sid = row[0].strip()
        if not sid:
            problems.append(Problem("empty stage id", file, k, "stage_id", "", "a stage id"))
            continue
        if sid in seen:
            problems.append(Problem("duplicate stage", file, k, "stage_id", sid, "a unique id"))
        seen.add(sid)
        cells = row + [""] * (9 - len(row))
        rec: dict[str, object] = {"stage_id": sid}
        for j, col in enumerate(_NUMERIC, start=1):
            rec[col] = _num(cells[j], file, k, col, problems)
        stages.append(rec)
        tail = [c.strip() for c in cells[8:]]
        while tail and tail[-1] == "":
            tail.pop()
        if len(tail) % 2:
            problems.append(Problem("up_stages must be pairs supplier,units", file, k, "up_stages",
                                    ",".join(tail), "an even number of cells"))
            continue
        for j in range(0, len(tail), 2):
            units = _num(tail[j + 1], file, k, "up_stages", problems)
            if units is not None and units < 0:
                problems.append(Problem("negative units", file, k, "up_stages", units, "≥ 0"))
            arcs.append({"stage_id": sid, "up_stage": tail[j], "units": units, "_row": k})
    for a in arcs:
        if a["up_stage"] not in seen:
            problems.append(Problem("unknown up stage", file, int(a["_row"]), "up_stages",  # type: ignore[call-overload]
                                    a["up_stage"], "a stage_id of this file"))
    if not stages and not problems:
        problems.append(Problem("no stages", file, 2, "stage_id", "", "one row per stage"))
    if problems:
        raise ValidationError(problems, title=f"cannot read {file}")
    stage_frame = pd.DataFrame(stages, columns=["stage_id", *_NUMERIC])
    arc_frame = pd.DataFrame(arcs, columns=["stage_id", "up_stage", "units"])
    arc_frame["units"] = arc_frame["units"].fillna(1.0).astype(float)
    return stage_frame, arc_frame


def _stage_kind(stage_id: str, has_up: bool, has_down: bool) -> str:
    kind = stage_id.split("_", 1)[0].strip().lower()
    if kind in _STAGE_OF_TYPE:
        return _STAGE_OF_TYPE[kind]
    if not has_up:
        return "upstream"
    return "midstream" if has_down else "downstream"


def read_willems(path: PathArg, *, chain: str | None = None, chain_name: str | None = None,
                 prefix: str = "", encoding: str | None = None) -> dict[str, pd.DataFrame]:
    """Frames of the data model's tables from a Willems chain file.

    Parameters
    ----------
    path : path
        The chain CSV.
    chain : str, optional
        Chain id (default: the file name without extension).
    chain_name : str, optional
        Chain name (default: the industry from ``index.csv`` next to the file, else the id).
    prefix : str
        Prepended to every stage id (to keep several chains apart in one dataset).

    Returns
    -------
    dict of DataFrame
        ``regions``, ``chains``, ``segments``, ``segment_inputs``, ``firms``, ``firm_segments``
        and ``supply_links``.
    """
    p = Path(path)
    stages, arcs = read_willems_stages(p)
    cid = chain or p.stem
    name = chain_name or _industry(p) or cid
    ids = prefix + stages["stage_id"].astype(str)
    up = prefix + arcs["up_stage"].astype(str)
    down = prefix + arcs["stage_id"].astype(str)
    has_up = ids.isin(set(down))
    has_down = ids.isin(set(up))
    kinds = [_stage_kind(s, bool(u), bool(d)) for s, u, d in
             zip(stages["stage_id"], has_up, has_down, strict=True)]
    lead = pd.Series(stages["lead_time"].to_numpy(), index=ids.to_numpy())
    arcs_u = arcs.drop_duplicates(["stage_id", "up_stage"])
    daily, cum = stage_flows(stages, arcs_u, p.name)
    pos = {sid: k for k, sid in enumerate(stages["stage_id"].astype(str))}
    a_up = arcs["up_stage"].astype(str).map(pos).to_numpy(dtype=np.int64)
    a_dn = arcs["stage_id"].astype(str).map(pos).to_numpy(dtype=np.int64)
    link_value = DAYS_PER_YEAR * arcs["units"].to_numpy() * daily[a_dn] * cum[a_up]
    return {
        "regions": pd.DataFrame({"code": [UNKNOWN_REGION], "name": ["未知地区"],
                                 "name_en": ["Unknown (anonymised)"], "level": ["other"]}),
        "chains": pd.DataFrame({"id": [cid], "name": [name], "name_en": [name]}),
        "segments": pd.DataFrame({"id": ids, "chain": cid, "name": ids, "name_en": ids,
                                  "stage": kinds, "essential": True, "key_technology": False}),
        "segment_inputs": pd.DataFrame({"segment": down, "input_segment": up,
                                        "quantity": arcs["units"].to_numpy()})
                            .drop_duplicates(["segment", "input_segment"]),
        "firms": pd.DataFrame({"id": ids, "name": ids, "region": UNKNOWN_REGION,
                               "ownership": "domestic"}),
        "firm_segments": pd.DataFrame({
            "firm": ids, "segment": ids, "capacity": float("nan"), "unit": "unit",
            "output_value": DAYS_PER_YEAR * daily * cum,
            "final_demand": stages["ext_demand_mean"].to_numpy(),
            "demand_std": stages["ext_demand_std"].to_numpy(),
            "cost_added": stages["cost_rate"].to_numpy(), "unit_cost": cum}),
        "supply_links": pd.DataFrame({"supplier": up, "customer": down, "segment": up,
                                      "value": link_value, "share": 1.0,
                                      "lead_time_days": lead.reindex(up).to_numpy()})
                          .drop_duplicates(["supplier", "customer", "segment"]),
    }


DAYS_PER_YEAR = 365.0


def stage_flows(stages: pd.DataFrame, arcs: pd.DataFrame,
                file: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Daily output and cumulative unit cost of every stage (module docstring).

    ``stages`` and ``arcs`` as returned by :func:`read_willems_stages` (one arc per pair).
    Output :math:`D = d + Q D` is summed from the demand stages up, the cost
    :math:`C = a + Q^{\top} C` from the parts down, both in one topological order (Kahn).
    Missing demand and cost count as 0.
    """
    ids = stages["stage_id"].astype(str).tolist()
    pos = {sid: k for k, sid in enumerate(ids)}
    n = len(ids)
    up = arcs["up_stage"].astype(str).map(pos).to_numpy(dtype=np.int64)
    dn = arcs["stage_id"].astype(str).map(pos).to_numpy(dtype=np.int64)
    q = arcs["units"].to_numpy(dtype=np.float64)
    indeg = np.bincount(dn, minlength=n)  # inputs not yet costed
    inputs: list[list[int]] = [[] for _ in range(n)]
    users: list[list[int]] = [[] for _ in range(n)]
    for e in range(len(q)):
        inputs[dn[e]].append(e)
        users[up[e]].append(e)
    order = [k for k in range(n) if indeg[k] == 0]
    head = 0
    while head < len(order):
        j = order[head]
        head += 1
        for e in users[j]:
            indeg[dn[e]] -= 1
            if indeg[dn[e]] == 0:
                order.append(int(dn[e]))
    if len(order) < n:
        stuck = next(k for k in range(n) if indeg[k] > 0)
        raise ValidationError([Problem("up_stages form a cycle", file, stuck + 2, "up_stages",
                                       ids[stuck], "an acyclic bill of materials")],
                              title=f"cannot read {file}")
    cost = np.nan_to_num(stages["cost_rate"].to_numpy(dtype=np.float64), nan=0.0)
    daily = np.nan_to_num(stages["ext_demand_mean"].to_numpy(dtype=np.float64), nan=0.0)
    cum = cost.copy()
    for j in order:  # inputs first
        for e in inputs[j]:
            cum[j] += q[e] * cum[up[e]]
    for j in reversed(order):  # users first
        for e in users[j]:
            daily[j] += q[e] * daily[dn[e]]
    return daily, cum


def _industry(path: Path) -> str | None:
    """Industry name of the chain from ``index.csv`` beside it (columns: n, chain, SIC, name)."""
    index = path.with_name("index.csv")
    if not index.is_file():
        return None
    digits = "".join(ch for ch in path.stem if ch.isdigit())
    if not digits:
        return None
    with index.open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) >= 4 and row[1].strip().isdigit() and int(row[1]) == int(digits):
                return row[3].strip()
    return None
