"""Uploads keep the user's file name, so that the errors of an upload name the user's file."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chainatlas.api.app import create_app
from chainatlas.config import get_settings

TOKEN = "upload-names-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BAD = "id,name,region\nF1,甲,320100\nF1,乙,320100\n".encode()  # a duplicate id on row 3


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = replace(get_settings(tmp_path / "u.duckdb"), token=TOKEN)
    with TestClient(create_app(settings)) as c:
        assert c.post("/api/v1/datasets", json={"name": "d"}, headers=AUTH).status_code == 201
        yield c


@pytest.mark.parametrize("name", ["bad_firms.csv", "企业名单 2024.csv", "../../etc/evil.csv",
                                  "C:\\Users\\me\\bad_firms.csv"])
def test_upload_errors_name_the_users_file(client: TestClient, name: str) -> None:
    r = client.post("/api/v1/datasets/d/imports/firms", headers=AUTH,
                    files={"file": (name, io.BytesIO(BAD), "text/csv")})
    assert r.status_code == 400, r.text
    body = r.json()["error"]
    shown = name.replace("\\", "/").rsplit("/", 1)[-1]
    assert f"{shown}, row 3" in body["message"], body["message"]
    assert all(p["file"] == shown for p in body["details"]), body["details"]

