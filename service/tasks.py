"""The work of a request as a picklable value, so it can run in a worker process or a thread.

A task holds a request prepared (validated) in the request thread, in its portable form, and
the documents; it is called with the registry of wherever it runs (the child's copy, or the
app's own), binds the request to it and calls the library. Nothing of Flask or the request goes
with it, and nothing is validated again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from summarizers import Registry, SummarizerError, Summary, summarize_batch_prepared, summarize_prepared
from summarizers.fetch import FetchPolicy
from summarizers.methods.base import PortableRequest


@dataclass(frozen=True)
class SummarizeTask:
    """One document: :func:`summarizers.summarize_prepared`."""

    request: PortableRequest
    text: str | None
    html: str | None
    url: str | None = None
    fetch_policy: FetchPolicy | None = None

    def __call__(self, registry: Registry) -> Summary:
        return summarize_prepared(self.request.bind(registry), self.text, html=self.html, url=self.url,
                                  fetch_policy=self.fetch_policy)


@dataclass(frozen=True)
class BatchTask:
    """Many documents: :func:`summarizers.summarize_batch_prepared`."""

    request: PortableRequest
    documents: Sequence[Mapping[str, object]]
    fetch_policy: FetchPolicy | None = None

    def __call__(self, registry: Registry) -> list[Summary | SummarizerError]:
        return summarize_batch_prepared(self.request.bind(registry), self.documents, fetch_policy=self.fetch_policy)


@dataclass(frozen=True)
class GivenRegistry:
    """A registry factory returning (a copy of) the registry it holds: picklable, for children."""

    registry: Registry

    def __call__(self) -> Registry:
        return self.registry
