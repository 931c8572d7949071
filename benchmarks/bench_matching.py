"""Benchmark of technology matching: quality on the labelled set and speed at scale.

Usage::

    python benchmarks/bench_matching.py                     # quality + 100k assets × 1k needs
    python benchmarks/bench_matching.py --assets 10000 --needs 200 --ref-queries 10
    python benchmarks/bench_matching.py --model PATH        # adds dense and hybrid with a local model
    python benchmarks/bench_matching.py --jobs 2            # tokenise in 2 worker processes

Quality: precision@1/@5, recall@10 and MRR on the held-out half of
``tests/data/matching_labels.csv`` (yrd-nev demo), per backend. Without ``--model`` the dense and
hybrid rows use hashed character n-grams (a lexical stand-in that exercises the code path, not a
semantic model).

Scale: synthetic Chinese-like assets and needs drawn from the demo's own vocabulary (each synthetic
text copies the word distribution of a random demo text and mixes in words from the whole
vocabulary); prints index build time, matching time for all needs (top 10, with reasons), peak
memory (ru_maxrss) and the time of ``rank_bm25.BM25Okapi`` on a few queries of the same index,
extrapolated to all needs, as the reference.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from chainatlas.datasets import load_demo
from chainatlas.matching import MatchingEngine, load_embedder, match_needs
from chainatlas.matching.evaluate import evaluate_labels
from chainatlas.matching.text import normalize_text
from chainatlas.model.dataset import Dataset

LABELS = Path(__file__).resolve().parents[1] / "tests" / "data" / "matching_labels.csv"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hashed_ngrams(texts: list[str], dim: int = 512) -> np.ndarray:
    """Character 1- and 2-grams hashed into ``dim`` buckets (lexical stand-in for a model)."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for r, text in enumerate(texts):
        s = normalize_text(str(text)).replace(" ", "")
        for g in list(s) + [s[i: i + 2] for i in range(len(s) - 1)]:
            out[r, zlib.crc32(g.encode()) % dim] += 1.0
    return out


def quality(model: str | None) -> pd.DataFrame:
    ds = load_demo("yrd-nev")
    labels = pd.read_csv(LABELS, dtype=str, keep_default_na=False)
    embed, label = hashed_ngrams, "hashed char n-grams"
    if model:
        eng0 = MatchingEngine.build(ds)
        embed, label = load_embedder(model, eng0.analyzer), f"model {model}"
    eng = MatchingEngine.build(ds, embed=embed)
    rows = []
    for backend in ("bm25", "dense", "hybrid"):
        m = evaluate_labels(eng, ds, labels, split="test", backend=backend)
        m.insert(0, "backend", backend if backend == "bm25" else f"{backend} ({label})")
        rows.append(m)
    return pd.concat(rows, ignore_index=True)


def synthetic(n_assets: int, n_needs: int, seed: int = 0) -> Dataset:
    """The demo's segments, regions and firms with ``n_assets`` assets and ``n_needs`` needs."""
    demo = load_demo("yrd-nev")
    eng = MatchingEngine.build(demo)
    rng = np.random.default_rng(seed)

    def words(texts: list[str]) -> list[list[str]]:
        out = []
        for t in texts:
            ws = [w for w in eng.analyzer._tk.cut(normalize_text(t).replace(" ", ""), HMM=False)
                  if len(w) > 0]
            out.append(ws)
        return out

    eng.analyzer.tokens("")  # load the tokenizer
    a_words = words((demo.innovation_assets["title"] + demo.innovation_assets["text"]).tolist())
    n_words = words((demo.tech_needs["title"] + demo.tech_needs["text"]).tolist())
    vocab = sorted({w for ws in a_words + n_words for w in ws})

    def draw(templates: list[list[str]], n: int, length: tuple[int, int]) -> list[str]:
        out = []
        pick = rng.integers(0, len(templates), n)
        lens = rng.integers(*length, n)
        for t, L in zip(pick, lens, strict=True):
            base = templates[t]
            k_base = int(L * 0.8)
            ws = list(rng.choice(base, k_base)) + list(rng.choice(vocab, L - k_base))
            out.append("".join(ws))
        return out

    titles = draw(a_words, n_assets, (6, 12))
    texts = draw(a_words, n_assets, (20, 40))
    regions = demo.regions["code"].astype(str).tolist()
    assets = pd.DataFrame({
        "id": [f"S{i:06d}" for i in range(n_assets)], "kind": "patent", "title": titles,
        "text": texts, "owner": "示例大学", "owner_kind": "university",
        "region": rng.choice(regions, n_assets)})
    firms = demo.firms["id"].astype(str).tolist()
    segs = demo.segments["id"].astype(str).tolist()
    needs = pd.DataFrame({
        "id": [f"Q{i:05d}" for i in range(n_needs)], "firm": rng.choice(firms, n_needs),
        "title": draw(n_words, n_needs, (4, 8)), "text": draw(n_words, n_needs, (12, 25)),
        "segment": rng.choice(segs, n_needs)})
    return Dataset("synthetic", {**demo.tables, "innovation_assets": assets, "tech_needs": needs})


def scale(n_assets: int, n_needs: int, ref_queries: int, jobs: int = 1) -> pd.DataFrame:
    ds = synthetic(n_assets, n_needs)
    chars = int(ds.innovation_assets["title"].str.len().sum() + ds.innovation_assets["text"].str.len().sum())
    mem0 = _peak_mb()
    t0 = time.perf_counter()
    eng = MatchingEngine.build(ds, n_jobs=jobs)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = match_needs(eng, ds, k=10)
    t_match = time.perf_counter() - t0
    assert len(res.frame) > 0
    bm = eng.assets.bm25_
    assert bm is not None
    rows = [
        {"step": f"index build (tokenise + BM25 + 挂链 of every asset), {jobs} process(es)",
         "n": n_assets,
         "chars": chars, "seconds": t_build},
        {"step": f"match {n_needs} needs → top 10 with reasons (ours)", "n": n_needs,
         "chars": None, "seconds": t_match},
    ]
    # reference: rank_bm25 on the same tokens (fitting it is not timed in our favour)
    from rank_bm25 import BM25Okapi

    toks = eng.analyzer.tokens_many((ds.innovation_assets["title"] + " " + ds.innovation_assets["title"]
                                     + " " + ds.innovation_assets["text"]).tolist())
    t0 = time.perf_counter()
    ref = BM25Okapi(toks)
    t_ref_fit = time.perf_counter() - t0
    queries = eng.analyzer.tokens_many(ds.tech_needs["title"].tolist()[:ref_queries])
    t0 = time.perf_counter()
    for q in queries:
        s = ref.get_scores(q)
        np.argpartition(-s, 10)[:10]
    t_ref = (time.perf_counter() - t0) / max(len(queries), 1) * n_needs
    rows.append({"step": "rank_bm25 BM25Okapi fit (reference)", "n": n_assets, "chars": None,
                 "seconds": t_ref_fit})
    rows.append({"step": f"rank_bm25 get_scores, {n_needs} needs (extrapolated from "
                         f"{len(queries)})", "n": n_needs, "chars": None, "seconds": t_ref})
    out = pd.DataFrame(rows)
    out.attrs.update(terms=len(bm.vocabulary_), postings=int(bm.tf_.nnz) if bm.tf_ is not None else 0,
                     peak_mb=_peak_mb(), base_mb=mem0, ratio=t_ref / t_match)
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--assets", type=int, default=100_000)
    p.add_argument("--needs", type=int, default=1_000)
    p.add_argument("--ref-queries", type=int, default=20)
    p.add_argument("--model", default=None, help="local sentence-embedding model for dense/hybrid")
    p.add_argument("--skip-quality", action="store_true")
    p.add_argument("--jobs", type=int, default=1, help="worker processes for the index build")
    args = p.parse_args(argv)
    pd.set_option("display.width", 200)
    if not args.skip_quality:
        print("== quality on held-out labels (yrd-nev) ==")
        print(quality(args.model).to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"\n== scale: {args.assets:,} synthetic assets × {args.needs:,} needs ==")
    out = scale(args.assets, args.needs, args.ref_queries, args.jobs)
    print(out.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    a = out.attrs
    print(f"index: {a['terms']:,} terms, {a['postings']:,} postings; peak RSS {a['peak_mb']:.0f} MB "
          f"(before build {a['base_mb']:.0f} MB); rank_bm25 / ours matching time = {a['ratio']:.0f}×")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
