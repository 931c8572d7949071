"""Analyses cached per dataset version, so a page that was drawn once draws again at once.

Every key carries the dataset's version (:func:`version`, one catalogue lookup), which the store
raises on each import: a changed dataset never shows an old answer. The cache holds the last
:data:`MAX_ENTRIES` results of this server process (least recently used go first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["MAX_ENTRIES", "clear", "dataset", "memo", "peek", "used_regions", "version"]

MAX_ENTRIES = 96
_T = TypeVar("_T")
_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
_building: dict[Hashable, threading.Lock] = {}


def version(store: Any, name: str) -> tuple[str, int]:
    """``(store path, version)`` of dataset ``name``: part of every cache key."""
    if hasattr(store, "dataset_info"):
        info = store.dataset_info(name)
    else:  # a path to a store
        from chainatlas.services.datasets import dataset_summary

        info = dataset_summary(store, name)
    return (str(getattr(store, "path", store)), int(info.get("version", 0)))


def memo(key: Hashable, build: Callable[[], _T]) -> _T:
    """The cached value of ``key``, built once by ``build`` (concurrent callers wait for it)."""
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[no-any-return]
        gate = _building.setdefault(key, threading.Lock())
    with gate:
        with _lock:
            if key in _entries:
                return _entries[key]  # type: ignore[no-any-return]
        value = build()
        with _lock:
            _entries[key] = value
            _building.pop(key, None)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return value


def peek(key: Hashable) -> Any:
    """The cached value of ``key`` if it is there, else ``None`` (never builds, never waits)."""
    with _lock:
        return _entries.get(key)


def dataset(store: Any, name: str) -> Any:
    """The dataset ``name`` as loaded from ``store`` (cached per version; do not modify it)."""
    from chainatlas.services.datasets import load_dataset

    return memo(("dataset", name, version(store, name)), lambda: load_dataset(store, name))


def clear() -> None:
    """Forget every cached result."""
    with _lock:
        _entries.clear()


def circle(store: Any, name: str, site: str, hours: float, mode: str = "road") -> Any:
    """The N-hour circle of ``site`` on the cached dataset (as ``services.cluster.circle``)."""
    from chainatlas.cluster import input_circle

    ds = dataset(store, name)
    return memo(("circle", name, site, float(hours), mode, version(store, name)),
                lambda: input_circle(ds, site, float(hours), mode=mode))  # type: ignore[arg-type]


def complexity(store: Any, name: str) -> dict[str, Any]:
    """Economic complexity of the dataset's region × segment matrix (as
    ``services.cluster.dataset_complexity``), as a dict."""
    from chainatlas.cluster import economic_complexity
    from chainatlas.cluster.panel import region_activity_matrix

    ds = dataset(store, name)

    def build() -> dict[str, Any]:
        X = region_activity_matrix(ds, "output_value", domestic_only=True)
        return dict(economic_complexity(X).to_dict())

    return memo(("complexity", name, version(store, name)), build)


def advice(store: Any, name: str, region: str) -> list[dict[str, Any]]:
    """The recommendations for ``region`` (as ``services.advise.advise``)."""
    from chainatlas.advise import advise_region
    from chainatlas.services.places import dataset_region

    ds = dataset(store, name)

    def build() -> list[dict[str, Any]]:
        code = dataset_region(ds, region) or region
        return list(advise_region(ds, code).to_dict()["recommendations"])

    return memo(("advice", name, region, version(store, name)), build)


def of_dataset(ds: Any, what: str, build: Callable[[], _T]) -> _T:
    """``build()`` cached for the dataset object ``ds`` (one loaded by :func:`dataset`; the
    entry keeps ``ds`` itself, so a recycled object id can never match)."""
    key = ("of-dataset", id(ds), what)
    held = memo(key, lambda: (ds, build()))
    if held[0] is not ds:  # an id reused by another object: rebuild
        with _lock:
            _entries.pop(key, None)
        held = memo(key, lambda: (ds, build()))
    return held[1]  # type: ignore[no-any-return]


def used_regions(ds: Any) -> frozenset[str]:
    """The region codes the firms of ``ds`` sit in (cached for the dataset object)."""
    def build() -> frozenset[str]:
        if not len(ds.firms) or "region" not in ds.firms:
            return frozenset()
        return frozenset(str(c) for c in ds.firms["region"].dropna().unique())

    return of_dataset(ds, "used-regions", build)
