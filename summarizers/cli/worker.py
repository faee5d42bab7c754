"""``summarize worker``: run queued jobs (the HTTP jobs API's workers), until stopped.

Embedded mode (the default) reads the jobs database named by ``SUMMARIZE_JOBS_DB``; with
``SUMMARIZE_JOBS_REDIS_URL`` (or ``--redis-url``) it serves the Redis queue, from any host. Start
as many as the machines allow; SIGTERM or Ctrl-C finishes the chunks in flight, then exits (a
killed worker's chunks are redone by another after their lease runs out).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import replace

from ..config import read_jobs
from ..jobs import Jobs, JobWorker
from ..lifetime import die_with_parent
from .status import ExitStatus, UsageError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``worker`` command."""
    p = subparsers.add_parser("worker", help="run queued jobs of the HTTP jobs API until stopped")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="chunks summarized at once, each by its own chunk worker (default 1; models load once in "
                   "each, extractive documents run in its killable child)")
    p.add_argument("--db", help="the jobs database file (default: SUMMARIZE_JOBS_DB or ./summarize-jobs.db)")
    p.add_argument("--redis-url", help="serve the Redis queue at this URL (default: SUMMARIZE_JOBS_REDIS_URL)")
    p.add_argument("--until-idle", action="store_true", help="exit once no job is left to do")
    p.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve the queue until SIGTERM, Ctrl-C, or (``--until-idle``) an empty queue."""
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    config = read_jobs()
    if args.db:
        config = replace(config, db=args.db)
    if args.redis_url:
        config = replace(config, redis_url=args.redis_url)
    if args.exit_with_parent:
        die_with_parent(os.getppid())
    worker = JobWorker(Jobs(config), args.jobs)
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    where = config.redis_url if config.distributed else config.db
    print(f"summarize worker: serving jobs from {where} with {args.jobs} chunk worker(s)", file=sys.stderr)
    try:
        worker.run(until_idle=args.until_idle)
    except KeyboardInterrupt:
        worker.stop()
    print(f"summarize worker: stopped after {worker.documents} document(s)", file=sys.stderr)
    return ExitStatus.OK
