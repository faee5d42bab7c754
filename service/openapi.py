"""The OpenAPI 3.1 document, generated from the app's pydantic schemas (never written by hand).

OpenAPI 3.1 uses JSON Schema 2020-12, which is what pydantic generates, so the models'
``model_json_schema`` output goes into ``components/schemas`` as it is.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import summarizers

from .config import ServiceConfig
from .schemas import (
    RESPONSE_MODELS,
    ApiJsonSchema,
    BatchOut,
    ErrorEnvelope,
    HealthOut,
    MethodsOut,
    ReadyOut,
    Schemas,
    SummaryOut,
)

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"

_ERROR_TEXT = {
    400: "malformed JSON",
    401: "missing or invalid API key",
    404: "no such path",
    405: "method not allowed",
    409: "an Idempotency-Key reused with another request body",
    413: "body over the size limit",
    415: "body not declared as JSON",
    422: "invalid request; details.field names the field at fault",
    500: "internal error (no stack trace; quote the X-Request-ID)",
    503: "method unavailable, models still loading, or server busy; see Retry-After",
    504: "the summary exceeded its time limit",
}


def build_openapi(schemas: Schemas, config: ServiceConfig) -> dict[str, Any]:
    """The OpenAPI document of an app with these request ``schemas`` and ``config``."""
    models: list[tuple[type[BaseModel], str]] = [
        (schemas.summarize, "validation"),
        (schemas.batch, "validation"),
    ]
    models += [(m, "serialization") for m in RESPONSE_MODELS]
    refs, defs = models_json_schema(
        models,
        ref_template="#/components/schemas/{model}",
        schema_generator=ApiJsonSchema,  # type: ignore[arg-type]
    )

    def ref(model: type[BaseModel], mode: str = "serialization") -> dict[str, Any]:
        return refs[(model, mode)]  # type: ignore[index]

    protected = bool(config.api_keys)
    v1_errors = [400, 401, 413, 415, 422, 500, 503, 504] if protected else [400, 413, 415, 422, 500, 503, 504]

    def post(summary: str, request_model: type[BaseModel], response_model: type[BaseModel]) -> dict[str, Any]:
        return _operation(
            summary,
            ref(response_model),
            v1_errors,
            protected=protected,
            body={
                "required": True,
                "content": {"application/json": {"schema": ref(request_model, "validation")}},
            },
        )

    paths = {
        "/v1/summarize": {"post": post("Summarize one document", schemas.summarize, SummaryOut)},
        "/v1/summarize/batch": {
            "post": post(
                f"Summarize up to {config.max_batch} documents with shared settings", schemas.batch, BatchOut
            )
        },
        "/v1/methods": {
            "get": _operation(
                "List the methods and the configured models",
                ref(MethodsOut),
                [401] if protected else [],
                protected=protected,
            )
        },
        "/healthz": {"get": _operation("The process is alive", ref(HealthOut), [])},
        "/readyz": {
            "get": _operation("The worker is ready: the models to preload are loaded", ref(ReadyOut), [503])
        },
        "/metrics": {
            "get": _operation("Prometheus metrics", {"type": "string"}, [], media_type="text/plain")
        },
        "/openapi.json": {"get": _operation("This document", {"type": "object"}, [])},
        "/docs": {
            "get": _operation("This document, readable", {"type": "string"}, [], media_type="text/html")
        },
    }
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "summarize",
            "version": API_VERSION,
            "description": "Extractive and abstractive summaries of news articles "
            f"(summarizers {summarizers.__version__}). Every error answer is "
            '{"error": {"code", "message", "details"}}; every answer carries X-Request-ID.',
        },
        "paths": paths,
        "components": {"schemas": defs["$defs"]},
    }
    if protected:
        document["components"]["securitySchemes"] = {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "an API key from SUMMARIZE_API_KEYS",
            }
        }
    return document


def _operation(
    summary: str,
    ok_schema: dict[str, Any],
    errors: list[int],
    *,
    protected: bool = False,
    body: dict[str, Any] | None = None,
    media_type: str = "application/json",
) -> dict[str, Any]:
    error_ref = {"$ref": f"#/components/schemas/{ErrorEnvelope.__name__}"}
    request_id = {
        "X-Request-ID": {
            "description": "the request's id (the client's, cleaned, or a new one)",
            "schema": {"type": "string"},
        }
    }
    responses: dict[str, Any] = {
        "200": {"description": "OK", "headers": request_id, "content": {media_type: {"schema": ok_schema}}},
    }
    for status in errors:
        entry: dict[str, Any] = {
            "description": _ERROR_TEXT[status],
            "headers": dict(request_id),
            "content": {"application/json": {"schema": error_ref}},
        }
        if status == 503:
            entry["headers"]["Retry-After"] = {
                "description": "seconds to wait",
                "schema": {"type": "integer"},
            }
        responses[str(status)] = entry
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [
            {
                "name": "X-Request-ID",
                "in": "header",
                "required": False,
                "description": "an id to trace the request by (letters, digits, ._:/+=@-; 128 at most)",
                "schema": {"type": "string"},
            }
        ],
        "responses": responses,
    }
    if body is not None:
        operation["requestBody"] = body
    if protected:
        operation["security"] = [{"bearerAuth": []}]
    return operation
