"""Running sumy's summarizers on our documents and keeping the ratings they compute.

sumy summarizers rate every sentence, then keep the best ``count`` through
``AbstractSummarizer._get_best_sentences`` and throw the ratings away. We subclass each
summarizer once to capture those ratings (one per sentence, in document order), so that the
shared selection can rank, order and budget sentences itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ..document import Document
from ..text.language import Language
from ..text.words import lexical_words

if TYPE_CHECKING:
    from sumy.models.dom import ObjectDocumentModel, Sentence
    from sumy.summarizers._summarizer import AbstractSummarizer


class WordTokenizer:
    """sumy's tokenizer interface (``language``, ``to_sentences``, ``to_words``), no NLTK data.

    Only ``to_words`` is used by sumy's models; sentences come from our segmenter.
    """

    def __init__(self, language: Language) -> None:
        self._language = language

    @property
    def language(self) -> str:
        return self._language.name

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        from ..text.segment import split_sentences

        return tuple(s.text for s in split_sentences(paragraph, self._language.code))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(lexical_words(sentence))


def to_sumy_document(document: Document) -> ObjectDocumentModel:
    """sumy's document model of ``document``: its paragraphs, with the headline as a heading.

    ``result.sentences`` lists exactly ``document.sentences``, in the same order.
    """
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence  # sumy (and NLTK) only when used

    tokenizer = WordTokenizer(document.language)
    paragraphs = []
    for i, paragraph in enumerate(document.paragraphs):
        sentences = [Sentence(s.text, tokenizer) for s in paragraph]
        if i == 0 and document.headline is not None:
            sentences.insert(0, Sentence(document.headline.text, tokenizer, is_heading=True))
        paragraphs.append(Paragraph(sentences))
    return ObjectDocumentModel(paragraphs)


@cache
def sumy_class(path: str) -> type[AbstractSummarizer]:
    """The sumy class ``"module:Name"`` (``"lex_rank:LexRankSummarizer"``), imported on first
    use: sumy imports NLTK (and SciPy's statistics) for its stemmers, a second the other methods
    and a plain ``summarize text`` never pay."""
    module, name = path.split(":")
    return getattr(importlib.import_module(f"sumy.summarizers.{module}"), name)


@cache
def _capturing(cls: type[AbstractSummarizer]) -> type[AbstractSummarizer]:
    """A subclass of ``cls`` whose best-sentence selection records every sentence's rating."""

    def _get_best_sentences(self: Any, sentences: Sequence[Sentence], count: Any, rating: Any,
                            *args: Any, **kwargs: Any) -> tuple[Sentence, ...]:
        rate: Callable[..., float] = rating.__getitem__ if isinstance(rating, dict) else rating
        self.ratings = [float(rate(s, *args, **kwargs)) for s in sentences]
        return tuple(sentences)

    return type(f"Capturing{cls.__name__}", (cls,), {"_get_best_sentences": _get_best_sentences})


def sumy_ratings(
    cls: type[AbstractSummarizer] | str,
    document: Document,
    configure: Callable[[Any], None] | None = None,
    **kwargs: Any,
) -> list[float]:
    """Rate every sentence of ``document`` with sumy's ``cls``.

    Args:
        cls: a sumy summarizer class, or its ``"module:Name"`` (see :func:`sumy_class`).
        configure: called with the summarizer before it runs (to set word lists, say).
        kwargs: passed to the summarizer's constructor.
    """
    if isinstance(cls, str):
        cls = sumy_class(cls)
    summarizer = _capturing(cls)(document.language.stemmer, **kwargs)
    summarizer.stop_words = document.language.stop_words
    if configure is not None:
        configure(summarizer)
    model = to_sumy_document(document)
    # Degenerate texts (one sentence, no shared words) give 0/0 in some algorithms: the NaN
    # ratings rank last and are reported as null, so numpy's warnings are only noise.
    with np.errstate(divide="ignore", invalid="ignore"):
        summarizer(model, len(model.sentences))
    return summarizer.ratings
