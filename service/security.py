"""API keys (``Authorization: Bearer <key>``) and CORS for configured origins only."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from flask import Request, Response

from .errors import ApiError

#: Paths that need a key when keys are configured; health, readiness, metrics and docs stay open.
PROTECTED_PREFIX = "/v1/"

CORS_ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID"
CORS_EXPOSE_HEADERS = "X-Request-ID, Retry-After, Server-Timing"
CORS_MAX_AGE = "600"


class ApiKeys:
    """The configured keys, kept as SHA-256 digests and compared in constant time."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._digests = [hashlib.sha256(k.encode()).digest() for k in keys]

    @property
    def enabled(self) -> bool:
        """Whether any key is configured (otherwise every request is let through)."""
        return bool(self._digests)

    def accepts(self, key: str) -> bool:
        """Whether ``key`` is one of the configured keys.

        Every configured key is compared, each with :func:`hmac.compare_digest` on equal-length
        digests, so the time taken does not depend on which key matched or how much of it did.
        """
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        matched = False
        for known in self._digests:
            matched |= hmac.compare_digest(digest, known)
        return matched

    def check(self, request: Request) -> None:
        """Let the request through, or raise a 401.

        Raises:
            ApiError: 401 with ``WWW-Authenticate: Bearer`` when keys are configured and the
                request to ``/v1/*`` has no valid ``Authorization: Bearer <key>``.
        """
        if not self.enabled or not request.path.startswith(PROTECTED_PREFIX) or request.method == "OPTIONS":
            return
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(
                "unauthorized",
                "this API needs a key: send Authorization: Bearer <key>",
                headers={"WWW-Authenticate": 'Bearer realm="summarize"'},
            )
        if not self.accepts(key.strip()):
            raise ApiError(
                "unauthorized",
                "the API key is not valid",
                headers={"WWW-Authenticate": 'Bearer realm="summarize", error="invalid_token"'},
            )


class Cors:
    """CORS headers for the configured origins (``*`` allows any); none for other origins."""

    def __init__(self, origins: Iterable[str]) -> None:
        self._origins = frozenset(o.rstrip("/") for o in origins)

    def allowed(self, origin: str | None) -> bool:
        """Whether a browser page from ``origin`` may call the API."""
        return bool(origin) and ("*" in self._origins or origin in self._origins)

    def apply(self, request: Request, response: Response) -> Response:
        """Add the CORS headers to ``response`` when the request's ``Origin`` is allowed."""
        origin = request.headers.get("Origin")
        if self._origins:
            response.vary.add("Origin")
        if not self.allowed(origin):
            return response
        response.headers["Access-Control-Allow-Origin"] = origin  # type: ignore[assignment]
        response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
            response.headers["Access-Control-Allow-Methods"] = response.headers.get(
                "Allow", "GET, POST, OPTIONS"
            )
            response.headers["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
            response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
        return response
