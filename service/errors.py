"""One JSON error envelope for every failure, and one table mapping errors to statuses.

Every error answer has the body ``{"error": {"code": ..., "message": ..., "details": {...}}}``
(``details.field`` names the request field at fault when there is one), built by
:func:`error_response` alone. Views raise errors, never build answers: the library's
(:mod:`summarizers.errors`: a bad input, a document or a body too large, a quota, a store
fault...) or, for what only HTTP knows (a body that is not JSON, a missing key, an unknown job),
an :class:`ApiError` naming its code. The status of each comes from one place:
:data:`STATUS_BY_ERROR` (library classes) and :data:`STATUS_BY_CODE` (the service's codes).
Nothing else reaches a client: unexpected exceptions become a 500 whose message carries only the
request id, and the traceback goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from summarizers import errors as lib
from summarizers.errors import MethodUnavailable, PayloadTooLarge, SummarizerError, SummaryTimeout
from summarizers.jobs.store import store_fault

from .envelope import envelope

log = logging.getLogger(__name__)

#: HTTP status of each library error (the most specific class listed wins).
STATUS_BY_ERROR: dict[type[SummarizerError], int] = {
    lib.InvalidInput: 422,
    lib.PayloadTooLarge: 413,
    lib.InvalidLength: 422,
    lib.InvalidOption: 422,
    lib.UnknownMethod: 422,
    lib.UnsupportedLanguage: 422,
    lib.IdempotencyConflict: 409,
    lib.QuotaExceeded: 429,
    lib.MethodUnavailable: 503,
    lib.StoreUnavailable: 503,
    lib.SummaryTimeout: 504,
    lib.ModelError: 500,
}

#: HTTP status of each code the service raises itself (:class:`ApiError`).
STATUS_BY_CODE: dict[str, int] = {
    "malformed_json": 400,
    "unauthorized": 401,
    "not_found": 404,
    "not_finished": 409,
    "unsupported_media_type": 415,
    "validation_error": 422,
    "rate_limited": 429,
    "internal_error": 500,
    "loading": 503,
    "server_busy": 503,
    "not_ready": 503,
}

#: Statuses that carry a ``Retry-After`` header...
RETRY_STATUSES = frozenset({429, 503})
#: ... except for errors that waiting never fixes (a model that is not on this machine).
NO_RETRY_CODES = frozenset({"model_missing"})

#: Stable codes for the HTTP-level errors Werkzeug raises.
CODE_BY_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}

#: Variable of the default body limit (a blueprint may set its own with :func:`set_body_limit`).
BODY_LIMIT_VARIABLE = "SUMMARIZE_MAX_BODY_BYTES"


class ApiError(Exception):
    """An error only HTTP knows (a body that is not JSON, a missing key, an unknown job...):
    its ``code`` is one of :data:`STATUS_BY_CODE`, which gives its ``status``.

    Raises:
        KeyError: for a code missing from :data:`STATUS_BY_CODE` (a bug, caught by the tests).
    """

    def __init__(self, code: str, message: str, *, details: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = STATUS_BY_CODE[code]
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


class ServiceBusy(ApiError):
    """Every slot for this kind of work is taken: come back after ``Retry-After`` seconds."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__("server_busy", message, details={"reason": reason})


def set_body_limit(limit: int, variable: str) -> None:
    """Make ``limit`` bytes (set by ``variable``) the body limit of the current request."""
    request.max_content_length = limit
    g.body_limit = (limit, variable)


def body_too_large() -> PayloadTooLarge:
    """The error of a body over the current request's limit (see :func:`set_body_limit`)."""
    limit, variable = g.get("body_limit") or (current_app.extensions["summarize"].config.max_body_bytes,
                                              BODY_LIMIT_VARIABLE)
    return PayloadTooLarge(f"the request body is over the {limit}-byte limit ({variable})", limit=limit)


def status_for(error: SummarizerError) -> int:
    """The HTTP status of a library error (500 for a class not in :data:`STATUS_BY_ERROR`)."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def library_error(exc: BaseException) -> SummarizerError | None:
    """``exc`` as the library error a client may see, or ``None`` when it is not one.

    A store fault (:class:`~summarizers.errors.StoreUnavailable`, or an SQLite or Redis error
    the store did not translate) is logged and answered without the store's own words.
    """
    fault = store_fault(exc)
    if fault is not None:
        log.warning("job store unavailable (%s): %s", fault.reason, fault.message)
        return fault.public()
    return exc if isinstance(exc, SummarizerError) else None


def error_response(
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON error answer; 429 and 503 get ``Retry-After`` from the configuration (unless
    ``headers`` carry their own)."""
    response = jsonify(envelope(code, message, details))
    response.status_code = status
    if status in RETRY_STATUSES and code not in NO_RETRY_CODES:
        response.headers["Retry-After"] = str(current_app.extensions["summarize"].config.retry_after)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def own_headers(error: SummarizerError) -> dict[str, str] | None:
    """The headers a library error sets itself: a quota's ``Retry-After`` (its ``retry_after``)."""
    retry_after = getattr(error, "retry_after", None)
    return {"Retry-After": str(retry_after)} if retry_after is not None else None


def api_error_response(exc: ApiError) -> Response:
    """The answer for a service error."""
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


def validation_details(exc: ValidationError) -> dict[str, Any]:
    """``details`` of a 422 for a pydantic error: the first field at fault and every problem."""
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in err["loc"]) or "body"
        problems.append({"field": where, "message": err["msg"], "type": err["type"]})
    return {"field": problems[0]["field"] if problems else "body", "errors": problems}


def summarizer_error_response(error: SummarizerError) -> Response:
    """The answer for a library error, following :data:`STATUS_BY_ERROR` (a quota's own
    ``retry_after`` is its ``Retry-After``)."""
    error = library_error(error) or error
    status = status_for(error)
    body = error.to_dict()
    details = body["details"]
    if status >= 500 and not isinstance(error, (MethodUnavailable, SummaryTimeout, lib.StoreUnavailable)):
        log.error("summarizer failed: %s", error.message, extra={"error_code": error.code})
        # A model failure: the client quotes this id; the log line above carries it too.
        details = {**(details or {}), "request_id": g.get("request_id", "-")}
    return error_response(status, body["code"], body["message"], details, own_headers(error))


def register_error_handlers(app: Flask) -> None:
    """Turn every exception raised while handling a request into the JSON envelope."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return api_error_response(exc)

    @app.errorhandler(SummarizerError)
    def _summarizer_error(exc: SummarizerError) -> Response:
        return summarizer_error_response(exc)

    @app.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError) -> Response:
        details = validation_details(exc)
        message = (
            f"invalid request: {details['errors'][0]['field']}: {details['errors'][0]['message']}"
            if details["errors"]
            else "invalid request"
        )
        return error_response(STATUS_BY_CODE["validation_error"], "validation_error", message, details)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 413:
            return summarizer_error_response(body_too_large())
        # Keep the headers Werkzeug adds (``Allow`` on a 405), not its HTML body.
        extra = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type", "content-length")}
        return error_response(
            status, CODE_BY_STATUS.get(status, f"http_{status}"), exc.description or exc.name, headers=extra
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        known = library_error(exc)  # a store driver's error the store did not translate
        if known is not None:
            return summarizer_error_response(known)
        request_id = g.get("request_id", "-")
        log.exception("unhandled error while serving the request")
        return error_response(
            500, "internal_error", f"internal error; quote request id {request_id} when reporting it"
        )
