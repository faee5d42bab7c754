"""Per-document limits of ``summarize batch``, the jobs API and the digest: time, memory, size, cancellation.

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

Each child is the run engine's one killable child (:class:`summarizers.engine.child.Child`,
the same as the service's per-request children): forked from a warm ``forkserver`` (nothing
inherited from a threaded parent; a replacement starts in milliseconds), ignoring Ctrl-C, dying
with the worker. :class:`~.worker.ChunkWorker` decides which documents go to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..engine.child import Child
from ..errors import InputTooLarge, SummaryTimeout
from ..registry import Registry
from .output import INTERNAL_ERROR

log = logging.getLogger(__name__)
T = TypeVar("T")

RegistryFactory = Callable[[], Registry]

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
        return InputTooLarge.over(f"the document has {size} bytes of text, more than the {self.max_bytes} a "
                                  f"document may have ({self.bytes_name})", limit=self.max_bytes, unit="bytes",
                                  size=size)

    def __post_init__(self) -> None:
        if self.isolation not in ("process", "inline"):
            raise ValueError(f"isolation must be 'process' or 'inline', got {self.isolation!r}")
        if self.timeout <= 0:
            raise ValueError(f"the document time limit must be positive, got {self.timeout:g}")
        if self.memory_mb < 0 or self.max_bytes < 0:
            raise ValueError("the document memory and size limits must be 0 (none) or positive")


def internal_error_entry(message: str) -> dict[str, Any]:
    """An ``internal_error`` entry whose message points to the log."""
    return {"code": INTERNAL_ERROR, "message": f"{message} (see the log)", "details": {}}


class GuardedChild:
    """One killable child (:class:`~summarizers.engine.child.Child`) running one document's task
    at a time under :class:`DocumentLimits`, replaced after a kill.

    Not thread-safe: one caller at a time (each chunk worker of a pool has its own).
    """

    def __init__(self, registry_factory: RegistryFactory, limits: DocumentLimits) -> None:
        self._factory = registry_factory
        self.limits = limits
        self._child: Child | None = None
        self.killed = 0  # children killed at a limit, or for a cancelled job

    def _ensure(self) -> Child:
        if self._child is not None and self._child.alive():
            return self._child
        self.discard()
        child = self._child = Child(self._factory, memory_mb=self.limits.memory_mb, name="summarize-job-child")
        try:
            child.wait_ready(START_SECONDS)
        except BaseException:
            self.discard()
            raise
        return child

    def call(self, task: Callable[[Registry], T], label: Any = None,
             should_stop: Callable[[], bool] = lambda: False) -> T:
        """``task(registry)`` run in the child (on the child's registry) within the limits: one
        document's work (a batch or job document, a digest's article). ``task`` and its value
        must be picklable; ``label`` names the document in the log.

        Raises:
            SummaryTimeout: past the time limit (the child was killed).
            InputTooLarge: past the memory limit (the child was replaced).
            ChildFailed: the task raised (its message) or the child could not start.
            Stopped: ``should_stop()`` turned true (the child was killed).
        """
        try:
            child = self._ensure()
            child.send(task)
        except (RuntimeError, OSError) as exc:
            log.error("document %r: %s", label, exc)
            self.discard()
            raise ChildFailed(internal_error_entry(str(exc))) from None
        try:
            status, value = child.answer(self.limits.timeout, should_stop)
        except (EOFError, OSError):
            code = child.process.exitcode
            self.discard()
            log.warning("the process summarizing document %r died (exit %s)", label, code)
            raise InputTooLarge.over(
                f"the process summarizing the document died (exit status {code}), most likely out of "
                f"memory (limit {self.limits.memory_mb} MiB, {self.limits.memory_name})",
                limit=self.limits.memory_mb, unit="MiB") from None
        if status == "stopped":
            self.kill()
            raise Stopped()
        if status == "timeout":
            self.kill()
            log.warning("document %r ran past its %g s limit; its process was killed", label, self.limits.timeout)
            raise SummaryTimeout(f"the document took longer than its {self.limits.timeout:g} s limit "
                                 f"({self.limits.timeout_name})", limit_seconds=self.limits.timeout)
        if status == "memory":
            self.kill()  # a child that ran out of memory may be in a bad state: start afresh
            raise InputTooLarge.over(
                f"the document needed more than the {self.limits.memory_mb} MiB a document may use "
                f"({self.limits.memory_name})", limit=self.limits.memory_mb, unit="MiB")
        if status == "error":
            raise ChildFailed(internal_error_entry(f"unexpected {type(value).__name__}: {value}"))
        return value  # type: ignore[no-any-return]

    def kill(self) -> None:
        """Kill the child (a fresh one starts with the next document)."""
        self.killed += 1
        self.discard()

    def discard(self) -> None:
        """Stop the child, if any."""
        if self._child is not None:
            self._child.stop()
        self._child = None

    def pid(self) -> int | None:
        """The child's pid (for tests), or ``None``."""
        return None if self._child is None else self._child.pid
