"""Bounded, time-limited execution of summaries in a per-worker thread pool.

Python threads cannot be killed, so a time limit cannot stop a summary: the request thread
submits the work to a pool and stops *waiting* at the deadline (the client gets a 504), while
the computation runs on to its end in the background. Its slot is released only when it really
finishes, so abandoned work still counts against capacity and cannot pile up: once every slot is
taken, new requests wait at most ``queue_wait`` seconds and then get a 503 with ``Retry-After``
instead of joining an unbounded queue. Work of some kinds (``abstractive``) is further limited
to a few at a time.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from summarizers.errors import SummaryTimeout

from .errors import ServiceBusy

T = TypeVar("T")


class Runner:
    """A thread pool with ``slots`` places and per-kind limits.

    Args:
        slots: tasks that may run (or be abandoned but still running) at once.
        limits: for some kinds of work, fewer tasks at once (``{"abstractive": 1}``).
        queue_wait: seconds a caller waits for a free place before :class:`ServiceBusy`.
    """

    def __init__(self, slots: int, limits: Mapping[str, int], queue_wait: float) -> None:
        self._pool = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="summarize")
        self._slots = threading.BoundedSemaphore(slots)
        self._limits = {kind: threading.BoundedSemaphore(n) for kind, n in limits.items()}
        self._queue_wait = queue_wait

    def run(self, fn: Callable[[], T], *, kind: str, timeout: float) -> T:
        """``fn()`` computed in the pool, waited for at most ``timeout`` seconds.

        Exceptions raised by ``fn`` are raised here.

        Raises:
            ServiceBusy: no place for this kind of work within ``queue_wait`` seconds.
            SummaryTimeout: ``fn`` did not finish within ``timeout`` seconds (it keeps running).
        """
        held: list[threading.BoundedSemaphore] = []
        try:
            for semaphore, what in (
                (self._limits.get(kind), f"{kind} summaries"),
                (self._slots, "summaries"),
            ):
                if semaphore is None:
                    continue
                if not semaphore.acquire(timeout=self._queue_wait):
                    raise ServiceBusy(f"the server is busy with other {what}; retry later", reason=kind)
                held.append(semaphore)
            future: Future[T] = self._pool.submit(contextvars.copy_context().run, fn)
        except BaseException:
            for semaphore in held:
                semaphore.release()
            raise
        future.add_done_callback(lambda _: [s.release() for s in held])
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            future.cancel()
            raise SummaryTimeout(
                f"the summary took longer than its {timeout:g} s limit", limit_seconds=timeout
            ) from None

    def shutdown(self) -> None:
        """Stop accepting work; running tasks finish in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)
