"""Benchmark: the dashboard's time to first meaningful paint on the demo (target ≤ 2 s).

    python benchmarks/bench_dashboard.py [--runs 5]

Starts ``chainatlas serve`` on a demo store (loopback, free port) and drives Debian's Chromium
with Playwright. Each run opens a fresh browser context (cold cache) and measures, with the
page's own clock (``performance.now()``, 0 at navigation start):

* **first meaningful paint**: the overview's health chart is in the page and decoded
  (``#overview-health``, a server-drawn SVG image, ``complete`` with a width). Once the
  server's background warm-up has cached the chain map, the page the server sends carries the
  health score and charts itself (the first screen), so they paint before any script runs;
* **dashboard drawn**: the dashboard's own overview is on screen (``#page-overview``), after
  the scripts have loaded and the callbacks answered (the static first screen is gone);
* **load event**, the reference measured in the same run: every script and style of the page
  has arrived (``PerformanceNavigationTiming.loadEventEnd``); the ratio paint / load is what the
  Dash callbacks (dataset list, page render, figure) add on top of loading the bundles;
* **map**: from the click on the map tab to the province boundaries and firm points drawn.

Prints the median and the worst run of each, and the server's peak memory.

With ``--firms N --links M`` it also stores a synthetic dataset of that size (the same
generator as ``chainatlas generate``) and times every page on it: from the tab click to the
page's content drawn and its callbacks done, on the first visit (analyses computed) and on the
second (analyses cached per dataset version); target ≤ 3 s per page::

    python benchmarks/bench_dashboard.py --runs 3 --firms 100000 --links 500000
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--firms", type=int, default=0, help="also time pages on N synthetic firms")
    ap.add_argument("--links", type=int, default=0)
    ap.add_argument("--tabs", nargs="*", default=["overview", "chain", "map", "stress", "cluster",
                                                   "advise", "match", "evaluate", "io"])
    args = ap.parse_args()
    started = time.process_time()
    from playwright.sync_api import sync_playwright

    from chainatlas.services.demo import build_demo_store

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("chromium not found: apt-get install chromium fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="bench-dash-") as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo_store(db)
        big_rows = ""
        if args.firms:
            from chainatlas.datasets.synthetic import generate_network
            from chainatlas.services.datasets import import_frames

            t = time.perf_counter()
            frames = generate_network(args.firms, args.links or 5 * args.firms, seed=0)
            import_frames(db, "synthetic", frames, mode="replace")
            big_rows = (f"synthetic: {len(frames['firms']):,} firms, "
                        f"{len(frames['supply_links']):,} links, stored in "
                        f"{time.perf_counter() - t:.1f} s")
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "chainatlas.cli", "serve", "--db", str(db),
                                 "--port", str(port)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=dict(os.environ))
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    httpx.get(f"{base}/api/v1/health", timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            paint, drawn, load, maps = [], [], [], []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=exe, headless=True, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                # one untimed run warms the server (imports, first dataset load)
                for run in range(args.runs + 1):
                    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = ctx.new_page()
                    page.goto(f"{base}/dash/", wait_until="commit")
                    page.wait_for_function(
                        "() => { const i = document.querySelector('#overview-health');"
                        " return i && i.complete && i.naturalWidth > 0; }", timeout=60_000)
                    t_paint = page.evaluate("performance.now()")
                    page.wait_for_selector("#page-overview #overview-health", timeout=60_000)
                    t_drawn = page.evaluate("performance.now()")
                    page.wait_for_load_state("load")
                    t_load = page.evaluate("performance.getEntriesByType('navigation')[0]"
                                           ".loadEventEnd")
                    t0 = page.evaluate("performance.now()")
                    page.get_by_text("产业地图", exact=True).click()
                    page.wait_for_function(
                        "() => document.querySelectorAll('#map-graph .choroplethlocation')"
                        ".length >= 35 && document.querySelectorAll("
                        "'#map-graph .scattergeo .point').length > 100", timeout=60_000)
                    t_map = page.evaluate("performance.now()") - t0
                    ctx.close()
                    if run:
                        paint.append(t_paint / 1000)
                        drawn.append(t_drawn / 1000)
                        load.append(t_load / 1000)
                        maps.append(t_map / 1000)
                pages: list[tuple[str, float, float]] = []
                if args.firms:
                    pages = _time_pages(browser, base, "synthetic", args.tabs)
                browser.close()
            peak = _server_peak_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"dashboard on the yrd-nev demo, {args.runs} cold-cache runs (Chromium headless, "
          "software rendering)")
    print(f"{'measure':<28} {'median s':>9} {'worst s':>8}")
    for label, vals in (("first meaningful paint", paint),
                        ("dashboard drawn", drawn), ("load event (reference)", load),
                        ("map tab → map drawn", maps)):
        print(f"{label:<28} {statistics.median(vals):>9.2f} {max(vals):>8.2f}")
    print(f"paint / load ratio {statistics.median(paint) / statistics.median(load):.2f}; "
          f"target ≤ 1.5 s: {'met' if statistics.median(paint) <= 1.5 else 'NOT met'}")
    if pages:
        print(big_rows)
        print(f"{'page':<12} {'first visit s':>14} {'cached s':>9}  (target ≤ 3 s)")
        for tab, first, again in pages:
            print(f"{tab:<12} {first:>14.2f} {again:>9.2f}  "
                  f"{'met' if again <= 3.0 else 'NOT met'}{'' if first <= 3.0 else ' (first visit over)'}")
    print(f"server peak memory {peak:,.0f} MB; benchmark process CPU "
          f"{time.process_time() - started:.1f} s; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _time_pages(browser: object, base: str, dataset: str,
                tabs: list[str]) -> list[tuple[str, float, float]]:
    """Seconds from each tab's click to its page drawn with no callback pending, twice."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(f"{base}/dash/", wait_until="networkidle")
    page.wait_for_selector("#tab-overview", timeout=120_000)
    page.click("#dataset")
    page.get_by_role("option", name=dataset).click()
    page.wait_for_selector("#page-overview", timeout=600_000)
    out = []
    times: dict[str, list[float]] = {tab: [] for tab in tabs}
    for _ in range(2):
        for tab in tabs:
            page.click("#tab-map" if tab == "overview" else "#tab-overview")
            page.wait_for_timeout(200)
            t0 = time.perf_counter()
            page.click(f"#tab-{tab}")
            page.wait_for_selector(f"#page-{tab}", timeout=600_000)
            page.wait_for_function(
                "() => !document.querySelector('[data-dash-is-loading=\"true\"]')",
                timeout=600_000)
            page.wait_for_load_state("networkidle", timeout=600_000)
            times[tab].append(time.perf_counter() - t0)
    for tab in tabs:
        out.append((tab, times[tab][0], times[tab][1]))
    ctx.close()
    return out


if __name__ == "__main__":
    main()
