"""sumy's algorithms in numpy/scipy: the same mathematics, vectorized.

sumy (``sumy/summarizers/*.py``) stays the definition of every algorithm and provides the
stemmers and stop words; these functions compute the same ratings without its pure-Python
double loops over sentence pairs:

- **lexrank**: sumy's idf-modified cosine (``tf / max tf``, ``idf = log(n / (1 + df))``), the
  0/1 graph at ``cosine > 0.1`` with self-loops, rows divided by their degree, and its power
  method (normalised, stopping when the step is at most ``epsilon = 0.1``), on sparse matrices.
- **textrank**: shared-word counts over ``log |s1| + log |s2|``, rows normalised (``+ 1e-7``),
  damping 0.85 with the ``(1 - d) / n`` teleport folded into the matrix-vector product instead
  of a dense n x n matrix; power method until the step is at most ``1e-4``.
- **reduction**: the same edge weights summed per sentence (a sparse product, no pair loop).
- **kl**: KL-Sum's greedy order with the divergence of every candidate computed at once from
  sparse counts (with sumy's token handling: the document's distribution filters stop words
  before lower-casing, candidates after, the summary keeps every raw token).
- **sumbasic**: the greedy order by mean word probability, probabilities squared once per
  occurrence of a chosen word, as sumy does.
- **lsa**: sumy keeps every singular dimension (``REDUCTION_RATIO = 1``), so its rating
  ``sqrt(sum_k sigma_k^2 v_kj^2)`` is exactly the norm of column ``j`` of the smoothed
  term-sentence matrix (``V S^2 V^T = A^T A``): no SVD needed.
- **luhn**: sumy's code, with its significant words held in a set instead of a tuple.

With a query (``options.query``), **lexrank** becomes biased LexRank and **textrank**
topic-sensitive TextRank (personalized PageRank): the same graphs, with a random jump to the
sentences in proportion to their relevance to the query (:mod:`.query`).

Where sumy keys ratings by sentence (a dict whose keys compare by text), duplicate sentences
share one rating here too. Floating-point sums run in a different order than sumy's, so two
sentences whose ratings are equal up to rounding may swap; that is the only source of
differences (``tests/test_fast_sumy.py``, ``benchmarks/compare_fast_sumy.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..document import Document
from ..text.words import lexical_words
from .query import query_terms
from .query import relevance as query_relevance
from .sumy_adapter import sumy_class, sumy_ratings
from .terms import count_matrix

#: sumy's own constants (``LexRankSummarizer.threshold``...), kept here so that the fast paths
#: need no sumy import; a test checks they still equal sumy's.
LEXRANK_THRESHOLD = 0.1
LEXRANK_EPSILON = 0.1
TEXTRANK_EPSILON = 1e-4
TEXTRANK_DAMPING = 0.85
TEXTRANK_ZERO_DIVISION_PREVENTION = 1e-7

#: Biased LexRank's question bias ``d``: the probability of jumping to a query-relevant sentence
#: (Otterbacher et al. 2005 found values around 0.7 to work best).
QUERY_BIAS = 0.7
#: Topic-sensitive TextRank's damping: ``1 - damping`` is the jump to the query's sentences
#: (Haveliwala 2002 used a jump probability of 0.25).
TOPIC_DAMPING = 0.75
#: Bounds of the personalized random walks (they converge geometrically).
WALK_ITERATIONS = 200
WALK_TOLERANCE = 1e-9


def _words(document: Document) -> list[list[str]]:
    """Each sentence's words as sumy's ``Sentence.words`` gives them."""
    return [lexical_words(s.text) for s in document.sentences]


def _stemmed_content(document: Document) -> list[list[str]]:
    """sumy's ``_to_words_set``: lower-cased, stop words out, then stemmed (duplicates kept)."""
    stem, stop = document.language.stemmer, document.language.stop_words
    out = []
    for words in _words(document):
        lowered = (w.lower() for w in words)
        out.append([stem(w) for w in lowered if w not in stop])
    return out


def _by_text(document: Document, values: np.ndarray) -> list[float]:
    """Give duplicate sentences the value of the last of them (sumy's dict keyed by text)."""
    last: dict[str, float] = {}
    for s, v in zip(document.sentences, values, strict=True):
        last[s.text] = float(v)
    return [last[s.text] for s in document.sentences]


def _greedy_ratings(document: Document, order: Sequence[int]) -> list[float]:
    """sumy's ``ratings[sentence] = -len(ratings)`` over a greedy order (keys compare by text)."""
    ratings: dict[str, int] = {}
    for i in order:
        ratings[document.sentences[i].text] = -len(ratings)
    return [float(ratings[s.text]) for s in document.sentences]


def lexrank(document: Document, threshold: float = LEXRANK_THRESHOLD,
            epsilon: float = LEXRANK_EPSILON) -> list[float]:
    """sumy's LexRank rating of every sentence."""
    transposed = _lexrank_graph(_stemmed_content(document), threshold)
    n = transposed.shape[0]
    p = np.full(n, 1.0 / n)
    step = 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        while step > epsilon:
            following = transposed @ p
            following /= np.linalg.norm(following)
            step = np.linalg.norm(following - p)
            p = following
    return _by_text(document, p)


def biased_lexrank(document: Document, query: str, threshold: float = LEXRANK_THRESHOLD,
                   bias: float = QUERY_BIAS) -> list[float]:
    """Biased LexRank (Otterbacher, Erkan & Radev 2005): LexRank's graph, and a random walk that
    jumps, with probability ``bias``, to a sentence in proportion to its relevance to ``query``
    (:mod:`.query`): ``p = bias * r / sum(r) + (1 - bias) * M^T p``.

    When no sentence bears on the query, this is plain :func:`lexrank`.
    """
    terms = _stemmed_content(document)
    relevant = query_relevance(terms, query_terms(query, document.language)).scores
    if not relevant.size or relevant.sum() <= 0:
        return lexrank(document, threshold)
    return _by_text(document, personalized_walk(_lexrank_graph(terms, threshold), relevant, 1.0 - bias))


def _lexrank_graph(content: list[list[str]], threshold: float) -> sp.csr_matrix:
    """The transposed transition matrix of sumy's LexRank graph (idf-modified cosine over ``threshold``)."""
    counts, _ = count_matrix(content)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log(n / (1.0 + df))
    row_max = counts.max(axis=1).toarray().ravel()
    tf = sp.diags(1.0 / np.where(row_max > 0, row_max, 1.0)) @ counts
    weighted = sp.csr_matrix(tf @ sp.diags(idf))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    numerator = sp.csr_matrix(weighted @ weighted.T).tocoo()
    rows, cols, num = numerator.row, numerator.col, numerator.data
    valid = (norms[rows] > 0) & (norms[cols] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = np.where(valid, num / (norms[rows] * norms[cols]), 0.0)
    keep = cosine > threshold
    rows, cols = rows[keep], cols[keep]
    degrees = np.bincount(rows, minlength=n).astype(float)
    degrees[degrees == 0] = 1.0
    transition = sp.csr_matrix((1.0 / degrees[rows], (rows, cols)), shape=(n, n))
    return sp.csr_matrix(transition.T)


def personalized_walk(transposed: sp.csr_matrix, bias: np.ndarray, damping: float) -> np.ndarray:
    """The stationary distribution of a walk that follows the graph (``transposed`` is ``M^T`` of
    a row-stochastic ``M``) with probability ``damping`` and jumps to a node in proportion to
    ``bias`` otherwise (personalized PageRank). Mass of rows without edges is spread by the jump.

    Converges geometrically (rate ``damping``): at most :data:`WALK_ITERATIONS` steps, each one
    sparse product.
    """
    jump = bias / bias.sum()
    p = jump.copy()
    for _ in range(WALK_ITERATIONS):
        following = damping * (transposed @ p)
        following += (1.0 - following.sum()) * jump
        step = float(np.abs(following - p).sum())
        p = following
        if step <= WALK_TOLERANCE:
            break
    return p


def _edge_weights(document: Document, *, single_word_edge: float | None, self_loops: bool) -> sp.csr_matrix:
    """Shared-word counts over ``log |s1| + log |s2|`` for every pair with a shared word.

    ``single_word_edge`` is the weight of two one-word sentences (whose norm is 0): TextRank
    keeps the count, Reduction gives 0.
    """
    counts, _ = count_matrix(_stemmed_content(document))
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    shared = sp.csr_matrix(counts @ counts.T).tocoo()
    rows, cols, rank = shared.row, shared.col, shared.data
    keep = (rank > 0) & (self_loops | (rows != cols))
    rows, cols, rank = rows[keep], cols[keep], rank[keep]
    with np.errstate(divide="ignore"):
        logs = np.log(np.where(lengths > 0, lengths, 1.0))
    norm = logs[rows] + logs[cols]
    zero_norm = np.isclose(norm, 0.0) if single_word_edge is not None else norm == 0.0
    fallback = rank if single_word_edge is not None else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(zero_norm, fallback, rank / np.where(zero_norm, 1.0, norm))
    n = counts.shape[0]
    return sp.csr_matrix((weights, (rows, cols)), shape=(n, n))


def textrank(document: Document, epsilon: float = TEXTRANK_EPSILON,
             damping: float = TEXTRANK_DAMPING) -> list[float]:
    """sumy's TextRank rating of every sentence."""
    transposed = _textrank_graph(document)
    n = transposed.shape[0]
    teleport = (1.0 - damping) / n
    p = np.full(n, 1.0 / n)
    step = 1.0
    while step > epsilon:
        following = teleport * p.sum() + damping * (transposed @ p)
        step = np.linalg.norm(following - p)
        p = following
    return _by_text(document, p)


def topic_textrank(document: Document, query: str, damping: float = TOPIC_DAMPING) -> list[float]:
    """Topic-sensitive TextRank: TextRank's graph with personalized PageRank (Haveliwala 2002),
    the personalization vector being each sentence's relevance to ``query`` (:mod:`.query`):
    ``p = (1 - damping) * r / sum(r) + damping * M^T p``.

    When no sentence bears on the query, this is plain :func:`textrank`.
    """
    relevant = query_relevance(_stemmed_content(document), query_terms(query, document.language)).scores
    if not relevant.size or relevant.sum() <= 0:
        return textrank(document)
    return _by_text(document, personalized_walk(_textrank_graph(document), relevant, damping))


def _textrank_graph(document: Document) -> sp.csr_matrix:
    """The transposed, row-normalised matrix of TextRank's edge weights (sumy's ``+ 1e-7``)."""
    weights = _edge_weights(document, single_word_edge=1.0, self_loops=True)
    sums = np.asarray(weights.sum(axis=1)).ravel() + TEXTRANK_ZERO_DIVISION_PREVENTION
    normalised = sp.csr_matrix(sp.diags(1.0 / sums) @ weights)
    return sp.csr_matrix(normalised.T)


def reduction(document: Document) -> list[float]:
    """sumy's Reduction rating: each sentence's summed edge weights to the others."""
    weights = _edge_weights(document, single_word_edge=None, self_loops=False)
    totals = np.asarray(weights.sum(axis=1)).ravel()
    merged: dict[str, float] = {}  # sumy adds the weights of duplicate sentences into one key
    for s, v in zip(document.sentences, totals, strict=True):
        merged[s.text] = merged.get(s.text, 0.0) + float(v)
    return [merged[s.text] for s in document.sentences]


def sumbasic(document: Document) -> list[float]:
    """sumy's SumBasic greedy order, as ratings ``0, -1, -2, ...``.

    A sentence's mean word probability is summed word by word in its word order, as sumy's
    ``sum()`` does (a column-wise reduction over the padded word-index matrix adds rows in
    order), so exact ties stay exact and go to the earlier sentence as in sumy. After each
    choice only the sentences sharing a word with it are rescored.
    """
    content = _stemmed_content(document)
    counts, vocab = count_matrix(content)
    n, size = counts.shape
    total = sum(len(c) for c in content)
    freq = np.append(np.asarray(counts.sum(axis=0)).ravel() / max(total, 1), 0.0)  # last: padding
    lengths = np.array([len(c) for c in content], dtype=float)
    width = max(1, int(lengths.max(initial=0)))
    words = np.full((width, n), size, dtype=np.int64)  # words[k, i]: the k-th word of sentence i
    for i, c in enumerate(content):
        words[: len(c), i] = [vocab[w] for w in c]
    by_word = sp.csc_matrix(counts)
    ptr, holders = by_word.indptr, by_word.indices  # the sentences holding each word

    def averages(rows: np.ndarray) -> np.ndarray:
        sums = np.cumsum(freq[words[:, rows]], axis=0)[-1]  # accumulate: strictly in word order
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(lengths[rows] > 0, sums / np.where(lengths[rows] > 0, lengths[rows], 1.0), 0.0)

    average = averages(np.arange(n))
    order = []
    for _ in range(n):
        best = int(np.argmax(average))
        order.append(best)
        average[best] = -np.inf
        chosen = words[: int(lengths[best]), best]
        for j in chosen:
            freq[j] *= freq[j]
        touched = np.unique(np.concatenate([holders[ptr[j]:ptr[j + 1]] for j in np.unique(chosen)]
                                           or [np.empty(0, dtype=np.int64)]))
        touched = touched[np.isfinite(average[touched])]
        if touched.size:
            average[touched] = averages(touched)
    return _greedy_ratings(document, order)


def kl(document: Document) -> list[float]:
    """sumy's KL-Sum greedy order, as ratings ``0, -1, -2, ...``."""
    stop = document.language.stop_words  # KLSummarizer keeps stop words as given (no lower-casing)
    words = _words(document)
    doc_terms = [w.lower() for ws in words for w in ws if w not in stop]
    doc_counts, vocab = count_matrix([doc_terms])
    content = [[w for w in (x.lower() for x in ws) if w not in stop] for ws in words]
    counts, _ = count_matrix(content, vocab)
    raw, _ = count_matrix(words, vocab)  # the summary's raw tokens; only lower-case ones can match
    size = raw.shape[1]
    p = np.zeros(size)
    p[: doc_counts.shape[1]] = doc_counts.toarray().ravel() / max(len(doc_terms), 1)
    raw_lengths = np.array([len(ws) for ws in words], dtype=float)
    coo = counts.tocoo()
    rows, cols, c = coo.row, coo.col, coo.data
    pw = p[cols]
    plogp = pw * np.log(np.where(pw > 0, pw, 1.0))
    n = counts.shape[0]
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    summary = np.zeros(size)
    summary_length = 0.0
    free = np.ones(n, dtype=bool)
    order = []
    doc_plogp = p * np.log(np.where(p > 0, p, 1.0))
    for _ in range(n):
        present = (summary > 0) & (p > 0)
        base = doc_plogp[present].sum() - (p[present] * np.log(summary[present])).sum()
        mass = p[present].sum()
        sc = summary[cols]
        has = sc > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(has, -pw * (np.log(c + sc) - np.log(np.where(has, sc, 1.0))),
                            plogp - pw * np.log(c))
        extra_mass = np.bincount(rows, weights=np.where(has, 0.0, pw), minlength=n)
        total_mass = mass + extra_mass
        denominator = lengths + summary_length
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.where(total_mass > 0, total_mass * np.log(np.where(denominator > 0, denominator, 1.0)), 0.0)
        divergence = base + np.bincount(rows, weights=term, minlength=n) + spread
        divergence[~free] = np.inf
        best = int(np.argmin(divergence))
        order.append(best)
        free[best] = False
        summary[raw.indices[raw.indptr[best]:raw.indptr[best + 1]]] += raw.data[raw.indptr[best]:raw.indptr[best + 1]]
        summary_length += raw_lengths[best]
    return _greedy_ratings(document, order)


def lsa(document: Document, smooth: float = 0.4) -> list[float]:
    """sumy's LSA rating (with the sorted dictionary of ``_SortedLsa``), without the SVD."""
    stem, stop = document.language.stemmer, document.language.stop_words
    heading = lexical_words(document.headline.text) if document.headline is not None else []
    all_words = [w.lower() for w in heading] + [w.lower() for ws in _words(document) for w in ws]
    dictionary = {w: i for i, w in enumerate(sorted({stem(w) for w in all_words if w not in stop}))}
    if not dictionary:
        return [0.0] * len(document.sentences)
    stems = [[s for s in (stem(w.lower()) for w in ws) if s in dictionary] for ws in _words(document)]
    counts, _ = count_matrix(stems, dict(dictionary))
    size = len(dictionary)
    row_max = counts.max(axis=1).toarray().ravel()
    nonzero = np.diff(counts.indptr)
    scaled = counts.copy()
    scaled.data = smooth + (1.0 - smooth) * scaled.data / np.repeat(np.where(row_max > 0, row_max, 1.0), nonzero)
    squares = np.asarray(scaled.multiply(scaled).sum(axis=1)).ravel() + smooth**2 * (size - nonzero)
    return np.where(row_max > 0, np.sqrt(squares), 0.0).tolist()


@cache
def set_luhn() -> type:
    """sumy's Luhn with its significant words in a set (sumy searches a tuple for every word)."""
    luhn = sumy_class("luhn:LuhnSummarizer")

    def _get_significant_words(self: Any, words: Sequence[str]) -> frozenset[str]:
        return frozenset(luhn._get_significant_words(self, words))

    return type("SetLuhn", (luhn,), {"_get_significant_words": _get_significant_words})


def luhn(document: Document) -> list[float]:
    """sumy's Luhn rating through :func:`set_luhn` (the same ratings, faster)."""
    return sumy_ratings(set_luhn(), document)


#: The fast rating function of each method that has one.
FAST: dict[str, Callable[[Document], list[float]]] = {
    "lexrank": lexrank, "textrank": textrank, "reduction": reduction, "kl": kl,
    "sumbasic": sumbasic, "lsa": lsa,
}
#: The query-biased rating function of each method that has one: ``(document, query)``.
QUERY_FAST: dict[str, Callable[[Document, str], list[float]]] = {
    "lexrank": biased_lexrank, "textrank": topic_textrank,
}
