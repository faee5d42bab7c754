"""The extractive methods sumy ships, each through sumy's own summarizer class."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.random import RandomSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from ..document import Document
from .base import Parameter, Request
from .extractive import ExtractiveMethod
from .sumy_adapter import sumy_ratings


class SumyMethod(ExtractiveMethod):
    """An extractive method backed by one sumy summarizer class."""

    summarizer_class: type

    def __init__(self, name: str, summarizer_class: type, description: str) -> None:
        self.name = name
        self.summarizer_class = summarizer_class
        self.description = description

    def score(self, document: Document, request: Request) -> Sequence[float]:
        """sumy's rating of every sentence."""
        return sumy_ratings(self.summarizer_class, document)


class RandomMethod(SumyMethod):
    """sumy's random summarizer, seeded so that a run can be repeated."""

    parameters = (Parameter("seed", "integer", "seed of the random choice", default=0,
                            minimum=0, maximum=2**32 - 1),)

    def __init__(self) -> None:
        super().__init__("random", _SeededRandom, "random sentences (a floor for evaluation)")

    def score(self, document: Document, request: Request) -> Sequence[float]:
        seed = request.option("seed", 0)
        return sumy_ratings(self.summarizer_class, document, lambda s: setattr(s, "rng", random.Random(seed)))


class _SeededRandom(RandomSummarizer):
    rng: random.Random

    def _get_random_ratings(self, sentences: Any) -> dict[Any, int]:
        ratings = list(range(len(sentences)))
        self.rng.shuffle(ratings)
        return dict(zip(sentences, ratings, strict=True))


class _SortedLsa(LsaSummarizer):
    """sumy's LSA with its word rows in sorted order. sumy numbers the words of a frozenset, so
    the row order followed Python's hash seed, and near-tied sentences swapped between runs."""

    def _create_dictionary(self, document: Any) -> dict[str, int]:
        words = map(self.normalize_word, document.words)
        unique_words = sorted({self.stem_word(w) for w in words if w not in self._stop_words})
        return {w: i for i, w in enumerate(unique_words)}


def sumy_methods() -> list[ExtractiveMethod]:
    """One method per sumy algorithm (Edmundson has its own module)."""
    return [
        SumyMethod("lsa", _SortedLsa, "latent semantic analysis: sentences that best cover the main topics"),
        SumyMethod("lexrank", LexRankSummarizer, "LexRank: centrality in a graph of sentence similarity"),
        SumyMethod("textrank", TextRankSummarizer, "TextRank: PageRank over sentences linked by shared words"),
        SumyMethod("luhn", LuhnSummarizer, "Luhn: sentences dense in significant words"),
        SumyMethod("kl", KLSummarizer, "KL-Sum: greedy choice keeping the word distribution of the text"),
        SumyMethod("sumbasic", SumBasicSummarizer, "SumBasic: frequent words, with redundancy reduced"),
        SumyMethod("reduction", ReductionSummarizer, "graph reduction: sentences most similar to the rest"),
        RandomMethod(),
    ]
