"""Security: tokens, closed reads, CORS, loopback, SQL injection, path traversal, no secret in logs.

Every write endpoint of the app (found from the routes themselves, so a new one is covered) is
called without a token, with a wrong one and with other schemes: each answers 401 and the store
is unchanged. Escaping of user strings in the report and the dashboard is in
``test_security_xss.py``.
"""

from __future__ import annotations

import hmac
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from _server import start_server
from chainatlas.api.app import create_app
from chainatlas.config import get_settings
from chainatlas.exceptions import InputError
from chainatlas.services.datasets import export_dataset, import_frames
from chainatlas.store import Store

TOKEN = "sEcReT-7f3a9c-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

INJECTIONS = [
    "'; DROP TABLE t_firms; --",
    "x' OR '1'='1",
    '" OR ""="',
    "1; DELETE FROM datasets",
    "Robert'); DROP TABLE datasets;--",
    "\\'; SELECT * FROM frames; --",
    "$$ || pg_sleep(1) || $$",
    "中文'--",
    "%27%3B--",
    "../../etc/passwd",
]


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "sec.duckdb"
    import_frames(path, "d", {
        "regions": pd.DataFrame({"code": ["320100"], "name": ["南京市"]}),
        "firms": pd.DataFrame({"id": ["F1", "F2"], "name": ["甲", "乙"],
                               "region": ["320100", "320100"]}),
    })
    return path


def _snapshot(store: Store) -> dict[str, Any]:
    return {n: (store.dataset_version(n), store.table_counts(n), store.list_frames(n))
            for n in store.list_datasets()}


@pytest.fixture()
def client(db: Path) -> Iterator[TestClient]:
    settings = replace(get_settings(db), token=TOKEN, open_reads=True)
    with TestClient(create_app(settings)) as c:
        yield c


# ------------------------------------------------------------------ tokens

#: Operations that change stored data or server state: each must refuse bad credentials.
WRITE_OPS = {
    ("post", "/api/v1/datasets"),
    ("delete", "/api/v1/datasets/{name}"),
    ("post", "/api/v1/datasets/{name}/imports/{table}"),
    ("post", "/api/v1/datasets/{name}/chain/import-willems"),
    ("post", "/api/v1/datasets/{name}/io/{table_name}"),
    ("post", "/api/v1/datasets/{name}/match/index"),
    ("delete", "/api/v1/jobs/{job_id}"),
    ("post", "/api/v1/accounts"),
    ("post", "/api/v1/datasets/{name}/sharing/agreements"),
    ("delete", "/api/v1/datasets/{name}/sharing/agreements/{partner}"),
}


def fill(path: str) -> str:
    """A concrete URL for an OpenAPI path template."""
    return re.sub(r"\{(\w+)\}", lambda m: {"name": "d", "table": "firms", "job_id": "j",
                                              "table_name": "io", "partner": "F2",
                                              "asset": "a"}.get(m.group(1), "x"), path)


def store_fingerprint(cur: Any) -> dict[str, tuple[int, int]]:
    """Row count and an order-free hash of every table in the store file (the audit log and the
    job records aside: recording refused attempts, and the analyses anyone may run, is their
    job)."""
    tables = [r[0] for r in cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = "
        "current_database() AND table_schema = 'main'"
    ).fetchall() if r[0] not in ("audit_log", "jobs")]
    out = {}
    for t in tables:
        n, h = cur.execute(f'SELECT count(*), bit_xor(hash(x)) FROM "{t}" AS x').fetchone()
        out[t] = (int(n), int(h or 0))
    return out


BAD_AUTH: list[dict[str, str]] = [
    {},
    {"Authorization": "Bearer wrong"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": TOKEN},
    {"Authorization": "Bearer "},
    {"Authorization": f"Token {TOKEN}"},
    {"X-Api-Key": TOKEN},
]


def attack_writes(client: TestClient) -> dict[str, int]:
    """Every non-GET operation × every bad credential.

    Counts ``unauthorised``: answers to a write operation that were not a refusal, plus any
    request after which the stored data differ.
    """
    spec = client.get("/openapi.json").json()["paths"]
    ops = [(m, p) for p, o in spec.items() for m in o if m != "get"]
    tried = unauthorised = refused = 0
    with client.app.state.store.connection() as cur:
        for method, path in ops:
            for headers in BAD_AUTH:
                before = store_fingerprint(cur)
                kwargs: dict[str, Any] = {"headers": headers}
                if "imports" in path or "upload" in path:
                    kwargs["files"] = {"file": ("firms.csv", io.BytesIO(
                        b"id,name,region\nF9,x,320100\n"), "text/csv")}
                elif method in ("post", "put", "patch"):
                    kwargs["json"] = {"name": "intruder", "id": "intruder", "role": "admin",
                                      "partner_firm": "F2", "kinds": ["inventory"]}
                r = client.request(method.upper(), fill(path), **kwargs)
                tried += 1
                if (method, path) in WRITE_OPS:
                    if r.status_code in (401, 403):
                        refused += 1
                    else:
                        unauthorised += 1
                if store_fingerprint(cur) != before:
                    unauthorised += 1
    return {"operations": len(ops), "write_operations": len(WRITE_OPS & set(ops)),
            "tried": tried, "refused": refused, "unauthorised": unauthorised}


def test_every_write_route_refuses_missing_wrong_or_other_credentials(client: TestClient) -> None:
    result = attack_writes(client)
    assert result["write_operations"] >= 4, result
    assert result["unauthorised"] == 0, result
    assert result["refused"] == result["write_operations"] * len(BAD_AUTH)
    # the right token works (so the refusals above were about the credentials)
    r = client.post("/api/v1/datasets", json={"name": "ok1"}, headers=AUTH)
    assert r.status_code == 201
    assert client.post("/api/v1/datasets", json={"name": "ok2"},
                       headers={"Authorization": f"bearer {TOKEN}"}).status_code == 201


def test_token_comparison_is_constant_time(client: TestClient,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from chainatlas.api import auth

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert client.post("/api/v1/datasets", json={"name": "x1"},
                       headers={"Authorization": "Bearer nope"}).status_code == 401
    assert calls == [(b"nope", TOKEN.encode())]
    source = Path(auth.__file__).read_text(encoding="utf-8")
    assert not re.search(r"given\s*[!=]=\s*expected|expected\s*[!=]=\s*given", source)


def test_server_without_token_refuses_every_write(db: Path) -> None:
    settings = replace(get_settings(db), token=None, open_reads=True)
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/v1/datasets", json={"name": "x"}, headers=AUTH)
        assert r.status_code == 401 and "CHAINATLAS_TOKEN" in r.json()["error"]["message"]
        assert c.get("/api/v1/datasets").status_code == 200


def test_closed_reads_refuse_every_read_route_without_token(db: Path) -> None:
    settings = replace(get_settings(db), token=TOKEN, open_reads=False)
    with TestClient(create_app(settings)) as c:
        paths = [p for p, ops in c.get("/openapi.json", headers=AUTH).json()["paths"].items()
                 if "get" in ops and p != "/api/v1/health"]
        assert len(paths) >= 10
        for p in paths:
            r = c.get(fill(p))
            assert r.status_code == 401, (p, r.status_code)
        assert c.get("/api/v1/datasets", headers=AUTH).status_code == 200


def test_reads_are_open_by_default_and_settings_come_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINATLAS_OPEN_READS", raising=False)
    assert get_settings().open_reads is True
    monkeypatch.setenv("CHAINATLAS_OPEN_READS", "0")
    assert get_settings().open_reads is False


# ------------------------------------------------------------------ CORS and binding

def test_cors_is_closed_by_default(client: TestClient) -> None:
    origin = "https://evil.example"
    pre = client.options("/api/v1/datasets", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    got = client.get("/api/v1/datasets", headers={"Origin": origin})
    for r in (pre, got):
        assert "access-control-allow-origin" not in r.headers
        assert "access-control-allow-credentials" not in r.headers


def test_serve_binds_loopback_by_default() -> None:
    import typer.main

    from chainatlas.cli.main import app

    serve = typer.main.get_command(app).commands["serve"]  # type: ignore[attr-defined]
    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"


# ------------------------------------------------------------------ SQL injection

def test_injection_strings_as_dataset_names_are_rejected(db: Path, client: TestClient) -> None:
    with Store.open(db) as store:
        before = _snapshot(store)
        for name in INJECTIONS:
            with pytest.raises(InputError, match="invalid dataset name"):
                store.create_dataset(name)
            with pytest.raises(InputError):
                store.has_dataset(name)
        assert _snapshot(store) == before
    for name in INJECTIONS:
        r = client.post("/api/v1/datasets", json={"name": name}, headers=AUTH)
        assert r.status_code == 400, (name, r.text)
        r = client.get(f"/api/v1/datasets/{name.replace('/', '%2F')}")
        assert r.status_code in (400, 404), (name, r.text)


def test_injection_strings_as_values_are_stored_verbatim(db: Path) -> None:
    ids = [f"I{i}{s}" for i, s in enumerate(INJECTIONS)]
    import_frames(db, "d", {"firms": pd.DataFrame({"id": ids, "name": INJECTIONS,
                                                   "region": "320100",
                                                   "tags": [[s, "高新"] for s in INJECTIONS]})})
    with Store.open(db) as store:
        firms = store.read_table("d", "firms").set_index("id")
        for i, s in enumerate(INJECTIONS):
            assert firms.loc[ids[i], "name"] == s
            assert list(firms.loc[ids[i], "tags"]) == [s, "高新"]
        for s in INJECTIONS:  # frame keys are parameters too
            store.write_frame("d", s, pd.DataFrame({"v": [1]}))
            assert store.read_frame("d", s)["v"].tolist() == [1]
        assert set(INJECTIONS) <= set(store.list_frames("d"))
        assert store.check().ok
        with store.connection() as con:
            names = {r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"datasets", "t_firms", "frames"} <= names


def test_injection_strings_in_query_parameters(client: TestClient, db: Path) -> None:
    with Store.open(db, read_only=True) as s:
        before = _snapshot(s)
    for s in INJECTIONS:
        r = client.get("/api/v1/datasets/d/chain/tiers", params={"firm": s})
        assert r.status_code in (400, 404, 422), (s, r.status_code, r.text)
        assert r.json()["error"]["code"] != "internal_error"
    with Store.open(db, read_only=True) as st:
        assert _snapshot(st) == before


# ------------------------------------------------------------------ paths

def test_export_stays_in_the_chosen_folder(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "inner"
    paths = export_dataset(db, "d", out, "csv")
    assert paths and all(p.resolve().parent == out.resolve() for p in paths)
    for bad in ("../x", "../../x", "/tmp/x", "d/../../x", ".."):
        with pytest.raises(InputError):
            export_dataset(db, bad, out, "csv")
    for fmt in ("../../evil", "csv/../../evil", "/etc/passwd"):
        with pytest.raises(InputError):
            export_dataset(db, "d", out, fmt)
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {p.relative_to(tmp_path) for p in paths} | {Path("sec.duckdb")} | \
        {p.relative_to(tmp_path) for p in tmp_path.glob("sec.duckdb*")}


def test_api_paths_with_traversal_write_nothing_outside(client: TestClient, db: Path,
                                                        tmp_path: Path) -> None:
    import tempfile

    temp = Path(tempfile.gettempdir())
    before = set(temp.iterdir())
    upload = {"file": ("../../../evil.csv", io.BytesIO(b"id,name,region\nF9,x,320100\n"),
                       "text/csv")}
    r = client.post("/api/v1/datasets/d/imports/..%2F..%2Fevil", headers=AUTH, files=upload)
    assert r.status_code in (400, 404), r.text
    r = client.post("/api/v1/datasets/d/imports/firms", headers=AUTH, files=upload)
    assert r.status_code == 200, r.text  # the upload's own name is never used as a path
    for fmt in ("../../evil", "..%2F..%2Fevil"):
        assert client.get("/api/v1/datasets/d/export", params={"format": fmt}).status_code == 400
        assert client.get("/api/v1/templates/firms", params={"format": fmt}).status_code == 400
    assert client.get("/api/v1/templates/..%2Fx").status_code in (400, 404)
    leftovers = {p for p in set(temp.iterdir()) - before if "evil" in p.name}
    assert not leftovers
    assert not list(tmp_path.parent.glob("evil*"))


# ------------------------------------------------------------------ logs


def test_token_never_appears_in_server_output(db: Path) -> None:
    proc, base = start_server(db, env={"CHAINATLAS_TOKEN": TOKEN}, capture=True)
    wrong = "Wr0ng-guess-" + TOKEN[::-1]
    try:
        with httpx.Client(base_url=base, timeout=60) as c:
            assert c.post("/api/v1/datasets", json={"name": "t1"}, headers=AUTH).status_code == 201
            assert c.post("/api/v1/datasets", json={"name": "t2"},
                          headers={"Authorization": f"Bearer {wrong}"}).status_code == 401
            c.post("/api/v1/datasets/t1/imports/firms", headers=AUTH,
                   files={"file": ("firms.csv", io.BytesIO(b"\xff\xfe\x00garbage"), "text/csv")})
            c.get("/api/v1/datasets/nope", headers=AUTH)
            c.delete("/api/v1/datasets/t1", headers=AUTH)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    text = out.decode("utf-8", errors="replace")
    assert "POST /api/v1/datasets" in text  # the log was captured
    assert TOKEN not in text
    assert wrong not in text
