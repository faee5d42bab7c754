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
``SUMMARIZE_PROCESSES``                2           extractive summaries at once per worker (processes)
``SUMMARIZE_ISOLATION``                process     ``process``: extractive work in killable processes;
                                                   ``thread``: everything in threads (no kill)
``SUMMARIZE_CHILD_MEMORY_MB``          2048        address space of each worker process (422 beyond)
``SUMMARIZE_CHILD_RECYCLE_MB``         512         replace a worker process above this resident size
``SUMMARIZE_CHILD_MAX_TASKS``          1000        replace a worker process after this many tasks
``SUMMARIZE_ABSTRACTIVE_CONCURRENCY``  1           abstractive summaries at once per worker
``SUMMARIZE_ABSTRACTIVE_MAX_CHARACTERS`` 100000    longest abstractive input (422 beyond)
``SUMMARIZE_QUEUE``                    8           requests waiting for a slot per worker (503 beyond)
``SUMMARIZE_QUEUE_WAIT``               0.5         seconds a request waits for a slot before a 503
``SUMMARIZE_RATE_LIMIT``               (none)      requests per key (or client address): ``N/second``,
                                                   ``N/minute`` or ``N/hour``; 429 beyond
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

The jobs API reads ``SUMMARIZE_JOBS_*`` (see :mod:`summarizers.jobs.config` and docs/jobs.md).

``SUMMARIZE_WORKERS``, ``SUMMARIZE_GRACEFUL_TIMEOUT`` (and ``SUMMARIZE_THREADS``) are read by
``service/gunicorn.conf.py``; the abstractive models are configured by their own variables
(``SUMMARIZE_ABSTRACTIVE_MODEL``, ``SUMMARIZE_MODELS``...), see docs/abstractive.md.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypeVar

from summarizers.fetch import FetchPolicy
from summarizers.jobs.config import JobsConfig
from summarizers.settings import csv, flag, values_from_env

PREFIX = "SUMMARIZE_"

T = TypeVar("T")


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of one service process (see the module docstring for the variables)."""

    max_body_bytes: int = 1024 * 1024
    max_batch: int = 100
    request_timeout: float = 60.0
    batch_timeout: float = 300.0
    processes: int = 2
    isolation: str = "process"
    child_memory_mb: int = 2048
    child_recycle_mb: int = 512
    child_max_tasks: int = 1000
    abstractive_concurrency: int = 1
    abstractive_max_characters: int = 100_000
    queue: int = 8
    queue_wait: float = 0.5
    rate_limit: str = ""
    retry_after: int = 5
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    preload: tuple[str, ...] = ("abstractive",)
    log_level: str = "INFO"
    #: The asynchronous jobs (``SUMMARIZE_JOBS_*``, see :mod:`summarizers.jobs.config`).
    jobs: JobsConfig = field(default_factory=JobsConfig)
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
        _at_least("processes", self.processes, 1)
        _at_least("abstractive_concurrency", self.abstractive_concurrency, 1)
        _at_least("abstractive_max_characters", self.abstractive_max_characters, 1)
        _at_least("queue", self.queue, 0)
        for name in ("child_memory_mb", "child_recycle_mb", "child_max_tasks"):
            _at_least(name, getattr(self, name), 0)
        if self.isolation not in ("process", "thread"):
            raise ValueError(f"isolation must be process or thread, got {self.isolation!r}")
        if self.rate_limit:
            parse_rate(self.rate_limit)
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
            "processes": int,
            "isolation": str.strip,
            "child_memory_mb": int,
            "child_recycle_mb": int,
            "child_max_tasks": int,
            "abstractive_concurrency": int,
            "abstractive_max_characters": int,
            "queue": int,
            "rate_limit": str.strip,
            "retry_after": int,
            "request_timeout": float,
            "batch_timeout": float,
            "queue_wait": float,
            "api_keys": csv,
            "cors_origins": csv,
            "preload": csv,
            "log_level": str.strip,
            "allow_urls": flag,
            "url_hosts": csv,
            "url_timeout": float,
            "url_max_bytes": int,
        }
        values = values_from_env(PREFIX, parsers, env)
        try:
            return cls(**values, jobs=JobsConfig.from_env(env))
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


#: Seconds of each rate-limit period.
RATE_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}


def parse_rate(text: str) -> tuple[int, float]:
    """``"60/minute"`` -> ``(60, 60.0)``: requests allowed per period of seconds.

    Raises:
        ValueError: for anything else.
    """
    count, sep, period = text.partition("/")
    try:
        allowed = int(count.strip())
    except ValueError:
        allowed = 0
    if not sep or allowed < 1 or period.strip() not in RATE_PERIODS:
        raise ValueError(f"rate_limit must look like 60/minute (per second, minute or hour), got {text!r}")
    return allowed, RATE_PERIODS[period.strip()]




def _at_least(name: str, value: int, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
