"""Batch runs: one output line per input record, resumable, on local processes or on Ray.

>>> from summarizers.batch import Settings, OutputFile, local_pool, read_items, run_batch
>>> with open("in.jsonl", "rb") as f:
...     report = run_batch(read_items(f, "jsonl"), OutputFile("out.jsonl"),
...                        local_pool(Settings(method="lexrank"), jobs=2))

The pieces: :mod:`.reader` reads inputs into items (bad records become error items),
:class:`~.job.OutputFile` is the engine's durable results file with batch lines,
:mod:`.worker` holds the one chunk worker (also the jobs worker's), :mod:`.limits` the
per-document limits and the killable child each document runs in, :mod:`.pools` puts chunk
workers on the engine's local processes or on Ray, :mod:`.driver` drives them, :mod:`.job`
holds the value types, :mod:`.progress` reports. The machinery is the one run engine's
(:mod:`summarizers.engine`), shared with ``summarize-eval``, the digest and the jobs API.
"""

from ..engine.pool import default_jobs
from .driver import DEFAULT_CHUNK_SIZE, run_batch
from .job import (
    INTERNAL_ERROR,
    BatchError,
    EngineUnavailable,
    Item,
    OutputFile,
    Report,
    Settings,
    WorkerFailed,
)
from .limits import DocumentLimits
from .pools import local_pool, ray_pool
from .progress import Progress
from .reader import Fields, count_records, detect_format, open_input, read_items
from .worker import ChunkWorker

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "INTERNAL_ERROR",
    "BatchError",
    "ChunkWorker",
    "DocumentLimits",
    "EngineUnavailable",
    "Fields",
    "Item",
    "OutputFile",
    "Progress",
    "Report",
    "Settings",
    "WorkerFailed",
    "count_records",
    "default_jobs",
    "detect_format",
    "local_pool",
    "open_input",
    "ray_pool",
    "read_items",
    "run_batch",
]
