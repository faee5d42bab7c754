"""Per-document limits for the jobs API's workers and ``summarize batch``: time, memory, size, cancellation.

A document of a job or of a batch run runs under the same limits as a synchronous request:

- **time**: an extractive document is summarized in a child process; past
  ``timeout`` seconds the child is killed (SIGKILL frees its CPU and memory at once), the
  document becomes a ``timeout`` error entry, and the next document goes to a fresh child.
  Abstractive documents stay in the worker (their model is loaded once there, and they are
  batched) under the library's cooperative deadline (:func:`summarizers.deadline.time_limit`,
  ``timeout`` per document of the batch);
- **memory**: the child's address space is capped (``RLIMIT_AS``, ``memory_mb``); a document
  that needs more is an ``input_too_large`` error entry and the child is replaced;
- **cancellation**: ``should_stop`` is polled while a document runs; when it turns true the
  child is killed and the chunk abandoned (a cancelled job keeps what was written before).

``isolation="inline"`` (``SUMMARIZE_JOBS_ISOLATION=inline``) runs everything in the worker under
the cooperative deadline only (no kill, no memory cap: for tests and trusted input).

Children are forked from a ``forkserver`` (nothing inherited from a threaded parent; a
replacement starts in milliseconds), ignore Ctrl-C and die with the worker.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from ..deadline import time_limit
from ..errors import InputTooLarge, SummaryTimeout
from ..registry import Registry, default_registry
from ..request import WireRequest
from .items import Item
from .output import INTERNAL_ERROR
from .worker import ChunkWorker, RegistryFactory, error_record

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds between two checks of ``should_stop`` while a document runs.
POLL_SECONDS = 0.2
#: Seconds a child may take to start (import the library, build its registry).
START_SECONDS = 120.0


class Stopped(Exception):
    """The chunk was abandoned because ``should_stop`` turned true (its job was cancelled)."""


class ChildFailed(Exception):
    """A document's task failed unexpectedly in the child, or the child could not start.

    Attributes:
        error: the document's ``internal_error`` entry (``{"code", "message", "details"}``).
    """

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error["message"])
        self.error = error


@dataclass(frozen=True)
class DocumentLimits:
    """The limits of one document.

    Attributes:
        timeout: seconds a document may take (then a ``timeout`` error entry).
        memory_mb: MiB of address space of the process summarizing it (0: none).
        isolation: ``process`` (a killable child) or ``inline`` (the cooperative deadline only).
        max_bytes: largest text, in UTF-8 bytes, (0: none; the jobs API checks at submission).
        timeout_name, memory_name, bytes_name: how the caller sets each limit, quoted in messages.
    """

    timeout: float = 60.0
    memory_mb: int = 2048
    isolation: str = "process"
    max_bytes: int = 0
    timeout_name: str = "SUMMARIZE_JOBS_DOCUMENT_TIMEOUT"
    memory_name: str = "SUMMARIZE_JOBS_DOCUMENT_MEMORY_MB"
    bytes_name: str = "SUMMARIZE_JOBS_MAX_DOCUMENT_BYTES"

    def oversize(self, size: int) -> InputTooLarge | None:
        """The ``input_too_large`` error of a document of ``size`` UTF-8 bytes over ``max_bytes``,
        or ``None``."""
        if not self.max_bytes or size <= self.max_bytes:
            return None
        return InputTooLarge(f"the document has {size} bytes of text, more than the {self.max_bytes} a document "
                             f"may have ({self.bytes_name})", limit_bytes=self.max_bytes, bytes=size)

    def __post_init__(self) -> None:
        if self.isolation not in ("process", "inline"):
            raise ValueError(f"isolation must be 'process' or 'inline', got {self.isolation!r}")
        if self.timeout <= 0:
            raise ValueError(f"the document time limit must be positive, got {self.timeout:g}")
        if self.memory_mb < 0 or self.max_bytes < 0:
            raise ValueError("the document memory and size limits must be 0 (none) or positive")


def _child_main(conn: Connection, factory: RegistryFactory, parent: int, memory_mb: int) -> None:
    """A child's life: run the tasks sent over ``conn`` until it closes: ``("items", items,
    request)`` (summarize single documents) or ``("call", task)`` (``task(registry)``)."""
    from ..engine.pool import child_setup

    child_setup(1, os.getppid())  # the forkserver (or, with spawn, the worker), which ends with the worker
    if memory_mb:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    worker = ChunkWorker(None, factory)
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if message[0] == "call":
                conn.send(("ok", message[1](worker.registry)))
                continue
            records = worker.run(message[1], message[2])
            memory = any(_out_of_memory(r) for r in records)
            conn.send(("memory" if memory else "ok", records))
        except MemoryError:
            conn.send(("memory", None))
        except BaseException as exc:  # a bug: the document's error, the child goes on
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _out_of_memory(record: dict[str, Any]) -> bool:
    error = record.get("error")
    return bool(error and error.get("code") == INTERNAL_ERROR and "MemoryError" in error.get("message", ""))


def _context() -> Any:
    """``forkserver`` (children fork from a clean server that imported the library once: fast to
    replace after a kill, nothing inherited from a threaded parent); ``spawn`` where there is none."""
    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError:  # pragma: no cover - no fork on this platform
        return multiprocessing.get_context("spawn")
    context.set_forkserver_preload(["summarizers.batch.warm"])
    return context


class GuardedChild:
    """One child process summarizing one document at a time under :class:`DocumentLimits`.

    Not thread-safe: one caller at a time (:class:`GuardedPool` gives each thread its own).
    """

    def __init__(self, registry_factory: RegistryFactory, limits: DocumentLimits) -> None:
        self._factory = registry_factory
        self.limits = limits
        self._context = _context()
        self._process: Any = None
        self._conn: Connection | None = None
        self.killed = 0  # children killed at a limit, or for a cancelled job

    def _ensure(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self.discard()
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_child_main, name="summarize-job-child", daemon=True,
                                        args=(theirs, self._factory, os.getpid(), self.limits.memory_mb))
        process.start()
        theirs.close()
        self._process, self._conn = process, ours
        try:
            if not ours.poll(START_SECONDS):
                raise RuntimeError(f"the document process did not start within {START_SECONDS:g} s")
            ours.recv()  # "ready"
        except (EOFError, OSError) as exc:
            self.discard()
            raise RuntimeError(f"the document process died while starting: {type(exc).__name__}") from None
        except BaseException:
            self.discard()
            raise
        return ours

    def run(self, item: Item, request: WireRequest, should_stop: Callable[[], bool] = lambda: False
            ) -> dict[str, Any]:
        """The output record of ``item``, computed in the child within the limits.

        Raises:
            Stopped: ``should_stop()`` turned true while the document ran (the child was killed).
        """
        try:
            records = self._exchange(("items", [item], request), item.id, should_stop)
        except ChildFailed as exc:
            return error_record(item, exc.error)
        except (SummaryTimeout, InputTooLarge) as exc:
            return error_record(item, exc)
        return records[0]  # type: ignore[no-any-return]

    def call(self, task: Callable[[Registry], T], label: Any = None,
             should_stop: Callable[[], bool] = lambda: False) -> T:
        """``task(registry)`` run in the child (on the child's registry) within the limits: the
        per-document work of callers other than batch (a digest's article). ``task`` and its
        value must be picklable; ``label`` names the document in the log.

        Raises:
            SummaryTimeout: past the time limit (the child was killed).
            InputTooLarge: past the memory limit (the child was replaced).
            ChildFailed: the task raised (its message) or the child could not start.
            Stopped: ``should_stop()`` turned true (the child was killed).
        """
        return self._exchange(("call", task), label, should_stop)  # type: ignore[no-any-return]

    def _exchange(self, message: tuple[Any, ...], label: Any, should_stop: Callable[[], bool]) -> Any:
        """Send ``message`` to the child and wait for its answer within the limits (see :meth:`call`)."""
        try:
            conn = self._ensure()
            conn.send(message)
        except (RuntimeError, OSError) as exc:
            log.error("document %r: %s", label, exc)
            self.discard()
            raise ChildFailed({"code": INTERNAL_ERROR, "message": f"{exc} (see the log)", "details": {}}) from None
        deadline = time.monotonic() + self.limits.timeout
        try:
            while not conn.poll(min(POLL_SECONDS, max(0.0, deadline - time.monotonic()))):
                if should_stop():
                    self.kill()
                    raise Stopped()
                if time.monotonic() >= deadline:
                    self.kill()
                    log.warning("document %r ran past its %g s limit; its process was killed", label,
                                self.limits.timeout)
                    raise SummaryTimeout(
                        f"the document took longer than its {self.limits.timeout:g} s limit "
                        f"({self.limits.timeout_name})", limit_seconds=self.limits.timeout)
            status, value = conn.recv()
        except (EOFError, OSError):
            code = self._process.exitcode if self._process is not None else None
            self.discard()
            log.warning("the process summarizing document %r died (exit %s)", label, code)
            raise InputTooLarge(
                f"the process summarizing the document died (exit status {code}), most likely out of "
                f"memory (limit {self.limits.memory_mb} MiB, {self.limits.memory_name})",
                limit_mb=self.limits.memory_mb) from None
        if status == "memory":
            self.kill()  # a child that ran out of memory may be in a bad state: start afresh
            raise InputTooLarge(
                f"the document needed more than the {self.limits.memory_mb} MiB a document may use "
                f"({self.limits.memory_name})", limit_mb=self.limits.memory_mb)
        if status == "error":
            raise ChildFailed({"code": INTERNAL_ERROR, "message": f"unexpected {value} (see the log)",
                               "details": {}})
        return value

    def kill(self) -> None:
        """Kill the child (a fresh one starts with the next document)."""
        self.killed += 1
        self.discard()

    def discard(self) -> None:
        """Stop the child, if any."""
        if self._process is not None:
            with contextlib.suppress(OSError, ValueError):
                self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
        self._process = self._conn = None

    def pid(self) -> int | None:
        """The child's pid (for tests), or ``None``."""
        return None if self._process is None else self._process.pid


class GuardedChunks:
    """Runs chunks document by document under :class:`DocumentLimits` (see the module docstring).

    Args:
        registry_factory: builds the registry of this process and of each child (picklable).
        limits: the per-document limits.
    """

    def __init__(self, registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> None:
        self.limits = limits or DocumentLimits()
        self.local = ChunkWorker(None, registry_factory)
        self.child = GuardedChild(registry_factory, self.limits) if self.limits.isolation == "process" else None

    def run(self, chunk: Sequence[Item], request: WireRequest,
            should_stop: Callable[[], bool] = lambda: False) -> list[dict[str, Any]]:
        """One record per item, in order.

        Raises:
            Stopped: ``should_stop()`` turned true (the chunk is abandoned).
        """
        local = ChunkWorker(request, lambda: self.local.registry)
        records: list[dict[str, Any] | None] = [None] * len(chunk)
        in_process: list[int] = []
        for i, item in enumerate(chunk):
            if should_stop():
                raise Stopped()
            kind = None
            oversize = self.limits.oversize(item.size() if self.limits.max_bytes else 0)
            if oversize is not None:
                records[i] = error_record(item, oversize)
                continue
            if item.error is None:
                try:
                    kind = local.prepare(item).method.kind
                except Exception:  # the local worker gives the error record
                    kind = None
            if kind is None or kind == "abstractive":
                in_process.append(i)  # errors are cheap; abstractive models live in this process
            elif self.child is None:  # inline: the library's cooperative deadline only
                try:
                    with time_limit(self.limits.timeout):
                        records[i] = local.run([item])[0]
                except SummaryTimeout as exc:
                    records[i] = error_record(item, exc)
            else:
                records[i] = self.child.run(item, request, should_stop)
        if in_process:
            items = [chunk[i] for i in in_process]
            try:
                with time_limit(self.limits.timeout * len(items)):
                    done = local.run(items)
            except SummaryTimeout as exc:
                done = [error_record(item, exc) for item in items]
            for i, record in zip(in_process, done, strict=True):
                records[i] = record
        return records  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the child."""
        if self.child is not None:
            self.child.discard()


class LimitedChunkWorker:
    """A :class:`~.worker.ChunkWorker` whose documents run under :class:`DocumentLimits`: the
    worker of ``summarize batch``'s pool processes and Ray actors (picklable as a ``partial``).

    Args:
        request: the wire form of the job's prepared request.
        registry_factory: builds the registry of this process and of its document child.
        limits: the per-document limits.
    """

    def __init__(self, request: WireRequest, registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> None:
        self.request = request
        self.chunks = GuardedChunks(registry_factory, limits)

    def __call__(self, chunk: Sequence[Item], request: WireRequest | None = None) -> list[dict[str, Any]]:
        """One record per item, in order; never raises for a document."""
        return self.chunks.run(chunk, request or self.request)

    def close(self) -> None:
        """Stop the document child."""
        self.chunks.close()


class GuardedPool:
    """``workers`` :class:`GuardedChunks` in threads: the interface of
    :class:`~summarizers.engine.pool.WorkerPool` (``submit``/``collect``/``close``) with limits.
    """

    name = "guarded"

    def __init__(self, workers: int = 1, registry_factory: RegistryFactory = default_registry,
                 limits: DocumentLimits | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self.limits = limits or DocumentLimits()
        self._runners: queue.SimpleQueue[GuardedChunks] = queue.SimpleQueue()
        self._all = [GuardedChunks(registry_factory, self.limits) for _ in range(workers)]
        for runner in self._all:
            self._runners.put(runner)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jobs-chunk")
        self._closing = threading.Event()

    def submit(self, items: Sequence[Item], request: WireRequest,
               should_stop: Callable[[], bool] = lambda: False) -> Future[list[dict[str, Any]]]:
        """Start a chunk; the handle goes to :meth:`collect`."""
        return self._executor.submit(self._run, items, request, should_stop)

    def _run(self, items: Sequence[Item], request: WireRequest, should_stop: Callable[[], bool]
             ) -> list[dict[str, Any]]:
        runner = self._runners.get()
        try:
            return runner.run(items, request, lambda: self._closing.is_set() or should_stop())
        finally:
            self._runners.put(runner)

    def collect(self, handle: Future[list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """The records of a submitted chunk (waits for it).

        Raises:
            Stopped: the chunk was abandoned (cancelled job, pool closing).
        """
        return handle.result()

    def close(self, *, abandon: bool = False) -> None:
        """Stop the children (``abandon``: kill the documents in flight too)."""
        if abandon:
            self._closing.set()
        self._executor.shutdown(wait=True, cancel_futures=True)
        for runner in self._all:
            runner.close()
