"""Batch runs: one output line per input record, resumable, on local processes or on Ray.

>>> from summarizers import default_registry
>>> from summarizers.batch import LocalEngine, OutputFile, read_items, run_batch
>>> request = default_registry().prepare("lexrank")        # validated once, here
>>> with open("in.jsonl", "rb") as f:
...     report = run_batch(read_items(f, "jsonl"), OutputFile("out.jsonl"),
...                        LocalEngine(request.to_wire(), jobs=2))   # its wire form to every worker

The pieces: :mod:`.reader` reads inputs into items (bad records become error items),
:class:`~.output.OutputFile` is the engine's durable results file with batch lines,
:mod:`.worker` summarizes a chunk, :mod:`.limits` runs each document in a killable child
under time, memory and size limits, :mod:`.engines` runs workers on the engine's local pool or
on Ray, :mod:`.driver` drives them, :mod:`.items` holds the input items (each an
:class:`~summarizers.request.Input`) and :mod:`.output` the output's value types, :mod:`.progress`
reports. The machinery is the one job engine's (:mod:`summarizers.engine`), shared with
``summarize-eval`` and the jobs API.
"""

from ..engine.pool import default_jobs
from .driver import DEFAULT_CHUNK_SIZE, Engine, run_batch
from .engines import LocalEngine, RayEngine
from .items import Item
from .limits import DocumentLimits, LimitedChunkWorker
from .output import (
    INTERNAL_ERROR,
    BatchError,
    EngineUnavailable,
    OutputFile,
    Report,
    WorkerFailed,
)
from .progress import Progress
from .reader import Fields, count_records, detect_format, open_input, read_items
from .worker import ChunkWorker

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "INTERNAL_ERROR",
    "BatchError",
    "ChunkWorker",
    "DocumentLimits",
    "Engine",
    "EngineUnavailable",
    "Fields",
    "Item",
    "LimitedChunkWorker",
    "LocalEngine",
    "OutputFile",
    "Progress",
    "RayEngine",
    "Report",
    "WorkerFailed",
    "count_records",
    "default_jobs",
    "detect_format",
    "open_input",
    "read_items",
    "run_batch",
]
