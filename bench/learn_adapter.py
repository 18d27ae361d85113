"""Learn the linear map applied to centred e5 vectors (feedback/clustering/adapter.py).

e5 was not trained on short support questions, and two texts that ask the same thing
in other words (怎么提升花呗金额 / 花呗额度…) often sit further apart than two texts
that differ in one telling word. A square matrix ``W`` (start: the identity) is
fitted so that, after ``x → normalise(x W)``, each text of a group of the training
data is nearer to another text of its group than to the other texts of a batch and
to sampled singletons (InfoNCE, temperature ``TAU``, Adam; plain NumPy gradients).
With ``--folds`` it reports the dense recall@5 and @30 of the near-duplicate
protocol on each fold of groups, with a map learned on the other folds only, and
the same on other sets (``--check``) with the map learned on all training groups
of each fold. Without, it learns from all groups and writes ``adapter.npy``.

    .venv/bin/python bench/learn_adapter.py --folds 5 --check gitbugs
    .venv/bin/python bench/learn_adapter.py
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import cluster_quality as cq  # noqa: E402

from feedback.clustering import get_engine  # noqa: E402
from feedback.clustering.adapter import PATH  # noqa: E402

TAU = 0.05
EPOCHS = 5  # held-out recall peaks at 4–6 epochs and falls after ~10 (overfitting)
BATCH = 256  # groups per step
NEGATIVES = 512  # sampled singletons per step
LR = 1e-3
FOLDS_SEED = 11
HARD = 0  # mined hard negatives per anchor


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def near_set(engine, name: str):
    """Centred query and corpus vectors of a near-duplicate set, and their groups."""
    rows = cq.load(name)
    queries, corpus = cq.near_duplicate_split(rows)
    tag = f"{engine.name}-{name}-all"
    decode = lambda blobs: np.array(  # noqa: E731
        [np.frombuffer(b, dtype=np.float16) for b in blobs], dtype=np.float32
    )
    q = decode(cq.encode_cached(engine, [r["text"] for r in queries], tag + "-queries"))
    c = decode(cq.encode_cached(engine, [r["text"] for r in corpus], tag + "-corpus"))
    mean = np.vstack([q, c]).mean(axis=0)
    return (
        unit(q - mean),
        unit(c - mean),
        np.array([str(r["group"]) for r in queries]),
        np.array([str(r["group"]) for r in corpus]),
    )


def mined(x: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """Each row's ``k`` nearest rows of other groups (hard negatives)."""
    out = np.zeros((len(x), k), dtype=np.int64)
    for start in range(0, len(x), 2048):
        sims = x[start : start + 2048] @ x.T
        same = groups[start : start + 2048, None] == groups[None, :]
        sims[same] = -2
        out[start : start + 2048] = np.argpartition(-sims, k, axis=1)[:, :k]
    return out


def learn(
    x: np.ndarray, groups: np.ndarray, seed: int = 0, hard: int = 0
) -> np.ndarray:
    """``W`` (d × d) from centred unit vectors ``x`` and their ``groups``."""
    members = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    multi = [v for v in members.values() if len(v) >= 2]
    singles = np.array([v[0] for v in members.values() if len(v) == 1])
    near = mined(x, groups, hard) if hard else None
    d = x.shape[1]
    w = np.eye(d)
    m, v = np.zeros_like(w), np.zeros_like(w)
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    step = 0
    for _ in range(EPOCHS):
        rng.shuffle(multi)
        for start in range(0, len(multi), BATCH):
            pairs = [rng.sample(g, 2) for g in multi[start : start + BATCH]]
            a = x[[p[0] for p in pairs]]
            p = x[[p[1] for p in pairs]]
            n = x[nrng.choice(singles, NEGATIVES)] if len(singles) else x[:0]
            if near is not None:
                n = np.vstack([n, x[near[[p[0] for p in pairs]].ravel()]])
            grad = gradient(w, a, p, n)
            step += 1
            m = 0.9 * m + 0.1 * grad
            v = 0.999 * v + 0.001 * grad * grad
            w -= LR * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return w.astype(np.float32)


def gradient(w, a, p, n) -> np.ndarray:
    """d loss / d W of the symmetric InfoNCE loss: each ``a`` should pick its own
    ``p`` among all ``p`` and ``n``, each ``p`` its own ``a`` among all ``a``."""
    ys = [a @ w, p @ w, n @ w]
    norms = [np.linalg.norm(y, axis=1, keepdims=True) for y in ys]
    za, zp, zn = (y / nrm for y, nrm in zip(ys, norms, strict=True))
    b = len(za)
    label = np.arange(b)
    others = np.vstack([zp, zn])
    g1 = softmax(za @ others.T / TAU)
    g1[label, label] -= 1
    g1 /= b * TAU
    g2 = softmax(zp @ za.T / TAU)
    g2[label, label] -= 1
    g2 /= b * TAU
    d_za = g1 @ others + g2.T @ zp
    d_others = g1.T @ za
    d_zp = d_others[:b] + g2 @ za
    d_zn = d_others[b:]
    grad = np.zeros_like(w)
    for x, z, nrm, dz in zip(
        (a, p, n), (za, zp, zn), norms, (d_za, d_zp, d_zn), strict=True
    ):
        dy = (dz - z * (dz * z).sum(axis=1, keepdims=True)) / nrm
        grad += x.T @ dy
    return grad


def softmax(s: np.ndarray) -> np.ndarray:
    s = np.exp(s - s.max(axis=1, keepdims=True))
    return s / s.sum(axis=1, keepdims=True)


def recall(q, c, qg, cg, ks=(5, 30)) -> list[float]:
    top = np.argsort(-(q @ c.T), axis=1)[:, : max(ks)]
    hit = cg[top] == qg[:, None]
    return [round(float(hit[:, :k].any(axis=1).mean()), 4) for k in ks]


def mapped(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return unit(x @ w)


def cross_validate(
    engine, name: str, folds: int, checks: list[str], hard: int = 0
) -> None:
    q, c, qg, cg = near_set(engine, name)
    groups = sorted(set(qg) | set(cg))
    random.Random(FOLDS_SEED).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    qf = np.array([fold_of[g] for g in qg])
    cf = np.array([fold_of[g] for g in cg])
    others = {other: near_set(engine, other) for other in checks}
    before, after = [], []
    for k in range(folds):
        w = learn(
            np.vstack([q[qf != k], c[cf != k]]),
            np.concatenate([qg[qf != k], cg[cf != k]]),
            seed=k,
            hard=hard,
        )
        held = qf == k
        line = {
            "fold": k,
            name: (
                recall(q[held], c, qg[held], cg),
                recall(mapped(q[held], w), mapped(c, w), qg[held], cg),
            ),
        }
        for other, (oq, oc, oqg, ocg) in others.items():
            line[other] = (
                recall(oq, oc, oqg, ocg),
                recall(mapped(oq, w), mapped(oc, w), oqg, ocg),
            )
        before.append({key: val[0] for key, val in line.items() if key != "fold"})
        after.append({key: val[1] for key, val in line.items() if key != "fold"})
        print(line, flush=True)
    for key in before[0]:
        print(
            f"{key}: recall@5/@30 dense, held out",
            np.mean([b[key] for b in before], axis=0).round(4),
            "→",
            np.mean([a[key] for a in after], axis=0).round(4),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="atec")
    parser.add_argument("--folds", type=int, default=0)
    parser.add_argument("--check", default="", help="comma-separated other sets")
    parser.add_argument("--hard", type=int, default=HARD, help="mined negatives")
    args = parser.parse_args()
    engine = get_engine("hybrid")
    if args.folds:
        checks = [s for s in args.check.split(",") if s]
        cross_validate(engine, args.set, args.folds, checks, args.hard)
        return
    q, c, qg, cg = near_set(engine, args.set)
    w = learn(np.vstack([q, c]), np.concatenate([qg, cg]), hard=args.hard)
    np.save(PATH, w.astype(np.float16))
    change = float(np.linalg.norm(w - np.eye(len(w))))
    print("wrote", PATH, "‖W − I‖ =", round(change, 3))


if __name__ == "__main__":
    main()
