"""The one run engine: "run these records with these settings, durably, exactly once".

Every run of many documents (``summarize batch``, ``summarize-eval run``, the digest, the HTTP
jobs API) is the same pieces:

* a **source** of records: an input file (:func:`summarizers.batch.read_items`, JSON Lines or
  CSV), a data set (``summarizers_eval.datasets``), a job's chunks in the jobs store (:mod:`summarizers.jobs`);
* one **worker** per process, built once by a picklable factory and kept across tasks, so models
  load and caches fill once: :class:`~summarizers.batch.worker.ChunkWorker` for batch runs and
  jobs (the same code either way), the digest's and the evaluation's own;
* a **pool** that runs workers behind one protocol (:class:`~.pool.Pool`: ``submit`` a task,
  ``collect`` its result, in flight at most :class:`~.pool.InFlight`'s capacity):
  :class:`~.pool.LocalPool` (processes), :class:`~.pool.ThreadPool` (the jobs worker's threads),
  :class:`~.ray.RayPool` (Ray actors);
* one durable **sink** that writes each result exactly once: :class:`~.sink.JsonlSink` for files
  (whole fsync'd lines, one torn-tail rule, an exclusive lock), the jobs store for HTTP jobs.

Work whose cost one document decides runs in the engine's one killable **child**
(:class:`~.child.Child`: a time and memory limit, a warm forkserver, :mod:`.warm`), used by the
documents of batch runs, jobs and digests and by the service's per-request children alike.

Entry points differ only in where records come from and where results go.
"""

from .errors import EngineError, WorkerFailed
from .pool import InFlight, LocalPool, Pool, ThreadPool, default_jobs, run_ordered
from .sink import JsonlSink, Scan, read_jsonl

__all__ = ["EngineError", "InFlight", "JsonlSink", "LocalPool", "Pool", "Scan", "ThreadPool", "WorkerFailed",
           "default_jobs", "read_jsonl", "run_ordered"]
