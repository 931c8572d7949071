"""The texts matching works on, built from a :class:`~chainatlas.model.dataset.Dataset`.

* **Segment profiles** (for 挂链): the segment's name three times, its English name, its chain's
  name, and the titles and descriptions of the technology needs that firms filed under the segment
  — the dataset's own evidence of what the segment is about (a nearest-centroid profile). Synonyms
  of the name reach the profile through the analyser's synonym rewriting. Ancestors are left out:
  in a bill-of-materials tree they are what the segment goes *into*, not what it is.
* **Asset documents**: a result's title twice (titles are dense in topic words) and its abstract.
* **Need queries**: a need's title twice, its description, and the name of the segment it names.

The analyser's domain dictionary is the dataset's segment and chain names (Chinese and English).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from chainatlas.matching.text import (
    DEFAULT_MAX_CHARS,
    Analyzer,
    default_synonyms,
    normalize_text,
)
from chainatlas.model.dataset import Dataset

__all__ = [
    "analyzer_for",
    "asset_texts",
    "need_texts",
    "segment_paths",
    "segment_profile_texts",
    "weighted_tokens",
]


def _s(v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def analyzer_for(ds: Dataset, *, max_chars: int | None = None) -> Analyzer:
    """An :class:`Analyzer` whose domain dictionary holds the dataset's segment and chain names.

    English segment names become synonyms of the Chinese name (``separator`` → ``隔膜``), so an
    English abstract and a Chinese need can meet.
    """
    seg, chains = ds.segments, ds.chains
    terms = [_s(x) for x in seg["name"].tolist()] + [_s(x) for x in chains["name"].tolist()]
    synonyms: dict[str, str] = {}
    for name, name_en in zip(seg["name"].tolist(), seg["name_en"].tolist(), strict=True):
        zh, en = normalize_text(_s(name)), normalize_text(_s(name_en))
        if zh and en and en != zh and en not in default_synonyms():
            synonyms[en] = zh
    return Analyzer([t for t in terms if t], synonyms,
                    max_chars=DEFAULT_MAX_CHARS if max_chars is None else max_chars)


def segment_paths(ds: Dataset) -> dict[str, list[str]]:
    """For every segment id, the names from its chain down to itself (``[链, …, 环节]``)."""
    seg = ds.segments
    name = dict(zip(seg["id"].astype(str), seg["name"].map(_s), strict=True))
    parent = {str(i): (_s(p) or None) for i, p in zip(seg["id"], seg["parent"], strict=True)}
    chain = dict(zip(seg["id"].astype(str), seg["chain"].map(_s), strict=True))
    chain_name = dict(zip(ds.chains["id"].astype(str), ds.chains["name"].map(_s), strict=True))
    out: dict[str, list[str]] = {}
    for sid in name:
        path: list[str] = []
        seen: set[str] = set()
        cur: str | None = sid
        while cur is not None and cur in name and cur not in seen:
            seen.add(cur)
            path.append(name[cur])
            cur = parent.get(cur)
        c = chain_name.get(chain.get(sid, ""), "")
        out[sid] = ([c] if c else []) + path[::-1]
    return out


def segment_profile_texts(ds: Dataset, extra: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One profile text per segment: columns ``segment``, ``text``, ``path`` (list of names).

    ``extra`` maps a segment id to more text (for example keywords a planner adds).
    """
    seg = ds.segments
    paths = segment_paths(ds)
    chain_of = {sid: (p[0] if len(p) > 1 else "") for sid, p in paths.items()}
    nt = ds.tech_needs
    needs = (pd.DataFrame({"segment": nt["segment"].map(_s),
                           "text": nt["title"].map(_s) + " " + nt["text"].map(_s)})
             .groupby("segment")["text"].agg(" ".join).to_dict())
    rows = []
    for sid, name, name_en in zip(seg["id"].astype(str), seg["name"].map(_s),
                                  seg["name_en"].map(_s), strict=True):
        more = (extra or {}).get(sid, "")
        text = " ".join([name, name, name, name_en, chain_of.get(sid, ""), needs.get(sid, ""), more])
        rows.append((sid, text, paths[sid]))
    return pd.DataFrame(rows, columns=["segment", "text", "path"])


def asset_texts(ds: Dataset) -> pd.DataFrame:
    """Columns ``asset``, ``text`` (title twice and abstract), ``title``, ``body``, ``extra``."""
    a = ds.innovation_assets
    title, body = a["title"].map(_s), a["text"].map(_s)
    return pd.DataFrame({"asset": a["id"].astype(str).tolist(),
                         "text": (title + " " + title + " " + body).tolist(),
                         "title": title.tolist(), "body": body.tolist(), "extra": ""})


def need_texts(ds: Dataset) -> pd.DataFrame:
    """Columns ``need``, ``firm``, ``segment``, ``text`` (title twice, description, segment name),
    ``title``, ``body``, ``extra`` (the segment name)."""
    n = ds.tech_needs
    seg_name = dict(zip(ds.segments["id"].astype(str), ds.segments["name"].map(_s), strict=True))
    title, body = n["title"].map(_s), n["text"].map(_s)
    segs = n["segment"].map(_s)
    extra = segs.map(lambda s: seg_name.get(s, ""))
    return pd.DataFrame({"need": n["id"].astype(str).tolist(), "firm": n["firm"].map(_s).tolist(),
                         "segment": segs.tolist(),
                         "text": (title + " " + title + " " + body + " " + extra).tolist(),
                         "title": title.tolist(), "body": body.tolist(), "extra": extra.tolist()})


def weighted_tokens(analyzer: Analyzer, frame: pd.DataFrame, n_jobs: int = 1) -> list[list[str]]:
    """Index terms of ``title`` twice, ``body`` and ``extra`` of each row (the tokens of the
    ``text`` column, with each title analysed once)."""
    titles = analyzer.tokens_many(frame["title"].tolist(), n_jobs)
    bodies = analyzer.tokens_many(frame["body"].tolist(), n_jobs)
    extras = analyzer.tokens_many(frame["extra"].tolist(), n_jobs)
    return [t + t + b + e for t, b, e in zip(titles, bodies, extras, strict=True)]
