"""Where jobs live: their settings, their documents in chunks, and each document's result.

One interface, two backends: :class:`SqliteStore` (a file, the embedded default) and
:class:`~.redis_store.RedisStore` (a Redis server shared by workers on many hosts). The
operations that make a job exactly-once are atomic in both:

* :meth:`JobStore.claim` takes a chunk for ``lease`` seconds unless it is done, cancelled or
  held by another live worker (whose lease a heartbeat keeps renewing);
* :meth:`JobStore.complete` writes a chunk's results keyed by (job, document index), marks the
  chunk done and counts its documents, in one transaction, only if the chunk was not done
  already: a chunk computed twice (its worker was killed after computing, or its lease expired)
  is written once, and every result equals the one a single run would have written.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ..batch.output import encode
from ..errors import IdempotencyConflict, StoreUnavailable

#: A job's statuses; the last four are final.
STATUSES = ("queued", "running", "succeeded", "partially_succeeded", "failed", "cancelled")
FINAL = frozenset(STATUSES[2:])


def encode_line(record: dict[str, Any]) -> str:
    """A result as stored: the batch output line (an error line if it cannot be written), no newline."""
    return encode(record).decode("utf-8").rstrip("\n")


def final_status(done: int, failed: int) -> str:
    """The status of a job whose every document has an outcome."""
    if failed == 0:
        return "succeeded"
    return "failed" if done == 0 else "partially_succeeded"


def store_fault(exc: BaseException) -> StoreUnavailable | None:
    """``exc`` as a :class:`StoreUnavailable` when it is a store fault (SQLite or Redis), else ``None``."""
    if isinstance(exc, StoreUnavailable):
        return exc
    if isinstance(exc, sqlite3.Error):
        text = str(exc).lower()
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary == sqlite3.SQLITE_FULL or "full" in text:
            reason = "disk_full"
        elif primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
            reason = "locked"
        elif primary == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
            reason = "read_only"
        elif primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in text \
                or "not a database" in text:
            reason = "corrupt"
        else:
            reason = "unavailable"
        return StoreUnavailable(reason, f"the job store failed ({reason}): {exc}")
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is an optional extra
        return None
    if isinstance(exc, redis.exceptions.ReadOnlyError):
        return StoreUnavailable("read_only", f"the job store is read-only: {exc}")
    if isinstance(exc, redis.exceptions.ResponseError) and "OOM" in str(exc):
        return StoreUnavailable("disk_full", f"the job store is out of memory: {exc}")
    if isinstance(exc, redis.exceptions.BusyLoadingError):
        return StoreUnavailable("locked", f"the job store is loading: {exc}")
    if isinstance(exc, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)):
        return StoreUnavailable("unavailable", f"the job store cannot be reached: {exc}")
    return None


F = TypeVar("F", bound=Callable[..., Any])


def translate_faults(fn: F) -> F:
    """Raise :class:`StoreUnavailable` for a store fault inside ``fn`` (other errors pass)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoreUnavailable:
            raise
        except Exception as exc:
            fault = store_fault(exc)
            if fault is None:
                raise
            raise fault from exc

    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True)
class NewJob:
    """What :meth:`JobStore.create` stores for a job (its chunks of documents alongside)."""

    id: str
    owner: str
    settings: Mapping[str, Any]
    total: int
    chunks: int
    created_at: float
    expires_at: float
    idempotency_key: str | None = None
    request_hash: str = ""
    webhook: str | None = None
    bytes: int = 0


class JobStore(Protocol):
    """The operations the jobs layer needs from a backend."""

    def create(self, job: NewJob, chunks: Sequence[list[dict[str, Any]]]) -> str:
        """Store a job and its chunks; with an idempotency key already used by the owner, the
        earlier job's id (nothing stored).

        Raises:
            IdempotencyConflict: the key was used with another request body.
        """

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The job's row (settings, counts, timestamps, status) or ``None``."""

    def chunk(self, job_id: str, k: int) -> list[dict[str, Any]]:
        """The documents of chunk ``k``."""

    def claim(self, job_id: str, k: int, worker: str, until: float, now: float) -> bool:
        """Take chunk ``k`` until ``until`` unless done, cancelled, or leased to another worker."""

    def renew(self, job_id: str, k: int, worker: str, until: float) -> None:
        """Extend ``worker``'s lease on chunk ``k``."""

    def complete(self, job_id: str, k: int, records: Sequence[tuple[int, dict[str, Any]]],
                 now: float) -> str | None:
        """Write chunk ``k``'s results once; the job's final status if this finished it, else ``None``."""

    def results(self, job_id: str, start: int, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` (index, JSON line) results from index ``start`` on, in index order."""

    def cancel(self, job_id: str, now: float) -> None:
        """Mark an unfinished job cancelled."""

    def lost_chunks(self, now: float, *, unclaimed: bool) -> list[tuple[str, int]]:
        """Chunks of unfinished jobs whose lease ran out (forgotten: their lease is cleared);
        with ``unclaimed``, also chunks never claimed."""

    def webhooks_due(self, now: float, retry_after: float) -> list[str]:
        """Ended jobs whose webhook is not delivered and not being delivered (no attempt in the
        last ``retry_after`` seconds); each is marked as attempted now."""

    def webhook_done(self, job_id: str) -> None:
        """Record that a job's webhook was delivered (or given up on)."""

    def expire(self, now: float) -> int:
        """Delete the jobs past their expiry; how many."""

    def stats(self, now: float, window: float) -> dict[str, Any]:
        """``queue_depth`` (documents of unfinished jobs without an outcome), ``jobs`` by status,
        ``documents_recent`` (documents finished in the last ``window`` seconds), ``durations``
        (seconds from submission to end of the finished jobs kept)."""

    def close(self) -> None:
        """Release connections."""

    def usage(self, owner: str, now: float) -> dict[str, Any]:
        """What ``owner`` holds: ``open`` (unfinished jobs), ``bytes`` (stored input of the jobs
        kept), ``next_expiry`` (when the first of its jobs expires, or ``None``)."""

    def health(self) -> None:
        """Check that the store can be written now (a small write, a short wait for locks).

        Raises:
            StoreUnavailable: it cannot.
        """


_SCHEMA = """
create table if not exists jobs (
    id text primary key,
    owner text not null,
    idempotency_key text,
    request_hash text not null default '',
    status text not null,
    settings text not null,
    webhook text,
    webhook_attempt real,
    webhook_done integer not null default 0,
    total integer not null,
    done integer not null default 0,
    failed integer not null default 0,
    chunks integer not null,
    chunks_done integer not null default 0,
    created_at real not null,
    started_at real,
    finished_at real,
    expires_at real not null,
    bytes integer not null default 0
);
create table if not exists store_health (k integer primary key, t real not null);
create unique index if not exists jobs_idempotency on jobs (owner, idempotency_key)
    where idempotency_key is not null;
create index if not exists jobs_expiry on jobs (expires_at);
create table if not exists job_chunks (
    job_id text not null,
    k integer not null,
    items text not null,
    done integer not null default 0,
    lease_owner text,
    lease_until real,
    finished_at real,
    documents integer not null default 0,
    primary key (job_id, k)
);
create table if not exists job_results (
    job_id text not null,
    idx integer not null,
    body text not null,
    primary key (job_id, idx)
);
"""

_JOB_FIELDS = ("id", "owner", "idempotency_key", "status", "settings", "webhook", "total", "done", "failed",
               "chunks", "chunks_done", "created_at", "started_at", "finished_at", "expires_at")


class SqliteStore:
    """Jobs in a SQLite file (WAL, synchronous=FULL: a committed result survives a kill).

    Args:
        path: the database file (created with its tables; the folder too).
        timeout: seconds to wait for a lock held by another process.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self._local = threading.local()
        self._ready = False
        with contextlib.suppress(StoreUnavailable):  # retried by every operation; /readyz reports it
            self._init_schema()

    def _init_schema(self) -> None:
        """Create the tables (and columns added since) once the file can be written."""
        if self._ready:
            return
        try:
            conn = self._conn()
            conn.executescript(_SCHEMA)
            columns = {row[1] for row in conn.execute("pragma table_info(jobs)")}
            if "bytes" not in columns:  # a database from before quotas
                conn.execute("alter table jobs add column bytes integer not null default 0")
        except sqlite3.Error as exc:
            fault = store_fault(exc)
            raise fault from exc  # type: ignore[misc]
        self._ready = True

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("pragma journal_mode=wal")
            conn.execute("pragma synchronous=full")
            conn.execute(f"pragma busy_timeout={int(self.timeout * 1000)}")
            self._local.conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._init_schema()
        conn = self._conn()
        conn.execute("begin immediate")
        try:
            yield conn
        except BaseException:
            conn.execute("rollback")
            raise
        conn.execute("commit")

    @translate_faults
    def create(self, job: NewJob, chunks: Sequence[list[dict[str, Any]]]) -> str:
        with self._tx() as db:
            if job.idempotency_key is not None:
                row = db.execute("select id, request_hash from jobs where owner = ? and idempotency_key = ?",
                                 (job.owner, job.idempotency_key)).fetchone()
                if row is not None:
                    if row[1] != job.request_hash:
                        raise IdempotencyConflict(row[0])
                    return row[0]
            db.execute(
                "insert into jobs (id, owner, idempotency_key, request_hash, status, settings, webhook, total, "
                "chunks, created_at, expires_at, bytes) values (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
                (job.id, job.owner, job.idempotency_key, job.request_hash, json.dumps(dict(job.settings)),
                 job.webhook, job.total, job.chunks, job.created_at, job.expires_at, job.bytes))
            db.executemany("insert into job_chunks (job_id, k, items) values (?, ?, ?)",
                           ((job.id, k, json.dumps(items, ensure_ascii=False)) for k, items in enumerate(chunks)))
            if job.chunks == 0:
                db.execute("update jobs set status = 'succeeded', finished_at = ? where id = ?",
                           (job.created_at, job.id))
        return job.id

    @translate_faults
    def get(self, job_id: str) -> dict[str, Any] | None:
        row = self._conn().execute(f"select {', '.join(_JOB_FIELDS)} from jobs where id = ?", (job_id,)).fetchone()
        if row is None:
            return None
        job = dict(zip(_JOB_FIELDS, row, strict=True))
        job["settings"] = json.loads(job["settings"])
        return job

    @translate_faults
    def chunk(self, job_id: str, k: int) -> list[dict[str, Any]]:
        row = self._conn().execute("select items from job_chunks where job_id = ? and k = ?", (job_id, k)).fetchone()
        return [] if row is None else json.loads(row[0])

    @translate_faults
    def claim(self, job_id: str, k: int, worker: str, until: float, now: float) -> bool:
        with self._tx() as db:
            status = db.execute("select status from jobs where id = ?", (job_id,)).fetchone()
            if status is None or status[0] in FINAL:
                return False
            row = db.execute("select done, lease_owner, lease_until from job_chunks where job_id = ? and k = ?",
                             (job_id, k)).fetchone()
            if row is None or row[0] or (row[1] not in (None, worker) and (row[2] or 0) > now):
                return False
            db.execute("update job_chunks set lease_owner = ?, lease_until = ? where job_id = ? and k = ?",
                       (worker, until, job_id, k))
            if status[0] == "queued":
                db.execute("update jobs set status = 'running', started_at = ? where id = ?", (now, job_id))
        return True

    @translate_faults
    def renew(self, job_id: str, k: int, worker: str, until: float) -> None:
        with self._tx() as db:
            db.execute("update job_chunks set lease_until = ? where job_id = ? and k = ? and lease_owner = ? "
                       "and done = 0", (until, job_id, k, worker))

    @translate_faults
    def complete(self, job_id: str, k: int, records: Sequence[tuple[int, dict[str, Any]]],
                 now: float) -> str | None:
        rows = [(job_id, i, encode_line(r)) for i, r in records]
        failed = sum(1 for _, r in records if "error" in r)
        with self._tx() as db:
            job = db.execute("select status, done, failed, chunks, chunks_done from jobs where id = ?",
                             (job_id,)).fetchone()
            if job is None or job[0] in FINAL:
                return None
            changed = db.execute("update job_chunks set done = 1, lease_owner = null, lease_until = null, "
                                 "finished_at = ?, documents = ? where job_id = ? and k = ? and done = 0",
                                 (now, len(rows), job_id, k)).rowcount
            if not changed:
                return None
            db.executemany("insert or ignore into job_results (job_id, idx, body) values (?, ?, ?)", rows)
            done, nfailed = job[1] + len(rows) - failed, job[2] + failed
            final = final_status(done, nfailed) if job[4] + 1 >= job[3] else None
            db.execute("update jobs set done = ?, failed = ?, chunks_done = chunks_done + 1, "
                       "status = coalesce(?, status), finished_at = case when ? is null then finished_at else ? end "
                       "where id = ?", (done, nfailed, final, final, now, job_id))
        return final

    @translate_faults
    def results(self, job_id: str, start: int, limit: int) -> list[tuple[int, str]]:
        return list(self._conn().execute(
            "select idx, body from job_results where job_id = ? and idx >= ? order by idx limit ?",
            (job_id, start, limit)))

    @translate_faults
    def cancel(self, job_id: str, now: float) -> None:
        with self._tx() as db:
            db.execute("update jobs set status = 'cancelled', finished_at = ? where id = ? and status in "
                       "('queued', 'running')", (now, job_id))

    @translate_faults
    def lost_chunks(self, now: float, *, unclaimed: bool) -> list[tuple[str, int]]:
        with self._tx() as db:
            active = "select id from jobs where status in ('queued', 'running')"
            lost = list(db.execute(f"select job_id, k from job_chunks where done = 0 and job_id in ({active}) "
                                   "and lease_until is not null and lease_until < ?", (now,)))
            db.executemany("update job_chunks set lease_owner = null, lease_until = null where job_id = ? and k = ?",
                           lost)
            if unclaimed:
                lost += list(db.execute(f"select job_id, k from job_chunks where done = 0 and job_id in ({active}) "
                                        "and lease_until is null"))
        return sorted(set(lost))

    @translate_faults
    def webhooks_due(self, now: float, retry_after: float) -> list[str]:
        with self._tx() as db:
            ids = [r[0] for r in db.execute(
                "select id from jobs where webhook is not null and webhook_done = 0 and finished_at is not null "
                "and (webhook_attempt is null or webhook_attempt < ?)", (now - retry_after,))]
            db.executemany("update jobs set webhook_attempt = ? where id = ?", ((now, i) for i in ids))
        return ids

    @translate_faults
    def webhook_done(self, job_id: str) -> None:
        with self._tx() as db:
            db.execute("update jobs set webhook_done = 1 where id = ?", (job_id,))

    @translate_faults
    def expire(self, now: float) -> int:
        with self._tx() as db:
            ids = [r[0] for r in db.execute("select id from jobs where expires_at < ?", (now,))]
            for table, column in (("job_results", "job_id"), ("job_chunks", "job_id"), ("jobs", "id")):
                db.executemany(f"delete from {table} where {column} = ?", ((i,) for i in ids))
        return len(ids)

    @translate_faults
    def stats(self, now: float, window: float) -> dict[str, Any]:
        db = self._conn()
        depth = db.execute("select coalesce(sum(total - done - failed), 0) from jobs "
                           "where status in ('queued', 'running')").fetchone()[0]
        by_status = dict(db.execute("select status, count(*) from jobs group by status").fetchall())
        recent = db.execute("select coalesce(sum(documents), 0) from job_chunks where finished_at >= ?",
                            (now - window,)).fetchone()[0]
        durations = [r[0] for r in db.execute("select finished_at - created_at from jobs where finished_at "
                                              "is not null and status != 'cancelled' order by finished_at desc "
                                              "limit 10000")]
        return {"queue_depth": int(depth), "jobs": by_status, "documents_recent": int(recent),
                "durations": durations}

    @translate_faults
    def find_idempotent(self, owner: str, key: str) -> str | None:
        """The id of ``owner``'s job submitted with idempotency ``key``, or ``None``."""
        self._init_schema()
        row = self._conn().execute("select id from jobs where owner = ? and idempotency_key = ?",
                                   (owner, key)).fetchone()
        return None if row is None else row[0]

    @translate_faults
    def usage(self, owner: str, now: float) -> dict[str, Any]:
        self._init_schema()
        row = self._conn().execute(
            "select coalesce(sum(status in ('queued', 'running')), 0), coalesce(sum(bytes), 0), min(expires_at) "
            "from jobs where owner = ? and expires_at >= ?", (owner, now)).fetchone()
        return {"open": int(row[0]), "bytes": int(row[1]), "next_expiry": row[2]}

    @translate_faults
    def health(self) -> None:
        self._init_schema()
        conn = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
        try:
            conn.execute("pragma busy_timeout=1000")
            conn.execute("begin immediate")
            conn.execute("insert or replace into store_health (k, t) values (0, ?)", (now(),))
            conn.execute("commit")
            conn.execute("select count(*) from jobs").fetchone()
        finally:
            conn.close()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def now() -> float:
    """The wall clock (jobs are shared between hosts, so not a monotonic clock)."""
    return time.time()
