"""A seeded sample of near-duplicate misses, for judging by hand.

A miss is a query of the near-duplicate protocol (../shared/data/README.md) whose
labelled partners are all outside its top 5 suggestions. The labels are incomplete
(atec: an unlabelled pair may still be a duplicate), so a miss is not always a bad
suggestion list: this prints, for a random sample of misses, the query, the first
suggestion and the best-ranked labelled partner, so a reader can judge whether the
first suggestion asks the same thing. It goes through ``ThemeIndex.similar``, the
path of ``GET /api/v1/similar``.

    .venv/bin/python bench/misses.py --set atec --n 40
    .venv/bin/python bench/misses.py --set gitbugs --n 10
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cluster_quality as cq  # noqa: E402

from feedback.clustering import get_engine  # noqa: E402

DEPTH = 30  # how far down the list a labelled partner is looked for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="atec", choices=("atec", "gitbugs"))
    parser.add_argument("--engine", default="hybrid")
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    engine = get_engine(args.engine)
    rows = cq.load(args.set)
    index, queries, corpus, qtexts, qvec = cq.near_duplicate_index(
        engine, rows, f"hybrid-{args.set}-all"
    )
    misses = []
    for query, text, blob in zip(queries, qtexts, qvec, strict=True):
        found = index.similar(engine.decode(blob), text, k=DEPTH)
        same = [
            rank
            for rank, s in enumerate(found)
            if corpus[s.post_id]["group"] == query["group"]
        ]
        if not same or same[0] >= 5:
            partner = (
                f"rank {same[0] + 1}: {corpus[found[same[0]].post_id]['text']}"
                if same
                else f"not in the top {DEPTH}"
            )
            first = corpus[found[0].post_id]["text"] if found else "(none)"
            misses.append((text, first, partner))
    print(
        f"{len(misses)} misses of {len(queries)} queries "
        f"(recall@5 {1 - len(misses) / len(queries):.4f}); "
        f"sample of {min(args.n, len(misses))}, seed {args.seed}:\n"
    )
    sample = random.Random(args.seed).sample(misses, min(args.n, len(misses)))
    for i, (text, first, partner) in enumerate(sample, 1):
        print(f"{i:3}. query:   {text}\n     first:   {first}\n     partner: {partner}")


if __name__ == "__main__":
    main()
