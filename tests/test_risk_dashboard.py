"""The systemic-risk page in real Chromium: ranked firms with names, distribution, map, cascade."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from _server import start_server
from chainatlas.datasets import load_demo
from chainatlas.services.demo import build_demo_store
from chainatlas.services.risk import risk_input_of, run_esri

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("risk-dash") / "demo.duckdb"
    build_demo_store(db, names=("yrd-nev",))
    proc, base = start_server(db, capture=True)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_risk_page_ranks_firms_and_draws_a_cascade(server: str, browser: object) -> None:
    expected = run_esri(risk_input_of(load_demo()), top=3, reasons=3)["results"]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    external: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(("data:", "blob:"))
            and urlparse(r.url).hostname not in ("127.0.0.1", "localhost") else None)
    page.goto(f"{server}/dash/", wait_until="networkidle")
    page.wait_for_selector("#overview-health", timeout=60_000)
    page.get_by_text("系统性风险", exact=True).click()
    page.wait_for_selector("#risk-grid .ag-row", timeout=90_000)
    first_row = page.locator("#risk-grid .ag-row[row-index='0']").first.inner_text()
    assert expected[0]["name"] in first_row
    assert expected[0]["reasons"][0]["name"] in first_row
    page.wait_for_selector("#risk-map .scattergeo", timeout=60_000)
    page.wait_for_selector("#risk-dist .bars", timeout=60_000)
    page.wait_for_function("() => document.querySelector('#risk-cascade .gtitle') && "
                           f"document.querySelector('#risk-cascade .gtitle').textContent"
                           f".includes({expected[0]['name']!r})", timeout=60_000)
    # choose the second firm: its cascade replaces the first one's
    page.locator("#risk-firm").click()
    page.get_by_text(f"2. {expected[1]['name']}", exact=True).click()
    page.wait_for_function("() => document.querySelector('#risk-cascade .gtitle').textContent"
                           f".includes({expected[1]['name']!r})", timeout=60_000)
    assert page.locator(".error").count() == 0
    assert errors == [] and external == []
