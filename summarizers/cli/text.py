"""``summarize text FILE|-``: summarize one document."""

from __future__ import annotations

import argparse
import sys

from ..api import summarize_input
from ..registry import default_registry
from ..request import Input
from .common import add_request_arguments, prepare_from_args, print_json, read_input
from .status import ExitStatus, UsageError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``text`` command."""
    p = subparsers.add_parser("text", help="summarize one document (a file, - for stdin, or --url)",
                              description="Summarize one document and print the summary.")
    p.add_argument("file", nargs="?", help="UTF-8 text file (or an HTML page with --html), or - for standard input")
    p.add_argument("--url", help="fetch an article page (http or https; SUMMARIZE_URL_HOSTS limits the hosts)")
    add_request_arguments(p)
    p.add_argument("--html", action="store_true",
                   help="the input is an HTML page (in any declared encoding): extract the article first")
    p.add_argument("--json", action="store_true", help="print the full result as one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Summarize the file (or the page at ``--url``) and print the summary (or the JSON result)."""
    if (args.file is None) == (args.url is None):
        raise UsageError("give a FILE (or - for standard input) or --url URL, not both")
    request = prepare_from_args(default_registry(config=args.config), args)
    if args.url is not None:
        result = summarize_input(request, Input(url=args.url), fetch_policy=args.config.fetch)
    else:
        data = read_input(args.file)
        result = summarize_input(request, Input(html=data) if args.html else Input(text=data))
    if args.json:
        print_json(result.to_dict())
    else:
        print(result.summary)
        for warning in result.warnings:
            print(f"summarize: warning: {warning}", file=sys.stderr)
    return ExitStatus.OK
