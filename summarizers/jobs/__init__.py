"""Asynchronous jobs of many documents: a store, a queue, workers (no HTTP here).

>>> from summarizers import default_registry
>>> from summarizers.jobs import Jobs, JobsConfig, JobWorker
>>> jobs = Jobs(JobsConfig(db="jobs.db"))
>>> job_id = jobs.submit([{"text": "..."}], default_registry().prepare("lexrank"))
>>> JobWorker(jobs).run(until_idle=True)

Embedded mode keeps everything in one SQLite file; distributed mode (``redis_url``) keeps it in
Redis, with ``summarize worker`` processes on any host. Both go through huey and share this code.
"""

from ..config import JobsConfig
from .core import Jobs, Page, make_queue, make_store, public_view
from .store import FINAL, STATUSES, IdempotencyConflict, JobStore, SqliteStore
from .worker import JobWorker

__all__ = ["FINAL", "STATUSES", "IdempotencyConflict", "JobStore", "JobWorker", "Jobs", "JobsConfig", "Page",
           "SqliteStore", "make_queue", "make_store", "public_view"]
