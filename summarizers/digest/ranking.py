"""One story's multi-document extractive ranking, from all of its articles.

Candidates are each article's best :data:`PER_ARTICLE` sentences by the method's own ranking
(for ``newsrank``: inverted-pyramid position, centrality within the article, headline
similarity), from at most :data:`MAX_ARTICLES` articles (the most central). Each candidate's
relevance adds three parts, scaled down for sentences shorter than :data:`SHORT_WORDS` words
and weighed :data:`LEANING_WEIGHT` for a sentence that opens on a word pointing back at an earlier
one (:mod:`summarizers.text.openers`: a pronoun or connective, which out of its article reads as a
fragment):

- **position within its article**: ``1 / (1 + (rank - 1) / RANK_SCALE)`` for the method's rank;
- **centrality across the articles**: the TF-IDF cosine of the sentence and the story's
  centroid (every article weighing the same), times :data:`CENTRALITY_WEIGHT`;
- **agreement between sources**: over every other source (articles without a source count as
  sources of their own), the mean of its closest sentence's cosine, times :data:`AGREEMENT_WEIGHT`:
  what several outlets report is the story; what one adds is a detail.

The candidates are then ordered by maximal marginal relevance across the articles, in its
multiplicative form: each next one maximises its relevance times ``(1 - c) ** REDUNDANCY``, ``c``
its highest cosine with those before it, so that a paraphrase of a sentence already taken (the
same fact from another outlet) falls back whatever the relevance's scale (a query multiplies it
by up to five); the digest takes from the top of that order.

:func:`rank_story` takes the prepared request (length, language, options), so that options such
as a query can reach the ranking. With ``options.query`` the candidates are each article's best
:data:`PER_ARTICLE_QUERY` sentences and each one's relevance is multiplied by ``1 + QUERY_WEIGHT *
r`` (relevance times centrality), ``r`` its relevance to the query, whose terms are expanded with
the terms that co-occur with them across the story's articles (:mod:`summarizers.methods.query`).
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
from ..text.openers import leans_back
from ..text.words import count_words
from .analysed import AnalysedArticle

PER_ARTICLE = 8
MAX_ARTICLES = 40
RANK_SCALE = 2.0
CENTRALITY_WEIGHT = 1.0
AGREEMENT_WEIGHT = 1.0
SHORT_WORDS = 10
#: A sentence that opens on a word pointing back at an earlier one ("It began last Thursday",
#: "But the court...") weighs this much: out of its article it reads as a fragment.
LEANING_WEIGHT = 0.5
#: The redundancy exponent of the ordering: a candidate whose highest cosine with a sentence
#: before it is ``c`` keeps ``(1 - c) ** REDUNDANCY`` of its relevance (a quarter at 0.5). It
#: replaced ``relevance - 0.7 * c``, which let the second and third outlet's wording of the lead
#: fact through: ROUGE-1 margins over the best lead baseline at 100 / 70 words from +0.4 / +1.3
#: to +2.9 / +3.0 on clusters of four reports of one event (``tests/data/reports``), MultiLing
#: English at 250 / 100 / 70 words from -0.3 / +0.6 / -1.4 to +0.3 / +0.3 / +0.0 (the six
#: languages' mean lower: docs/digest.md).
REDUNDANCY = 2.0
#: With a query, relevance times centrality: a candidate's signals are multiplied by
#: ``1 + QUERY_WEIGHT * r``, ``r`` its relevance to the query expanded over the story's candidates
#: (in [0, 1], see :mod:`summarizers.methods.query`): a sentence that fully answers the query
#: weighs five times one of the same signals that does not, so the answer leads and the story's
#: signals order it. The articles' own rankings (the position prior) are those without the
#: query, so that the query counts once. Measured on topic statements with human answers
#: (``tests/data/queries``, docs/query.md): ROUGE-2 +0.6 over no query at 1, +1.4 at 4, +1.7
#: at 8 (with the former additive redundancy +0.4 at 1, then flat at +1.3 from 3 to 8).
QUERY_WEIGHT = 4.0
#: With a query: candidates per article (relevant sentences sit deeper in articles that are not
#: about the query first).
PER_ARTICLE_QUERY = 16


def story_relevance(terms: Sequence[Sequence[str]], request: Request, language: str) -> Relevance | None:
    """The candidates' relevance to the request's query (``None`` without one): the query's
    terms expanded with the terms that co-occur with them across the story's articles."""
    query = query_of(request)
    if query is None:
        return None
    return query_relevance(terms, query_terms(query, get_language(language)))


def query_coverage(articles: Sequence[AnalysedArticle], request: Request) -> float | None:
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


def _agreement(similar: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """For each sentence, the mean over the other source groups of its closest sentence there."""
    labels = np.unique(groups)
    if len(labels) < 2:
        return np.zeros(len(groups))
    best = np.stack([np.where(groups == g, similar, 0.0).max(axis=1) for g in labels], axis=1)
    own = groups[:, None] == labels[None, :]
    best[own] = 0.0
    return best.sum(axis=1) / (len(labels) - 1)


def _mmr(relevance: np.ndarray, similar: np.ndarray, redundancy: float = REDUNDANCY) -> tuple[list[int], list[float]]:
    """Every candidate in maximal marginal relevance order, and its gain when taken: relevance
    (non-negative: the signals are) times ``(1 - c) ** redundancy``, ``c`` its highest cosine
    with those taken before it (clipped at 1 against rounding). Ties go to the earlier index."""
    n = len(relevance)
    taken = np.zeros(n, dtype=bool)
    closest = np.zeros(n)
    order: list[int] = []
    gains: list[float] = []
    for _ in range(n):
        gain = np.where(taken, -np.inf, relevance * (1.0 - np.minimum(closest, 1.0)) ** redundancy)
        best = int(np.argmax(gain))
        order.append(best)
        gains.append(float(gain[best]))
        taken[best] = True
        closest = np.maximum(closest, similar[best])
    return order, gains


def _headline(articles: Sequence[AnalysedArticle], vocabulary: dict[str, int], idf: np.ndarray,
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


def rank_story(articles: Sequence[AnalysedArticle], request: Request) -> RankedStory:
    """The headline and the ranked candidate sentences of the story told by ``articles`` (its
    originals, not their duplicates), under ``request`` (its length bounds the candidates)."""
    chosen = list(articles)
    if len(chosen) > MAX_ARTICLES:
        chosen = _most_central(chosen, MAX_ARTICLES)
    depth = PER_ARTICLE_QUERY if query_of(request) is not None else PER_ARTICLE
    picks = [(k, i) for k, a in enumerate(chosen) for i in range(len(a.spans)) if a.ranks[i] <= depth]
    terms = [chosen[k].terms[i] for k, i in picks]
    rows, _ = tfidf_rows(terms)
    owners = np.array([k for k, _ in picks], dtype=np.int64)
    centre = _centroid(rows, owners, len(chosen))
    similar = (rows @ rows.T).toarray()
    np.fill_diagonal(similar, 0.0)
    sources = {}
    groups = np.array([sources.setdefault(chosen[k].source or ("#", chosen[k].id), len(sources)) for k, _ in picks])
    prior = np.array([1.0 / (1.0 + (chosen[k].ranks[i] - 1) / RANK_SCALE) for k, i in picks])
    texts = [chosen[k].sentence(i) for k, i in picks]
    words = np.array([count_words(t) for t in texts], dtype=float)
    signals = prior + CENTRALITY_WEIGHT * (rows @ centre) + AGREEMENT_WEIGHT * _agreement(similar, groups)
    bearing = story_relevance(terms, request, chosen[0].language)
    if bearing is not None:  # query-focused: relevance to the expanded query joins the signals
        signals = signals * (1.0 + QUERY_WEIGHT * bearing.scores)
    leaning = np.array([leans_back(t, chosen[0].language) for t in texts], dtype=bool)
    relevance = np.minimum(1.0, words / SHORT_WORDS) * signals * np.where(leaning, LEANING_WEIGHT, 1.0)
    order, gains = _mmr(relevance, similar)
    candidates = tuple(
        Candidate(chosen[picks[p][0]].id, *chosen[picks[p][0]].spans[picks[p][1]], texts[p], gain, int(words[p]))
        for p, gain in zip(order, gains, strict=True))
    counts, vocabulary = count_matrix(terms)
    n = len(terms)
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    coverage = query_coverage(articles, request)
    found = _headline(articles, vocabulary, idf, centre)
    if found is None:
        top = candidates[0]
        return RankedStory(top.text, None, candidates, coverage)
    return RankedStory(found[0], found[1], candidates, coverage)


def _most_central(articles: list[AnalysedArticle], keep: int) -> list[AnalysedArticle]:
    """The ``keep`` articles whose words are closest to the story's, in their order."""
    bags = [[t for s in a.terms for t in s] for a in articles]
    rows, _ = tfidf_rows(bags)
    centre = np.asarray(rows.sum(axis=0)).ravel()
    scores = rows @ centre
    best = sorted(np.argsort(-scores, kind="stable")[:keep].tolist())
    return [articles[i] for i in best]
