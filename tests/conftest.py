"""Shared fixtures: real-data location, temporary stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_data_dir() -> Path:
    env = os.environ.get("CHAINATLAS_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public data (``../shared/data``).

    Tests using it must be marked ``realdata``. When the folder is absent they are skipped, unless
    ``CHAINATLAS_REQUIRE_REALDATA=1`` (as in CI), where they fail.
    """
    path = _shared_data_dir()
    if not path.is_dir():
        msg = f"real data folder not found: {path}"
        if os.environ.get("CHAINATLAS_REQUIRE_REALDATA") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    """A path for a fresh DuckDB store file."""
    return tmp_path / "test.duckdb"
