"""The work of a request as a picklable value, so it can run in a worker process or a thread.

A task holds a request prepared (validated) in the request thread and its documents, both in
their wire forms (:meth:`summarizers.Request.to_wire`, :meth:`summarizers.Input.to_wire`); it is
called with the registry of wherever it runs (the child's copy, or the app's own), reads the
request back with it (:meth:`summarizers.Registry.from_wire`) and calls the library. Nothing of
Flask or the request goes with it, and nothing is validated again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from summarizers import Input, Registry, SummarizerError, Summary, summarize_batch_prepared, summarize_input
from summarizers.fetch import FetchPolicy


@dataclass(frozen=True)
class SummarizeTask:
    """One document: :func:`summarizers.summarize_input`."""

    request: Mapping[str, Any]
    input: Mapping[str, Any]
    fetch_policy: FetchPolicy | None = None

    def __call__(self, registry: Registry) -> Summary:
        return summarize_input(registry.from_wire(self.request), Input.from_wire(self.input),
                               fetch_policy=self.fetch_policy)


@dataclass(frozen=True)
class BatchTask:
    """Many documents: :func:`summarizers.summarize_batch_prepared`; each document a mapping of
    :class:`summarizers.Input`'s fields, read (and refused alone when its shape is wrong) there."""

    request: Mapping[str, Any]
    documents: Sequence[Mapping[str, Any]]
    fetch_policy: FetchPolicy | None = None

    def __call__(self, registry: Registry) -> list[Summary | SummarizerError]:
        return summarize_batch_prepared(registry.from_wire(self.request), self.documents,
                                        fetch_policy=self.fetch_policy)


@dataclass(frozen=True)
class GivenRegistry:
    """A registry factory returning (a copy of) the registry it holds: picklable, for children."""

    registry: Registry

    def __call__(self) -> Registry:
        return self.registry
