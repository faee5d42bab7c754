"""The work of a request as a picklable value, so it can run in a worker process or a thread.

A task is called with the registry of wherever it runs (the child's copy, or the app's own)
and calls the library; nothing of Flask or the request goes with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizers import Registry, SummarizerError, Summary, summarize, summarize_batch


@dataclass(frozen=True)
class SummarizeTask:
    """One document: :func:`summarizers.summarize` with these arguments."""

    text: str | None
    html: str | None
    method: str
    length: Mapping[str, Any] | None
    language: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, registry: Registry) -> Summary:
        return summarize(self.text, html=self.html, method=self.method, length=self.length,
                         language=self.language, options=self.options, registry=registry)


@dataclass(frozen=True)
class BatchTask:
    """Many documents: :func:`summarizers.summarize_batch` with these arguments."""

    documents: Sequence[Mapping[str, Any]]
    method: str
    length: Mapping[str, Any] | None
    language: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, registry: Registry) -> list[Summary | SummarizerError]:
        return summarize_batch(self.documents, method=self.method, length=self.length,
                               language=self.language, options=self.options, registry=registry)


@dataclass(frozen=True)
class GivenRegistry:
    """A registry factory returning (a copy of) the registry it holds: picklable, for children."""

    registry: Registry

    def __call__(self) -> Registry:
        return self.registry
