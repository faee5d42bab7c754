"""One JSON error envelope for every failure, and one table mapping library errors to statuses.

Every error answer has the body ``{"error": {"code": ..., "message": ..., "details": {...}}}``
(``details.field`` names the request field at fault when there is one). Nothing else reaches a
client: unexpected exceptions become a 500 whose message carries only the request id, and the
traceback goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from summarizers import errors as lib
from summarizers.errors import MethodUnavailable, SummarizerError, SummaryTimeout

log = logging.getLogger(__name__)

#: HTTP status of each library error (the most specific class listed wins).
STATUS_BY_ERROR: dict[type[SummarizerError], int] = {
    lib.InvalidInput: 422,
    lib.InvalidLength: 422,
    lib.InvalidOption: 422,
    lib.UnknownMethod: 422,
    lib.UnsupportedLanguage: 422,
    lib.MethodUnavailable: 503,
    lib.SummaryTimeout: 504,
    lib.ModelError: 500,
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


class ApiError(Exception):
    """An error answer raised by the service itself (bad JSON, saturation, auth...)."""

    def __init__(self, status: int, code: str, message: str, *, details: Mapping[str, Any] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


class ServiceBusy(ApiError):
    """Every slot for this kind of work is taken: come back after ``Retry-After`` seconds."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(503, "server_busy", message, details={"reason": reason})


def too_large(limit: int, variable: str = "SUMMARIZE_MAX_BODY_BYTES") -> ApiError:
    """The 413 of a body over ``limit`` bytes (the limit set by ``variable``)."""
    return ApiError(
        413,
        "payload_too_large",
        f"the request body is over the {limit}-byte limit ({variable})",
        details={"maximum_bytes": limit},
    )


def status_for(error: SummarizerError) -> int:
    """The HTTP status of a library error (500 for a class not in :data:`STATUS_BY_ERROR`)."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def envelope(code: str, message: str, details: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body of every error answer."""
    return {"error": {"code": code, "message": message, "details": dict(details or {})}}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON error answer; 429 and 503 get ``Retry-After`` from the configuration."""
    response = jsonify(envelope(code, message, details))
    response.status_code = status
    if status in RETRY_STATUSES and code not in NO_RETRY_CODES:
        response.headers["Retry-After"] = str(current_app.extensions["summarize"].config.retry_after)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def validation_details(exc: ValidationError) -> dict[str, Any]:
    """``details`` of a 422 for a pydantic error: the first field at fault and every problem."""
    problems = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in err["loc"]) or "body"
        problems.append({"field": where, "message": err["msg"], "type": err["type"]})
    return {"field": problems[0]["field"] if problems else "body", "errors": problems}


def summarizer_error_response(error: SummarizerError) -> Response:
    """The answer for a library error, following :data:`STATUS_BY_ERROR`."""
    status = status_for(error)
    body = error.to_dict()
    details = body["details"]
    if status >= 500 and not isinstance(error, (MethodUnavailable, SummaryTimeout)):
        log.error("summarizer failed: %s", error.message, extra={"error_code": error.code})
        # A model failure: the client quotes this id; the log line above carries it too.
        details = {**(details or {}), "request_id": g.get("request_id", "-")}
    return error_response(status, body["code"], body["message"], details)


def register_error_handlers(app: Flask) -> None:
    """Turn every exception raised while handling a request into the JSON envelope."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

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
        return error_response(422, "validation_error", message, details)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 413:
            limit = current_app.extensions["summarize"].config.max_body_bytes
            if request.blueprint == "jobs" and request.max_content_length:  # the jobs API's own limit
                return _api_error(too_large(request.max_content_length, "SUMMARIZE_JOBS_MAX_BODY_BYTES"))
            return _api_error(too_large(limit))
        # Keep the headers Werkzeug adds (``Allow`` on a 405), not its HTML body.
        extra = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type", "content-length")}
        return error_response(
            status, CODE_BY_STATUS.get(status, f"http_{status}"), exc.description or exc.name, headers=extra
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        request_id = g.get("request_id", "-")
        log.exception("unhandled error while serving the request")
        return error_response(
            500, "internal_error", f"internal error; quote request id {request_id} when reporting it"
        )
