"""Entry point of the ``summarize`` console script.

Exit status: 0 success; 1 bad input or request; 2 bad command line; 3 method unavailable;
4 internal error. Errors are one line on stderr, never a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from ..errors import MethodUnavailable, SummarizerError

#: Modules of the subcommands; each defines ``add_parser(subparsers)``.
COMMANDS = (
    "summarizers.cli.text",
    "summarizers.cli.methods",
    "summarizers.cli.batch",
    "summarizers.cli.digest",
    "summarizers.cli.models",
    "summarizers.cli.worker",
    "summarizers.cli.check",
)

EXIT_ERROR, EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_INTERNAL = 1, 2, 3, 4


def build_parser() -> argparse.ArgumentParser:
    """The ``summarize`` parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="summarize", description="Summarize news articles.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or bool(os.environ.get("SUMMARIZE_DEBUG"))
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args) or 0)
    except MethodUnavailable as exc:
        print(f"summarize: error: {exc.message}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except SummarizerError as exc:
        print(f"summarize: error: {exc.message}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"summarize: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("summarize: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        print(f"summarize: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
