"""``summarize digest FILE|-``: a newsletter digest of a day's articles, one entry per story.

Input: the batch format (JSON Lines or CSV; ``text``, ``html`` or ``url``) with ``id`` and
optionally ``title``, ``source``, ``published`` and ``language``. Output: JSON (the library's
``Digest.to_dict()``), Markdown or a self-contained HTML page. Exit status: 0 when every record
is in the digest, 1 when any record was refused (it is listed in ``errors``) or the request is
invalid, 2 for a bad command line, 3 when the method or engine is unavailable (:mod:`.status`).
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from typing import Any

from ..batch.reader import detect_format, open_input, read_items
from ..digest.build import make_plan, run_digest
from ..digest.records import digest_fields
from ..digest.render import render_html, render_markdown
from ..digest.worker import DigestWorker
from ..engine.pool import LocalPool
from ..engine.ray import RayPool
from ..registry import default_registry
from .batch import add_limit_arguments, limits_from_args
from .common import add_request_arguments, request_from_args
from .status import ExitStatus, UsageError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``digest`` command."""
    p = subparsers.add_parser(
        "digest", help="a newsletter digest: one entry per story from many articles, nothing said twice",
        description="Group the articles of FILE into stories (near-duplicates merged), summarize each story "
                    "from all of its articles, and write the stories by importance.")
    p.add_argument("file", metavar="FILE", help="JSON Lines or CSV file of articles, or - for standard input")
    p.add_argument("--out", "-O", metavar="PATH", help="write the digest here (default: standard output)")
    p.add_argument("--format", "-f", choices=("json", "markdown", "html"), default="json",
                   help="output format (default json)")
    p.add_argument("--input-format", choices=("auto", "jsonl", "csv"), default="auto",
                   help="input format (default auto: csv for *.csv, else jsonl)")
    p.add_argument("--html", action="store_true", help="the text field holds HTML pages: extract the article")
    p.add_argument("--group-by", metavar="FIELD", help="use this record field as the story (a feed, a section, "
                   "a cluster id) instead of grouping by content")
    add_request_arguments(p)
    p.add_argument("--query-filter", action="store_true",
                   help="with --query: leave out the stories that do not bear on it (listed in filtered)")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes, or Ray actors (default 1)")
    p.add_argument("--engine", choices=("local", "ray"), default="local", help="where to run (default local)")
    p.add_argument("--ray-address", help="join this Ray cluster (default: start a local Ray)")
    add_limit_arguments(p)
    p.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build the digest and write it; exit 1 when any record was refused.

    Raises:
        UsageError: a bad flag value; SummarizerError: a bad request or an unavailable method.
    """
    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    limits = limits_from_args(args)
    request = request_from_args(args)
    registry = default_registry(config=args.config)
    plan = make_plan(registry, request["method"], request["length"], request["language"], request["options"],
                     query_filter=args.query_filter)
    fmt = detect_format(args.file, args.input_format)
    factory = partial(DigestWorker, plan, default_registry, limits)
    pool: Any = (RayPool(factory, args.jobs, address=args.ray_address) if args.engine == "ray"
                 else LocalPool(factory, args.jobs))
    bar = _Bar(disabled=args.no_progress)
    try:
        with open_input(args.file) as stream:
            items = read_items(stream, fmt, digest_fields(args.group_by), html=args.html)
            digest = run_digest(items, plan, pool, group_by=args.group_by, progress=bar)
    finally:
        pool.close()
        bar.close()
    if args.format == "json":
        text = json.dumps(digest.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "markdown":
        text = render_markdown(digest)
    else:
        text = render_html(digest)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    print(f"summarize digest: {len(digest.stories)} stories, {sum(len(s.documents) for s in digest.stories)} "
          f"articles, {sum(len(s.duplicates) for s in digest.stories)} duplicates, {len(digest.errors)} refused"
          + (f", {len(digest.filtered)} stories left out by the query filter" if digest.filtered is not None else ""),
          file=sys.stderr)
    return ExitStatus.ERROR if digest.errors else ExitStatus.OK


class _Bar:
    """A tqdm bar on standard error, one stage at a time."""

    def __init__(self, disabled: bool = False) -> None:
        self.disabled = disabled
        self._bar: Any = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.disabled:
            return
        from tqdm import tqdm

        if stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = tqdm(total=total, desc=stage, unit="", file=sys.stderr, leave=False)
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
