"""The evaluation harness's one error type.

::

    EvalError               a bad data set, predictions file, output folder or option
    └── DatasetError        a data set that cannot be read or lacks a field

Library errors (:class:`summarizers.SummarizerError`) raised while summarizing one document are
recorded against that document, never raised; an :class:`EvalError` stops the command, and the
CLI prints its message (never a traceback).
"""

from __future__ import annotations


class EvalError(Exception):
    """Something the user can fix: a bad file, a missing field, clashing options."""


class DatasetError(EvalError):
    """A data set (or predictions file) that cannot be read, or a record that lacks a field."""
