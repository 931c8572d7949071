"""Dashboard pages: one render function per tab, and the callbacks of interactive pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, html

from chainatlas.web import (
    page_analyses,
    page_chain,
    page_decide,
    page_map,
    page_overview,
    page_risk,
    page_sharing,
    page_stress,
)
from chainatlas.web._widgets import error_box, register_downloads

__all__ = ["PAGES", "register_callbacks", "render"]

#: Tab → render function ``(store, dataset, lang) -> component``; the analysis tabs not listed
#: here are drawn by :mod:`page_analyses`. A new page adds its entry (and its tab in
#: ``app.TABS``) and registers its callbacks in :func:`register_callbacks`.
PAGES: dict[str, Callable[[Any, str, str], Any]] = {
    "overview": page_overview.render,
    "chain": page_chain.render,
    "map": page_map.render,
    "stress": page_stress.render,
    "risk": page_risk.render,
    "decide": page_decide.render,
    "sharing": page_sharing.render,
}


def render(tab: str, store: Any, dataset: str, lang: str) -> Any:
    """The content of ``tab`` for ``dataset`` inside a ``Div`` with id ``page-<tab>``; errors
    are shown on the page, not raised."""
    return html.Div(_render(tab, store, dataset, lang), id=f"page-{tab}", className="page")


def _render(tab: str, store: Any, dataset: str, lang: str) -> Any:
    try:
        page = PAGES.get(tab)
        if page is not None:
            return page(store, dataset, lang)
        return page_analyses.render(tab, store, dataset, lang)
    except Exception as err:  # shown to the user; the server keeps running
        return error_box(err, lang)


def register_callbacks(app: Dash, get_store: Callable[[], Any], get_jobs: Callable[[], Any]) -> None:
    page_overview.register(app, get_store)
    page_chain.register(app, get_store)
    page_stress.register(app, get_store, get_jobs)
    page_risk.register(app, get_store)
    page_decide.register(app, get_store, get_jobs)
    page_analyses.register(app, get_store)
    page_map.register(app, get_store)
    page_sharing.register(app, get_store)
    register_downloads(app)
