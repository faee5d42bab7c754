"""Entry point of the ``summarize`` console script.

Exit status (the one table, :mod:`.status`): 0 success; 1 bad input or request (or, for
``batch`` and ``digest``, some records refused); 2 bad command line; 3 method or engine
unavailable; 4 internal error; 5 ``batch`` stopped by a dead worker (rerun to finish); 130
interrupted. Errors are one line on stderr, never a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Sequence

from ..config import ConfigError, read_config
from ..errors import SummarizerError
from .status import EPILOG, ExitStatus, UsageError, exit_status

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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``summarize`` parser with every subcommand, or with ``command``'s alone (each
    subcommand's module imports what it needs: ``summarize text`` loads no batch engine,
    jobs store or model code)."""
    parser = argparse.ArgumentParser(prog="summarize", description="Summarize news articles.", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        if command is None or name.rsplit(".", 1)[1] == command:
            importlib.import_module(name).add_parser(sub)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names when it is a known one (its first word after ``--debug``)."""
    words = [a for a in argv if a != "--debug"]
    known = {name.rsplit(".", 1)[1] for name in COMMANDS}
    return words[0] if words and words[0] in known else None


def _report(error: SummarizerError, args: argparse.Namespace) -> None:
    """Say what went wrong on stderr; with ``--json``, also print the error object on stdout
    (``{"error": {"code", "message", "details"}}``, as the HTTP API answers)."""
    print(f"summarize: error: {error.message}", file=sys.stderr)
    if getattr(args, "json", False):
        print(json.dumps({"error": error.to_dict()}, ensure_ascii=False))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    try:  # every SUMMARIZE_* variable the commands use is read here, once (the commands get args.config)
        args.config = read_config()
    except ConfigError as exc:
        print(f"summarize: error: {exc}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    debug = args.debug or args.config.debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args) or 0)
    except Exception as exc:
        status = exit_status(exc)
        if status == ExitStatus.INTERNAL and debug:
            raise
        _say(exc, status, args)
        return int(status)
    except KeyboardInterrupt as exc:
        _say(exc, exit_status(exc), args)
        return int(ExitStatus.INTERRUPTED)


def _say(exc: BaseException, status: ExitStatus, args: argparse.Namespace) -> None:
    """The one line on standard error for a command that raised ``exc`` (exit ``status``)."""
    if isinstance(exc, SummarizerError):
        _report(exc, args)
    elif isinstance(exc, (UsageError, ConfigError)):
        print(f"summarize: error: {exc}", file=sys.stderr)
    elif isinstance(exc, OSError):
        print(f"summarize: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
    elif status == ExitStatus.INTERRUPTED:
        print("summarize: interrupted", file=sys.stderr)
    else:
        print(f"summarize: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
              file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
