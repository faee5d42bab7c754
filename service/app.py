"""The application factory: ``create_app(config=None, *, registry=None)``.

Gunicorn calls ``summarizers_service.app:create_app()`` in each worker after forking, so each worker builds
its own registry, worker processes (started on first use), metrics and model preloader.
"""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request

import summarizers
from summarizers import Method, Registry

from . import api_v1, digests_api, jobs_api, ops, playground
from .compat import azure as compat_azure
from .compat import hf as compat_hf
from .config import ServiceConfig, config_with_overrides, load_service_config, parse_rate
from .errors import ApiError, register_error_handlers
from .logging import clean_request_id, configure_logging, request_id_var
from .metrics import Metrics, metric_method
from .preload import Preloader
from .processes import RequestChildren
from .ratelimit import RateLimiter
from .runner import Runner
from .schemas import bind_schemas
from .security import PROTECTED_PREFIX, ApiKeys, Cors
from .state import EXTENSION, ServiceState, current_state
from .tasks import GivenRegistry

log = logging.getLogger("summarizers_service.access")

REQUEST_ID_HEADER = "X-Request-ID"


def create_app(
    config: ServiceConfig | Mapping[str, Any] | None = None, *, registry: Registry | None = None
) -> Flask:
    """Build the Flask app.

    Args:
        config: a :class:`ServiceConfig`; a mapping of settings over the defaults (for tests);
            or ``None`` to read ``SUMMARIZE_*`` environment variables.
        registry: the methods to serve; a new default registry (built-ins and plugins) if ``None``.

    Raises:
        ValueError: for an invalid configuration (the message names the setting).
    """
    if config is None:
        cfg = load_service_config()
    elif isinstance(config, ServiceConfig):
        cfg = config
    else:  # the jobs, drop-in and model settings still come from SUMMARIZE_* unless given
        cfg = config_with_overrides(config)
    configure_logging(cfg.log_level)
    registry = registry if registry is not None else summarizers.default_registry(config=cfg.library())

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    metrics = Metrics()
    state = ServiceState(
        config=cfg,
        registry=registry,
        schemas=bind_schemas(registry, cfg.max_batch),
        runner=build_runner(cfg, registry),
        metrics=metrics,
        preloader=Preloader(registry, cfg.preload, metrics),
        keys=ApiKeys(cfg.api_keys),
        cors=Cors(cfg.cors_origins),
        limiter=RateLimiter(*parse_rate(cfg.rate_limit)) if cfg.rate_limit else None,
    )
    app.extensions[EXTENSION] = state

    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
    register_error_handlers(app)
    app.register_blueprint(api_v1.bp, url_prefix="/v1")
    app.register_blueprint(jobs_api.bp, url_prefix="/v1")
    jobs_api.init_app(app, cfg.jobs)
    app.register_blueprint(compat_azure.bp)  # Azure AI Language and Hugging Face drop-ins (docs/migration.md)
    app.register_blueprint(compat_hf.bp)
    compat_azure.init_app(app, cfg.compat)
    app.register_blueprint(digests_api.bp, url_prefix="/v1")  # digests: jobs of their own kind
    app.register_blueprint(ops.bp)
    app.register_blueprint(playground.bp)  # the page at / (its own strict CSP)

    state.preloader.start()
    logging.getLogger("summarizers_service").info(
        "service ready to accept requests",
        extra={
            "methods": registry.names(),
            "preload": list(cfg.preload),
            "isolation": cfg.isolation,
            "processes": cfg.processes,
            "isolated_methods": sorted(m for m in registry.names() if state.runner.isolates(m)),
            "api_keys": len(cfg.api_keys),
            "cors_origins": list(cfg.cors_origins),
        },
    )
    return app


def build_runner(cfg: ServiceConfig, registry: Registry) -> Runner:
    """The worker's runner: a process pool for the methods that can be sent to one (extractive
    methods that pickle), threads for the others (see :mod:`summarizers_service.runner`)."""
    shipped: list[Method] = []
    if cfg.isolation == "process":
        for method in registry:
            if method.kind == "abstractive":
                continue
            try:
                pickle.dumps(method)
            except Exception as exc:
                logging.getLogger("summarizers_service").warning(
                    "method %s cannot be sent to a worker process (%s); it runs in threads, "
                    "which cannot be stopped at the time limit", method.name, exc,
                )
                continue
            shipped.append(method)
    pool = None
    if shipped:
        pool = RequestChildren(
            cfg.processes,
            GivenRegistry(Registry(shipped)),
            memory_mb=cfg.child_memory_mb,
            recycle_rss_mb=cfg.child_recycle_mb,
            max_tasks=cfg.child_max_tasks,
        )
    return Runner(
        registry,
        pool=pool,
        isolated=frozenset(m.name for m in shipped),
        thread_limits={"abstractive": cfg.abstractive_concurrency},
        default_threads=cfg.processes,
        queue=cfg.queue,
        queue_wait=cfg.queue_wait,
    )


def _start_request() -> None:
    """Request id, timing and in-flight count; then the API key check (which may raise a 401)."""
    g.request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER))
    g.request_id_token = request_id_var.set(g.request_id)
    g.started = time.perf_counter()
    state = current_state()
    state.metrics.in_flight.inc()
    g.in_flight = True
    state.keys.check(request)
    if state.limiter is not None and request.path.startswith(PROTECTED_PREFIX) and request.method != "OPTIONS":
        try:
            state.limiter.check(request, keyed=state.keys.enabled)
        except ApiError:
            state.metrics.rejected.labels(kind="rate_limited").inc()
            raise


def _finish_request(response: Response) -> Response:
    """Echo the request id, add CORS headers, count and log the request."""
    state = current_state()
    request_id = g.get("request_id") or clean_request_id(None)
    response.headers[REQUEST_ID_HEADER] = request_id
    response.headers.setdefault("X-Content-Type-Options", "nosniff")  # no answer is sniffed as HTML
    state.cors.apply(request, response)
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    response.headers["Server-Timing"] = f"app;dur={elapsed * 1000:.1f}"
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    verb = metric_method(request.method)
    state.metrics.requests.labels(route=route, method=verb, status=str(response.status_code)).inc()
    state.metrics.latency.labels(route=route, method=verb).observe(elapsed)
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "route": route,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2),
            "remote_addr": request.remote_addr,
        },
    )
    return response


def _end_request(_exc: BaseException | None) -> None:
    """Undo what :func:`_start_request` set, whatever happened."""
    if g.pop("in_flight", False):
        current_state().metrics.in_flight.dec()
    token = g.pop("request_id_token", None)
    if token is not None:
        request_id_var.reset(token)
