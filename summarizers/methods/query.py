"""Query relevance: how much each sentence bears on a free-text query (pure functions, no models).

A query is a phrase, a question or a topic description of a few sentences ("what does this
article say about the budget"). Its **terms** are its stemmed content words (the language's stop
words, and for English the words of instructions such as "describe" or "discuss", left out).
A short query rarely shares more than a word or two with the sentences that answer it, so the
terms are **expanded with the documents' own co-occurring terms** by pseudo-relevance feedback
(Rocchio 1971; Lavrenko & Croft 2001 at the sentence level):

1. every sentence is scored against the query's terms with BM25 (Robertson et al. 1994:
   ``k1 = 1.2``, ``b = 0.75``, lengths relative to the mean sentence, ``idf = log(1 + (n - df +
   0.5) / (df + 0.5))`` over the sentences);
2. the ``FEEDBACK_SENTENCES`` best-scored sentences (those with a score) are the feedback set;
   each of their terms gets ``sum_i w_i * tf_it / |s_i| * idf_t`` with ``w_i`` the sentence's
   score over the best one: terms that co-occur with the query's in the sentences that match it;
3. the ``EXPANSION_TERMS`` heaviest terms that are not query terms join the query with weight
   ``EXPANSION_WEIGHT * e_t / max e`` (query terms weigh ``1 + log tf`` in the query);
4. the **relevance** of a sentence is its BM25 score against the expanded, weighted query,
   divided by the best sentence's (so it is in [0, 1], and 0 for a sentence that shares no term).

Cost: linear in the number of (sentence, term) pairs (a few sparse matrix-vector products and a
partial sort), whatever the length of the input; the query itself is at most
:data:`MAX_QUERY_CHARACTERS` characters.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..document import Document
from ..text.language import Language
from ..text.words import lexical_words
from ..types import QueryInfo, QueryMatch
from .base import Parameter, Request
from .terms import count_matrix

#: A word as :func:`~summarizers.text.words.lexical_words` finds them, for the words' offsets.
WORD_PATTERN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
#: The longest query accepted (a topic description of a few sentences fits easily).
MAX_QUERY_CHARACTERS = 2000
K1 = 1.2
B = 0.75
#: Sentences whose terms expand the query (pseudo-relevance feedback).
FEEDBACK_SENTENCES = 10
#: Terms added to the query, and the weight of the heaviest of them relative to a query term.
EXPANSION_TERMS = 10
EXPANSION_WEIGHT = 0.5

#: English words that frame a request rather than name its topic ("Describe ...", "What is
#: known about ..."): topic statements are written with them.
ENGLISH_INSTRUCTION_WORDS = frozenset((
    "describe", "discuss", "identify", "explain", "include", "including", "information", "give", "list",
    "tell", "say", "says", "said", "article", "articles", "document", "documents", "know", "known",
    "report", "reported", "regarding", "concerning", "also", "well", "specific", "aspects", "details",
))

#: The option every query-aware method declares.
QUERY_PARAMETER = Parameter(
    "query", "string",
    "a phrase, a question or a topic description: the summary says what the text says about it "
    "(query-aware methods only)", max_length=MAX_QUERY_CHARACTERS,
)


def query_of(request: Request) -> str | None:
    """The request's query, or ``None`` when there is none (or it is only whitespace)."""
    query = request.option("query")
    return query if isinstance(query, str) and query.strip() else None


def query_terms(query: str, language: Language) -> list[str]:
    """The stemmed content words of ``query``, in order, repeats kept."""
    stop = language.stop_words
    instruction = ENGLISH_INSTRUCTION_WORDS if language.name == "english" else frozenset()
    lowered = (w.lower() for w in lexical_words(query))
    return [language.stemmer(w) for w in lowered if w not in stop and w not in instruction]


@dataclass(frozen=True)
class Relevance:
    """Every sentence's relevance to a query, and how the query was read.

    Attributes:
        scores: one value per sentence in [0, 1] (the best sentence has 1; all 0 when nothing matches).
        terms: the query's own terms (stemmed) with their weights.
        expansion: the terms added from the documents, with their weights.
    """

    scores: np.ndarray
    terms: dict[str, float]
    expansion: dict[str, float]

    @property
    def matched(self) -> bool:
        """Whether any sentence bears on the query at all."""
        return bool(self.scores.size) and float(self.scores.max()) > 0.0


def bm25(counts: sp.csr_matrix, weights: np.ndarray) -> np.ndarray:
    """BM25 of every row of ``counts`` (sentences x terms) against the query ``weights`` (per term)."""
    n = counts.shape[0]
    if n == 0:
        return np.zeros(0)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    mean = lengths.mean() if lengths.size and lengths.mean() > 0 else 1.0
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log1p((n - df + 0.5) / (df + 0.5))
    rows = np.repeat(np.arange(n), np.diff(counts.indptr))
    tf = counts.data
    saturated = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * lengths[rows] / mean))
    contributions = saturated * idf[counts.indices] * weights[counts.indices]
    return np.bincount(rows, weights=contributions, minlength=n)


def relevance(term_lists: Sequence[Sequence[str]], terms: Sequence[str]) -> Relevance:
    """The relevance of each sentence (its content terms, stemmed) to the query ``terms``.

    See the module's docstring for the method; pure and linear in the input.
    """
    counts, vocabulary = count_matrix(term_lists)
    n, size = counts.shape
    seed: dict[str, float] = {t: 1.0 + math.log(c) for t, c in Counter(terms).items()}
    weights = np.zeros(size)
    for t, w in seed.items():
        if t in vocabulary:
            weights[vocabulary[t]] = w
    first = bm25(counts, weights) if n else np.zeros(0)
    expansion: dict[str, float] = {}
    if n and first.max(initial=0.0) > 0:
        positive = np.flatnonzero(first > 0)
        k = min(FEEDBACK_SENTENCES, positive.size)
        best = positive[np.argpartition(-first[positive], k - 1)[:k]]
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        share = first[best] / first.max() / np.where(lengths[best] > 0, lengths[best], 1.0)
        feedback = np.asarray(counts[best].T @ share).ravel()
        df = np.bincount(counts.indices, minlength=size)
        feedback *= np.log1p((n - df + 0.5) / (df + 0.5))
        feedback[weights > 0] = 0.0
        candidates = np.flatnonzero(feedback > 0)
        if candidates.size:
            top = candidates[np.lexsort((candidates, -feedback[candidates]))[:EXPANSION_TERMS]]
            names = {j: t for t, j in vocabulary.items()}
            peak = feedback[top].max()
            for j in top:
                weights[j] = EXPANSION_WEIGHT * feedback[j] / peak
                expansion[names[int(j)]] = round(float(weights[j]), 4)
    scores = bm25(counts, weights) if n else np.zeros(0)
    peak = scores.max(initial=0.0)
    if peak > 0:
        scores = scores / peak
    return Relevance(scores, seed, expansion)


def sentence_terms(document: Document) -> list[list[str]]:
    """Each candidate sentence's stemmed, lower-cased content words (stop words out)."""
    language = document.language
    stop, stem = language.stop_words, language.stemmer
    return [[stem(w) for w in (x.lower() for x in lexical_words(s.text)) if w not in stop]
            for s in document.sentences]


def query_report(document: Document, request: Request) -> tuple[QueryInfo | None, list[str]]:
    """How the request's query was read on ``document`` (``None`` without a query) and the
    warning for a query that no sentence bears on (see :class:`~summarizers.types.QueryInfo`)."""
    query = query_of(request)
    if query is None:
        return None, []
    found = relevance(sentence_terms(document), query_terms(query, document.language))
    note = query_warning(found, query)
    return QueryInfo(query, found.terms, found.expansion, query_matches(document, found)), [note] if note else []


def query_matches(document: Document, found: Relevance) -> tuple[QueryMatch, ...]:
    """Every word of the candidate sentences whose stem is a query term or an expansion term."""
    if not found.terms and not found.expansion:
        return ()
    language = document.language
    stop, stem = language.stop_words, language.stemmer
    matches = []
    for sentence in document.sentences:
        for word in WORD_PATTERN.finditer(sentence.text):
            lowered = word.group().lower()
            if lowered in stop:
                continue
            term = stem(lowered)
            if term in found.terms or term in found.expansion:
                matches.append(QueryMatch(sentence.start + word.start(), sentence.start + word.end(), term,
                                          term not in found.terms))
    return tuple(matches)


def query_warning(relevance_: Relevance, query: str) -> str | None:
    """The warning for a query that no sentence bears on (``None`` when some do)."""
    if not relevance_.terms:
        return f"the query {_short(query)} has no content words: it was ignored"
    if not relevance_.matched:
        return f"no sentence of the text bears on the query {_short(query)}: the summary ignores it"
    return None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
