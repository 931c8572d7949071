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

__all__ = ["MAX_ENTRIES", "clear", "dataset", "memo", "version"]

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


def dataset(store: Any, name: str) -> Any:
    """The dataset ``name`` as loaded from ``store`` (cached per version; do not modify it)."""
    from chainatlas.services.datasets import load_dataset

    return memo(("dataset", name, version(store, name)), lambda: load_dataset(store, name))


def clear() -> None:
    """Forget every cached result."""
    with _lock:
        _entries.clear()
