"""The demo use cases: build a store from the built-in data, run every topic's demo section, and
write synthetic benchmark networks.

``chainatlas demo`` calls :func:`run_demo`; ``chainatlas generate`` calls :func:`generate_files`.
Each analysis topic contributes to the demo through ``chainatlas.services.<topic>.demo_section(ds)``,
which returns a few titled tables for the ``yrd-nev`` dataset.
"""

from __future__ import annotations

import importlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from chainatlas._format import count
from chainatlas._types import PathArg
from chainatlas.config import get_settings
from chainatlas.datasets import DEMOS, demo_meta, load_demo
from chainatlas.datasets.synthetic import generate_network, write_network
from chainatlas.exceptions import ChainAtlasError, InputError, ModelError
from chainatlas.model.dataset import Dataset
from chainatlas.model.tables import TABLE_ORDER
from chainatlas.services.datasets import import_frames, load_dataset, open_store

__all__ = ["DEMO_TOPICS", "DemoReport", "build_demo_store", "generate_files", "run_demo"]

#: Topics whose ``demo_section`` the demo runs, in this order.
DEMO_TOPICS: tuple[str, ...] = ("chain", "io", "stress", "risk", "cluster", "advise", "evaluate",
                               "match", "sharing")


@dataclass
class DemoReport:
    """What :func:`run_demo` did.

    Attributes
    ----------
    db : Path
        The store that was built.
    out_dir : Path
        Folder holding one CSV per printed table and ``summary.json``.
    counts : dict[str, dict[str, int]]
        Rows per table per demo dataset.
    sections : dict[str, str]
        Per topic: ``"ok"``, ``"not available"`` or ``"failed: <message>"``.
    seconds : dict[str, float]
        Wall time per step.
    files : list[Path]
        Files written under ``out_dir``.
    """

    db: Path
    out_dir: Path
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    sections: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [t for t, s in self.sections.items() if s.startswith("failed")]

    def to_dict(self) -> dict[str, Any]:
        return {"db": str(self.db), "out_dir": str(self.out_dir), "counts": self.counts,
                "sections": self.sections,
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
                "files": [str(p) for p in self.files]}


def build_demo_store(db: PathArg | None = None,
                     names: Sequence[str] = DEMOS) -> dict[str, dict[str, int]]:
    """Write the built-in demo datasets into the store at ``db`` through the validated import.

    An existing dataset of the same name is deleted first (with its stored frames, so no cached
    result of the old data survives). Returns rows written per table per dataset.
    """
    counts: dict[str, dict[str, int]] = {}
    store = open_store(db)
    try:
        for name in names:
            ds = load_demo(name)
            if store.has_dataset(name):
                store.delete_dataset(name)
            frames = {t: ds.tables[t] for t in TABLE_ORDER if t in ds.tables}
            report = import_frames(store, name, frames, mode="replace", create=True,
                                   source=f"demo:{name}")
            counts[name] = dict(report.tables)
    finally:
        store.close()
    return counts


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w\-]+", "_", text, flags=re.UNICODE).strip("_")
    return slug[:60] or "table"


def _summary_frame(counts: dict[str, dict[str, int]]) -> pd.DataFrame:
    names = list(counts)
    rows = [{"table": t, **{n: counts[n].get(t, 0) for n in names}} for t in TABLE_ORDER
            if any(counts[n].get(t, 0) for n in names)]
    return pd.DataFrame(rows, columns=["table", *names])


def _section(topic: str) -> Any:
    """The topic's ``demo_section`` function, or None when the topic has none yet."""
    module_name = f"chainatlas.services.{topic}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name == module_name:
            return None
        raise
    return getattr(module, "demo_section", None)


def run_demo(db: PathArg | None = None, out_dir: PathArg | None = None, console: Any = None,
             topics: Sequence[str] = DEMO_TOPICS,
             extra_steps: Sequence[tuple[str, Callable[[Path, Path, Any], Sequence[Path]]]] = (),
             show: Callable[[str, pd.DataFrame], None] | None = None,
             ) -> DemoReport:
    """Build the demo store, run each topic's demo section, write every table, and print a short
    account (one line per dataset and per topic, then the files written).

    Parameters
    ----------
    db : path, optional
        Store file (default ``$CHAINATLAS_DB`` or ``./chainatlas.duckdb``); the demo datasets
        in it are replaced.
    out_dir : path, optional
        Folder for the CSV of every printed table and ``summary.json`` (default:
        ``chainatlas-demo/`` beside the store).
    console : rich.console.Console, optional
        Where to print (default: a new console on stdout).
    topics : sequence of str
        Topics to run (default :data:`DEMO_TOPICS`).
    extra_steps : sequence of (name, step)
        Further steps run after the topics, each ``step(db_path, out_dir, console)`` returning
        the files it wrote (the CLI adds the HTML report and the lists workbook this way).
    show : callable, optional
        Called with ``(title, frame)`` for every table (the CLI's ``--verbose`` prints them);
        by default tables are only written to ``out_dir``.

    Returns
    -------
    DemoReport

    Raises
    ------
    ModelError
        If a topic's demo section raised; the other sections still run and print first.
    """
    from rich.console import Console

    console = console if console is not None else Console()
    db_path = get_settings(db).db_path
    out = Path(out_dir) if out_dir is not None else db_path.resolve().parent / "chainatlas-demo"
    out.mkdir(parents=True, exist_ok=True)
    report = DemoReport(db=db_path, out_dir=out)

    console.rule("chainatlas demo")
    t0 = time.perf_counter()
    with console.status(f"Building the demo store {db_path} (validated import) …"):
        report.counts = build_demo_store(db_path)
    report.seconds["build"] = time.perf_counter() - t0
    summary = _summary_frame(report.counts)
    if show is not None:
        show(f"Demo datasets in {db_path} (rows per table)", summary)
    for name, rows in report.counts.items():
        parts = ", ".join(f"{count(n)} {t}" for t, n in rows.items() if n)
        console.print(f"{name}: {parts}", markup=False)
        note = demo_meta(name).get("note")
        if note and show is not None:
            console.print(f"{name}: {note}", style="dim", markup=False)
    path = out / "datasets.csv"
    summary.to_csv(path, index=False, encoding="utf-8-sig")
    report.files.append(path)

    ds = load_dataset(db_path, "yrd-nev")
    for topic in topics:
        func = _section(topic)
        if func is None:  # every topic ships a demo section; a missing one is a packaging bug
            report.sections[topic] = "failed: no demo section"
            console.print(f"{topic}: failed: no demo section", style="red", markup=False)
            continue
        if show is not None:
            console.rule(topic)
        t0 = time.perf_counter()
        fresh = Dataset.from_frames(ds.name, {t: f.copy() for t, f in ds.tables.items()},
                                    ds.meta)  # a section cannot disturb the next one
        try:
            with console.status(f"Running the {topic} analyses …"):
                tables = list(func(fresh))
        except ChainAtlasError as err:
            report.sections[topic] = f"failed: {err.message}"
            console.print(f"{topic}: failed: {err.message}", style="red", markup=False)
            continue
        except Exception as err:  # a bug in a section: show it, run the others, fail at the end
            console.print_exception()
            report.sections[topic] = f"failed: {type(err).__name__}: {err}"
            console.print(f"{topic}: failed: {type(err).__name__}: {err}", style="red",
                          markup=False)
            continue
        finally:
            report.seconds[topic] = time.perf_counter() - t0
        for k, (title, frame) in enumerate(tables):
            if show is not None:
                show(title, frame)
            path = out / topic / f"{k + 1:02d}_{_slug(title)}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(path, index=False, encoding="utf-8-sig")
            report.files.append(path)
        report.sections[topic] = "ok"
        console.print(f"{topic}: {len(tables)} table(s) in {report.seconds[topic]:.1f} s → "
                      f"{out / topic}", markup=False)
    for name, step in extra_steps:
        if show is not None:
            console.rule(name)
        t0 = time.perf_counter()
        try:
            with console.status(f"{name} …"):
                report.files += list(step(db_path, out, console))
            report.sections[name] = "ok"
        except ChainAtlasError as err:
            report.sections[name] = f"failed: {err.message}"
            console.print(f"{name}: failed: {err.message}", style="red", markup=False)
        report.seconds[name] = time.perf_counter() - t0
    (out / "summary.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    report.files.append(out / "summary.json")
    console.rule()
    console.print(f"Store: {db_path.resolve()}", markup=False)
    console.print(f"Tables (CSV, one per analysis) and summary.json: {out.resolve()}",
                  markup=False)
    if report.failed:
        raise ModelError(f"demo section(s) failed: {', '.join(report.failed)}",
                         details=report.to_dict())
    return report


def generate_files(n_firms: int, n_links: int, n_sectors: int, seed: int, out_dir: PathArg, *,
                   foreign_share: float = 0.05, n_regions: int = 300) -> pd.DataFrame:
    """Generate a synthetic network and write ``<out_dir>/<table>.parquet``.

    Returns one row per table: rows, file and size in bytes (see
    :func:`chainatlas.datasets.synthetic.generate_network`).
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out must be a folder, but {out} is a file")
    frames = generate_network(n_firms, n_links, n_sectors, seed, foreign_share=foreign_share,
                              n_regions=n_regions)
    paths = write_network(frames, out)
    return pd.DataFrame({
        "table": list(paths),
        "rows": [len(frames[t]) for t in paths],
        "file": [str(p) for p in paths.values()],
        "bytes": [p.stat().st_size for p in paths.values()],
    })
