"""A planner's task in a real browser, in Chinese and in English, at 1440×900.

On ``yrd-nev``: overview → chain map (click a segment with the mouse, read its firms in the side
panel and the grid) → stress test (pick 桐城市 / Tongcheng from the searchable list, 100 % for 20 days, run,
read the total loss) → advice → download the Excel list. On ``gd-clusters`` (an indicator panel
without firms or segments) the same pages explain themselves instead of failing. On every page:
no visible snake_case identifier, no number with more than four decimals, no year written with a
separator, (in Chinese) no English word outside proper names and acronyms, no console error and
no HTTP 5xx. The chain graph's labels are measured from the rendered graph: at least 12 px and
never overlapping. ``/docs`` renders from local assets. Needs Debian's Chromium (see
``tests/test_dashboard.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from _server import start_server
from chainatlas.services.demo import build_demo_store

pytestmark = pytest.mark.browser

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
LONG_DECIMALS = re.compile(r"\d\.\d{5,}")
YEAR_WITH_SEPARATOR = re.compile(r"^(?:1,9|2,0|2,1)\d\d(?:\.\d+)?$")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[a-z][A-Za-z'-]*")  # has a lowercase letter
#: proper names and product names that stay Latin in Chinese mode
PROPER = {"chainatlas", "English", "yrd-nev", "gd-clusters", "Excel", "Apache", "ECharts",
          "SoC", "SiC", "IGBT/SiC", "DC-DC", "Noto"}

_PAGE_TEXT = """() => {
  const root = document.querySelector('#page');
  const text = document.body.innerText;
  const ticks = Array.from(document.querySelectorAll('.xtick text, .ytick text'))
      .map(e => e.textContent);
  const years = Array.from(document.querySelectorAll(".ag-cell[col-id='year']"))
      .map(e => e.innerText);
  return {text, ticks, years, page: root ? root.innerText : ''};
}"""


class Watch:
    """Console errors and HTTP 5xx answers of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                if r.status >= 500 else None)
        page.on("request", self._request)

    def _request(self, req: Any) -> None:
        if not req.url.startswith(("data:", "blob:")) and \
                urlparse(req.url).hostname not in ("127.0.0.1", "localhost"):
            self.external.append(req.url)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("walk") / "demo.duckdb"
    build_demo_store(db)
    proc, base = start_server(db, env={"CHAINATLAS_TOKEN": "t", "CHAINATLAS_WARM": "1"})
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _settle(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')",
                           timeout=120_000)


def _tab(page: Any, tab: str) -> None:
    page.click(f"#tab-{tab}")
    page.wait_for_selector(f"#page-{tab}", timeout=120_000)
    _settle(page)


def check_page(page: Any, watch: Watch, lang: str, where: str) -> str:
    """The reading rules of every page; returns the page's visible text."""
    got = page.evaluate(_PAGE_TEXT)
    text = got["text"]
    assert not SNAKE.findall(text), f"{where}: code identifiers on screen: {SNAKE.findall(text)[:8]}"
    assert not LONG_DECIMALS.findall(text), f"{where}: long decimals: {LONG_DECIMALS.findall(text)[:5]}"
    bad_ticks = [s for s in got["ticks"] if YEAR_WITH_SEPARATOR.match(s.strip())]
    assert not bad_ticks, f"{where}: years with a separator on an axis: {bad_ticks}"
    assert all(re.fullmatch(r"\d{4}|—|", y.strip()) for y in got["years"]), \
        f"{where}: year cells {got['years'][:5]}"
    if lang == "zh":
        words = [w for w in LATIN_WORD.findall(text) if w not in PROPER]
        assert not words, f"{where}: English words in Chinese mode: {sorted(set(words))[:12]}"
    assert watch.errors == [], f"{where}: console errors {watch.errors}"
    assert watch.failed == [], f"{where}: HTTP 5xx {watch.failed}"
    assert watch.external == [], f"{where}: requests leaving the machine {watch.external}"
    return str(got["page"])


_LABELS = """() => {
  const el = document.querySelector('#chain-graph');
  const cy = el._cyreg.cy;
  const z = cy.zoom();
  const rect = el.getBoundingClientRect();
  return {width: rect.width, height: rect.height, zoom: z,
          labels: cy.nodes('.segment').map(n => {
            const b = n.renderedBoundingBox({includeLabels: true, includeNodes: false,
                                             includeOverlays: false});
            return {id: n.id(), x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2,
                    px: parseFloat(n.style('font-size')) * z};
          })};
}"""


def check_chain_labels(page: Any) -> None:
    """Every segment label at least 12 px, inside the canvas, none overlapping another; the
    graph spreads over most of the canvas."""
    got = page.evaluate(_LABELS)
    labels = got["labels"]
    assert len(labels) >= 40
    small = [lab["id"] for lab in labels if lab["px"] < 12]
    assert not small, f"labels under 12 px: {small[:5]} (zoom {got['zoom']:.2f})"
    for lab in labels:
        assert lab["x1"] >= -1 and lab["x2"] <= got["width"] + 1, lab
        assert lab["y1"] >= -1 and lab["y2"] <= got["height"] + 1, lab
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            overlap = min(a["x2"], b["x2"]) - max(a["x1"], b["x1"]) > 0.5 and \
                min(a["y2"], b["y2"]) - max(a["y1"], b["y1"]) > 0.5
            assert not overlap, f"labels overlap: {a['id']} and {b['id']}"
    span = max(lab["x2"] for lab in labels) - min(lab["x1"] for lab in labels)
    assert span >= 0.8 * got["width"], f"the graph uses {span:.0f} of {got['width']:.0f} px"


_EDGES = """(id) => {
  const cy = document.querySelector('#chain-graph')._cyreg.cy;
  const n = cy.getElementById(id);
  const col = (e) => e.style('line-color').replace(/ /g, '');
  return {into: n.incomers('edge').map(col), out: n.outgoers('edge').map(col),
          others: cy.edges().difference(n.connectedEdges()).map(e => parseFloat(e.style('opacity')))};
}"""
_EDGES_DRAWN = """(id) => {
  const cy = document.querySelector('#chain-graph')._cyreg.cy;
  const e = cy.getElementById(id).connectedEdges();
  return e.length > 0 && e.every(x => parseFloat(x.style('width')) >= 3);
}"""


def _click_node(page: Any, node: str) -> None:
    """A real mouse click on ``node`` of the chain graph."""
    pos = page.evaluate("(id) => { const el = document.querySelector('#chain-graph');"
                        " const p = el._cyreg.cy.getElementById(id).renderedPosition();"
                        " const r = el.getBoundingClientRect();"
                        " return {x: r.left + p.x, y: r.top + p.y}; }", node)
    page.mouse.click(pos["x"], pos["y"])


def _choose_dataset(page: Any, name: str) -> None:
    page.click("#dataset")
    page.get_by_role("option", name=name).click()
    _settle(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_planner_walk(server: str, browser: Any, tmp_path: Path, lang: str) -> None:
    from openpyxl import load_workbook

    zh = lang == "zh"
    page = browser.new_page(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    watch = Watch(page)
    page.goto(f"{server}/dash/", wait_until="networkidle")
    page.wait_for_selector("#overview-health", timeout=60_000)
    if not zh:
        page.get_by_text("English", exact=True).click()
        page.wait_for_function("() => document.querySelector('#tab-overview').innerText"
                               " === 'Overview'", timeout=30_000)
        _settle(page)
    page.wait_for_selector("#overview-circle", timeout=60_000)
    text = check_page(page, watch, lang, "overview")
    assert ("产业链健康度" if zh else "Chain health") in text
    assert re.search(r"\d+(\.\d)?%", page.locator("#overview-circle").inner_text())

    # chain map: readable labels; a click opens the segment's side panel and lists its firms
    _tab(page, "chain")
    page.wait_for_function("() => { const c = document.querySelector('#chain-graph');"
                           " return c && c._cyreg && c._cyreg.cy.nodes('.segment').length > 40; }",
                           timeout=60_000)
    page.wait_for_timeout(300)
    check_chain_labels(page)
    _click_node(page, "cells")
    name = "动力电池电芯" if zh else page.evaluate(
        "() => document.querySelector('#chain-graph')._cyreg.cy.getElementById('cells')"
        ".data('name')")
    page.wait_for_function("(n) => document.querySelector('#chain-panel').innerText.includes(n)",
                           arg=name, timeout=60_000)
    page.wait_for_function("(n) => { const c = document.querySelectorAll("
                           "\"#firm-grid .ag-cell[col-id='segment_name']\");"
                           " return c.length > 0 && Array.from(c).every(e => e.innerText === n); }",
                           arg=name, timeout=60_000)
    firms = page.locator("#firm-grid .ag-cell[col-id='name']").all_inner_texts()
    assert firms and all("示例" in f for f in firms)
    panel = page.locator("#chain-panel").inner_text()
    assert ("健康度分项" if zh else "Health parts") in panel
    # the selected segment's edges stand out: its inputs blue, what it feeds orange, the rest faded
    page.wait_for_function(_EDGES_DRAWN, arg="cells", timeout=30_000)
    edges = page.evaluate(_EDGES, "cells")
    assert edges["into"] and edges["out"], edges
    assert set(edges["into"]) == {"rgb(31,95,168)"} and set(edges["out"]) == {"rgb(217,72,15)"}
    assert edges["others"] and max(edges["others"]) < 0.2
    check_page(page, watch, lang, "chain")

    # stress test from the form
    _tab(page, "stress")
    town = "桐城市" if zh else "Tongcheng"  # names in the reader's language
    option = page.get_by_role("option", name=town, exact=True)
    for attempt in range(4):  # the list's options arrive by a callback after the page is drawn
        page.click("#stress-target")
        page.keyboard.type(town[:2] if zh else town[:4])
        try:
            option.wait_for(timeout=15_000)
            break
        except Exception:
            if attempt == 3:
                raise
            page.keyboard.press("Control+A")  # clear what was typed, close the list, retry
            page.keyboard.press("Backspace")
            page.keyboard.press("Escape")
            page.wait_for_timeout(1_000)
    option.click()
    page.fill("#stress-duration", "20")
    page.keyboard.press("Tab")
    page.wait_for_function("() => { const v = document.querySelector('#stress-scenario').value;"
                           " return v.includes('340881') && v.includes('duration_days: 20')"
                           " && v.includes('capacity_loss: 1.0'); }", timeout=30_000)
    page.click("#stress-run")
    page.wait_for_selector("#stress-total-loss", timeout=180_000)
    loss = page.locator("#stress-total-loss").inner_text()
    assert re.fullmatch(r"[\d,.]+ (万元|亿元|万亿元)" if zh else r"CNY [\d,.]+( k| m| bn| tn|k)?",
                        loss), loss
    worst = page.locator("#stress-worst .ag-cell[col-id='region_name']").all_inner_texts()
    assert town in worst
    check_page(page, watch, lang, "stress")

    # advice, then its Excel list
    _tab(page, "advise")
    page.wait_for_selector("#advise-grid .ag-row", timeout=120_000)
    check_page(page, watch, lang, "advice")
    reasons = page.locator("#advise-grid .ag-cell[col-id='reasons']").all_inner_texts()
    assert reasons and all(r.strip() for r in reasons)
    cjk = [r for r in reasons if re.search(r"[\u4e00-\u9fff]", r)]
    # reasons in the reader's language (region and firm names aside: the demo's are Chinese)
    assert len(cjk) == len(reasons) if zh else not cjk, reasons[:3]
    with page.expect_download(timeout=60_000) as info:
        page.locator("#advise-grid button.download-xlsx").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(load_workbook(path, read_only=True).worksheets[0].values)
    assert rows[0][:3] == (("排名", "名称", "链位") if zh else ("Rank", "Name", "Stage"))
    assert not [h for h in rows[0] if SNAKE.search(str(h))], rows[0]  # readers' headers
    assert len(rows) > 1 and isinstance(rows[1][4], float)  # the score keeps full precision

    # a dataset without a chain: each page says what it can and cannot show
    _choose_dataset(page, "gd-clusters")
    for tab in ("overview", "chain", "stress", "advise"):
        _tab(page, tab)
        text = check_page(page, watch, lang, f"gd-clusters {tab}")
        assert page.locator(f"#page-{tab} .notice").count() >= 1, f"gd-clusters {tab}: {text[:200]}"
    page.close()


def test_api_docs_render_offline(server: str, browser: Any) -> None:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(f"{server}/docs", wait_until="networkidle")
    page.wait_for_selector(".swagger-ui .info", timeout=60_000)
    assert "chainatlas API" in page.locator(".swagger-ui .info").inner_text()
    assert watch.external == [] and watch.errors == [] and watch.failed == []
