"""The local engine: ``--jobs N`` worker processes on this machine.

Each worker process builds one :class:`~.worker.ChunkWorker` when it starts (so models load
once per process) and summarizes whole chunks. With one job the chunks are summarized in the
driver process itself, without a pool. Worker processes are started with ``spawn`` (no state
inherited from the driver), ignore Ctrl-C, which the driver handles, and exit on their own
when the driver is killed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..registry import default_registry
from .job import Item, Settings, WorkerFailed
from .worker import ChunkWorker, RegistryFactory

_worker: ChunkWorker | None = None  # the one worker of a pool process, set by _init_worker


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _exit_with_parent(parent: int) -> None:
    """Exit when the driver is gone (killed with SIGKILL, its pool never shut down)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(settings: Settings, registry_factory: RegistryFactory, threads: int) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True,
                     name="exit-with-parent").start()
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "SUMMARIZE_TORCH_THREADS"):  # before torch loads
        os.environ.setdefault(name, str(threads))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s[%(process)d]: %(message)s")
    _worker = ChunkWorker(settings, registry_factory)


def _run_chunk(chunk: Sequence[Item]) -> list[dict[str, Any]]:
    if _worker is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("worker process not initialised")
    return _worker.run(chunk)


class LocalEngine:
    """Summarizes chunks in ``jobs`` processes (or in this process when ``jobs`` is 1).

    Args:
        settings: the job's defaults.
        jobs: the number of worker processes (default: the cores available).
        registry_factory: builds each worker's registry (picklable).

    Raises:
        ValueError: when ``jobs`` is below 1.
    """

    name = "local"

    def __init__(self, settings: Settings, jobs: int | None = None,
                 registry_factory: RegistryFactory = default_registry) -> None:
        self.workers = default_jobs() if jobs is None else jobs
        if self.workers < 1:
            raise ValueError(f"jobs must be at least 1, got {self.workers}")
        self._inline: ChunkWorker | None = None
        self._pool: ProcessPoolExecutor | None = None
        if self.workers == 1:
            self._inline = ChunkWorker(settings, registry_factory)
        else:
            threads = max(1, default_jobs() // self.workers)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(settings, registry_factory, threads),
            )

    def submit(self, chunk: list[Item]) -> Future[list[dict[str, Any]]] | list[Item]:
        """Start summarizing ``chunk``; the handle goes to :meth:`collect`."""
        if self._pool is None:
            return chunk  # summarized when collected
        return self._pool.submit(_run_chunk, chunk)

    def collect(self, handle: Future[list[dict[str, Any]]] | list[Item]) -> list[dict[str, Any]]:
        """The records of a submitted chunk (waits for them).

        Raises:
            BatchError: a worker process died (killed, out of memory); rerun to resume.
        """
        if isinstance(handle, list):
            return self._inline.run(handle)  # type: ignore[union-attr]
        try:
            return handle.result()
        except BrokenProcessPool:
            raise WorkerFailed("a worker process died (killed or out of memory); what was written is kept, "
                             "rerun the same command to finish") from None

    def close(self) -> None:
        """Stop the worker processes (pending chunks are dropped: a rerun does them)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
