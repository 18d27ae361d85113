"""Clustering quality and speed on the shared, labelled development sets.

Protocols: ../shared/data/README.md. Every item goes through the same code path as a
new post (Engine.encode_post → ThemeIndex.assign, then add; ThemeIndex.similar for
suggestions), then the batch re-cluster runs. Prints V-measure / ARI (banking77,
online and after re-cluster), recall@5 (atec, gitbugs), time per post (encode,
assign, similar) and peak memory, for each engine. Encoded vectors are cached in
bench/out/ (gitignored), so only the first run pays for encoding.

    .venv/bin/python bench/cluster_quality.py                  # both engines, all sets
    .venv/bin/python bench/cluster_quality.py --engine lexical
    .venv/bin/python bench/cluster_quality.py --sets banking77 --limit 2000
    .venv/bin/python bench/cluster_quality.py --tune           # thresholds by group CV
    .venv/bin/python bench/cluster_quality.py --tune --sets atec   # suggestion weights
    .venv/bin/python bench/cluster_quality.py --scale 100000 --sets ""
    .venv/bin/python bench/cluster_quality.py --engine hybrid --tune-graph --folds 5
    .venv/bin/python bench/cluster_quality.py --mixed --sets ""  # re-cluster at scale
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
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
sys.path.insert(0, str(ROOT / "bench"))

from cluster_metrics import adjusted_rand, v_measure  # noqa: E402

from feedback.clustering import (  # noqa: E402
    PostText,
    ThemeIndex,
    get_engine,
    post_text,
    recluster,
)
from feedback.clustering.engine import FAMILIES, encoder_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out"


def data_path(name: str) -> Path:
    """``name`` is a file of ``DATA`` (``banking77`` → ``banking77_dev.jsonl``,
    ``banking77_test`` → ``banking77_test.jsonl``) or the path of any file in the
    same format (``{"id", "text", "group"}`` per line)."""
    if name.endswith(".jsonl"):
        return Path(name)
    exact = DATA / f"{name}.jsonl"
    return exact if exact.exists() else DATA / f"{name}_dev.jsonl"


def load(name: str, limit: int | None = None) -> list[dict]:
    path = data_path(name)
    if not path.exists():
        sys.exit(f"no data at {path}")
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return rows[:limit] if limit else rows


def protocol(spec: str) -> tuple[str, str]:
    """``themes:PATH`` / ``near:PATH`` name the protocol of another file; a set of
    ``DATA`` has its own (banking77: themes, atec and gitbugs: near-duplicates)."""
    kind, sep, name = spec.partition(":")
    if sep and kind in ("themes", "near"):
        return kind, name
    if sep:
        sys.exit(f"unknown protocol {kind!r} in {spec!r} (themes or near)")
    return ("themes" if spec.startswith("banking77") else "near"), spec


def encode_cached(engine, titles: list[str], tag: str) -> list[bytes]:
    """What ``engine.encode_post`` stores for a post of each title (and no body),
    cached on disk."""
    if not engine.dense:
        return [b""] * len(titles)
    texts = [encoder_text(t, "") for t in titles]
    digest = hashlib.sha1("\n".join(texts).encode(), usedforsecurity=False)
    path = OUT / f"vectors-{tag}-{digest.hexdigest()[:16]}.npy"
    if path.exists():
        matrix = np.load(path)
    else:
        OUT.mkdir(exist_ok=True)
        chunks = [
            engine.encode_texts(texts[start : start + 64])
            for start in range(0, len(texts), 64)
        ]
        matrix = np.vstack(chunks).astype(np.float16)
        np.save(path, matrix)
    return [row.tobytes() for row in matrix]


def ms(values: list[float], q: float) -> float:
    return round(1000 * float(np.percentile(values, q)), 3) if values else 0.0


def encode_speed(engine, texts: list[str], n: int = 40) -> float:
    """Milliseconds per post for encode_post, one post at a time (as in a request)."""
    if not engine.dense:
        return 0.0
    sample = texts[:n]
    t0 = time.perf_counter()
    for text in sample:
        engine.encode_post(text, "")
    return round(1000 * (time.perf_counter() - t0) / len(sample), 2)


# -- protocols -----------------------------------------------------------------------
def online(engine, texts: list[str], vectors: list[bytes]):
    """Push items through assignment in order; number themes as they open."""
    index = ThemeIndex(engine, capacity=len(texts) + 16)
    labels, times, next_theme = [], [], 0
    for i, (text, blob) in enumerate(zip(texts, vectors, strict=True)):
        t0 = time.perf_counter()
        assignment = index.assign(engine.decode(blob), text)
        times.append(time.perf_counter() - t0)
        if assignment.theme_id is None:
            theme, next_theme = next_theme, next_theme + 1
        else:
            theme = assignment.theme_id
        index.add(i, blob, theme, text)
        labels.append(theme)
    return labels, times


def batch(engine, rows, vectors, labels, threshold=None):
    posts = [
        PostText(id=i, title=r["text"], theme_id=labels[i]) for i, r in enumerate(rows)
    ]
    t0 = time.perf_counter()
    drafts = recluster(engine, posts, vectors, threshold)
    seconds = time.perf_counter() - t0
    return draft_labels(drafts, range(len(rows))), seconds


def draft_labels(drafts, post_ids) -> list[int]:
    """The number of the draft (theme) holding each of ``post_ids``."""
    of = {pid: k for k, d in enumerate(drafts) for pid in d.post_ids}
    return [of[i] for i in post_ids]


def themes_protocol(engine, rows, vectors):
    texts = [post_text(r["text"], "") for r in rows]
    truth = [r["group"] for r in rows]
    labels, times = online(engine, texts, vectors)
    pred, seconds = batch(engine, rows, vectors, labels)
    return {
        "online_V": round(v_measure(truth, labels), 4),
        "online_ARI": round(adjusted_rand(truth, labels), 4),
        "online_themes": len(set(labels)),
        "recluster_V": round(v_measure(truth, pred), 4),
        "recluster_ARI": round(adjusted_rand(truth, pred), 4),
        "recluster_themes": len(set(pred)),
        "recluster_s": round(seconds, 2),
        "assign_ms_p50": ms(times, 50),
        "assign_ms_p95": ms(times, 95),
        "encode_ms_per_post": encode_speed(engine, [r["text"] for r in rows]),
    }


def near_duplicate_split(rows):
    """Queries and corpus of the near-duplicate protocol (see the data README)."""
    rng = random.Random(7)
    groups = defaultdict(list)
    order = []
    for r in rows:
        if r["group"] not in groups:
            order.append(r["group"])
        groups[r["group"]].append(r)
    multi = [g for g in order if len(groups[g]) >= 2]
    singletons = [groups[g][0] for g in order if len(groups[g]) == 1]
    queries, corpus = [], []
    for g in multi:
        q = rng.choice(groups[g])
        queries.append(q)
        corpus.extend(r for r in groups[g] if r is not q)
    corpus.extend(rng.sample(singletons, min(3000, len(singletons))))
    return queries, corpus


def near_duplicate_index(engine, rows, tag):
    queries, corpus = near_duplicate_split(rows)
    ctexts = [post_text(r["text"], "") for r in corpus]
    cvec = encode_cached(engine, [r["text"] for r in corpus], tag + "-corpus")
    index = ThemeIndex(engine, capacity=len(corpus) + 16)
    for i, (text, blob) in enumerate(zip(ctexts, cvec, strict=True)):
        index.add(i, blob, None, text)
    qtexts = [r["text"] for r in queries]
    qvec = encode_cached(engine, qtexts, tag + "-queries")
    return index, queries, corpus, qtexts, qvec


def near_duplicates(engine, rows, tag):
    index, queries, corpus, qtexts, qvec = near_duplicate_index(engine, rows, tag)
    hits, times = 0, []
    for q, text, blob in zip(queries, qtexts, qvec, strict=True):
        t0 = time.perf_counter()
        top = index.similar(engine.decode(blob), text, k=5)
        times.append(time.perf_counter() - t0)
        hits += any(corpus[s.post_id]["group"] == q["group"] for s in top)
    return {
        "recall@5": round(hits / len(queries), 4),
        "queries": len(queries),
        "corpus": len(corpus),
        "similar_ms_p50": ms(times, 50),
        "similar_ms_p95": ms(times, 95),
    }


def tune(engine, rows, vectors, folds: int = 3, graph_grid: bool = False):
    """Thresholds by cross-validation over groups: the groups are split into folds;
    each threshold is scored on the other folds and the winner is scored on the held
    out fold, which it never saw."""
    groups = sorted({r["group"] for r in rows})
    random.Random(11).shuffle(groups)
    fold_of = {g: k % folds for k, g in enumerate(groups)}
    if engine.dense:
        online_grid = [0.25, 0.30, 0.35]
        link_grid = [0.20, 0.22, 0.25, 0.28]
    else:
        online_grid = [0.02, 0.05, 0.08, 0.12]
        link_grid = [0.08, 0.12, 0.16]
    if engine.graph_resolution and not engine.dense:
        # Graph re-clustering: Louvain resolution × weight of the corpus vectors.
        link_grid = [
            {"graph_resolution": r, "corpus_weight": w}
            for w in (0.3, 0.45, 0.6)
            for r in (2.0, 3.0, 4.0)
        ]
        if graph_grid:  # or, at the engine's resolution and weight, the graph's
            # neighbour count and the similarity at which communities join
            link_grid = [
                {"graph_neighbours": k, "graph_merge": m}
                for k in (8, 12, 16)
                for m in (0.4, 0.5, 0.6)
            ]
    elif engine.graph_resolution:
        # Hybrid graph re-clustering: neighbour count × Louvain resolution.
        link_grid = [
            {"graph_neighbours": k, "graph_resolution": r}
            for k in (10, 15, 20, 25)
            for r in (2.0, 3.0, 4.0)
        ]
    report = []
    for k in range(folds):
        train = [i for i, r in enumerate(rows) if fold_of[r["group"]] != k]
        test = [i for i, r in enumerate(rows) if fold_of[r["group"]] == k]

        def score(idx, assign=None, link=None):
            """V online at ``assign``, or after re-clustering those online themes."""
            sub = [rows[i] for i in idx]
            vecs = [vectors[i] for i in idx]
            eng = replace(engine, assign_threshold=assign or engine.assign_threshold)
            truth = [r["group"] for r in sub]
            labels, _ = online(eng, [post_text(r["text"], "") for r in sub], vecs)
            if link is None:
                return v_measure(truth, labels)
            if isinstance(link, dict):  # engine settings of a graph grid
                eng, link = replace(eng, **link), None
            pred, _ = batch(eng, sub, vecs, labels, link)
            return v_measure(truth, pred)

        on = {t: round(score(train, assign=t), 4) for t in online_grid}
        best_on = max(on, key=on.get)
        ln = {str(t): round(score(train, best_on, link=t), 4) for t in link_grid}
        best_ln = link_grid[list(ln.values()).index(max(ln.values()))]
        report.append(
            {
                "fold": k,
                "online_train_V": on,
                "online_chosen": best_on,
                "online_held_out_V": round(score(test, assign=best_on), 4),
                "recluster_train_V": ln,
                "recluster_chosen": best_ln,
                "recluster_held_out_V": round(score(test, best_on, best_ln), 4),
            }
        )
        print("  ", json.dumps(report[-1]), flush=True)
    return report


def mixed(engine) -> dict:
    """Re-cluster banking77 inside a larger forum: its 6,772 posts together with
    the atec and gitbugs corpora of the near-duplicate protocol (~20,000 posts in
    all, Chinese finance questions and English bug titles), and report banking77's
    V on its own posts. A re-clustering that holds up at scale scores as it does
    alone; above ``agglomerate.BLOCK`` posts average linkage works in blocks."""
    rows = load("banking77")
    texts = [r["text"] for r in rows]
    vectors = list(encode_cached(engine, texts, "hybrid-banking77-all"))
    for name in ("atec", "gitbugs"):
        _index, _queries, corpus, qtexts, qvec = near_duplicate_index(
            engine, load(name), f"hybrid-{name}-all"
        )
        ctexts = [c["text"] for c in corpus]
        vectors += encode_cached(engine, ctexts, f"hybrid-{name}-all-corpus") + list(
            qvec
        )
        texts += ctexts + qtexts
    posts = [PostText(id=i, title=t) for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    drafts = recluster(engine, posts, vectors)
    seconds = time.perf_counter() - t0
    truth = [r["group"] for r in rows]
    pred = draft_labels(drafts, range(len(rows)))
    # Online: the other posts were there first, then banking77's arrive in order.
    n = len(rows)
    order = list(range(n, len(texts))) + list(range(n))
    labels, _times = online(
        engine, [post_text(texts[i], "") for i in order], [vectors[i] for i in order]
    )
    return {
        "posts": len(posts),
        "banking77_online_V": round(v_measure(truth, labels[-n:]), 4),
        "banking77_V": round(v_measure(truth, pred), 4),
        "banking77_themes": len(set(pred)),
        "themes": len(drafts),
        "recluster_s": round(seconds, 1),
    }


def related_themes(engine) -> dict:
    """How often a theme offered as related (``ThemeIndex.related``, shown on the
    theme page for a PM to merge) is the same problem. The atec corpus, then
    banking77, go through the online pass; a banking77 theme's problem is the
    intent of most of its posts. For each such theme of ≥ 2 posts: its best
    related English theme (and its best 3) at each floor, and whether that has the
    same intent; and its best Chinese theme, which asks a different source's
    question: how high an other-language theme that is not the same problem
    scores (the floor for those has to sit above most of them)."""
    rows = load("banking77")
    _index, _q, corpus, _qt, _qv = near_duplicate_index(
        engine, load("atec"), "hybrid-atec-all"
    )
    atec = [c["text"] for c in corpus]
    texts = atec + [r["text"] for r in rows]
    vectors = encode_cached(engine, atec, "hybrid-atec-all-corpus") + encode_cached(
        engine, [r["text"] for r in rows], "hybrid-banking77-all"
    )
    labels, _times = online(engine, [post_text(t, "") for t in texts], vectors)
    index = ThemeIndex(engine, capacity=len(texts) + 16)
    for i, (text, blob) in enumerate(zip(texts, vectors, strict=True)):
        index.add(i, blob, labels[i], post_text(text, ""))
    n = len(atec)
    intent: dict[int, Counter] = defaultdict(Counter)
    for r, theme in zip(rows, labels[n:], strict=True):
        intent[theme][r["group"]] += 1
    same_lang, other = [], []  # (rank, score, same intent); best Chinese score
    for theme, counts in intent.items():
        if sum(counts.values()) < 2:
            continue
        mine = counts.most_common(1)[0][0]
        related = index.related(theme, k=3)
        english = [r for r in related if r.language == "en"]
        for rank, r in enumerate(english):
            same = intent[r.theme_id].most_common(1)[0][0] == mine
            same_lang.append((rank, r.score, same))
        other += [r.score for r in related if r.language == "zh"][:1]
    result = {"themes": len(other), "other_language_best": {}}
    arr = np.array(same_lang)
    for floor in (0.2, 0.3, 0.4, 0.5, 0.6):
        top1 = arr[(arr[:, 0] == 0) & (arr[:, 1] >= floor)]
        top3 = arr[arr[:, 1] >= floor]
        result[f"floor {floor}"] = {
            "best_shown": len(top1),
            "best_same_intent": round(float(top1[:, 2].mean()), 3) if len(top1) else 0,
            "top3_shown": len(top3),
            "top3_same_intent": round(float(top3[:, 2].mean()), 3) if len(top3) else 0,
        }
    other = np.array(other)
    for q in (0.5, 0.9, 0.99):
        result["other_language_best"][f"q{q}"] = round(float(np.quantile(other, q)), 3)
    for floor in (0.3, 0.35, 0.4):
        result["other_language_best"][f"share >= {floor}"] = round(
            float((other >= floor).mean()), 3
        )
    return result


def confidence(engine, min_posts: int = 3) -> dict:
    """The theme page's confidence (mean similarity of a theme's posts to its
    centre, ``ThemeIndex.members``) against how pure the theme is. banking77 goes
    through the online pass; each theme of ≥ ``min_posts`` posts is binned by the
    share of its posts of its most common intent; per bin, the confidence's
    quantiles. ``CONFIDENCE_LEVELS`` in feedback/services/themes.py come
    from here (no label is needed to compute a confidence, only to judge it)."""
    rows = load("banking77")
    texts = [r["text"] for r in rows]
    vectors = encode_cached(engine, texts, "hybrid-banking77-all")
    labels, _times = online(engine, [post_text(t, "") for t in texts], vectors)
    index = ThemeIndex(engine, capacity=len(texts) + 16)
    for i, (text, blob) in enumerate(zip(texts, vectors, strict=True)):
        index.add(i, blob, labels[i], post_text(text, ""))
    members: dict[int, list[int]] = defaultdict(list)
    for i, theme in enumerate(labels):
        members[theme].append(i)
    points = []
    for theme, posts in members.items():
        if len(posts) < min_posts:
            continue
        counts = Counter(rows[i]["group"] for i in posts)
        purity = counts.most_common(1)[0][1] / len(posts)
        mean = float(np.mean([s for _pid, s in index.members(theme)]))
        points.append((purity, mean))
    arr = np.array(points)
    out = {}
    for low, high in ((0, 0.5), (0.5, 0.8), (0.8, 0.95), (0.95, 1.01)):
        part = arr[(arr[:, 0] >= low) & (arr[:, 0] < high), 1]
        if len(part):
            q10, q50, q90 = np.quantile(part, [0.1, 0.5, 0.9]).round(3).tolist()
            out[f"purity {low}-{min(high, 1)}"] = {
                "themes": len(part),
                "q10": q10,
                "median": q50,
                "q90": q90,
            }
    out["correlation"] = round(float(np.corrcoef(arr[:, 0], arr[:, 1])[0, 1]), 3)
    return out


GRAPH_GRID = [
    {"graph_neighbours": k, "graph_resolution": r, "graph_floor": f, "graph_merge": m}
    for k in (15, 20)
    for r in (2.0, 3.0)
    for f in (0.4, 0.45)
    for m in (0.25, 0.3, 0.4)
]


def tune_graph(engine, folds: int = 5):
    """The hybrid graph re-clustering (neighbours, resolution, link floor) by
    cross-validation over groups: on the training folds, the setting with the best
    banking77 V (40 themes) among those that keep gitbugs' V at least as high as
    average linkage does (gitbugs: 1,785 bug titles nearly all unrelated to each
    other, a forum of varied reports where joining unrelated posts is the
    failure); then both sets' V on the held-out fold, next to average linkage's.
    Re-clustering starts from single posts, so no online pass is needed."""
    sets = ("banking77", "gitbugs")
    data = {}
    for name in sets:
        rows = load(name)
        titles = [r["text"] for r in rows]
        groups = sorted({r["group"] for r in rows})
        random.Random(11).shuffle(groups)
        fold_of = {g: k % folds for k, g in enumerate(groups)}
        data[name] = (
            rows,
            encode_cached(engine, titles, f"hybrid-{name}-all"),
            fold_of,
        )

    def score(eng, name, keep) -> float:
        rows, vectors, fold_of = data[name]
        idx = [i for i, r in enumerate(rows) if keep(fold_of[r["group"]])]
        posts = [PostText(id=i, title=rows[i]["text"]) for i in idx]
        drafts = recluster(eng, posts, [vectors[i] for i in idx])
        return v_measure([rows[i]["group"] for i in idx], draft_labels(drafts, idx))

    linkage = replace(engine, graph_resolution=0.0)
    held = defaultdict(list)
    for k in range(folds):
        train, held_in = (lambda f, k=k: f != k), (lambda f, k=k: f == k)
        floor = score(linkage, "gitbugs", train)
        scores = {}
        for g, setting in enumerate(GRAPH_GRID):
            eng = replace(engine, **setting)
            if score(eng, "gitbugs", train) >= floor:
                scores[g] = score(eng, "banking77", train)
        best = max(scores, key=scores.get)
        eng = replace(engine, **GRAPH_GRID[best])
        for name in sets:
            held[name].append(score(eng, name, held_in))
            held[f"{name} (average linkage)"].append(score(linkage, name, held_in))
        print(
            f"   fold {k}: chosen {GRAPH_GRID[best]} (train banking77 V "
            f"{scores[best]:.4f}; {len(scores)} of {len(GRAPH_GRID)} settings kept "
            f"gitbugs ≥ {floor:.4f}), held out "
            + ", ".join(f"{n} {v[-1]:.4f}" for n, v in held.items()),
            flush=True,
        )
    print(
        "   held-out mean "
        + ", ".join(f"{n} {np.mean(v):.4f}" for n, v in held.items()),
        flush=True,
    )


SIZES = (2, 3, 5, 8)
FULL_AT_POSTS = (1000, 2000, 4000, 8000, 16000)
# The lexical graph keeps every neighbour link unless given a floor.
# Resolution 2 reached at 1,000 ... 16,000 posts (lower below, at least 0.5), or
# fixed at 0.5 or 2 (the engine's own before this protocol).
FULL_AT = [{"graph_resolution": 2.0, "graph_full_at": n} for n in FULL_AT_POSTS]
SMALL_GRID = {
    "hybrid": [
        {"graph_resolution": 0.5, "graph_full_at": 0},
        {"graph_resolution": 2.0, "graph_full_at": 0},
        *FULL_AT,
    ],
    "lexical": [
        {"graph_resolution": 2.0, "graph_full_at": 0, "graph_floor": f}
        for f in (0.0, 0.1, 0.2)
    ]
    + [{**g, "graph_floor": f} for g in FULL_AT for f in (0.0, 0.1, 0.2)],
}


def small_forums(engine, folds: int = 5, draws: int = 6, per_theme: int = 40):
    """Re-clustering in forums of every size and kind. A young forum holds a few
    themes: forums of 2, 3, 5 and 8 banking77 intents (``draws`` random draws of
    each size, ``per_theme`` posts an intent); a large one (all the intents of
    the training folds); and gitbugs, bug titles nearly all unrelated to each
    other, where joining unrelated posts is the failure. The Louvain resolution
    (``RESOLUTIONS``) is chosen by group CV: on the training folds, the best mean
    V over three kinds of forum (young: the mean over the sizes; grown: the large
    one; varied: gitbugs); then the same forums drawn from the held-out fold's
    groups (its "large" forum holds only that fold's intents), next to the
    engine's own resolution and to the online pass. Re-clustering starts from
    single posts."""
    rows = load("banking77")
    vectors = encode_cached(engine, [r["text"] for r in rows], "hybrid-banking77-all")
    bugs = load("gitbugs")
    bug_vectors = encode_cached(engine, [r["text"] for r in bugs], "hybrid-gitbugs-all")
    by_group = defaultdict(list)
    for i, r in enumerate(rows):
        by_group[r["group"]].append(i)
    groups = sorted(by_group)
    random.Random(11).shuffle(groups)
    fold_of = {g: k % folds for k, g in enumerate(groups)}
    bug_groups = sorted({r["group"] for r in bugs})
    random.Random(11).shuffle(bug_groups)
    bug_fold = {g: k % folds for k, g in enumerate(bug_groups)}

    def forums(pool: list[str], seed: int) -> list[list[int]]:
        rng = random.Random(seed)
        out = []
        for size in SIZES:
            for _ in range(draws):
                chosen = rng.sample(pool, min(size, len(pool)))
                idx = [
                    i
                    for g in chosen
                    for i in rng.sample(by_group[g], min(per_theme, len(by_group[g])))
                ]
                rng.shuffle(idx)
                out.append(idx)
        return out

    def v_of(eng, idx, data=rows, vecs=vectors) -> float:
        posts = [PostText(id=i, title=data[i]["text"]) for i in idx]
        drafts = recluster(eng, posts, [vecs[i] for i in idx])
        return v_measure([data[i]["group"] for i in idx], draft_labels(drafts, idx))

    def per_size(scores: list[float]) -> list[float]:
        return [
            float(np.mean(scores[k * draws : (k + 1) * draws]))
            for k in range(len(SIZES))
        ]

    def profile(eng, sample, large, bug_idx) -> list[float]:
        """V per forum: each size (mean of its draws), the large one, gitbugs."""
        return per_size([v_of(eng, idx) for idx in sample]) + [
            v_of(eng, large),
            v_of(eng, bug_idx, bugs, bug_vectors),
        ]

    def online_profile(sample, large, bug_idx) -> list[float]:
        out = []
        for idx, data, vecs in [(i, rows, vectors) for i in sample] + [
            (large, rows, vectors),
            (bug_idx, bugs, bug_vectors),
        ]:
            labels, _ = online(
                engine,
                [post_text(data[i]["text"], "") for i in idx],
                [vecs[i] for i in idx],
            )
            out.append(v_measure([data[i]["group"] for i in idx], labels))
        return per_size(out[: len(sample)]) + out[len(sample) :]

    def objective(v: list[float]) -> float:
        """Three kinds of forum weigh alike: young (the mean over the sizes),
        grown (the large one) and varied (gitbugs)."""
        return float(np.mean([np.mean(v[: len(SIZES)]), v[-2], v[-1]]))

    names = [f"{s} themes" for s in SIZES] + ["large", "gitbugs"]
    grid = SMALL_GRID[engine.name]
    settings = [replace(engine, **g) for g in grid]
    held = defaultdict(list)
    for k in range(folds):
        parts = []
        for keep in (lambda f, k=k: f != k), (lambda f, k=k: f == k):
            pool = [g for g in groups if keep(fold_of[g])]
            parts.append(
                (
                    forums(pool, 100 * k + len(pool)),
                    [i for g in pool for i in by_group[g]],
                    [i for i, r in enumerate(bugs) if keep(bug_fold[r["group"]])],
                )
            )
        train, test = parts
        profiles = [profile(e, *train) for e in settings]
        means = [objective(v) for v in profiles]
        best = int(np.argmax(means))
        for g, v in zip(grid, profiles, strict=True):
            print(f"      train {g}: " + " ".join(f"{x:.3f}" for x in v), flush=True)
        held["chosen"].append(profile(settings[best], *test))
        held["engine"].append(profile(engine, *test))
        held["online"].append(online_profile(*test))
        print(
            f"   fold {k}: chosen {grid[best]} (train objective {means[best]:.4f})"
            + "; held out "
            + ", ".join(
                f"{n} {c:.3f} (engine {o:.3f}, online {f:.3f})"
                for n, c, o, f in zip(names, *(held[h][-1] for h in held), strict=True)
            ),
            flush=True,
        )
    for name, values in held.items():
        mean = np.mean(values, axis=0)
        print(
            f"   held-out mean V, {name}: "
            + ", ".join(f"{n} {v:.3f}" for n, v in zip(names, mean, strict=True))
            + f"; objective {objective(list(mean)):.3f}",
            flush=True,
        )


SIMILAR_GRID = (0.0, 0.05, 0.1, 0.25, 0.5, 1.0)


def tune_similar(engine, rows, tag, folds: int = 5):
    """Suggestion weights (``Engine.similar_weights``) by cross-validation over the
    query groups: the score of every query against every post is split into the
    dense cosine and one cosine per term family; each weight vector of a grid (dense
    weight fixed at 1, or 0 for the lexical engine) is scored on the training folds
    and the winner on the held-out fold."""
    index, queries, corpus, qtexts, qvec = near_duplicate_index(engine, rows, tag)
    n_parts = 1 + len(FAMILIES)
    parts = []
    for part in range(n_parts):
        one_hot = tuple(1.0 if i == part else 0.0 for i in range(n_parts))
        index.engine = replace(engine, similar_weights=one_hot)
        parts.append(
            np.vstack(
                [
                    index.suggestion_scores(engine.decode(blob), text)
                    for text, blob in zip(qtexts, qvec, strict=True)
                ]
            )
        )
    index.engine = engine
    stacked = np.stack(parts, axis=-1)  # queries × posts × parts
    truth = np.array([c["group"] for c in corpus])
    query_groups = np.array([q["group"] for q in queries])
    # Candidates: the top 30 posts of each part hold nearly every top-5 hit.
    candidates = np.concatenate(
        [
            np.argpartition(-np.nan_to_num(p, neginf=-9), 30, axis=1)[:, :30]
            for p in parts
        ],
        axis=1,
    )
    features = np.take_along_axis(stacked, candidates[..., None], axis=1)
    features = np.nan_to_num(features, neginf=-9)
    same = truth[candidates] == query_groups[:, None]
    repeated = np.zeros_like(same)
    for q in range(len(candidates)):
        _, first = np.unique(candidates[q], return_index=True)
        repeated[q] = True
        repeated[q, first] = False
    dense_levels = (1.0,) if engine.dense else (0.0,)
    grid = [
        (d, *w)
        for d in dense_levels
        for w in itertools.product(SIMILAR_GRID, repeat=len(FAMILIES))
        if sum(w) > 0 or d > 0
    ]
    hits = np.zeros((len(grid), len(queries)), dtype=bool)
    for g, weights in enumerate(grid):
        score = features @ np.asarray(weights, dtype=np.float32)
        score[repeated] = -np.inf
        top = np.argpartition(-score, 5, axis=1)[:, :5]
        hits[g] = np.take_along_axis(same, top, axis=1).any(axis=1)
    groups = sorted(set(query_groups.tolist()))
    random.Random(11).shuffle(groups)
    fold_of = {g: k % folds for k, g in enumerate(groups)}
    fold = np.array([fold_of[g] for g in query_groups])
    held = []
    for k in range(folds):
        train = hits[:, fold != k].mean(axis=1)
        best = int(np.argmax(train))
        held.append(float(hits[best, fold == k].mean()))
        print(
            f"   fold {k}: chosen {grid[best]} train {train[best]:.4f} "
            f"held out {held[-1]:.4f}",
            flush=True,
        )
    current = engine.similar_weights
    print(
        f"   held-out mean {np.mean(held):.4f}; all queries: best "
        f"{grid[int(np.argmax(hits.mean(axis=1)))]} "
        f"{hits.mean(axis=1).max():.4f}"
        + (
            f", current {current} {hits[grid.index(current)].mean():.4f}"
            if current in grid
            else ""
        ),
        flush=True,
    )


# -- scale ---------------------------------------------------------------------------
def scale(engine, n: int, themes: int | None = None):
    """Speed at ``n`` posts of synthetic text and vectors with theme structure."""
    rng = np.random.default_rng(3)
    themes = themes or max(1, n // 20)
    words = np.array([f"w{i}" for i in range(20000)])
    centres = rng.standard_normal((themes, 384)).astype(np.float32)
    topic_words = rng.integers(0, len(words), size=(themes, 6))

    def sample(theme: int) -> tuple[bytes, str]:
        vec = centres[theme] + 1.2 * rng.standard_normal(384).astype(np.float32)
        vec /= np.linalg.norm(vec)
        own = words[rng.choice(topic_words[theme], 3)]
        text = " ".join([*own, *words[rng.integers(0, len(words), 5)]])
        return vec.astype(np.float16).tobytes(), text

    post_themes = rng.integers(0, themes, size=n)
    data = [sample(int(t)) for t in post_themes]
    index = ThemeIndex(engine, capacity=n + 16)
    t0 = time.perf_counter()
    for i, (blob, text) in enumerate(data):
        index.add(i, blob if engine.dense else b"", int(post_themes[i]), text)
    build_s = time.perf_counter() - t0
    assign_t, similar_t, similar_zh_t = [], [], []
    for _ in range(300):
        blob, text = sample(int(rng.integers(0, themes)))
        vec = engine.decode(blob) if engine.dense else None
        t1 = time.perf_counter()
        index.assign(vec, text)
        t2 = time.perf_counter()
        index.similar(vec, text, 5)
        t3 = time.perf_counter()
        # A Chinese query takes the re-ranker's path (Engine.rerank).
        index.similar(vec, "花呗怎么还款 " + text, 5)
        similar_zh_t.append(time.perf_counter() - t3)
        assign_t.append(t2 - t1)
        similar_t.append(t3 - t2)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    posts = [
        PostText(id=i, title=text, theme_id=int(post_themes[i]), pinned=i % 50 == 0)
        for i, (_blob, text) in enumerate(data)
    ]
    blobs = [blob if engine.dense else b"" for blob, _text in data]
    del index
    t0 = time.perf_counter()
    drafts = recluster(engine, posts, blobs)
    recluster_s = time.perf_counter() - t0
    truth = post_themes.tolist()
    pred = draft_labels(drafts, range(n))
    return {
        "posts": n,
        "synthetic_themes": themes,
        "index_build_s": round(build_s, 1),
        "assign_ms_p50": ms(assign_t, 50),
        "assign_ms_p95": ms(assign_t, 95),
        "similar_ms_p50": ms(similar_t, 50),
        "similar_ms_p95": ms(similar_t, 95),
        "similar_zh_ms_p95": ms(similar_zh_t, 95),
        "recluster_s": round(recluster_s, 1),
        "recluster_themes": len(drafts),
        "recluster_V_synthetic": round(v_measure(truth, pred), 3),
        "peak_rss_mb_before_recluster": round(rss_before),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    global DATA
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="hybrid,lexical", help="comma-separated")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="directory of the sets (default ../shared/data)",
    )
    parser.add_argument(
        "--sets",
        default="banking77,atec,gitbugs",
        help="comma-separated: sets of --data, or themes:FILE.jsonl / near:FILE.jsonl",
    )
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--tune",
        action="store_true",
        help="group CV: thresholds (banking77), suggestion weights (atec, gitbugs)",
    )
    parser.add_argument("--folds", type=int, default=3, help="with --tune")
    parser.add_argument(
        "--graph-grid",
        action="store_true",
        help="with --tune --engine lexical: the graph's neighbours and join level",
    )
    parser.add_argument(
        "--tune-graph",
        action="store_true",
        help="hybrid: the graph re-clustering by group CV over banking77 + gitbugs",
    )
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="banking77 re-clustered inside a ~20,000-post forum (with atec, gitbugs)",
    )
    parser.add_argument(
        "--small",
        action="store_true",
        help="re-clustering in forums of 2-8 themes; the resolution by group CV",
    )
    parser.add_argument(
        "--related",
        action="store_true",
        help="how often a theme offered as related is the same problem",
    )
    parser.add_argument(
        "--confidence",
        action="store_true",
        help="the theme page's confidence against the purity of banking77 themes",
    )
    parser.add_argument("--scale", type=int, default=0, help="synthetic posts")
    parser.add_argument("--threshold", type=float, default=None, help="online")
    parser.add_argument("--link", type=float, default=None, help="re-cluster")
    parser.add_argument("--dense-weight", type=float, default=None)
    args = parser.parse_args()
    DATA = args.data or DATA
    for name in args.engine.split(","):
        engine = get_engine(name)
        if engine.name != name:
            print(f"engine {name} unavailable, measuring {engine.name}")
        if args.threshold is not None:
            engine = replace(engine, assign_threshold=args.threshold)
        if args.link is not None:
            engine = replace(engine, link_threshold=args.link)
        if args.dense_weight is not None:
            engine = replace(engine, dense_weight=args.dense_weight)
        print(f"== {engine}", flush=True)
        if args.mixed:
            print("mixed", json.dumps(mixed(engine)), flush=True)
        if args.related:
            print("related", json.dumps(related_themes(engine), indent=1), flush=True)
            continue
        if args.confidence:
            print("confidence", json.dumps(confidence(engine), indent=1), flush=True)
            continue
        if args.tune_graph:
            tune_graph(engine, args.folds)
            continue
        if args.small:
            small_forums(engine, args.folds)
            continue
        if args.scale:
            print("scale", json.dumps(scale(engine, args.scale)), flush=True)
        for spec in filter(None, args.sets.split(",")):
            kind, set_name = protocol(spec)
            rows = load(set_name, args.limit)
            stem = data_path(set_name).stem if set_name.endswith(".jsonl") else set_name
            tag = f"hybrid-{stem}-{args.limit or 'all'}"
            t0 = time.perf_counter()
            if kind == "themes":
                vectors = encode_cached(engine, [r["text"] for r in rows], tag)
                if args.tune:
                    print(set_name, "tune", flush=True)
                    tune(engine, rows, vectors, args.folds, args.graph_grid)
                else:
                    result = themes_protocol(engine, rows, vectors)
                    print(set_name, json.dumps(result), flush=True)
            elif args.tune:
                print(set_name, "tune suggestions", flush=True)
                tune_similar(engine, rows, tag, args.folds)
            else:
                print(set_name, json.dumps(near_duplicates(engine, rows, tag)))
            print(f"  ({time.perf_counter() - t0:.1f} s)", flush=True)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS so far {peak:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
