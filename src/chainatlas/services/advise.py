"""Advice use case: load a dataset, rank 补链/强链/延链/建链 for a region, export to Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from chainatlas._types import PathArg
from chainatlas.advise import AdviceResult, advise_region
from chainatlas.model.dataset import Dataset
from chainatlas.services.cluster import write_workbook
from chainatlas.services.datasets import DbArg, load_dataset
from chainatlas.services.needs import require_tables

__all__ = ["advise", "demo_section", "write_xlsx"]


def advise(db: DbArg, dataset: str, region: str, *, strategy: str = "near",
           top: int = 10, candidates: int = 5, **options: Any) -> AdviceResult:
    """Recommendations for ``region`` in ``dataset`` (see :func:`chainatlas.advise.advise_region`)."""
    from chainatlas.services.places import dataset_region

    ds = load_dataset(db, dataset)
    require_tables(ds, "advice")
    region = dataset_region(ds, region) or region
    return advise_region(ds, region, strategy=strategy, top=top, candidates=candidates,
                         **options)


def write_xlsx(result: AdviceResult, path: PathArg) -> Path:
    """Write the recommendations, their candidates and the reasons to an Excel workbook.

    Sheets: 建议清单 (one row per recommendation with its parts), 候选企业 (candidates), 理由
    (reasons), 说明 (weights and notes).
    """
    reasons = pd.DataFrame([{"rank": r["rank"], "segment": r["segment"], "action": r["action"],
                             "reason": reason}
                            for r in result.recommendations for reason in r["reasons"]])
    about = pd.DataFrame(
        [("region", result.region), ("region_name", result.region_name),
         ("strategy", result.strategy)]
        + [(f"weight:{k}", v) for k, v in result.weights.items()]
        + [("note", n) for n in result.notes], columns=["key", "value"])
    return write_workbook(path, {"建议清单": result.table, "候选企业": result.candidates_frame(),
                                 "理由": reasons, "说明": about})


def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """Titled tables for ``chainatlas demo``: the top advice for Nanjing (320100) on yrd-nev."""
    region = "320100"
    if region not in set(ds.regions["code"].astype(str)):
        return []
    res = advise_region(ds, region, top=8, candidates=1)
    table = res.table[["rank", "name", "action", "score", "gap", "chokepoint",
                       "density", "complexity", "demand", "distance"]].round(3)
    first = pd.DataFrame([{
        "rank": r["rank"], "name": r["name"], "action": r["action"],
        "reason": r["reasons"][0] if r["reasons"] else "",
        "candidate": (f"{r['candidates'][0]['name']}（{r['candidates'][0]['region_name']}）"
                      if r["candidates"] else ""),
    } for r in res.recommendations])
    return [(f"{res.region_name}补链强链建议 · Advice for Nanjing (near-and-safe)", table),
            ("首要理由与候选企业 · First reason and top candidate", first)]
