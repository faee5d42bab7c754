"""An optional per-client rate limit (``SUMMARIZE_RATE_LIMIT=60/minute``): 429 with ``Retry-After``.

A token bucket per client: the API key when keys are configured (its SHA-256 digest, never the
key), else the client address. Each bucket holds ``allowed`` tokens and refills at
``allowed / period`` tokens per second; a request takes one. The buckets live in the worker
process (at most ``max_clients`` of them, the least recently seen dropped first), so with W
gunicorn workers a client may get up to W times the rate when its requests spread over them:
enforce an exact global quota at the proxy.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict

from flask import Request

from .errors import ApiError


class RateLimiter:
    """Token buckets by client; :meth:`check` raises a 429 when a client's bucket is empty.

    Args:
        allowed: requests allowed per ``period`` (and the burst size).
        period: seconds.
        max_clients: buckets kept at most (memory stays bounded whatever the clients do).
    """

    def __init__(self, allowed: int, period: float, *, max_clients: int = 10_000) -> None:
        self.allowed = allowed
        self.period = period
        self._rate = allowed / period
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """Take a token for ``client``: 0 when granted, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(client, (float(self.allowed), now))
            tokens = min(float(self.allowed), tokens + (now - last) * self._rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self._rate
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
        return wait

    def check(self, request: Request, *, keyed: bool) -> None:
        """Let the request through or raise a 429.

        Raises:
            ApiError: 429 ``rate_limited`` with ``Retry-After`` (whole seconds until a token).
        """
        wait = self.take(client_id(request, keyed=keyed))
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                "rate_limited",
                f"too many requests: at most {self.allowed} per {self.period:g} s; retry in {seconds} s",
                details={"limit": self.allowed, "period_seconds": self.period},
                headers={"Retry-After": str(seconds)},
            )


def client_id(request: Request, *, keyed: bool) -> str:
    """Who is asking: a digest of the API key when keys are used, else the client address."""
    if keyed:
        key = request.headers.get("Authorization", "").partition(" ")[2].strip()
        return "key:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return "addr:" + (request.remote_addr or "-")
