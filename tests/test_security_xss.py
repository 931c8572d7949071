"""Every user string is escaped in the HTML report and the dashboard.

The demo dataset is stored with every firm, segment and region name replaced by markup that
would run script if it were inserted unescaped (``<script>alert(…)</script>``, an ``<img>`` with
``onerror``, an ``<svg onload>``). The report is rendered and opened in Chromium, and the
dashboard is browsed through a real server: no dialog ever opens, no injected element exists, and
the raw text is shown as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from _server import served
from chainatlas.datasets import load_demo
from chainatlas.model.dataset import Dataset
from chainatlas.services.datasets import import_frames

pytestmark = pytest.mark.browser

FIRM = "<script>alert('firm')</script>"
SEGMENT = "<img src=x onerror=alert('segment')>"
REGION = "<svg onload=alert('region')>"


def hostile_dataset() -> Dataset:
    """yrd-nev with markup in every firm, segment and region name."""
    ds = load_demo("yrd-nev")
    tables = {k: v.copy() for k, v in ds.tables.items()}
    tables["firms"]["name"] = [f"{FIRM}{i}" for i in range(len(tables["firms"]))]
    tables["segments"]["name"] = [f"{SEGMENT}{i}" for i in range(len(tables["segments"]))]
    tables["regions"]["name"] = [f"{REGION}{i}" for i in range(len(tables["regions"]))]
    return Dataset("xss", tables, dict(ds.meta))


class Alarm:
    """Records every dialog (alert/confirm/prompt) a page opens, and page errors."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _injected(page: Any) -> int:
    """Elements that exist only if markup from the data was parsed as HTML."""
    return int(page.evaluate(
        "() => document.querySelectorAll('img[src=\"x\"], svg[onload], script:not([src])')"
        ".length - Array.from(document.querySelectorAll('script:not([src])'))"
        ".filter(s => !s.textContent.includes(\"alert('\")).length"))


def test_report_escapes_every_user_string(browser: Any, tmp_path: Path) -> None:
    from chainatlas.report.build import build_report

    html, *_ = build_report(hostile_dataset(), region="320100")
    assert FIRM not in html and SEGMENT not in html and REGION not in html
    assert "&lt;script&gt;alert(" in html or "&lt;script&gt;alert(&#39;firm" in html
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    alarm = Alarm(page)
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(500)
    assert alarm.dialogs == []
    assert _injected(page) == 0
    assert FIRM in page.inner_text("body")  # shown as text
    page.close()



@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("xss") / "xss.duckdb"
    ds = hostile_dataset()
    import_frames(db, "xss", {t: f for t, f in ds.tables.items() if len(f)}, mode="replace")
    with served(db, env={"CHAINATLAS_TOKEN": "t"}) as (base, _proc):
        yield base


def test_api_report_escapes(server: str) -> None:
    r = httpx.get(f"{server}/api/v1/datasets/xss/report", params={"region": "320100"}, timeout=120)
    assert r.status_code == 200
    assert FIRM not in r.text and SEGMENT not in r.text and REGION not in r.text


def test_dashboard_shows_markup_as_text(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    alarm = Alarm(page)
    page.goto(f"{server}/dash/", wait_until="networkidle")
    page.wait_for_selector("#overview-health", timeout=60_000)
    page.get_by_text("产业链图谱", exact=True).click()
    page.wait_for_selector("#firm-grid .ag-row", timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    assert alarm.dialogs == []
    assert _injected(page) == 0
    assert "<script>alert('firm')</script>" in page.inner_text("#firm-grid")
    for tab in ("压力测试", "补链强链建议"):
        page.get_by_text(tab, exact=True).click()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        assert alarm.dialogs == [] and _injected(page) == 0, tab
    page.close()
