"""Measure matching quality on a hand-labelled set and calibrate the 挂链 threshold.

A label set is a frame with columns

* ``task`` — ``need`` (rank assets for a need) or ``classify`` (attach a text to segments);
* ``query`` — the need id, the asset id, or an id for a free text;
* ``text`` — a free text (a need written by hand, or a text to attach) when the query is not a
  need or asset of the dataset; empty otherwise;
* ``relevant`` — ``;``-separated relevant asset ids or acceptable segment ids (``other`` for a
  text outside every segment);
* ``split`` — ``tune`` or ``test`` (held out).

For ``need`` rows the metrics are P@1, P@5, R@10 and MRR of the asset ranking. For ``classify``
rows they are the same metrics of the segment ranking (texts labelled ``other`` excluded), plus
``accuracy``: the share of texts whose thresholded decision (best segment, or ``other``) is right.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.matching.classify import OTHER, classify_texts
from chainatlas.matching.corpus import asset_texts
from chainatlas.matching.engine import MatchingEngine
from chainatlas.matching.metrics import ranking_metrics
from chainatlas.matching.recommend import match_needs
from chainatlas.model.dataset import Dataset

__all__ = ["calibrate_threshold", "classification_scores", "evaluate_labels"]

_REQUIRED = ("task", "query", "text", "relevant", "split")


def _check(labels: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in _REQUIRED if c not in labels.columns]
    if missing:
        raise InputError(f"label set lacks column(s) {', '.join(missing)}")
    out = labels.copy()
    out["text"] = out["text"].fillna("").astype(str)
    out["relevant"] = out["relevant"].map(_as_list)
    return out


def _as_list(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(x) for x in value]
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return [x for x in text.split(";") if x]


def _classify_inputs(ds: Dataset, rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    frame = asset_texts(ds)
    at = dict(zip(frame["asset"], frame["text"], strict=True))
    texts = []
    for q, t in zip(rows["query"], rows["text"], strict=True):
        if t:
            texts.append(t)
        elif q in at:
            texts.append(at[q])
        else:
            raise InputError(f"label row '{q}' has no text and is not an asset of '{ds.name}'")
    return rows["query"].astype(str).tolist(), texts


def classification_scores(engine: MatchingEngine, ds: Dataset, labels: pd.DataFrame, *,
                          backend: str = "bm25", depth: int = 10) -> pd.DataFrame:
    """For each ``classify`` label: the ranked segments (no threshold) and the best BM25 score.

    Columns ``query``, ``relevant``, ``ranked`` (list of segment ids), ``best_bm25``.
    """
    rows = _check(labels)
    rows = rows[rows["task"] == "classify"]
    ids, texts = _classify_inputs(ds, rows)
    res = classify_texts(engine, texts, ids, k=depth, threshold=0.0, backend=backend,
                         min_relative=0.0).frame
    ranked = res[res["segment"] != OTHER].groupby("item", sort=False)["segment"].agg(list)
    best = res.groupby("item", sort=False)["bm25"].max()
    return pd.DataFrame({"query": ids, "relevant": rows["relevant"].tolist(),
                         "ranked": [ranked.get(i, []) for i in ids],
                         "best_bm25": [float(best.get(i, 0.0)) for i in ids]})


def _decision_accuracy(cs: pd.DataFrame, threshold: float) -> float:
    ok = []
    for rel, ranked, best in zip(cs["relevant"], cs["ranked"], cs["best_bm25"], strict=True):
        decided = ranked[0] if ranked and best >= threshold else OTHER
        ok.append(decided in rel)
    return float(np.mean(ok)) if ok else float("nan")


def calibrate_threshold(cs: pd.DataFrame, candidates: Sequence[float] | None = None) -> float:
    """The threshold with the best decision accuracy on ``cs`` (from :func:`classification_scores`);
    ties go to the smallest threshold."""
    grid = list(candidates) if candidates is not None else [x / 4 for x in range(0, 61)]
    acc = [_decision_accuracy(cs, t) for t in grid]
    return float(grid[int(np.nanargmax(acc))])


def evaluate_labels(engine: MatchingEngine, ds: Dataset, labels: pd.DataFrame, *,
                    backend: str = "bm25", split: str | None = "test",
                    threshold: float | None = None) -> pd.DataFrame:
    """Metrics per task on the label rows of ``split`` (all rows when ``None``).

    Returns one row per task with ``n_queries``, ``p@1``, ``p@5``, ``r@10``, ``mrr`` (and
    ``accuracy`` for ``classify``).
    """
    rows = _check(labels)
    if split is not None:
        rows = rows[rows["split"] == split]
    out = []
    needs = rows[rows["task"] == "need"]
    if len(needs):
        ranked: dict[str, list[str]] = {}
        by_id = needs[needs["text"] == ""]
        if len(by_id):
            res = match_needs(engine, ds, by_id["query"].astype(str).tolist(), k=10,
                              backend=backend)
            for need, group in res.frame.groupby("need", sort=False):
                ranked[str(need)] = group["asset"].astype(str).tolist()
        free = needs[needs["text"] != ""]
        if len(free):
            hits = engine.assets.search(free["text"].tolist(), 10, backend)
            for q, row in zip(free["query"].astype(str), hits.indices, strict=True):
                ranked[q] = [engine.assets.ids_[d] for d in row if d >= 0]
        rel = dict(zip(needs["query"].astype(str), needs["relevant"], strict=True))
        out.append({"task": "need", **ranking_metrics(ranked, rel)})
    cl = rows[rows["task"] == "classify"]
    if len(cl):
        cs = classification_scores(engine, ds, cl, backend=backend)
        seg = cs[cs["relevant"].map(lambda r: OTHER not in r)]
        m = ranking_metrics(dict(zip(seg["query"], seg["ranked"], strict=True)),
                            dict(zip(seg["query"], seg["relevant"], strict=True)))
        thr = engine.threshold if threshold is None else threshold
        out.append({"task": "classify", **m, "accuracy": _decision_accuracy(cs, thr),
                    "n_texts": float(len(cs))})
    return pd.DataFrame(out)
