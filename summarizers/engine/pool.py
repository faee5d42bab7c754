"""The pools of the run engine and their one protocol: ``submit`` a task, ``collect`` its result.

A pool runs one *worker* per process, thread or actor, built once by a picklable factory when
that process starts, so models load and caches fill once per process (for every caller the
worker is the batch :class:`~summarizers.batch.worker.ChunkWorker`, the digest's
:class:`~summarizers.digest.worker.DigestWorker` or the evaluation's ``Evaluator``). A task is
the worker's call arguments. Every pool has the same four members (:class:`Pool`):

* :class:`LocalPool`: ``workers`` processes started with ``spawn`` (no state inherited), ignoring
  Ctrl-C (the caller handles it) and exiting on their own when the caller is killed; with one
  worker, the worker runs in this process, without a pool;
* :class:`ThreadPool`: ``workers`` threads of this process, each with its own worker (the jobs
  worker's: each thread's worker keeps its own killable document child, and the caller can pass
  a ``should_stop`` with each task, which a process cannot receive);
* :class:`~.ray.RayPool`: Ray actors, on this machine or a cluster.

The in-flight window is written once, :class:`InFlight`: :func:`run_ordered` (batch, eval, the
digest) and the jobs worker (which interleaves its queue and its sweeps) both keep at most
``capacity`` tasks in flight and collect them oldest first.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, Protocol, TypeVar

from ..lifetime import die_with_parent
from .errors import WorkerFailed

R = TypeVar("R")
T = TypeVar("T")

_worker: Callable[..., Any] | None = None  # the one worker of a pool process, set by _init_worker


class Pool(Protocol):
    """What the engine asks of a pool (:class:`LocalPool`, :class:`ThreadPool`, :class:`~.ray.RayPool`)."""

    #: How many workers run tasks at once.
    workers: int

    def submit(self, *args: Any) -> Any:
        """Start a task (the worker's call arguments); the handle goes to :meth:`collect`."""

    def collect(self, handle: Any) -> Any:
        """The result of a submitted task (waits for it).

        Raises:
            WorkerFailed: the worker died (killed, out of memory, cluster lost).
        """

    def close(self) -> None:
        """Stop the workers (tasks not collected are dropped)."""


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def child_setup(threads: int, parent: int) -> None:
    """What every process the engine starts does first: ignore Ctrl-C, die with its parent, cap
    BLAS threads, log warnings to standard error.

    ``parent`` is the pid of the process that started it (passed, not read here: a process
    still starting when its parent is killed must notice that it already has a new parent).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "SUMMARIZE_TORCH_THREADS"):  # before torch loads
        os.environ.setdefault(name, str(threads))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s[%(process)d]: %(message)s")


def _init_worker(make_worker: Callable[[], Callable[..., Any]], threads: int, parent: int) -> None:
    global _worker
    child_setup(threads, parent)
    _worker = make_worker()


def _call(*args: Any) -> Any:
    if _worker is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("worker process not initialised")
    return _worker(*args)


def _close_worker(worker: Any) -> None:
    """Call ``worker.close()`` when it has one (its own children)."""
    closer = getattr(worker, "close", None)
    if callable(closer):
        closer()


class LocalPool(Generic[R]):
    """Runs tasks on ``workers`` processes (or in this process when ``workers`` is 1).

    Args:
        make_worker: builds a worker (a callable taking a task's arguments); picklable.
        workers: the number of processes (default: the cores available).

    Raises:
        ValueError: when ``workers`` is below 1.
    """

    name = "local"

    def __init__(self, make_worker: Callable[[], Callable[..., R]], workers: int | None = None) -> None:
        self.workers = default_jobs() if workers is None else workers
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
        _close_worker(self._inline)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class ThreadPool(Generic[R]):
    """Runs tasks on ``workers`` threads, each task on an idle thread's own worker.

    Args:
        make_worker: builds a worker (called ``workers`` times, here).
        workers: the number of threads (and workers).

    Raises:
        ValueError: when ``workers`` is below 1.
    """

    name = "threads"

    def __init__(self, make_worker: Callable[[], Callable[..., R]], workers: int = 1) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self._all = [make_worker() for _ in range(workers)]
        self._idle: queue.SimpleQueue[Callable[..., R]] = queue.SimpleQueue()
        for worker in self._all:
            self._idle.put(worker)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="engine-worker")

    def submit(self, *args: Any) -> Future[R]:
        """Start a task; the handle goes to :meth:`collect`."""
        return self._executor.submit(self._run, *args)

    def _run(self, *args: Any) -> R:
        worker = self._idle.get()
        try:
            return worker(*args)
        finally:
            self._idle.put(worker)

    def collect(self, handle: Future[R]) -> R:
        """The result of a submitted task (waits for it); whatever the worker raised."""
        return handle.result()

    def close(self) -> None:
        """Wait for the tasks running (pending ones are dropped), then close every worker."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        for worker in self._all:
            _close_worker(worker)


class InFlight(Generic[T]):
    """The in-flight window: at most ``capacity`` submitted tasks, collected oldest first.

    Each entry is whatever the caller keeps of a submitted task (its handle, or a record holding
    it). Not thread-safe on its own: callers that read it from other threads lock around it.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._entries: deque[T] = deque()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Any:
        return iter(self._entries)

    @property
    def full(self) -> bool:
        """Whether no further task may be submitted before the oldest is collected."""
        return len(self._entries) >= self.capacity

    def add(self, entry: T) -> None:
        """Keep a submitted task's entry (newest)."""
        self._entries.append(entry)

    def oldest(self) -> T:
        """The oldest entry, left in the window (:meth:`pop` removes it once collected)."""
        return self._entries[0]

    def pop(self) -> T:
        """Remove and return the oldest entry."""
        return self._entries.popleft()


def default_capacity(pool: Pool) -> int:
    """Tasks in flight by default: twice the pool's workers (each has its next task waiting)."""
    return 2 * max(1, pool.workers)


def run_ordered(pool: Pool, tasks: Iterable[tuple[Any, ...]], emit: Callable[[Any], None], *,
                capacity: int | None = None) -> None:
    """Run ``tasks`` (argument tuples) on ``pool``; ``emit`` each result in the tasks' order.

    At most ``capacity`` tasks (default :func:`default_capacity`) are in flight, so inputs of
    any size stream.

    Raises:
        WorkerFailed: a worker died (results emitted so far stand).
    """
    window: InFlight[Any] = InFlight(capacity or default_capacity(pool))
    for args in tasks:
        window.add(pool.submit(*args))
        while window.full:
            emit(pool.collect(window.pop()))
    while window:
        emit(pool.collect(window.pop()))
