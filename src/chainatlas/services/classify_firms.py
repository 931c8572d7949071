"""Firms to chain segments when users have only text: name, business scope (经营范围), industry code.

Each firm gets a segment with a confidence for review:

- the **industry code** (GB/T 4754-2017, any of ``C38``, ``38``, ``3841``, ``C3841``) gives its
  division and, through the committed concordance (:mod:`chainatlas.reconstruct.concordance`),
  the IO sector; the segments whose ``io_sector`` is that division are the code's candidates;
- the **text** (name and business scope) is classified against the chain's segment profiles by
  the matching engine (BM25, :func:`chainatlas.matching.classify.classify_texts`).

Confidence (0..1): from the text, ``min(1, s₁ / (2·threshold)) · (½ + ½·(1 − s₂/s₁))`` with the
best and second BM25 scores s₁, s₂; when the code agrees (the text's segment is one of its *c*
candidates) ``1 − (1 − text)·(1 − 1/c)``; a code alone with one candidate 0.5, with *c*
candidates and no text evidence ``0.5/c``. Rows under :data:`REVIEW_BELOW` are flagged for review.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import InputError
from chainatlas.matching.classify import classify_texts
from chainatlas.model.dataset import Dataset
from chainatlas.reconstruct.concordance import division_of, divisions
from chainatlas.services.datasets import DbArg

__all__ = ["REVIEW_BELOW", "classify_firms", "classify_firms_of", "read_firm_texts"]

REVIEW_BELOW = 0.6
_ALIASES = {
    "id": ("id", "firm", "firm_id", "企业编号", "编号", "统一社会信用代码"),
    "name": ("name", "企业名称", "名称", "企业"),
    "scope": ("scope", "business_scope", "经营范围", "主营业务", "主营产品"),
    "industry_code": ("industry_code", "industry", "行业代码", "国民经济行业代码", "行业门类代码",
                      "gbt4754", "所属行业代码"),
}


def _columns(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    found: dict[str, str] = {}
    low = {str(c).strip().casefold(): c for c in frame.columns}
    for canon, names in _ALIASES.items():
        for n in names:
            if n.casefold() in low:
                found[canon] = low[n.casefold()]
                break
    if "id" not in found and "name" not in found:
        raise InputError(f"{source}: needs a firm id or name column (id/企业编号, name/企业名称); "
                         f"found {', '.join(map(str, frame.columns))}")
    if not {"name", "scope", "industry_code"} & set(found):
        raise InputError(f"{source}: needs at least one of name/企业名称, scope/经营范围, "
                         "industry_code/行业代码")
    out = pd.DataFrame({c: frame[found[c]].astype("string") if c in found
                        else pd.Series(pd.NA, index=frame.index, dtype="string")
                        for c in _ALIASES})
    if "id" not in found:
        out["id"] = out["name"]
    return out


def read_firm_texts(path: PathArg) -> pd.DataFrame:
    """A file of firms' texts (CSV in any encoding, Excel, Parquet, JSON): id, name, scope,
    industry_code (Chinese headers accepted)."""
    from chainatlas.readers.tabular import read_file

    raw = read_file(path)
    return _columns(raw.frame, str(path))


def classify_firms_of(ds: Dataset, firms: pd.DataFrame | None = None, *, engine: Any = None,
                      k: int = 3) -> pd.DataFrame:
    """One row per firm: ``firm, name, segment, segment_name, confidence, method, review,
    division, division_name, io_sector, code_candidates, text_score, reason``.

    ``firms`` defaults to the dataset's own firms (name only); ``engine`` to one built from ``ds``.
    """
    from chainatlas.matching.engine import MatchingEngine

    if firms is None:
        firms = _columns(ds.firms[["id", "name"]], f"dataset {ds.name}")
    else:
        firms = _columns(firms, "firms")
    if not len(firms):
        raise InputError("no firms to classify")
    eng = engine or MatchingEngine.build(ds)
    texts = (firms["name"].fillna("") + " " + firms["scope"].fillna("")).str.strip().tolist()
    ids = firms["id"].fillna("").astype(str).tolist()
    keys = [str(i) for i in range(len(ids))]
    res = classify_texts(eng, texts, keys, k=k).frame
    seg = ds.segments
    names = dict(zip(seg["id"].astype(str), seg["name"].astype(str), strict=True))
    seg_div = {s: division_of(v) for s, v in zip(seg["id"].astype(str), seg["io_sector"],
                                                  strict=True)}
    cat = divisions().set_index("code")
    thr = float(eng.threshold)
    rows = []
    for q in range(len(ids)):
        hits = res[(res["item"] == keys[q]) & (res["segment"] != "other")]
        code = firms["industry_code"].iloc[q]
        div = division_of(code) if isinstance(code, str) else None
        cands = sorted(s for s, d in seg_div.items() if div is not None and d == div)
        s1 = float(hits["bm25"].iloc[0]) if len(hits) else 0.0
        s2 = float(hits["bm25"].iloc[1]) if len(hits) > 1 else 0.0
        text_conf = (min(1.0, s1 / (2 * thr)) * (0.5 + 0.5 * (1 - s2 / s1))) if s1 > 0 else 0.0
        best = str(hits["segment"].iloc[0]) if len(hits) else None
        why = []
        if isinstance(code, str) and code.strip() and div is None:
            why.append(f"industry code {code!r} is no GB/T 4754-2017 code")
        if best and cands and best in cands:
            segment, method = best, "text+code"
            conf = 1 - (1 - text_conf) * (1 - 1 / len(cands))
            why.append(f"text and industry code {div} agree")
        elif cands:
            in_text = [s for s in hits["segment"].astype(str) if s in cands]
            if in_text:
                segment, method = in_text[0], "code+text"
                sc = float(hits.loc[hits["segment"] == in_text[0], "bm25"].iloc[0])
                conf = 1 - (1 - min(1.0, sc / (2 * thr)) * 0.5) * (1 - 1 / len(cands))
                why.append(f"industry code {div}; text ranks it below {best}")
            else:
                segment, method = cands[0], "code"
                conf = 0.5 / len(cands)
                why.append(f"industry code {div} only ({len(cands)} segment(s) of that division)"
                           + (f"; the text points to {best}" if best else ""))
        elif best:
            segment, method, conf = best, "text", text_conf
            if div is not None:
                why.append(f"no segment of the chain has division {div}")
        else:
            segment, method, conf = "other", "none", 0.0
            r = res[res["item"] == keys[q]]
            why.append(str(r["reason"].iloc[0]) if len(r) else "no evidence")
        if best and method.startswith("text"):
            why.append("; ".join(hits["reason"].astype(str).head(1)))
        rows.append({
            "firm": ids[q], "name": firms["name"].iloc[q], "segment": segment,
            "segment_name": names.get(segment, "其他" if segment == "other" else segment),
            "confidence": round(float(conf), 4), "method": method,
            "review": bool(conf < REVIEW_BELOW), "division": div,
            "division_name": cat.loc[div, "name"] if div else None,
            "io_sector": cat.loc[div, "io12"] if div else None,
            "code_candidates": cands, "text_score": s1, "reason": "; ".join(w for w in why if w)})
    return pd.DataFrame(rows)


def classify_firms(db: DbArg, dataset: str, path: PathArg | None = None, *,
                   k: int = 3) -> pd.DataFrame:
    """:func:`classify_firms_of` against a stored dataset's chain (firms from ``path`` or the
    dataset's own)."""
    from chainatlas.services.match import _opened, engine_for

    texts = read_firm_texts(path) if path is not None else None
    with _opened(db, dataset) as (store, ds):
        eng = engine_for(ds, store)
    return classify_firms_of(ds, texts, engine=eng, k=k)
