"""Technology matching use cases: 挂链, research results for needs, firms for a result.

The matching index (BM25 postings of segments, assets and needs) is kept in the store as auxiliary
frames under ``matching/…`` so that a query does not re-tokenise the collections. The stored index
records the dataset version and a fingerprint of the text pipeline; it is rebuilt when either
changes. Dense vectors are not stored: they are recomputed when a model is given.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from chainatlas.exceptions import ChainAtlasError, DataNotFound, InputError, ModelError
from chainatlas.matching import (
    Classification,
    FirmMatches,
    MatchingEngine,
    ModelUnavailable,
    NeedMatches,
    classify_texts,
    load_embedder,
    match_firms,
    match_needs,
)
from chainatlas.matching.corpus import asset_texts
from chainatlas.matching.engine import INDEX_FORMAT
from chainatlas.matching.text import pipeline_fingerprint
from chainatlas.model.dataset import Dataset
from chainatlas.services.datasets import DbArg, open_store
from chainatlas.store import Store

__all__ = [
    "build_index",
    "classify",
    "demo_section",
    "engine_for",
    "firms_for_asset",
    "results_for_needs",
    "travel_hours",
]

_PREFIX = "matching/"


def travel_hours(ds: Dataset, mode: str = "road") -> Callable[[str, str], float | None]:
    """``hours(a, b)`` between two region codes by :func:`chainatlas.cluster.travel.travel_time_matrix`
    (great-circle km × detour ÷ speed of ``mode``); ``None`` when unknown (no coordinates, another
    country, or a region missing from the table)."""
    from chainatlas.cluster.travel import travel_time_matrix

    reg = ds.regions
    if reg.empty:
        return lambda a, b: None
    matrix = travel_time_matrix(reg, mode)
    index = {str(c): i for i, c in enumerate(matrix.index)}
    values = matrix.to_numpy(dtype=float)

    def hours(a: str, b: str) -> float | None:
        i, j = index.get(str(a)), index.get(str(b))
        if i is None or j is None or math.isnan(values[i, j]):
            return None
        return round(float(values[i, j]), 2)

    return hours


def _fingerprint(ds: Dataset) -> str:
    payload = json.dumps({"format": INDEX_FORMAT, "pipeline": pipeline_fingerprint(),
                          "version": ds.meta.get("version"),
                          "created_at": ds.meta.get("created_at")}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _load_stored(store: Store, ds: Dataset) -> MatchingEngine | None:
    try:
        keys = [k for k in store.list_frames(ds.name) if k.startswith(_PREFIX)]
        if _PREFIX + "fingerprint" not in keys:
            return None
        fp = store.read_frame(ds.name, _PREFIX + "fingerprint")["fingerprint"].iloc[0]
        if fp != _fingerprint(ds):
            return None
        frames = {k[len(_PREFIX):]: store.read_frame(ds.name, k) for k in keys
                  if k != _PREFIX + "fingerprint"}
        return MatchingEngine.from_frames(frames)
    except (ChainAtlasError, KeyError, ValueError):
        return None


def _save(store: Store, ds: Dataset, engine: MatchingEngine) -> None:
    if getattr(store, "read_only", False):
        return
    try:
        for k in [k for k in store.list_frames(ds.name) if k.startswith(_PREFIX)]:
            store.delete_frame(ds.name, k, bump_version=False)
        for key, frame in engine.to_frames().items():
            store.write_frame(ds.name, _PREFIX + key, frame, bump_version=False)
        store.write_frame(ds.name, _PREFIX + "fingerprint",
                          pd.DataFrame({"fingerprint": [_fingerprint(ds)]}), bump_version=False)
    except ChainAtlasError:
        pass  # a cache that cannot be written is rebuilt next time


class _RecentEngines:
    """The last few engines used in this process, keyed by store, dataset and fingerprint.

    A long-running process (the API server) then skips reloading the index and re-initialising
    the tokenizer on every request. Keys include the fingerprint (dataset version, pipeline), so an
    entry is never stale; the oldest entry goes when ``maxsize`` is reached.
    """

    def __init__(self, maxsize: int = 2) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[tuple[str, str, str], MatchingEngine] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> MatchingEngine | None:
        with self._lock:
            eng = self._items.get(key)
            if eng is not None:
                self._items.move_to_end(key)
            return eng

    def put(self, key: tuple[str, str, str], eng: MatchingEngine) -> None:
        with self._lock:
            self._items[key] = eng
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)


_recent = _RecentEngines()


def engine_for(ds: Dataset, store: Store | None = None, *, rebuild: bool = False) -> MatchingEngine:
    """The matching engine of ``ds``: from the store's cached index when valid, else built (and
    cached when ``store`` is writable).

    Queries never mutate an engine (the dense backend works on a copy), so engines can be shared.
    """
    key = (str(getattr(store, "path", "")), ds.name, _fingerprint(ds))
    if store is not None and not rebuild:
        eng = _recent.get(key) or _load_stored(store, ds)
        if eng is not None:
            _recent.put(key, eng)
            return eng
    eng = MatchingEngine.build(ds)
    if store is not None:
        _save(store, ds, eng)
        _recent.put(key, eng)
    return eng


@contextmanager
def _opened(db: DbArg, dataset: str,
            loaded: Dataset | None = None) -> Iterator[tuple[Store, Dataset]]:
    """The store (an open one is used and left open; a path is opened and closed) and the
    dataset (``loaded`` when the caller holds it already, say from a cache)."""
    if isinstance(db, Store):
        yield db, loaded if loaded is not None else db.load_dataset(dataset)
        return
    with open_store(db) as store:
        yield store, loaded if loaded is not None else store.load_dataset(dataset)


def _with_model(eng: MatchingEngine, ds: Dataset, backend: str, model: Path | None,
                notes: list[str]) -> tuple[MatchingEngine, str]:
    """For the dense/hybrid backends, a copy of ``eng`` with the model's vectors attached (the
    shared engine is left as it is); without a usable model, ``eng`` and BM25 with a note."""
    if backend == "bm25":
        return eng, backend
    try:
        embed = load_embedder(model, eng.analyzer)
    except ModelUnavailable as err:
        notes.append(f"{err.message}; using BM25")
        return eng, "bm25"
    dense = dataclasses.replace(eng, segments=copy.copy(eng.segments),
                                assets=copy.copy(eng.assets), needs=copy.copy(eng.needs))
    dense.attach_dense(ds, embed)
    return dense, backend


@contextmanager
def _collect(notes: list[str]) -> Iterator[None]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    notes.extend(str(w.message) for w in caught if issubclass(w.category, UserWarning))


def build_index(db: DbArg, dataset: str) -> dict[str, Any]:
    """(Re)build and store the matching index of ``dataset``; return its sizes."""
    with _opened(db, dataset) as (store, ds):
        eng = engine_for(ds, store, rebuild=True)
    return {"dataset": dataset, "segments": eng.segments.n_docs, "assets": eng.assets.n_docs,
            "needs": eng.needs.n_docs,
            "terms": len(eng.assets.bm25_.vocabulary_) if eng.assets.bm25_ else 0}


def classify(db: DbArg, dataset: str, *, text: str | None = None, assets: bool = False,
             k: int = 3, threshold: float | None = None, backend: str = "bm25",
             model: Path | None = None, loaded: Dataset | None = None) -> Classification:
    """Attach free ``text`` or every innovation asset of ``dataset`` to chain segments (挂链).

    ``loaded``: the dataset as already loaded by the caller (not read again)."""
    if (text is None) == (not assets):
        raise InputError("give either a text (--text) or --assets")
    if text is not None and not text.strip():
        raise InputError("the text is empty; give a title or an abstract to classify")
    notes: list[str] = []
    with _opened(db, dataset, loaded) as (store, ds), _collect(notes):
        eng = engine_for(ds, store)
        eng, backend = _with_model(eng, ds, backend, model, notes)
        if text is not None:
            if not eng.analyzer.tokens(text):
                raise InputError("the text has no content words (only stop words or punctuation)")
            res = classify_texts(eng, [text], ["text"], k=k, threshold=threshold, backend=backend)
        else:
            at = asset_texts(ds)
            if at.empty:
                raise DataNotFound(f"dataset '{dataset}' has no innovation assets")
            res = classify_texts(eng, at["text"].tolist(), at["asset"].tolist(), k=k,
                                 threshold=threshold, backend=backend)
    res.notes = list(dict.fromkeys(notes))
    return res


def results_for_needs(db: DbArg, dataset: str, *, need: str | None = None, top: int = 5,
                      backend: str = "bm25", model: Path | None = None,
                      loaded: Dataset | None = None) -> NeedMatches:
    """The ``top`` research results for each (or one) technology need of ``dataset``
    (``loaded``: the dataset as already loaded by the caller)."""
    notes: list[str] = []
    with _opened(db, dataset, loaded) as (store, ds), _collect(notes):
        if ds.tech_needs.empty:
            raise DataNotFound(f"dataset '{dataset}' has no technology needs")
        eng = engine_for(ds, store)
        eng, backend = _with_model(eng, ds, backend, model, notes)
        res = match_needs(eng, ds, None if need is None else [need], k=top, backend=backend,
                          hours=travel_hours(ds))
    res.notes = list(dict.fromkeys(notes))
    return res


def firms_for_asset(db: DbArg, dataset: str, asset: str, *, top: int = 10,
                    backend: str = "bm25", model: Path | None = None) -> FirmMatches:
    """Firms of ``dataset`` that could use research result ``asset`` (the last mile)."""
    notes: list[str] = []
    with _opened(db, dataset) as (store, ds), _collect(notes):
        eng = engine_for(ds, store)
        eng, backend = _with_model(eng, ds, backend, model, notes)
        res = match_firms(eng, ds, asset, k=top, backend=backend, hours=travel_hours(ds))
    res.notes = list(dict.fromkeys(notes))
    return res


def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """Top research results for a few technology needs of a demo dataset (for ``chainatlas demo``)."""
    if ds.tech_needs.empty or ds.innovation_assets.empty:
        return []
    try:
        eng = MatchingEngine.build(ds)
        needs = ds.tech_needs["id"].astype(str).tolist()[:4]
        res = match_needs(eng, ds, needs, k=3, hours=travel_hours(ds))
    except (InputError, ModelError):
        return []
    f = res.frame
    table = pd.DataFrame({
        "需求 need": f["need"] + " " + f["need_title"],
        "企业 firm": f["firm_name"],
        "#": f["rank"],
        "成果 result": f["asset"] + " " + f["title"],
        "权利人 owner": f["owner"],
        "地区 region": f["region_name"],
        "小时 hours": f["hours"],
        "依据 reason": f["terms"].map(lambda t: "、".join(t[:4])),
    })
    return [("技术需求 × 创新成果 (top 3 research results per need)", table)]
