"""What one app holds: configuration, registry, schemas, runner, metrics, preloader, keys, CORS,
rate limiter."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from summarizers import Registry

from .config import ServiceConfig
from .metrics import Metrics
from .preload import Preloader
from .ratelimit import RateLimiter
from .runner import Runner
from .schemas import Schemas
from .security import ApiKeys, Cors

#: Key of the state in ``app.extensions``.
EXTENSION = "summarize"


@dataclass(frozen=True)
class ServiceState:
    """The shared objects of one app (one per gunicorn worker), in ``app.extensions["summarize"]``."""

    config: ServiceConfig
    registry: Registry
    schemas: Schemas
    runner: Runner
    metrics: Metrics
    preloader: Preloader
    keys: ApiKeys
    cors: Cors
    limiter: RateLimiter | None = None


def current_state() -> ServiceState:
    """The state of the app handling the current request."""
    return current_app.extensions[EXTENSION]
