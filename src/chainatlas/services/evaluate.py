"""Evaluation use cases: score a decision matrix, couple subsystem scores, run the panel pipeline.

Reads the user's CSV files (or a dataset's ``indicators``/``indicator_defs`` tables), calls
:mod:`chainatlas.evaluation` and shapes the results for the CLI, the API and the reports.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.evaluation import (
    IndicatorSystem,
    PanelResult,
    ahp_weights,
    classify,
    coupling_coordination,
    critic_weights,
    development_type,
    entropy_weights,
    equal_weights,
    evaluate_panel,
    grade_table,
    linear_scores,
    load_template,
    minmax_standardise,
    rank_descending,
    std_weights,
    topsis,
)
from chainatlas.evaluation._checks import as_types
from chainatlas.evaluation.panel import sample_warnings, zero_score_warning
from chainatlas.evaluation.templates import TEMPLATES
from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.readers.encoding import csv_source

__all__ = [
    "SCORE_METHODS",
    "ahp_table",
    "coupling_table",
    "demo_panel",
    "demo_section",
    "panel_from_dataset",
    "read_panel",
    "run_panel",
    "run_panel_of",
    "score_matrix",
    "summary_table",
    "write_xlsx",
]

SCORE_METHODS: tuple[str, ...] = tuple(f"{w}-{s}" for w in ("entropy", "critic", "std", "equal")
                                       for s in ("topsis", "linear"))


def _read_csv(path: Path, what: str, text_columns: dict[Any, Any] | None = None) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} file not found: {path}")
    try:
        return pd.read_csv(csv_source(path),
                           dtype=text_columns if text_columns is not None else {0: str})
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise InputError(f"cannot read {what} {path}: {err}") from None


def _numeric_block(frame: pd.DataFrame, path: Path, what: str) -> tuple[list[str], list[str],
                                                                        np.ndarray]:
    if frame.shape[1] < 2:
        raise InputError(f"{path}: the {what} needs an id column and at least one value column")
    ids = frame.iloc[:, 0].astype(str).tolist()
    cols = [str(c) for c in frame.columns[1:]]
    values = frame.iloc[:, 1:].apply(pd.to_numeric, errors="coerce")
    bad = values.isna().to_numpy()
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InputError(f"{path}: row {i + 2}, column '{cols[j]}' is not a number "
                         f"(value: {frame.iloc[i, j + 1]!r})")
    if len(set(ids)) != len(ids):
        raise InputError(f"{path}: alternative ids in the first column must be unique")
    return ids, cols, values.to_numpy(dtype=float)


def _frame_or_csv(source: Path | pd.DataFrame, what: str) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source, what
    return _read_csv(Path(source), what), str(source)


def score_matrix(matrix: Path | pd.DataFrame, types: str | None = None,
                 method: str = "entropy-topsis", *, normalisation: str = "minmax",
                 shift: float = 0.0) -> dict[str, Any]:
    """Weights, scores and ranks of a decision matrix (CSV path or frame; first column = ids).

    ``method`` is ``<weighting>-<scoring>`` (see :data:`SCORE_METHODS`).
    """
    if method not in SCORE_METHODS:
        raise InputError(f"unknown method {method!r}; use one of {', '.join(SCORE_METHODS)}")
    frame, label = _frame_or_csv(matrix, "matrix")
    ids, criteria, X = _numeric_block(frame, Path(label), "matrix")
    t = as_types(types, X.shape[1])
    weighting, scoring = method.split("-")
    if weighting == "entropy":
        w = entropy_weights(X, t, shift=shift)
    elif weighting == "critic":
        w = critic_weights(X, t)
    elif weighting == "std":
        w = std_weights(X, t)
    else:
        w = equal_weights(X.shape[1])
    if scoring == "topsis":
        s = topsis(X, w, t, normalisation=normalisation).closeness  # type: ignore[arg-type]
    else:
        s = linear_scores(minmax_standardise(X, t), w)
    r = rank_descending(s)
    return {
        "method": method, "criteria": criteria, "types": ["+" if v > 0 else "-" for v in t],
        "weights": w.tolist(),
        "scores": dict(zip(ids, s.tolist(), strict=True)),
        "ranks": dict(zip(ids, r.tolist(), strict=True)),
        "warnings": sample_warnings(len(ids), 1, len(ids), len(criteria), weighting=weighting,
                                    what="alternative"),
    }


def coupling_table(values: Path | pd.DataFrame, variant: str = "standard", *,
                   alpha: list[float] | None = None, grades: str = "D10") -> dict[str, Any]:
    """C, T, D, grade, stage and development type of each row of a subsystem-score table
    (CSV path or frame; first column = ids, then one column of U in [0, 1] per subsystem)."""
    frame, label = _frame_or_csv(values, "values")
    ids, subsystems, U = _numeric_block(frame, Path(label), "values table")
    res = coupling_coordination(U, variant, alpha)  # type: ignore[arg-type]
    grade = classify(res.D, grade_table(grades))
    stage = classify(res.C, "C4")
    kinds = development_type(U, subsystems)

    def by_id(seq: Any) -> dict[str, Any]:
        return dict(zip(ids, list(seq), strict=True))

    return {"variant": variant, "subsystems": subsystems, "alpha": res.alpha.tolist(),
            "C": by_id(res.C.tolist()), "T": by_id(res.T.tolist()), "D": by_id(res.D.tolist()),
            "grade": by_id(grade), "stage": by_id(stage), "type": by_id(kinds),
            "warnings": zero_score_warning(U, ids, variant)}


def ahp_table(matrix: Path, method: str = "eigen") -> dict[str, Any]:
    """AHP weights and consistency ratio of a pairwise-comparison CSV.

    The CSV is square: the first column names the criteria (rows), the header names them again
    (columns); cells may be numbers or fractions such as ``1/3``.
    """
    frame = _read_csv(matrix, "pairwise matrix")
    names = frame.iloc[:, 0].astype(str).tolist()
    cells = frame.iloc[:, 1:].astype(str).to_numpy()

    def number(text: str, i: int, j: int) -> float:
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                return float(num) / float(den)
            return float(text)
        except (ValueError, ZeroDivisionError):
            raise InputError(f"{matrix}: row {i + 2}, column {j + 2} is not a number or a "
                             f"fraction (value: {text!r})") from None

    A = [[number(c.strip(), i, j) for j, c in enumerate(row)] for i, row in enumerate(cells)]
    res = ahp_weights(A, method)  # type: ignore[arg-type]
    out = res.to_dict()
    out["weights"] = dict(zip(names, res.weights.tolist(), strict=True))
    out["method"] = method
    return out


def read_panel(path: Path) -> pd.DataFrame:
    """A panel CSV as a long frame ``region, year, indicator, value``.

    Long files have the columns ``region, year, indicator, value`` (Chinese headers 地区, 年份, 指标,
    数值 also work); wide files have ``region, year`` then one column per indicator.
    """
    frame = _read_csv(path, "panel", {c: str for c in ("region", "地区", "地区代码")})
    rename = {"地区": "region", "地区代码": "region", "年份": "year", "指标": "indicator",
              "指标代码": "indicator", "数值": "value", "值": "value"}
    frame = frame.rename(columns={c: rename.get(str(c).strip(), str(c).strip())
                                  for c in frame.columns})
    if not {"region", "year"} <= set(frame.columns):
        raise InputError(f"{path}: a panel needs 'region' and 'year' columns; has "
                         f"{list(frame.columns)}")
    frame["region"] = frame["region"].astype(str)
    if {"indicator", "value"} <= set(frame.columns):
        return frame
    skip = {"region", "year", "region_name", "name", "地区名称"}
    value_cols = [c for c in frame.columns if c not in skip]
    if not value_cols:
        raise InputError(f"{path}: no indicator columns found")
    return frame.melt(id_vars=["region", "year"], value_vars=value_cols, var_name="indicator",
                      value_name="value")


def _region_names(ds: Dataset | None, panel: pd.DataFrame) -> dict[str, str]:
    names: dict[str, str] = {}
    if "region_name" in panel.columns:
        first = panel.drop_duplicates("region")
        names.update(zip(first["region"].astype(str), first["region_name"].astype(str),
                         strict=True))
    if ds is not None and len(ds.regions):
        reg = ds.regions.dropna(subset=["name"])
        names.update(zip(reg["code"].astype(str), reg["name"].astype(str), strict=True))
    return names


def _guess_template(indicators: set[str]) -> IndicatorSystem:
    best = max((load_template(t) for t in TEMPLATES),
               key=lambda s: len(indicators & set(s.indicators)))
    if not indicators & set(best.indicators):
        raise InputError("the panel's indicators match no built-in template; give --template "
                         f"({' or '.join(TEMPLATES)} or a CSV/YAML indicator file)")
    return best


def panel_from_dataset(ds: Dataset) -> tuple[pd.DataFrame, IndicatorSystem | None]:
    """The dataset's ``indicators`` as a long panel and its ``indicator_defs`` as a system."""
    panel = ds.indicators
    if not len(panel):
        raise InputError(f"dataset {ds.name!r} has no indicators table to evaluate")
    defs = ds.indicator_defs
    system = IndicatorSystem.from_frame(defs, ds.name) if len(defs) else None
    return panel, system


def demo_panel() -> pd.DataFrame:
    """The shipped five-province panel (real province_stats figures, 2018–2022)."""
    res = resources.files("chainatlas.evaluation").joinpath("templates/demo_panel.csv")
    with resources.as_file(res) as path:
        return pd.read_csv(csv_source(path), dtype={"region": str})


def run_panel(*, panel: Path | pd.DataFrame | None = None, dataset: str | None = None,
              db: Path | None = None, template: str | Path | None = None,
              **options: Any) -> PanelResult:
    """The whole pipeline on a panel (CSV path or long frame) or a stored dataset's indicators.

    ``options`` go to :func:`chainatlas.evaluation.evaluate_panel`.
    """
    if (panel is None) == (dataset is None):
        raise InputError("give exactly one of a panel CSV (--panel) or a dataset (--dataset)")
    if panel is None:
        from chainatlas.services.datasets import load_dataset

        return run_panel_of(load_dataset(db, str(dataset)), template=template, **options)
    long = panel if isinstance(panel, pd.DataFrame) else read_panel(panel)
    system = load_template(template) if template is not None else \
        _guess_template(set(long["indicator"].astype(str)))
    return evaluate_panel(long, system, region_names=_region_names(None, long), **options)


def run_panel_of(ds: Dataset, *, template: str | Path | None = None,
                 **options: Any) -> PanelResult:
    """The whole pipeline on the indicator tables of ``ds`` (template from its definitions)."""
    long, system = panel_from_dataset(ds)
    if template is not None:
        system = load_template(template)
    if system is None:
        system = _guess_template(set(long["indicator"].astype(str)))
    return evaluate_panel(long, system, region_names=_region_names(ds, long), **options)


def summary_table(result: PanelResult) -> pd.DataFrame:
    """One row per region-year: subsystem scores, index, rank, C, D, grade, type, top obstacle."""
    keys = ["region", "year"]
    out = result.scores.copy()
    if len(result.coupling):
        cols = ["C", "T", "D", "D_grade", "type"]
        out = out.merge(result.coupling[keys + cols], on=keys, how="left")
    top = result.top_obstacles
    if len(top):
        first = top[top["k"] == 1][[*keys, "name"]].rename(columns={"name": "top_obstacle"})
        out = out.merge(first, on=keys, how="left")
    return out.sort_values(["year", "rank"], ascending=[False, True]).reset_index(drop=True)


def write_xlsx(result: PanelResult, path: Path) -> Path:
    """Write every intermediate table of ``result`` to one workbook, one sheet per table."""
    path = Path(path)
    try:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            summary_table(result).to_excel(writer, sheet_name="summary", index=False)
            for name, frame in result.tables().items():
                frame.to_excel(writer, sheet_name=name[:31], index=False)
    except OSError as err:
        raise InputError(f"cannot write {path}: {err}") from None
    return path


def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """Ranking and coupling grades of the demo's indicator panel for ``chainatlas demo``.

    Uses the dataset's ``indicators``/``indicator_defs`` when it has them, otherwise the shipped
    five-province four-chain panel.
    """
    if len(ds.indicators):
        long, system = panel_from_dataset(ds)
        if system is None:
            system = _guess_template(set(long["indicator"].astype(str)))
    else:
        long, system = demo_panel(), load_template("four-chain")
    res = evaluate_panel(long, system, region_names=_region_names(ds, long))
    last = int(res.scores["year"].max())
    summary = summary_table(res)
    summary = summary[summary["year"] == last].drop(columns=["year"])
    name_cols = ["region_name"] if "region_name" in summary else ["region"]
    subs = [c for c in res.options["subsystems"]]
    rank = summary[name_cols + subs + ["index", "rank"]].round(4)
    tables = [(f"Evaluation {last}: {system.name} index and ranking (entropy weights, pooled)",
               rank)]
    if len(res.coupling):
        coup = summary[[*name_cols, "C", "T", "D", "D_grade", "type", "top_obstacle"]]
        tables.append((f"Coupling coordination {last} (Wang et al. 2021 C, D = √(C·T))",
                       coup.round(4)))
    weights = res.weights.groupby("subsystem", sort=False).apply(
        lambda g: g.nlargest(2, "weight")["name"].str.cat(sep="、"), include_groups=False)
    layer = res.subsystem_weights.assign(heaviest_indicators=weights.reindex(
        res.subsystem_weights["subsystem"]).to_numpy())
    tables.append(("Entropy weights by subsystem (criterion layer)", layer.round(4)))
    return tables
