"""``edmundson``: Edmundson's cue, title and location methods, with word lists by default.

sumy's Edmundson summarizer refuses to run without bonus, stigma and null words. Defaults:
bonus words are the headline's content words (or, with no headline, the text's most frequent
content words); stigma words are hedging and boilerplate words (English only); null words are
the language's stop words (or the text's most frequent words where sumy has no list). With
``options.query`` (and no bonus words given), the query's terms and their expansion from the
text (:mod:`.query`) are the bonus words, so the cue method favours the sentences that use them. Without
stigma words the cue method gives way to the key method, which needs bonus words only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from ..document import Document
from ..text.words import lexical_words
from .base import QUADRATIC, Parameter, Request
from .extractive import ExtractiveMethod
from .query import QUERY_PARAMETER, query_of, query_terms, relevance, sentence_terms
from .sumy_adapter import sumy_ratings

#: Words that mark a sentence as less worth keeping (Edmundson's "stigma" words), English.
ENGLISH_STIGMA_WORDS = frozenset((
    "hardly", "impossible", "perhaps", "maybe", "allegedly", "reportedly", "unconfirmed", "rumour",
    "rumor", "advertisement", "advert", "sponsored", "subscribe", "newsletter", "click", "comment",
    "comments", "cookie", "cookies", "share", "tweet", "login", "password", "copyright",
))
TOP_WORDS = 10


class EdmundsonMethod(ExtractiveMethod):
    """Edmundson (1969): cue words, title words and location."""

    name = "edmundson"
    #: sumy's key method looks every word up in a tuple of the document's significant words.
    default_cost = QUADRATIC
    description = "Edmundson: cue words, headline words and position (word lists have defaults)"
    parameters = (
        Parameter("bonus_words", "array", "words that make a sentence more important "
                  "(default: the expanded query's terms, else the headline's content words)"),
        Parameter("stigma_words", "array", "words that make a sentence less important "
                  "(default: hedging and boilerplate words, English)"),
        Parameter("null_words", "array", "words to ignore (default: the language's stop words)"),
        QUERY_PARAMETER,
    )

    def score(self, document: Document, request: Request) -> Sequence[float]:
        """sumy's Edmundson rating with the requested or default word lists."""
        bonus, stigma, null = self.word_lists(document, request)
        weights: dict[str, float] = {"cue_weight": 1.0, "key_weight": 0.0} if stigma else \
            {"cue_weight": 0.0, "key_weight": 1.0}

        def configure(summarizer: Any) -> None:
            summarizer.bonus_words = bonus
            summarizer.stigma_words = stigma
            summarizer.null_words = null

        return sumy_ratings("edmundson:EdmundsonSummarizer", document, configure, **weights)

    @staticmethod
    def word_lists(document: Document, request: Request) -> tuple[list[str], list[str], list[str]]:
        """The bonus, stigma and null words to use for ``document``."""
        stop = document.language.stop_words
        words = [w.lower() for s in document.sentences for w in lexical_words(s.text)]
        null = list(request.option("null_words") or stop or _most_common(words, TOP_WORDS * 2))
        skip = set(null) | stop
        bonus = request.option("bonus_words")
        query = query_of(request)
        if not bonus and query is not None:  # query-focused: the expanded query's terms are the cue words
            found = relevance(sentence_terms(document), query_terms(query, document.language))
            bonus = [*found.terms, *found.expansion]
        if not bonus:
            title = request.option("title") or (document.headline.text if document.headline else "")
            bonus = [w.lower() for w in lexical_words(title) if w.lower() not in skip]
        if not bonus:
            bonus = _most_common((w for w in words if w not in skip), TOP_WORDS) or words[:1]
        stigma = request.option("stigma_words")
        if stigma is None:
            stigma = sorted(ENGLISH_STIGMA_WORDS) if document.language.name == "english" else []
        return list(bonus), list(stigma), null


def _most_common(words: Iterable[str], n: int) -> list[str]:
    return [w for w, _ in Counter(words).most_common(n)]
