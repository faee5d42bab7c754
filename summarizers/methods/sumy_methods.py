"""The extractive methods sumy ships: sumy's own summarizer classes, and for the slow ones the
same mathematics vectorized (:mod:`.fast_sumy`), chosen with ``options.implementation``."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from ..document import Document
from ..errors import InvalidOption
from . import fast_sumy
from .base import CUBIC, GREEDY_FAST, LINEAR, QUADRATIC, QUADRATIC_FAST, Cost, Parameter, Request
from .extractive import ExtractiveMethod
from .query import QUERY_PARAMETER, query_of
from .sumy_adapter import sumy_class, sumy_ratings

#: ``options.implementation``: the vectorized path (default) or sumy's own code.
IMPLEMENTATION = Parameter(
    "implementation", "string", "fast: the same algorithm vectorized with numpy/scipy; sumy: sumy's own "
    "(pure Python) code, the reference", default="fast", choices=("fast", "sumy"),
)


class SumyMethod(ExtractiveMethod):
    """An extractive method backed by one sumy summarizer class, and optionally a fast path.

    Args:
        fast: the vectorized rating function (see :mod:`.fast_sumy`), or a sumy subclass that
            computes the same ratings faster; ``None`` when sumy's code is the only one.
        cost: the cost class of each implementation, ``{"fast": ..., "sumy": ...}``.
    """

    def __init__(self, name: str, summarizer_class: str | Callable[[], type], description: str, *,
                 fast: Callable[[Document], list[float]] | None = None,
                 cost: Mapping[str, Cost] | None = None,
                 query: Callable[[Document, str], list[float]] | None = None) -> None:
        self.name = name
        self._summarizer_class = summarizer_class
        self.description = description
        self._fast = fast
        self._query = query
        if fast is not None:
            self.parameters = (IMPLEMENTATION,) + ((QUERY_PARAMETER,) if query is not None else ())
        self._costs = dict(cost or {"fast": LINEAR, "sumy": LINEAR})

    @property
    def summarizer_class(self) -> type:
        """The sumy class, imported on first use (``"module:Name"`` or a function making it)."""
        made = self._summarizer_class
        return sumy_class(made) if isinstance(made, str) else made()

    def implementation(self, request: Request | None = None) -> str:
        """``"fast"`` or ``"sumy"`` (``"default"`` when sumy's code is the only one): what runs for
        ``request``, by default the fast path."""
        if self._fast is None:
            return "default"
        return request.option("implementation", "fast") if request is not None else "fast"

    def cost(self, request: Request | None = None) -> Cost:
        """The cost of the implementation ``request`` picks."""
        implementation = self.implementation(request)
        return self._costs["sumy" if implementation == "default" else implementation]

    def validate_options(self, options: Mapping[str, Any] | None) -> dict[str, Any]:
        """The common checks, then: a query needs the fast implementation (sumy's code has no
        query-biased variant).

        Raises:
            InvalidOption: an unknown option, a bad value, or a query with ``implementation="sumy"``.
        """
        out = super().validate_options(options)
        if out.get("query", "").strip() and out.get("implementation") == "sumy":
            raise InvalidOption(f"options.query: method {self.name!r} is query-biased only in its fast "
                                "implementation; leave implementation out (or set it to fast)",
                                field="options.query")
        return out

    def score(self, document: Document, request: Request) -> Sequence[float]:
        """The rating of every sentence, by the fast path unless ``implementation="sumy"``; with
        a query, the method's query-biased variant (see :mod:`.fast_sumy`)."""
        query = query_of(request)
        if query is not None and self._query is not None:
            return self._query(document, query)
        if self.implementation(request) == "fast" and self._fast is not None:
            return self._fast(document)
        return sumy_ratings(self.summarizer_class, document)


class RandomMethod(SumyMethod):
    """sumy's random summarizer, seeded so that a run can be repeated."""

    parameters = (Parameter("seed", "integer", "seed of the random choice", default=0,
                            minimum=0, maximum=2**32 - 1),)

    def __init__(self) -> None:
        super().__init__("random", _seeded_random, "random sentences (a floor for evaluation)")

    def score(self, document: Document, request: Request) -> Sequence[float]:
        seed = request.option("seed", 0)
        return sumy_ratings(self.summarizer_class, document, lambda s: setattr(s, "rng", random.Random(seed)))


@cache
def _seeded_random() -> type:
    """sumy's random summarizer drawing from the summarizer's own ``rng``."""

    def _get_random_ratings(self: Any, sentences: Any) -> dict[Any, int]:
        ratings = list(range(len(sentences)))
        self.rng.shuffle(ratings)
        return dict(zip(sentences, ratings, strict=True))

    base = sumy_class("random:RandomSummarizer")
    return type("SeededRandom", (base,), {"_get_random_ratings": _get_random_ratings})


@cache
def _sorted_lsa() -> type:
    """sumy's LSA with its word rows in sorted order. sumy numbers the words of a frozenset, so
    the row order followed Python's hash seed, and near-tied sentences swapped between runs."""

    def _create_dictionary(self: Any, document: Any) -> dict[str, int]:
        words = map(self.normalize_word, document.words)
        unique_words = sorted({self.stem_word(w) for w in words if w not in self._stop_words})
        return {w: i for i, w in enumerate(unique_words)}

    return type("SortedLsa", (sumy_class("lsa:LsaSummarizer"),), {"_create_dictionary": _create_dictionary})


def sumy_methods() -> list[ExtractiveMethod]:
    """One method per sumy algorithm (Edmundson has its own module).

    Costs (time as the number of sentences n grows; limits in :mod:`.base`): sumy's LSA is a
    dense SVD (cubic), its graph methods loop over sentence pairs in Python (quadratic), KL-Sum
    and SumBasic rescore every candidate after each greedy choice (quadratic, KL-Sum cubic in
    sumy). The fast paths build sparse pair products (quadratic at worst, in C) or rescore
    with one sparse product per greedy step.
    """
    graph = {"fast": QUADRATIC_FAST, "sumy": QUADRATIC}
    return [
        SumyMethod("lsa", _sorted_lsa, "latent semantic analysis: sentences that best cover the main topics",
                   fast=fast_sumy.lsa, cost={"fast": LINEAR, "sumy": CUBIC}),
        SumyMethod("lexrank", "lex_rank:LexRankSummarizer", "LexRank: centrality in a graph of sentence similarity",
                   fast=fast_sumy.lexrank, cost=graph, query=fast_sumy.biased_lexrank),
        SumyMethod("textrank", "text_rank:TextRankSummarizer",
                   "TextRank: PageRank over sentences linked by shared words",
                   fast=fast_sumy.textrank, cost=graph, query=fast_sumy.topic_textrank),
        SumyMethod("luhn", "luhn:LuhnSummarizer", "Luhn: sentences dense in significant words",
                   fast=fast_sumy.luhn, cost={"fast": LINEAR, "sumy": QUADRATIC}),
        SumyMethod("kl", "kl:KLSummarizer", "KL-Sum: greedy choice keeping the word distribution of the text",
                   fast=fast_sumy.kl, cost={"fast": GREEDY_FAST, "sumy": CUBIC}),
        SumyMethod("sumbasic", "sum_basic:SumBasicSummarizer", "SumBasic: frequent words, with redundancy reduced",
                   fast=fast_sumy.sumbasic, cost={"fast": GREEDY_FAST, "sumy": QUADRATIC}),
        SumyMethod("reduction", "reduction:ReductionSummarizer", "graph reduction: sentences most similar to the rest",
                   fast=fast_sumy.reduction, cost=graph),
        RandomMethod(),
    ]
