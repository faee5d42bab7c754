"""The jobs worker: takes chunks off the queue and runs them under per-document limits.

One driver per ``summarize worker`` process (or per embedded worker beside gunicorn): it
dequeues chunk tasks, claims each chunk in the store with a lease, runs it on the run engine's
:class:`~summarizers.engine.pool.ThreadPool` of :class:`~summarizers.batch.worker.ChunkWorker`
(the same chunk worker as ``summarize batch``, one per thread and kept across jobs, so results
are identical, models load once and abstractive documents are batched; each extractive
document in its killable child under a time and memory limit, so one hostile document is an
error entry and the worker moves on), at most one chunk per thread in flight
(:class:`~summarizers.engine.pool.InFlight`), keeps the leases of chunks in flight alive with a
heartbeat (never past the chunk's time budget), and writes each chunk's results with
:meth:`~.store.JobStore.complete` (once). A cancelled job's chunk in flight is abandoned. Every
``lease / 2`` seconds it sweeps: chunks of workers that died go back on the queue, expired jobs
are deleted. A store fault (disk full, locked, read-only, corrupt, Redis down) never ends the
worker: it logs the fault, waits, and resumes when the store works again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from ..batch.items import Item
from ..batch.limits import DocumentLimits, Stopped
from ..batch.output import INTERNAL_ERROR
from ..batch.worker import ChunkWorker, RegistryFactory, error_record
from ..digest.job import is_digest, run_digest_chunk
from ..engine.pool import InFlight, ThreadPool
from ..registry import default_registry
from ..request import Input
from .core import Jobs, public_view
from .store import now, store_fault
from .webhook import deliver

#: The error of each document of a job stored by a version whose jobs did not carry their
#: prepared request (its settings have no ``request``): it cannot be run as stored.
UNRUNNABLE = {"code": INTERNAL_ERROR, "message": "this job was stored by an older version of the service and "
              "cannot be run; submit it again", "details": {}}
#: Seconds before an undelivered webhook (its worker died mid-delivery) is sent again by any worker.
WEBHOOK_RETRY_AFTER = 300.0
#: Seconds between cancellation checks of a chunk in flight; longest wait after a store fault.
CANCEL_CHECK_SECONDS = 1.0
FAULT_BACKOFF_MAX = 5.0

log = logging.getLogger(__name__)


def to_item(doc: dict[str, Any]) -> Item:
    """A stored document (see :meth:`~.core.Jobs.submit`) as the batch engine's item: its input
    read back from its wire form, not validated again."""
    given = doc.get("input")
    return Item(id=doc["id"], line=doc["i"] + 1, input=Input.from_wire(given) if given is not None else None,
                method=doc.get("method"), length=doc.get("length"), error=doc.get("error"),
                id_given=doc.get("id_given", True))


@dataclass(frozen=True)
class DigestChunks:
    """The worker of digest jobs: a digest job's one chunk to its records
    (:func:`~summarizers.digest.job.run_digest_chunk`), each article under ``limits``."""

    registry_factory: RegistryFactory
    limits: DocumentLimits

    def __call__(self, docs: list[dict[str, Any]], settings: dict[str, Any]) -> list[dict[str, Any]]:
        """One record per stored document, in order."""
        return run_digest_chunk(docs, settings, self.registry_factory, self.limits)


@dataclass
class _InFlight:
    job_id: str
    k: int
    indexes: list[int]
    handle: Any
    pool: Any  # the pool the chunk was submitted to (collected from it)
    renew_until: float = float("inf")  # monotonic time past which the lease is not renewed
    records: list[dict[str, Any]] | None = None  # computed, not yet written (a store fault)


class JobWorker:
    """Runs job chunks until stopped.

    Args:
        jobs: the jobs (store and queue).
        processes: chunks run at once, each by its own chunk worker in a thread of this
            process (with its own killable document child).
        registry_factory: builds each process's registry (picklable).
        on_finish: called with ``(job, status)`` when this worker finishes a job (after the
            job's webhook, if it has one, is started).
    """

    def __init__(self, jobs: Jobs, processes: int = 1, *, registry_factory: RegistryFactory = default_registry,
                 on_finish: Callable[[dict[str, Any], str], None] | None = None) -> None:
        self.jobs = jobs
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        config = jobs.config
        self.limits = DocumentLimits(timeout=config.document_timeout, memory_mb=config.document_memory_mb,
                                     isolation=config.isolation)
        self.pool: ThreadPool[list[dict[str, Any]]] = ThreadPool(
            partial(ChunkWorker, None, registry_factory, self.limits), processes)
        # A digest's articles are checked for size as they run (a batch job's at submission).
        self.digest_limits = replace(self.limits, max_bytes=config.max_document_bytes)
        self.faults = 0  # store faults met (each logged, then waited out)
        self.on_finish = on_finish
        self.registry_factory = registry_factory
        self._digests: ThreadPool[list[dict[str, Any]]] | None = None  # digest jobs' thread, made on first use
        self.lease = jobs.config.lease
        self._in_flight: InFlight[_InFlight] = InFlight(max(1, self.pool.workers))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._abandon = threading.Event()  # set when the chunks in flight are to be given up
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
        backoff = 0.0
        try:
            while not self._stop.is_set():
                try:
                    if time.monotonic() >= next_sweep:
                        self._sweep()
                        next_sweep = time.monotonic() + self.lease / 2
                    started = self._start_next() if not self._in_flight.full else False
                    if self._in_flight and (not started or self._in_flight.full):
                        self._finish_oldest()
                    elif not started:
                        if until_idle and self.jobs.huey.pending_count() == 0 and not self._sweep():
                            return
                        self._stop.wait(poll)
                    if backoff:
                        log.warning("the job store works again; resuming")
                    backoff = 0.0
                except Exception as exc:
                    fault = store_fault(exc)
                    if fault is None:
                        raise
                    self.faults += 1
                    if not backoff:
                        log.warning("job store fault (%s): %s; waiting for it to clear", fault.reason, fault.message)
                    backoff = min(FAULT_BACKOFF_MAX, max(0.25, backoff * 2))
                    self._stop.wait(backoff)
            while self._in_flight:
                try:
                    self._finish_oldest()
                except Exception as exc:  # the store is down at shutdown: leases expire, others redo them
                    if store_fault(exc) is None:
                        raise
                    log.warning("could not write a chunk at shutdown: %s", exc)
                    self._in_flight.pop()
        finally:
            self._stop.set()
            self._abandon.set()  # a chunk still running (an error above) is killed, not waited for
            self.pool.close()
            if self._digests is not None:
                self._digests.close()
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
        records = None
        if is_digest(job["settings"]):
            pool: Any = self._digest_pool()
            handle = pool.submit(docs, job["settings"])
        elif "request" not in job["settings"]:  # stored before jobs carried their prepared request
            pool, handle, records = self.pool, None, [error_record(to_item(d), UNRUNNABLE) for d in docs]
        else:
            pool = self.pool
            handle = pool.submit([to_item(d) for d in docs], job["settings"]["request"],
                                      self._cancel_check(job_id))
        # The chunk's time budget (every document at its limit, and one lease to spare): past it
        # the lease is not renewed, so another worker may take the chunk over.
        budget = self.limits.timeout * len(docs) + self.lease
        with self._lock:
            self._in_flight.add(_InFlight(job_id, k, [d["i"] for d in docs], handle, pool,
                                          renew_until=time.monotonic() + budget, records=records))
        return True

    def _cancel_check(self, job_id: str) -> Callable[[], bool]:
        """A ``should_stop`` for a chunk of ``job_id``: true once the job is cancelled (read at most
        once a second; a store fault reads as not cancelled)."""
        state = {"next": 0.0, "cancelled": False}

        def cancelled() -> bool:
            if state["cancelled"] or self._abandon.is_set():
                return True
            t = time.monotonic()
            if t >= state["next"]:
                state["next"] = t + CANCEL_CHECK_SECONDS
                try:
                    job = self.jobs.store.get(job_id)
                except Exception:
                    return False
                state["cancelled"] = job is None or job["status"] == "cancelled"
            return bool(state["cancelled"])

        return cancelled

    def _digest_pool(self) -> ThreadPool[list[dict[str, Any]]]:
        """The pool digest jobs run on: one thread (a digest is a whole collection: one chunk, one task)."""
        if self._digests is None:
            self._digests = ThreadPool(partial(DigestChunks, self.registry_factory, self.digest_limits), 1)
        return self._digests

    def _finish_oldest(self) -> None:
        with self._lock:
            chunk = self._in_flight.oldest()
        if chunk.records is None:
            try:
                chunk.records = chunk.pool.collect(chunk.handle)
            except Stopped:
                log.info("job %s chunk %d abandoned (cancelled)", chunk.job_id, chunk.k)
                with self._lock:
                    self._in_flight.pop()
                return
        records = chunk.records
        final = self.jobs.store.complete(chunk.job_id, chunk.k, list(zip(chunk.indexes, records, strict=True)),
                                         now())
        with self._lock:
            self._in_flight.pop()
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
            t = time.monotonic()
            with self._lock:
                held = [(c.job_id, c.k) for c in self._in_flight if c.records is not None or c.renew_until > t]
            for job_id, k in held:
                try:
                    self.jobs.store.renew(job_id, k, self.name, now() + self.lease)
                except Exception:
                    log.exception("could not renew the lease of job %s chunk %d", job_id, k)
