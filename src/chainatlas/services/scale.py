"""Scale use cases: national-size networks loaded in chunks, Monte Carlo stress tests.

- :func:`load_graph` packs a network given as a Parquet folder or a stored dataset into a
  :class:`~chainatlas.network.graph.FirmGraph` without a frame of the whole link table
  (:mod:`chainatlas.network.csr_io`);
- :func:`large_run` loads such a network, screens its chokepoints and simulates a capacity
  shock day by day, timing each stage (the national-scale check);
- :func:`montecarlo` / :func:`montecarlo_of` run a Monte Carlo stress test on any executor.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from chainatlas._types import PathArg
from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.network.csr_io import graph_nbytes, pack_firm_graph
from chainatlas.network.graph import FirmGraph
from chainatlas.readers import network_parquet as pqr
from chainatlas.services.datasets import DbArg, _store, load_dataset
from chainatlas.services.stress import _scenario, network_of
from chainatlas.shock.executors import make_executor
from chainatlas.shock.montecarlo import MonteCarloResult, monte_carlo
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.scenario import Scenario

__all__ = ["large_run", "load_graph", "montecarlo", "montecarlo_of", "peak_rss_mb"]

_FIRM_COLS = ("id", "region", "country", "ownership")
_FS_COLS = ("firm", "segment", "capacity", "output_value")
_LINK_COLS = ("supplier", "customer", "segment", "value", "lead_time_days")
#: Small tables loaded whole next to the graph (names, BOM, regions for chokepoints).
_SMALL = ("regions", "chains", "segments", "segment_inputs")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB (``getrusage``)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load_graph(source: PathArg, *, db: DbArg = None,
               batch_rows: int = pqr.DEFAULT_BATCH_ROWS) -> tuple[FirmGraph, Dataset]:
    """The firm graph of a large network, read in batches of ``batch_rows`` rows.

    Parameters
    ----------
    source : path or str
        A folder of ``<table>.parquet`` files (or ``<table>/`` part folders), or the name of a
        dataset in the store ``db``.
    db : path, optional
        Store file for a dataset name (default from the settings).
    batch_rows : int
        Rows per batch.

    Returns
    -------
    (FirmGraph, Dataset)
        The graph and a dataset holding only the small tables (regions, chains, segments,
        segment_inputs), enough for chokepoints and labels.
    """
    path = Path(source)
    if path.is_dir():
        files = {t: pqr.table_files(path, t) for t in ("firms", "supply_links")}
        files["firm_segments"] = pqr.table_files(path, "firm_segments", required=False)
        small = {t: pqr.read_table(path, t) for t in _SMALL}
        graph = pack_firm_graph(
            pqr.iter_batches(files["firms"], _FIRM_COLS, batch_rows=batch_rows),
            pqr.iter_batches(files["firm_segments"], _FS_COLS, batch_rows=batch_rows),
            pqr.iter_batches(files["supply_links"], _LINK_COLS, batch_rows=batch_rows),
            segments=small["segments"],
            n_firm_segments=pqr.count_rows(files["firm_segments"]),
            n_links=pqr.count_rows(files["supply_links"]),
        )
        return graph, Dataset(path.name, small)
    from chainatlas.store import stream

    name = str(source)
    with _store(db, read_only=True) as store:
        small = {t: store.read_table(name, t) for t in _SMALL}
        counts = store.table_counts(name)
        graph = pack_firm_graph(
            stream.iter_batches(store, name, "firms", _FIRM_COLS, batch_rows=batch_rows),
            stream.iter_batches(store, name, "firm_segments", _FS_COLS, batch_rows=batch_rows),
            stream.iter_batches(store, name, "supply_links", _LINK_COLS, batch_rows=batch_rows),
            segments=small["segments"], n_firm_segments=counts.get("firm_segments"),
            n_links=counts.get("supply_links"),
        )
    return graph, Dataset(name, small)


def large_run(source: PathArg, *, db: DbArg = None, days: int = 30, shocked_share: float = 0.01,
              capacity_loss: float = 0.5, seed: int = 0, chokepoints: bool = True,
              max_exact: int = 20, max_regions: int = 10, batch_rows: int = pqr.DEFAULT_BATCH_ROWS,
              log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Load a large network in chunks, screen its chokepoints, simulate ``days`` days.

    The scenario follows the speed benchmark of the reference simulator: a random
    ``shocked_share`` of firms (drawn with ``seed``) lose ``capacity_loss`` of their capacity
    from day 0 for the whole horizon. Returns sizes, seconds per stage, seconds per simulated
    day, bytes per link and the peak resident memory (MiB). The chokepoint screen lists the exact
    top 20 firm chokepoints (candidates beyond ``max_exact`` pruned by an upper bound, see
    :func:`~chainatlas.network.chokepoints.find_chokepoints`) and tests the ``max_regions``
    largest regions only.
    """
    if days < 1:
        raise InputError(f"days must be ≥ 1, got {days}")
    if not 0.0 < shocked_share <= 1.0:
        raise InputError(f"shocked_share must be in (0, 1], got {shocked_share}")
    say = log or (lambda _msg: None)
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    graph, small = load_graph(source, db=db, batch_rows=batch_rows)
    out["load_s"] = time.perf_counter() - t0
    nb = graph_nbytes(graph)
    out.update(firms=graph.n_firms, links=graph.n_edges,
               bytes_per_link=nb["per_link"] / max(graph.n_edges, 1),
               bytes_per_firm=nb["per_firm"] / max(graph.n_firms, 1),
               rss_after_load_mb=peak_rss_mb())
    say(f"loaded {graph.n_firms:,} firms, {graph.n_edges:,} links in {out['load_s']:.1f} s")
    if chokepoints:
        from chainatlas.network.chokepoints import find_chokepoints

        t0 = time.perf_counter()
        cp = find_chokepoints(small, graph=graph, max_exact=max_exact, max_regions=max_regions,
                              limit=20)
        out["chokepoints_s"] = time.perf_counter() - t0
        out["chokepoints_listed"] = len(cp.table)
        out["top_chokepoint_share"] = float(cp.table["share"].max()) if len(cp.table) else 0.0
        say(f"chokepoints in {out['chokepoints_s']:.1f} s")
    t0 = time.perf_counter()
    net = ShockNetwork.from_graph(graph)
    del graph
    net.day_layout(True)
    out["model_build_s"] = time.perf_counter() - t0
    say(f"model network built in {out['model_build_s']:.1f} s")
    from chainatlas.shock.firm_model import simulate

    rng = np.random.default_rng(seed)
    k = max(1, int(round(shocked_share * net.n_firms)))
    hit = np.sort(rng.choice(net.n_firms, size=k, replace=False))
    scenario = {"name": "large-run", "horizon_days": int(days),
                "shocks": [{"firm": net.firm_ids[hit].astype(str).tolist(),
                            "capacity_loss": float(capacity_loss)}]}
    t0 = time.perf_counter()
    res = simulate(net, scenario)
    out["simulate_s"] = time.perf_counter() - t0
    out["days"] = int(days)
    out["s_per_day"] = out["simulate_s"] / days
    out["shocked_firms"] = int(k)
    out["active_firms"] = int(res.meta.get("active_firms", 0))
    out["min_output_ratio"] = float(res.min_output_ratio)
    out["peak_rss_mb"] = peak_rss_mb()
    say(f"{days} days in {out['simulate_s']:.1f} s ({out['s_per_day']:.2f} s/day)")
    return out


def montecarlo_of(ds: Dataset, template: Scenario | Mapping[str, Any] | PathArg, *,
                  capacity_loss: Any = None, duration_days: Any = None, n: int = 1000,
                  seed: int | None = 0, executor: str = "serial", scheduler: str | None = None,
                  workers: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> MonteCarloResult:
    """Monte Carlo stress test of ``ds`` (see :func:`chainatlas.shock.montecarlo.monte_carlo`).

    ``template`` is a scenario file, mapping or :class:`Scenario`; it may carry the
    distributions itself under a top-level ``uncertain`` key
    (``{capacity_loss: …, duration_days: …}``), which the keyword arguments override.
    """
    data = template
    if isinstance(template, (str, Path)):
        data = _read_mapping(Path(template))
    if isinstance(data, Mapping):
        data = dict(data)
        unc = data.pop("uncertain", None) or {}
        if not isinstance(unc, Mapping) or set(unc) - {"capacity_loss", "duration_days"}:
            raise InputError("'uncertain' must map capacity_loss and/or duration_days to "
                             "distributions")
        capacity_loss = capacity_loss if capacity_loss is not None else unc.get("capacity_loss")
        duration_days = duration_days if duration_days is not None else unc.get("duration_days")
    tpl = _scenario(data)
    net = network_of(ds)
    with make_executor(executor, scheduler=scheduler, workers=workers) as ex:
        return monte_carlo(net, tpl, capacity_loss=capacity_loss, duration_days=duration_days,
                           n=n, seed=seed, executor=ex, progress=progress)


def montecarlo(db: DbArg, dataset: str, template: Scenario | Mapping[str, Any] | PathArg,
               **kwargs: Any) -> MonteCarloResult:
    """Load ``dataset`` and run :func:`montecarlo_of` on it."""
    return montecarlo_of(load_dataset(db, dataset), template, **kwargs)


def _read_mapping(path: Path) -> Any:
    """A scenario file's raw mapping (YAML or JSON), errors as in ``load_scenario``."""
    import json

    from chainatlas.exceptions import ScenarioError

    if not path.is_file():
        raise ScenarioError(f"scenario file not found: {path}")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text) or {}
    except Exception as err:  # noqa: BLE001 - json and yaml errors share no base
        raise ScenarioError(f"cannot parse scenario {path.name}: {err}") from None
