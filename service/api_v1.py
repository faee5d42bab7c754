"""Version 1 of the API: ``/v1/summarize``, ``/v1/summarize/batch``, ``/v1/methods``.

Each view parses the JSON body, checks its shape with the app's schemas, prepares the request
with the library once (:meth:`summarizers.Registry.prepare`: method, length, language, options,
availability) in the request thread, then hands the prepared request to the worker's
:class:`~summarizers_service.runner.Runner` (bounded concurrency and queue, time limit: extractive work in
worker processes killed at the limit), which computes the summary. Errors are raised and turned
into the JSON envelope by :mod:`summarizers_service.errors`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from flask import Blueprint, Response, jsonify, request

from summarizers import Request, SummarizerError, Summary
from summarizers.errors import InputTooLarge, UrlNotAllowed
from summarizers.fetch import check_url

from .errors import ApiError, ServiceBusy, body_too_large, status_for
from .offsets import utf16_result
from .processes import ChildCrashed, ChildOutOfMemory, Task
from .schemas import SummarizeSettings
from .state import ServiceState, current_state
from .tasks import BatchTask, SummarizeTask

log = logging.getLogger(__name__)

bp = Blueprint("v1", __name__)


@bp.post("/summarize")
def summarize_view() -> Response:
    """Summarize one document (see ``SummarizeRequest`` in the OpenAPI document)."""
    state, started = current_state(), time.perf_counter()
    body = state.schemas.summarize.model_validate(json_body())
    prepared = _prepare(state, body)
    _check_url(state, body.url, "url")
    _check_size(state, prepared, body.text if body.text is not None else body.html,
                "text" if body.text is not None else "html")
    task = SummarizeTask(prepared.to_wire(), body.input().to_wire(), state.config.fetch_policy())
    result = _run(state, task, prepared, timeout=state.config.request_timeout)
    state.metrics.summaries.labels(method=body.method, outcome="ok").inc()
    data = _render(result, body.offsets, text=body.text)
    data["elapsed_seconds"] = round(time.perf_counter() - started, 6)
    return jsonify(data)


@bp.post("/summarize/batch")
def summarize_batch_view() -> Response:
    """Summarize many documents with shared settings; a bad document fails alone."""
    state, started = current_state(), time.perf_counter()
    body = state.schemas.batch.model_validate(json_body())
    prepared = _prepare(state, body)
    for i, document in enumerate(body.documents):
        _check_url(state, document.url, f"documents.{i}.url")
        _check_size(state, prepared, document.text if document.text is not None else document.html,
                    f"documents.{i}.{'text' if document.text is not None else 'html'}")
    task = BatchTask(prepared.to_wire(), [d.to_library() for d in body.documents], state.config.fetch_policy())
    outcomes = _run(state, task, prepared, timeout=state.config.batch_timeout)
    results: list[dict[str, Any]] = []
    for position, (document, outcome) in enumerate(zip(body.documents, outcomes, strict=True)):
        doc_id = document.id if document.id is not None else position
        head: dict[str, Any] = {"id": doc_id} if document.id is not None else {"id": doc_id, "id_generated": True}
        if isinstance(outcome, SummarizerError):
            status = status_for(outcome)
            if status >= 500:
                log.warning("batch document %r failed: %s", doc_id, outcome.message)
            state.metrics.summaries.labels(method=body.method, outcome=outcome.code).inc()
            results.append({**head, "status": status, "error": outcome.to_dict()})
        else:
            state.metrics.summaries.labels(method=body.method, outcome="ok").inc()
            results.append(
                {**head, **_render(outcome, body.offsets, text=document.text)}
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
        PayloadTooLarge: (413) when the body is over the request's limit
            (``SUMMARIZE_MAX_BODY_BYTES`` unless a blueprint set its own), whether it has a
            ``Content-Length`` or is chunked.
    """
    if not request.is_json:
        raise ApiError(
            "unsupported_media_type",
            "send the request body as JSON, with Content-Type: application/json",
            details={"content_type": request.content_type},
        )
    raw = request.get_data(cache=True)
    if request.content_length is None and _more_input():
        # A chunked body: the stream stopped at the limit, but the client sent more.
        raise body_too_large()
    try:
        data = json.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise ApiError(
            "malformed_json", f"the request body is not UTF-8 (byte {exc.start}); send UTF-8 JSON"
        ) from None
    except json.JSONDecodeError as exc:
        raise ApiError("malformed_json", f"the request body is not valid JSON: {exc}") from None
    except ValueError as exc:  # an integer of more digits than Python converts
        raise ApiError(
            "validation_error",
            f"invalid request: a number in the body is far too large ({exc})",
            details={"field": "body"},
        ) from None
    except RecursionError:
        raise ApiError("malformed_json", "the request body is nested too deeply") from None
    where = lone_surrogate(data)
    if where is not None:
        raise ApiError(
            "validation_error",
            f"invalid request: {where}: a \\u escape encodes half a UTF-16 surrogate pair, "
            "which is not a character",
            details={"field": where},
        )
    return data


def _more_input() -> bool:
    """Whether the raw input stream still holds data (after the body was read up to the limit)."""
    stream = request.environ.get("wsgi.input")
    try:
        return bool(stream is not None and stream.read(1))
    except (OSError, ValueError):
        return False


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
            "loading",
            f"the models of {body.method!r} are still loading; retry shortly",
            details={"field": "method"},
        )
    return prepared


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


def _check_size(state: ServiceState, prepared: Request, text: str | None, field: str) -> None:
    """Refuse an abstractive input over ``SUMMARIZE_ABSTRACTIVE_MAX_CHARACTERS`` before any work.

    Abstractive work runs in threads (which cannot be killed), and its ``extract`` policy ranks
    every sentence, so its input is bounded up front. (Extractive work runs in processes that
    are killed at the time limit.)

    Raises:
        InputTooLarge: naming the limit (``limit``, ``unit`` ``characters``, ``characters``).
    """
    limit = state.config.abstractive_max_characters
    if prepared.method.kind == "abstractive" and text is not None and len(text) > limit:
        raise InputTooLarge.over(
            f"{field} has {len(text)} characters; abstractive summaries take at most {limit} "
            "(SUMMARIZE_ABSTRACTIVE_MAX_CHARACTERS): send a shorter text or use an extractive method",
            field=field, limit=limit, unit="characters", size=len(text),
        )


def _run(state: ServiceState, task: Task, prepared: Request, *, timeout: float) -> Any:
    """``task`` in the worker's runner, counting refusals and failures.

    Raises:
        ServiceBusy: (503) no free slot; SummaryTimeout: (504) over ``timeout``;
        InputTooLarge: (422) the summary needed more memory than a worker process may use;
        SummarizerError; ChildCrashed: (500) the worker process died.
    """
    kind, method = prepared.method.kind, prepared.method_name
    try:
        return state.runner.run(task, method=method, kind=kind, timeout=timeout)
    except ServiceBusy:
        state.metrics.rejected.labels(kind=kind).inc()
        raise
    except SummarizerError as exc:
        state.metrics.summaries.labels(method=method, outcome=exc.code).inc()
        raise
    except ChildOutOfMemory as exc:
        state.metrics.summaries.labels(method=method, outcome="input_too_large").inc()
        raise InputTooLarge.over(f"{exc} (SUMMARIZE_CHILD_MEMORY_MB); send a shorter text", field="text",
                                 limit=exc.limit_mb, unit="MiB") from None
    except ChildCrashed:
        state.metrics.summaries.labels(method=method, outcome="internal_error").inc()
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
