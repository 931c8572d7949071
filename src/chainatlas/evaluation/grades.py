"""Classification tables for coupling (C) and coordination (D) degrees, and development types.

The tables are data (``templates/grade_tables.csv``; 田深圳 et al. 2021, 地理学报 76(4), Table 1, with
the 廖重斌-style 10-grade D scale): ``D10`` (10 grades, intervals ``[a, b)``, the last one closed),
``C4`` (4 coupling stages, intervals ``(a, b]``, the first one including 0) and ``D3`` (失调/过渡/协调).
Boundary inclusivity differs between papers, so any table can be replaced by a CSV with columns
``lower, upper, label[, label_en, closed]``.

Relative development type (相对发展类型): for two subsystems :math:`E = U_1 / U_2`; for n > 2 each
subsystem's :math:`E_i = U_i / \\bar U`. With thresholds (default 0.8 and 1.2, a common but not
universal choice) a sample is 同步型 (synchronous) when every ratio lies in [0.8, 1.2], otherwise
"<subsystem>滞后型" (lagging) naming the subsystem furthest below, or, when none lags,
"<subsystem>超前型" (leading) naming the one furthest above.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError

__all__ = ["GradeTable", "classify", "development_type", "grade_table"]


@dataclass(frozen=True)
class GradeTable:
    """Contiguous intervals ``edges[k]..edges[k+1]`` with a label each.

    ``closed="left"`` means ``[a, b)`` (the last interval also holds its upper edge);
    ``closed="right"`` means ``(a, b]`` (the first interval also holds its lower edge).
    """

    name: str
    edges: tuple[float, ...]
    labels: tuple[str, ...]
    labels_en: tuple[str, ...]
    closed: str = "left"

    def __post_init__(self) -> None:
        e = np.asarray(self.edges, dtype=float)
        if len(self.labels) != len(e) - 1 or len(self.labels) < 1:
            raise InputError(f"grade table {self.name!r}: need one label per interval")
        if not (np.diff(e) > 0).all():
            raise InputError(f"grade table {self.name!r}: bounds must increase; got {list(e)}")
        if self.closed not in ("left", "right"):
            raise InputError(f"grade table {self.name!r}: closed must be 'left' or 'right'")

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, name: str = "custom") -> GradeTable:
        """Build from rows ``lower, upper, label[, label_en, closed]`` (contiguous, sorted)."""
        missing = {"lower", "upper", "label"} - set(frame.columns)
        if missing:
            raise InputError(f"grade table {name!r} lacks column(s) {sorted(missing)}")
        f = frame.sort_values("lower")
        lo, hi = f["lower"].to_numpy(float), f["upper"].to_numpy(float)
        if not np.allclose(lo[1:], hi[:-1]):
            raise InputError(f"grade table {name!r}: intervals must be contiguous")
        en = f["label_en"] if "label_en" in f else f["label"]
        closed = str(f["closed"].iloc[0]) if "closed" in f else "left"
        return cls(name, (*lo.tolist(), float(hi[-1])), tuple(map(str, f["label"])),
                   tuple(map(str, en)), closed)

    @classmethod
    def from_csv(cls, path: str | Path) -> GradeTable:
        try:
            frame = pd.read_csv(path)
        except (OSError, pd.errors.ParserError) as err:
            raise InputError(f"cannot read grade table {path}: {err}") from None
        return cls.from_frame(frame, Path(path).stem)

    def index(self, values: Any) -> np.ndarray:
        """Interval index (0-based) of each value; values outside the table are clipped to it."""
        v = np.asarray(values, dtype=float)
        e = np.asarray(self.edges)
        idx = np.searchsorted(e, v, side="right" if self.closed == "left" else "left")
        return np.clip(np.asarray(idx) - 1, 0, len(self.labels) - 1)


@cache
def _builtin_tables() -> dict[str, GradeTable]:
    text = resources.files("chainatlas.evaluation").joinpath("templates/grade_tables.csv")
    with resources.as_file(text) as path:
        frame = pd.read_csv(path)
    return {str(k): GradeTable.from_frame(g, str(k)) for k, g in frame.groupby("table", sort=False)}


def grade_table(name: str | Path = "D10") -> GradeTable:
    """A built-in table (``D10``, ``C4``, ``D3``) or one read from a CSV path."""
    tables = _builtin_tables()
    if str(name) in tables:
        return tables[str(name)]
    if Path(name).is_file():
        return GradeTable.from_csv(name)
    raise InputError(f"unknown grade table {str(name)!r}; built-in: {', '.join(tables)} or a CSV path")


def classify(values: Any, table: GradeTable | str = "D10", *, english: bool = False) -> list[str]:
    """Label of each value in ``table``.

    Examples
    --------
    >>> classify([0.6514, 0.5160, 0.9], "D10")
    ['初级协调', '勉强协调', '优质协调']
    >>> classify([0.3, 0.9428], "C4")
    ['低水平耦合', '高水平耦合']
    """
    t = grade_table(table) if isinstance(table, str) else table
    labels = t.labels_en if english else t.labels
    return [labels[i] for i in t.index(values)]


def development_type(U: Any, names: Sequence[str] | None = None, *, lower: float = 0.8,
                     upper: float = 1.2) -> list[str]:
    """Relative development type of each row of ``U`` (m × n subsystem scores).

    Examples
    --------
    >>> development_type([[0.3, 0.6], [0.5, 0.45]], ["创新链", "产业链"])
    ['创新链滞后型', '同步型']
    """
    arr = np.asarray(U, dtype=float)
    U2 = arr.reshape(1, -1) if arr.ndim == 1 else arr
    n = U2.shape[1]
    names = list(names) if names is not None else [f"U{i + 1}" for i in range(n)]
    if len(names) != n or n < 2:
        raise InputError("development type needs ≥ 2 subsystems and one name per subsystem")
    if not 0 < lower <= 1 <= upper:
        raise InputError(f"thresholds must satisfy 0 < lower ≤ 1 ≤ upper; got {lower}, {upper}")
    with np.errstate(divide="ignore", invalid="ignore"):
        if n == 2:
            e = U2[:, 0] / U2[:, 1]
            ratio = np.column_stack([e, 1.0 / e])
        else:
            ratio = U2 / U2.mean(axis=1, keepdims=True)
    ratio = np.nan_to_num(ratio, nan=1.0, posinf=np.inf)
    lag = (ratio < lower).any(axis=1)
    lead = (ratio > upper).any(axis=1)
    sync = ~(U2 > 0).any(axis=1) | ~(lag | lead)
    label = np.asarray(names, dtype=object)
    lagging = label[np.argmin(ratio, axis=1)] + "滞后型"
    leading = label[np.argmax(ratio, axis=1)] + "超前型"
    return np.where(sync, "同步型", np.where(lag, lagging, leading)).tolist()
