"""One article made ready for the digest (the per-article work, done on the engine's workers):
the document stage (cleaning, segmentation, headline), the method's own ranking of its
sentences, the stemmed content words of each sentence and title, its names and numbers, and its
MinHash signature for near-duplicate detection."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..api import load_input
from ..document import Document
from ..methods.base import Request
from ..methods.extractive import ExtractiveMethod
from ..methods.newsrank import content_terms
from ..request import Input
from ..text.words import lexical_words
from .dedup import signature
from .records import Article

#: A word starting with a capital letter inside a sentence, or a number: a name or a figure.
_NAME_OR_NUMBER = re.compile(r"(?<=[\s(\"'“‘])(?:\d[\d.,]*\d|\d|[A-Z][\w'’-]+)")


@dataclass(frozen=True)
class AnalysedArticle:
    """What the digest needs of one article (plain values: it travels between processes).

    Attributes:
        id, index, title, source, published, group: from the record (``title`` falls back on the
            headline the document stage found).
        text: the text every offset refers to (the input text, or the text extracted from HTML).
        language: the language's code.
        spans: ``(start, end)`` of every candidate sentence, in order.
        ranks: the method's rank of every sentence (1 is best).
        terms: the stemmed content words of every sentence.
        title_terms: those of the title.
        names: the names and numbers the article mentions (lower-cased).
        minhash: the MinHash signature of its word shingles, and their number.
    """

    id: str | int
    index: int
    text: str
    language: str
    spans: tuple[tuple[int, int], ...]
    ranks: tuple[int, ...]
    terms: tuple[tuple[str, ...], ...]
    title_terms: tuple[str, ...]
    names: frozenset[str]
    minhash: tuple[np.ndarray, int]
    title: str | None = None
    source: str | None = None
    published: float | None = None
    group: str | None = None

    def sentence(self, i: int) -> str:
        """The text of sentence ``i``."""
        start, end = self.spans[i]
        return self.text[start:end]


def load(article: Article, request: Request) -> Document:
    """The article's :class:`Document` (its text, HTML or URL through the document stage).

    Raises:
        SummarizerError: for a text without sentences, a page that cannot be fetched...
    """
    return load_input(Input(**{article.kind: article.text}), request.language, title=article.title)


def analyse_article(article: Article, request: Request, ranking: Request) -> AnalysedArticle:
    """The article ready for grouping and ranking, under the (extractive) ``request``; its
    sentences ranked under ``ranking``, the request without the query: the story's ranking
    applies the query once, across all of its articles (see :mod:`.ranking`).

    Raises:
        SummarizerError: the document stage or the method refused the article.
    """
    document = load(article, request)
    method = request.method
    assert isinstance(method, ExtractiveMethod), "the digest ranks with an extractive method"
    method.check_size(document, request)
    scores = [float(s) for s in method.score(document, ranking)]
    order = sorted(range(len(scores)), key=lambda i: (-scores[i] if np.isfinite(scores[i]) else np.inf, i))
    ranks = [0] * len(scores)
    for rank, i in enumerate(order, start=1):
        ranks[i] = rank
    title = article.title or (document.headline.text if document.headline else None)
    sentences = document.sentences
    names = frozenset(m.group().lower() for s in sentences for m in _NAME_OR_NUMBER.finditer(" " + s.text))
    return AnalysedArticle(
        id=article.id, index=article.index, text=document.text, language=document.language.code,
        spans=tuple((s.start, s.end) for s in sentences), ranks=tuple(ranks),
        terms=tuple(tuple(content_terms(s.text, document)) for s in sentences),
        title_terms=tuple(content_terms(title, document)) if title else (),
        names=names, minhash=signature(lexical_words(" ".join(s.text for s in sentences))),
        title=title, source=article.source, published=article.published, group=article.group,
    )
