"""The one chunk worker: the work done for one chunk of items, the same wherever it runs.

A :class:`ChunkWorker` is built once per process (a pool process, a Ray actor, a jobs thread, a
document child) and kept across chunks: it holds one registry for its whole life, so every
model loads once. It reads each job's prepared request from its wire form once
(:meth:`~summarizers.Registry.from_wire`: nothing validated again) and prepares each distinct
per-record (method, length) override once (:meth:`~summarizers.Registry.prepare`), whichever
job's chunk it runs. It groups a chunk by
the prepared request so that :func:`summarizers.summarize_batch_prepared` can batch the model
calls, puts abstractive documents in length order (less padding), and turns every outcome into
an output record; it never raises for a document.

With :class:`~.limits.DocumentLimits` each extractive document runs in the worker's one
killable child (:class:`~.limits.GuardedChild`, where a :class:`ChunkTask` runs it on the
child's own kept chunk worker) under a time and memory limit; abstractive documents stay here
(their model is loaded once here, and they are batched) under the cooperative deadline.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..api import summarize_batch_prepared
from ..deadline import time_limit
from ..engine.child import kept
from ..errors import InputTooLarge, SummarizerError, SummaryTimeout
from ..registry import Registry, default_registry
from ..request import Input, Request, WireRequest
from ..types import Summary
from .items import Item
from .limits import ChildFailed, DocumentLimits, GuardedChild, Stopped
from .output import INTERNAL_ERROR

log = logging.getLogger(__name__)

RegistryFactory = Callable[[], Registry]

#: The most prepared requests a worker keeps (a jobs worker serves many jobs in its life).
MAX_PREPARED = 256


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


def _body_length(item: Item) -> int:
    body = item.input.body if item.input is not None else None
    return len(body) if isinstance(body, str) else 0


def _never() -> bool:
    return False


class ChunkWorker:
    """Summarizes chunks of items with one registry, kept across chunks and jobs.

    Args:
        request: the wire form of the job's prepared request (:meth:`summarizers.Request.to_wire`;
            a record may override its method and length), or ``None`` when every call gives its own.
        registry_factory: builds the registry, once, on first use (default: the built-ins and
            plugins). It must be picklable to reach pool processes, Ray actors and children.
        limits: per-document limits (``None``: none, every document runs here).
    """

    def __init__(self, request: WireRequest | None = None, registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> None:
        self.request = request
        self._factory = registry_factory
        self._registry: Registry | None = None
        self._prepared: dict[str, Request] = {}
        self.limits = limits
        process = limits is not None and limits.isolation == "process"
        self.child = GuardedChild(registry_factory, limits) if process else None  # type: ignore[arg-type]

    @property
    def registry(self) -> Registry:
        """The worker's registry (built on first use)."""
        if self._registry is None:
            self._registry = self._factory()
        return self._registry

    def __call__(self, chunk: Sequence[Item], request: WireRequest | None = None,
                 should_stop: Callable[[], bool] = _never) -> list[dict[str, Any]]:
        """One output record per item, in the chunk's order; never raises for a document.

        ``request`` (a wire form) replaces the worker's own for this chunk (a jobs worker serves
        many jobs with one registry, so models load once); ``should_stop`` is polled while
        documents run under limits.

        Raises:
            Stopped: ``should_stop()`` turned true (the chunk is abandoned).
        """
        request = self.request if request is None else request
        if self.limits is None:
            return self.run(chunk, request)
        return self._run_limited(chunk, request, self.limits, should_stop)

    def run(self, chunk: Sequence[Item], request: WireRequest | None = None) -> list[dict[str, Any]]:
        """One output record per item, in the chunk's order, all computed here (no limits).
        Never raises for a document."""
        records: list[dict[str, Any] | None] = [None] * len(chunk)
        groups: dict[Request, list[int]] = {}
        job: tuple[str, Request] | None = None  # the job's request, read once per chunk
        for i, item in enumerate(chunk):
            if item.error is not None:
                records[i] = error_record(item, item.error)
                continue
            try:
                job = job or self._job(request)
                prepared = self._for_item(item, *job)
            except SummarizerError as exc:  # a bad per-record method or length, an unavailable method
                records[i] = error_record(item, exc)
                continue
            groups.setdefault(prepared, []).append(i)
        for prepared, indexes in groups.items():
            items = [chunk[i] for i in indexes]
            for i, record in zip(indexes, self._run_group(prepared, items), strict=True):
                records[i] = record
        return records  # type: ignore[return-value]

    def prepare(self, item: Item, request: WireRequest | None = None) -> Request:
        """The prepared request of ``item``: the job's (``request``, default the worker's), or
        with the record's own method or length the job's prepared again under them; once per
        distinct job and override for the worker's life.

        Raises:
            SummarizerError: for a bad method, length or options, or an unavailable method.
            ValueError: the worker was given no request, and neither was this call.
        """
        return self._for_item(item, *self._job(request))

    def _job(self, request: WireRequest | None) -> tuple[str, Request]:
        """The key and the prepared request of a job (``request``, default the worker's), read
        from its wire form once for the worker's life.

        Raises:
            ValueError: the worker was given no request, and neither was this call.
        """
        wire = self.request if request is None else request
        if wire is None:
            raise ValueError("this chunk worker was given no request")
        key = json.dumps(wire, sort_keys=True, default=repr)
        base = self._prepared.get(key)
        if base is None:
            if len(self._prepared) >= MAX_PREPARED:
                self._prepared.clear()
            base = self._prepared[key] = self.registry.from_wire(wire)
        return key, base

    def _for_item(self, item: Item, job: str, base: Request) -> Request:
        """``item``'s request in the job ``job`` (prepared as ``base``): ``base`` itself, or under
        the record's own method or length, prepared once per distinct override."""
        if item.method is None and item.length is None:
            return base
        key = json.dumps([job, item.method, item.length], sort_keys=True, default=repr)
        prepared = self._prepared.get(key)
        if prepared is None:
            method = base.method_name if item.method is None else item.method
            length = base.length if item.length is None else item.length
            prepared = self.registry.prepare(method, length, base.language, self._options_for(method, base))
            if len(self._prepared) >= MAX_PREPARED:
                self._prepared.clear()
            self._prepared[key] = prepared
        return prepared

    def _run_limited(self, chunk: Sequence[Item], request: WireRequest | None, limits: DocumentLimits,
                     should_stop: Callable[[], bool]) -> list[dict[str, Any]]:
        """:meth:`__call__` under ``limits`` (see the module docstring)."""
        records: list[dict[str, Any] | None] = [None] * len(chunk)
        in_process: list[int] = []
        job: tuple[str, Request] | None = None  # the job's request, read once per chunk
        for i, item in enumerate(chunk):
            if should_stop():
                raise Stopped()
            kind = None
            oversize = limits.oversize(item.size() if limits.max_bytes else 0)
            if oversize is not None:
                records[i] = error_record(item, oversize)
                continue
            if item.error is None:
                try:
                    job = job or self._job(request)
                    kind = self._for_item(item, *job).method.kind
                except Exception:  # run() gives the error record
                    kind = None
            if kind is None or kind == "abstractive":
                in_process.append(i)  # errors are cheap; abstractive models live in this process
            elif self.child is None:  # inline: the library's cooperative deadline only
                try:
                    with time_limit(limits.timeout):
                        records[i] = self.run([item], request)[0]
                except SummaryTimeout as exc:
                    records[i] = error_record(item, exc)
            else:
                records[i] = _in_child(self.child, item, request, should_stop)
        if in_process:
            items = [chunk[i] for i in in_process]
            try:
                with time_limit(limits.timeout * len(items)):
                    done = self.run(items, request)
            except SummaryTimeout as exc:
                done = [error_record(item, exc) for item in items]
            for i, record in zip(in_process, done, strict=True):
                records[i] = record
        return records  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the document child, if any."""
        if self.child is not None:
            self.child.discard()

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
        impl = self.registry.get(method)
        return {k: v for k, v in options.items() if impl.accepts(k)}


def _in_child(child: GuardedChild, item: Item, request: WireRequest | None, should_stop: Callable[[], bool]
              ) -> dict[str, Any]:
    """The record of ``item`` computed in the killable ``child`` within its limits.

    Raises:
        Stopped: ``should_stop()`` turned true while the document ran (the child was killed).
    """
    try:
        records: list[dict[str, Any]] = child.call(ChunkTask((item,), request), item.id, should_stop)
    except ChildFailed as exc:
        return error_record(item, exc.error)
    except (SummaryTimeout, InputTooLarge) as exc:
        return error_record(item, exc)
    return records[0]


@dataclass(frozen=True)
class ChunkTask:
    """Items to summarize in a killable child (:meth:`GuardedChild.call`), on the child's one
    kept :class:`ChunkWorker`."""

    items: tuple[Item, ...]
    request: WireRequest | None

    def __call__(self, registry: Registry) -> list[dict[str, Any]]:
        """One record per item.

        Raises:
            MemoryError: a document ran out of memory (the child is then replaced).
        """
        worker = kept(("chunks", id(registry)), lambda: ChunkWorker(None, lambda: registry))
        records = worker.run(self.items, self.request)
        if any(_out_of_memory(r) for r in records):
            raise MemoryError
        return records


def _out_of_memory(record: dict[str, Any]) -> bool:
    error = record.get("error")
    return bool(error and error.get("code") == INTERNAL_ERROR and "MemoryError" in error.get("message", ""))
