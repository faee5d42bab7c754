"""The gunicorn worker class of the service: ``gthread``, with its own errors in the JSON envelope.

Gunicorn answers some malformed requests itself, before the app sees them: a request line over
``limit_request_line`` (414), too many or too large header fields (431), a NUL or other invalid
character in a header, a bad chunk size (400), an unsupported transfer coding (501). It writes
those answers with ``gunicorn.util.write_error``, as HTML pages. Loading this module (gunicorn
does, in the master, before forking workers) replaces that function with one that writes the
service's envelope ``{"error": {"code", "message", "details"}}``, so every answer a client gets
is JSON. Nothing else of gunicorn changes; the status, reason and ``Connection: close`` stay.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from .envelope import envelope

#: Stable codes of the statuses gunicorn answers itself.
GUNICORN_CODES = {
    400: "bad_request",
    403: "forbidden",
    414: "uri_too_long",
    417: "expectation_failed",
    431: "header_fields_too_large",
    500: "internal_error",
    501: "not_implemented",
}


def error_bytes(status: int, reason: str, message: str) -> bytes:
    """A whole HTTP/1.1 answer carrying the JSON error envelope (the connection is closed after)."""
    body = json.dumps(envelope(GUNICORN_CODES.get(status, f"http_{status}"), message or reason,
                               {"status": status})).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1", "replace")
    return head + body


def write_json_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in replacement of ``gunicorn.util.write_error``: the same answer, as JSON."""
    util.write_nonblock(sock, error_bytes(int(status_int), reason, mesg))


util.write_error = write_json_error


class JsonErrorThreadWorker(ThreadWorker):
    """gunicorn's ``gthread`` worker; importing this module makes its own errors JSON."""
