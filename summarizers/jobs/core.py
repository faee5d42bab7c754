"""Jobs: submit documents, read status and results, cancel; the queue that wakes workers.

The queue is `huey <https://huey.readthedocs.io>`_'s: :class:`huey.SqliteHuey` in the jobs
database file (embedded mode) or :class:`huey.RedisHuey` (distributed mode), one task per chunk
of a job. Huey delivers a task at most once; what makes a job finish exactly once whatever is
killed is the store (:mod:`.store`): chunks are claimed with a lease that a heartbeat renews,
results are written once per (job, document index), and :meth:`Jobs.sweep` puts chunks whose
worker died (lease run out) or whose task was lost back on the queue.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..batch.items import document_head
from ..config import JobsConfig, read_jobs
from ..errors import InputTooLarge, QuotaExceeded
from ..request import Request
from .store import FINAL, JobStore, NewJob, SqliteStore, now, translate_faults

QUEUE_NAME = "summarize-jobs"
#: The one huey task: "summarize chunk ``k`` of job ``job_id``".
TASK_NAME = "summarize_chunk"


def _chunk_task(job_id: str, k: int) -> None:  # pragma: no cover - workers read the arguments
    """Placeholder body: workers dequeue these tasks and run them on the engine's pool."""


def make_queue(config: JobsConfig) -> tuple[Any, Any]:
    """The huey instance for ``config`` and its chunk task (SQLite file, or Redis when configured)."""
    from huey import RedisHuey, SqliteHuey

    if config.distributed:
        huey = RedisHuey(QUEUE_NAME, url=config.redis_url, results=False, read_timeout=1)
    else:
        huey = SqliteHuey(QUEUE_NAME, filename=config.db, results=False, fsync=True,
                          timeout=config.store_timeout)
    return huey, huey.task(name=TASK_NAME)(_chunk_task)


def make_store(config: JobsConfig) -> JobStore:
    """The job store for ``config``: the SQLite file, or Redis when configured."""
    if config.distributed:
        from .redis_store import RedisStore

        return RedisStore(config.redis_url)  # type: ignore[arg-type]
    return SqliteStore(config.db, timeout=config.store_timeout)


#: Seconds after which a key at its open-jobs quota is told to try again.
OPEN_JOBS_RETRY_AFTER = 30


def _stored_body(item: Mapping[str, Any]) -> str:
    """The text or HTML a stored document carries (empty for one stored with its error)."""
    given = item.get("input")
    if isinstance(given, Mapping):
        for name in ("text", "html"):
            if isinstance(given.get(name), str):
                return str(given[name])
    for name in ("text", "html"):  # a digest's article
        if isinstance(item.get(name), str):
            return str(item[name])
    return ""


def _document_item(index: int, doc: Mapping[str, Any], max_bytes: int | None = None) -> dict[str, Any]:
    """The stored form of one submitted document: its head (:func:`~summarizers.batch.items.document_head`),
    its ``input`` (the wire form of its :class:`~summarizers.request.Input`) and its ``method``
    and ``length`` overrides; a document the input refuses, or over ``max_bytes`` (UTF-8),
    carries its error instead (it gets an error line, the others are summarized)."""
    item, given = document_head(index, doc)
    if given is None:
        return item
    body = given.body
    size = len(body.encode("utf-8", "surrogatepass")) if isinstance(body, str) else 0
    if max_bytes is not None and size > max_bytes:
        item["error"] = InputTooLarge.over(
            f"document {index}: {size} bytes is over the {max_bytes}-byte limit of one document "
            "(SUMMARIZE_JOBS_MAX_DOCUMENT_BYTES)", field=f"documents.{index}", limit=max_bytes,
            unit="bytes", size=size).to_dict()
        return item
    item["input"] = given.to_wire()
    for name in ("method", "length"):
        if doc.get(name) is not None:
            item[name] = doc[name]
    return item


@dataclass(frozen=True)
class Page:
    """One page of a job's results: records in input order and the cursor of the next page
    (``None`` once the job is final and every result was read)."""

    records: list[str]
    next_cursor: int | None


class Jobs:
    """Submit and read jobs (the HTTP API's library side; no HTTP here).

    Args:
        config: the settings (by default those of the ``SUMMARIZE_JOBS_*`` variables,
            :func:`summarizers.config.read_jobs`).
        store: the store (default: the one ``config`` names).
    """

    def __init__(self, config: JobsConfig | None = None, *, store: JobStore | None = None) -> None:
        self.config = config or read_jobs()
        self.store = store if store is not None else make_store(self.config)
        self.huey, self.task = make_queue(self.config)

    def submit(self, documents: Sequence[Mapping[str, Any]], request: Request,
               settings: Mapping[str, Any] | None = None, *, owner: str = "", idempotency_key: str | None = None,
               request_hash: str = "", webhook: str | None = None) -> str:
        """Store a job and queue its chunks; the job's id (an earlier job's for a reused key).

        Args:
            documents: ``{"id", "text" | "html", "title", "method", "length"}`` mappings.
            request: the request every document shares, prepared (:meth:`summarizers.Registry.prepare`);
                stored in its wire form (``settings["request"]``), what the workers run.
            settings: what the job shows of it (``method``, ``length``, ``language``,
                ``options`` as the client gave them); by default the request's own values.
            owner: who may see the job (a digest of the API key; empty when keys are off).
            idempotency_key: a client's key: the same key and body return the same job.
            request_hash: a digest of the request, to tell a retry from a reuse of the key.
            webhook: a URL to POST to when the job ends (checked by the caller).

        Raises:
            IdempotencyConflict: the key was used before with another request.
            QuotaExceeded: ``owner`` has too many unfinished jobs, or stores too many bytes.
            StoreUnavailable: the store cannot be written now.
        """
        items = [_document_item(i, d, self.config.max_document_bytes) for i, d in enumerate(documents)]
        size = self.config.chunk
        wire = request.to_wire()
        shown = dict(settings) if settings is not None else {k: v for k, v in wire.items() if k != "fallback"}
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        return self.create(items, {**shown, "request": wire}, chunks, owner=owner, idempotency_key=idempotency_key,
                           request_hash=request_hash, webhook=webhook)

    def create(self, items: Sequence[dict[str, Any]], settings: Mapping[str, Any],
               chunks: Sequence[list[dict[str, Any]]], *, owner: str, idempotency_key: str | None = None,
               request_hash: str | None = None, webhook: str | None = None) -> str:
        """Store and queue a job of ``items`` (documents in their stored form) cut into ``chunks``:
        the one place a job of any kind (summaries, a digest) is made, its quotas checked and its
        stored bytes counted.

        Raises:
            IdempotencyConflict, QuotaExceeded, StoreUnavailable: as :meth:`submit`.
        """
        stored = sum(len(_stored_body(it).encode("utf-8", "surrogatepass")) for it in items)
        if idempotency_key is None or not self._known_key(owner, idempotency_key):
            self.check_quota(owner, stored)
        created = now()
        job = NewJob(id=uuid.uuid4().hex, owner=owner, settings=dict(settings), total=len(items),
                     chunks=len(chunks), created_at=created, expires_at=created + self.config.ttl,
                     idempotency_key=idempotency_key, request_hash=request_hash, webhook=webhook,
                     bytes=stored)
        job_id = self.store.create(job, chunks)
        if job_id == job.id:
            for k in range(len(chunks)):
                self.enqueue(job_id, k)
        return job_id

    def _known_key(self, owner: str, key: str) -> bool:
        """Whether ``owner`` used idempotency ``key`` for a job still kept (a retry is not quota-checked)."""
        finder = getattr(self.store, "find_idempotent", None)
        return bool(finder is not None and finder(owner, key))

    def check_quota(self, owner: str, new_bytes: int = 0) -> None:
        """Refuse a new job of ``new_bytes`` for ``owner`` beyond its quotas (open jobs, stored bytes).

        Raises:
            QuotaExceeded: with the kind, the limit, what is used and a ``retry_after``.
        """
        t = now()
        usage = self.store.usage(owner, t)
        if usage["open"] >= self.config.max_open_jobs:
            raise QuotaExceeded("open_jobs", f"this key has {usage['open']} unfinished jobs, its limit "
                                f"(SUMMARIZE_JOBS_MAX_OPEN_JOBS); wait for one to end or cancel one",
                                limit=self.config.max_open_jobs, used=usage["open"],
                                retry_after=OPEN_JOBS_RETRY_AFTER)
        if usage["bytes"] + new_bytes > self.config.max_stored_bytes:
            first = usage["next_expiry"]
            wait = OPEN_JOBS_RETRY_AFTER if first is None else max(1, math.ceil(first - t))
            raise QuotaExceeded("stored_bytes", f"this key stores {usage['bytes']} bytes of jobs; {new_bytes} more "
                                f"would pass its {self.config.max_stored_bytes}-byte limit "
                                "(SUMMARIZE_JOBS_MAX_STORED_BYTES); jobs free their bytes when they expire",
                                limit=self.config.max_stored_bytes, used=usage["bytes"], retry_after=wait)

    @translate_faults
    def enqueue(self, job_id: str, k: int) -> None:
        """Put chunk ``k`` of a job on the queue."""
        self.huey.enqueue(self.task.s(job_id, k))

    def get(self, job_id: str, owner: str | None = None) -> dict[str, Any] | None:
        """The job's row, or ``None`` when unknown, expired, or another owner's."""
        job = self.store.get(job_id)
        if job is None or job["expires_at"] < now() or (owner is not None and job["owner"] != owner):
            return None
        return job

    def results(self, job: Mapping[str, Any], cursor: int, limit: int) -> Page:
        """Up to ``limit`` result lines from document ``cursor`` on, in input order.

        While the job runs a page stops before the first document without an outcome, so a
        client that follows ``next_cursor`` sees every document exactly once.
        """
        rows = self.store.results(job["id"], cursor, limit)
        final = job["status"] in FINAL
        records: list[str] = []
        expected = cursor
        for index, body in rows:
            if index != expected and not final:
                break
            records.append(body)
            expected = index + 1
        if final and (len(rows) < limit or expected >= job["total"]):
            return Page(records, None)
        return Page(records, expected)

    def stream(self, job: Mapping[str, Any], page_size: int = 500, *, start: int = 0) -> Iterator[str]:
        """Every result line available now from document ``start`` on, in input order (all of
        them once the job is final)."""
        cursor: int | None = start
        while cursor is not None:
            page = self.results(job, cursor, page_size)
            yield from page.records
            if not page.records:
                return
            cursor = page.next_cursor

    def cancel(self, job_id: str) -> None:
        """Cancel an unfinished job (results already written stay readable)."""
        self.store.cancel(job_id, now())

    def sweep(self) -> int:
        """Requeue chunks whose worker died or whose task was lost; delete expired jobs.

        Returns the number of chunks requeued. Run periodically by every worker: requeuing a
        chunk that is in fact running costs a skipped task, never a second result.
        """
        t = now()
        self.store.expire(t)
        queue_empty = self.huey.pending_count() == 0
        lost = self.store.lost_chunks(t, unclaimed=queue_empty)
        for job_id, k in lost:
            self.enqueue(job_id, k)
        return len(lost)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()


def public_view(job: Mapping[str, Any]) -> dict[str, Any]:
    """What a client sees of a job: id, status, counts, progress, timestamps, expiry."""
    total, done, failed = job["total"], job["done"], job["failed"]
    return {
        "id": job["id"],
        "status": job["status"],
        "counts": {"total": total, "done": done, "failed": failed},
        "progress": 1.0 if total == 0 else math.floor(1000 * (done + failed) / total) / 1000,
        "created_at": _iso(job["created_at"]),
        "started_at": _iso(job["started_at"]),
        "finished_at": _iso(job["finished_at"]),
        "expires_at": _iso(job["expires_at"]),
        "settings": {k: v for k, v in job["settings"].items() if k != "request"},
    }


def _iso(t: float | None) -> str | None:
    import datetime as dt

    return None if t is None else dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="milliseconds")
