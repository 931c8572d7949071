"""Reader of the Willems (2008) multi-echelon supply-chain format.

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
as an unknown location (neither foreign nor a place to concentrate in). Capacities are not part of the format and stay empty; the stage data the model
has no column for (``cost_rate``, demand mean and deviation, ``max_s_time``) are returned by
:func:`read_willems_stages`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import Problem, ValidationError
from chainatlas.readers.tabular import detect_encoding

__all__ = ["read_willems", "read_willems_stages"]

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
        "firm_segments": pd.DataFrame({"firm": ids, "segment": ids, "capacity": float("nan"),
                                       "unit": "unit", "output_value": float("nan")}),
        "supply_links": pd.DataFrame({"supplier": up, "customer": down, "segment": up,
                                      "value": float("nan"), "share": 1.0,
                                      "lead_time_days": lead.reindex(up).to_numpy()})
                          .drop_duplicates(["supplier", "customer", "segment"]),
    }


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
