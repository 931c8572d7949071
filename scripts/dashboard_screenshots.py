"""Screenshots of every dashboard page, in Chinese and English, on both demo datasets.

Builds the demo store in a temporary folder, starts ``chainatlas serve`` on a free loopback
port, opens each tab at 1440×900 in Debian's Chromium (Playwright; no browser download) and
writes one full-page PNG per page, language and dataset, plus the chain map after a click and
the stress and decision pages after a run::

    python3 scripts/dashboard_screenshots.py --out /tmp/chainatlas-shots

The output folder must lie outside the repository (or under a git-ignored path such as
``out/``); the script prints each file it wrote and any console error it saw.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABS = ("overview", "chain", "map", "stress", "risk", "io", "cluster", "evaluate", "match", "advise",
        "sharing", "decide")
DATASETS = ("yrd-nev", "gd-clusters")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    import urllib.request

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chainatlas.cli", "serve", "--db", str(db),
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "CHAINATLAS_TOKEN": "t"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/v1/health", timeout=2)
            return proc, base
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.3)


def _settle(page: object) -> None:
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=120_000)
    page.wait_for_timeout(600)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "chainatlas-shots"))
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--langs", nargs="*", default=["zh", "en"])
    parser.add_argument("--tabs", nargs="*", default=list(TABS))
    args = parser.parse_args()
    out = Path(args.out).resolve()
    repo = Path(__file__).resolve().parents[1]
    if repo in out.parents and not str(out.relative_to(repo)).startswith(("out", "bench-out")):
        raise SystemExit(f"write screenshots outside the repository (or under out/): {out}")
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    from chainatlas.services.demo import build_demo_store

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("chromium not found: apt-get install chromium fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo_store(db)
        proc, base = _serve(db)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, headless=True,
                                            args=["--no-sandbox", "--disable-gpu"])
                for lang in args.langs:
                    for dataset in args.datasets:
                        _walk(browser, base, out, lang, dataset, args.tabs)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _walk(browser: object, base: str, out: Path, lang: str, dataset: str,
          tabs: list[str]) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/dash/", wait_until="networkidle")
    page.wait_for_selector("#tab-overview", timeout=60_000)
    if lang == "en":
        page.get_by_text("English", exact=True).click()
    if dataset != "yrd-nev":
        page.click("#dataset")
        page.get_by_role("option", name=dataset).click()
    _settle(page)
    for tab in tabs:
        page.click(f"#tab-{tab}")
        page.wait_for_selector(f"#page-{tab}", timeout=120_000)
        _settle(page)
        path = out / f"{dataset}-{lang}-{tab}.png"
        page.screenshot(path=str(path), full_page=True)
        print(path)
        if tab == "chain" and page.locator("#chain-graph").count():
            page.evaluate("() => { const cy = document.querySelector('#chain-graph')._cyreg.cy;"
                          " const n = cy.nodes('.segment').filter(x => x.data('firms') > 0)[0];"
                          " if (n) { n.select(); n.emit('tap'); } }")
            _settle(page)
            path = out / f"{dataset}-{lang}-chain-clicked.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)
        if tab == "stress" and page.locator("#stress-run").count():
            page.click("#stress-target")
            town = "桐城市" if lang == "zh" else "Tongcheng"
            page.keyboard.type(town[:2] if lang == "zh" else town[:4])
            page.get_by_role("option", name=town, exact=True).click()
            page.wait_for_timeout(800)
            page.click("#stress-run")
            try:
                page.wait_for_selector("#stress-chart .main-svg", timeout=120_000)
                page.click("#stress-tts")
                page.wait_for_selector("#tts-chart .main-svg", timeout=120_000)
            except Exception as err:  # still take the picture: it shows what went wrong
                print(f"stress run: {err}")
            _settle(page)
            path = out / f"{dataset}-{lang}-stress-run.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)
        if tab == "decide" and page.locator("#decide-run").count():
            page.click("#decide-run")
            try:
                page.wait_for_selector("#decide-curves .main-svg", timeout=300_000)
            except Exception as err:  # still take the picture: it shows what went wrong
                print(f"decide run: {err}")
            _settle(page)
            path = out / f"{dataset}-{lang}-decide-run.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)
    if errors:
        print(f"{dataset} {lang}: console errors:", *errors, sep="\n  ")
    page.close()


if __name__ == "__main__":
    main()
