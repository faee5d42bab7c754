"""The one job engine: "run these documents with these settings, durably, exactly once".

Every job of many documents (``summarize batch``, ``summarize-eval run``, the HTTP jobs API) is
the same three pieces:

* a source of records (an input file, a data set, a job in the jobs store);
* a :class:`~.pool.WorkerPool` of local processes (or Ray actors, :mod:`.ray`) that each build
  one worker, so that models load once per process, and compute chunks of records;
* one durable sink that writes each result exactly once: :class:`~.sink.JsonlSink` for files
  (whole fsync'd lines, one torn-tail rule, an exclusive lock), the jobs store for HTTP jobs
  (:mod:`summarizers.jobs`).

Entry points differ only in where records come from and where results go.
"""

from .errors import EngineError, WorkerFailed
from .pool import WorkerPool, default_jobs, run_ordered
from .sink import JsonlSink, Scan, read_jsonl

__all__ = ["EngineError", "JsonlSink", "Scan", "WorkerFailed", "WorkerPool", "default_jobs", "read_jsonl",
           "run_ordered"]
