"""Version 1 of the API: ``/v1/summarize``, ``/v1/summarize/batch``, ``/v1/methods``.

Each view parses the JSON body, validates it with the app's schemas, validates the request with
the library (:func:`summarizers.build_request`: method, length, language, options,
availability) in the request thread, then computes the summary in the worker's
:class:`~service.runner.Runner` (bounded concurrency, time limit). Errors are raised and turned
into the JSON envelope by :mod:`service.errors`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request

from summarizers import SummarizerError, Summary, build_request, summarize, summarize_batch
from summarizers.errors import UrlNotAllowed
from summarizers.fetch import check_url

from .errors import ApiError, ServiceBusy, status_for
from .offsets import utf16_result
from .preload import configured_models
from .schemas import SummarizeSettings
from .state import ServiceState, current_state

log = logging.getLogger(__name__)

bp = Blueprint("v1", __name__)

T = TypeVar("T")


@bp.post("/summarize")
def summarize_one() -> Response:
    """Summarize one document (see ``SummarizeRequest`` in the OpenAPI document)."""
    state = current_state()
    started = time.perf_counter()
    body = state.schemas.summarize.model_validate(json_body())
    kind = _check_method(state, body)
    _check_url(state, body.url, "url")

    def work() -> Summary:
        return summarize(
            text=body.text,
            html=body.html,
            url=body.url,
            method=body.method,
            length=body.length_mapping(),
            language=body.language,
            options=body.options,
            registry=state.registry,
            fetch_policy=state.config.fetch_policy(),
        )

    result = _run(state, work, kind=kind, timeout=state.config.request_timeout, method=body.method)
    state.metrics.summaries.labels(method=body.method, outcome="ok").inc()
    data = _render(result, body.offsets, text=body.text)
    data["elapsed_seconds"] = round(time.perf_counter() - started, 6)
    return jsonify(data)


@bp.post("/summarize/batch")
def summarize_many() -> Response:
    """Summarize many documents with shared settings; a bad document fails alone."""
    state = current_state()
    started = time.perf_counter()
    body = state.schemas.batch.model_validate(json_body())
    kind = _check_method(state, body)
    for position, document in enumerate(body.documents):
        _check_url(state, document.url, f"documents.{position}.url")
    documents = [d.to_library() for d in body.documents]

    def work() -> list[Summary | SummarizerError]:
        return summarize_batch(
            documents,
            method=body.method,
            length=body.length_mapping(),
            language=body.language,
            options=body.options,
            registry=state.registry,
            fetch_policy=state.config.fetch_policy(),
        )

    outcomes = _run(state, work, kind=kind, timeout=state.config.batch_timeout, method=body.method)
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
        found = configured_models(state.registry.get(entry["name"]))
        if found is not None:
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


def _check_method(state: ServiceState, body: SummarizeSettings) -> str:
    """Validate method, length, language and options with the library; the method's kind.

    Raises:
        SummarizerError: for a bad request or an unavailable method.
        ApiError: 503 while the method's models are still being preloaded.
    """
    impl, _ = build_request(body.method, body.length_mapping(), body.language, body.options, state.registry)
    if state.preloader.state(body.method) in ("pending", "loading"):
        raise ApiError(
            503,
            "loading",
            f"the models of {body.method!r} are still loading; retry shortly",
            details={"field": "method"},
        )
    return impl.kind


def _check_url(state: ServiceState, url: str | None, field: str) -> None:
    """Refuse ``url`` unless this server fetches URLs (``SUMMARIZE_ALLOW_URLS``) from its host.

    Raises:
        UrlNotAllowed: (422) URLs are off, or the URL's scheme or host is not allowed.
    """
    if url is None:
        return
    if not state.config.allow_urls:
        raise UrlNotAllowed("this server does not fetch URLs (SUMMARIZE_ALLOW_URLS is off); send text or html",
                            field=field)
    try:
        check_url(url, state.config.fetch_policy())
    except UrlNotAllowed as exc:
        raise UrlNotAllowed(exc.message, field=field, **{k: v for k, v in exc.details.items()}) from None


def _run(state: ServiceState, work: Callable[[], T], *, kind: str, timeout: float, method: str) -> T:
    """``work()`` in the worker's runner, counting refusals and failures.

    Raises:
        ServiceBusy: (503) no free slot; SummaryTimeout: (504) over ``timeout``; SummarizerError.
    """
    try:
        return state.runner.run(work, kind=kind, timeout=timeout)
    except ServiceBusy:
        state.metrics.rejected.labels(kind=kind).inc()
        raise
    except SummarizerError as exc:
        state.metrics.summaries.labels(method=method, outcome=exc.code).inc()
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
