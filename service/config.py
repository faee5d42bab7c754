"""The service's configuration: one frozen dataclass, read from ``SUMMARIZE_*`` environment variables.

Every setting has a default that suits a small CPU machine; :meth:`ServiceConfig.from_env` reads
the variables below and refuses bad values with a message naming the variable.

=====================================  ==========  ==================================================
variable                               default     meaning
=====================================  ==========  ==================================================
``SUMMARIZE_MAX_BODY_BYTES``           1048576     largest request body (413 beyond)
``SUMMARIZE_MAX_BATCH``                100         most documents in one batch request (422 beyond)
``SUMMARIZE_REQUEST_TIMEOUT``          60          seconds one summary may take (504 beyond)
``SUMMARIZE_BATCH_TIMEOUT``            300         seconds one batch request may take (504 beyond)
``SUMMARIZE_THREADS``                  4           summaries computed at once per worker
``SUMMARIZE_ABSTRACTIVE_CONCURRENCY``  1           abstractive summaries at once per worker
``SUMMARIZE_QUEUE_WAIT``               0.5         seconds to wait for a free slot before a 503
``SUMMARIZE_RETRY_AFTER``              5           the ``Retry-After`` of 503 answers, in seconds
``SUMMARIZE_API_KEYS``                 (none)      comma-separated keys; when set, ``/v1/*`` needs one
``SUMMARIZE_CORS_ORIGINS``             (none)      comma-separated origins allowed by CORS, or ``*``
``SUMMARIZE_PRELOAD``                  abstractive methods whose models load when a worker starts
``SUMMARIZE_LOG_LEVEL``                INFO        level of the JSON log lines
``SUMMARIZE_ALLOW_URLS``               0           1 to accept ``url`` (an article page to fetch)
``SUMMARIZE_URL_HOSTS``                (none)      comma-separated hosts ``url`` may name (required
                                                   with ``SUMMARIZE_ALLOW_URLS``; ``*.example.com``)
``SUMMARIZE_URL_TIMEOUT``              10          seconds to fetch one page, redirects included
``SUMMARIZE_URL_MAX_BYTES``            5242880     largest page fetched
=====================================  ==========  ==================================================

``SUMMARIZE_WORKERS``, ``SUMMARIZE_GRACEFUL_TIMEOUT`` (and ``SUMMARIZE_THREADS``) are read by
``service/gunicorn.conf.py``; the abstractive models are configured by their own variables
(``SUMMARIZE_ABSTRACTIVE_MODEL``, ``SUMMARIZE_MODELS``...), see docs/abstractive.md.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

from summarizers.fetch import FetchPolicy

PREFIX = "SUMMARIZE_"

T = TypeVar("T")


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of one service process (see the module docstring for the variables)."""

    max_body_bytes: int = 1024 * 1024
    max_batch: int = 100
    request_timeout: float = 60.0
    batch_timeout: float = 300.0
    threads: int = 4
    abstractive_concurrency: int = 1
    queue_wait: float = 0.5
    retry_after: int = 5
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    preload: tuple[str, ...] = ("abstractive",)
    log_level: str = "INFO"
    allow_urls: bool = False
    url_hosts: tuple[str, ...] = ()
    url_timeout: float = 10.0
    url_max_bytes: int = 5 * 1024 * 1024
    #: Networks otherwise refused that pages may be fetched from (tests: ``127.0.0.1/32``);
    #: set in code, never from the environment.
    url_allow_networks: tuple[str, ...] = ()

    def fetch_policy(self) -> FetchPolicy:
        """The policy under which ``url`` inputs are fetched."""
        return FetchPolicy(self.url_hosts, self.url_allow_networks, self.url_timeout, self.url_max_bytes)

    def __post_init__(self) -> None:
        _at_least("max_body_bytes", self.max_body_bytes, 1)
        _at_least("max_batch", self.max_batch, 1)
        _at_least("threads", self.threads, 1)
        _at_least("abstractive_concurrency", self.abstractive_concurrency, 1)
        _at_least("retry_after", self.retry_after, 0)
        for name in ("request_timeout", "batch_timeout"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        if not (math.isfinite(self.queue_wait) and self.queue_wait >= 0):
            raise ValueError(f"queue_wait must be zero or more seconds, got {self.queue_wait!r}")
        if logging.getLevelName(self.log_level.upper()) not in range(0, 60):
            raise ValueError(f"log_level must be DEBUG, INFO, WARNING or ERROR, got {self.log_level!r}")
        if self.allow_urls and not self.url_hosts:
            raise ValueError("allow_urls needs url_hosts, the hosts that may be fetched")
        self.fetch_policy()  # raises ValueError for bad limits or networks
        if any(not key for key in self.api_keys):
            raise ValueError("api_keys must not contain empty keys")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceConfig:
        """The configuration from ``SUMMARIZE_*`` variables of ``environ`` (``os.environ`` by default).

        Raises:
            ValueError: naming the variable, for a value that is not valid.
        """
        env = os.environ if environ is None else environ
        parsers: dict[str, Callable[[str], Any]] = {
            "max_body_bytes": int,
            "max_batch": int,
            "threads": int,
            "abstractive_concurrency": int,
            "retry_after": int,
            "request_timeout": float,
            "batch_timeout": float,
            "queue_wait": float,
            "api_keys": _csv,
            "cors_origins": _csv,
            "preload": _csv,
            "log_level": str.strip,
            "allow_urls": _flag,
            "url_hosts": _csv,
            "url_timeout": float,
            "url_max_bytes": int,
        }
        values: dict[str, Any] = {}
        for name, parse in parsers.items():
            var = PREFIX + name.upper()
            raw = env.get(var)
            if raw is None:
                continue
            try:
                values[name] = parse(raw)
            except ValueError:
                raise ValueError(f"{var}={raw!r} is not a valid value") from None
        try:
            return cls(**values)
        except ValueError as exc:
            raise ValueError(f"invalid {PREFIX}* setting: {exc}") from None

    def with_overrides(self, overrides: Mapping[str, Any]) -> ServiceConfig:
        """A copy with some fields replaced (lists become tuples).

        Raises:
            ValueError: for an unknown field or a bad value.
        """
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown service setting(s): {', '.join(sorted(unknown))}")
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
        return replace(self, **values)


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(raw)


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _at_least(name: str, value: int, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
