"""The library's exceptions: one small hierarchy, each error with a stable code.

::

    SummarizerError                 base class; ``code``, ``message``, ``field``, ``details``
    ├── InvalidInput                empty/whitespace/binary text, no sentence, bad HTML
    │   ├── InputTooLarge           more sentences than the method's limit (``limit``, ``method``)
    │   ├── UrlNotAllowed           a URL (or a redirect, or its address) that may not be fetched
    │   └── FetchFailed             a URL that could not be fetched (status, time, size)
    ├── InvalidLength               a length that is missing, ambiguous or absurd
    ├── InvalidOption               an unknown option or a value out of its bounds
    ├── UnknownMethod               a method name that is not registered
    ├── UnsupportedLanguage         a language the text pipeline cannot handle
    ├── MethodUnavailable           a registered method that cannot run here (``reason``, ``fix``)
    ├── SummaryTimeout              a summary that exceeded its time limit
    └── ModelError                  a model that failed while loading or generating

Callers (the CLI, the HTTP service, the batch runner) map these to exit codes, HTTP statuses
and error records; nothing else should escape the library for a bad input.
"""

from __future__ import annotations

from typing import Any


class SummarizerError(Exception):
    """Base class of every error the library raises on purpose.

    Attributes:
        code: a stable, machine-readable identifier (``invalid_input``, ``unknown_method``...).
        message: one human-readable line.
        field: the request field at fault (``text``, ``length.sentences``, ``options.num_beams``),
            or ``None``.
        details: extra structured information (allowed values, bounds, ...).
    """

    code = "summarizer_error"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with every attribute (errors cross process boundaries: pools, the service)."""
        return (_rebuild, (type(self), self.message, self.__dict__))

    def to_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready ``{"code", "message", "details"}`` mapping."""
        details = dict(self.details)
        if self.field is not None:
            details["field"] = self.field
        return {"code": self.code, "message": self.message, "details": details}


class InvalidInput(SummarizerError):
    """The text (or HTML) cannot be summarized: empty, binary, not UTF-8, no sentence."""

    code = "invalid_input"


class InputTooLarge(InvalidInput):
    """The text has more sentences than the method accepts (its cost would be unbounded).

    ``details`` holds ``method``, ``limit``, ``sentences`` and ``cost_class``.
    """

    code = "input_too_large"


class UrlNotAllowed(InvalidInput):
    """A URL that may not be fetched: scheme, host off the allow-list, or an address that is
    loopback, private, link-local or reserved (checked where the connection was made)."""

    code = "url_not_allowed"


class FetchFailed(InvalidInput):
    """A URL that could not be fetched: unreachable, an error status, too slow or too large."""

    code = "fetch_failed"


class InvalidLength(SummarizerError):
    """The requested length is missing, ambiguous, of the wrong type or out of bounds."""

    code = "invalid_length"


class InvalidOption(SummarizerError):
    """An option is unknown to the method, of the wrong type, or outside its bounds."""

    code = "invalid_option"


class UnknownMethod(SummarizerError):
    """No method of that name is registered."""

    code = "unknown_method"


class UnsupportedLanguage(SummarizerError):
    """The language is not supported; ``details["supported"]`` lists those that are."""

    code = "unsupported_language"


class MethodUnavailable(SummarizerError):
    """The method is registered but cannot run here.

    Attributes:
        reason: why (a missing optional dependency, a model absent from the cache...).
        fix: the command that makes it available, when there is one.
    """

    code = "method_unavailable"

    def __init__(self, message: str, *, reason: str, fix: str | None = None, **details: Any) -> None:
        super().__init__(message, reason=reason, fix=fix, **details)
        self.reason = reason
        self.fix = fix



class ModelMissing(MethodUnavailable):
    """The method's model is not on this machine: retrying never helps; downloading it (``summarize
    models download NAME``) or configuring another (``SUMMARIZE_ABSTRACTIVE_MODEL``) does."""

    code = "model_missing"
    #: Said after the fix: the other way out.
    OTHER_FIX = "or set SUMMARIZE_ABSTRACTIVE_MODEL to a model that is on this machine"

class SummaryTimeout(SummarizerError):
    """The summary took longer than its time limit."""

    code = "timeout"


class ModelError(SummarizerError):
    """A model failed while loading or generating (not the caller's fault)."""

    code = "model_error"


def _rebuild(cls: type[SummarizerError], message: str, state: dict[str, Any]) -> SummarizerError:
    """An unpickled error: the class, its message and its attributes, without calling ``__init__``."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error
