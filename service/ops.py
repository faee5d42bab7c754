"""Operational routes: ``/healthz``, ``/readyz``, ``/metrics``, ``/openapi.json`` and ``/docs``.

None of them needs an API key.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify

from . import digests_api, jobs_api
from .errors import ApiError
from .jobs_workers import read_status
from .openapi import build_openapi, finish_openapi
from .state import current_state

bp = Blueprint("ops", __name__)

DOCS_TEMPLATE = Path(__file__).with_name("docs.html")
#: /docs is static HTML with one inline <style> and no script: nothing else may load or frame it.
DOCS_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


#: Key in ``app.extensions`` of the job worker supervisor's status file (under gunicorn).
JOB_WORKERS_STATUS = "summarize_job_workers_status"


def watch_job_workers(app: Flask, status_path: str) -> None:
    """Make ``/readyz`` of ``app`` report the job workers of the supervisor writing
    ``status_path`` (service/gunicorn.conf.py calls this in each web worker)."""
    app.extensions[JOB_WORKERS_STATUS] = status_path


@bp.get("/healthz")
def healthz() -> Response:
    """The process is alive (says nothing about models)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """200 when this worker's models to preload are loaded (or known unavailable), its worker
    processes are started, the job workers are alive (under gunicorn) and the job store answers
    (when it was opened), else 503 naming what is wrong."""
    state = current_state()
    ready, statuses = state.preloader.report()
    pool = state.runner.pool
    processes = pool is None or pool.ready()
    details: dict[str, Any] = {"preload": statuses, "processes": "ready" if processes else "starting"}
    workers = read_status(current_app.extensions.get(JOB_WORKERS_STATUS))
    if workers is not None:
        details["job_workers"] = workers
    store = jobs_api.store_health()
    if store is not None:
        details["job_store"] = store
    problems = [] if ready and processes else ["models are still loading (or failed to load), or the worker "
                                               "processes are starting"]
    if workers is not None and not workers["ok"]:
        problems.append(workers["reason"])
    if store is not None and not store["ok"]:
        problems.append(f"the job store is unavailable ({store['reason']})")
    if not problems:
        return jsonify({"status": "ready", **details})
    raise ApiError("not_ready", "; ".join(problems), details=details)


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text exposition."""
    body, content_type = current_state().metrics.exposition()
    return Response(body, content_type=content_type)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document, generated from the schemas that validate requests."""
    return jsonify(_spec())


@bp.get("/docs")
def docs() -> Response:
    """A readable page listing the endpoints and schemas of the OpenAPI document."""
    template = current_app.jinja_env.from_string(_template_text())
    html = template.render(spec=_spec(), ref_name=_ref_name, type_of=_type_of, bounds=_bounds)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers.update(DOCS_SECURITY_HEADERS)
    return response


def _spec() -> dict[str, Any]:
    state = current_state()
    cached = current_app.extensions.get("summarize_openapi")
    if cached is None:
        cached = build_openapi(state.schemas, state.config)
        jobs_api.extend_openapi(cached, protected=bool(state.config.api_keys))
        digests_api.extend_openapi(cached, protected=bool(state.config.api_keys))
        cached = finish_openapi(cached)
        current_app.extensions["summarize_openapi"] = cached
    return cached


@cache
def _template_text() -> str:
    return DOCS_TEMPLATE.read_text(encoding="utf-8")


def _ref_name(schema: dict[str, Any]) -> str:
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1]


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return _ref_name(schema)
    if "anyOf" in schema:
        return " | ".join(_type_of(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    return str(schema.get("type", "any"))


def _bounds(schema: dict[str, Any]) -> str:
    names = {
        "minimum": ">=",
        "exclusiveMinimum": ">",
        "maximum": "<=",
        "minLength": "min length",
        "minItems": "min items",
        "maxItems": "max items",
        "default": "default",
    }
    parts = [f"{label} {schema[key]!r}" for key, label in names.items() if key in schema]
    return f"[{', '.join(parts)}]" if parts else ""
