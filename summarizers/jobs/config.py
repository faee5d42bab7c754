"""Settings of the jobs machinery, read from ``SUMMARIZE_JOBS_*`` environment variables.

=======================================  ======================  ==============================================
variable                                 default                 meaning
=======================================  ======================  ==============================================
``SUMMARIZE_JOBS_DB``                    ``./summarize-jobs.db``  the SQLite file (embedded mode)
``SUMMARIZE_JOBS_REDIS_URL``             (none)                  ``redis://host:6379/0``: distributed mode
``SUMMARIZE_JOBS_TTL``                   604800 (7 days)         seconds a job and its results are kept
``SUMMARIZE_JOBS_LEASE``                 30                      seconds a worker holds a chunk without a
                                                                 heartbeat before another may redo it
``SUMMARIZE_JOBS_CHUNK``                 16                      documents per chunk (unit of work and of
                                                                 model batching)
``SUMMARIZE_JOBS_MAX_DOCUMENTS``         10000                   most documents in one job (422 beyond)
``SUMMARIZE_JOBS_MAX_BODY_BYTES``        67108864                largest ``POST /v1/jobs`` body (413 beyond)
``SUMMARIZE_JOBS_WORKERS``               1                       embedded job workers beside gunicorn's (0: none)
``SUMMARIZE_JOBS_WEBHOOK_ALLOW``         (none)                  comma-separated URL prefixes a webhook may use
``SUMMARIZE_JOBS_WEBHOOK_SECRET``        (none)                  HMAC-SHA256 key signing webhook bodies
``SUMMARIZE_JOBS_WEBHOOK_ALLOW_PRIVATE`` 0                       1: webhooks may reach loopback/private hosts
``SUMMARIZE_JOBS_DOCUMENT_TIMEOUT``      60                      seconds one document may take (then it is an
                                                                 error entry and its process is killed)
``SUMMARIZE_JOBS_DOCUMENT_MEMORY_MB``    2048                    address space of the process summarizing a
                                                                 document (0: no limit)
``SUMMARIZE_JOBS_ISOLATION``            process                 ``process``: each extractive document in a
                                                                 killable child; ``inline``: in the worker,
                                                                 cooperative deadline only
``SUMMARIZE_JOBS_MAX_DOCUMENT_BYTES``    1048576                 largest document (UTF-8 bytes; an error entry
                                                                 beyond, the others are summarized)
``SUMMARIZE_JOBS_STORE_TIMEOUT``         5                       seconds to wait for a lock on the SQLite file
                                                                 (then 503 ``store_unavailable``)
``SUMMARIZE_JOBS_MAX_OPEN_JOBS``         20                      unfinished jobs per key (429 beyond)
``SUMMARIZE_JOBS_MAX_STORED_BYTES``      268435456               input bytes kept per key, over its jobs not
                                                                 yet expired (429 beyond)
=======================================  ======================  ==============================================
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..settings import csv, flag, values_from_env

PREFIX = "SUMMARIZE_JOBS_"


@dataclass(frozen=True)
class JobsConfig:
    """The jobs settings (see the module docstring for the variables).

    Raises:
        ValueError: a value out of range (the message names the setting).
    """

    db: str = "summarize-jobs.db"
    redis_url: str | None = None
    ttl: float = 7 * 24 * 3600.0
    lease: float = 30.0
    chunk: int = 16
    max_documents: int = 10_000
    max_body_bytes: int = 64 * 1024 * 1024
    workers: int = 1
    webhook_allow: tuple[str, ...] = ()
    webhook_secret: str | None = None
    webhook_allow_private: bool = False
    document_timeout: float = 60.0
    document_memory_mb: int = 2048
    isolation: str = "process"
    max_document_bytes: int = 1024 * 1024
    max_open_jobs: int = 20
    store_timeout: float = 5.0
    max_stored_bytes: int = 256 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.isolation not in ("process", "inline"):
            raise ValueError(f"jobs isolation must be 'process' or 'inline', got {self.isolation!r}")
        for name in ("ttl", "lease", "document_timeout", "store_timeout"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"jobs {name} must be a positive number of seconds, got {value!r}")
        for name, low in (("chunk", 1), ("max_documents", 1), ("max_body_bytes", 1), ("workers", 0),
                          ("document_memory_mb", 0), ("max_document_bytes", 1), ("max_open_jobs", 1),
                          ("max_stored_bytes", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"jobs {name} must be a whole number >= {low}, got {value!r}")

    @property
    def distributed(self) -> bool:
        """Whether jobs live in Redis (workers on any host) rather than in the SQLite file."""
        return bool(self.redis_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> JobsConfig:
        """The settings from ``SUMMARIZE_JOBS_*`` variables.

        Raises:
            ValueError: naming the variable, for a value that is not valid.
        """
        env = os.environ if environ is None else environ
        parsers: dict[str, Callable[[str], Any]] = {
            "db": str, "redis_url": lambda v: v.strip() or None, "ttl": float, "lease": float, "chunk": int,
            "max_documents": int, "max_body_bytes": int, "workers": int,
            "webhook_allow": csv,
            "webhook_secret": lambda v: v or None, "webhook_allow_private": flag,
            "document_timeout": float, "document_memory_mb": int, "isolation": lambda v: v.strip().lower(),
            "max_document_bytes": int,
            "max_open_jobs": int, "max_stored_bytes": int, "store_timeout": float,
        }
        values = values_from_env(PREFIX, parsers, env)
        try:
            return cls(**values)
        except ValueError as exc:
            raise ValueError(f"invalid {PREFIX}* setting: {exc}") from None

