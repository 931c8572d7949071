"""Shared fixtures: real-data location, temporary stores."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download; headless, no network beyond
    what the page asks for). Without a ``chromium`` binary the test fails, unless
    ``CHAINATLAS_SKIP_BROWSER=1`` says browser tests are not wanted on this machine."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CHAINATLAS_SKIP_BROWSER") == "1":
            pytest.skip("no chromium and CHAINATLAS_SKIP_BROWSER=1")
        pytest.fail("chromium not found: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True,
                              args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking",
                                    "--disable-component-update", "--disable-sync"])
        yield b
        b.close()
