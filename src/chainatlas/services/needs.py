"""Which tables each analysis needs, and the one error that says which are missing and how to
import them (instead of empty results)."""

from __future__ import annotations

from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset

__all__ = ["NEEDS", "require_tables"]

#: Tables that must hold rows for an analysis to mean anything.
NEEDS: dict[str, tuple[str, ...]] = {
    "chain map": ("segments", "firm_segments"),
    "chain throughput": ("segments", "firm_segments"),
    "chain chokepoints": ("supply_links",),
    "chain tiers": ("supply_links",),
    "stress test": ("supply_links",),
    "advice": ("segments", "firm_segments"),
}


def require_tables(ds: Dataset, analysis: str) -> None:
    """Raise :class:`InputError` naming the empty tables ``analysis`` needs and the commands
    that import them."""
    missing = [t for t in NEEDS[analysis] if len(ds.table(t)) == 0]
    if not missing:
        return
    first = missing[0]
    steps = "; ".join(f"chainatlas import {t} {t}.csv --dataset {ds.name}" for t in missing)
    raise InputError(
        f"dataset '{ds.name}' has no {', '.join(missing)}: the {analysis} needs "
        f"{'it' if len(missing) == 1 else 'them'}. Import {'it' if len(missing) == 1 else 'them'}"
        f": {steps} (an empty template with one example row: chainatlas template {first} "
        f"--out {first}.csv)",
        details={"dataset": ds.name, "analysis": analysis, "missing": missing},
    )
