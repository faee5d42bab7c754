"""Batch runs: one output line per input record, resumable, on local processes or on Ray.

>>> from summarizers import default_registry
>>> from summarizers.batch import OutputFile, local_pool, read_items, run_batch
>>> request = default_registry().prepare("lexrank")        # validated once, here
>>> with open("in.jsonl", "rb") as f:
...     report = run_batch(read_items(f, "jsonl"), OutputFile("out.jsonl"),
...                        local_pool(request.to_wire(), jobs=2))   # its wire form to every worker

The pieces: :mod:`.reader` reads inputs into items (bad records become error items),
:class:`~.output.OutputFile` is the engine's durable results file with batch lines,
:mod:`.worker` holds the one chunk worker (also the jobs worker's), :mod:`.limits` the
per-document limits and the killable child each document runs in, :mod:`.pools` puts chunk
workers on the engine's local processes or on Ray, :mod:`.driver` drives them, :mod:`.items`
holds the input items (each an :class:`~summarizers.request.Input`) and :mod:`.output` the
output's value types, :mod:`.progress` reports. The machinery is the one run engine's
(:mod:`summarizers.engine`), shared with ``summarize-eval``, the digest and the jobs API.
"""

from ..engine.pool import default_jobs
from .driver import DEFAULT_CHUNK_SIZE, run_batch
from .items import Item
from .limits import DocumentLimits
from .output import (
    INTERNAL_ERROR,
    BatchError,
    EngineUnavailable,
    OutputFile,
    Report,
    WorkerFailed,
)
from .pools import local_pool, ray_pool
from .progress import Progress
from .reader import Fields, detect_format, open_input, read_items
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
    "WorkerFailed",
    "default_jobs",
    "detect_format",
    "local_pool",
    "open_input",
    "ray_pool",
    "read_items",
    "run_batch",
]
