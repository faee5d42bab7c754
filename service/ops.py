"""Operational routes: ``/healthz``, ``/readyz``, ``/metrics``, ``/openapi.json`` and ``/docs``.

None of them needs an API key.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from . import digests_api, jobs_api
from .errors import error_response
from .openapi import build_openapi
from .state import current_state

bp = Blueprint("ops", __name__)

DOCS_TEMPLATE = Path(__file__).with_name("docs.html")


@bp.get("/healthz")
def healthz() -> Response:
    """The process is alive (says nothing about models)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """200 when this worker's models to preload are loaded (or known unavailable) and its worker
    processes are started, else 503."""
    state = current_state()
    ready, statuses = state.preloader.report()
    pool = state.runner.pool
    processes = pool is None or pool.ready()
    details = {"preload": statuses, "processes": "ready" if processes else "starting"}
    if ready and processes:
        return jsonify({"status": "ready", **details})
    return error_response(
        503, "not_ready", "models are still loading (or failed to load), or the worker processes are starting",
        details,
    )


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
    return Response(html, content_type="text/html; charset=utf-8")


def _spec() -> dict[str, Any]:
    state = current_state()
    cached = current_app.extensions.get("summarize_openapi")
    if cached is None:
        cached = build_openapi(state.schemas, state.config)
        jobs_api.extend_openapi(cached, protected=bool(state.config.api_keys))
        digests_api.extend_openapi(cached, protected=bool(state.config.api_keys))
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
