"""The one local worker pool: ``jobs`` processes, each building one worker when it starts.

A worker is any picklable factory's product that is called with a task's arguments: the batch
:class:`~summarizers.batch.worker.ChunkWorker`, the evaluation harness's ``Evaluator``, the jobs
runner's chunk worker. Models therefore load once per process. With one job the worker runs in
this process, without a pool. Pool processes are started with ``spawn`` (no state inherited),
ignore Ctrl-C (the driver handles it) and exit on their own when the driver is killed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

from ..lifetime import die_with_parent
from .errors import WorkerFailed

R = TypeVar("R")

_worker: Callable[..., Any] | None = None  # the one worker of a pool process, set by _init_worker


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def child_setup(threads: int, driver: int) -> None:
    """What every worker process does first: ignore Ctrl-C, die with the driver, cap BLAS threads.

    ``driver`` is the pid of the process that started the pool (passed, not read here: a worker
    still starting when the driver is killed must notice that it already has a new parent).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(driver)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "SUMMARIZE_TORCH_THREADS"):  # before torch loads
        os.environ.setdefault(name, str(threads))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s[%(process)d]: %(message)s")


def _init_worker(make_worker: Callable[[], Callable[..., Any]], threads: int, driver: int) -> None:
    global _worker
    child_setup(threads, driver)
    _worker = make_worker()


def _call(*args: Any) -> Any:
    if _worker is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("worker process not initialised")
    return _worker(*args)


class WorkerPool(Generic[R]):
    """Runs tasks on ``jobs`` worker processes (or in this process when ``jobs`` is 1).

    Args:
        make_worker: builds a worker (a callable taking a task's arguments); picklable.
        jobs: the number of processes (default: the cores available).

    Raises:
        ValueError: when ``jobs`` is below 1.
    """

    name = "local"

    def __init__(self, make_worker: Callable[[], Callable[..., R]], jobs: int | None = None) -> None:
        self.workers = default_jobs() if jobs is None else jobs
        if self.workers < 1:
            raise ValueError(f"jobs must be at least 1, got {self.workers}")
        self._inline: Callable[..., R] | None = None
        self._pool: ProcessPoolExecutor | None = None
        if self.workers == 1:
            self._inline = make_worker()
        else:
            threads = max(1, default_jobs() // self.workers)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(make_worker, threads, os.getpid()),
            )

    def submit(self, *args: Any) -> Future[R] | tuple[Any, ...]:
        """Start a task; the handle goes to :meth:`collect`."""
        if self._pool is None:
            return args  # run when collected
        return self._pool.submit(_call, *args)

    def collect(self, handle: Future[R] | tuple[Any, ...]) -> R:
        """The result of a submitted task (waits for it).

        Raises:
            WorkerFailed: a worker process died (killed, out of memory); rerun to resume.
        """
        if isinstance(handle, tuple):
            return self._inline(*handle)  # type: ignore[misc]
        try:
            return handle.result()
        except BrokenProcessPool:
            raise WorkerFailed("a worker process died (killed or out of memory); what was written is kept, "
                               "rerun the same command to finish") from None

    def close(self) -> None:
        """Stop the worker processes (pending tasks are dropped: a rerun does them), or close
        the in-process worker when it has a ``close`` (its own children)."""
        closer = getattr(self._inline, "close", None)
        if callable(closer):
            closer()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def run_ordered(pool: Any, tasks: Iterable[tuple[Any, ...]], emit: Callable[[Any], None], *,
                capacity: int | None = None) -> None:
    """Run ``tasks`` (argument tuples) on ``pool``; ``emit`` each result in the tasks' order.

    At most ``capacity`` tasks (default: twice the pool's workers) are in flight, so inputs of
    any size stream. ``pool`` is a :class:`WorkerPool` or a :class:`~.ray.RayPool`.

    Raises:
        WorkerFailed: a worker died (results emitted so far stand).
    """
    capacity = capacity or 2 * max(1, pool.workers)
    window: deque[Any] = deque()
    for args in tasks:
        window.append(pool.submit(*args))
        while len(window) >= capacity:
            emit(pool.collect(window.popleft()))
    while window:
        emit(pool.collect(window.popleft()))
