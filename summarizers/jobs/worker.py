"""The jobs worker: takes chunks off the queue and runs them on the engine's worker pool.

One driver per ``summarize worker`` process (or per embedded worker beside gunicorn): it
dequeues chunk tasks, claims each chunk in the store with a lease, sends it to the engine's
:class:`~summarizers.engine.WorkerPool` (the same :class:`~summarizers.batch.worker.ChunkWorker`
as ``summarize batch``, so results are identical and abstractive documents are batched), keeps
the leases of chunks in flight alive with a heartbeat, and writes each chunk's results with
:meth:`~.store.JobStore.complete` (once). Every ``lease / 2`` seconds it sweeps: chunks of
workers that died go back on the queue, expired jobs are deleted.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..batch.job import Item, Settings
from ..batch.worker import ChunkWorker, RegistryFactory
from ..digest.job import is_digest, run_digest_chunk
from ..engine.pool import WorkerPool
from ..registry import default_registry
from .core import Jobs, public_view
from .store import now
from .webhook import deliver

#: Seconds before an undelivered webhook (its worker died mid-delivery) is sent again by any worker.
WEBHOOK_RETRY_AFTER = 300.0

log = logging.getLogger(__name__)


def to_item(doc: dict[str, Any]) -> Item:
    """A stored document as the batch engine's item."""
    return Item(id=doc["id"], line=doc["i"] + 1, text=doc.get("text"), html=bool(doc.get("html")),
                title=doc.get("title"), method=doc.get("method"), length=doc.get("length"),
                error=doc.get("error"), id_given=doc.get("id_given", True))


def job_settings(settings: dict[str, Any]) -> Settings:
    """A job's shared settings as the batch engine's."""
    return Settings(method=settings.get("method", "lexrank"), length=settings.get("length"),
                    language=settings.get("language", "english"), options=dict(settings.get("options") or {}))


@dataclass
class _InFlight:
    job_id: str
    k: int
    indexes: list[int]
    handle: Any


class JobWorker:
    """Runs job chunks until stopped.

    Args:
        jobs: the jobs (store and queue).
        processes: worker processes of the pool (1: summarize in this process).
        registry_factory: builds each process's registry (picklable).
        on_finish: called with ``(job, status)`` when this worker finishes a job (after the
            job's webhook, if it has one, is started).
    """

    def __init__(self, jobs: Jobs, processes: int = 1, *, registry_factory: RegistryFactory = default_registry,
                 on_finish: Callable[[dict[str, Any], str], None] | None = None) -> None:
        self.jobs = jobs
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.pool: WorkerPool[list[dict[str, Any]]] = WorkerPool(partial(ChunkWorker, Settings(), registry_factory),
                                                                 processes)
        self.on_finish = on_finish
        self.registry_factory = registry_factory
        self._digests: Any = None  # a thread for digest jobs (one chunk each), made on first use
        self.lease = jobs.config.lease
        self._in_flight: deque[_InFlight] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._webhooks: list[threading.Thread] = []
        self.documents = 0  # documents written by this worker

    def stop(self) -> None:
        """Ask :meth:`run` to return after the chunks in flight."""
        self._stop.set()

    def run(self, *, until_idle: bool = False, poll: float = 0.2) -> None:
        """Work until :meth:`stop` (or, with ``until_idle``, until no task is left)."""
        heartbeat = threading.Thread(target=self._heartbeat, daemon=True, name="jobs-heartbeat")
        heartbeat.start()
        next_sweep = 0.0
        capacity = max(1, self.pool.workers)
        try:
            while not self._stop.is_set():
                if time.monotonic() >= next_sweep:
                    self._sweep()
                    next_sweep = time.monotonic() + self.lease / 2
                started = self._start_next() if len(self._in_flight) < capacity else False
                if self._in_flight and (not started or len(self._in_flight) >= capacity):
                    self._finish_oldest()
                elif not started:
                    if until_idle and self.jobs.huey.pending_count() == 0 and not self._sweep():
                        return
                    self._stop.wait(poll)
            while self._in_flight:
                self._finish_oldest()
        finally:
            self._stop.set()
            self.pool.close()
            if self._digests is not None:
                self._digests.shutdown(wait=True)
            for thread in self._webhooks:  # let deliveries in progress end (their retries are bounded)
                thread.join(timeout=WEBHOOK_RETRY_AFTER / 4)

    def _sweep(self) -> int:
        try:
            self._deliver_webhooks()
            return self.jobs.sweep()
        except Exception:
            log.exception("jobs sweep failed")
            return 0

    def _deliver_webhooks(self) -> None:
        """Send the webhooks of ended jobs not yet delivered (this worker's, or a dead worker's)."""
        self._webhooks = [t for t in self._webhooks if t.is_alive()]
        for job_id in self.jobs.store.webhooks_due(now(), WEBHOOK_RETRY_AFTER):
            job = self.jobs.store.get(job_id)
            if job is None or not job.get("webhook"):
                self.jobs.store.webhook_done(job_id)
                continue
            thread = threading.Thread(target=self._deliver, args=(job,), daemon=True, name="jobs-webhook")
            thread.start()
            self._webhooks.append(thread)

    def _deliver(self, job: dict[str, Any]) -> None:
        try:
            deliver(job["webhook"], {"event": "job.finished", "job": public_view(job)}, self.jobs.config)
        finally:
            self.jobs.store.webhook_done(job["id"])

    def _start_next(self) -> bool:
        """Dequeue a task and start its chunk; whether a chunk was started."""
        task = self.jobs.huey.dequeue()
        if task is None:
            return False
        job_id, k = task.args
        t = now()
        if not self.jobs.store.claim(job_id, k, self.name, t + self.lease, t):
            return True  # done, cancelled, expired or held by a live worker: nothing to do
        job = self.jobs.store.get(job_id)
        docs = self.jobs.store.chunk(job_id, k)
        if job is None or not docs:
            return True
        if is_digest(job["settings"]):
            handle = self._digest_thread().submit(run_digest_chunk, docs, job["settings"], self.registry_factory)
        else:
            handle = self.pool.submit([to_item(d) for d in docs], job_settings(job["settings"]))
        with self._lock:
            self._in_flight.append(_InFlight(job_id, k, [d["i"] for d in docs], handle))
        return True

    def _digest_thread(self) -> Any:
        """The thread digest jobs run in (a digest is a whole collection: one chunk, one task)."""
        if self._digests is None:
            from concurrent.futures import ThreadPoolExecutor

            self._digests = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs-digest")
        return self._digests

    def _finish_oldest(self) -> None:
        with self._lock:
            chunk = self._in_flight[0]
        records = self.pool.collect(chunk.handle)
        final = self.jobs.store.complete(chunk.job_id, chunk.k, list(zip(chunk.indexes, records, strict=True)),
                                         now())
        with self._lock:
            self._in_flight.popleft()
        self.documents += len(records)
        if final is not None:
            self._finished(chunk.job_id, final)

    def _finished(self, job_id: str, final: str) -> None:
        job = self.jobs.store.get(job_id)
        if job is None:
            return
        log.info("job %s %s: %d done, %d failed", job_id, final, job["done"], job["failed"])
        if job.get("webhook"):
            self._deliver_webhooks()
        if self.on_finish is not None:
            try:
                self.on_finish(job, final)
            except Exception:
                log.exception("job %s: finishing hook failed", job_id)

    def _heartbeat(self) -> None:
        """Renew the leases of the chunks in flight every third of a lease."""
        while not self._stop.wait(self.lease / 3):
            with self._lock:
                held = [(c.job_id, c.k) for c in self._in_flight]
            for job_id, k in held:
                try:
                    self.jobs.store.renew(job_id, k, self.name, now() + self.lease)
                except Exception:
                    log.exception("could not renew the lease of job %s chunk %d", job_id, k)
