"""JSON-lines logs, each line carrying the id of the request being served.

The request id lives in a :class:`contextvars.ContextVar`, so it follows the work into the
thread pool that computes summaries (the pool runs each task in a copy of the caller's
context) and appears on log lines written by the library too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: The id of the request being served in this context, or ``None`` outside requests.
request_id_var: ContextVar[str | None] = ContextVar("summarize_request_id", default=None)

#: What an accepted ``X-Request-ID`` may contain; anything else is dropped from it.
_REQUEST_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._:/+=@-]")
REQUEST_ID_MAX = 128

#: Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def clean_request_id(value: str | None) -> str:
    """``value`` stripped of unsafe characters and cut to 128 characters; a new id when nothing is left.

    A client's id is kept so that its logs and ours can be joined, but it must not be able to
    inject log lines or odd bytes into headers.
    """
    cleaned = _REQUEST_ID_UNSAFE.sub("", value or "")[:REQUEST_ID_MAX]
    return cleaned or uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """Send every log record to stderr as JSON lines, at ``level`` (idempotent).

    Installs one handler on the root logger; records of the library (``summarizers``) and of
    the service (``service``) both go through it, and so do Python warnings. Gunicorn's own
    loggers are configured to use :class:`JsonFormatter` by ``service/gunicorn.conf.py``.
    """
    root = logging.getLogger()
    if not any(getattr(h, "_summarize_json", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._summarize_json = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for name in ("summarizers_service", "summarizers"):
        logging.getLogger(name).setLevel(level.upper())
    logging.captureWarnings(True)  # Python warnings (numpy's, sumy's...) become JSON lines too
