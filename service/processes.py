"""Summaries in worker processes that the service can kill: a small supervised pool per worker.

Python threads cannot be stopped, so a summary that runs past its time limit in a thread keeps
its CPU and memory until it ends (lexrank on 4,000 sentences: minutes, gigabytes). Each gunicorn
worker therefore computes extractive summaries in ``size`` child processes of its own:

- a task (a picklable callable taking the child's registry) is sent to an idle child over a
  pipe; the request thread waits for the answer at most ``timeout`` seconds;
- past the limit the child is killed with SIGKILL (its CPU and memory are freed at once) and a
  fresh one is started in its place; the caller gets :class:`~summarizers.errors.SummaryTimeout`;
- each child's address space is capped (``RLIMIT_AS``, ``memory_mb``): a summary that needs more
  fails with :class:`ChildOutOfMemory`; a child whose resident memory grew above
  ``recycle_rss_mb`` after a task, or that served ``max_tasks`` tasks, is replaced;
- a child that dies (killed from outside, a crash) is replaced; the caller gets
  :class:`ChildCrashed`;
- each child is the run engine's one killable child (:class:`summarizers.engine.child.Child`,
  the same code that runs the documents of batch runs and jobs under their limits): forked
  from a ``forkserver`` that imported and warmed the library once, so a replacement is ready in
  milliseconds and starts clean (no locks or torch threads inherited from the multi-threaded
  gunicorn worker); it dies with the worker.

The children do not queue: the caller (:class:`summarizers_service.runner.Runner`) admits at most ``size``
tasks at once, so a child is always free or can be started.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from multiprocessing.context import BaseContext
from typing import Any

from summarizers import Registry
from summarizers.engine.child import Child, Task, exit_reason, forkserver_context
from summarizers.errors import SummaryTimeout

log = logging.getLogger(__name__)

__all__ = ["START_SECONDS", "ChildCrashed", "ChildOutOfMemory", "RequestChildren", "Task", "rss_mb"]

RegistryFactory = Callable[[], Registry]

#: Seconds a task waits for a replacement child to be started before giving up.
START_SECONDS = 30.0


class ChildCrashed(RuntimeError):
    """The child process computing a task died before answering (killed, crashed)."""


class ChildOutOfMemory(RuntimeError):
    """The task needed more memory than a child may use (``memory_mb``)."""

    def __init__(self, limit_mb: int) -> None:
        super().__init__(f"the summary needed more than the {limit_mb} MiB a worker process may use")
        self.limit_mb = limit_mb


class RequestChildren:
    """At most ``size`` killable child processes, started on demand, each running one task at a time.

    Args:
        size: children at most (tasks at once).
        registry_factory: builds each child's registry (picklable; called once per child).
        memory_mb: address-space limit of each child (``RLIMIT_AS``), or 0 for none.
        recycle_rss_mb: replace a child whose resident memory is above this after a task (0: never).
        max_tasks: replace a child after this many tasks (0: never).
        context: the multiprocessing context (default :func:`~summarizers.engine.child.forkserver_context`).
    """

    def __init__(
        self,
        size: int,
        registry_factory: RegistryFactory,
        *,
        memory_mb: int = 0,
        recycle_rss_mb: int = 0,
        max_tasks: int = 0,
        context: BaseContext | None = None,
    ) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self.size = size
        self._factory = registry_factory
        self._memory_mb = memory_mb
        self._recycle_rss_mb = recycle_rss_mb
        self._max_tasks = max_tasks
        self._context = context or forkserver_context()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a child went idle or a place came free
        self._idle: list[Child] = []
        self._live = 0
        self._closed = False
        self.started = 0  # children started so far (replacements included)
        self._starting: threading.Event | None = None  # set once prestart() has started them
        self.killed = 0  # children killed at a time limit
        self._finalizer = weakref.finalize(self, _stop_all, self._idle)

    def run(self, task: Task, timeout: float) -> Any:
        """``task(registry)`` computed in a child; its value, or the exception it raised.

        Raises:
            SummaryTimeout: no answer within ``timeout`` seconds (the child was killed).
            ChildOutOfMemory: the task hit the child's memory limit.
            ChildCrashed: the child died before answering.
            RuntimeError: closed, or no child came free in ``START_SECONDS`` (a caller
                bug: admit at most ``size`` tasks at once).
            Exception: whatever ``task`` raised (a :class:`~summarizers.SummarizerError`...).
        """
        child = self._take()
        try:
            child.send(task)
        except BaseException:  # an unpicklable task: the child never saw it
            self._put_back(child)
            raise
        try:
            status, value = child.answer(timeout)
        except (EOFError, OSError) as exc:
            code = self._discard(child)
            raise ChildCrashed(
                f"the worker process computing the summary died ({exit_reason(code)})"
            ) from exc
        except BaseException:  # an answer that cannot be unpickled; or interrupted while waiting
            self._discard(child)
            raise
        if status == "timeout":
            self._discard(child)
            self.killed += 1
            raise SummaryTimeout(
                f"the summary took longer than its {timeout:g} s limit", limit_seconds=timeout
            )
        self._put_back(child)
        if status == "ok":
            return value
        if status == "memory":
            raise ChildOutOfMemory(self._memory_mb)
        raise value

    def prestart(self) -> None:
        """Start every child now, in the background (gunicorn does it when a worker boots), so
        that no request waits for the forkserver and the children to start."""

        self._starting = threading.Event()

        def start_all() -> None:
            try:
                for _ in range(self.size):
                    self._replenish()
            finally:
                self._starting.set()

        threading.Thread(target=start_all, name="summarize-children-start", daemon=True).start()

    def ready(self) -> bool:
        """False while :meth:`prestart` is still starting the children (then the worker is not
        ready: its first requests would wait for them)."""
        return self._starting is None or self._starting.is_set()

    def pids(self) -> list[int]:
        """The pids of the idle children (for tests and diagnostics)."""
        with self._lock:
            return [c.pid for c in self._idle]

    def close(self) -> None:
        """Stop every idle child (busy ones are stopped when their task ends)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._finalizer()

    # -- children -------------------------------------------------------------------------------

    def _take(self) -> Child:
        """An idle child; or a new one when there is room; or the replacement being started."""
        with self._changed:
            deadline = time.monotonic() + START_SECONDS
            while not self._idle and self._live >= self.size:
                left = deadline - time.monotonic()
                if self._closed or left <= 0 or not self._changed.wait(left):
                    raise RuntimeError(f"no worker process came free within {START_SECONDS} s")
            if self._closed:
                raise RuntimeError("the process pool is closed")
            if self._idle:
                return self._idle.pop()
            self._live += 1
        try:
            return self._start()
        except BaseException:
            self._free_place()
            raise

    def _start(self) -> Child:
        child = Child(self._factory, memory_mb=self._memory_mb, warm=True, context=self._context)
        self.started += 1
        log.debug("started worker process %s", child.pid)
        return child

    def _put_back(self, child: Child) -> None:
        if self._should_recycle(child):
            self._discard(child)
        else:
            self._make_idle(child)

    def _make_idle(self, child: Child) -> None:
        with self._changed:
            if not self._closed:
                self._idle.append(child)
                self._changed.notify()
                return
        self._discard(child)

    def _free_place(self) -> None:
        with self._changed:
            self._live -= 1
            self._changed.notify()

    def _should_recycle(self, child: Child) -> bool:
        if self._max_tasks and child.tasks >= self._max_tasks:
            return True
        if self._recycle_rss_mb:
            rss = rss_mb(child.pid)
            if rss is not None and rss > self._recycle_rss_mb:
                log.info("replacing worker process %s: %.0f MiB resident after a task", child.pid, rss)
                return True
        return False

    def _discard(self, child: Child) -> int | None:
        """Stop ``child`` (SIGKILL), reap it, free its place, start a replacement; its exit code."""
        self._free_place()
        code = child.stop()
        threading.Thread(target=self._replenish, name="summarize-child-start", daemon=True).start()
        return code

    def _replenish(self) -> None:
        """Start an idle child in a free place, so the next task finds one ready and warm."""
        with self._lock:
            if self._closed or self._live >= self.size:
                return
            self._live += 1
        try:
            child = self._start()
        except Exception:
            self._free_place()
            log.exception("could not start a worker process")
            return
        self._make_idle(child)


def _stop_all(children: list[Child]) -> None:
    while children:
        children.pop().stop()


def rss_mb(pid: int) -> float | None:
    """Resident memory of process ``pid`` in MiB (Linux ``/proc``), or ``None`` when unknown."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            resident_pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
