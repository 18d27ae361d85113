"""An in-memory, incrementally updated index of posts and their themes.

Dense vectors sit in one contiguous float32 matrix (grown by doubling), searched with
one matrix-vector product; lexical TF-IDF vectors sit in an inverted index (term →
arrays of rows and weights), searched by touching only the query's terms. Terms that
occur in more than ``COMMON_TERM_SHARE`` of the posts are skipped at query time: their
IDF is near zero and their postings are the longest.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict

import numpy as np

from feedback.clustering.engine import (
    DIM,
    FAMILIES,
    Engine,
    _reference_mean,
    cjk_chars,
    family,
    language,
    lexical_terms,
)
from feedback.clustering.mismatch import BONUS, PENALTY
from feedback.clustering.rerank import (
    FEATURES,
    HUB_K,
    HUB_SAMPLE,
    char_sums,
    rerank,
)
from feedback.clustering.rerank import (
    pair_features as rerank_features,
)
from feedback.clustering.rerank_weights import ONE_SIDED, SHARED, WEIGHTS
from feedback.clustering.types import Assignment, Related, Similar

COMMON_TERM_SHARE = 0.05
# Below this many posts of a language the reference centre of that language is used;
# from here on the mean of the corpus' posts in it.
RECENTRE_FROM = 64
# Vectors are centred per language: e5 puts texts of one language near each other
# whatever they say (see ``agglomerate.dense_matrix``). Row codes index this tuple.
LANGUAGES = ("en", "zh")
CANDIDATES = 40
# Rows centred at a time when a language's mean changes.
CHUNK = 8192
# Suggestions re-ranked (character mismatch penalty, or the learned re-ranker).
# With the Chinese vector map, 50 instead of 30: atec recall@5 held out 0.477 →
# 0.481 (recall@50 of the base order 0.894 vs @30 0.820); 50 had also gained
# 0.0035 before the map, twice in the same direction, for ~5/3 of the
# re-ranker's per-query work (a few ms).
RERANK = 50
THEME_EVIDENCE = 3
# Suggestions in a large forum: every post's dense cosine is first estimated from
# a sketch of its vector (its coordinates along the SKETCH_DIM principal axes of
# the forum's vectors, a third of the bytes to read), then computed exactly for
# the SHORTLIST rows the sketch ranks best. Below SKETCH_FROM posts the full scan
# is cheap (2 ms) and exact. See ``dense_scores``.
SKETCH_FROM = 20_000
SKETCH_DIM = 128
SHORTLIST = 1000
SKETCH_SAMPLE = 20_000  # rows (evenly spaced) the axes are fitted on
# A theme's heaviest lexical terms, compared with other themes' in ``related``.
THEME_TERMS = 30


class Postings:
    """The rows holding a term and the term's weight in each: those loaded from a
    snapshot (``frozen``, NumPy views) and, after them, the rows added since, in
    typed arrays (12 bytes a row; Python lists of int and float objects took ~70,
    about 1 GB of a 100,000-post index with bodies).

    Queries read them as arrays (``as_arrays``), kept between queries and only
    extended by the rows added since: remaking them from every row after each new
    post cost ~1 ms a common term in the next query (at 100,000 posts, a new post
    adds to its terms' postings and the next post's query reads the same terms).
    """

    __slots__ = ("rows", "weights", "arrays", "frozen")

    def __init__(self, frozen: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.rows = array("i")
        self.weights = array("d")
        self.arrays: tuple[np.ndarray, np.ndarray] | None = None
        self.frozen = frozen

    def add(self, row: int, weight: float) -> None:
        self.rows.append(row)
        self.weights.append(weight)

    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        """Every row and weight (int32, float64), the frozen ones first."""
        rows = np.array(self.rows, dtype=np.int32)  # copies: the arrays may grow
        weights = np.array(self.weights, dtype=np.float64)
        if self.frozen is None:
            return rows, weights
        return (
            np.concatenate([self.frozen[0].astype(np.int32), rows]),
            np.concatenate([self.frozen[1].astype(np.float64), weights]),
        )

    def as_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        arrays = self.arrays
        if arrays is None:
            if self.frozen is not None:
                arrays = (
                    self.frozen[0].astype(np.int64),
                    self.frozen[1].astype(np.float32),
                )
            else:
                arrays = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        done = len(arrays[0]) - (0 if self.frozen is None else len(self.frozen[0]))
        if done < len(self.rows):
            # Copies of the new rows only (a view of a typed array would stop it
            # from growing).
            arrays = (
                np.concatenate([arrays[0], np.array(self.rows[done:], np.int64)]),
                np.concatenate([arrays[1], np.array(self.weights[done:], np.float32)]),
            )
        self.arrays = arrays
        return arrays


class LazyList:
    """A list whose first items are made on first access (``make(i)``): an index
    loaded from a snapshot builds a row's terms or a theme's lexical sum only
    when a post moves or the theme is scored, not all of them at load."""

    __slots__ = ("items", "make")

    def __init__(self, n: int, make) -> None:
        self.items: list = [None] * n
        self.make = make

    def __getitem__(self, i: int):
        item = self.items[i]
        if item is None:
            item = self.items[i] = self.make(i)
        return item

    def append(self, item) -> None:
        self.items.append(item)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return (self[i] for i in range(len(self.items)))

    def __eq__(self, other) -> bool:
        return list(self) == list(other)


def matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``matrix @ vector`` for a tall row-major matrix (every post's or theme's
    vector against one query). einsum's own SIMD loop reads the rows once, at
    memory speed: OpenBLAS's transposed matrix-vector product on the one thread a
    web worker allows takes twice as long (100,000 × 384: 7.6 vs 13 ms)."""
    return np.einsum("ij,j->i", matrix, vector)


class ThemeIndex:
    def __init__(self, engine: Engine, capacity: int = 1024) -> None:
        self.engine = engine
        self.size = 0
        self.ids = np.zeros(capacity, dtype=np.int64)
        self.themes = np.full(capacity, -1, dtype=np.int64)
        self.active = np.zeros(capacity, dtype=bool)
        self.dense = (
            np.zeros((capacity, DIM), dtype=np.float32) if engine.dense else None
        )
        self.raw = np.zeros((capacity, DIM), dtype=np.float32) if engine.dense else None
        self.lang = np.zeros(capacity, dtype=np.int8)
        # The corpus' own mean of each language that has RECENTRE_FROM posts.
        self.means: dict[int, np.ndarray] = {}
        self.next_recentre = [RECENTRE_FROM] * len(LANGUAGES)
        self.lang_count = [0] * len(LANGUAGES)
        self.row_of: dict[int, int] = {}
        self.postings: dict[str, Postings] = defaultdict(Postings)
        self.df: Counter = Counter()
        self.terms: list[dict[str, float]] = []
        # Norm of each term family (words, 4-grams, Chinese bigrams) within each
        # row's unit TF-IDF vector: dividing a family's partial dot product by it
        # gives that family's own cosine, which suggestions weigh separately.
        self.family_norm = np.ones((capacity, len(FAMILIES)), dtype=np.float32)
        # Each post's distinct Chinese characters as one short string: a set per
        # post would cost kilobytes; sets are built only for the rows re-ranked.
        self.chars: list[str] = []
        self.mismatch_penalty: dict[str, float] = PENALTY
        self.match_bonus: dict[str, float] = BONUS
        self.rerank_weights = np.array(
            [WEIGHTS.get(name, 0.0) for name in FEATURES], dtype=np.float32
        )
        self.rerank_one_sided: dict[str, float] = ONE_SIDED
        self.rerank_shared: dict[str, float] = SHARED
        # Theme centroids: sums of members' centred vectors and lexical weights.
        self.theme_row: dict[int, int] = {}
        self.theme_keys: list[int] = []
        # Posts per theme slot; slots from len(theme_keys) on are spare capacity
        # (an array, not a list: assignment masks empty themes with it per post).
        self.theme_n = np.zeros(64, dtype=np.int64)
        # How many of each theme's posts are in each of LANGUAGES.
        self.theme_langs = np.zeros((64, len(LANGUAGES)), dtype=np.int32)
        self.theme_sum = np.zeros((64, DIM), dtype=np.float32) if engine.dense else None
        self.theme_unit = (
            np.zeros((64, DIM), dtype=np.float32) if engine.dense else None
        )
        # The sketch (see SKETCH_FROM): (basis, every row @ basis), fitted when the
        # index first reaches SKETCH_FROM posts and again each time it doubles.
        # One attribute, replaced whole, so a reader never pairs a new basis with
        # old rows.
        self.sketch: tuple[np.ndarray, np.ndarray] | None = None
        self.sketched_at = 0
        self.theme_lex: list[Counter] = []
        # Σ weight² of each theme's lexical sum, kept current so that scoring a theme
        # does not walk its whole vocabulary.
        self.theme_lex_sq: list[float] = []

    # -- maintenance -----------------------------------------------------------------
    def _grow(self) -> None:
        capacity = len(self.ids) * 2
        self.ids = np.resize(self.ids, capacity)
        themes = np.full(capacity, -1, dtype=np.int64)
        themes[: self.size] = self.themes[: self.size]
        self.themes = themes
        active = np.zeros(capacity, dtype=bool)
        active[: self.size] = self.active[: self.size]
        self.active = active
        family_norm = np.ones((capacity, len(FAMILIES)), dtype=np.float32)
        family_norm[: self.size] = self.family_norm[: self.size]
        self.family_norm = family_norm
        self.lang = np.resize(self.lang, capacity)
        if self.dense is not None:
            dense = np.zeros((capacity, DIM), dtype=np.float32)
            dense[: self.size] = self.dense[: self.size]
            self.dense = dense
            raw = np.zeros((capacity, DIM), dtype=np.float32)
            raw[: self.size] = self.raw[: self.size]
            self.raw = raw
        if self.sketch is not None:
            basis, rows = self.sketch
            grown = np.zeros((capacity, SKETCH_DIM), dtype=np.float32)
            grown[: self.size] = rows[: self.size]
            self.sketch = (basis, grown)

    def idf(self, term: str) -> float:
        return math.log((self.size + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def _weights(self, counts: Counter) -> dict[str, float]:
        weights = {t: (1 + math.log(c)) * self.idf(t) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def add(self, post_id: int, vector, theme_id: int | None, text: str) -> None:
        if post_id in self.row_of:
            self.move(post_id, theme_id)
            return
        if self.size == len(self.ids):
            self._grow()
        row = self.size
        self.size += 1
        self.ids[row] = post_id
        self.themes[row] = -1 if theme_id is None else theme_id
        self.active[row] = True
        self.row_of[post_id] = row
        vec = None
        if self.dense is not None:
            vec = self.engine.decode(vector) if isinstance(vector, bytes) else vector
        lang = self.lang[row] = self.language(text, vec)
        self.lang_count[lang] += 1
        if vec is not None:
            self.raw[row] = vec
            self.dense[row] = self.centre(vec, lang)
            if self.sketch is not None:
                basis, rows = self.sketch
                rows[row] = self.dense[row] @ basis
        counts = lexical_terms(text)
        self.df.update(counts.keys())
        weights = self._weights(counts)
        self.terms.append(weights)
        self.chars.append(
            "".join(sorted(cjk_chars(text)))
            if self.engine.mismatch_weight or self.engine.rerank
            else ""
        )
        sq = [0.0] * len(FAMILIES)
        for term, weight in weights.items():
            self.postings[term].add(row, weight)
            sq[family(term)] += weight * weight
        self.family_norm[row] = [math.sqrt(v) if v > 0 else 1.0 for v in sq]
        self._join(row, self.themes[row])
        if self.dense is not None and self.lang_count[lang] >= self.next_recentre[lang]:
            self._recentre(lang)
        if self.dense is not None and self.size >= max(
            SKETCH_FROM, 2 * self.sketched_at
        ):
            self._fit_sketch()

    def language(self, text: str, vector) -> int:
        """The code in ``LANGUAGES`` of a post or query (see ``engine.language``)."""
        if self.dense is None:
            vector = None
        return LANGUAGES.index(language(text, vector))

    def centre(self, vector, lang: int) -> np.ndarray:
        """``vector`` centred on the mean of language ``lang`` (see ``language``)."""
        return self.engine.center(vector, self.means.get(lang), LANGUAGES[lang])

    def centre_rows(self, rows: np.ndarray) -> np.ndarray:
        """The centred, unit vectors of ``rows``; rows without a vector stay 0."""
        raw = self.raw[rows]
        out = raw.copy()
        for lang, name in enumerate(LANGUAGES):
            mine = self.lang[rows] == lang
            if mine.any():
                mean = self.means.get(lang)
                out[mine] -= _reference_mean(name) if mean is None else mean
                out[mine] = self.engine.adapt(out[mine], name)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.maximum(norms, 1e-9)
        out[~raw.any(axis=1)] = 0
        return out

    def _recentre(self, lang: int) -> None:
        """Centre a language's rows on their own mean; done once it has
        RECENTRE_FROM posts, and again each time their number doubles, so the cost
        is amortised to O(dim) per post. Rows are read in chunks, so the work
        needs a few MB beside the index, not copies of all its vectors."""
        n = self.size
        rows = np.nonzero(self.lang[:n] == lang)[0]
        self.next_recentre[lang] = 2 * len(rows)
        chunks = [rows[s : s + CHUNK] for s in range(0, len(rows), CHUNK)]
        total = np.zeros(DIM, dtype=np.float64)
        count = 0
        for chunk in chunks:
            raw = self.raw[chunk]
            present = raw.any(axis=1)
            total += raw[present].sum(axis=0)
            count += int(present.sum())
        if not count:
            return
        self.means[lang] = (total / count).astype(np.float32)
        for chunk in chunks:
            centred = self.centre_rows(chunk)
            # Theme centres: swap the old centred vectors for the new ones.
            member = self.active[chunk] & (self.themes[chunk] >= 0)
            slots = np.fromiter(
                (self.theme_row[int(t)] for t in self.themes[chunk[member]]),
                dtype=np.int64,
                count=int(member.sum()),
            )
            np.add.at(
                self.theme_sum, slots, centred[member] - self.dense[chunk[member]]
            )
            self.dense[chunk] = centred
            if self.sketch is not None:
                basis, sketched = self.sketch
                sketched[chunk] = centred @ basis
        norms = np.linalg.norm(self.theme_sum, axis=1, keepdims=True)
        norms[norms < 1e-6] = 1.0
        self.theme_unit[:] = self.theme_sum / norms

    def centre_all(self) -> None:
        """Every row's dense vector from its raw one (after loading a snapshot)."""
        for start in range(0, self.size, CHUNK):
            chunk = np.arange(start, min(start + CHUNK, self.size))
            self.dense[chunk] = self.centre_rows(chunk)
        self.sketch, self.sketched_at = None, 0  # fitted again from these rows
        if self.size >= SKETCH_FROM:
            self._fit_sketch()

    # -- the sketch behind suggestions in a large forum ------------------------------
    def _fit_sketch(self) -> None:
        """Fit the basis to the rows (the principal axes of an even sample of
        about SKETCH_SAMPLE of them: their second moment, as the sketch is to keep
        dot products) and project every row, in chunks."""
        n = self.size
        sample = self.dense[np.arange(0, n, max(1, n // SKETCH_SAMPLE))]
        sample = sample[sample.any(axis=1)]
        self.sketched_at = n
        if len(sample) < SKETCH_DIM:  # hardly any vectors: scanned in full
            return
        sample = sample.astype(np.float64)
        _values, vectors = np.linalg.eigh(sample.T @ sample)
        basis = np.ascontiguousarray(vectors[:, ::-1][:, :SKETCH_DIM], np.float32)
        rows = np.zeros((len(self.ids), SKETCH_DIM), dtype=np.float32)
        for start in range(0, n, CHUNK):
            rows[start : start + CHUNK] = self.dense[start : start + CHUNK] @ basis
        self.sketch = (basis, rows)

    def dense_scores(self, query: np.ndarray) -> np.ndarray:
        """The dense cosine of ``query`` (centred) to every row.

        Below SKETCH_FROM rows, exact: one scan of all vectors. Above, the scan
        reads the rows' sketches instead (128 of 384 coordinates: 100,000 rows in
        3.5 ms instead of 11 ms), and the SHORTLIST rows with the best estimates
        get their exact cosine; the others keep the estimate, which is the exact
        cosine less the part outside the sketch's axes, so too low for a near
        row (their remainders point the same way) rather than too high.
        """
        n, sketch = self.size, self.sketch
        if sketch is None or n <= SHORTLIST:
            return matvec(self.dense[:n], query)
        basis, rows = sketch
        scores = matvec(rows[:n], query @ basis)
        short = np.argpartition(-scores, SHORTLIST - 1)[:SHORTLIST]
        scores[short] = self.dense[short] @ query
        return scores

    # -- theme centroids -------------------------------------------------------------
    def _theme_slot(self, theme: int) -> int:
        slot = self.theme_row.get(theme)
        if slot is None:
            slot = len(self.theme_keys)
            self.theme_row[theme] = slot
            self.theme_keys.append(theme)
            if slot == len(self.theme_n):
                self.theme_n = np.resize(self.theme_n, max(64, slot * 2))
                self.theme_n[slot:] = 0
            if slot == len(self.theme_langs):
                self.theme_langs = np.resize(
                    self.theme_langs, (slot * 2, len(LANGUAGES))
                )
                self.theme_langs[slot:] = 0
            self.theme_lex.append(Counter())
            self.theme_lex_sq.append(0.0)
            if self.theme_sum is not None and slot == len(self.theme_sum):
                grown = np.zeros((slot * 2, DIM), dtype=np.float32)
                grown[:slot] = self.theme_sum
                self.theme_sum = grown
                grown = np.zeros((slot * 2, DIM), dtype=np.float32)
                grown[:slot] = self.theme_unit
                self.theme_unit = grown
        return slot

    def _join(self, row: int, theme: int, sign: int = 1) -> None:
        if theme < 0:
            return
        slot = self._theme_slot(int(theme))
        self.theme_n[slot] += sign
        self.theme_langs[slot][self.lang[row]] += sign
        lex = self.theme_lex[slot]
        sq = self.theme_lex_sq[slot]
        for term, weight in self.terms[row].items():
            old = lex[term]
            lex[term] = new = old + sign * weight
            sq += new * new - old * old
        self.theme_lex_sq[slot] = max(sq, 0.0)
        if self.theme_sum is not None:
            self.theme_sum[slot] += sign * self.dense[row]
            norm = float(np.linalg.norm(self.theme_sum[slot]))
            self.theme_unit[slot] = self.theme_sum[slot] / norm if norm > 1e-6 else 0

    def move(self, post_id: int, theme_id: int | None) -> None:
        row = self.row_of.get(post_id)
        if row is None:
            return
        new = -1 if theme_id is None else theme_id
        if self.active[row]:
            self._join(row, self.themes[row], -1)
            self._join(row, new)
        self.themes[row] = new

    def remove(self, post_id: int) -> None:
        row = self.row_of.get(post_id)
        if row is not None and self.active[row]:
            self._join(row, self.themes[row], -1)
            self.active[row] = False

    def replace(self, post_id: int, vector, theme_id: int | None, text: str) -> None:
        """A post whose text was edited: its old row is retired (as ``remove``
        does, its terms stay counted in the document frequencies) and a new row
        takes its place, so its vector, terms and theme centre contribution are
        the new text's."""
        if post_id in self.row_of:
            self.remove(post_id)
            del self.row_of[post_id]
        self.add(post_id, vector, theme_id, text)

    def __len__(self) -> int:
        return int(self.active[: self.size].sum())

    def theme_of(self, post_id: int) -> int | None:
        row = self.row_of.get(post_id)
        if row is None or self.themes[row] < 0:
            return None
        return int(self.themes[row])

    # -- search ----------------------------------------------------------------------
    def query_weights(self, text: str) -> dict[str, float]:
        return self._weights(lexical_terms(text))

    def scores(self, vector, text: str) -> np.ndarray:
        """Hybrid similarity of a query to every indexed post (inactive: -inf)."""
        n = self.size
        out = np.zeros(n, dtype=np.float32)
        w = self.engine.dense_weight
        if self.dense is not None and vector is not None and n:
            query = self.centre(vector, self.language(text, vector))
            out += w * self.dense_scores(query)
        if w < 1.0:
            limit = max(50, COMMON_TERM_SHARE * n)
            lex = np.zeros(n, dtype=np.float32)
            for term, qw in self.query_weights(text).items():
                if term not in self.postings or self.df[term] > limit:
                    continue
                rows, weights = self.postings[term].as_arrays()
                lex[rows] += qw * weights  # a term lists each row once
            out += (1.0 - w) * lex
        out[~self.active[:n]] = -np.inf
        return out

    def _top(self, scores: np.ndarray, k: int) -> np.ndarray:
        k = min(k, len(scores))
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        top = np.argpartition(-scores, k - 1)[:k]
        return top[np.argsort(-scores[top], kind="stable")]

    def suggestion_parts(self, vector, text: str) -> np.ndarray:
        """The parts of the suggestion score of a query against every indexed post:
        shape (1 + len(FAMILIES), n), the dense cosine (0 without vectors), then each
        term family's own TF-IDF cosine."""
        n = self.size
        parts = np.zeros((1 + len(FAMILIES), n), dtype=np.float32)
        if self.dense is not None and vector is not None and n:
            query = self.centre(vector, self.language(text, vector))
            parts[0] = self.dense_scores(query)
        query = self.query_weights(text)
        sq = [0.0] * len(FAMILIES)
        for term, weight in query.items():
            sq[family(term)] += weight * weight
        scale = [1 / math.sqrt(s) if s > 0 else 0.0 for s in sq]
        limit = max(50, COMMON_TERM_SHARE * n)
        for term, qw in query.items():
            f = family(term)
            if term not in self.postings or self.df[term] > limit:
                continue
            rows, row_weights = self.postings[term].as_arrays()
            parts[1 + f, rows] += (qw * scale[f]) * row_weights
        for f in range(len(FAMILIES)):
            if scale[f]:
                parts[1 + f] /= self.family_norm[:n, f]
        return parts

    def suggestion_scores(self, vector, text: str) -> np.ndarray:
        """Similarity of a query to every indexed post, for suggestions.

        ``engine.similar_weights`` weighs the dense cosine and each term family's
        own TF-IDF cosine (see ``Engine``); inactive posts score −inf.
        """
        return self._weighed(self.suggestion_parts(vector, text))

    def _weighed(self, parts: np.ndarray) -> np.ndarray:
        weights = self.engine.similar_weights or (0.0,) * (len(FAMILIES) + 1)
        out = np.zeros(self.size, dtype=np.float32)
        for weight, part in zip(weights, parts, strict=True):
            if weight:  # (5,) @ (5, n) would take ~8 ms at 100,000 posts
                out += np.float32(weight) * part
        out[~self.active[: self.size]] = -np.inf
        return out

    def _mismatch(self, scores: np.ndarray, text: str, k: int) -> np.ndarray:
        """Adjust the scores of the best ``RERANK`` rows by the characters' learned
        penalties and bonuses (in place); return those rows, best first."""
        top = self._top(scores, max(k, RERANK))
        query = cjk_chars(text)
        if not query:
            return top
        weight, penalty = self.engine.mismatch_weight, self.mismatch_penalty
        bonus_weight, bonus = self.engine.match_weight, self.match_bonus
        for row in top:
            if self.chars[row]:
                one, both = char_sums(query, frozenset(self.chars[row]), penalty, bonus)
                scores[row] += bonus_weight * both - weight * one
        return top[np.argsort(-scores[top], kind="stable")]

    def _rerank(self, vector, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores of the best ``RERANK`` rows by the learned re-ranker (rerank.py),
        and those rows, best first."""
        parts = self.suggestion_parts(vector, text)
        scores = self._weighed(parts)
        top = self._top(scores, max(k, RERANK))
        top = top[np.isfinite(scores[top])]
        query = cjk_chars(text)
        posts = [self.chars[row] for row in top]
        scores[top] = rerank(
            scores[top],
            self.pair_features(parts, top, query),
            query,
            posts,
            self.rerank_weights,
            self.rerank_one_sided,
            self.rerank_shared,
        )
        return scores, top[np.argsort(-scores[top], kind="stable")]

    def pair_features(
        self, parts: np.ndarray, rows: np.ndarray, query: frozenset[str]
    ) -> np.ndarray:
        """Re-ranker features (rerank.FEATURES) of a query and ``rows``."""
        return rerank_features(
            parts[:, rows],
            query,
            [self.chars[row] for row in rows],
            self.hub(rows),
            self.mismatch_penalty,
            self.match_bonus,
        )

    def hub(self, rows: np.ndarray) -> np.ndarray:
        """Hubness of ``rows``: the mean of each one's ``HUB_K`` best cosines to
        every ``size // HUB_SAMPLE``-th active post (itself excluded); 0 without
        vectors. One (rows × HUB_SAMPLE) product per query, 2–3 ms."""
        if self.dense is None or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        stride = max(1, self.size // HUB_SAMPLE)
        sample = np.arange(0, self.size, stride)
        sample = sample[self.active[sample]]
        sims = self.dense[rows] @ self.dense[sample].T
        sims[rows[:, None] == sample[None, :]] = -np.inf
        k = min(HUB_K, sims.shape[1] - 1)
        if k < 1:
            return np.zeros(len(rows), dtype=np.float32)
        best = np.partition(sims, -k, axis=1)[:, -k:]
        return best.mean(axis=1)

    def similar(self, vector, text: str, k: int = 5) -> list[Similar]:
        # The re-ranker was learned from Chinese questions; on English bug titles
        # it lost 2 of 46 gitbugs hits, so other queries keep the base order.
        if self.engine.rerank and cjk_chars(text, limit=1):
            scores, rows = self._rerank(vector, text, k)
            rows = rows[:k]
        else:
            if self.engine.similar_weights is None:
                scores = self.scores(vector, text)
            else:
                scores = self.suggestion_scores(vector, text)
            if self.engine.mismatch_weight:
                rows = self._mismatch(scores, text, k)[:k]
            else:
                rows = self._top(scores, k)
        result = []
        for row in rows:
            if not np.isfinite(scores[row]):
                break
            theme = int(self.themes[row])
            result.append(
                Similar(
                    int(self.ids[row]), None if theme < 0 else theme, float(scores[row])
                )
            )
        return result

    def _theme_lexical(self, slot: int, query: dict[str, float]) -> float:
        lex = self.theme_lex[slot]
        norm = math.sqrt(self.theme_lex_sq[slot]) or 1.0
        return sum(w * lex.get(t, 0.0) for t, w in query.items()) / norm

    def related(self, theme_id: int, k: int = 3) -> list[Related]:
        """Themes whose centres are nearest to ``theme_id``'s, best first: the
        ``k`` nearest of any language, then the nearest of each other language
        if it is not among them (one problem posted in English and in Chinese
        forms two themes, and a PM may merge them). Scored as ``assign`` scores
        a post against a theme: the dense cosine of the centres blended with the
        cosine of their lexical sums; empty themes (merged away) are left out.
        """
        slot = self.theme_row.get(theme_id)
        counts = self.theme_n[: len(self.theme_keys)]
        if slot is None or counts[slot] <= 0:
            return []
        w = self.engine.dense_weight
        live = counts > 0
        live[slot] = False
        lex, sq = self.theme_lex[slot], self.theme_lex_sq[slot]
        heavy = dict(sorted(lex.items(), key=lambda kv: -abs(kv[1]))[:THEME_TERMS])
        if self.theme_unit is not None and self.theme_unit[slot].any():
            dense = matvec(self.theme_unit[: len(counts)], self.theme_unit[slot])
            dense[~live] = -np.inf
            top = self._top(dense, CANDIDATES)
            langs = self.theme_langs[: len(counts)].argmax(axis=1)
            # The best few of every language, so that another language's nearest
            # theme is scored even when this language's themes fill the top.
            for lang in range(len(LANGUAGES)):
                mine = np.where(langs == lang, dense, -np.inf)
                top = np.concatenate([top, self._top(mine, k)])
            candidates = {int(s): float(dense[s]) for s in top if np.isfinite(dense[s])}
        else:  # the themes of the posts that share a heavy, not common term
            w = 0.0
            limit = max(50, COMMON_TERM_SHARE * self.size)
            rows = [
                self.postings[term].as_arrays()[0]
                for term in heavy
                if term in self.postings and self.df[term] <= limit
            ]
            rows = np.unique(np.concatenate(rows)) if rows else np.zeros(0, int)
            rows = rows[self.active[rows] & (self.themes[rows] >= 0)]
            slots = {self.theme_row[int(t)] for t in np.unique(self.themes[rows])}
            candidates = dict.fromkeys((s for s in slots if live[s]), 0.0)
        norm = math.sqrt(sq) or 1.0
        scored = []
        for other, dense_score in candidates.items():
            value = w * dense_score
            if w < 1.0:
                value += (1 - w) * self._theme_lexical(other, heavy) / norm
            if value > 0:
                scored.append((value, other))
        scored.sort(reverse=True)
        out = [
            Related(self.theme_keys[s], v, LANGUAGES[self._theme_language(s)])
            for v, s in scored[:k]
        ]
        for lang in LANGUAGES:
            if any(r.language == lang for r in out):
                continue
            for v, s in scored[k:]:
                if LANGUAGES[self._theme_language(s)] == lang:
                    out.append(Related(self.theme_keys[s], v, lang))
                    break
        return out

    def _theme_rows(self, theme_id: int) -> tuple[int | None, np.ndarray]:
        """A theme's slot and the rows of its active posts (None and none if the
        index holds none of them)."""
        slot = self.theme_row.get(theme_id)
        if slot is None or self.theme_n[slot] <= 0:
            return None, np.zeros(0, dtype=np.int64)
        live = self.active[: self.size] & (self.themes[: self.size] == theme_id)
        return slot, np.flatnonzero(live)

    def members(self, theme_id: int) -> list[tuple[int, float]]:
        """A theme's posts with their similarity to its centre, best first: scored
        as ``assign`` scores a post against a theme (the dense cosine to the
        centre blended with the cosine to the lexical sum, both of which include
        the post itself). Vectorised over the index's rows, so a theme of
        thousands of posts costs a few milliseconds and no database read."""
        slot, rows = self._theme_rows(theme_id)
        if slot is None:
            return []
        w = self.engine.dense_weight
        scores = np.zeros(len(rows))
        if self.theme_unit is not None and w > 0:
            scores += w * (self.dense[rows] @ self.theme_unit[slot])
        if w < 1.0:
            lex = self.theme_lex[slot]
            norm = math.sqrt(self.theme_lex_sq[slot]) or 1.0
            scores += (
                (1 - w)
                * np.fromiter(
                    (
                        sum(v * lex.get(t, 0.0) for t, v in self.terms[row].items())
                        for row in rows.tolist()
                    ),
                    dtype=np.float64,
                    count=len(rows),
                )
                / norm
            )
        order = np.argsort(-scores, kind="stable")
        return [(int(self.ids[rows[i]]), float(scores[i])) for i in order]

    def shared_terms(self, theme_id: int, k: int = 6) -> list[str]:
        """The words (and Chinese words) most of a theme's posts share: those in at
        least half of them (any, for one post), by how many posts hold them."""
        _slot, rows = self._theme_rows(theme_id)
        df: Counter = Counter()
        for row in rows.tolist():
            df.update(t for t in self.terms[row] if t[0] not in "#@" and len(t) > 1)
        need = max(1, len(rows) // 2)
        return [t for t, n in df.most_common(k * 3) if n >= need][:k]

    def theme_language(self, theme_id: int) -> str | None:
        """The language (of LANGUAGES) of most of a theme's posts; None if the
        index holds none of them."""
        slot = self.theme_row.get(theme_id)
        if slot is None or self.theme_n[slot] <= 0:
            return None
        return LANGUAGES[self._theme_language(slot)]

    def _theme_language(self, slot: int) -> int:
        """The index in LANGUAGES of the language of most of a theme's posts."""
        return int(self.theme_langs[slot].argmax())

    def assign(self, vector, text: str) -> Assignment:
        """The theme whose centre is most similar, or None to open a new theme.

        Dense: cosine to the normalised sum of the theme's centred vectors (one
        matrix-vector product over all themes). Lexical: cosine to the sum of its
        members' TF-IDF vectors, computed for the best dense candidates, or (lexical
        engine) for the themes of the posts sharing the query's terms.
        """
        counts = self.theme_n[: len(self.theme_keys)]
        if not (counts > 0).any():
            return Assignment(None, 0.0)
        w = self.engine.dense_weight
        query = self.query_weights(text)
        lang = self.language(text, vector)
        if self.theme_unit is not None and vector is not None:
            # Over the contiguous block of all theme slots; empty themes masked.
            centred = self.centre(vector, lang)
            dense = matvec(self.theme_unit[: len(counts)], centred)
            dense[counts <= 0] = -np.inf
            order = self._top(dense, CANDIDATES)
            candidates = [
                (int(i), float(dense[i])) for i in order if np.isfinite(dense[i])
            ]
        else:
            post_scores = self.scores(None, text)
            top = self._top(post_scores, CANDIDATES * 3)
            seen = []
            for row in top:
                theme = int(self.themes[row])
                if (
                    theme >= 0
                    and np.isfinite(post_scores[row])
                    and post_scores[row] > 0
                ):
                    slot = self.theme_row[theme]
                    if slot not in seen:
                        seen.append(slot)
            candidates = [(slot, 0.0) for slot in seen[:CANDIDATES]]
        best_slot, best = None, -1.0
        for slot, dense_score in candidates:
            value = w * dense_score
            if w < 1.0:
                value += (1 - w) * self._theme_lexical(slot, query)
            if value > best:
                best_slot, best = slot, value
        threshold = self.engine.assign_threshold
        if self.dense is not None and lang not in self.means:
            threshold = max(threshold, self.engine.cold_threshold)
        if best_slot is None or best < threshold:
            return Assignment(None, max(best, 0.0))
        return Assignment(self.theme_keys[best_slot], best)
