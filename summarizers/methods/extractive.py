"""What every extractive method shares: turning per-sentence scores into a summary."""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from ..document import Document
from ..text.words import count_words
from ..types import Kind, Length, LengthAchieved, SelectedSentence, Span, Summary
from .base import COMMON_PARAMETERS, Method, Parameter, Request
from .query import query_report

#: Options every extractive method accepts (besides the common ones).
EXTRACTIVE_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("all_sentences", "boolean",
              "also return every candidate sentence with its score and rank (all_sentences), "
              "e.g. to draw a heat map of the article", default=False),
)


class ExtractiveMethod(Method):
    """A method that scores the document's sentences; selection is shared.

    Subclasses implement :meth:`score`: one float per candidate sentence, higher is better.
    """

    kind: ClassVar[Kind] = "extractive"

    def all_parameters(self) -> tuple[Parameter, ...]:
        """The common options, the extractive ones (``all_sentences``), then the method's own."""
        return COMMON_PARAMETERS + EXTRACTIVE_PARAMETERS + tuple(self.parameters)

    @abstractmethod
    def score(self, document: Document, request: Request) -> Sequence[float]:
        """One score per sentence of ``document.sentences`` (higher is more important)."""

    def summarize(self, document: Document, request: Request) -> Summary:
        """Check the size, score the sentences, then select them by length and order them.

        Raises:
            InputTooLarge: more sentences than the method's limit (checked before scoring).
        """
        self.check_size(document, request)
        sentences = document.sentences
        scores = [float(s) for s in self.score(document, request)]
        if len(scores) != len(sentences):
            raise RuntimeError(f"{self.name} returned {len(scores)} scores for {len(sentences)} sentences")
        chosen, ranks, warnings = select(sentences, scores, request.length)
        query, notes = query_report(document, request)
        warnings += notes
        if request.option("order", "document") == "document":
            chosen.sort()

        def scored(i: int) -> SelectedSentence:
            return SelectedSentence(sentences[i].text, sentences[i].start, sentences[i].end,
                                    scores[i] if math.isfinite(scores[i]) else None, ranks[i])

        every = tuple(scored(i) for i in range(len(sentences))) if request.option("all_sentences") else None
        return build_summary(self.name, self.kind, document, request.length, [scored(i) for i in chosen],
                             warnings, all_sentences=every, query=query)


def select(
    sentences: Sequence[Span], scores: Sequence[float], length: Length
) -> tuple[list[int], list[int], list[str]]:
    """Choose sentences by score under ``length``.

    Returns:
        the chosen indices in rank order, the rank of every sentence (1 is best; ties go to
        the earlier sentence; non-finite scores rank last) and warnings.
    """
    n = len(sentences)
    ranking = sorted(range(n), key=lambda i: (-_finite(scores[i]), i))
    ranks = [0] * n
    for position, i in enumerate(ranking, start=1):
        ranks[i] = position
    warnings: list[str] = []
    count = length.sentence_count(n)
    if count is not None:
        if count > n:
            warnings.append(
                f"asked for {count} sentences but the text has {n}: the summary is the whole text"
            )
        return ranking[:count], ranks, warnings

    budget = length.words or 0
    chosen, used = [], 0
    for i in ranking:
        words = count_words(sentences[i].text)
        if used + words <= budget:
            chosen.append(i)
            used += words
    if not chosen:
        best = ranking[0]
        chosen = [best]
        warnings.append(
            f"the best sentence has {count_words(sentences[best].text)} words, over the budget "
            f"of {budget}: it is returned alone"
        )
    elif len(chosen) == n:
        warnings.append(f"the text has fewer than {budget} words: the summary is the whole text")
    return chosen, ranks, warnings


def _finite(x: float) -> float:
    return x if math.isfinite(x) else -math.inf


def build_summary(
    method: str,
    kind: Kind,
    document: Document,
    requested: Length,
    sentences: Sequence[SelectedSentence],
    warnings: Sequence[str],
    **extra: object,
) -> Summary:
    """Assemble a :class:`Summary` of extractive ``sentences`` of ``document``."""
    text = " ".join(s.text for s in sentences)
    return Summary(
        summary=text,
        method=method,
        kind=kind,
        sentences=tuple(sentences),
        offsets_refer_to="extracted_text" if document.source == "html" else "text",
        input=document.stats(),
        length=LengthAchieved(len(sentences), count_words(text), len(text), requested),
        warnings=tuple(warnings),
        headline=document.headline,
        extracted_text=document.text if document.source == "html" else None,
        **extra,  # type: ignore[arg-type]
    )
