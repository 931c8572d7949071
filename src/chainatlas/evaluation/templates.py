"""Indicator systems (指标体系): built-in templates and user-supplied CSV/YAML files.

An indicator system is a table with one row per indicator and the columns

``indicator`` (id), ``name`` (Chinese), ``name_en``, ``subsystem`` (the group scored and coupled:
e.g. 创新链/产业链/资金链/人才链), ``dimension`` (sub-dimension), ``factor`` (a second grouping,
e.g. 新技术/数据/绿色), ``direction`` (``+`` benefit, ``-`` cost), ``unit``, ``source`` (the
yearbook), ``level`` (prov/city), ``province_stats`` (how the indicator is derived from the
science-and-technology / high-tech yearbook tables, when it can be) and, optionally, ``weight``
(a subjective weight, e.g. from AHP, used by ``weighting="user"`` or a combination).

Built-in templates:

``nqpf``
    New-quality productive forces (新质生产力): 劳动者 / 劳动资料 / 劳动对象 with 新技术, 数据 and
    绿色 factors. A synthesis of the recurring indicators of the 2024 provincial literature
    (韩文龙 et al. 2024; 王珏 & 王荣基 2024; 卢江 et al. 2024), not a copy of one paper's list.
``four-chain``
    四链融合: 创新链 / 产业链 / 资金链 / 人才链, for n = 4 coupling coordination.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError, Problem, ValidationError

__all__ = ["COLUMNS", "TEMPLATES", "IndicatorSystem", "load_template"]

TEMPLATES: tuple[str, ...] = ("nqpf", "four-chain")
COLUMNS: tuple[str, ...] = ("indicator", "name", "name_en", "subsystem", "dimension", "factor",
                            "direction", "unit", "source", "level", "province_stats", "weight")
_DIRECTIONS = {"+": "+", "-": "-", "1": "+", "-1": "-", "正": "+", "负": "-", "正向": "+",
               "负向": "-", "逆向": "-", "max": "+", "min": "-", "benefit": "+", "cost": "-"}


@dataclass(frozen=True)
class IndicatorSystem:
    """A validated indicator system (see the module docstring for the columns)."""

    name: str
    frame: pd.DataFrame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, name: str = "custom") -> IndicatorSystem:
        """Validate and normalise an indicator table (``subsystem`` falls back to ``dimension``)."""
        f = frame.copy()
        f.columns = [str(c).strip() for c in f.columns]
        problems: list[Problem] = []
        if "indicator" not in f.columns:
            raise InputError(f"indicator system {name!r} needs an 'indicator' column; "
                             f"has {list(f.columns)}")
        for col in COLUMNS:
            if col not in f.columns:
                f[col] = pd.NA
        f["indicator"] = f["indicator"].astype("string").str.strip()
        f["name"] = f["name"].fillna(f["indicator"])
        f["subsystem"] = f["subsystem"].fillna(f["dimension"]).fillna("综合")
        f["direction"] = f["direction"].fillna("+")
        for i, (ind, d) in enumerate(zip(f["indicator"], f["direction"], strict=True)):
            if pd.isna(ind) or not str(ind):
                problems.append(Problem("empty indicator id", name, i + 2, "indicator"))
            key = str(d).strip().lower()
            if key not in _DIRECTIONS:
                problems.append(Problem("bad direction", name, i + 2, "direction", d, "'+' or '-'"))
            else:
                f.loc[f.index[i], "direction"] = _DIRECTIONS[key]
        weight = pd.to_numeric(f["weight"], errors="coerce")
        for i in np.flatnonzero((weight.isna() & f["weight"].notna()).to_numpy() | (weight < 0)):
            problems.append(Problem("bad weight", name, int(i) + 2, "weight", f["weight"].iloc[i],
                                    "a non-negative number"))
        f["weight"] = weight
        dup = f["indicator"].duplicated(keep=False) & f["indicator"].notna()
        for i in [k for k, flag in enumerate(dup) if flag]:
            problems.append(Problem("duplicate indicator id", name, i + 2, "indicator",
                                    f["indicator"].iloc[i]))
        if not len(f):
            problems.append(Problem("no indicators", name))
        if problems:
            raise ValidationError(problems, title=f"indicator system {name!r} is invalid")
        for col in ("subsystem", "dimension", "factor", "name", "name_en"):
            f[col] = f[col].astype("string")
        return cls(name, f[list(COLUMNS)].reset_index(drop=True))

    @property
    def indicators(self) -> list[str]:
        return self.frame["indicator"].astype(str).tolist()

    def groups(self, by: str = "subsystem") -> list[str]:
        """Group label of each indicator (``by`` = subsystem, dimension or factor)."""
        if by not in ("subsystem", "dimension", "factor"):
            raise InputError(f"cannot group by {by!r}; use subsystem, dimension or factor")
        col = self.frame[by]
        if col.isna().any():
            raise InputError(f"indicator system {self.name!r} has indicators without a {by}")
        return col.astype(str).tolist()

    def user_weights(self) -> np.ndarray | None:
        """The ``weight`` column as floats, or None when any indicator lacks one."""
        w = self.frame["weight"].to_numpy(dtype=float)
        return None if np.isnan(w).any() else w

    def directions(self) -> list[str]:
        return self.frame["direction"].astype(str).tolist()

    def subset(self, indicators: Iterable[str]) -> IndicatorSystem:
        """The system restricted to ``indicators`` (template order kept)."""
        keep = set(indicators)
        f = self.frame[self.frame["indicator"].isin(keep)].reset_index(drop=True)
        return IndicatorSystem(self.name, f)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "indicators": self.frame.to_dict(orient="records")}


def _read_file(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            rows = data.get("indicators", data) if isinstance(data, dict) else data
            if not isinstance(rows, list):
                raise InputError(f"{path}: expected a list of indicators (or a mapping with "
                                 "an 'indicators' list)")
            return pd.DataFrame(rows)
        if path.suffix.lower() in (".xlsx", ".xls"):
            return pd.read_excel(path)
        return pd.read_csv(path, dtype={"direction": str})
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read indicator system {path}: {err}") from None


def load_template(name: str | Path) -> IndicatorSystem:
    """A built-in template (``nqpf``, ``four-chain``) or an indicator system read from a file.

    Examples
    --------
    >>> load_template("four-chain").frame["subsystem"].unique().tolist()
    ['创新链', '产业链', '资金链', '人才链']
    """
    key = str(name).strip().lower().replace("_", "-")
    if key in TEMPLATES:
        res = resources.files("chainatlas.evaluation").joinpath(f"templates/{key}.csv")
        with resources.as_file(res) as path:
            frame = pd.read_csv(path, dtype={"direction": str})
        return IndicatorSystem.from_frame(frame, key)
    path = Path(name)
    if not path.is_file():
        raise InputError(f"unknown template {str(name)!r}: use {' or '.join(TEMPLATES)}, "
                         "or the path of a CSV/YAML indicator file")
    return IndicatorSystem.from_frame(_read_file(path), path.stem)
