"""Batch runs: one output line per input record, resumable, on local processes or on Ray.

>>> from summarizers.batch import Settings, LocalEngine, OutputFile, read_items, run_batch
>>> with open("in.jsonl", "rb") as f:
...     report = run_batch(read_items(f, "jsonl"), OutputFile("out.jsonl"),
...                        LocalEngine(Settings(method="lexrank"), jobs=2))

The pieces: :mod:`.reader` reads inputs into items (bad records become error items),
:mod:`.output` owns the output file (whole lines, torn-tail repair, resume, retry),
:mod:`.worker` summarizes a chunk, :mod:`.local` and :mod:`.ray_engine` run workers,
:mod:`.driver` drives them, :mod:`.job` holds the value types, :mod:`.progress` reports.
"""

from .driver import DEFAULT_CHUNK_SIZE, Engine, run_batch
from .job import INTERNAL_ERROR, BatchError, EngineUnavailable, Item, Report, Settings, WorkerFailed
from .local import LocalEngine, default_jobs
from .output import OutputFile
from .progress import Progress
from .ray_engine import RayEngine
from .reader import Fields, count_records, detect_format, open_input, read_items
from .worker import ChunkWorker

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "INTERNAL_ERROR",
    "BatchError",
    "ChunkWorker",
    "Engine",
    "EngineUnavailable",
    "Fields",
    "Item",
    "LocalEngine",
    "OutputFile",
    "Progress",
    "RayEngine",
    "Report",
    "Settings",
    "WorkerFailed",
    "count_records",
    "default_jobs",
    "detect_format",
    "open_input",
    "read_items",
    "run_batch",
]
