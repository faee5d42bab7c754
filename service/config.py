"""The service's configuration: one frozen dataclass, read from ``SUMMARIZE_*`` environment variables.

Every setting has a default that suits a small CPU machine; :func:`load_service_config` reads
the variables once, at start (through the readers of :mod:`summarizers.config`, the one
module that reads ``SUMMARIZE_*`` variables), and refuses a bad value with one line naming the
variable, its value and what is allowed.

The variables, their defaults and meanings are the table of docs/service.md ("Configuration");
:data:`summarizers.config.SERVICE` lists those of :class:`ServiceConfig`.

The jobs API reads ``SUMMARIZE_JOBS_*`` (:class:`summarizers.config.JobsConfig`, docs/jobs.md).

``SUMMARIZE_WORKERS``, ``SUMMARIZE_GRACEFUL_TIMEOUT``, ``SUMMARIZE_THREADS`` and
``SUMMARIZE_JOBS_SUPERVISOR_STATUS`` are gunicorn's (:class:`ServerConfig`, used by
``service/gunicorn.conf.py``); the abstractive models are configured by their own variables
(``SUMMARIZE_ABSTRACTIVE_MODEL``, ``SUMMARIZE_MODELS``...), see docs/abstractive.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from summarizers.checks import InvalidSetting, at_least, check_fields, one_of, seconds, whole
from summarizers.config import (
    COMPAT,
    SERVER,
    SERVICE,
    ConfigError,
    JobsConfig,
    build,
    default_workers,
    read,
    read_abstractive,
    read_fetch_policy,
    read_jobs,
    read_sentence_limits,
    values,
)
from summarizers.config import Config as LibraryConfig
from summarizers.fetch import FetchPolicy
from summarizers.methods.abstractive.config import AbstractiveConfig

from .compat.config import CompatConfig

__all__ = ["ConfigError", "ServerConfig", "ServiceConfig", "config_with_overrides", "load_service_config", "parse_rate",
           "read_server"]

#: Log levels a service accepts.
LOG_LEVELS = ("NOTSET", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL")


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of one service process (see the module docstring for the variables)."""

    max_body_bytes: int = whole(1024 * 1024, low=1)
    max_batch: int = whole(100, low=1)
    request_timeout: float = seconds(60.0)
    batch_timeout: float = seconds(300.0)
    processes: int = whole(2, low=1)
    isolation: str = "process"
    child_memory_mb: int = whole(2048, low=0)
    child_recycle_mb: int = whole(512, low=0)
    child_max_tasks: int = whole(1000, low=0)
    abstractive_concurrency: int = whole(1, low=1)
    abstractive_max_characters: int = whole(100_000, low=1)
    queue: int = whole(8, low=0)
    queue_wait: float = seconds(0.5, zero=True)
    rate_limit: str = ""
    retry_after: int = whole(5, low=0)
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    preload: tuple[str, ...] = ("abstractive",)
    log_level: str = "INFO"
    #: The asynchronous jobs (``SUMMARIZE_JOBS_*``, see :class:`summarizers.config.JobsConfig`).
    jobs: JobsConfig = field(default_factory=JobsConfig)
    #: The drop-in APIs (``SUMMARIZE_COMPAT_*``).
    compat: CompatConfig = field(default_factory=CompatConfig)
    #: The abstractive method of the registry the service builds (docs/abstractive.md).
    abstractive: AbstractiveConfig = field(default_factory=AbstractiveConfig)
    #: Per-method sentence limits of that registry (``SUMMARIZE_SENTENCE_LIMITS``).
    sentence_limits: Mapping[str, int] = field(default_factory=dict)
    allow_urls: bool = False
    url_hosts: tuple[str, ...] = ()
    url_timeout: float = 10.0
    url_max_bytes: int = 5 * 1024 * 1024
    #: Networks otherwise refused that pages may be fetched from (``SUMMARIZE_URL_ALLOW_NETWORKS``;
    #: tests: ``127.0.0.1/32``).
    url_allow_networks: tuple[str, ...] = ()

    def fetch_policy(self) -> FetchPolicy:
        """The policy under which ``url`` inputs are fetched."""
        return FetchPolicy(self.url_hosts, self.url_allow_networks, self.url_timeout, self.url_max_bytes)

    def library(self) -> LibraryConfig:
        """The library's configuration of the registry the service builds."""
        return LibraryConfig(fetch=self.fetch_policy(), abstractive=self.abstractive,
                             sentence_limits=self.sentence_limits)

    def __post_init__(self) -> None:
        check_fields(self)
        one_of("isolation", self.isolation, ("process", "thread"))
        if self.rate_limit:
            parse_rate(self.rate_limit)
        one_of("log_level", self.log_level.upper(), LOG_LEVELS)
        if self.allow_urls and not self.url_hosts:
            raise InvalidSetting("allow_urls", self.allow_urls,
                                 "SUMMARIZE_URL_HOSTS too (the hosts that may be fetched)")
        self.fetch_policy()  # raises for bad limits or networks
        if any(not key for key in self.api_keys):
            raise InvalidSetting("api_keys", self.api_keys, "keys that are not empty")

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


@dataclass(frozen=True)
class ServerConfig:
    """gunicorn's settings of the service (service/gunicorn.conf.py).

    Attributes:
        workers: web worker processes (``SUMMARIZE_WORKERS``; default one per core, up to 4).
        threads: threads per worker (``SUMMARIZE_THREADS``; ``None``: processes + queue + 4).
        graceful_timeout: seconds running requests get on SIGTERM (``SUMMARIZE_GRACEFUL_TIMEOUT``).
        supervisor_status: the job worker supervisor's status file
            (``SUMMARIZE_JOBS_SUPERVISOR_STATUS``; ``None``: a temporary file of the master's).
        cores: the cores of this machine (not a variable).
    """

    workers: int = whole(1, low=1)
    threads: int | None = None
    graceful_timeout: int = whole(30, low=0)
    supervisor_status: str | None = None
    cores: int = 1

    def __post_init__(self) -> None:
        check_fields(self)
        if self.threads is not None:
            at_least("threads", self.threads, 1)

    @property
    def share(self) -> int:
        """Each worker's share of the cores: the default of ``SUMMARIZE_PROCESSES`` and of
        ``SUMMARIZE_TORCH_THREADS`` in the service."""
        return max(1, self.cores // self.workers)


def read_server(environ: Mapping[str, str] | None = None, *, cores: int | None = None) -> ServerConfig:
    """gunicorn's settings from the ``SUMMARIZE_*`` variables of :data:`summarizers.config.SERVER`.

    Raises:
        ConfigError: naming the variable, for a value that is not valid.
    """
    cores = cores or os.cpu_count() or 1
    return read(ServerConfig, SERVER, environ, workers=default_workers(cores), cores=cores)


def load_service_config(environ: Mapping[str, str] | None = None, *, cores: int | None = None) -> ServiceConfig:
    """The service's whole configuration from the ``SUMMARIZE_*`` variables of ``environ``
    (``os.environ`` by default), read once, at start: the HTTP settings, the jobs, the drop-in
    APIs, the URL policy, and the registry's abstractive models and sentence limits.

    ``SUMMARIZE_PROCESSES`` and ``SUMMARIZE_TORCH_THREADS`` default to each gunicorn worker's
    share of the cores (:attr:`ServerConfig.share`), however the service is started.

    Raises:
        ConfigError: naming the variable, its value and what is allowed.
    """
    share = read_server(environ, cores=cores).share
    policy = read_fetch_policy(environ)
    given: dict[str, Any] = {
        "processes": share, **_components(environ, torch_threads=share),
        "url_hosts": policy.allowed_hosts, "url_allow_networks": policy.allowed_networks,
        "url_timeout": policy.timeout, "url_max_bytes": policy.max_bytes,
    }
    return build(ServiceConfig, values(SERVICE, environ), **given)


def config_with_overrides(overrides: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> ServiceConfig:
    """The HTTP settings' defaults with ``overrides`` (for tests: ``create_app({...})``), the
    jobs, the drop-in APIs, the abstractive models and the sentence limits read from the
    ``SUMMARIZE_*`` variables unless ``overrides`` names them.

    Raises:
        ConfigError: for a bad variable. ValueError: for an unknown or bad override.
    """
    return ServiceConfig(**_components(environ)).with_overrides(overrides)


def _components(environ: Mapping[str, str] | None, *, torch_threads: int | None = None) -> dict[str, Any]:
    return {"jobs": read_jobs(environ), "compat": read(CompatConfig, COMPAT, environ),
            "abstractive": read_abstractive(environ, torch_threads=torch_threads),
            "sentence_limits": read_sentence_limits(environ)}


#: Seconds of each rate-limit period.
RATE_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}


def parse_rate(text: str) -> tuple[int, float]:
    """``"60/minute"`` -> ``(60, 60.0)``: requests allowed per period of seconds.

    Raises:
        InvalidSetting: for anything else.
    """
    count, sep, period = text.partition("/")
    try:
        allowed = int(count.strip())
    except ValueError:
        allowed = 0
    if not sep or allowed < 1 or period.strip() not in RATE_PERIODS:
        raise InvalidSetting("rate_limit", text, "N/second, N/minute or N/hour (like 60/minute)")
    return allowed, RATE_PERIODS[period.strip()]
