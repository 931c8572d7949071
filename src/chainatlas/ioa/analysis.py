"""One-call analysis of an IO table: multipliers, Rasmussen linkages, key sectors and HEM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from chainatlas.ioa.extraction import Extraction, hypothetical_extraction
from chainatlas.ioa.leontief import LeontiefSolver
from chainatlas.ioa.linkages import Linkages, rasmussen_linkages
from chainatlas.ioa.multipliers import satellite_multipliers, value_added_multipliers
from chainatlas.model.iotable import IOTable

__all__ = ["TableAnalysis", "analyze_table"]


@dataclass
class TableAnalysis:
    """Result of :func:`analyze_table` (all vectors in the table's industry order)."""

    table_name: str
    unit: str
    labels: list[str]
    total_output: float
    linkages: Linkages
    extraction: Extraction | None
    va_multipliers_: Any
    satellite_multipliers_: dict[str, list[float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``chainatlas io analyze``."""
        lk = self.linkages
        out: dict[str, Any] = {
            "table": self.table_name, "unit": self.unit, "total_output": self.total_output,
            "sectors": self.labels,
            "output_multipliers": lk.multipliers_.tolist(),
            "value_added_multipliers": self.va_multipliers_.tolist(),
            "backward_linkage": lk.backward_.tolist(),
            "forward_linkage": lk.forward_.tolist(),
            "forward_basis": lk.forward_basis,
            "key_class": lk.key_class_,
            "key_sectors": lk.key_sectors,
        }
        if self.satellite_multipliers_:
            out["satellite_multipliers"] = self.satellite_multipliers_
        if self.extraction is not None:
            ex = self.extraction
            out["hem"] = {"backward": ex.backward_.tolist(), "forward": ex.forward_.tolist(),
                          "total": ex.total_.tolist()}
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per industry."""
        fr = self.linkages.to_frame()
        fr["value_added_multiplier"] = self.va_multipliers_
        if self.extraction is not None:
            fr["hem_backward"] = self.extraction.backward_
            fr["hem_forward"] = self.extraction.forward_
            fr["hem_total"] = self.extraction.total_
            fr["hem_total_share"] = self.extraction.total_share_
        return fr


def analyze_table(table: IOTable, *, forward: Literal["ghosh", "leontief"] = "ghosh",
                  extraction: bool = True) -> TableAnalysis:
    """Multipliers, linkages (backward = power of dispersion, forward = sensitivity of dispersion
    from ``G`` by default), key-sector classes and hypothetical extraction for every industry.

    Satellite rows ``F`` (employment, emissions …) get multipliers :math:`S L` (satellite units
    per table unit of final demand). Cost: one LU factorisation of ``I − A``, a few solves, and
    (for HEM) the diagonal of ``L``.
    """
    solver = LeontiefSolver.from_table(table)
    labels = table.labels
    lk = rasmussen_linkages(solver, labels, forward=forward)
    ex = hypothetical_extraction(solver, table.f, labels) if extraction else None
    vam = value_added_multipliers(solver, table.value_added)
    sat = None
    if table.F is not None:
        M = np.atleast_2d(satellite_multipliers(solver, table.F))
        sat = {lab: M[i].tolist() for i, lab in enumerate(table.f_labels)}
    return TableAnalysis(table.name, table.unit, labels, float(table.x.sum()), lk, ex, vam, sat)
