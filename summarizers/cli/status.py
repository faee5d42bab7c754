"""The exit statuses of the ``summarize`` command: one table, one meaning each.

:class:`ExitStatus` names them, :data:`EPILOG` says them (``summarize --help`` shows it, the
README repeats it) and :func:`exit_status` maps an exception to its status: the commands raise,
:func:`summarizers.cli.main.main` reports (one line on standard error) and returns the status.
"""

from __future__ import annotations

from enum import IntEnum

from ..config import ConfigError
from ..errors import SummarizerError


class ExitStatus(IntEnum):
    """The exit statuses of ``summarize`` (see the table above)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    UNAVAILABLE = 3
    INTERNAL = 4
    INCOMPLETE = 5
    INTERRUPTED = 130


#: The status of each library error, by the code of its class or of the nearest base class
#: listed (codes, so that the table names the engine's errors without importing the engine).
STATUS_BY_CODE: dict[str, ExitStatus] = {
    "summarizer_error": ExitStatus.ERROR,
    "method_unavailable": ExitStatus.UNAVAILABLE,
    "worker_failed": ExitStatus.INCOMPLETE,
}


#: The table for ``summarize --help``.
EPILOG = """exit status:
  0    done (batch, digest: every record has a result)
  1    the input or request was refused, a file could not be read or written, or
       (batch, digest) some records were refused: each has its error line
  2    bad command line
  3    the method or engine cannot run here (the message says how to install it)
  4    internal error (--debug shows the traceback)
  5    batch: a worker died mid-run; run the same command again to finish
  130  interrupted"""


class UsageError(Exception):
    """A bad command line found after parsing (conflicting or out-of-range values): exit 2."""


def exit_status(exc: BaseException) -> ExitStatus:
    """The exit status of a command that raised ``exc``."""
    if isinstance(exc, KeyboardInterrupt):
        return ExitStatus.INTERRUPTED
    if isinstance(exc, (UsageError, ConfigError)):  # a bad command line, or a bad SUMMARIZE_* value
        return ExitStatus.USAGE
    if isinstance(exc, SummarizerError):
        for cls in type(exc).__mro__:
            status = STATUS_BY_CODE.get(getattr(cls, "code", ""))
            if status is not None:
                return status
    if isinstance(exc, OSError):
        return ExitStatus.ERROR
    return ExitStatus.INTERNAL
