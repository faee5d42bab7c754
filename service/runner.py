"""Admission and time-limited execution of summaries: bounded slots, a bounded queue, killable work.

Every summary runs in one of two lanes of the worker:

- **processes** (extractive methods): the worker's :class:`~summarizers_service.processes.RequestChildren`. At
  the time limit the child computing the summary is killed, so its CPU and memory are freed
  at once and its slot is free for the next request.
- **threads** (abstractive methods, whose models are too big to copy into every child, and any
  method that cannot be sent to a child): a thread pool, under a cooperative deadline
  (:func:`summarizers.deadline.time_limit`; generation stops at it with ``max_time``). The
  request stops waiting at the limit; the thread ends within a generation step or two.

Admission is the same for both: a lane has a fixed number of slots; a request that finds none
free waits in the worker's queue, which holds at most ``queue`` requests for at most
``queue_wait`` seconds. A request that finds the queue full, or whose wait runs out, gets a 503
``server_busy`` (with ``Retry-After``) at once, so latency stays bounded under any load.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from summarizers import Registry
from summarizers.deadline import time_limit
from summarizers.errors import SummaryTimeout

from .errors import ServiceBusy
from .processes import RequestChildren, Task


class Lane:
    """Slots for one kind of work, taken and given back by the :class:`Runner`."""

    def __init__(self, name: str, slots: int) -> None:
        self.name = name
        self.slots = slots
        self._free = threading.BoundedSemaphore(slots)

    def try_take(self, timeout: float | None = None) -> bool:
        """Take a slot, waiting at most ``timeout`` seconds (``None``: do not wait)."""
        if timeout is None:
            return self._free.acquire(blocking=False)
        return self._free.acquire(timeout=timeout)

    def give_back(self) -> None:
        """Free a slot taken with :meth:`try_take`."""
        self._free.release()


class Runner:
    """Runs tasks (``task(registry) -> value``) with bounded concurrency, queue and time.

    Args:
        registry: the registry in-thread tasks use (children have their own copy).
        pool: the worker's process pool, or ``None`` to run everything in threads.
        isolated: names of the methods whose tasks go to the pool.
        thread_limits: slots of the thread lanes by kind (``{"abstractive": 1}``); other kinds
            share a lane of ``pool.size`` (or ``default_threads``) slots.
        queue: requests that may wait for a slot at once (beyond: 503 at once).
        queue_wait: seconds a request waits for a slot before a 503.
    """

    def __init__(
        self,
        registry: Registry,
        *,
        pool: RequestChildren | None,
        isolated: frozenset[str],
        thread_limits: Mapping[str, int],
        default_threads: int,
        queue: int,
        queue_wait: float,
    ) -> None:
        self.registry = registry
        self.pool = pool
        self._isolated = isolated if pool is not None else frozenset()
        self._processes = Lane("processes", pool.size) if pool is not None else None
        self._thread_lanes = {kind: Lane(kind, n) for kind, n in thread_limits.items()}
        self._default_lane = Lane("threads", default_threads)
        slots = default_threads + sum(thread_limits.values())
        self._threads = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="summarize")
        self._queue = queue
        self._queue_wait = queue_wait
        self._lock = threading.Lock()
        self.waiting = 0

    def isolates(self, method: str) -> bool:
        """Whether ``method``'s summaries run in the (killable) worker processes."""
        return method in self._isolated

    def run(self, task: Task, *, method: str, kind: str, timeout: float) -> Any:
        """``task`` computed in its lane, waited for at most ``timeout`` seconds.

        Raises:
            ServiceBusy: no slot free and the queue full, or none freed within ``queue_wait``.
            SummaryTimeout: the task took longer than ``timeout`` (stopped: killed or told to).
            Exception: whatever the task raised (a ``SummarizerError``, a crashed child...).
        """
        isolated = self.isolates(method)
        lane = self._processes if isolated else self._thread_lanes.get(kind, self._default_lane)
        assert lane is not None
        self._admit(lane, kind)
        if isolated:
            try:
                return self.pool.run(task, timeout)  # type: ignore[union-attr]
            finally:
                lane.give_back()
        try:
            future: Future[Any] = self._threads.submit(
                contextvars.copy_context().run, _limited, task, self.registry, timeout
            )
        except BaseException:
            lane.give_back()
            raise
        future.add_done_callback(lambda _: lane.give_back())
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise SummaryTimeout(
                f"the summary took longer than its {timeout:g} s limit", limit_seconds=timeout
            ) from None

    def _admit(self, lane: Lane, kind: str) -> None:
        """Take a slot of ``lane``, queueing for it within the bounds.

        Raises:
            ServiceBusy: the queue is full, or no slot came free in time.
        """
        if lane.try_take():
            return
        with self._lock:
            if self.waiting >= self._queue:
                raise ServiceBusy(
                    f"the server is busy ({lane.slots} {kind} summaries running and "
                    f"{self.waiting} waiting); retry later",
                    reason=kind,
                )
            self.waiting += 1
        try:
            taken = lane.try_take(self._queue_wait)
        finally:
            with self._lock:
                self.waiting -= 1
        if not taken:
            raise ServiceBusy(f"the server is busy with other {kind} summaries; retry later", reason=kind)

    def shutdown(self) -> None:
        """Stop accepting work: stop the worker processes; running threads finish on their own."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self.pool is not None:
            self.pool.close()


def _limited(task: Callable[[Registry], Any], registry: Registry, timeout: float) -> Any:
    with time_limit(timeout):
        return task(registry)
