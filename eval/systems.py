"""What the runner evaluates: library methods in-process, the same over HTTP, and the oracle.

A system is a callable ``(example, length) -> Output``; it raises on failure (a
:class:`summarizers.SummarizerError` or :class:`~summarizers_eval.endpoint.EndpointError` for an expected
one), and the runner records the error against the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import summarizers
from summarizers import Length, Registry
from summarizers.text.words import count_words

from .datasets import Example
from .endpoint import EndpointClient
from .oracle import ORACLE_NAME, oracle_summary
from .scoring import RougeEvaluator


@dataclass(frozen=True)
class Output:
    """A system's summary of one document and its length in words."""

    summary: str
    words: int


System = Callable[[Example, Length], Output]


def accepts_option(method: str, option: str, registry: Registry) -> bool:
    """Whether the registered ``method`` declares ``option`` (``False`` if not registered here)."""
    if method not in registry:
        return False
    return any(p.name == option for p in registry.get(method).all_parameters())


def method_options(example: Example, method: str, seed: int, registry: Registry) -> dict[str, Any]:
    """Options for one document: its ``title`` when known; ``seed`` for methods that take one."""
    options: dict[str, Any] = {}
    if example.title:
        options["title"] = example.title
    if accepts_option(method, "seed", registry):
        options["seed"] = seed
    return options


@dataclass
class LibrarySystem:
    """A registered method of ``registry``, called in-process: each document's request is
    prepared once (:meth:`Registry.prepare`) and passed to :func:`summarizers.summarize_prepared`."""

    method: str
    language: str
    seed: int
    registry: Registry

    def __call__(self, example: Example, length: Length) -> Output:
        """Summarize one example.

        Raises:
            summarizers.SummarizerError: for anything the library refuses.
        """
        request = self.registry.prepare(self.method, length, self.language,
                                        method_options(example, self.method, self.seed, self.registry))
        result = summarizers.summarize_prepared(request, example.document)
        return Output(result.summary, result.length.words)


@dataclass
class EndpointSystem:
    """A method of a running service, called over HTTP."""

    method: str
    language: str
    seed: int
    client: EndpointClient
    registry: Registry

    def __call__(self, example: Example, length: Length) -> Output:
        """Summarize one example through the service.

        Raises:
            EndpointError: an error answer, or no answer after the retries.
        """
        body = {
            "text": example.document,
            "method": self.method,
            "length": length.to_dict(),
            "language": self.language,
            "options": method_options(example, self.method, self.seed, self.registry),
        }
        data = self.client.summarize(body)
        words = (data.get("length") or {}).get("words")
        return Output(data["summary"], words if isinstance(words, int) else count_words(data["summary"]))


@dataclass
class OracleSystem:
    """The greedy extractive oracle (an upper bound, see :mod:`summarizers_eval.oracle`)."""

    evaluator: RougeEvaluator
    language: str

    def __call__(self, example: Example, length: Length) -> Output:
        """The oracle's summary of one example.

        Raises:
            summarizers.SummarizerError: a document without sentences, an unsupported language.
        """
        result = oracle_summary(example.document, example.references, self.evaluator.tokenizer, length,
                                language=self.language, title=example.title)
        return Output(result.summary, result.words)


def build_system(
    name: str,
    *,
    language: str,
    seed: int,
    evaluator: RougeEvaluator,
    registry: Registry,
    endpoint: EndpointClient | None = None,
) -> System:
    """The system called ``name``: the oracle, a service method, or a method of ``registry``
    (which also tells which methods take a ``seed``)."""
    if name == ORACLE_NAME:
        return OracleSystem(evaluator, language)
    if endpoint is not None:
        return EndpointSystem(name, language, seed, endpoint, registry)
    return LibrarySystem(name, language, seed, registry)
