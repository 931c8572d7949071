"""Limits: upload size, row count — clear errors, nothing written, memory bounded.

- ``CHAINATLAS_MAX_ROWS``: an import one row over the limit is refused (LimitExceeded, CLI exit 1,
  HTTP 413) and the store is unchanged; at the limit it lands.
- ``CHAINATLAS_MAX_UPLOAD_MB``: a real server refuses an upload 32 times larger than its limit
  with 413, writes nothing, and its peak resident memory grows by much less than the upload
  (the body is streamed to disk in chunks, never held whole).
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import httpx
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from _server import start_server
from chainatlas.api.app import create_app
from chainatlas.cli.main import app
from chainatlas.config import get_settings
from chainatlas.exceptions import LimitExceeded, ValidationError
from chainatlas.services.datasets import import_file, import_frames
from chainatlas.store import Store

TOKEN = "limits-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _firms_csv(path: Path, n: int) -> Path:
    rows = ["id,name,region"] + [f"F{i},firm {i},320100" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "limits.duckdb"
    import_frames(path, "d", {"regions": pd.DataFrame({"code": ["320100"], "name": ["南京市"]})})
    return path


def _state(db: Path) -> tuple[int, dict[str, int]]:
    with Store.open(db, read_only=True) as s:
        return s.dataset_version("d"), s.table_counts("d")


def test_row_limit_refuses_one_row_over_and_writes_nothing(db: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINATLAS_MAX_ROWS", "100")
    before = _state(db)
    over = _firms_csv(tmp_path / "over.csv", 101)
    with pytest.raises(LimitExceeded, match=r"over\.csv: more than 100 rows, the limit of one "
                                             r"import \(CHAINATLAS_MAX_ROWS\)"):
        import_file(db, "d", "firms", over)
    assert _state(db) == before
    result = CliRunner().invoke(app, ["import", "firms", str(over), "-d", "d", "--db", str(db)])
    assert result.exit_code == 1
    assert "more than 100 rows" in result.stderr and "Traceback" not in result.output
    assert _state(db) == before
    report = import_file(db, "d", "firms", _firms_csv(tmp_path / "at.csv", 100))
    assert report.tables["firms"] == 100


def test_row_limit_is_checked_before_the_whole_file_is_parsed(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over the limit is refused after parsing at most limit + 1 rows (CSV, Excel) or
    from its footer (Parquet): a malformed line far below the limit's row is never reached."""
    monkeypatch.setenv("CHAINATLAS_MAX_ROWS", "10")
    before = _state(db)
    lines = ["id,name,region"] + [f"F{i},x,320100" for i in range(40)]
    lines[30] = "F29,x,320100,an,extra,field"       # a parse error on line 31
    bad = tmp_path / "long.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LimitExceeded, match=r"long\.csv: more than 10 rows"):
        import_file(db, "d", "firms", bad)
    monkeypatch.setenv("CHAINATLAS_MAX_ROWS", "100")
    with pytest.raises(ValidationError, match="long.csv"):   # under the limit: read whole
        import_file(db, "d", "firms", bad)
    monkeypatch.setenv("CHAINATLAS_MAX_ROWS", "10")
    frame = pd.DataFrame({"id": [f"F{i}" for i in range(1000)], "name": "x", "region": "320100"})
    frame.to_parquet(tmp_path / "big.parquet")
    with pytest.raises(LimitExceeded, match=r"big\.parquet: 1,000 rows exceed the limit of 10"):
        import_file(db, "d", "firms", tmp_path / "big.parquet")
    frame.head(30).to_excel(tmp_path / "big.xlsx", index=False)
    with pytest.raises(LimitExceeded, match=r"big\.xlsx: more than 10 rows"):
        import_file(db, "d", "firms", tmp_path / "big.xlsx")
    frame.head(11).to_json(tmp_path / "big.json", orient="records")
    with pytest.raises(LimitExceeded, match=r"big\.json: 11 rows exceed the limit of 10"):
        import_file(db, "d", "firms", tmp_path / "big.json")
    assert _state(db) == before
    frame.head(10).to_parquet(tmp_path / "ten.parquet")
    assert import_file(db, "d", "firms", tmp_path / "ten.parquet").tables["firms"] == 10


def test_row_limit_over_the_api_is_413(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINATLAS_MAX_ROWS", "10")
    body = "id,name,region\n" + "".join(f"F{i},x,320100\n" for i in range(11))
    with TestClient(create_app(replace(get_settings(db), token=TOKEN))) as c:
        r = c.post("/api/v1/datasets/d/imports/firms", headers=AUTH,
                   files={"file": ("firms.csv", io.BytesIO(body.encode()), "text/csv")})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "limit_exceeded"
        assert "CHAINATLAS_MAX_ROWS" in r.json()["error"]["message"]
    assert _state(db)[1]["firms"] == 0



def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def oversized_upload(db: Path, tmp_path: Path, limit_mb: int = 2,
                     upload_mb: int = 64) -> dict[str, float]:
    """Upload ``upload_mb`` MB to a server limited to ``limit_mb``; return what happened."""
    big = tmp_path / "big.csv"
    line = b"F0,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,320100\n"
    with big.open("wb") as fh:
        fh.write(b"id,name,region\n")
        block = line * (1 << 20 // len(line) + 1)
        while fh.tell() < upload_mb << 20:
            fh.write(block)
    proc, base = start_server(db, env={"CHAINATLAS_TOKEN": TOKEN,
                                       "CHAINATLAS_MAX_UPLOAD_MB": str(limit_mb)})
    try:
        # warm the import path once so its code and libraries are already resident
        small = b"id,name,region\nW1,w,320100\n"
        httpx.post(f"{base}/api/v1/datasets/d/imports/firms", headers=AUTH, timeout=120,
                   files={"file": ("firms.csv", io.BytesIO(small), "text/csv")},
                   data={"mode": "replace"})
        peak0 = _peak_rss_kib(proc.pid)
        with big.open("rb") as fh:
            r = httpx.post(f"{base}/api/v1/datasets/d/imports/firms", headers=AUTH, timeout=300,
                           files={"file": ("firms.csv", fh, "text/csv")})
        peak1 = _peak_rss_kib(proc.pid)
        alive = httpx.get(f"{base}/api/v1/datasets/d", timeout=60).json()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"status": r.status_code, "code": r.json()["error"]["code"],
            "message": r.json()["error"]["message"], "upload_mb": big.stat().st_size / 2**20,
            "limit_mb": limit_mb, "peak_growth_mb": (peak1 - peak0) / 1024,
            "firms_after": alive["tables"]["firms"]}


def test_oversized_upload_is_refused_with_bounded_memory(db: Path, tmp_path: Path) -> None:
    result = oversized_upload(db, tmp_path)
    assert result["status"] == 413 and result["code"] == "limit_exceeded", result
    assert "2 MB" in result["message"]
    assert result["firms_after"] == 1  # the warm-up row; nothing of the big upload landed
    assert result["upload_mb"] >= 64
    assert result["peak_growth_mb"] < 24, result
