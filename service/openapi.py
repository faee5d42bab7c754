"""The OpenAPI 3.1 document, generated from the app's pydantic schemas (never written by hand).

OpenAPI 3.1 uses JSON Schema 2020-12, which is what pydantic generates, so the models'
``model_json_schema`` output goes into ``components/schemas`` as it is.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import summarizers

from .config import ServiceConfig
from .markdown import descriptions_to_markdown
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
    409: "an Idempotency-Key reused with another request body, or a digest asked for before it has ended",
    413: "body over the size limit",
    415: "body not declared as JSON",
    422: "invalid request; details.field names the field at fault",
    429: "over the rate limit, or the key over its jobs quotas; see Retry-After",
    500: "internal error (no stack trace; quote the X-Request-ID)",
    503: "method unavailable, models still loading, server busy, or the job store failing; see Retry-After",
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


#: A request example per operation, by path and method (others are built from their schema).
REQUEST_EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("/v1/summarize", "post"): {
        "text": "The city council approved the new budget on Monday. It cuts spending by a fifth. "
                "Residents welcomed the plan, which takes effect in January.",
        "method": "newsrank", "length": {"sentences": 2}, "language": "english",
    },
    ("/v1/summarize/batch", "post"): {
        "method": "lead", "length": {"sentences": 1},
        "documents": [{"id": "a1", "text": "The council approved the budget. It cuts spending by a fifth."},
                      {"id": "a2", "text": "The club signed a new striker. He joins on Friday."}],
    },
    ("/v1/jobs", "post"): {
        "method": "newsrank", "length": {"sentences": 3},
        "documents": [{"id": "a1", "text": "The council approved the budget. It cuts spending by a fifth."}],
    },
}


def finish_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """The served document: every description in Markdown, and a request example for every
    operation (the body's ``example`` and an ``x-codeSamples`` curl command). Operations
    added by other modules are covered too: their example is built from their schema."""
    descriptions_to_markdown(document)
    components = document.get("components", {}).get("schemas", {})
    for path, item in document.get("paths", {}).items():
        for verb, operation in item.items():
            if not isinstance(operation, dict):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            example = None
            if body is not None:
                example = body.get("example")
                if example is None:
                    example = REQUEST_EXAMPLES.get((path, verb)) or _example(body.get("schema", {}), components)
                    body["example"] = example
            operation.setdefault("x-codeSamples", [{"lang": "curl", "label": "curl",
                                                    "source": _curl(verb, path, example)}])
    return document


def _curl(verb: str, path: str, example: Any) -> str:
    path = re.sub(r"\{[^}]+\}", "JOB_ID", path)
    command = f"curl -s -X {verb.upper()} http://localhost:8000{path}"
    if example is not None:
        command += f" -H 'Content-Type: application/json' -d '{json.dumps(example)}'"
    return command


def _example(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """A small value that ``schema`` accepts: its example or default, else one built from its
    required properties (an article sentence for a text field)."""
    if depth > 6:
        return None
    if "$ref" in schema:
        return _example(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components, depth + 1)
    for key in ("example", "default"):
        if schema.get(key) is not None:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _example(options[0], components, depth + 1) if options else None
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(properties[name], components, depth + 1)
                for name in schema.get("required", []) if name in properties}
    if kind == "array":
        return [_example(schema.get("items", {}), components, depth + 1)]
    if kind == "string":
        return "The city council approved the new budget on Monday. It cuts spending by a fifth."
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return None
