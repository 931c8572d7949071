"""Schema-driven API test: schemathesis generates requests for every operation of the OpenAPI
schema (in-process ASGI, bounded and deterministic examples) and every response must be free of
server errors, every error must use the envelope and every JSON answer must parse.

Each operation runs twice: without a token (reads open, writes refused with 401) and with the
write token (so write endpoints see generated bodies and uploads). Half of the generated cases
of read operations on a dataset are pointed at the stored demo dataset, so the analyses run on
real data, not only on unknown names.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from chainatlas.api.app import create_app
from chainatlas.config import get_settings
from chainatlas.services.demo import build_demo_store

TOKEN = "schema-token"
MAX_EXAMPLES = 5
# seconds per request (schemathesis' default is 10): the first matching query of a process
# imports the engines and loads the word segmenter (≈2.5 s CPU; later queries ≈0.15 s from the
# per-version engine cache), which on a loaded 2-core CI machine can take several times longer
REQUEST_TIMEOUT = 120
# long or background work on the demo data: kept on generated (unknown) dataset names
_HEAVY = ("/report", "/stress/sweep", "/stress/run", "/evaluate/panel", "/report.xlsx",
          "/export", "/match/index")


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db = tmp_path_factory.mktemp("schema") / "demo.duckdb"
    build_demo_store(db)
    app = create_app(replace(get_settings(db), token=TOKEN, open_reads=True, max_upload_mb=1))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _envelope_problem(status: int, body: Any) -> str | None:
    if status < 400:
        return None
    if not isinstance(body, dict) or set(body) != {"error"}:
        return f"error body is not the envelope: {body!r:.300}"
    err = body["error"]
    if not isinstance(err, dict) or set(err) != {"code", "message", "details"}:
        return f"envelope has wrong keys: {err!r:.300}"
    if not (isinstance(err["code"], str) and err["code"] and isinstance(err["message"], str)
            and err["message"]):
        return f"envelope code/message empty: {err!r:.300}"
    return None


def _run_operation(op: Any, headers: dict[str, str], failures: list[str]) -> int:
    calls = [0]
    on_demo = (op.method.upper() == "GET" and "{name}" in op.path
               and not op.path.endswith(_HEAVY))

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(case=op.as_strategy())
    def run(case: Any) -> None:
        calls[0] += 1
        if on_demo and calls[0] % 2 == 1 and case.path_parameters:
            case.path_parameters["name"] = "yrd-nev"
        resp = case.call(headers=headers, timeout=REQUEST_TIMEOUT)
        where = f"{op.method.upper()} {case.formatted_path} ({'token' if headers else 'no token'})"
        if resp.status_code >= 500:
            failures.append(f"{where}: {resp.status_code} {resp.text[:300]}")
            return
        ctype = resp.headers.get("content-type", [""])
        ctype = ctype[0] if isinstance(ctype, list) else ctype
        if resp.status_code >= 400 or "json" in ctype:
            try:
                body = resp.json()
            except ValueError:
                failures.append(f"{where}: {resp.status_code} body is not JSON: {resp.text[:200]}")
                return
            problem = _envelope_problem(resp.status_code, body)
            if problem:
                failures.append(f"{where}: {resp.status_code} {problem}")

    run()
    return calls[0]


def test_every_operation_answers_without_server_errors_and_in_the_envelope(schema: Any) -> None:
    failures: list[str] = []
    operations = 0
    calls = 0
    for result in schema.get_all_operations():
        op = result.ok()
        operations += 1
        for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}):
            calls += _run_operation(op, headers, failures)
    assert operations >= 35, f"only {operations} operations in the schema"
    assert calls >= operations * 2, "hypothesis generated no cases for some operation"
    assert not failures, "\n".join(failures[:30])


WRITES = [("POST", "/api/v1/datasets"), ("DELETE", "/api/v1/datasets/{name}"),
          ("POST", "/api/v1/datasets/{name}/imports/{table}"),
          ("POST", "/api/v1/datasets/{name}/chain/import-willems"),
          ("POST", "/api/v1/datasets/{name}/io/{table_name}"),
          ("POST", "/api/v1/datasets/{name}/match/index")]


def test_write_operations_refuse_missing_and_wrong_tokens_in_the_envelope(schema: Any) -> None:
    ops = {(r.ok().method.upper(), r.ok().path): r.ok() for r in schema.get_all_operations()}
    assert ("GET", "/api/v1/datasets/{name}/chain/map") in ops
    for key in WRITES:
        op = ops[key]
        params = {"name": "yrd-nev", "table": "firms", "table_name": "t"}
        extra: dict[str, Any] = {"body": {"name": "x"}} if op.path.endswith("/datasets") else {}
        case = op.Case(path_parameters={k: v for k, v in params.items() if f"{{{k}}}" in op.path},
                       **extra)
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            resp = case.call(headers=headers)
            assert resp.status_code == 401, (key, resp.status_code, resp.text)
            assert _envelope_problem(401, resp.json()) is None
