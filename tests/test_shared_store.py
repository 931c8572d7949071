"""One store, many processes: a running server and CLI commands on the same store file.

Real processes throughout: ``chainatlas serve`` on a store; while it runs, a CLI import
(``import all`` flips regions and firms together, so a torn dataset would be visible), a CLI
report and four HTTP reader threads. The server lists the CLI's new dataset the moment the
import returns; readers only ever see whole states; a SIGKILL of the server while it writes an
upload leaves a store that ``chainatlas check`` passes, holding the old or the new firms.
A second ``chainatlas serve`` on the same store serves too; on a port in use it refuses in one
line.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pandas as pd
import pytest

from _server import start_server
from chainatlas.datasets import load_demo
from chainatlas.model.tables import TABLE_ORDER
from chainatlas.services.datasets import import_frames
from chainatlas.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "shared-store-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STATES = {"A": (3, 400), "B": (5, 700)}  # regions, firms


def _state(tag: str) -> dict[str, pd.DataFrame]:
    n_regions, n_firms = STATES[tag]
    codes = [f"{320100 + 100 * i}" for i in range(n_regions)]
    return {
        "regions": pd.DataFrame({"code": codes, "name": [f"{tag}{c}" for c in codes]}),
        "firms": pd.DataFrame({"id": [f"F{i}" for i in range(n_firms)],
                               "name": [f"{tag}{i}" for i in range(n_firms)],
                               "region": [codes[i % n_regions] for i in range(n_firms)]}),
    }


def _state_dir(root: Path, tag: str) -> Path:
    d = root / tag
    d.mkdir()
    for table, frame in _state(tag).items():
        frame.to_csv(d / f"{table}.csv", index=False)
    return d


def _cli(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "chainatlas.cli", *args, "--db", str(db)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "120"})
    if check:
        assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


def _tag_of(summary: dict[str, object]) -> str:
    tables = summary["tables"]
    assert isinstance(tables, dict)
    got = (tables["regions"], tables["firms"])
    match = [k for k, v in STATES.items() if v == got]
    assert match, f"torn dataset: regions/firms = {got}"
    return match[0]


@pytest.fixture()
def store_db(tmp_path: Path) -> Path:
    db = tmp_path / "shared.duckdb"
    ds = load_demo("yrd-nev")
    with Store.open(db) as store:
        import_frames(store, "d", _state("A"), mode="replace")
        import_frames(store, "yrd", {t: ds.tables[t] for t in TABLE_ORDER if t in ds.tables},
                      mode="replace", source="demo")
    return db


def test_server_and_cli_share_the_store(store_db: Path, tmp_path: Path) -> None:
    db = store_db
    dirs = {tag: _state_dir(tmp_path, tag) for tag in STATES}
    proc, base = start_server(db, env={"CHAINATLAS_TOKEN": TOKEN})
    try:
        seen: Counter[str] = Counter()
        errors: list[str] = []
        done = threading.Event()

        def reader() -> None:
            with httpx.Client(base_url=base, timeout=120) as c:
                while not done.is_set():
                    try:
                        r = c.get("/api/v1/datasets/d")
                        assert r.status_code == 200, r.text
                        seen[_tag_of(r.json())] += 1
                        assert c.get("/api/v1/datasets").status_code == 200
                    except AssertionError as err:
                        errors.append(str(err))
                        return

        readers = [threading.Thread(target=reader) for _ in range(4)]
        for t in readers:
            t.start()
        report = subprocess.Popen(
            [sys.executable, "-m", "chainatlas.cli", "report", "-d", "yrd", "--out",
             str(tmp_path / "report.html"), "--db", str(db)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # CLI writes while the server serves: each one is visible to the server at once
            for k in range(4):
                tag = "B" if k % 2 == 0 else "A"
                _cli("import", "all", str(dirs[tag]), "-d", "d", "--mode", "replace", db=db)
                got = httpx.get(f"{base}/api/v1/datasets/d", timeout=60).json()
                assert _tag_of(got) == tag, got
            _cli("import", "firms", str(dirs["B"] / "firms.csv"), "-d", "fresh", db=db)
            names = [d["name"] for d in httpx.get(f"{base}/api/v1/datasets", timeout=60).json()]
            assert "fresh" in names
            listed = _cli("datasets", "list", "--format", "csv", db=db).stdout
            assert "fresh" in listed and "yrd" in listed
            out, err = report.communicate(timeout=300)
            assert report.returncode == 0, err[-3000:]
            assert (tmp_path / "report.html").stat().st_size > 10_000
        finally:
            done.set()
            if report.poll() is None:
                report.kill()
            for t in readers:
                t.join(timeout=120)
        assert not errors, errors[:3]
        assert seen["A"] and seen["B"], seen

        # the server killed (SIGKILL) while it writes an upload
        before = httpx.get(f"{base}/api/v1/datasets/d", timeout=60).json()
        big = pd.DataFrame({"id": [f"K{i}" for i in range(150_000)], "name": "k",
                            "region": "320100"}).to_csv(index=False).encode()
        lock = db.with_name(db.name + ".lock")
        sent = threading.Event()

        def upload() -> None:
            sent.set()
            with contextlib.suppress(httpx.TransportError):  # the server dies under it
                httpx.post(f"{base}/api/v1/datasets/d/imports/firms", headers=AUTH,
                           data={"mode": "replace"},
                           files={"file": ("firms.csv", io.BytesIO(big), "text/csv")},
                           timeout=120)

        t = threading.Thread(target=upload)
        t.start()
        sent.wait()
        held_at_kill = _wait_for_long_hold(lock, proc.pid, seconds=60)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        t.join(timeout=60)
        assert held_at_kill, "the server was never seen holding the store during the upload"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)

    checked = _cli("check", "--format", "json", db=db, check=False)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    after = _cli("datasets", "show", "d", "--format", "json", db=db).stdout
    firms = json.loads(after)["tables"]["firms"]
    assert firms in (before["tables"]["firms"], 150_000), firms  # old or new, never torn


def _wait_for_long_hold(lock: Path, pid: int, *, seconds: float) -> bool:
    """Wait until process ``pid`` has held the store's lease for 30 ms in a row (its write
    transaction: reads of the upload's checks are shorter); True if that was seen."""
    import fcntl

    deadline = time.monotonic() + seconds
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        since: float | None = None
        while time.monotonic() < deadline:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(fd, fcntl.LOCK_UN)
                since = None
            except BlockingIOError:
                holder = lock.read_text(errors="replace").split(" ", 1)[0]
                if holder == str(pid):
                    now = time.monotonic()
                    since = since or now
                    if now - since >= 0.03:
                        return True
            time.sleep(0.002)
        return False
    finally:
        os.close(fd)


def test_second_server_on_the_same_store(store_db: Path) -> None:
    first, base1 = start_server(store_db, capture=True)
    try:
        second, base2 = start_server(store_db)
        try:
            for base in (base1, base2):
                names = [d["name"] for d in httpx.get(f"{base}/api/v1/datasets").json()]
                assert {"d", "yrd"} <= set(names)
        finally:
            second.terminate()
            second.wait(timeout=30)
        port = base1.rsplit(":", 1)[1]
        clash = subprocess.run([sys.executable, "-m", "chainatlas.cli", "serve", "--db",
                                str(store_db), "--port", port],
                               capture_output=True, text=True, timeout=120)
        assert clash.returncode == 1
        lines = [ln for ln in clash.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and "already in use" in lines[0], clash.stderr
    finally:
        first.terminate()
        first.wait(timeout=30)

