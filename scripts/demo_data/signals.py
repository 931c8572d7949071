"""Write a year of illustrative weekly signals for the yrd-nev demo (deterministic).

    python scripts/demo_data/signals.py [FOLDER]

Reads the demo's own tables from FOLDER (default ``src/chainatlas/datasets/data/yrd-nev``),
writes ``signals.csv`` there and records its row count in the folder's ``meta.json``;
``scripts/build_demo_data.py`` calls :func:`write_signals` after writing the other tables.
Every figure is invented:

- **end demand**: weekly vehicle orders received by the assemblers, 85 % of their capacity with a
  mild seasonal swing, 4 % noise, the Spring Festival week (2024-02-12) 25 % lower, and a lasting
  15 % drop from 2024-09-02 (an illustrative subsidy change) for the early warning to find;
- **orders upstream**: each segment orders its inputs with an order-up-to policy and a 4-week
  moving-average forecast over its replenishment lead time (one-week review plus the median
  ``lead_time_days`` of the links supplying it, in weeks), through the bill of materials (so the bullwhip effect appears);
  a segment's orders are split among its reporting firms by capacity;
- **forecast**: each assembler's 4-week moving average of its own orders, for the next week;
- **inventory_days** and **utilisation**: monthly per firm; battery-cell makers' stocks run down
  from July to about a third.

Reporting firms are those in the Yangtze River Delta (adcodes 31–34); others do not share.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from chainatlas.model.tables import TABLES  # noqa: E402
from chainatlas.sharing import Bom, order_up_to_orders, segment_tiers  # noqa: E402

OUT = ROOT / "src" / "chainatlas" / "datasets" / "data" / "yrd-nev"
SEED = 20241118
WEEKS = 52
BURN_IN = 16
P = 4
START = pd.Timestamp("2024-01-01")  # a Monday


def _read(folder: Path, table: str) -> pd.DataFrame:
    spec = TABLES[table]
    dtypes = {c.name: ("float64" if c.dtype == "float" else "string") for c in spec.columns
              if c.dtype in ("str", "float")}
    return pd.read_csv(folder / f"{table}.csv", dtype=dtypes, keep_default_na=False,
                       na_values=[""])


def write_signals(folder: Path = OUT) -> int:
    """Write ``folder/signals.csv`` from the demo tables in ``folder``; return the row count."""
    rng = np.random.default_rng(SEED)
    firms = _read(folder, "firms").set_index("id")
    fs = _read(folder, "firm_segments")
    fs["region"] = firms["region"].reindex(fs["firm"]).to_numpy()
    fs = fs[fs["region"].astype(str).str[:2].isin(["31", "32", "33", "34"])]
    fs = fs[fs["capacity"].fillna(0) > 0]
    bom = Bom.from_frame(_read(folder, "segment_inputs"),
                         _read(folder, "segments")["id"].astype(str).tolist())
    tiers = segment_tiers(bom)
    links = _read(folder, "supply_links")
    lead_weeks = (links.groupby("segment")["lead_time_days"].median() / 7).clip(lower=0.5)

    T = WEEKS + BURN_IN
    t = np.arange(T)
    veh_cap = fs.loc[fs["segment"] == "vehicle", "capacity"].sum() * 7
    season = 1 + 0.08 * np.sin(2 * np.pi * (t - BURN_IN - 10) / 52)
    demand = 0.85 * veh_cap * season * (1 + 0.04 * rng.standard_normal(T))
    demand[BURN_IN + 6] *= 0.75                     # Spring Festival week
    demand[BURN_IN + 35:] *= 0.85                   # lasting drop from 2024-09-02
    received: dict[str, np.ndarray] = {"vehicle": demand}
    Q = bom.Q.tocsc()
    for seg in tiers.sort_values(kind="stable").index:
        if seg not in received:
            continue
        q_seg = received[seg]
        col = bom.index(seg)
        for k in range(Q.indptr[col], Q.indptr[col + 1]):
            inp = bom.ids[Q.indices[k]]
            L = 1.0 + float(lead_weeks.get(inp, 1.0))  # weekly review + lead time
            q = order_up_to_orders(q_seg, L, P)
            q = np.nan_to_num(q, nan=float(np.nanmean(q_seg)) if len(q_seg) else 0.0)
            received[inp] = received.get(inp, 0.0) + np.maximum(Q.data[k] * q, 0.0)

    weeks = [(START + pd.Timedelta(weeks=w)).date().isoformat() for w in range(WEEKS)]
    months = [(START + pd.DateOffset(months=m)).date().isoformat() for m in range(12)]
    rows: list[tuple[str, str, str, str, float, str, str]] = []
    for seg, block in fs.groupby("segment", sort=True):
        if seg not in received:
            continue
        share = block["capacity"].to_numpy() / block["capacity"].sum()
        total = received[seg][BURN_IN:]
        for (_, f), s in zip(block.iterrows(), share, strict=True):
            mine = total * s * (1 + 0.03 * rng.standard_normal(WEEKS))
            unit = str(f["unit"]) if pd.notna(f["unit"]) else "单位"
            rows += [(f["firm"], seg, w, "orders", float(v), unit, "week")
                     for w, v in zip(weeks, mine, strict=True)]
            if seg == "vehicle":
                fc = pd.Series(mine).rolling(P).mean().shift(1).to_numpy()
                rows += [(f["firm"], seg, w, "forecast", float(v), unit, "week")
                         for w, v in zip(weeks, fc, strict=True) if np.isfinite(v)]
            weekly_cap = float(f["capacity"]) * 7
            base_days = rng.uniform(12, 25)
            for m, month in enumerate(months):
                wk = slice(int(m * 52 / 12), int((m + 1) * 52 / 12))
                util = float(np.clip(mine[wk].mean() / weekly_cap, 0.2, 1.0))
                days = base_days * (1 + 0.08 * rng.standard_normal())
                if seg == "cells" and m >= 6:
                    days *= max(0.3, 1 - 0.14 * (m - 5))
                rows.append((f["firm"], seg, month, "utilisation", util, "1", "month"))
                rows.append((f["firm"], seg, month, "inventory_days", max(days, 0.5), "天",
                             "month"))
    frame = pd.DataFrame(rows, columns=TABLES["signals"].column_names)
    frame["value"] = frame["value"].map(lambda v: float(f"{v:.5g}"))
    frame = frame.sort_values(["kind", "firm", "segment", "period"], kind="stable")
    frame.to_csv(folder / "signals.csv", index=False, encoding="utf-8", lineterminator="\n")
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta.setdefault("tables", {})["signals"] = len(frame)
    meta["signals_note"] = ("signals are illustrative: weekly orders through an order-up-to "
                            "policy, a 15% end-demand drop from 2024-09-02, cell stocks running "
                            "down from July (scripts/demo_data/signals.py)")
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(frame)


if __name__ == "__main__":
    print("signals", write_signals(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT), "rows")
