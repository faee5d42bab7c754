"""Version 1 of the API: ``/v1/summarize``, ``/v1/summarize/batch``, ``/v1/methods``.

Each view parses the JSON body, checks its shape with the app's schemas, prepares the request
with the library once (:meth:`summarizers.Registry.prepare`: method, length, language, options,
availability) in the request thread, then hands the prepared request to the worker's
:class:`~service.runner.Runner` (bounded concurrency, time limit), which computes the summary.
Errors are raised and turned into the JSON envelope by :mod:`service.errors`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request

from summarizers import Request, SummarizerError, Summary, summarize_batch_prepared, summarize_prepared

from .errors import ApiError, ServiceBusy, status_for
from .offsets import utf16_result
from .schemas import SummarizeSettings
from .state import ServiceState, current_state

log = logging.getLogger(__name__)

bp = Blueprint("v1", __name__)

T = TypeVar("T")


@bp.post("/summarize")
def summarize_view() -> Response:
    """Summarize one document (see ``SummarizeRequest`` in the OpenAPI document)."""
    state, started = current_state(), time.perf_counter()
    body = state.schemas.summarize.model_validate(json_body())
    prepared = _prepare(state, body)

    def work() -> Summary:
        return summarize_prepared(prepared, body.text, html=body.html)

    result = _run(state, work, prepared, timeout=state.config.request_timeout)
    state.metrics.summaries.labels(method=body.method, outcome="ok").inc()
    data = _render(result, body.offsets, text=body.text)
    data["elapsed_seconds"] = round(time.perf_counter() - started, 6)
    return jsonify(data)


@bp.post("/summarize/batch")
def summarize_batch_view() -> Response:
    """Summarize many documents with shared settings; a bad document fails alone."""
    state, started = current_state(), time.perf_counter()
    body = state.schemas.batch.model_validate(json_body())
    documents = [d.to_library() for d in body.documents]
    prepared = _prepare(state, body)

    def work() -> list[Summary | SummarizerError]:
        return summarize_batch_prepared(prepared, documents)

    outcomes = _run(state, work, prepared, timeout=state.config.batch_timeout)
    results: list[dict[str, Any]] = []
    for position, (document, outcome) in enumerate(zip(body.documents, outcomes, strict=True)):
        doc_id = document.id if document.id is not None else position
        if isinstance(outcome, SummarizerError):
            status = status_for(outcome)
            if status >= 500:
                log.warning("batch document %r failed: %s", doc_id, outcome.message)
            state.metrics.summaries.labels(method=body.method, outcome=outcome.code).inc()
            results.append({"id": doc_id, "status": status, "error": outcome.to_dict()})
        else:
            state.metrics.summaries.labels(method=body.method, outcome="ok").inc()
            results.append(
                {"id": doc_id, **_render(outcome, body.offsets, text=document.text)}
            )
    failed = sum(1 for r in results if "error" in r)
    return jsonify(
        {
            "results": results,
            "count": len(results),
            "failed": failed,
            "elapsed_seconds": round(time.perf_counter() - started, 6),
        }
    )


@bp.get("/methods")
def list_methods() -> Response:
    """Every method (kind, description, options with bounds, availability) and the configured models."""
    state = current_state()
    described = state.registry.describe()
    models: list[dict[str, Any]] = []
    for entry in described:
        found = state.registry.get(entry["name"]).models()
        if found:
            entry["models"] = found
            models.extend({"method": entry["name"], **m} for m in found)
        preload = state.preloader.state(entry["name"])
        if preload is not None:
            entry["preload"] = preload
    return jsonify({"methods": described, "models": models})


def json_body() -> Any:
    """The request's JSON body.

    Raises:
        ApiError: 415 when the body is not declared as JSON, 400 when it does not parse.
        RequestEntityTooLarge: (413) when the body is over ``SUMMARIZE_MAX_BODY_BYTES``.
    """
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the request body as JSON, with Content-Type: application/json",
            details={"content_type": request.content_type},
        )
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ApiError(400, "malformed_json", f"the request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "malformed_json", "the request body is nested too deeply") from None
    where = lone_surrogate(data)
    if where is not None:
        raise ApiError(
            422,
            "validation_error",
            f"invalid request: {where}: a \\u escape encodes half a UTF-16 surrogate pair, "
            "which is not a character",
            details={"field": where},
        )
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(data: Any) -> str | None:
    """The path of the first string (or key) in parsed JSON holding a lone surrogate, else ``None``.

    JSON's ``\\uD800``-style escapes can encode half a surrogate pair; such a string is not
    Unicode text, cannot be written back as UTF-8, and is refused up front. (Iterative: parsed
    JSON may be nested nearly as deep as the recursion limit.)
    """
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return where or "body"
        elif isinstance(value, dict):
            if any(_SURROGATE.search(key) for key in value):
                return where or "body"
            stack.extend((f"{where}.{k}" if where else k, v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(
                (f"{where}.{i}" if where else str(i), v) for i, v in reversed(list(enumerate(value)))
            )
    return None


def _prepare(state: ServiceState, body: SummarizeSettings) -> Request:
    """The request prepared by the library (validated once, here in the request thread).

    Raises:
        SummarizerError: for a bad request or an unavailable method.
        ApiError: 503 while the method's models are still being preloaded.
    """
    prepared = body.prepare(state.registry)
    if state.preloader.state(body.method) in ("pending", "loading"):
        raise ApiError(
            503,
            "loading",
            f"the models of {body.method!r} are still loading; retry shortly",
            details={"field": "method"},
        )
    return prepared


def _run(state: ServiceState, work: Callable[[], T], prepared: Request, *, timeout: float) -> T:
    """``work()`` in the worker's runner, counting refusals and failures.

    Raises:
        ServiceBusy: (503) no free slot; SummaryTimeout: (504) over ``timeout``; SummarizerError.
    """
    kind = prepared.method.kind
    try:
        return state.runner.run(work, kind=kind, timeout=timeout)
    except ServiceBusy:
        state.metrics.rejected.labels(kind=kind).inc()
        raise
    except SummarizerError as exc:
        state.metrics.summaries.labels(method=prepared.method_name, outcome=exc.code).inc()
        raise


def _render(result: Summary, offsets: str, *, text: str | None) -> dict[str, Any]:
    """The JSON of one result, its offsets in the requested unit."""
    data = result.to_dict()
    if offsets == "utf16":
        # HTML results carry the extracted text their offsets refer to.
        document_text = result.extracted_text if result.extracted_text is not None else text
        data = utf16_result(data, document_text or "")
    data["offsets"] = offsets
    return data
