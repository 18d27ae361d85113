"""Clustering quality and speed on the shared, labelled development sets.

Protocols: ../shared/data/README.md. Every item goes through the same code path as a
new post (Engine.encode_post → ThemeIndex.assign / similar), then the batch
re-cluster runs. Prints V-measure / ARI (banking77) and recall@5 (atec, gitbugs),
time per post and peak memory. Encoded vectors are cached in bench/out/.

    .venv/bin/python bench/cluster_quality.py                    # everything, hybrid
    .venv/bin/python bench/cluster_quality.py --engine lexical
    .venv/bin/python bench/cluster_quality.py --sets banking77 --limit 2000
    .venv/bin/python bench/cluster_quality.py --tune     # threshold by 2-fold CV
    .venv/bin/python bench/cluster_quality.py --scale 100000     # speed at scale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedback.clustering import PostText, ThemeIndex, get_engine, post_text, recluster  # noqa: E402
from feedback.clustering.engine import HYBRID, LEXICAL  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out"


def load(name: str, limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in (DATA / f"{name}_dev.jsonl").open()]
    return rows[:limit] if limit else rows


def encode_cached(engine, texts: list[str], tag: str) -> list[bytes]:
    if not engine.dense:
        return [b""] * len(texts)
    key = hashlib.sha1("\n".join(texts).encode(), usedforsecurity=False).hexdigest()[
        :16
    ]
    path = OUT / f"vectors-{tag}-{key}.npy"
    if path.exists():
        matrix = np.load(path)
    else:
        OUT.mkdir(exist_ok=True)
        chunks = []
        for start in range(0, len(texts), 64):
            chunks.append(engine.encode_texts(texts[start : start + 64]))
        matrix = np.vstack(chunks).astype(np.float16)
        np.save(path, matrix)
    return [row.tobytes() for row in matrix]


# -- metrics -------------------------------------------------------------------------
def _entropy(counts) -> float:
    total = sum(counts)
    return -sum(c / total * math.log(c / total) for c in counts if c)


def v_measure(truth: list, pred: list) -> float:
    n = len(truth)
    joint = Counter(zip(truth, pred, strict=True))
    ht, hp = _entropy(Counter(truth).values()), _entropy(Counter(pred).values())
    pc = Counter(pred)
    tc = Counter(truth)
    h_t_given_p = -sum(c / n * math.log(c / pc[p]) for (t, p), c in joint.items())
    h_p_given_t = -sum(c / n * math.log(c / tc[t]) for (t, p), c in joint.items())
    homogeneity = 1.0 if ht == 0 else 1 - h_t_given_p / ht
    completeness = 1.0 if hp == 0 else 1 - h_p_given_t / hp
    if homogeneity + completeness == 0:
        return 0.0
    return 2 * homogeneity * completeness / (homogeneity + completeness)


def adjusted_rand(truth: list, pred: list) -> float:
    def comb2(x):
        return x * (x - 1) / 2

    n = len(truth)
    joint = Counter(zip(truth, pred, strict=True))
    sum_joint = sum(comb2(c) for c in joint.values())
    sum_t = sum(comb2(c) for c in Counter(truth).values())
    sum_p = sum(comb2(c) for c in Counter(pred).values())
    expected = sum_t * sum_p / comb2(n)
    maximum = (sum_t + sum_p) / 2
    return (sum_joint - expected) / (maximum - expected) if maximum != expected else 1.0


# -- protocols -----------------------------------------------------------------------
def online(engine, texts, vectors):
    index = ThemeIndex(engine, capacity=len(texts) + 16)
    labels, next_theme = [], 0
    assign_times = []
    for i, (text, vector) in enumerate(zip(texts, vectors, strict=True)):
        vec = engine.decode(vector)
        t0 = time.perf_counter()
        assignment = index.assign(vec, text)
        assign_times.append(time.perf_counter() - t0)
        if assignment.theme_id is None:
            theme = next_theme
            next_theme += 1
        else:
            theme = assignment.theme_id
        index.add(i, vector, theme, text)
        labels.append(theme)
    return labels, assign_times


def themes_protocol(engine, rows, tag, do_recluster=True):
    texts = [post_text(r["text"], "") for r in rows]
    truth = [r["group"] for r in rows]
    t0 = time.perf_counter()
    vectors = encode_cached(engine, texts, tag)
    encode_s = time.perf_counter() - t0
    labels, assign_times = online(engine, texts, vectors)
    result = {
        "online_v": v_measure(truth, labels),
        "online_ari": adjusted_rand(truth, labels),
        "themes_online": len(set(labels)),
        "assign_ms_p50": 1000 * float(np.median(assign_times)),
        "encode_s_total": encode_s,
    }
    if do_recluster:
        posts = [
            PostText(id=i, title=r["text"], theme_id=labels[i])
            for i, r in enumerate(rows)
        ]
        t0 = time.perf_counter()
        drafts = recluster(engine, posts, vectors)
        result["recluster_s"] = time.perf_counter() - t0
        batch = {}
        for k, d in enumerate(drafts):
            for pid in d.post_ids:
                batch[pid] = k
        pred = [batch[i] for i in range(len(rows))]
        result["recluster_v"] = v_measure(truth, pred)
        result["recluster_ari"] = adjusted_rand(truth, pred)
        result["themes_recluster"] = len(drafts)
    return result


def near_duplicates(engine, rows, tag):
    rng = random.Random(7)
    groups = defaultdict(list)
    for r in rows:
        groups[r["group"]].append(r)
    order = []
    seen = set()
    for r in rows:
        if r["group"] not in seen:
            seen.add(r["group"])
            order.append(r["group"])
    multi = [g for g in order if len(groups[g]) >= 2]
    singletons = [groups[g][0] for g in order if len(groups[g]) == 1]
    queries, corpus = [], []
    for g in multi:
        q = rng.choice(groups[g])
        queries.append(q)
        corpus.extend(r for r in groups[g] if r is not q)
    corpus.extend(rng.sample(singletons, min(3000, len(singletons))))
    ctexts = [post_text(r["text"], "") for r in corpus]
    cvec = encode_cached(engine, ctexts, tag + "-corpus")
    index = ThemeIndex(engine, capacity=len(corpus) + 16)
    for i, (text, vec) in enumerate(zip(ctexts, cvec, strict=True)):
        index.add(i, vec, None, text)
    qtexts = [r["text"] for r in queries]
    qvec = encode_cached(engine, qtexts, tag + "-queries")
    hits, times = 0, []
    for q, text, vec in zip(queries, qtexts, qvec, strict=True):
        t0 = time.perf_counter()
        top = index.similar(engine.decode(vec), text, k=5)
        times.append(time.perf_counter() - t0)
        if any(corpus[s.post_id]["group"] == q["group"] for s in top):
            hits += 1
    return {
        "recall@5": hits / len(queries),
        "queries": len(queries),
        "corpus": len(corpus),
        "similar_ms_p95": 1000 * float(np.percentile(times, 95)),
    }


def tune(engine, rows, tag, thresholds):
    """2-fold cross-validation over groups: pick on one half, score on the other."""
    groups = sorted({r["group"] for r in rows})
    rng = random.Random(11)
    rng.shuffle(groups)
    halves = [set(groups[::2]), set(groups[1::2])]
    report = []
    for fold in (0, 1):
        train = [r for r in rows if r["group"] in halves[fold]]
        test = [r for r in rows if r["group"] in halves[1 - fold]]
        scores = {}
        for t in thresholds:
            eng = replace(engine, assign_threshold=t)
            scores[t] = themes_protocol(eng, train, tag + f"-f{fold}a", False)[
                "online_v"
            ]
        best = max(scores, key=scores.get)
        eng = replace(engine, assign_threshold=best)
        held = themes_protocol(eng, test, tag + f"-f{fold}b", False)["online_v"]
        report.append(
            {"fold": fold, "train_scores": scores, "chosen": best, "held_out_v": held}
        )
    return report


def scale(engine, n: int):
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(5000)]
    index = ThemeIndex(engine, capacity=n + 16)
    t0 = time.perf_counter()
    for i in range(n):
        vec = None
        if engine.dense:
            vec = rng.standard_normal(384).astype(np.float32)
            vec /= np.linalg.norm(vec)
        text = " ".join(rng.choice(words, 8))
        index.add(i, vec, i // 5, text)
    build_s = time.perf_counter() - t0
    times = []
    for _ in range(200):
        vec = None
        if engine.dense:
            vec = rng.standard_normal(384).astype(np.float32)
            vec /= np.linalg.norm(vec)
        text = " ".join(rng.choice(words, 8))
        t1 = time.perf_counter()
        index.assign(vec, text)
        index.similar(vec, text, 5)
        times.append(time.perf_counter() - t1)
    return {
        "posts": n,
        "build_s": build_s,
        "assign+similar_ms_p50": 1000 * float(np.median(times)),
        "assign+similar_ms_p95": 1000 * float(np.percentile(times, 95)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["hybrid", "lexical"], default="hybrid")
    parser.add_argument("--sets", default="banking77,atec,gitbugs")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--scale", type=int, default=0)
    parser.add_argument("--dense-weight", type=float, default=None)
    parser.add_argument("--merge", type=float, default=None)
    args = parser.parse_args()
    engine = get_engine(args.engine)
    if args.threshold is not None:
        engine = replace(engine, assign_threshold=args.threshold)
    if args.merge is not None:
        engine = replace(engine, merge_threshold=args.merge)
    if args.dense_weight is not None:
        engine = replace(engine, dense_weight=args.dense_weight)
    print(
        f"engine={engine.name} dense_weight={engine.dense_weight} "
        f"assign_threshold={engine.assign_threshold}"
    )
    if not DATA.exists():
        sys.exit(f"no data at {DATA}")
    if args.scale:
        print("scale", json.dumps(scale(engine, args.scale)))
    for name in args.sets.split(","):
        if not name:
            continue
        rows = load(name, args.limit)
        tag = f"{engine.name}-{name}-{args.limit or 'all'}"
        t0 = time.perf_counter()
        if name == "banking77":
            if args.tune:
                base = HYBRID if engine.dense else LEXICAL
                grid = (
                    [0.78, 0.80, 0.82, 0.84, 0.86, 0.88]
                    if engine.dense
                    else [0.2, 0.25, 0.3, 0.35, 0.4, 0.45]
                )
                print(name, "tune", json.dumps(tune(base, rows, tag, grid)))
            else:
                print(name, json.dumps(themes_protocol(engine, rows, tag)))
        else:
            print(name, json.dumps(near_duplicates(engine, rows, tag)))
        print(f"  ({time.perf_counter() - t0:.1f} s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
