"""A floor under the similar-post suggestions, by cross-validation over groups.

The form's "Is it one of these?" list shows the best five posts whatever their
score, so a fan with a new problem is offered unrelated posts to vote on. This
measures what a floor on the suggestion score costs and saves, per scoring path
(Chinese queries are re-ranked, others keep the base score, so each has its own
scale): on the near-duplicate protocol's queries (data README) it costs recall@5
(a hit counts only when the partner's score clears the floor); on queries that
have no labelled duplicate it removes suggestions. Those are, for atec, singletons
outside the protocol's corpus, and for gitbugs, corpus singletons asked with
themselves left out. (atec's labels are incomplete: many of those "no duplicate"
queries do have a paraphrase in the corpus, so the savings there are a floor.)

For each of 5 folds over the query groups, the highest floor whose recall@5 on the
other folds is within ``--loss`` of no floor is chosen and scored on the held-out
fold. Prints, per set: the folds, the held-out loss, and how many suggestions the
chosen floor leaves to queries with and without a duplicate.

    .venv/bin/python bench/suggestion_floor.py --sets atec,gitbugs
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cluster_quality import (  # noqa: E402
    encode_cached,
    load,
    near_duplicate_index,
)

from feedback.clustering import get_engine  # noqa: E402

K = 5


def top_scores(index, engine, texts, blobs, skip=None):
    """Each query's best K (post id, score), leaving out ``skip[i]`` if given."""
    out = []
    for i, (text, blob) in enumerate(zip(texts, blobs, strict=True)):
        hits = index.similar(engine.decode(blob), text, k=K + 1)
        hits = [h for h in hits if skip is None or h.post_id != skip[i]][:K]
        out.append([(h.post_id, h.score) for h in hits])
    return out


def measure(set_name: str, engine, loss: float, folds: int = 5, n_neg: int = 800):
    rows = load(set_name)
    tag = f"hybrid-{set_name}-all"
    index, queries, corpus, qtexts, qvec = near_duplicate_index(engine, rows, tag)
    positives = top_scores(index, engine, qtexts, qvec)
    group_of = [c["group"] for c in corpus]
    # The score of each query's best labelled partner among its top K (or None).
    partner = []
    for q, top in zip(queries, positives, strict=True):
        scores = [s for pid, s in top if group_of[pid] == q["group"]]
        partner.append(max(scores) if scores else None)

    sizes = {}
    for r in rows:
        sizes[r["group"]] = sizes.get(r["group"], 0) + 1
    rng = random.Random(5)
    in_corpus = {id(c) for c in corpus}
    if set_name == "gitbugs":  # every singleton is in the corpus: leave one out
        pool = [i for i, c in enumerate(corpus) if sizes[c["group"]] == 1]
        picked = rng.sample(pool, min(n_neg, len(pool)))
        ntexts = [corpus[i]["text"] for i in picked]
        nvec = _blobs(engine, ntexts, tag + "-neg")
        negatives = top_scores(index, engine, ntexts, nvec, skip=picked)
    else:
        pool = [r for r in rows if sizes[r["group"]] == 1 and id(r) not in in_corpus]
        picked = rng.sample(pool, min(n_neg, len(pool)))
        ntexts = [r["text"] for r in picked]
        nvec = _blobs(engine, ntexts, tag + "-neg")
        negatives = top_scores(index, engine, ntexts, nvec)

    pos_scores = [[s for _pid, s in top] for top in positives]
    neg_scores = [[s for _pid, s in top] for top in negatives]
    candidates = np.unique(np.round([s for top in pos_scores for s in top], 3))
    candidates = np.concatenate([[-np.inf], candidates])

    groups = sorted({q["group"] for q in queries})
    random.Random(11).shuffle(groups)
    fold_of = {g: k % folds for k, g in enumerate(groups)}
    fold = np.array([fold_of[q["group"]] for q in queries])
    part = np.array([-np.inf if p is None else p for p in partner])

    def recall(floor, mask):
        return float(((part >= floor) & np.isfinite(part))[mask].mean())

    def shown(floor, lists):
        return float(np.mean([sum(s >= floor for s in top) for top in lists]))

    def empty(floor, lists):
        return float(np.mean([all(s < floor for s in top) for top in lists]))

    print(f"{set_name}: {len(queries)} queries, {len(negatives)} without a duplicate")
    print(f"   no floor: recall@5 {recall(-np.inf, fold >= 0):.4f}")
    chosen, held = [], []
    for k in range(folds):
        train = fold != k
        base = recall(-np.inf, train)
        ok = [f for f in candidates if recall(f, train) >= base - loss]
        floor = max(ok)
        chosen.append(floor)
        held.append(recall(-np.inf, ~train) - recall(floor, ~train))
        print(
            f"   fold {k}: floor {floor:.3f}, held-out recall@5 "
            f"{recall(-np.inf, ~train):.4f} -> {recall(floor, ~train):.4f}"
        )
    floor = float(np.median(chosen))
    print(
        f"   held-out loss {np.mean(held):.4f} (folds' floors {min(chosen):.3f}–"
        f"{max(chosen):.3f}, median {floor:.3f})"
    )
    print(
        f"   at {floor:.3f}: suggestions shown, queries with a duplicate "
        f"{shown(-np.inf, pos_scores):.2f} -> {shown(floor, pos_scores):.2f}; "
        f"without {shown(-np.inf, neg_scores):.2f} -> {shown(floor, neg_scores):.2f} "
        f"(none at all for {empty(floor, neg_scores):.0%} of them, "
        f"{empty(floor, pos_scores):.0%} of those with one); "
        f"all queries recall@5 {recall(-np.inf, fold >= 0):.4f} -> "
        f"{recall(floor, fold >= 0):.4f}"
    )
    return floor


def _blobs(engine, texts, tag):
    return encode_cached(engine, texts, tag)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="atec,gitbugs")
    parser.add_argument(
        "--loss", type=float, default=0.005, help="recall@5 allowed to go"
    )
    args = parser.parse_args()
    engine = get_engine("hybrid")
    for name in args.sets.split(","):
        measure(name, engine, args.loss)


if __name__ == "__main__":
    main()
