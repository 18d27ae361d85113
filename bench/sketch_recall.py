"""What the sketch behind suggestions in a large forum costs in quality and saves
in time (``ThemeIndex.dense_scores``, SKETCH_FROM posts and up).

One index of real posts: the atec and gitbugs protocol corpora, all of banking77
and every other atec question (~45,000 posts, past SKETCH_FROM). The protocol
queries of atec and gitbugs are asked of it with the full scan and with the
sketch; recall@5 counts a same-group item of the query's own set among the top 5.
Prints recall@5 both ways, how many of the full scan's top 5 the sketch keeps,
and the time of the dense scores and of a whole suggestion, for the shipped
sketch and a few other sizes.

    .venv/bin/python bench/sketch_recall.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_quality import (  # noqa: E402
    encode_cached,
    load,
    ms,
    near_duplicate_split,
)

from feedback.clustering import ThemeIndex, get_engine, post_text  # noqa: E402
from feedback.clustering import index as index_module  # noqa: E402


def build(engine):
    rows, queries = [], []  # rows: (set, group, text, blob)
    used_atec = set()
    for name in ("atec", "gitbugs"):
        data = load(name)
        qs, corpus = near_duplicate_split(data)
        blobs = encode_cached(
            engine, [r["text"] for r in corpus], f"hybrid-{name}-all-corpus"
        )
        qblobs = encode_cached(
            engine, [r["text"] for r in qs], f"hybrid-{name}-all-queries"
        )
        rows += [
            (name, r["group"], r["text"], b) for r, b in zip(corpus, blobs, strict=True)
        ]
        queries += [
            (name, r["group"], r["text"], b) for r, b in zip(qs, qblobs, strict=True)
        ]
        if name == "atec":
            used_atec = {r["id"] for r in corpus} | {r["id"] for r in qs}
    bank = load("banking77")
    blobs = encode_cached(engine, [r["text"] for r in bank], "hybrid-banking77-all")
    rows += [
        ("banking77", r["group"], r["text"], b)
        for r, b in zip(bank, blobs, strict=True)
    ]
    rest = [r for r in load("atec") if r["id"] not in used_atec]
    blobs = encode_cached(engine, [r["text"] for r in rest], "hybrid-atec-rest")
    rows += [
        ("atec", r["group"], r["text"], b) for r, b in zip(rest, blobs, strict=True)
    ]
    random.Random(5).shuffle(rows)  # posts of every set arrive mixed
    index = ThemeIndex(engine, capacity=len(rows) + 16)
    for i, (_name, _group, text, blob) in enumerate(rows):
        index.add(i, blob, None, post_text(text, ""))
    return index, rows, queries


def ask(engine, index, rows, queries):
    recall, tops, dense_t, similar_t = {}, [], [], []
    for name, group, text, blob in queries:
        vector = engine.decode(blob)
        query = index.centre(vector, index.language(text, vector))
        t0 = time.perf_counter()
        index.dense_scores(query)
        t1 = time.perf_counter()
        top = index.similar(vector, text, k=5)
        similar_t.append(time.perf_counter() - t1)
        dense_t.append(t1 - t0)
        hit = any(rows[s.post_id][:2] == (name, group) for s in top)
        recall.setdefault(name, []).append(hit)
        tops.append([s.post_id for s in top])
    return (
        {k: round(float(np.mean(v)), 4) for k, v in recall.items()},
        tops,
        dense_t,
        similar_t,
    )


def main() -> None:
    engine = get_engine("hybrid")
    t0 = time.perf_counter()
    index, rows, queries = build(engine)
    print(f"{index.size} posts indexed in {time.perf_counter() - t0:.0f} s", flush=True)
    fitted = index.sketch
    index.sketch = None
    exact, exact_tops, dense_t, similar_t = ask(engine, index, rows, queries)
    print(
        f"full scan: recall@5 {exact}; dense scores p50 {ms(dense_t, 50)} ms; "
        f"suggestion p50 {ms(similar_t, 50)}, p95 {ms(similar_t, 95)} ms",
        flush=True,
    )
    shipped = (index_module.SKETCH_DIM, index_module.SHORTLIST)
    for dim, shortlist in [shipped, (64, 1000), (96, 1000), (128, 500), (128, 2000)]:
        index_module.SKETCH_DIM, index_module.SHORTLIST = dim, shortlist
        if (dim, shortlist) == shipped:
            index.sketch = fitted
        else:
            index._fit_sketch()
        got, tops, dense_t, similar_t = ask(engine, index, rows, queries)
        kept = np.mean(
            [
                len(set(a) & set(b)) / max(1, len(a))
                for a, b in zip(exact_tops, tops, strict=True)
            ]
        )
        same = np.mean([a == b for a, b in zip(exact_tops, tops, strict=True)])
        print(
            f"sketch {dim} dims, shortlist {shortlist}: recall@5 {got}; "
            f"top 5 kept {kept:.4f} (same list {same:.4f}); dense scores p50 "
            f"{ms(dense_t, 50)} ms; suggestion p50 {ms(similar_t, 50)}, "
            f"p95 {ms(similar_t, 95)} ms",
            flush=True,
        )
    index_module.SKETCH_DIM, index_module.SHORTLIST = shipped


if __name__ == "__main__":
    main()
