"""A ``ThemeIndex`` saved to and loaded from one ``.npz`` file.

Building an index reads every post's text and computes its lexical terms (Chinese
segmentation, OpenCC, stemming): ~25 s per process at 100,000 posts. A snapshot
holds what that produced, as plain arrays (NumPy's format, loaded with
``allow_pickle=False``: no code runs when a file is read): the raw vectors as the
float16 they are stored as, the inverted lexical index as compressed rows, each
post's Chinese characters and the theme sums. Loading rebuilds the Python
structures from those arrays in a few seconds.

A snapshot is only valid for the engine and the code that made it: ``fingerprint``
covers the engine's settings and the source of the modules that turn text into
terms, and ``load`` returns None for any other. The caller (feedback/services/
index.py) brings a loaded index up to date with the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

from feedback.clustering.adapter import PATH as ADAPTER
from feedback.clustering.engine import DIM, Engine
from feedback.clustering.index import LANGUAGES, LazyList, Postings, ThemeIndex

FORMAT = 3
# Terms and character strings are stored joined by this separator; a term never
# holds it (text is split at control characters before terms are made), and
# ``save`` refuses an index where one does.
SEP = "\x00"
# What reading a missing, empty, truncated or foreign file raises.
_UNREADABLE = (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile)


def fingerprint(engine: Engine) -> str:
    """Engine settings plus the source of the code that makes terms from text."""
    from community import text as community_text
    from feedback.clustering import engine as engine_module
    from feedback.clustering import index as index_module

    digest = hashlib.sha256(f"{FORMAT}|{DIM}|{engine!r}".encode())
    for module in (community_text, engine_module, index_module):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(engine_module.REFERENCE_PATH.read_bytes())  # the centres
    if engine.adapter:
        digest.update(ADAPTER.read_bytes())
    return digest.hexdigest()[:32]


def _blob(strings: list[str]) -> np.ndarray:
    return np.frombuffer(SEP.join(strings).encode("utf-8"), dtype=np.uint8)


def _strings(blob: np.ndarray, n: int) -> list[str]:
    if n == 0:
        return []
    return blob.tobytes().decode("utf-8").split(SEP)


def save(index: ThemeIndex, path: str | os.PathLike, meta: dict) -> None:
    """Write ``index`` and ``meta`` (JSON-able) to ``path`` atomically: a
    temporary file in the same directory, then a rename, so a reader never sees
    half a file and two writers do not mix."""
    n = index.size
    vocab = list(index.postings)
    if any(SEP in term for term in vocab) or any(SEP in c for c in index.chars):
        raise ValueError("a term holds the snapshot separator")
    term_id = {term: i for i, term in enumerate(vocab)}
    entries = [index.postings[t].entries() for t in vocab]
    post_ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum([len(rows) for rows, _ in entries], out=post_ptr[1:])
    post_rows = np.concatenate(
        [rows for rows, _ in entries] or [np.zeros(0, dtype=np.int32)]
    )
    post_weights = np.concatenate(
        [weights for _, weights in entries] or [np.zeros(0, dtype=np.float64)]
    )
    del entries
    slots = len(index.theme_keys)
    lex_ptr = np.zeros(slots + 1, dtype=np.int64)
    np.cumsum([len(lex) for lex in index.theme_lex], out=lex_ptr[1:])
    lex_terms = np.fromiter(
        (term_id[t] for lex in index.theme_lex for t in lex),
        dtype=np.int32,
        count=int(lex_ptr[-1]),
    )
    lex_values = np.fromiter(
        (v for lex in index.theme_lex for v in lex.values()),
        dtype=np.float64,
        count=int(lex_ptr[-1]),
    )
    dense = index.raw is not None
    arrays = {
        "meta": np.frombuffer(
            json.dumps(
                {**meta, "format": FORMAT, "fingerprint": fingerprint(index.engine)}
            ).encode(),
            dtype=np.uint8,
        ),
        "ids": index.ids[:n],
        "themes": index.themes[:n],
        "active": index.active[:n],
        "family_norm": index.family_norm[:n],
        "raw": index.raw[:n].astype(np.float16) if dense else np.zeros(0),
        "lang": index.lang[:n],
        # One row per language; a language without its own mean yet is left out.
        "mean_langs": np.array(sorted(index.means), dtype=np.int64),
        "means": np.array(
            [index.means[k] for k in sorted(index.means)], dtype=np.float32
        ).reshape(-1, DIM),
        "next_recentre": np.array(index.next_recentre, dtype=np.int64),
        "vocab": _blob(vocab),
        "post_ptr": post_ptr,
        "post_rows": post_rows,
        "post_weights": post_weights,
        "chars": _blob(index.chars),
        "theme_keys": np.array(index.theme_keys, dtype=np.int64),
        "theme_n": np.array(index.theme_n[: len(index.theme_keys)], dtype=np.int64),
        "theme_lex_ptr": lex_ptr,
        "theme_lex_terms": lex_terms,
        "theme_lex_values": lex_values,
        "theme_lex_sq": np.array(index.theme_lex_sq, dtype=np.float64),
        "theme_sum": index.theme_sum[:slots] if dense else np.zeros(0),
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".snapshot-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.chmod(tmp, 0o644)  # as a plain open() would (mkstemp makes it 0600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_meta(path: str | os.PathLike) -> dict | None:
    """The metadata of the snapshot at ``path``; None if there is none."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return json.loads(data["meta"].tobytes())
    except _UNREADABLE:
        return None


def load(path: str | os.PathLike, engine: Engine) -> tuple[ThemeIndex, dict] | None:
    """The index saved at ``path`` and its metadata, or None when there is no
    readable snapshot there or it was made by another engine or code."""
    try:
        data = np.load(path, allow_pickle=False)
    except _UNREADABLE:
        return None
    with data:
        try:
            meta = json.loads(data["meta"].tobytes())
        except _UNREADABLE:
            return None
        if meta.get("fingerprint") != fingerprint(engine):
            return None
        return _restore(data, engine), meta


def _restore(data, engine: Engine) -> ThemeIndex:
    ids = data["ids"]
    n = len(ids)
    index = ThemeIndex(engine, capacity=max(1024, n + n // 4 + 1))
    index.size = n
    index.ids[:n] = ids
    index.themes[:n] = data["themes"]
    index.active[:n] = data["active"]
    index.family_norm[:n] = data["family_norm"]
    index.row_of = dict(zip(ids.tolist(), range(n), strict=True))
    index.next_recentre = data["next_recentre"].tolist()
    index.lang[:n] = data["lang"]
    index.lang_count = np.bincount(index.lang[:n], minlength=len(LANGUAGES)).tolist()
    index.means = {
        int(k): m.astype(np.float32)
        for k, m in zip(data["mean_langs"], data["means"], strict=True)
    }
    if index.raw is not None and n:
        index.raw[:n] = data["raw"]
        index.centre_all()
    ptr = data["post_ptr"]
    vocab = _strings(data["vocab"], len(ptr) - 1)
    # A term's document frequency is the length of its postings: both grow by one
    # for each post holding it and neither shrinks.
    index.df = Counter(dict(zip(vocab, np.diff(ptr).tolist(), strict=True)))
    rows = data["post_rows"]
    weights = data["post_weights"]
    bounds = ptr.tolist()
    postings = index.postings
    for i, term in enumerate(vocab):
        a, b = bounds[i], bounds[i + 1]
        postings[term] = Postings(frozen=(rows[a:b], weights[a:b]))
    # Each row's own terms: the postings read the other way round, made into a
    # dict only when the row's post moves.
    order = np.argsort(rows, kind="stable")
    row_terms = np.repeat(np.arange(len(vocab), dtype=np.int32), np.diff(ptr))[order]
    row_weights = weights[order]
    row_bounds = np.searchsorted(rows[order], np.arange(n + 1))

    def terms_of(row: int) -> dict[str, float]:
        a, b = row_bounds[row], row_bounds[row + 1]
        return dict(
            zip(
                [vocab[t] for t in row_terms[a:b].tolist()],
                row_weights[a:b].tolist(),
                strict=True,
            )
        )

    index.terms = LazyList(n, terms_of)
    index.chars = _strings(data["chars"], n)
    keys = data["theme_keys"].tolist()
    index.theme_keys = keys
    index.theme_row = {key: slot for slot, key in enumerate(keys)}
    index.theme_n = np.array(data["theme_n"], dtype=np.int64)
    index.theme_langs = np.zeros((max(64, len(keys)), len(LANGUAGES)), dtype=np.int32)
    member = np.nonzero(index.active[:n] & (index.themes[:n] >= 0))[0]
    if len(member):
        slot_of = np.vectorize(index.theme_row.__getitem__, otypes=[np.int64])
        np.add.at(
            index.theme_langs, (slot_of(index.themes[member]), index.lang[member]), 1
        )
    index.theme_lex_sq = data["theme_lex_sq"].tolist()
    lex_ptr = data["theme_lex_ptr"]
    lex_terms = data["theme_lex_terms"]
    lex_values = data["theme_lex_values"]

    def lex_of(slot: int) -> Counter:
        a, b = lex_ptr[slot], lex_ptr[slot + 1]
        return Counter(
            dict(
                zip(
                    [vocab[t] for t in lex_terms[a:b].tolist()],
                    lex_values[a:b].tolist(),
                    strict=True,
                )
            )
        )

    index.theme_lex = LazyList(len(keys), lex_of)
    if index.theme_sum is not None:
        slots = max(64, len(keys))
        index.theme_sum = np.zeros((slots, DIM), dtype=np.float32)
        index.theme_sum[: len(keys)] = data["theme_sum"]
        norms = np.linalg.norm(index.theme_sum, axis=1, keepdims=True)
        index.theme_unit = np.where(
            norms > 1e-6, index.theme_sum / np.maximum(norms, 1e-6), 0
        ).astype(np.float32)
    return index
