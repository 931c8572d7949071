"""Result of a dynamic stress test: daily series, per-firm losses and the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["RECOVERY_THRESHOLD", "SimulationResult", "recovery_day"]

#: Output ratio from which the network counts as recovered.
RECOVERY_THRESHOLD = 0.99


def recovery_day(ratio: np.ndarray, threshold: float = RECOVERY_THRESHOLD) -> int | None:
    """First day from which ``ratio`` stays ≥ ``threshold`` to the horizon; ``None`` if never.

    >>> recovery_day(np.array([1.0, 0.5, 0.98, 0.995, 1.0]))
    3
    """
    below = np.flatnonzero(ratio < threshold)
    if not len(below):
        return 0
    last = int(below[-1])
    return None if last == len(ratio) - 1 else last + 1


@dataclass(eq=False)
class SimulationResult:
    """Daily output of a stress test.

    Attributes
    ----------
    scenario : str
        Scenario name.
    daily : DataFrame
        One row per day: ``output`` (gross output, 10,000 CNY/day), ``output_ratio`` (to the
        baseline), ``output_loss``, ``value_added``, ``value_added_loss``, ``final_demand``
        (demanded that day), ``final_demand_unmet``, ``firms_below_half`` (firms under 50 %).
    segment_ratio, region_ratio : DataFrame
        Output ratio per day (rows) and main segment / region (columns).
    firm_loss : Series
        Cumulative output loss per firm (10,000 CNY), index = firm id.
    firm_min_ratio : Series
        Lowest output ratio of each firm over the horizon.
    firm_ratio : DataFrame or None
        Output ratio per day and firm (only when asked for).
    segment_loss, region_loss : Series
        Cumulative output loss per segment / region (10,000 CNY).
    """

    scenario: str
    daily: pd.DataFrame
    segment_ratio: pd.DataFrame
    region_ratio: pd.DataFrame
    segment_loss: pd.Series
    region_loss: pd.Series
    firm_loss: pd.Series
    firm_min_ratio: pd.Series
    baseline_output: float
    baseline_value_added: float
    firm_ratio: pd.DataFrame | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ summary
    @property
    def total_output_loss(self) -> float:
        """Σ over days of baseline − actual gross output (10,000 CNY)."""
        return float(self.daily["output_loss"].sum())

    @property
    def value_added_loss(self) -> float:
        return float(self.daily["value_added_loss"].sum())

    @property
    def min_output_ratio(self) -> float:
        return float(self.daily["output_ratio"].min())

    @property
    def recovery_day(self) -> int | None:
        return recovery_day(self.daily["output_ratio"].to_numpy())

    def _worst(self, loss: pd.Series, ratio: pd.DataFrame, name: str, k: int) -> list[dict[str, Any]]:
        top = loss[loss > 0].sort_values(ascending=False).head(k)
        return [{name: str(key), "output_loss": float(val),
                 "min_output_ratio": float(ratio[key].min()) if key in ratio else None}
                for key, val in top.items()]

    def summary(self, top: int = 5) -> dict[str, Any]:
        """The headline numbers (see the attribute docs for units)."""
        d = self.daily
        worst_day = int(d["output_ratio"].to_numpy().argmin()) if len(d) else None
        firms = self.firm_loss[self.firm_loss > 0].sort_values(ascending=False).head(top)
        return {
            "scenario": self.scenario,
            "horizon_days": int(len(d)),
            "baseline_daily_output": self.baseline_output,
            "total_output_loss": self.total_output_loss,
            "total_output_loss_days": (self.total_output_loss / self.baseline_output
                                       if self.baseline_output > 0 else 0.0),
            "value_added_loss": self.value_added_loss,
            "min_output_ratio": self.min_output_ratio,
            "min_output_day": worst_day,
            "recovery_day": self.recovery_day,
            "final_demand_unmet": float(d["final_demand_unmet"].sum()),
            "max_firms_below_half": int(d["firms_below_half"].max()) if len(d) else 0,
            "worst_segments": self._worst(self.segment_loss, self.segment_ratio, "segment", top),
            "worst_regions": self._worst(self.region_loss, self.region_ratio, "region", top),
            "worst_firms": [{"firm": str(f), "output_loss": float(v),
                             "min_output_ratio": float(self.firm_min_ratio[f])}
                            for f, v in firms.items()],
        }

    def to_dict(self, top: int = 5) -> dict[str, Any]:
        """Summary plus ``daily_output_ratio`` (one number per day)."""
        out = self.summary(top)
        out["daily_output_ratio"] = [float(v) for v in self.daily["output_ratio"]]
        if self.meta.get("notes"):
            out["notes"] = list(self.meta["notes"])
        return out

    def write(self, out_dir: str | Path, fmt: str = "parquet") -> list[Path]:
        """Write the time series (``daily``, ``segments``, ``regions``, ``firms``) as Parquet/CSV."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        frames = {
            "daily": self.daily,
            "segments": self.segment_ratio.rename_axis("day").reset_index(),
            "regions": self.region_ratio.rename_axis("day").reset_index(),
            "firm_loss": pd.DataFrame({"firm": self.firm_loss.index.astype(str),
                                       "output_loss": self.firm_loss.to_numpy(),
                                       "min_output_ratio": self.firm_min_ratio.to_numpy()}),
        }
        if self.firm_ratio is not None:
            frames["firms"] = self.firm_ratio.rename_axis("day").reset_index()
        paths = []
        for name, frame in frames.items():
            frame = frame.copy()
            frame.columns = [str(c) for c in frame.columns]
            p = out / f"{name}.{'csv' if fmt == 'csv' else 'parquet'}"
            if fmt == "csv":
                frame.to_csv(p, index=False)
            else:
                frame.to_parquet(p, index=False)
            paths.append(p)
        return paths
