"""Dashboard in a real browser: Debian's Chromium driven by Playwright against a real server.

Checks: every page loads with no console error and no request leaving 127.0.0.1; clicking a
chain node filters the firm grid; a stress job runs to completion and its chart appears; the map
of China draws its boundaries, firm points and the N-hour circle; table downloads (CSV, Excel)
work; the language toggle relabels the pages; the HTML report opens offline from a file:// URL
with visible figures; screenshots are not blank. Needs ``/usr/bin/chromium`` (``apt-get install chromium
fonts-noto-cjk``); without it these tests are skipped with the install command, and fail under
CHAINATLAS_REQUIRE_BROWSER=1 (as in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from _server import start_server
from chainatlas.services.demo import build_demo_store

pytestmark = pytest.mark.browser

TOKENS: dict[str, str] = {}
SHARING_FIRM, SHARING_PARTNER = "F186", "F085"  # a vehicle maker and one of its direct suppliers
TABS = ("产业链图谱", "产业地图", "压力测试", "投入产出", "集群与复杂度", "新质生产力评价", "成果匹配",
        "补链强链建议", "优先措施", "数据共享")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("dash") / "demo.duckdb"
    build_demo_store(db)
    from chainatlas.services import sharing

    admin = sharing.LOCAL_ADMIN
    TOKENS["planner"] = sharing.add_account(db, admin, "dash-planner", "planner", dataset="yrd-nev")
    TOKENS["firm"] = sharing.add_account(db, admin, "dash-firm", "firm", dataset="yrd-nev",
                                         firm=SHARING_FIRM)
    proc, base = start_server(db, env={"CHAINATLAS_TOKEN": "t", "CHAINATLAS_WARM": "1"},
                              capture=True)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class _Watch:
    """Collects console errors and requests to hosts other than the local server."""

    def __init__(self, page: object) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _request(self, req: object) -> None:
        url = req.url
        if url.startswith(("data:", "blob:")):
            return
        if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
            self.external.append(url)


def _open(browser: object, base: str) -> tuple[object, _Watch]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    watch = _Watch(page)
    page.goto(f"{base}/dash/", wait_until="networkidle")
    page.wait_for_selector("#overview-health", timeout=60_000)
    return page, watch


def test_every_page_loads_offline_without_console_errors(server: str, browser: object,
                                                         tmp_path: Path) -> None:
    page, watch = _open(browser, server)
    for tab in TABS:
        page.get_by_text(tab, exact=True).click()
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => !document.querySelector('._dash-loading') && "
                               "!document.querySelector('[data-dash-is-loading=\"true\"]')",
                               timeout=60_000)
        assert not page.locator(".error").count(), f"{tab}: {page.locator('.error').first.inner_text()}"
    page.screenshot(path=str(tmp_path / "last.png"))
    assert watch.external == []
    assert watch.errors == []


def test_first_screen_comes_with_the_page_and_gives_way_to_the_dashboard(
        server: str, browser: object) -> None:
    """Once the background warm-up has cached the chain map, the page the server sends already
    holds the health score and charts (they paint before any script runs); when the dashboard
    has drawn its first page the static screen is gone, leaving one chart of each id."""
    import time

    import httpx

    deadline = time.monotonic() + 120
    while "first-screen" not in (html := httpx.get(f"{server}/dash/", timeout=30).text):
        assert time.monotonic() < deadline, "the warm-up never cached the overview"
        time.sleep(1)
    assert 'id="overview-health"' in html and "/ 100" in html
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    watch = _Watch(page)
    page.route("**/_dash-component-suites/**", lambda route: route.abort())  # no scripts at all
    page.goto(f"{server}/dash/", wait_until="domcontentloaded")
    assert page.evaluate("() => { const i = document.querySelector('#overview-health');"
                         " return i.complete && i.naturalWidth > 0; }")
    page.close()
    page, watch = _open(browser, server)
    page.wait_for_selector("#page-overview #overview-health", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('#first-screen')", timeout=30_000)
    assert page.locator("#overview-health").count() == 1
    assert watch.errors == [] and watch.external == []


def test_risk_map_is_framed_on_the_firms_in_china(server: str, browser: object) -> None:
    page, watch = _open(browser, server)
    page.get_by_text("系统性风险", exact=True).click()
    page.wait_for_selector("#risk-map .geo", timeout=60_000)
    geo = page.evaluate("() => { const g = document.querySelector('#risk-map .js-plotly-plot')"
                        "._fullLayout.geo; return [g.lonaxis.range, g.lataxis.range]; }")
    (lon0, lon1), (lat0, lat1) = geo
    # the demo's Chilean and Australian mines stay out of the frame: China fills it
    assert 70 < lon0 < lon1 < 140 and 15 < lat0 < lat1 < 55, geo
    assert "境外企业" in page.locator("#risk-map").inner_text()
    assert watch.errors == [] and watch.external == []


def test_clicking_a_chain_node_filters_the_firm_grid(server: str, browser: object) -> None:
    page, watch = _open(browser, server)
    page.get_by_text("产业链图谱", exact=True).click()
    page.wait_for_selector("#firm-grid .ag-row", timeout=60_000)
    page.wait_for_function("() => { const c = document.querySelector('#chain-graph');"
                           " return c && c._cyreg && c._cyreg.cy.nodes().length > 40; }",
                           timeout=60_000)
    all_rows = page.locator("#firm-grid .ag-paging-row-summary-panel").inner_text()
    page.evaluate("() => document.querySelector('#chain-graph')._cyreg.cy"
                  ".getElementById('cells').emit('tap')")
    page.wait_for_function("() => document.querySelector('#chain-selected').innerText"
                           ".includes('动力电池电芯')", timeout=30_000)
    page.wait_for_function(f"() => document.querySelector('#firm-grid .ag-paging-row-summary-panel')"
                           f"=== null || document.querySelector('#firm-grid "
                           f".ag-paging-row-summary-panel').innerText !== {all_rows!r}",
                           timeout=30_000)
    segments = page.locator("#firm-grid .ag-cell[col-id='segment_name']").all_inner_texts()
    assert segments and set(segments) == {"动力电池电芯"}
    assert "动力电池电芯" in page.locator("#chain-panel").inner_text()
    assert watch.errors == [] and watch.external == []


def test_stress_job_runs_and_its_chart_appears(server: str, browser: object,
                                               tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    page, watch = _open(browser, server)
    page.get_by_text("压力测试", exact=True).click()
    page.wait_for_selector("#stress-run", timeout=60_000)
    pick_target(page, "桐城")
    page.click("#stress-run")
    page.wait_for_selector("#stress-chart .main-svg", timeout=120_000)
    assert page.locator("#stress-status").inner_text() == "完成"
    shot = tmp_path / "stress.png"
    page.locator("#stress-chart").screenshot(path=str(shot))
    stat = ImageStat.Stat(Image.open(shot).convert("L"))
    assert stat.stddev[0] > 5, "the stress chart screenshot is blank"
    assert watch.errors == [] and watch.external == []


def pick_target(page: object, text: str, option: str = "桐城市") -> None:
    """Type ``text`` into the stress page's searchable target list and pick ``option``."""
    page.click("#stress-target")
    page.keyboard.type(text)
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_function("() => document.querySelector('#stress-scenario').value"
                           ".includes('340881')", timeout=30_000)


def _not_blank(path: Path) -> float:
    from PIL import Image, ImageStat

    return float(ImageStat.Stat(Image.open(path).convert("L")).stddev[0])


def test_map_page_draws_boundaries_points_and_circle_offline(server: str, browser: object,
                                                             tmp_path: Path) -> None:
    page, watch = _open(browser, server)
    page.get_by_text("产业地图", exact=True).click()
    page.wait_for_selector("#map-graph .choroplethlocation", timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll('#map-graph .scattergeo .point')"
                           ".length > 100", timeout=60_000)
    # 34 provinces + the South China Sea inset drawn as the outline layer, plus shaded ones
    paths = page.locator("#map-graph .choroplethlocation").count()
    assert paths >= 35 + 5
    page.wait_for_function("() => document.querySelector('#map-graph').innerText"
                           ".includes('可达地区')", timeout=30_000)  # the N-hour area's legend
    assert "上海" in page.locator("#map-circle-summary").inner_text()
    shot = tmp_path / "map.png"
    page.locator("#map-graph").screenshot(path=str(shot))
    assert _not_blank(shot) > 5
    # the city level draws the 41 YRD cities
    page.get_by_text("长三角 (地级市)").click()
    page.wait_for_function("() => document.querySelectorAll('#map-graph .choroplethlocation')"
                           ".length >= 41 + 10", timeout=60_000)
    assert watch.external == [] and watch.errors == []


def test_table_downloads_give_csv_and_excel(server: str, browser: object,
                                            tmp_path: Path) -> None:
    import csv

    from openpyxl import load_workbook

    page, watch = _open(browser, server)
    page.wait_for_selector("#overview-segments .ag-row", timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        page.locator("#overview-segments button.download-csv").click()
    csv_path = tmp_path / info.value.suggested_filename
    info.value.save_as(csv_path)
    assert csv_path.name == "yrd-nev-overview-segments.csv"
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) >= 40 and {"segment", "status"} <= set(rows[0])
    assert {r["status"] for r in rows} <= {"强", "弱", "缺失", "缺失·相邻"}
    with page.expect_download(timeout=60_000) as info:
        page.locator("#overview-segments button.download-xlsx").click()
    xlsx_path = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx_path)
    ws = load_workbook(xlsx_path, read_only=True).worksheets[0]
    table = list(ws.values)
    assert table[0][:3] == ("名称", "链位", "状态")  # readers' headers; the CSV keeps field names
    assert len(table) == len(rows) + 1
    assert watch.external == [] and watch.errors == []


def test_language_toggle_relabels_the_pages(server: str, browser: object) -> None:
    page, watch = _open(browser, server)
    page.get_by_text("English", exact=True).click()
    page.wait_for_function("() => document.querySelector('#title').innerText"
                           ".includes('industrial chains')", timeout=30_000)
    page.get_by_text("Map", exact=True).click()
    page.wait_for_selector("#map-graph .choroplethlocation", timeout=60_000)
    assert "circle" in page.locator("#map-circle-summary").inner_text()
    assert page.get_by_text("Shade by", exact=True).count() == 1
    page.get_by_text("Overview", exact=True).click()
    page.wait_for_selector("#overview-segments .ag-row", timeout=60_000)
    assert page.get_by_text("Download Excel").count() >= 1
    assert page.get_by_text("下载 CSV").count() == 0
    assert watch.external == [] and watch.errors == []


def test_report_opens_offline_from_a_file_url(browser: object, tmp_path: Path) -> None:
    from chainatlas.datasets import load_demo
    from chainatlas.report.build import build_report

    html, *_ = build_report(load_demo("yrd-nev"), region="320100", lang="zh")
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    figures = page.locator("svg")
    assert figures.count() >= 4
    visible = [figures.nth(i).bounding_box() for i in range(figures.count())]
    assert sum(1 for b in visible if b and b["width"] > 100 and b["height"] > 50) >= 4
    first = figures.first
    first.scroll_into_view_if_needed()
    shot = tmp_path / "report-figure.png"
    first.screenshot(path=str(shot))
    assert _not_blank(shot) > 5
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []


def test_sharing_page_planner_sees_aggregates_and_firm_grants(server: str, browser: object) -> None:
    from chainatlas.datasets import load_demo

    links = load_demo("yrd-nev").supply_links
    assert ((links["supplier"] == SHARING_PARTNER) & (links["customer"] == SHARING_FIRM)).any() or \
        ((links["supplier"] == SHARING_FIRM) & (links["customer"] == SHARING_PARTNER)).any()
    page, watch = _open(browser, server)
    page.get_by_text("数据共享", exact=True).click()
    page.wait_for_selector("#share-token", timeout=60_000)
    page.fill("#share-token", TOKENS["planner"])
    page.click("#share-login")
    page.wait_for_selector("#share-heatmap .main-svg", timeout=60_000)
    page.wait_for_selector("#share-warnings .ag-row", timeout=60_000)
    assert "planner" in page.locator("#share-who").inner_text()
    page.fill("#share-token", TOKENS["firm"])
    page.click("#share-login")
    page.wait_for_selector("#share-own .main-svg", timeout=60_000)
    page.fill("#share-partner", SHARING_PARTNER)
    page.click("#share-grant")
    page.wait_for_function("() => document.querySelector('#share-agreements') && "
                           f"document.querySelector('#share-agreements').innerText.includes('{SHARING_PARTNER}')",
                           timeout=60_000)
    assert watch.errors == [] and watch.external == []
