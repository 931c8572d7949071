"""k-anonymous aggregates: primary, nested-differencing and complementary suppression."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainatlas.exceptions import InputError
from chainatlas.sharing import aggregate_signals


def _signals(rows: list[tuple[str, str, float]], kind: str = "orders",
             period: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame({"firm": [r[0] for r in rows], "segment": [r[1] for r in rows],
                         "period": period, "kind": kind, "value": [r[2] for r in rows],
                         "unit": "u"})


def _cell(cells: pd.DataFrame, level: str, segment: str = "*", region: str = "*") -> pd.Series:
    hit = cells[(cells["level"] == level) & (cells["segment"] == segment)
                & (cells["region"] == region)]
    assert len(hit) == 1, (level, segment, region)
    return hit.iloc[0]


def test_cell_below_k_is_suppressed_and_sums_are_exact() -> None:
    sig = _signals([("A", "cells", 10), ("B", "cells", 20), ("C", "cells", 30),
                    ("D", "pack", 5), ("E", "pack", 7)])
    res = aggregate_signals(sig, {f: "R1" for f in "ABCDE"}, k=3)
    cells = res.published("segment")
    assert _cell(cells, "segment", "cells")["value"] == 60.0
    pack = _cell(cells, "segment", "pack")
    assert np.isnan(pack["value"]) and pack["status"] == "primary" and pack["n_firms"] == 2


def test_two_aggregates_differing_by_one_firm_cannot_both_be_seen() -> None:
    # cells: A, B, C in R1 and D alone in R2. The segment total (4 firms) minus the R1 cell
    # (3 firms) would reveal D; one of the two must be hidden, and the planner cannot get D.
    sig = _signals([("A", "cells", 10), ("B", "cells", 20), ("C", "cells", 30),
                    ("D", "cells", 99)])
    res = aggregate_signals(sig, {"A": "R1", "B": "R1", "C": "R1", "D": "R2"}, k=3)
    seg = _cell(res.cells, "segment", "cells")
    r1 = _cell(res.cells, "segment_region", "cells", "R1")
    r2 = _cell(res.cells, "segment_region", "cells", "R2")
    assert np.isnan(r2["value"]) and r2["status"] == "primary"
    shown = [c for c in (seg, r1) if not np.isnan(c["value"])]
    assert len(shown) <= 1
    assert 99.0 not in {seg["value"] - r1["value"]}


def test_a_firm_in_two_segments_is_not_isolated_by_the_region_total() -> None:
    # Region R1 mean of inventory days over all rows; F has rows in two segments; removing the
    # one segment cell would isolate F's other row.
    sig = _signals([("A", "s1", 10), ("B", "s1", 12), ("C", "s1", 14), ("F", "s1", 16),
                    ("F", "s2", 40)], kind="inventory_days")
    res = aggregate_signals(sig, dict.fromkeys("ABCF", "R1"), k=3)
    region = _cell(res.cells, "region", region="R1")
    s1r1 = _cell(res.cells, "segment_region", "s1", "R1")
    assert np.isnan(region["value"]) or np.isnan(s1r1["value"])


def test_k_must_be_at_least_two_and_levels_known() -> None:
    sig = _signals([("A", "s", 1.0)])
    with pytest.raises(InputError):
        aggregate_signals(sig, {"A": "R"}, k=1)
    with pytest.raises(InputError):
        aggregate_signals(sig, {"A": "R"}, levels=("nation",))


# -------------------------------------------------------------------- property test
def _contributions(sig: pd.DataFrame, regions: dict[str, str]) -> dict[tuple, set[int]]:
    out: dict[tuple, set[int]] = {}
    for i, r in sig.reset_index(drop=True).iterrows():
        reg = regions[r["firm"]]
        flow = r["kind"] in ("orders", "forecast")
        keys = [("segment", r["segment"], "*"), ("segment_region", r["segment"], reg)]
        if not flow:
            keys += [("chain", "*", "*"), ("region", "*", reg)]
        for key in keys:
            out.setdefault((r["kind"], *key), set()).add(int(i))
    return out


rows_strategy = st.lists(
    st.tuples(st.sampled_from(list("ABCDEFGH")), st.sampled_from(["s1", "s2", "s3"]),
              st.floats(0, 100)),
    min_size=1, max_size=25, unique_by=lambda r: (r[0], r[1]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_strategy, kind=st.sampled_from(["orders", "inventory_days"]),
       regions=st.lists(st.sampled_from(["R1", "R2", "R3"]), min_size=8, max_size=8),
       k=st.integers(2, 4))
def test_no_published_figure_or_lattice_difference_comes_from_fewer_than_k_firms(
        rows: list[tuple[str, str, float]], kind: str, regions: list[str], k: int) -> None:
    sig = _signals(rows, kind=kind)
    region_of = dict(zip("ABCDEFGH", regions, strict=True))
    res = aggregate_signals(sig, region_of, k=k)
    firm = sig["firm"].to_numpy()
    contrib = _contributions(sig, region_of)
    shown = {(kind, r["level"], r["segment"], r["region"])
             for _, r in res.cells.iterrows() if not np.isnan(r["value"])}

    def nf(ids: set[int]) -> int:
        return len({firm[i] for i in ids})

    # 1. every published cell has at least k firms
    for c in shown:
        assert nf(contrib[c]) >= k
    # 2. no two published cells with nested contributions differ by 1..k-1 firms
    for a, b in combinations(shown, 2):
        ra, rb = contrib[a], contrib[b]
        for big, small in ((ra, rb), (rb, ra)):
            if small < big:
                assert nf(big - small) >= k
    # 3. no published total minus its published parts isolates fewer than k firms
    for parent in shown:
        level = parent[1]
        if level == "segment":
            parts = [c for c in contrib if c[1] == "segment_region" and c[2] == parent[2]]
        elif level == "region":
            parts = [c for c in contrib if c[1] == "segment_region" and c[3] == parent[3]]
        elif level == "chain":
            by_region = [c for c in contrib if c[1] == "region"]
            hidden = set().union(*[contrib[c] for c in by_region if c not in shown])
            assert nf(hidden) == 0 or nf(hidden) >= k
            parts = [c for c in contrib if c[1] == "segment"]
        else:
            continue
        hidden = set().union(*[contrib[c] for c in parts if c not in shown])
        assert nf(hidden) == 0 or nf(hidden) >= k
