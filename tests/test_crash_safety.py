"""Crash safety: the integrity check finds what is broken; a killed import or server loses nothing.

- :func:`kill_import_trials` imports a large file in a child process and SIGKILLs it at a random
  moment; the store must reopen, pass ``chainatlas check`` and hold the old or the new table whole.
- A server running a stress job is SIGKILLed mid-run: the datasets are unchanged, and after a
  restart the job answers ``interrupted`` (its record is in the store), not 404.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

from _server import free_port, start_server
from chainatlas.cli.main import app
from chainatlas.services.datasets import import_frames
from chainatlas.store import Store

_CHILD = """
import sys
from chainatlas.services.datasets import import_file
print("ready", flush=True)
import_file(sys.argv[1], "d", "firms", sys.argv[2], mode="replace")
print("done", flush=True)
"""


def _firms_csv(path: Path, n: int, prefix: str) -> Path:
    lines = ["id,name,region,revenue"]
    lines += [f"F{i},{prefix}{i},320100,{i % 997}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _state(db: Path) -> tuple[int, set[str], bool]:
    """(firms rows, name prefixes seen, integrity ok) of dataset ``d`` after reopening ``db``."""
    with Store.open(db) as store:
        report = store.check()
        firms = store.read_table("d", "firms", ["name"])
    prefixes = set(firms["name"].str.split("-").str[0] + "-")
    return len(firms), prefixes, report.ok


def kill_import_trials(workdir: Path, trials: int, *, rows: tuple[int, int] = (120_000, 160_000),
                       seed: int = 7) -> dict[str, Any]:
    """Import files A and B alternately, SIGKILLing each import at a random moment.

    Each trial replaces the firms of dataset ``d`` by the other file's firms, so the store must
    afterwards hold exactly the old file or exactly the new one (row count and every name's
    prefix agree). Returns counts of outcomes; raises AssertionError on any loss.
    """
    rng = random.Random(seed)
    db = workdir / "crash.duckdb"
    files = {"A-": _firms_csv(workdir / "a.csv", rows[0], "A-"),
             "B-": _firms_csv(workdir / "b.csv", rows[1], "B-")}
    counts = {"A-": rows[0], "B-": rows[1]}
    import_frames(db, "d", {"firms": pd.DataFrame({"id": ["F0"], "name": ["A-0"],
                                                   "region": ["320100"]})}, mode="replace")
    subprocess.run([sys.executable, "-c", _CHILD, str(db), str(files["A-"])], check=True,
                   capture_output=True, timeout=300)
    # One uninterrupted run measures how long an import takes (the window to kill in).
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", _CHILD, str(db), str(files["B-"])], check=True,
                   capture_output=True, timeout=300)
    window = time.monotonic() - started
    current = "B-"
    out = {"trials": 0, "kept_old": 0, "got_new": 0, "finished": 0, "data_lost": 0,
           "check_failed": 0, "window_s": round(window, 2)}
    for _ in range(trials):
        target = "A-" if current == "B-" else "B-"
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(db), str(files[target])],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.1) * window)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        else:
            out["finished"] += 1
        proc.wait(timeout=60)
        n, prefixes, ok = _state(db)
        out["trials"] += 1
        out["check_failed"] += int(not ok)
        if len(prefixes) == 1 and n == counts[next(iter(prefixes))]:
            seen = next(iter(prefixes))
            out["kept_old" if seen == current else "got_new"] += 1
            current = seen
        else:
            out["data_lost"] += 1
    return out


def test_killed_imports_leave_old_or_new_dataset_whole(tmp_path: Path) -> None:
    result = kill_import_trials(tmp_path, trials=5)
    assert result["trials"] == 5
    assert result["data_lost"] == 0, result
    assert result["check_failed"] == 0, result
    assert result["kept_old"] + result["got_new"] == 5


# ---------------------------------------------------------------- the integrity check itself

def _small(db: Path) -> None:
    import_frames(db, "d", {
        "regions": pd.DataFrame({"code": ["320100"], "name": ["南京市"]}),
        "chains": pd.DataFrame({"id": ["c"], "name": ["链"]}),
        "segments": pd.DataFrame({"id": ["s1", "s2", "s3"], "chain": "c", "name": ["a", "b", "c"],
                                  "stage": ["downstream", "midstream", "upstream"]}),
        "segment_inputs": pd.DataFrame({"segment": ["s1", "s2"], "input_segment": ["s2", "s3"],
                                        "quantity": [1.0, 2.0]}),
        "firms": pd.DataFrame({"id": ["F1", "F2"], "name": ["甲", "乙"],
                               "region": ["320100", "320100"]}),
    })
    with Store.open(db) as store:
        store.write_frame("d", "cache", pd.DataFrame({"x": [1, 2]}))


def _errors(db: Path) -> dict[str, list[str]]:
    with Store.open(db) as store:
        report = store.check()
    found: dict[str, list[str]] = {}
    for p in report.errors:
        found.setdefault(p.check, []).append(str(p))
    return found


def test_check_passes_on_a_sound_store(db_path: Path) -> None:
    _small(db_path)
    with Store.open(db_path) as store:
        report = store.check()
    assert report.ok, report.problems
    assert report.datasets == ["d"]
    assert report.frames == 1
    assert report.rows == 1 + 1 + 3 + 2 + 2


def test_check_finds_duplicate_keys(db_path: Path) -> None:
    _small(db_path)
    with Store.open(db_path) as store:  # write_tables stores what it is given, unvalidated
        store.write_tables("d", {"firms": pd.DataFrame({"id": ["F1"], "name": ["x"],
                                                         "region": ["320100"]})}, "append")
    errors = _errors(db_path)
    assert list(errors) == ["keys"]
    assert "id='F1' ×2" in errors["keys"][0]


def test_check_finds_dangling_references_and_bom_cycles(db_path: Path) -> None:
    _small(db_path)
    with Store.open(db_path) as store:
        store.write_tables("d", {"segment_inputs": pd.DataFrame(
            {"segment": ["s3", "s1"], "input_segment": ["s1", "nope"]})}, "append")
    errors = _errors(db_path)
    assert set(errors) == {"references", "bom"}
    assert "'nope'" in errors["references"][0]
    assert "cycle" in errors["bom"][0] and "s1" in errors["bom"][0]


def test_check_finds_orphans_bad_frames_and_schema_drift(db_path: Path) -> None:
    _small(db_path)
    with Store.open(db_path) as store, store.connection() as con:
        con.execute("INSERT INTO t_firms (dataset, id, name, region) "
                    "VALUES ('ghost', 'G1', 'g', '320100')")
        con.execute("UPDATE frames SET data = 'not parquet'::BLOB")
        con.execute("INSERT INTO chainatlas_schema VALUES (99, now(), 'future')")
    with _raw(db_path) as con:
        from chainatlas.store.integrity import check_store

        report = check_store(con, str(db_path))
    checks = {p.check for p in report.errors}
    assert checks == {"schema", "catalogue", "storage"}, report.problems
    assert any("'ghost'" in str(p) for p in report.errors)


class _raw:
    """A bare DuckDB connection (the store refuses to open a file from a newer release)."""

    def __init__(self, path: Path) -> None:
        import duckdb

        self.con = duckdb.connect(str(path))

    def __enter__(self) -> Any:
        return self.con

    def __exit__(self, *exc: object) -> None:
        self.con.close()


def test_check_command_exit_codes(db_path: Path) -> None:
    _small(db_path)
    runner = CliRunner()
    ok = runner.invoke(app, ["check", "--db", str(db_path), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert '"ok": true' in ok.stdout
    with Store.open(db_path) as store:
        store.write_tables("d", {"segment_inputs": pd.DataFrame(
            {"segment": ["s3"], "input_segment": ["s1"]})}, "append")
    bad = runner.invoke(app, ["check", "--db", str(db_path)])
    assert bad.exit_code == 1
    assert "integrity check failed" in bad.stderr and "bom" in bad.stderr
    one = runner.invoke(app, ["check", "--db", str(db_path), "--dataset", "nope"])
    assert one.exit_code == 1 and "no such dataset" in one.stderr


# ---------------------------------------------------------------- a server killed mid-job


def _serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    return start_server(db, env={"CHAINATLAS_TOKEN": "t"}, port=port)[0]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chainatlas.services.demo import build_demo_store

    db = tmp_path_factory.mktemp("crash") / "demo.duckdb"
    build_demo_store(db)
    return db


def test_server_killed_during_stress_job_leaves_store_intact(demo_db: Path,
                                                             tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    db.write_bytes(demo_db.read_bytes())
    with Store.open(db) as store:
        before = {n: (store.dataset_version(n), store.table_counts(n))
                  for n in store.list_datasets()}
    port = free_port()
    proc = _serve(db, port)
    try:
        scenario = {"horizon_days": 365, "shocks": [{"region": "340881", "capacity_loss": 1.0,
                                                     "duration_days": 60}]}
        r = httpx.post(f"http://127.0.0.1:{port}/api/v1/datasets/yrd-nev/stress/run",
                       json={"scenario": scenario}, timeout=60)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    with Store.open(db) as store:
        assert store.check().ok
        after = {n: (store.dataset_version(n), store.table_counts(n))
                 for n in store.list_datasets()}
    assert after == before
    proc = _serve(db, port)
    try:  # the job's record survives the restart: interrupted, with the reason, not 404
        r = httpx.get(f"http://127.0.0.1:{port}/api/v1/jobs/{job_id}", timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == "interrupted" and body["error"]["code"] == "interrupted"
        assert body["result"] is None
        listed = httpx.get(f"http://127.0.0.1:{port}/api/v1/jobs", timeout=30).json()
        assert [j["status"] for j in listed if j["id"] == job_id] == ["interrupted"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
