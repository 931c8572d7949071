"""Warm the analysis cache in the background when the server starts, so a planner's first visit
of a page finds its analyses computed (a 100,000-firm chain map takes tens of seconds the
first time, well under a second once cached).

:func:`visit` draws one page on the server exactly as a browser's first visit does: the page's
render function, then every callback the page fires on load, with the values its controls start
with. The results land in :mod:`chainatlas.web.cache` (per dataset version), where the real
visit finds them; a visit that arrives while a result is being built waits for that build
instead of starting a second one. Nothing is sent anywhere and errors are only logged: a page
that fails here fails again, visibly, when the planner opens it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from dash import Dash

from chainatlas.web import pages

__all__ = ["WARM_TABS", "start", "visit", "warm"]

log = logging.getLogger(__name__)

#: Pages warmed, in the order a planner meets them (the sharing page needs a sign-in first).
WARM_TABS = ("overview", "chain", "map", "stress", "risk", "io", "cluster", "evaluate", "match",
             "advise")


def _components(node: Any, out: dict[str, Any]) -> dict[str, Any]:
    """Every component of a layout tree with a string id, by id."""
    cid = getattr(node, "id", None)
    if isinstance(cid, str):
        out[cid] = node
    children = getattr(node, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            _components(child, out)
    elif children is not None and hasattr(children, "to_plotly_json"):
        _components(children, out)
    return out


def visit(app: Dash, store: Any, dataset: str, tab: str, lang: str = "zh") -> int:
    """Draw ``tab`` of ``dataset`` on the server as a first visit does; returns the number of
    load-time callbacks run. Callbacks that wait for a click (``prevent_initial_call``) are not
    run, so nothing is submitted or written."""
    page = pages.render(tab, store, dataset, lang)
    found = _components(page, {})
    waits = {c["output"]: bool(c.get("prevent_initial_call"))
             for c in getattr(app, "_callback_list", [])}
    ran = 0
    for key, cb in app.callback_map.items():
        inputs = cb.get("inputs") or []
        if waits.get(key, True) or not inputs or \
                not all(isinstance(i["id"], str) and i["id"] in found for i in inputs):
            continue
        args = [getattr(found[i["id"]], i["property"], None) for i in inputs]
        for s in cb.get("state") or []:
            sid = s["id"]
            args.append(dataset if sid == "dataset" else lang if sid == "lang" else
                        getattr(found[sid], s["property"], None) if sid in found else None)
        fn = getattr(cb["callback"], "__wrapped__", None)
        if fn is None:
            continue
        try:
            fn(*args)
            ran += 1
        except Exception:  # logged; the real visit shows the error on the page
            log.debug("warming %s/%s: callback %s failed", dataset, tab, key, exc_info=True)
    return ran


def warm(app: Dash, store: Any, datasets: Iterable[str], *, tabs: Iterable[str] = WARM_TABS,
         stop: threading.Event | None = None,
         done: Callable[[str, str], None] | None = None) -> None:
    """:func:`visit` every tab of every dataset in turn (until ``stop`` is set)."""
    for name in datasets:
        for tab in tabs:
            if stop is not None and stop.is_set():
                return
            try:
                visit(app, store, name, tab)
            except Exception:
                log.debug("warming %s/%s failed", name, tab, exc_info=True)
            if done is not None:
                done(name, tab)


def start(app: Dash, store: Any, *, default: str = "yrd-nev") -> tuple[threading.Thread,
                                                                       threading.Event]:
    """Warm every dataset of ``store`` in a daemon thread, the one the dashboard opens on
    (``default``, else the first) first; returns the thread and the event that stops it."""
    from chainatlas.services.datasets import list_datasets

    stop = threading.Event()

    def run() -> None:
        try:
            names = [str(n) for n in list_datasets(store)["name"]]
        except Exception:
            log.debug("warming: the datasets could not be listed", exc_info=True)
            return
        names.sort(key=lambda n: n != default)
        warm(app, store, names, stop=stop)

    thread = threading.Thread(target=run, name="chainatlas-warm", daemon=True)
    thread.start()
    return thread, stop
