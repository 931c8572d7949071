"""Research results for firm needs (the first mile) and firms for a result (the last mile).

:func:`match_needs` ranks innovation assets for each technology need; :func:`match_firms` ranks
firms that could use one asset. Both give, per result, the matched terms and the segment path as
the reason, the owner and region, and — when a ``hours`` function is given — the travel hours
between the two places.

Firm score in :func:`match_firms` (each part in 0..1, so the sum is in 0..2):

.. math::

    s(f) = \\max_{g \\in G(f)} \\frac{s_{\\text{seg}}(a, g)}{\\max_{g'} s_{\\text{seg}}(a, g')}
           + \\max_{n \\in N(f)} \\frac{s_{\\text{need}}(a, n)}{\\max_{n'} s_{\\text{need}}(a, n')}

where :math:`G(f)` are the firm's segments among those the asset is attached to, :math:`N(f)` the
firm's needs among the asset's best matching needs, and the scores are BM25 scores with the asset
as the query. Ties go to the firm with the larger output value. Segments below an attached one are
not included: in a bill-of-materials tree they are its inputs, whose makers rarely use a result
about the product they feed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.matching.classify import classify_texts
from chainatlas.matching.corpus import asset_texts, need_texts, weighted_tokens
from chainatlas.matching.engine import MatchingEngine
from chainatlas.model.dataset import Dataset

__all__ = ["FirmMatches", "HoursFn", "NeedMatches", "match_firms", "match_needs"]

#: ``hours(region_a, region_b)`` → travel hours, or None when unknown.
HoursFn = Callable[[str, str], "float | None"]


def _s(v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def _lookup(frame: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    if frame.empty:
        return {}
    f = frame.drop_duplicates(key)
    f = f.set_index(f[key].astype(str))
    return {str(k): {str(c): v for c, v in row.items()}
            for k, row in f.to_dict(orient="index").items()}


def _hours(hours: HoursFn | None, a: str, b: str) -> float:
    if hours is None or not a or not b:
        return float("nan")
    h = hours(a, b)
    return float("nan") if h is None else float(h)


@dataclass
class NeedMatches:
    """Top assets per need. ``frame`` has one row per (need, rank)."""

    frame: pd.DataFrame
    backend: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "notes": self.notes,
                "results": self.frame.to_dict(orient="records")}


@dataclass
class FirmMatches:
    """Firms that could use one asset. ``frame`` has one row per firm, best first."""

    asset: str
    segments: pd.DataFrame
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"asset": self.asset, "notes": self.notes,
                "segments": self.segments.to_dict(orient="records"),
                "results": self.frame.to_dict(orient="records")}


_NEED_COLS = ["need", "need_title", "firm", "firm_name", "rank", "asset", "title", "kind", "owner",
              "owner_kind", "region", "region_name", "hours", "score", "terms", "segment_path",
              "reason"]


def match_needs(engine: MatchingEngine, ds: Dataset, need_ids: Sequence[str] | None = None, *,
                k: int = 5, backend: str = "bm25", hours: HoursFn | None = None) -> NeedMatches:
    """The ``k`` best research results for each technology need.

    Parameters
    ----------
    engine : MatchingEngine
        Built from ``ds``.
    ds : Dataset
        Supplies the needs, firms, assets and region names.
    need_ids : sequence of str, optional
        Needs to answer (default: all).
    k : int
        Results per need.
    backend : {"bm25", "dense", "hybrid"}
    hours : callable, optional
        ``hours(firm_region, asset_region)`` travel time in hours.
    """
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    nt = need_texts(ds)
    if need_ids is not None:
        wanted = [str(n) for n in need_ids]
        missing = sorted(set(wanted) - set(nt["need"]))
        if missing:
            raise DataNotFound(f"dataset '{ds.name}' has no technology need(s) {', '.join(missing)}")
        nt = nt.set_index("need").loc[wanted].reset_index()
    hits = engine.assets.search(nt["text"].tolist(), k, backend,
                                tokens=weighted_tokens(engine.analyzer, nt))
    assets = _lookup(ds.innovation_assets, "id")
    firms = _lookup(ds.firms, "id")
    needs = _lookup(ds.tech_needs, "id")
    region_name = dict(zip(ds.regions["code"].astype(str), ds.regions["name"].map(_s), strict=True))
    att = dict(zip(engine.assets.ids_, engine.asset_segment_.tolist(), strict=False))
    rows: list[tuple[Any, ...]] = []
    for q, (nid, fid, nseg) in enumerate(zip(nt["need"], nt["firm"], nt["segment"], strict=True)):
        firm = firms.get(fid, {})
        f_region = _s(firm.get("region"))
        for j in range(k):
            d = int(hits.indices[q, j])
            if d < 0:
                break
            aid = engine.assets.ids_[d]
            a = assets.get(aid, {})
            terms = engine.assets.matched_terms(hits.tokens[q], d)
            seg = att.get(aid, "") or nseg
            path = engine.path_text(seg)
            why = f"matched: {', '.join(terms)}" if terms else f"semantic similarity {hits.scores[q, j]:.2f}"
            if path:
                why += f"; segment: {path}"
            a_region = _s(a.get("region"))
            rows.append((nid, _s(needs.get(nid, {}).get("title")), fid, _s(firm.get("name")), j + 1,
                         aid, _s(a.get("title")), _s(a.get("kind")), _s(a.get("owner")),
                         _s(a.get("owner_kind")), a_region, region_name.get(a_region, ""),
                         _hours(hours, f_region, a_region), float(hits.scores[q, j]), terms, path, why))
    return NeedMatches(pd.DataFrame(rows, columns=_NEED_COLS), hits.backend)


_FIRM_COLS = ["rank", "firm", "name", "region", "region_name", "hours", "tags", "segment",
              "segment_path", "need", "score", "reason"]


def match_firms(engine: MatchingEngine, ds: Dataset, asset_id: str, *, k: int = 10,
                backend: str = "bm25", hours: HoursFn | None = None,
                n_segments: int = 3, n_needs: int = 10,
                min_need_relative: float = 0.3) -> FirmMatches:
    """Firms that could put research result ``asset_id`` to use (see the module docstring).

    ``n_segments`` segments and ``n_needs`` needs are considered; a need counts only when its score
    is at least ``min_need_relative`` times the best need's.
    """
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    at = asset_texts(ds)
    hit = at.index[at["asset"] == str(asset_id)]
    if len(hit) == 0:
        raise DataNotFound(f"dataset '{ds.name}' has no innovation asset '{asset_id}'")
    text = at.loc[hit[0], "text"]
    cls = classify_texts(engine, [text], [str(asset_id)], k=n_segments, backend=backend).frame
    cls = cls[cls["segment"] != "other"]
    seg_score = dict(zip(cls["segment"], cls["score"] / cls["score"].max(), strict=True)) if len(cls) else {}
    # firms by segment
    fs = ds.firm_segments
    best_seg: dict[str, tuple[float, str, float]] = {}
    for fid, sid, ov in zip(fs["firm"].map(_s), fs["segment"].map(_s),
                            pd.to_numeric(fs["output_value"], errors="coerce").fillna(0.0), strict=True):
        if sid not in seg_score:
            continue
        cand = (seg_score[sid], sid, float(ov))
        if fid not in best_seg or (cand[0], cand[2]) > (best_seg[fid][0], best_seg[fid][2]):
            best_seg[fid] = cand
    # firms by need
    need_part: dict[str, tuple[float, str, list[str]]] = {}
    nt = need_texts(ds)
    if len(nt):
        nh = engine.needs.search([text], n_needs, backend)
        top = float(nh.scores[0, 0]) if nh.indices[0, 0] >= 0 else 0.0
        need_firm = dict(zip(nt["need"], nt["firm"], strict=True))
        for j in range(n_needs):
            d = int(nh.indices[0, j])
            if d < 0 or top <= 0:
                break
            nid = engine.needs.ids_[d]
            rel = float(nh.scores[0, j]) / top
            if rel < min_need_relative:
                break
            fid = need_firm.get(nid, "")
            if fid and (fid not in need_part or rel > need_part[fid][0]):
                need_part[fid] = (rel, nid, engine.needs.matched_terms(nh.tokens[0], d, 4))
    firms = _lookup(ds.firms, "id")
    region_name = dict(zip(ds.regions["code"].astype(str), ds.regions["name"].map(_s), strict=True))
    a_region = _s(_lookup(ds.innovation_assets, "id").get(str(asset_id), {}).get("region"))
    rows = []
    for fid in set(best_seg) | set(need_part):
        f = firms.get(fid, {})
        s_seg, sid, ov = best_seg.get(fid, (0.0, "", 0.0))
        s_need, nid, terms = need_part.get(fid, (0.0, "", []))
        reasons = []
        if sid:
            reasons.append(f"segment {engine.path_text(sid)} ({s_seg:.2f})")
        if nid:
            reasons.append(f"need {nid} ({s_need:.2f}): {', '.join(terms)}")
        region = _s(f.get("region"))
        tags = f.get("tags")
        tags = list(tags) if isinstance(tags, (list, tuple, np.ndarray)) else []
        rows.append((fid, _s(f.get("name")), region, region_name.get(region, ""),
                     _hours(hours, a_region, region), tags, sid, engine.path_text(sid), nid,
                     s_seg + s_need, "; ".join(reasons), ov))
    frame = pd.DataFrame(rows, columns=[*_FIRM_COLS[1:], "_ov"])
    frame = frame.sort_values(["score", "_ov", "firm"], ascending=[False, False, True]).head(k)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    segs = cls[["segment", "segment_name", "path", "score", "terms"]].reset_index(drop=True)
    return FirmMatches(str(asset_id), segs, frame.drop(columns="_ov").reset_index(drop=True))
