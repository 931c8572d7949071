"""Schemathesis against the API: generated requests to every operation never cause a server error.

Every operation of the OpenAPI schema gets generated path, query and body values (with the write
token, so writes are exercised too) against a small dataset. Each answer must be below 500 and,
when it is an error, use the one envelope ``{"error": {"code", "message", "details"}}``; the store
must pass its integrity check afterwards. ``CHAINATLAS_FUZZ_API_EXAMPLES`` sets the examples per
operation (default 5; the longer run in ``benchmarks/bench_fuzz.py`` uses more).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from chainatlas.api.app import create_app
from chainatlas.config import get_settings
from chainatlas.services.datasets import import_frames
from chainatlas.store import Store

TOKEN = "fuzz-api-token"
EXAMPLES = int(os.environ.get("CHAINATLAS_FUZZ_API_EXAMPLES") or 5)
_DIR = Path(tempfile.mkdtemp(prefix="chainatlas-fuzz-api-"))
DB = _DIR / "api.duckdb"
import_frames(DB, "d", {
    "regions": pd.DataFrame({"code": ["320100"], "name": ["南京市"]}),
    "firms": pd.DataFrame({"id": ["F1", "F2"], "name": ["甲", "乙"], "region": "320100"}),
})
APP = create_app(replace(get_settings(DB), token=TOKEN, open_reads=True))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


CALLS: dict[str, int] = {"inputs": 0, "loaded": 0, "rejected": 0, "ms": 0}


@pytest.fixture(scope="module", autouse=True)
def _log_calls() -> Iterator[None]:
    yield
    shutil.rmtree(_DIR, ignore_errors=True)
    target = os.environ.get("CHAINATLAS_FUZZ_LOG")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"reader": "api", **CALLS}) + "\n")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_error(case: schemathesis.Case) -> None:
    started = time.perf_counter()
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    CALLS["ms"] += round(1000 * (time.perf_counter() - started))
    CALLS["inputs"] += 1
    CALLS["loaded" if response.status_code < 400 else "rejected"] += 1
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400 and response.headers.get("content-type", [""])[0].startswith(
            "application/json"):
        body = response.json()
        assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body


def test_store_is_sound_after_the_api_fuzzing() -> None:
    with Store.open(DB, read_only=True) as store:
        report = store.check()
    assert report.ok, [str(p) for p in report.errors]


def test_report_of_an_empty_dataset() -> None:
    """Found by fuzzing (it was a 500): an empty dataset gets a report whose sections say why
    they could not run."""
    from chainatlas.report.build import build_report

    with Store.open(DB) as store:
        store.create_dataset("empty", exist_ok=True)
        ds = store.load_dataset("empty")
    html, _lists, done, skipped = build_report(ds)
    assert "chain" in skipped and "no chain segments" in skipped["chain"]
    assert "overview" in done and "<html" in html
