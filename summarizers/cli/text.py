"""``summarize text FILE|-``: summarize one document."""

from __future__ import annotations

import argparse
import sys

from ..api import summarize_prepared
from ..registry import default_registry
from .common import add_request_arguments, prepare_from_args, print_json, read_input


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``text`` command."""
    p = subparsers.add_parser("text", help="summarize one document (a file or - for stdin)",
                              description="Summarize one document and print the summary.")
    p.add_argument("file", help="UTF-8 text file, or - for standard input")
    add_request_arguments(p)
    p.add_argument("--html", action="store_true", help="the input is an HTML page: extract the article first")
    p.add_argument("--json", action="store_true", help="print the full result as one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Summarize the file and print the summary (or the JSON result)."""
    data = read_input(args.file)
    request = prepare_from_args(default_registry(), args)
    result = summarize_prepared(request, html=data) if args.html else summarize_prepared(request, data)
    if args.json:
        print_json(result.to_dict())
    else:
        print(result.summary)
        for warning in result.warnings:
            print(f"summarize: warning: {warning}", file=sys.stderr)
    return 0
