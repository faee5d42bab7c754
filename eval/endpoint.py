"""A client for a running summarization service (``POST /v1/summarize``), with retries.

The service answers with ``Summary.to_dict()``; errors come as a JSON envelope. 429 and 503
answers (and connection failures) are retried, waiting as ``Retry-After`` says (seconds or an
HTTP date) or, without it, with exponential back-off; every wait is capped.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import requests

#: Statuses that mean "try again later".
RETRY_STATUSES = frozenset({429, 503})
SUMMARIZE_PATH = "/v1/summarize"


class EndpointError(Exception):
    """A request the service refused or could not answer.

    Attributes:
        code: the service's error code, or ``http_<status>`` / ``connection_error``.
        message: one readable line.
        status: the HTTP status, when there was an answer.
    """

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def summarize_url(base: str) -> str:
    """``base`` with ``/v1/summarize`` appended, unless it already ends with it."""
    base = base.rstrip("/")
    return base if base.endswith(SUMMARIZE_PATH) else base + SUMMARIZE_PATH


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date), if valid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _error_of(response: requests.Response) -> EndpointError:
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error", body) if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return EndpointError(str(error.get("code") or f"http_{response.status_code}"), str(error["message"]),
                             response.status_code)
    text = response.text.strip().splitlines()[0][:200] if response.text.strip() else response.reason
    return EndpointError(f"http_{response.status_code}", f"HTTP {response.status_code}: {text}",
                         response.status_code)


class EndpointClient:
    """Posts summary requests to one service.

    Args:
        url: the service's base URL (``http://127.0.0.1:8000``) or its summarize URL.
        timeout: seconds for one HTTP request.
        retries: further attempts after a 429/503 answer or a connection failure.
        max_wait: the longest single wait between attempts, in seconds.
        session: a ``requests.Session`` to use (one is made otherwise).
        sleep: the function that waits (injected by tests).
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 120.0,
        retries: int = 5,
        max_wait: float = 60.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = summarize_url(url)
        self.timeout, self.retries, self.max_wait = timeout, retries, max_wait
        self._session = session
        self._sleep = sleep

    @property
    def session(self) -> requests.Session:
        """The HTTP session, made on first use."""
        if self._session is None:
            self._session = requests.Session()
        return self._session

    def summarize(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST ``body`` (``text``, ``method``, ``length``, ``language``, ``options``); the result.

        Raises:
            EndpointError: an error answer, or no success after the retries.
        """
        attempt = 0
        while True:
            try:
                response = self.session.post(self.url, json=dict(body), timeout=self.timeout)
            except requests.RequestException as exc:
                error = EndpointError("connection_error", f"cannot reach {self.url}: {exc}")
                wait = None
            else:
                if response.status_code == 200:
                    try:
                        data = response.json()
                    except ValueError:
                        raise EndpointError("bad_response", "the service answered 200 with invalid JSON",
                                            200) from None
                    if not isinstance(data, dict) or not isinstance(data.get("summary"), str):
                        raise EndpointError("bad_response", "the service's answer has no summary", 200)
                    return data
                error = _error_of(response)
                if response.status_code not in RETRY_STATUSES:
                    raise error
                wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt >= self.retries:
                raise error
            self._sleep(min(self.max_wait, wait if wait is not None else 0.5 * 2**attempt))
            attempt += 1
