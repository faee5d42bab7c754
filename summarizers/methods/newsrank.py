"""``newsrank``: an extractive method made for news, deterministic and without model weights.

Every sentence gets a relevance made of what works on news without training on it:

- **position** (the inverted pyramid): ``1 / (1 + i / POSITION_SCALE)`` for the ``i``-th
  sentence (0-based), so the lead matters most and the prior decays smoothly;
- **directed centrality** (as in PacSum, Zheng & Lapata 2019): the TF-IDF cosine similarity of
  a sentence to the sentences *after* it, minus ``BACKWARD_WEIGHT`` times its similarity to
  those *before* it (a sentence that opens topics the article then develops is central; one
  that repeats what came before is not), scaled to at most 1;
- **headline similarity**: the TF-IDF cosine of the sentence and the headline, when there is
  one (``options.title`` or a detected headline line);
- **length**: sentences shorter than ``SHORT_WORDS`` words are scaled down in proportion;
- **query** (only with ``options.query``): ``QUERY_WEIGHT`` times the sentence's relevance to
  the expanded query (:mod:`.query`) joins the sum inside the length factor.

``relevance = length_factor * (position + CENTRALITY_WEIGHT * centrality + HEADLINE_WEIGHT *
headline)``. Sentences are then ranked by maximal marginal relevance (MMR, Carbonell &
Goldstein 1998): each next sentence maximises ``relevance - REDUNDANCY * max cosine with the
sentences ranked before it``, and a sentence whose word bigrams largely repeat one ranked
before it (``REPEAT_OVERLAP``) waits until every other sentence is ranked, so a summary of any
length does not repeat itself, whatever the repeated sentence's position. MMR runs for
the first ``MMR_DEPTH`` ranks (or the requested sentence count when larger, up to
``MMR_MAX_DEPTH``); the remaining sentences are ranked by their relevance minus their
redundancy with that prefix. A sentence's score is its MMR gain, kept non-increasing along
the ranking, so ranks and scores agree.

Cost: linear in the number of (sentence, word) pairs, times the MMR depth; the centrality
uses prefix sums over the term matrix, never the n x n similarity matrix. The constants were
chosen on SummEval's 100 CNN/DailyMail articles and checked on BBC News (docs/evaluation.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from ..document import Document
from ..text.words import lexical_words
from .base import Request
from .extractive import ExtractiveMethod
from .query import QUERY_PARAMETER, query_of, query_terms
from .query import relevance as query_relevance
from .terms import count_matrix

# Tuned on SummEval (CNN/DailyMail, 3 sentences) and BBC (matched lengths) by
# ``python -m benchmarks.tune_newsrank``; see docs/evaluation.md#newsrank.
POSITION_SCALE = 0.5
BACKWARD_WEIGHT = 0.0
CENTRALITY_WEIGHT = 0.25
HEADLINE_WEIGHT = 1.0
SHORT_WORDS = 10
REDUNDANCY = 0.5
MMR_DEPTH = 32
MMR_MAX_DEPTH = 256
#: Two sentences whose stemmed word bigrams overlap this much (the F1 of their distinct bigrams,
#: as ROUGE-2 measures a pair) say the same thing: the one ranked later goes below every
#: sentence that repeats none ranked before it, whatever its position or relevance.
REPEAT_OVERLAP = 0.25
#: Repeats are looked for among the first this many ranks (or the requested sentence count when
#: larger): no summary of up to that many sentences holds one.
REPEAT_DEPTH = 12
#: With ``options.query``: the weight of the sentence's relevance to the query (in [0, 1], see
#: :mod:`.query`) next to the news signals, so that what answers the query outranks the lead.
QUERY_WEIGHT = 2.0


def content_terms(text: str, document: Document) -> list[str]:
    """The stemmed, lower-cased content words of ``text`` (stop words left out)."""
    language = document.language
    stop = language.stop_words
    lowered = (w.lower() for w in lexical_words(text))
    return [language.stemmer(w) for w in lowered if w not in stop]


def tfidf_rows(term_lists: Sequence[Sequence[str]], extra: Sequence[str] = ()) -> tuple[sp.csr_matrix, np.ndarray]:
    """L2-normalised TF-IDF rows of the sentences, and the row of ``extra`` (the headline).

    Term frequency is ``1 + log(count)``; ``idf = log((1 + n) / (1 + df)) + 1`` over the
    sentences. Words of ``extra`` that no sentence has are ignored.
    """
    matrix, vocabulary = count_matrix(term_lists)
    n, size = matrix.shape
    df = np.bincount(matrix.indices, minlength=size)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    matrix.data = 1.0 + np.log(matrix.data)
    matrix = matrix @ sp.diags(idf)
    head = np.zeros(size)
    for t in extra:
        if t in vocabulary:
            head[vocabulary[t]] += 1.0
    head[head > 0] = (1.0 + np.log(head[head > 0])) * idf[head > 0]
    return _normalise_rows(sp.csr_matrix(matrix)), _unit(head)


def directed_centrality(rows: sp.csr_matrix, backward_weight: float = BACKWARD_WEIGHT) -> np.ndarray:
    """``sum_{j>i} cos(i, j) - backward_weight * sum_{j<i} cos(i, j)`` for every sentence.

    Computed in linear time: ``sum_{j<i} x_i . x_j = x_i . P_i`` with ``P_i`` the prefix sum
    of the rows before ``i``, evaluated only where ``x_i`` is non-zero (a cumulative sum down
    each column of the term matrix).
    """
    n = rows.shape[0]
    coo = rows.tocoo()
    order = np.lexsort((coo.row, coo.col))  # by column, then by row
    col, row, val = coo.col[order], coo.row[order], coo.data[order]
    running = np.cumsum(val)
    starts = np.searchsorted(col, col, side="left")  # first entry of each entry's column
    before_start = np.where(starts > 0, running[starts - 1], 0.0)
    inclusive = running - before_start  # sum of the column's values up to this row
    column_totals = np.asarray(rows.sum(axis=0)).ravel()
    before = (inclusive - val) * val
    after = (column_totals[col] - inclusive) * val
    backward = np.bincount(row, weights=before, minlength=n)
    forward = np.bincount(row, weights=after, minlength=n)
    return forward - backward_weight * backward


def relevance(document: Document, request: Request) -> tuple[np.ndarray, sp.csr_matrix]:
    """Every sentence's relevance (before redundancy control) and its TF-IDF row."""
    sentences = document.sentences
    n = len(sentences)
    title = request.option("title") or (document.headline.text if document.headline else "")
    terms = [content_terms(s.text, document) for s in sentences]
    rows, head = tfidf_rows(terms, content_terms(title, document) if title else ())
    position = 1.0 / (1.0 + np.arange(n) / POSITION_SCALE)
    centrality = directed_centrality(rows)
    peak = np.abs(centrality).max() if n else 0.0
    if peak > 0:
        centrality = centrality / peak
    headline = rows @ head
    words = np.array([len(lexical_words(s.text)) for s in sentences], dtype=float)
    length = np.minimum(1.0, words / SHORT_WORDS)
    signals = position + CENTRALITY_WEIGHT * centrality + HEADLINE_WEIGHT * headline
    query = query_of(request)
    if query is not None:  # query-focused: relevance to the (expanded) query joins the news signals
        signals = signals + QUERY_WEIGHT * query_relevance(terms, query_terms(query, document.language)).scores
    return length * signals, rows


class Bigrams:
    """Each sentence's distinct bigrams of stemmed, lower-cased words, computed when first asked
    (only the sentences MMR considers are ever looked at)."""

    def __init__(self, document: Document) -> None:
        self._sentences = document.sentences
        self._stem = document.language.stemmer
        self._sets: dict[int, frozenset[tuple[str, str]]] = {}

    def __call__(self, i: int) -> frozenset[tuple[str, str]]:
        found = self._sets.get(i)
        if found is None:
            words = [self._stem(w.lower()) for w in lexical_words(self._sentences[i].text)]
            found = self._sets[i] = frozenset(pairwise(words))
        return found

    def repeats(self, i: int, others: Sequence[int]) -> bool:
        """Whether sentence ``i`` repeats one of ``others``: the F1 of their bigram sets (as
        ROUGE-2 measures a pair) reaches :data:`REPEAT_OVERLAP`."""
        mine = self(i)
        if not mine:
            return False
        for j in others:
            theirs = self(j)
            if theirs and 2 * len(mine & theirs) >= REPEAT_OVERLAP * (len(mine) + len(theirs)):
                return True
        return False


def mmr_scores(relevance_: np.ndarray, rows: sp.csr_matrix, depth: int, redundancy: float = REDUNDANCY,
               bigrams: Bigrams | None = None, repeat_depth: int = REPEAT_DEPTH) -> np.ndarray:
    """Scores whose descending order is the MMR ranking of the first ``depth`` sentences,
    followed by the others by relevance minus their redundancy with those.

    With ``bigrams``, a sentence that repeats one ranked before it (:meth:`Bigrams.repeats`) is
    ranked only once no sentence is left that repeats none, within the first ``repeat_depth``
    ranks. Ties go to the earlier sentence.
    The scores never increase along the ranking.
    """
    n = len(relevance_)
    similar = np.zeros(n)  # each sentence's highest cosine with the sentences ranked so far
    repeat = np.zeros(n, dtype=bool)  # found to repeat a sentence ranked so far
    picked = np.zeros(rows.shape[1])  # the chosen sentence's row, dense (a cheap matrix-vector product)
    free = np.ones(n, dtype=bool)
    ranking: list[int] = []
    gains: list[float] = []
    while len(ranking) < min(depth, n):
        fresh = free & ~repeat
        gain = np.where(fresh if fresh.any() else free, relevance_ - redundancy * similar, -np.inf)
        best = int(np.argmax(gain))
        if fresh[best] and bigrams is not None and len(ranking) < repeat_depth and bigrams.repeats(best, ranking):
            repeat[best] = True  # and look again
            continue
        ranking.append(best)
        gains.append(float(gain[best]))
        free[best] = False
        own = slice(rows.indptr[best], rows.indptr[best + 1])
        picked[rows.indices[own]] = rows.data[own]
        similar = np.maximum(similar, rows @ picked)
        picked[rows.indices[own]] = 0.0
    rest = np.flatnonzero(free)
    rest_gain = relevance_[rest] - redundancy * similar[rest]
    if bigrams is not None and len(rest) and len(ranking) < repeat_depth:
        repeat[rest] = [bigrams.repeats(int(i), ranking) for i in rest]
    for k in np.lexsort((rest, -rest_gain, repeat[rest])):
        ranking.append(int(rest[k]))
        gains.append(float(rest_gain[k]))
    scores = np.empty(n)
    previous = np.inf
    for i, gain in zip(ranking, gains, strict=True):
        previous = min(gain, np.nextafter(previous, -np.inf))
        scores[i] = previous
    return scores


class NewsRankMethod(ExtractiveMethod):
    """Position, directed centrality, headline and length, ranked with redundancy control."""

    name = "newsrank"
    parameters = (QUERY_PARAMETER,)
    description = ("news: inverted-pyramid position, directed TF-IDF centrality, headline "
                   "similarity and sentence length, ranked with redundancy control (MMR)")

    def score(self, document: Document, request: Request) -> Sequence[float]:
        """The MMR score of every sentence (see the module's docstring)."""
        rel, rows = relevance(document, request)
        wanted = request.length.sentence_count(len(rel)) or 0
        depth = min(MMR_MAX_DEPTH, max(MMR_DEPTH, wanted))
        return mmr_scores(rel, rows, depth, bigrams=Bigrams(document),
                          repeat_depth=max(REPEAT_DEPTH, wanted)).tolist()


def _normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
