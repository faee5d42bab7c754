"""One story's multi-document extractive ranking, from all of its articles: concept coverage.

Candidates are the first :data:`MAX_POSITION` sentences of each of at most :data:`MAX_ARTICLES`
articles (the most central); those shorter than :data:`MIN_WORDS` words only follow the others.
They are ordered by the budgeted greedy of :mod:`.coverage` (Gillick & Favre 2009; Lin & Bilmes
2010): concepts are the bigrams of stemmed content words, weighted by the number of articles that
use them (plus a bonus for the articles that use them in their lead), each next sentence the one
that covers the most new concept weight per word (per sentence under a sentence budget) and
still fits the request's length. A concept counts once, so the order never says one thing twice;
the digest takes from the top of that order (and skips what repeats another story).

:func:`rank_story` takes the prepared request (length, language, options), so that the length
is the greedy's budget and options such as a query reach the ranking. With ``options.query`` the
candidates go :data:`MAX_POSITION_QUERY` sentences deep and each concept's weight is multiplied
by ``1 + QUERY_WEIGHT * r``, ``r`` the mean relevance to the query of the candidates that cover
it; sentence relevance uses the query's terms expanded with the terms that co-occur with them
across the story's articles (:mod:`summarizers.methods.query`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..methods.base import Request
from ..methods.newsrank import tfidf_rows
from ..methods.query import Relevance, query_of, query_terms
from ..methods.query import relevance as query_relevance
from ..methods.terms import count_matrix
from ..text.language import get_language
from ..text.words import count_words
from .coverage import concept_matrix, greedy_order, min_support, sentence_concepts
from .prepared import PreparedArticle

MAX_ARTICLES = 40
#: Candidates per article: its first sentences (news says what matters first).
MAX_POSITION = 30
#: With a query: candidates per article (relevant sentences sit deeper in articles that are not
#: about the query first).
MAX_POSITION_QUERY = 60
#: Sentences shorter than this are candidates only after all the others (ICSI left them out).
MIN_WORDS = 8
#: The position prior: a sentence's gain is multiplied by ``1 + POSITION_WEIGHT / (1 + i)``, ``i``
#: its position in its article (0 first): the lead of each article is preferred, as news writes it.
POSITION_WEIGHT = 3.0
#: With a query, each concept's weight is multiplied by ``1 + QUERY_WEIGHT * r``, ``r`` the mean
#: relevance (in [0, 1], see :mod:`summarizers.methods.query`) of the candidates that cover it.
QUERY_WEIGHT = 1.0


def story_relevance(terms: Sequence[Sequence[str]], request: Request, language: str) -> Relevance | None:
    """The candidates' relevance to the request's query (``None`` without one): the query's
    terms expanded with the terms that co-occur with them across the story's articles."""
    query = query_of(request)
    if query is None:
        return None
    return query_relevance(terms, query_terms(query, get_language(language)))


def query_coverage(articles: Sequence[PreparedArticle], request: Request) -> float | None:
    """The share of the request's query terms (weighted as in the query) that occur anywhere in
    ``articles`` (``None`` without a query; 0 for a query without content words)."""
    query = query_of(request)
    if query is None:
        return None
    terms = query_terms(query, get_language(articles[0].language))
    if not terms:
        return 0.0
    used = {t for a in articles for sentence in a.terms for t in sentence}
    used |= {t for a in articles for t in a.title_terms}
    found = query_relevance([], terms).terms  # the query's own weights
    return sum(w for t, w in found.items() if t in used) / sum(found.values())


@dataclass(frozen=True)
class Candidate:
    """A sentence a story's summary may use: its article's id, its offsets in that article's
    text, its text, its relevance after redundancy control, and its words."""

    document: str | int
    start: int
    end: int
    text: str
    score: float
    words: int


@dataclass(frozen=True)
class RankedStory:
    """A story's headline (and the id of the article it is the title of, or ``None`` for a
    sentence) and its candidate sentences, best first."""

    headline: str
    headline_document: str | int | None
    candidates: tuple[Candidate, ...]
    #: With a query: the share of the query's terms (by weight) that the story's articles use.
    query_coverage: float | None = None


def _centroid(rows: sp.csr_matrix, owners: np.ndarray, count: int) -> np.ndarray:
    """The unit mean of the articles' mean rows (every article weighing the same)."""
    weights = 1.0 / np.bincount(owners, minlength=count)[owners]
    centre = np.asarray(rows.T @ weights).ravel()
    norm = float(np.linalg.norm(centre))
    return centre / norm if norm > 0 else centre


def _headline(articles: Sequence[PreparedArticle], vocabulary: dict[str, int], idf: np.ndarray,
              centre: np.ndarray) -> tuple[str, str | int] | None:
    """The title closest to the story's centroid (ties: the earlier article)."""
    best: tuple[float, str, str | int] | None = None
    for a in articles:
        if not a.title:
            continue
        vector = np.zeros(len(idf))
        for t in a.title_terms:
            if t in vocabulary:
                vector[vocabulary[t]] += idf[vocabulary[t]]
        norm = float(np.linalg.norm(vector))
        score = float(vector @ centre) / norm if norm > 0 else 0.0
        if best is None or score > best[0]:
            best = (score, a.title, a.id)
    return (best[1], best[2]) if best else None


def rank_story(articles: Sequence[PreparedArticle], request: Request) -> RankedStory:
    """The headline and the ranked candidate sentences of the story told by ``articles`` (its
    originals, not their duplicates), under ``request`` (its length is the coverage's budget)."""
    chosen = list(articles)
    if len(chosen) > MAX_ARTICLES:
        chosen = _most_central(chosen, MAX_ARTICLES)
    bearing_query = query_of(request) is not None
    depth = MAX_POSITION_QUERY if bearing_query else MAX_POSITION
    # Position first, so that ties in the greedy go to the earlier sentences of the articles.
    picks = sorted(((k, i) for k, a in enumerate(chosen) for i in range(min(depth, len(a.spans)))),
                   key=lambda p: (p[1], p[0]))
    terms = [chosen[k].terms[i] for k, i in picks]
    texts = [chosen[k].sentence(i) for k, i in picks]
    words = np.array([count_words(t) for t in texts], dtype=float)
    owners = [k for k, _ in picks]
    positions = [i for _, i in picks]
    long_enough = words >= MIN_WORDS
    if not long_enough.any():  # a story of short sentences only: they are all it has
        long_enough[:] = True
    concepts = [sentence_concepts(t) if ok else set() for t, ok in zip(terms, long_enough, strict=True)]
    matrix, weights, _ = _concepts(concepts, owners, positions, len(chosen))
    bearing = story_relevance(terms, request, chosen[0].language)
    if bearing is not None and bearing.matched:  # query-focused: concepts weigh by their sentences' relevance
        weights = weights * (1.0 + QUERY_WEIGHT * _concept_relevance(matrix, bearing.scores))
    length = request.length
    if length.words is not None:
        costs, budget = words, float(length.words)
    else:
        costs, budget = np.ones(len(picks)), float(length.sentences or 1)
    prior = 1.0 + POSITION_WEIGHT / (1.0 + np.array(positions, dtype=float))
    order, gains = greedy_order(matrix, weights, costs, budget, prior)
    # The sentences that cover nothing keep their order, the short ones last.
    head = [p for p, g in zip(order, gains, strict=True) if g > 0]
    tail = [p for p in order[len(head):] if long_enough[p]] + [p for p in order[len(head):] if not long_enough[p]]
    scores = dict(zip(order, gains, strict=True))
    candidates = tuple(
        Candidate(chosen[picks[p][0]].id, *chosen[picks[p][0]].spans[picks[p][1]], texts[p], scores[p], int(words[p]))
        for p in head + tail)
    rows, _ = tfidf_rows(terms)
    centre = _centroid(rows, np.array(owners, dtype=np.int64), len(chosen))
    counts, vocabulary = count_matrix(terms)
    df = np.bincount(sp.csr_matrix(counts).indices, minlength=len(vocabulary))
    idf = np.log((1.0 + len(terms)) / (1.0 + df)) + 1.0
    coverage = query_coverage(articles, request)
    found = _headline(articles, vocabulary, idf, centre)
    if found is None:
        top = candidates[0]
        return RankedStory(top.text, None, candidates, coverage)
    return RankedStory(found[0], found[1], candidates, coverage)


def _concepts(concepts: list[set[str]], owners: list[int], positions: list[int],
              articles: int) -> tuple[sp.csr_matrix, np.ndarray, list[str]]:
    """The concept matrix at the usual support threshold, lowered (down to 1) while no
    candidate covers any concept."""
    least = min_support(articles)
    while True:
        matrix, weights, names = concept_matrix(concepts, owners, positions, articles, least)
        if matrix.nnz or least <= 1:
            return matrix, weights, names
        least -= 1


def _concept_relevance(matrix: sp.csr_matrix, scores: np.ndarray) -> np.ndarray:
    """Each concept's query relevance: the mean relevance of the candidates that cover it."""
    count = np.asarray(matrix.sum(axis=0)).ravel()
    total = np.asarray(matrix.T @ scores).ravel()
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _most_central(articles: list[PreparedArticle], keep: int) -> list[PreparedArticle]:
    """The ``keep`` articles whose words are closest to the story's, in their order."""
    bags = [[t for s in a.terms for t in s] for a in articles]
    rows, _ = tfidf_rows(bags)
    centre = np.asarray(rows.sum(axis=0)).ravel()
    scores = rows @ centre
    best = sorted(np.argsort(-scores, kind="stable")[:keep].tolist())
    return [articles[i] for i in best]
