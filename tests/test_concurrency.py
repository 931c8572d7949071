"""Concurrency: readers never see a torn dataset while imports write; writers are serialised.

- Store level: reader threads load the whole dataset while a writer flips it between two states
  (regions and firms replaced together in one transaction); every load sees state A or state B.
- API level: a real server on loopback; reader threads poll the dataset summary while uploads
  replace the firms table; every answer is one of the two states, with no errors.
- Two writers (threads, or concurrent API uploads) both land, one after the other: every row of
  both is there and the version went up once per write.
- A second process writes to the store while a server runs on it, and the server sees the write.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from _server import served
from chainatlas.services.datasets import import_frames
from chainatlas.store import Store

TOKEN = "c0ncurrency-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _state(tag: str, n_regions: int, n_firms: int) -> dict[str, pd.DataFrame]:
    codes = [f"{320100 + 100 * i}" for i in range(n_regions)]
    return {
        "regions": pd.DataFrame({"code": codes, "name": [f"{tag}{c}" for c in codes]}),
        "firms": pd.DataFrame({"id": [f"F{i}" for i in range(n_firms)],
                               "name": [f"{tag}{i}" for i in range(n_firms)],
                               "region": [codes[i % n_regions] for i in range(n_firms)]}),
    }


STATES = {"A": (3, 400), "B": (5, 700)}


def run_threads(workers: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrap(fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except BaseException as err:  # collected and re-raised by the test
                errors.append(err)
        return run

    threads = [threading.Thread(target=wrap(w)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return errors


def flipper(store: Store, writes: int, done: threading.Event) -> Callable[[], None]:
    """A writer that replaces dataset ``d`` by state B, A, B, … ``writes`` times, then sets
    ``done``."""
    def writer() -> None:
        try:
            for k in range(writes):
                tag = "B" if k % 2 == 0 else "A"
                import_frames(store, "d", _state(tag, *STATES[tag]), mode="replace")
        finally:
            done.set()
    return writer


def store_flip_trials(db: Path, writes: int, readers: int = 3) -> dict[str, Any]:
    """Writer flips the dataset A↔B ``writes`` times while ``readers`` threads load it."""
    seen: Counter[str] = Counter()
    done = threading.Event()
    with Store.open(db) as store:
        import_frames(store, "d", _state("A", *STATES["A"]), mode="replace")

        def reader() -> None:
            while not done.is_set():
                ds = store.load_dataset("d")
                shape = (len(ds.regions), len(ds.firms))
                tags = set(ds.firms["name"].str[0]) | set(ds.regions["name"].str[0])
                match = [k for k, v in STATES.items() if v == shape and tags == {k}]
                assert match, f"torn read: {shape} with names {tags}"
                seen[match[0]] += 1

        errors = run_threads([flipper(store, writes, done), *[reader for _ in range(readers)]])
        ok = store.check().ok
    return {"writes": writes, "readers": readers, "reads": sum(seen.values()),
            "states_seen": dict(seen), "errors": len(errors), "check_ok": ok,
            "first_error": repr(errors[0]) if errors else ""}


def test_store_readers_see_old_or_new_dataset(db_path: Path) -> None:
    result = store_flip_trials(db_path, writes=30)
    assert result["errors"] == 0, result["first_error"]
    assert result["check_ok"]
    assert result["reads"] > 0


def test_dataset_summary_pairs_each_version_with_its_own_rows(db_path: Path) -> None:
    """The summary's version, row counts and frames come from one snapshot: while a writer
    flips the dataset A↔B (one version per flip), every summary shows the rows of its version."""
    from chainatlas.services.datasets import dataset_summary

    seen: Counter[str] = Counter()
    done = threading.Event()
    with Store.open(db_path) as store:
        import_frames(store, "d", _state("A", *STATES["A"]), mode="replace")
        v0 = store.dataset_version("d")

        def reader() -> None:
            while not done.is_set():
                summary = dataset_summary(store, "d")
                tag = "A" if (summary["version"] - v0) % 2 == 0 else "B"
                got = (summary["tables"]["regions"], summary["tables"]["firms"])
                assert got == STATES[tag], (f"version {summary['version']} shows {got}, "
                                            f"expected state {tag} {STATES[tag]}")
                seen[tag] += 1

        errors = run_threads([flipper(store, 40, done), reader, reader])
        assert not errors, errors[0]
        assert store.dataset_version("d") == v0 + 40
    assert seen["A"] and seen["B"]


def test_two_writer_threads_are_serialised(db_path: Path) -> None:
    per_writer = 15
    with Store.open(db_path) as store:
        import_frames(store, "d", {"regions": pd.DataFrame({"code": ["320100"],
                                                             "name": ["南京市"]})})
        v0 = store.dataset_version("d")

        def writer(tag: str) -> Callable[[], None]:
            def run() -> None:
                for i in range(per_writer):
                    ids = [f"{tag}{i}-{j}" for j in range(50)]
                    import_frames(store, "d", {"firms": pd.DataFrame(
                        {"id": ids, "name": ids, "region": "320100"})}, mode="append")
            return run

        errors = run_threads([writer("x"), writer("y")])
        assert not errors, errors
        firms = store.read_table("d", "firms")
        assert len(firms) == 2 * per_writer * 50
        assert firms["id"].is_unique
        assert store.dataset_version("d") == v0 + 2 * per_writer
        assert store.check().ok


# ------------------------------------------------------------------ through a real server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("served") / "served.duckdb"
    with Store.open(db) as store:
        import_frames(store, "d", _state("A", *STATES["A"]), mode="replace")
    with served(db, env={"CHAINATLAS_TOKEN": TOKEN}) as (base, _proc):
        yield base, db


def _firms_csv(tag: str) -> bytes:
    frame = _state(tag, *STATES[tag])["firms"]
    return frame.to_csv(index=False).encode()


def api_flip_trials(base: str, writes: int, readers: int = 4) -> dict[str, Any]:
    """Upload firms A/B alternately while reader threads poll the summary and the firm list."""
    sizes = {STATES[k][1]: k for k in STATES}
    seen: Counter[str] = Counter()
    done = threading.Event()
    with httpx.Client(base_url=base, timeout=120) as c:  # start from state A
        r = c.post("/api/v1/datasets/d/imports/firms", headers=AUTH, data={"mode": "replace"},
                   files={"file": ("firms.csv", io.BytesIO(_firms_csv("A")), "text/csv")})
        assert r.status_code == 200, r.text
        v0 = c.get("/api/v1/datasets/d").json()["version"]

    def writer() -> None:
        try:
            with httpx.Client(base_url=base, timeout=120) as c:
                for k in range(writes):
                    tag = "B" if k % 2 == 0 else "A"
                    r = c.post("/api/v1/datasets/d/imports/firms", headers=AUTH,
                               data={"mode": "replace"},
                               files={"file": ("firms.csv", io.BytesIO(_firms_csv(tag)),
                                               "text/csv")})
                    assert r.status_code == 200, r.text
        finally:
            done.set()

    def reader() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            while not done.is_set():
                r = c.get("/api/v1/datasets/d")
                assert r.status_code == 200, r.text
                n = r.json()["tables"]["firms"]
                assert n in sizes, f"torn read: {n} firms"
                seen[sizes[n]] += 1
                r = c.get("/api/v1/datasets")
                assert r.status_code == 200, r.text

    errors = run_threads([writer, *[reader for _ in range(readers)]])
    with httpx.Client(base_url=base, timeout=60) as c:
        v1 = c.get("/api/v1/datasets/d").json()["version"]
    return {"writes": writes, "readers": readers, "reads": sum(seen.values()),
            "states_seen": dict(seen), "errors": len(errors), "versions": v1 - v0,
            "first_error": repr(errors[0]) if errors else ""}


def test_api_readers_during_imports(server: tuple[str, Path]) -> None:
    base, _ = server
    result = api_flip_trials(base, writes=12)
    assert result["errors"] == 0, result["first_error"]
    assert result["versions"] == 12
    assert result["reads"] > 0


def test_api_concurrent_uploads_both_land(server: tuple[str, Path]) -> None:
    base, _ = server

    def upload(tag: str) -> Callable[[], None]:
        def run() -> None:
            ids = [f"{tag}{j}" for j in range(300)]
            body = pd.DataFrame({"id": ids, "name": ids, "region": "320100"}).to_csv(index=False)
            with httpx.Client(base_url=base, timeout=120) as c:
                r = c.post("/api/v1/datasets/d/imports/firms", headers=AUTH,
                           data={"mode": "append"},
                           files={"file": ("firms.csv", io.BytesIO(body.encode()), "text/csv")})
                assert r.status_code == 200, r.text
        return run

    before = httpx.get(f"{base}/api/v1/datasets/d", timeout=60).json()
    errors = run_threads([upload("P"), upload("Q"), upload("R")])
    assert not errors, errors
    after = httpx.get(f"{base}/api/v1/datasets/d", timeout=60).json()
    assert after["tables"]["firms"] == before["tables"]["firms"] + 900
    assert after["version"] == before["version"] + 3


def test_second_process_writes_while_the_server_runs(server: tuple[str, Path]) -> None:
    """The server holds the file only per request: this process imports into the same store
    and the server lists the new dataset at once."""
    base, db = server
    with Store.open(db) as store:
        import_frames(store, "other", _state("A", 1, 5), mode="replace")
    names = [d["name"] for d in httpx.get(f"{base}/api/v1/datasets", timeout=60).json()]
    assert "other" in names
    assert httpx.get(f"{base}/api/v1/datasets/other", timeout=60).json()["tables"]["firms"] == 5
