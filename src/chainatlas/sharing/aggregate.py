r"""k-anonymous aggregates of firm signals, protected against differencing.

A planner sees signals only as cells of a **fixed reporting lattice** per signal kind and period:

================  =============================  ======================================
level             cell                            kinds
================  =============================  ======================================
``chain``         every reporting firm            level kinds (means)
``region``        firms of one region             level kinds
``segment``       one segment                     all kinds
``segment_region`` one segment in one region      all kinds
================  =============================  ======================================

Flow kinds (``orders``, ``forecast``) are summed and only within a segment (units differ
between segments); level kinds (``inventory_days``, ``utilisation``, ``lead_time``) are
averaged over the contributing rows. A *contribution* is one signal row, i.e. one
``(firm, segment)`` pair; a firm's region is its ``firms.region``.

Disclosure control (Hundepool et al. 2012, *Statistical Disclosure Control*, ch. 4):

1. **Primary suppression** (threshold rule): a cell built from fewer than :math:`k` distinct
   firms is suppressed (default :math:`k = 3`).
2. **Nested differencing.** For published cells :math:`c \supset d` (contribution sets), the
   difference :math:`c - d` is computable; if it comes from :math:`1 \le |F(c \setminus d)| < k`
   firms, :math:`d` (the finer cell) is suppressed. Every contribution lies in at most four
   cells (its chain, region, segment and segment×region cells), so the supersets of a cell are
   found without comparing all pairs.
3. **Complementary suppression** on the additive relations of the lattice
   (segment = Σ segment×region; region = Σ segment×region; chain = Σ segment = Σ region, means
   treated as sums since the count is published): when a published parent has hidden children
   whose union comes from fewer than :math:`k` firms, the published child with the fewest firms
   is suppressed too (Cox 1980's rule that a suppressed cell must not be the only hidden cell
   of a row or column, generalised to the union).

Rules 2 and 3 repeat until nothing changes (suppression only grows, so this ends). The whole
lattice is protected together, so asking for different levels cannot be combined to undo the
suppression. This is a greedy audit of the lattice's own relations, not an LP audit of every
linear combination; what it guarantees is checked by property tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError

__all__ = [
    "FLOW_KINDS",
    "LEVELS",
    "LEVEL_KINDS",
    "AggregateResult",
    "aggregate_signals",
    "suppression_pattern",
]

FLOW_KINDS: tuple[str, ...] = ("orders", "forecast")
LEVEL_KINDS: tuple[str, ...] = ("inventory_days", "utilisation", "lead_time")
LEVELS: tuple[str, ...] = ("chain", "region", "segment", "segment_region")
_ALL = "*"

Cell = tuple[str, str, str]  # (level, segment, region)


def _cells_of(seg: str, reg: str, flow: bool) -> list[Cell]:
    cells = [("segment", seg, _ALL), ("segment_region", seg, reg)]
    if not flow:
        cells += [("chain", _ALL, _ALL), ("region", _ALL, reg)]
    return cells


def _relations(cells: Iterable[Cell]) -> list[tuple[Cell, list[Cell]]]:
    """(parent, children) for each additive relation among ``cells``."""
    by_seg: dict[str, list[Cell]] = {}
    by_reg: dict[str, list[Cell]] = {}
    segs: list[Cell] = []
    regs: list[Cell] = []
    for c in cells:
        if c[0] == "segment_region":
            by_seg.setdefault(c[1], []).append(c)
            by_reg.setdefault(c[2], []).append(c)
        elif c[0] == "segment":
            segs.append(c)
        elif c[0] == "region":
            regs.append(c)
    rel: list[tuple[Cell, list[Cell]]] = []
    rel += [(("segment", s, _ALL), ch) for s, ch in by_seg.items()]
    if regs:
        rel += [(("region", _ALL, r), ch) for r, ch in by_reg.items()]
        rel += [(("chain", _ALL, _ALL), regs), (("chain", _ALL, _ALL), segs)]
    return rel


def suppression_pattern(contrib: dict[Cell, frozenset[int]], firm_of: Sequence[Any] | np.ndarray,
                        k: int = 3) -> dict[Cell, str]:
    """Which cells to suppress and why, for one kind and period.

    Parameters
    ----------
    contrib : dict
        Cell → set of contribution (row) ids.
    firm_of : sequence
        Firm of each contribution id.
    k : int
        Minimum number of distinct firms behind anything a planner can compute.

    Returns
    -------
    dict
        Cell → ``""`` (published), ``"primary"``, ``"nested"`` or ``"complementary"``.
    """
    def nfirms(rows: Iterable[int]) -> int:
        return len({firm_of[i] for i in rows})

    status = {c: ("" if nfirms(r) >= k else "primary") for c, r in contrib.items()}
    cells_of_row: dict[int, list[Cell]] = {}
    for c, rows in contrib.items():
        for i in rows:
            cells_of_row.setdefault(i, []).append(c)
    relations = [(p, ch) for p, ch in _relations(contrib) if p in contrib]
    changed = True
    while changed:
        changed = False
        for d, rows in contrib.items():
            if status[d] or not rows:
                continue
            first = next(iter(rows))
            for c in cells_of_row[first]:
                if c == d or status[c] or not rows < contrib[c]:
                    continue
                if nfirms(contrib[c] - rows) < k:
                    status[d] = "nested"
                    changed = True
                    break
        for parent, children in relations:
            if status[parent]:
                continue
            hidden = [ch for ch in children if status[ch]]
            if not hidden:
                continue
            union = frozenset().union(*(contrib[h] for h in hidden))
            if 0 < nfirms(union) < k:
                shown = sorted((ch for ch in children if not status[ch]),
                               key=lambda ch: (nfirms(contrib[ch]), ch))
                target = shown[0] if shown else parent
                status[target] = "complementary"
                changed = True
    return status


@dataclass
class AggregateResult:
    """Aggregates of signals with their disclosure status.

    Attributes
    ----------
    cells : DataFrame
        ``level, segment, region, period, kind, unit, n_firms, value, status``; ``value`` is NaN
        where ``status`` is not empty (``primary``, ``nested``, ``complementary``).
    k : int
    """

    cells: pd.DataFrame
    k: int

    def published(self, level: str | None = None) -> pd.DataFrame:
        """Cells a planner may see (suppressed ones keep their row, value hidden)."""
        out = self.cells if level is None else self.cells[self.cells["level"] == level]
        return out.reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        frame = self.cells.astype(object).where(self.cells.notna(), None)
        return {"k": self.k, "cells": frame.to_dict(orient="records")}


def aggregate_signals(signals: pd.DataFrame, firm_region: pd.Series | dict[str, str], *,
                      k: int = 3, levels: Sequence[str] = LEVELS) -> AggregateResult:
    r"""Aggregate firm signals to the reporting lattice with k-anonymity and differencing control.

    Parameters
    ----------
    signals : DataFrame
        Rows of the ``signals`` table (``firm, segment, period, kind, value, unit``).
    firm_region : Series or dict
        Firm id → region code.
    k : int
        Threshold: no published figure (nor a difference of published figures along the
        lattice) comes from fewer than ``k`` firms. ``k ≥ 2``.
    levels : sequence of str
        Levels to return (the suppression is always computed on the whole lattice).

    Returns
    -------
    AggregateResult
        Flow kinds: :math:`\sum` of values; level kinds: mean over contributions.
    """
    if int(k) < 2:
        raise InputError(f"k must be at least 2, got {k}")
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad:
        raise InputError(f"unknown level(s) {bad}; use {', '.join(LEVELS)}")
    regions = pd.Series(firm_region, dtype=object)
    sig = signals.reset_index(drop=True)
    cols = ["level", "segment", "region", "period", "kind", "unit", "n_firms", "value", "status"]
    if sig.empty:
        return AggregateResult(pd.DataFrame(columns=cols), int(k))
    firm = sig["firm"].astype(str).to_numpy()
    seg = sig["segment"].astype(str).to_numpy()
    reg = regions.reindex(firm).fillna("?").astype(str).to_numpy()
    value = sig["value"].to_numpy(dtype=float)
    unit = sig["unit"].astype(object).fillna("").astype(str).to_numpy()
    rows: list[dict[str, Any]] = []
    groups: dict[Any, Any] = dict(sig.groupby(["period", "kind"], sort=True).indices)
    for (period, kind), idx in groups.items():
        flow = kind in FLOW_KINDS
        contrib: dict[Cell, set[int]] = {}
        for i in idx:
            for c in _cells_of(seg[i], reg[i], flow):
                contrib.setdefault(c, set()).add(int(i))
        frozen = {c: frozenset(r) for c, r in contrib.items()}
        status = suppression_pattern(frozen, firm, k)
        for c, members in frozen.items():
            if c[0] not in levels:
                continue
            ids = np.fromiter(members, dtype=np.int64)
            vals = value[ids]
            agg = float(vals.sum()) if flow else float(vals.mean())
            rows.append({"level": c[0], "segment": c[1], "region": c[2], "period": period,
                         "kind": kind, "unit": ";".join(sorted(set(unit[ids]))),
                         "n_firms": len(set(firm[ids])),
                         "value": agg if not status[c] else np.nan, "status": status[c]})
    cells = pd.DataFrame(rows, columns=cols)
    cells = cells.sort_values(["kind", "level", "segment", "region", "period"],
                              kind="stable").reset_index(drop=True)
    return AggregateResult(cells, int(k))
