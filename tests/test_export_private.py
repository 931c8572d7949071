"""Firm signals are private: exports leave them out unless asked explicitly (and, over the API,
only with the write token)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from chainatlas.api.app import create_app
from chainatlas.config import get_settings
from chainatlas.services.datasets import export_dataset
from chainatlas.services.demo import build_demo_store


def test_signals_are_not_exported_unless_asked(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    build_demo_store(db, names=("yrd-nev",))
    default = {p.name for p in export_dataset(db, "yrd-nev", tmp_path / "a", "csv")}
    assert "firms.csv" in default and "signals.csv" not in default
    full = {p.name for p in export_dataset(db, "yrd-nev", tmp_path / "b", "csv",
                                           include_private=True)}
    assert "signals.csv" in full

    settings = replace(get_settings(db), token="tok", open_reads=True)
    with TestClient(create_app(settings)) as client:
        r = client.get("/api/v1/datasets/yrd-nev/export", params={"format": "csv"})
        names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
        assert "firms.csv" in names and "signals.csv" not in names
        r = client.get("/api/v1/datasets/yrd-nev/export",
                       params={"format": "csv", "include_signals": "true"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "access_denied"
        r = client.get("/api/v1/datasets/yrd-nev/export",
                       params={"format": "csv", "include_signals": "true"},
                       headers={"Authorization": "Bearer tok"})
        assert "signals.csv" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()
