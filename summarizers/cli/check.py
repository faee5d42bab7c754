"""``summarize check SUMMARY --source ARTICLE``: check any summary against its article."""

from __future__ import annotations

import argparse

from ..document import validate_text
from ..grounding import check_faithfulness
from .common import print_json, read_input
from .status import UsageError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``check`` command."""
    p = subparsers.add_parser(
        "check", help="check a summary against its article: support and unsupported facts",
        description="Check any summary (ours or another system's) against its source article: "
                    "the source spans supporting each sentence, the numbers, dates, names, quotes "
                    "and negations the article does not support, and a faithfulness score in [0, 1].")
    p.add_argument("summary", help="the summary: a UTF-8 text file, or - for standard input")
    p.add_argument("--source", "-s", required=True, help="the article: a UTF-8 text file (or -)")
    p.add_argument("--language", "-l", default="english", help="language name or ISO code (default english)")
    p.add_argument("--json", action="store_true", help="print the full report as one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Check the summary and print the report."""
    if args.summary == "-" and args.source == "-":
        raise UsageError("only one of SUMMARY and --source can be standard input")
    summary = validate_text(read_input(args.summary), "summary")
    source = validate_text(read_input(args.source), "source")
    report = check_faithfulness(summary, source, language=args.language)
    if args.json:
        print_json(report.to_dict())
        return 0
    found = ", ".join(f"{n} {kind}" for kind, n in report.counts.items() if n) or "none"
    print(f"faithfulness {report.score:.2f}  (unsupported: {found})")
    for s in report.sentences:
        where = ", ".join(f"{sp.start}-{sp.end}" for sp in s.support) or "no support"
        print(f"[{s.support_score:.2f}] {s.text}  <- source {where}")
        for u in s.unsupported:
            print(f"    unsupported {u.kind}: {u.text!r}")
    return 0
