"""``summarize batch IN --out OUT``: summarize many documents, one JSON line per input id.

Resumable (a rerun skips the ids already in OUT), parallel (``--jobs``), and on Ray with
``--engine ray``. Exit status (:mod:`.status`): 0 when every record has a result, 1 when any has
an error line (or the job's own request is invalid), 2 for a bad command line, 3 when the method
or engine is unavailable, 5 when a worker died (rerun to finish).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..batch import (
    DEFAULT_CHUNK_SIZE,
    DocumentLimits,
    Fields,
    OutputFile,
    Progress,
    default_jobs,
    detect_format,
    local_pool,
    open_input,
    ray_pool,
    read_items,
    run_batch,
)
from ..engine.pool import Pool
from ..registry import default_registry
from ..request import WireRequest
from .common import add_request_arguments, prepare_from_args
from .status import ExitStatus, UsageError

#: Per-document limits by default: those of a synchronous request to the service
#: (``SUMMARIZE_REQUEST_TIMEOUT``, ``SUMMARIZE_CHILD_MEMORY_MB``, ``SUMMARIZE_MAX_BODY_BYTES``).
DOCUMENT_TIMEOUT, DOCUMENT_MEMORY_MB, MAX_DOCUMENT_BYTES = 60.0, 2048, 1024 * 1024


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``batch`` command."""
    p = subparsers.add_parser(
        "batch", help="summarize a JSONL/CSV file of documents, resumably, in parallel or on Ray",
        description="Summarize every record of IN into OUT, one JSON line per id: "
                    '{"id": ..., "result": {...}} or {"id": ..., "error": {"code": ..., "message": ...}}. '
                    "Rerun the same command to finish an interrupted run.")
    p.add_argument("file", metavar="IN", help="JSON Lines or CSV file, or - for standard input")
    p.add_argument("--out", "-O", required=True, metavar="OUT", help="output JSON Lines file (appended to)")
    p.add_argument("--format", choices=("auto", "jsonl", "csv"), default="auto",
                   help="input format (default auto: csv for *.csv, else jsonl)")
    p.add_argument("--id-field", default="id", help="field holding the record id (default id)")
    p.add_argument("--text-field", default="text", help="field holding the text (default text)")
    p.add_argument("--title-field", default="title", help="field holding the headline, if any (default title)")
    p.add_argument("--html", action="store_true", help="the text field holds HTML pages: extract the article")
    add_request_arguments(p)
    p.add_argument("--jobs", "-j", type=int, help="worker processes, or Ray actors (default: one process "
                   f"plus one per {RECORDS_PER_EXTRA_WORKER} records, up to the cores here; with --engine ray, "
                   "the cluster's CPUs)")
    p.add_argument("--engine", choices=("local", "ray"), default="local", help="where to run (default local)")
    p.add_argument("--ray-address", help="join this Ray cluster (default: start a local Ray)")
    p.add_argument("--ray-gpus-per-worker", type=float, default=0.0, help="GPUs per Ray actor (default 0)")
    p.add_argument("--ray-runtime-env", type=_json_object, help="Ray runtime environment, as a JSON object")
    p.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE,
                   help=f"records per unit of work and per write (default {DEFAULT_CHUNK_SIZE})")
    add_limit_arguments(p)
    p.add_argument("--retry-failed", action="store_true", help="redo the ids whose line in OUT is an error")
    p.add_argument("--progress", choices=("auto", "bar", "log", "off"), default="auto",
                   help="auto (default): a bar on a terminal, else a log line every --progress-every s")
    p.add_argument("--progress-every", type=float, default=30.0, metavar="SECONDS",
                   help="seconds between progress log lines (default 30)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the batch job; print the counts; exit 1 when any record failed.

    Raises:
        UsageError: a bad flag value; SummarizerError: a bad request, an unavailable method or
            engine, a job that cannot start or go on (a dead worker: ``WorkerFailed``).
    """
    for name in ("jobs", "chunk_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    limits_from_args(args)
    if args.ray_address and args.engine != "ray":
        raise UsageError("--ray-address needs --engine ray")
    if args.file != "-" and os.path.exists(args.out) and os.path.exists(args.file) \
            and os.path.samefile(args.file, args.out):
        raise UsageError(f"--out {args.out} is the input file")
    # prepared once: a bad job is refused before OUT is touched (records' overrides: in the workers)
    request = prepare_from_args(default_registry(config=args.config), args).to_wire()
    fmt = detect_format(args.file, args.format)
    fields = Fields(id=args.id_field, text=args.text_field, title=args.title_field)
    size = os.path.getsize(args.file) if args.file != "-" else None  # the input is read once: no count first
    if args.jobs is None and args.engine == "local":
        args.jobs = local_jobs(estimated_records(size))
    progress: Progress | None = None
    try:
        with open_input(args.file) as stream:
            if args.progress != "off":
                progress = Progress(size, stream.tell if size is not None else None, mode=args.progress,
                                    every=args.progress_every)
            pool = _pool(args, request)
            report = run_batch(read_items(stream, fmt, fields, html=args.html), OutputFile(args.out), pool,
                               retry_failed=args.retry_failed, chunk_size=args.chunk_size, progress=progress)
    except BaseException:
        if progress is not None:
            progress.close()
        raise
    for line in report.lines():
        print(f"summarize batch: {line}", file=sys.stderr)
    return ExitStatus.OK if report.ok else ExitStatus.ERROR


#: Each worker process beyond the first must have at least this many records to pay for its
#: start (a fresh interpreter importing the library and warming its caches, about a second):
#: with fewer, two processes were slower than one on 50 and on 400 BBC articles.
RECORDS_PER_EXTRA_WORKER = 1000
#: The bytes of a typical record, to judge a file's records from its size without reading it
#: twice: a BBC article's line is 4,432 bytes on average (9,862,248 bytes, 2,225 records).
RECORD_BYTES = 4400


def estimated_records(size: int | None) -> int | None:
    """About how many records a file of ``size`` bytes holds (``None`` for standard input)."""
    return None if size is None else -(-size // RECORD_BYTES)


def local_jobs(records: int | None, cores: int | None = None) -> int:
    """The default ``--jobs`` of the local pool: one process for small inputs or input of
    unknown size (stdin), and one more per :data:`RECORDS_PER_EXTRA_WORKER` records, up to
    the cores here."""
    cores = default_jobs() if cores is None else cores
    if not records:
        return 1
    return max(1, min(cores, 1 + (records - 1) // RECORDS_PER_EXTRA_WORKER))


def _pool(args: argparse.Namespace, request: WireRequest) -> Pool:
    limits = limits_from_args(args)
    if args.engine == "ray":
        return ray_pool(request, args.jobs, address=args.ray_address, limits=limits,
                        gpus_per_worker=args.ray_gpus_per_worker, runtime_env=args.ray_runtime_env)
    return local_pool(request, args.jobs, limits=limits)


def add_limit_arguments(p: argparse.ArgumentParser) -> None:
    """The per-document limit flags (of ``batch`` and ``digest``)."""
    p.add_argument("--document-timeout", type=float, default=DOCUMENT_TIMEOUT, metavar="SECONDS",
                   help="seconds one document may take; then its process is killed and its line is a "
                        f"timeout error (default {DOCUMENT_TIMEOUT:g}, as a request to the service)")
    p.add_argument("--document-memory-mb", type=int, default=DOCUMENT_MEMORY_MB, metavar="MIB",
                   help="address space of the process summarizing a document; beyond it the line is an "
                        f"input_too_large error (default {DOCUMENT_MEMORY_MB}; 0: no cap)")
    p.add_argument("--max-document-bytes", type=int, default=MAX_DOCUMENT_BYTES, metavar="BYTES",
                   help="largest text of one document; a larger one is an input_too_large error line "
                        f"(default {MAX_DOCUMENT_BYTES}, the service's largest body; 0: no limit)")


def limits_from_args(args: argparse.Namespace) -> DocumentLimits:
    """The :class:`DocumentLimits` of the limit flags.

    Raises:
        UsageError: a flag out of its range.
    """
    if not args.document_timeout > 0:
        raise UsageError(f"--document-timeout must be positive, got {args.document_timeout:g}")
    for name in ("document_memory_mb", "max_document_bytes"):
        if getattr(args, name) < 0:
            raise UsageError(f"--{name.replace('_', '-')} must be 0 (none) or positive, got {getattr(args, name)}")
    return DocumentLimits(timeout=args.document_timeout, memory_mb=args.document_memory_mb,
                          max_bytes=args.max_document_bytes, timeout_name="--document-timeout",
                          memory_name="--document-memory-mb", bytes_name="--max-document-bytes")


def _json_object(value: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not JSON: {exc.msg}") from None
    if not isinstance(parsed, dict):
        raise argparse.ArgumentTypeError("must be a JSON object")
    return parsed
