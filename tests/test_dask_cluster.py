"""A real Dask cluster on loopback: one ``dask scheduler`` and two ``dask worker`` processes.

Sweeps and a 1,000-scenario Monte Carlo give the same numbers through the cluster, a local
process pool and the serial executor.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from chainatlas.datasets import load_demo
from chainatlas.exceptions import ModelError
from chainatlas.shock.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from chainatlas.shock.montecarlo import monte_carlo
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.sweep import sweep

MC_TEMPLATE = {"name": "tongcheng", "horizon_days": 30,
               "shocks": [{"region": "340881", "capacity_loss": 0.5, "duration_days": 10}]}
MC_DISTS = {"capacity_loss": {"dist": "uniform", "low": 0.2, "high": 0.9},
            "duration_days": {"dist": "triangular", "low": 3, "mode": 10, "high": 25}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask_cli() -> list[str]:
    exe = shutil.which("dask")
    return [exe] if exe else [sys.executable, "-m", "dask"]


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Address of a scheduler with two single-threaded worker processes (cleaned up after)."""
    from distributed import Client

    port = _free_port()
    addr = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask")
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs: list[subprocess.Popen[bytes]] = []

    def start(args: list[str], name: str) -> None:
        fh = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        procs.append(subprocess.Popen([*_dask_cli(), *args], stdout=fh, stderr=subprocess.STDOUT,
                                      env=env, cwd=logs, start_new_session=True))

    try:
        start(["scheduler", "--host", "127.0.0.1", "--port", str(port),
               "--dashboard-address", ":0", "--no-show"], "scheduler")
        for k in range(2):
            start(["worker", addr, "--nthreads", "1", "--nworkers", "1", "--host", "127.0.0.1",
                   "--no-dashboard", "--memory-limit", "0", "--name", f"w{k}"], f"worker{k}")
        deadline = time.monotonic() + 60
        ready = False
        while time.monotonic() < deadline and not ready:
            try:
                with Client(addr, timeout="2s") as c:
                    c.wait_for_workers(2, timeout=30)
                    ready = True
            except (OSError, TimeoutError):
                time.sleep(0.5)
        if not ready:
            text = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs.glob("*.log"))
            pytest.fail(f"the Dask cluster did not start:\n{text}")
        yield addr
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in reversed(procs):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=5)


@pytest.fixture(scope="module")
def net() -> ShockNetwork:
    return ShockNetwork.from_dataset(load_demo("yrd-nev"))


def test_sweep_on_cluster_equals_serial(scheduler: str, net: ShockNetwork) -> None:
    serial = sweep(net, "region", executor=SerialExecutor())
    with DaskExecutor(scheduler) as ex:
        assert ex.slots() == 2
        dask = sweep(net, "region", executor=ex, batch_size=3)
        # the two worker processes both ran tasks
        who = ex._get_client().run(lambda: os.getpid())
        assert len(set(who.values())) == 2
    assert len(serial) >= 10
    assert serial.equals(dask)


def test_montecarlo_same_quantiles_on_every_executor(scheduler: str, net: ShockNetwork) -> None:
    kw = {"n": 1000, "seed": 2026, **MC_DISTS}
    serial = monte_carlo(net, MC_TEMPLATE, executor=SerialExecutor(), **kw)
    with ProcessExecutor(2) as ex:
        procs = monte_carlo(net, MC_TEMPLATE, executor=ex, **kw)
    with DaskExecutor(scheduler) as ex:
        dask = monte_carlo(net, MC_TEMPLATE, executor=ex, **kw)
    assert serial.samples["total_output_loss"].nunique() > 900  # the draws do vary the outcome
    for other in (procs, dask):
        assert other.samples.equals(serial.samples)
        assert other.quantiles.equals(serial.quantiles)
        assert other.daily_quantiles.equals(serial.daily_quantiles)
    assert dask.meta["executor"] == "dask" and procs.meta["executor"] == "processes"


def test_local_cluster_without_address(net: ShockNetwork) -> None:
    kw = {"n": 40, "seed": 1, **MC_DISTS}
    with DaskExecutor() as ex:
        local = monte_carlo(net, MC_TEMPLATE, executor=ex, **kw)
    assert local.quantiles.equals(monte_carlo(net, MC_TEMPLATE, **kw).quantiles)


def test_unreachable_scheduler_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot reach the Dask scheduler"), \
            DaskExecutor(f"tcp://127.0.0.1:{_free_port()}", timeout="1s") as ex:
        ex.map(lambda s, i: i, None, [1])


def test_back_to_back_maps_of_the_same_network(scheduler: str, net: ShockNetwork) -> None:
    """Regression: scattering the same object twice on one client lost the first copy."""
    kw = {"n": 16, "seed": 3, **MC_DISTS}
    with DaskExecutor(scheduler) as ex:
        runs = [monte_carlo(net, MC_TEMPLATE, executor=ex, batch_size=2, **kw) for _ in range(4)]
    for r in runs[1:]:
        assert r.samples.equals(runs[0].samples)


def test_esri_on_cluster_equals_in_process(scheduler: str) -> None:
    """Every firm's ESRI through the cluster (firms in chunks over two worker processes) is the
    in-process threaded result, bit for bit."""
    from chainatlas.risk import esri_single_firms
    from chainatlas.services.risk import esri_with_executor, risk_input_of

    ri = risk_input_of(load_demo("yrd-nev"))
    ref = esri_single_firms(ri.net)
    with DaskExecutor(scheduler) as ex:
        got = esri_with_executor(ri.net, ex, chunk=max(1, ri.net.n // 5))
        who = ex._get_client().run(lambda: os.getpid())
        assert len(set(who.values())) == 2
    assert ref.esri.size == ri.net.n > 50 and ref.esri.max() > 0
    for f in ("esri", "esri_downstream", "esri_upstream", "steps", "stop_margin", "touched",
              "capped"):
        np.testing.assert_array_equal(getattr(got, f), getattr(ref, f))
