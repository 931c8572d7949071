"""Shared fixtures: real-data location, temporary stores."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

# API apps started by the tests (TestClient lifespans, servers) do not warm the dashboard's
# analyses in the background; the dashboard's own tests turn it on for their server.
os.environ.setdefault("CHAINATLAS_WARM", "0")


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


#: How to get the browser the dashboard tests drive.
BROWSER_INSTALL = ("install it with `sudo apt-get install chromium fonts-noto-cjk` (Debian/Ubuntu) "
                   "or point CHAINATLAS_CHROMIUM at a Chromium binary; "
                   "CHAINATLAS_REQUIRE_BROWSER=1 turns this skip into a failure")


def _chromium_path() -> str | None:
    """The Chromium to drive: ``$CHAINATLAS_CHROMIUM`` when set (that binary or none), else
    ``chromium`` or ``chromium-browser`` on PATH."""
    given = os.environ.get("CHAINATLAS_CHROMIUM")
    if given is not None:
        return given if given and os.path.isfile(given) and os.access(given, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_missing() -> str | None:
    """Why browser tests cannot run here (None when they can)."""
    if _chromium_path() is None:
        where = os.environ.get("CHAINATLAS_CHROMIUM")
        return (f"no Chromium at CHAINATLAS_CHROMIUM={where!r}" if where is not None
                else "no Chromium found (chromium or chromium-browser on PATH)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[all]')"
    return None


def _require_browser() -> bool:
    return os.environ.get("CHAINATLAS_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that uses the ``browser`` fixture ``browser``; without a browser skip
    them before any of their fixtures (a server, a store) is built, unless
    CHAINATLAS_REQUIRE_BROWSER=1 (CI), where the ``browser`` fixture fails them."""
    users = [i for i in items if "browser" in getattr(i, "fixturenames", ())]
    for item in users:
        item.add_marker(pytest.mark.browser)
    why = browser_missing()
    if users and why is not None and not _require_browser():
        skip = pytest.mark.skip(reason=f"browser test: {why}; {BROWSER_INSTALL}")
        for item in users:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say once, at the end, that browser tests were skipped and how to run them (works with
    pytest-xdist too: it reads the skip reports, not the collection)."""
    n = sum("browser test:" in str(getattr(r, "longrepr", ""))
            for r in terminalreporter.stats.get("skipped", []))
    why = browser_missing()
    if n and why is not None:
        terminalreporter.write_line(f"{n} browser test(s) skipped: {why}; {BROWSER_INSTALL}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium driven by Playwright (Debian's binary, no browser download; headless, no network
    beyond what the page asks for). Tests using it are skipped when there is no Chromium
    (:func:`pytest_collection_modifyitems`), and fail instead under CHAINATLAS_REQUIRE_BROWSER=1."""
    why = browser_missing()
    if why is not None:
        if _require_browser():
            pytest.fail(f"CHAINATLAS_REQUIRE_BROWSER=1 but {why}; {BROWSER_INSTALL}")
        pytest.skip(f"browser test: {why}; {BROWSER_INSTALL}")
    path = _chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True,
                              args=["--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking",
                                    "--disable-component-update", "--disable-sync"])
        yield b
        b.close()
