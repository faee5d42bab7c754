"""The library's exceptions: one small hierarchy, each error with a stable code.

::

    SummarizerError                 base class; ``code``, ``message``, ``field``, ``details``
    ├── InvalidInput                empty/whitespace/binary text, no sentence, bad HTML
    │   ├── InputTooLarge           a document over a limit (``limit``, ``unit``, the size measured)
    │   ├── PayloadTooLarge         a whole request body over its byte limit (``limit``, ``unit``)
    │   ├── UrlNotAllowed           a URL (or a redirect, or its address) that may not be fetched
    │   └── FetchFailed             a URL that could not be fetched (status, time, size)
    ├── InvalidLength               a length that is missing, ambiguous or absurd
    ├── InvalidOption               an unknown option or a value out of its bounds
    ├── UnknownMethod               a method name that is not registered
    ├── UnsupportedLanguage         a language the text pipeline cannot handle
    ├── MethodUnavailable           a registered method that cannot run here (``reason``, ``fix``)
    ├── SummaryTimeout              a summary that exceeded its time limit
    ├── ModelError                  a model that failed while loading or generating
    ├── QuotaExceeded               an owner holding as many jobs or bytes as it may (``retry_after``)
    ├── IdempotencyConflict         an idempotency key reused with another request (``job``)
    └── StoreUnavailable            the job store cannot be used now (``reason``)

Callers map these to their own answers in one table each: the CLI's exit statuses
(:mod:`summarizers.cli.main`), the HTTP service's statuses (``service/errors.py``), the batch
runner's error records (``to_dict()``); nothing else should escape the library for a bad input.
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
    """A document over one of its limits: more sentences than the method accepts (its cost would
    be unbounded), more characters or bytes than a document may have, or more memory than the
    process summarizing it may use.

    ``details`` always holds ``limit`` and its ``unit`` (``sentences``, ``characters``, ``bytes``
    or ``MiB``) and, when it was measured, the document's size under the unit's name
    (``sentences``, ``characters``, ``bytes``); a sentence limit adds ``method`` and
    ``cost_class``. Build one with :meth:`over`, so that every surface says it alike.
    """

    code = "input_too_large"

    @classmethod
    def over(cls, message: str, *, limit: int, unit: str, size: int | None = None,
             field: str | None = None, **details: Any) -> InputTooLarge:
        """The error of a document of ``size`` (``None``: not measured) over ``limit`` ``unit``."""
        measured = {} if size is None else {unit: size}
        return cls(message, field=field, limit=limit, unit=unit, **measured, **details)


class PayloadTooLarge(InvalidInput):
    """A whole request (a body of many documents) over its byte limit; ``details`` holds
    ``limit`` and ``unit`` (``bytes``), as :class:`InputTooLarge`."""

    code = "payload_too_large"

    def __init__(self, message: str, *, limit: int, **details: Any) -> None:
        super().__init__(message, limit=limit, unit="bytes", **details)


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


class QuotaExceeded(SummarizerError):
    """An owner (an API key) holds as much as it may: ``quota`` is ``open_jobs`` or
    ``stored_bytes``; ``retry_after`` is the number of seconds after which a submission may
    succeed (when known). ``details`` holds ``quota``, ``limit`` and ``used``."""

    code = "quota_exceeded"

    def __init__(self, kind: str, message: str, *, limit: int, used: int, retry_after: int) -> None:
        super().__init__(message, quota=kind, limit=limit, used=used)
        self.kind = kind
        self.limit = limit
        self.used = used
        self.retry_after = retry_after


class IdempotencyConflict(SummarizerError):
    """An idempotency key reused with another request body; ``job`` is the first job's id."""

    code = "idempotency_conflict"

    def __init__(self, job_id: str, *, field: str | None = "Idempotency-Key") -> None:
        super().__init__("this Idempotency-Key was used with another request body", field=field, job=job_id)
        self.job_id = job_id


class StoreUnavailable(SummarizerError):
    """The job store cannot be used now (disk full, locked, read-only, corrupt, unreachable).

    ``reason`` (also in ``details``) is one of ``disk_full``, ``locked``, ``read_only``,
    ``corrupt``, ``unavailable``. Nothing was changed by the failed operation; retry once the
    fault is cleared. ``message`` may quote the store's own error: :meth:`public` is the form
    to show a client.
    """

    code = "store_unavailable"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason

    def public(self) -> StoreUnavailable:
        """The same fault with a message that quotes nothing of the store (paths, hosts)."""
        return StoreUnavailable(self.reason, f"the job store is unavailable ({self.reason.replace('_', ' ')}); "
                                             "retry later")


def _rebuild(cls: type[SummarizerError], message: str, state: dict[str, Any]) -> SummarizerError:
    """An unpickled error: the class, its message and its attributes, without calling ``__init__``."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error
