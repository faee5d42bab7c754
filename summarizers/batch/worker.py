"""The work done for one chunk of items, the same in a pool process and in a Ray actor.

A :class:`ChunkWorker` holds one registry for its whole life, so every model loads once per
worker. It reads the job's prepared request from its wire form once
(:meth:`~summarizers.Registry.from_wire`: nothing validated again), prepares each distinct
per-record (method, length) override once (:meth:`~summarizers.Registry.prepare`), groups a
chunk by the prepared request so that
:func:`summarizers.summarize_batch_prepared` can batch the model calls, puts abstractive
documents in length order (less padding), and turns every outcome into an output record; it
never raises for a document.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..api import summarize_batch_prepared
from ..errors import SummarizerError
from ..registry import Registry, default_registry
from ..request import Input, Request, WireRequest
from ..types import Summary
from .items import Item
from .output import INTERNAL_ERROR

log = logging.getLogger(__name__)

#: Test hook: seconds to sleep per document after each chunk, so that a test can kill a run
#: mid-way. Only read when this variable is set; never set it in production.
DELAY_ENV = "SUMMARIZE_BATCH_TEST_DELAY"

RegistryFactory = Callable[[], Registry]


def _head(item: Item) -> dict[str, Any]:
    """An output line's id, marked ``"id_generated": true`` when the record had no id of its own."""
    return {"id": item.id} if item.id_given else {"id": item.id, "id_generated": True}


def result_record(item: Item, summary: Summary) -> dict[str, Any]:
    """The output line of a summarized document."""
    return {**_head(item), "result": summary.to_dict()}


def error_record(item: Item, error: SummarizerError | Mapping[str, Any]) -> dict[str, Any]:
    """The output line of a failed document (``error`` as ``{"code", "message", "details"}``)."""
    return {**_head(item), "error": error.to_dict() if isinstance(error, SummarizerError) else dict(error)}


def internal_error(exc: BaseException) -> dict[str, Any]:
    """The error of a document that failed unexpectedly (logged with its traceback)."""
    return {"code": INTERNAL_ERROR, "message": f"unexpected {type(exc).__name__}: {exc} (see the log)",
            "details": {}}


#: The key of the job's own request among a worker's prepared requests (no record's key is a
#: JSON string).
_JOB = "job"


def _body_length(item: Item) -> int:
    body = item.input.body if item.input is not None else None
    return len(body) if isinstance(body, str) else 0


class ChunkWorker:
    """Summarizes chunks of items with the job's prepared request and one registry.

    Args:
        request: the wire form of the job's prepared request (:meth:`summarizers.Request.to_wire`;
            a record may override its method and length), or ``None`` when every call of
            :meth:`run` gives its own.
        registry_factory: builds the registry, once, on first use (default: the built-ins and
            plugins). It must be picklable to reach pool processes and Ray actors.
    """

    def __init__(self, request: WireRequest | None, registry_factory: RegistryFactory = default_registry) -> None:
        self.request = request
        self._factory = registry_factory
        self._registry: Registry | None = None
        self._prepared: dict[str, Request] = {}
        self._delay = float(os.environ.get(DELAY_ENV) or 0)

    @property
    def registry(self) -> Registry:
        """The worker's registry (built on first use)."""
        if self._registry is None:
            self._registry = self._factory()
        return self._registry

    def __call__(self, chunk: Sequence[Item], request: WireRequest | None = None) -> list[dict[str, Any]]:
        """:meth:`run` (a worker of the engine's pools)."""
        return self.run(chunk, request)

    def run(self, chunk: Sequence[Item], request: WireRequest | None = None) -> list[dict[str, Any]]:
        """One output record per item, in the chunk's order. Never raises for a document.

        ``request`` (a wire form) replaces the worker's own for this chunk (a jobs worker serves
        many jobs with one registry, so models load once).
        """
        if request is not None and request != self.request:
            return ChunkWorker(request, lambda: self.registry).run(chunk)
        records: list[dict[str, Any] | None] = [None] * len(chunk)
        groups: dict[Request, list[int]] = {}
        for i, item in enumerate(chunk):
            if item.error is not None:
                records[i] = error_record(item, item.error)
                continue
            try:
                request = self.prepare(item)
            except SummarizerError as exc:  # a bad per-record method or length, an unavailable method
                records[i] = error_record(item, exc)
                continue
            groups.setdefault(request, []).append(i)
        for request, indexes in groups.items():
            items = [chunk[i] for i in indexes]
            for i, record in zip(indexes, self._run_group(request, items), strict=True):
                records[i] = record
        if self._delay:
            time.sleep(self._delay * len(chunk))
        return records  # type: ignore[return-value]

    def prepare(self, item: Item) -> Request:
        """The prepared request of ``item``: the job's, or with the record's own method or
        length the job's prepared again under them; once per distinct override for the
        worker's life.

        Raises:
            SummarizerError: for a bad method, length or options, or an unavailable method.
        """
        key = json.dumps([item.method, item.length], sort_keys=True)
        request = self._prepared.get(key)
        if request is None:
            if self.request is None:
                raise ValueError("this chunk worker was given no request")
            base = self._prepared.get(_JOB)
            if base is None:
                base = self._prepared[_JOB] = self.registry.from_wire(self.request)
            if item.method is None and item.length is None:
                request = base
            else:
                method = base.method_name if item.method is None else item.method
                length = base.length if item.length is None else item.length
                request = self.registry.prepare(method, length, base.language, self._options_for(method, base))
            self._prepared[key] = request
        return request

    def _run_group(self, request: Request, items: list[Item]) -> list[dict[str, Any]]:
        """Records for items sharing a prepared request, in the items' order."""
        order = list(range(len(items)))
        if request.method.kind == "abstractive":  # batch by length: less padding
            order.sort(key=lambda i: _body_length(items[i]))
        docs = [items[i].input for i in order]
        try:
            outcomes: list[Any] = summarize_batch_prepared(request, docs)  # type: ignore[arg-type]
        except Exception:
            log.exception("batch of %d document(s) failed; retrying them one by one", len(docs))
            outcomes = [self._one(request, doc) for doc in docs]
        records: list[dict[str, Any] | None] = [None] * len(items)
        for i, outcome in zip(order, outcomes, strict=True):
            records[i] = self._record(items[i], outcome)
        return records  # type: ignore[return-value]

    def _one(self, request: Request, doc: Input | None) -> Any:
        try:
            return summarize_batch_prepared(request, [doc])[0]  # type: ignore[list-item]
        except Exception as exc:  # a SummarizerError or a bug: either way, this document's outcome
            return exc

    def _record(self, item: Item, outcome: Any) -> dict[str, Any]:
        if isinstance(outcome, Summary):
            try:
                return result_record(item, outcome)
            except Exception as exc:
                outcome = exc
        if isinstance(outcome, SummarizerError):
            return error_record(item, outcome)
        if isinstance(outcome, BaseException):
            log.error("document %r (line %d) failed", item.id, item.line, exc_info=outcome)
            return error_record(item, internal_error(outcome))
        log.error("document %r (line %d): unexpected result %r", item.id, item.line, type(outcome))
        return error_record(item, internal_error(TypeError(f"not a Summary: {type(outcome).__name__}")))

    def _options_for(self, method: Any, base: Request) -> Mapping[str, Any]:
        """The job's options; for a record's own method, only those that method accepts.

        Raises:
            UnknownMethod: for a method that is not registered.
        """
        options = base.options
        if method == base.method_name:
            return options
        known = {p.name for p in self.registry.get(method).all_parameters()}
        return {k: v for k, v in options.items() if k in known}
