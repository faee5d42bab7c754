"""Asynchronous jobs over HTTP: ``/v1/jobs`` (submit), ``/v1/jobs/{id}`` (status, cancel),
``/v1/jobs/{id}/results`` (pages in input order, or NDJSON).

A thin layer over :mod:`summarizers.jobs`: the request is validated like a batch request (same
settings, the library checks method, length, language and options), the job is stored and
queued, and workers (``summarize worker``, or the ones gunicorn's master starts beside the web
workers) compute it. With API keys on, each job belongs to the key that submitted it: other keys
get a 404 for it. Errors use the service's one envelope.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

from flask import Blueprint, Flask, Response, current_app, jsonify, request, stream_with_context, url_for
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import models_json_schema

from summarizers.jobs import Jobs, JobsConfig, public_view
from summarizers.jobs.store import store_fault
from summarizers.jobs.webhook import check_url

from .errors import ApiError, body_too_large, set_body_limit
from .schemas import ApiJsonSchema, DocumentFields, LengthField, SummarizeSettings
from .state import current_state

bp = Blueprint("jobs", __name__)

EXTENSION = "summarize_jobs"
NDJSON = "application/x-ndjson"
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
MAX_IDEMPOTENCY_KEY = 255
#: Seconds over which ``summarize_jobs_documents_per_second`` is averaged.
RATE_WINDOW = 60.0
DURATION_BUCKETS = (1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600)

_STRICT = ConfigDict(extra="forbid", strict=True)


class JobDocument(DocumentFields):
    """One document of a job: its ``text`` or ``html`` (a job fetches no URL), with optional
    per-document ``method`` and ``length`` overrides. A document with both or neither of
    ``text``/``html`` gets an error line (the library's :class:`~summarizers.Input` decides)."""

    method: str | None = Field(None, min_length=1, description="this document's method (default: the job's)")
    length: LengthField | None = Field(None, description="this document's length (default: the job's)")


class JobRequest(SummarizeSettings):
    """``POST /v1/jobs``: documents summarized asynchronously with shared settings."""

    documents: list[JobDocument] = Field(min_length=1, description="the documents; results keep this order")
    offsets: Literal["codepoint"] = Field("codepoint", description="offsets of job results are code points")
    webhook: str | None = Field(
        None, max_length=2048,
        description="a URL (allow-listed by the server) to POST the job's status to when it ends, signed "
        "with HMAC-SHA256 in X-Summarize-Signature",
    )


class JobCounts(BaseModel):
    """How many documents a job has, and how many ended well or with an error."""

    total: int
    done: int
    failed: int


class JobStatusOut(BaseModel):
    """What every kind of job shows of itself (the public view of :func:`summarizers.jobs.public_view`)."""

    id: str
    status: Literal["queued", "running", "succeeded", "partially_succeeded", "failed", "cancelled"]
    counts: JobCounts
    progress: float
    created_at: str
    started_at: str | None
    finished_at: str | None
    expires_at: str
    settings: dict[str, Any]


class JobOut(JobStatusOut):
    """A job: its status, counts, progress (0 to 1), timestamps (ISO 8601, UTC) and settings."""

    results_url: str


class JobResultsOut(BaseModel):
    """A page of results in input order: ``{"id", "result"}`` or ``{"id", "error"}`` each.
    Follow ``next_cursor`` until it is null (it is null once the job has ended and all were read)."""

    job: JobOut
    results: list[dict[str, Any]]
    next_cursor: str | None


def init_app(app: Flask, config: JobsConfig) -> None:
    """Attach the jobs settings to ``app`` (the store and queue open on first use)."""
    app.extensions[EXTENSION] = {"config": config, "jobs": None}
    state = app.extensions["summarize"]
    state.metrics.add_collector(JobsCollector(lambda: _jobs_of(app)))


def _jobs_of(app: Flask) -> Jobs:
    holder = app.extensions[EXTENSION]
    if holder["jobs"] is None:
        holder["jobs"] = Jobs(holder["config"])
    return holder["jobs"]


def current_jobs() -> Jobs:
    """The jobs of the app handling the request."""
    return _jobs_of(current_app)  # type: ignore[arg-type]


def _jobs_body_limit() -> None:
    """Job bodies may be larger than single requests (``SUMMARIZE_JOBS_MAX_BODY_BYTES``).

    Raises:
        PayloadTooLarge: (413) a ``Content-Length`` over the limit.
    """
    limit = current_app.extensions[EXTENSION]["config"].max_body_bytes
    set_body_limit(limit, "SUMMARIZE_JOBS_MAX_BODY_BYTES")
    if request.content_length is not None and request.content_length > limit:
        raise body_too_large()


def guard_jobs_blueprint(blueprint: Blueprint) -> None:
    """What every blueprint that queues jobs shares (``/v1/jobs``, ``/v1/digests``): the jobs
    body limit (413 quoting ``SUMMARIZE_JOBS_MAX_BODY_BYTES``). A key over its quotas (429) and a
    store fault (503) are library errors, answered by :mod:`summarizers_service.errors` like any other."""
    blueprint.before_request(_jobs_body_limit)


guard_jobs_blueprint(bp)


def store_health() -> dict[str, Any] | None:
    """The job store's health for ``/readyz`` (opened if need be; ``None`` without the jobs API)."""
    holder = current_app.extensions.get(EXTENSION)
    if holder is None:
        return None
    try:
        _jobs_of(current_app).store.health()  # type: ignore[arg-type]
    except Exception as exc:
        fault = store_fault(exc)
        if fault is None:
            raise
        return {"ok": False, "reason": fault.reason}
    return {"ok": True}


def _owner() -> str:
    """Who owns the jobs of this request: a digest of its API key (empty when keys are off)."""
    if not current_state().keys.enabled:
        return ""
    _, _, key = request.headers.get("Authorization", "").partition(" ")
    return hashlib.sha256(key.strip().encode("utf-8", "surrogatepass")).hexdigest()[:32]


def job_view(job: dict[str, Any], link: str, endpoint: str) -> dict[str, Any]:
    """The public view of ``job`` with the URL of ``endpoint`` (its results) under ``link``."""
    view = public_view(job)
    view[link] = url_for(endpoint, job_id=job["id"])
    return view


def _view(job: dict[str, Any]) -> dict[str, Any]:
    return job_view(job, "results_url", "jobs.job_results")


def job_or_404(job_id: str, kind: str = "job", of_kind: Callable[[dict[str, Any]], bool] | None = None,
               ) -> dict[str, Any]:
    """The job ``job_id`` of this request's key, when it is of the ``kind`` that ``of_kind``
    (given the job's settings) accepts.

    Raises:
        ApiError: (404) no such job of that kind (unknown, expired, or another key's).
    """
    job = current_jobs().get(job_id, _owner())
    if job is None or (of_kind is not None and not of_kind(job["settings"])):
        raise ApiError("not_found", f"no {kind} {job_id!r} (unknown, expired, or another key's)",
                       details={"field": "id"})
    return job


def idempotency_key() -> str | None:
    """The request's ``Idempotency-Key`` header, if any.

    Raises:
        ApiError: (422) a key that is empty or longer than :data:`MAX_IDEMPOTENCY_KEY`.
    """
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= MAX_IDEMPOTENCY_KEY):
        raise ApiError("validation_error", f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters",
                       details={"field": "Idempotency-Key"})
    return key


@bp.post("/jobs")
def submit_job() -> Response:
    """Queue a job; 202 with the job and its ``Location``."""
    from .api_v1 import _check_size, _prepare, json_body

    state = current_state()
    jobs = current_jobs()
    body = _job_schema(jobs.config).model_validate(json_body())
    prepared = _prepare(state, body)  # the shared settings, validated before the job is queued
    # what /v1/summarize would refuse at once is refused here too, not accepted and failed later
    for i, document in enumerate(body.documents):
        _check_size(state, prepared, document.text if document.text is not None else document.html,
                    f"documents.{i}.{'text' if document.text is not None else 'html'}")
    key = idempotency_key()
    if body.webhook is not None:
        check_url(body.webhook, jobs.config)
    settings = {"method": body.method, "length": body.length, "language": body.language,
                "options": body.library_options()}
    documents = [d.model_dump(exclude_none=True) for d in body.documents]
    return accepted(lambda: jobs.submit(documents, prepared, settings, owner=_owner(), idempotency_key=key,
                                        request_hash=hashlib.sha256(request.get_data(cache=True)).hexdigest(),
                                        webhook=body.webhook),
                    lambda job_id: _view(jobs.get(job_id)), "jobs.get_job")  # type: ignore[arg-type]


def accepted(submit: Callable[[], str], view: Callable[[str], dict[str, Any]], endpoint: str) -> Response:
    """The 202 answer to a job submission: ``submit()`` makes the job (or finds the one its
    Idempotency-Key made) and returns its id; the body is ``view(id)``, ``Location`` its URL.

    Raises:
        IdempotencyConflict: (409) the key was used with another request body.
        QuotaExceeded: (429) the key is over its quotas; StoreUnavailable: (503) a store fault.
    """
    job_id = submit()
    response = jsonify(view(job_id))
    response.status_code = 202
    response.headers["Location"] = url_for(endpoint, job_id=job_id)
    return response


def add_job_views(blueprint: Blueprint, path: str, kind: str, find: Callable[[str], dict[str, Any]],
                  view: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Register a kind of job's status view (``GET path/<job_id>``, endpoint ``get_<kind>``) and
    cancel view (``DELETE``, ``cancel_<kind>``: a no-op once the job has ended; what is done stays
    readable) on ``blueprint``. ``find`` is the kind's lookup (a 404 for another kind's job or
    another key's), ``view`` its public view."""

    def get(job_id: str) -> Response:
        return jsonify(view(find(job_id)))

    def cancel(job_id: str) -> Response:
        find(job_id)
        current_jobs().cancel(job_id)
        return jsonify(view(find(job_id)))

    blueprint.add_url_rule(f"{path}/<job_id>", f"get_{kind}", get, methods=["GET"])
    blueprint.add_url_rule(f"{path}/<job_id>", f"cancel_{kind}", cancel, methods=["DELETE"])


add_job_views(bp, "/jobs", "job", job_or_404, _view)


@bp.get("/jobs/<job_id>/results")
def job_results(job_id: str) -> Response:
    """A page of results (``cursor``, ``limit``), or every result as NDJSON with ``Accept: application/x-ndjson``."""
    job = job_or_404(job_id)
    jobs = current_jobs()
    if request.accept_mimetypes.best_match(["application/json", NDJSON]) == NDJSON:
        first = jobs.results(job, 0, 500)  # a store fault is a 503 here, before the answer starts

        def lines() -> Iterator[str]:
            for line in first.records:
                yield line + "\n"
            if first.next_cursor is None or not first.records:
                return
            for line in jobs.stream(job, start=first.next_cursor):
                yield line + "\n"
        return Response(stream_with_context(lines()), content_type=NDJSON)
    cursor = _int_arg("cursor", 0, 0, max(0, job["total"]))
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = jobs.results(job, cursor, limit)
    body = ('{"job":' + json.dumps(_view(job), ensure_ascii=False) + ',"results":[' + ",".join(page.records)
            + '],"next_cursor":' + json.dumps(None if page.next_cursor is None else str(page.next_cursor)) + "}")
    return Response(body, content_type="application/json")


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not (low <= value <= high):
        raise ApiError("validation_error", f"{name} must be a whole number from {low} to {high}",
                       details={"field": name})
    return value


def _job_schema(config: JobsConfig) -> type[JobRequest]:
    """The job request model bound to the app's methods, options and document limit."""
    holder = current_app.extensions[EXTENSION]
    model = holder.get("schema")
    if model is None:
        batch = current_state().schemas.batch.model_fields
        model = holder["schema"] = create_model(  # type: ignore[call-overload]
            "JobRequest", __base__=JobRequest, __doc__=JobRequest.__doc__,
            method=(batch["method"].annotation, batch["method"]),
            options=(batch["options"].annotation, batch["options"]),
            documents=(list[JobDocument], Field(min_length=1, max_length=config.max_documents,
                                                description="the documents; results keep this order")),
        )
    return model


class JobsCollector:
    """Prometheus metrics read from the jobs store at scrape time (so every web worker and every
    job worker, on any host, agree): queue depth, jobs by status, documents per second over the
    last minute, and the durations of the finished jobs kept."""

    def __init__(self, jobs: Any) -> None:
        self._jobs = jobs

    def describe(self) -> list[Any]:
        """No fixed description (the store is read at scrape time)."""
        return []

    def collect(self) -> Iterator[Any]:
        """The metric families, or nothing when the store cannot be read."""
        try:
            stats = self._jobs().store.stats(time.time(), RATE_WINDOW)
        except Exception:
            return
        yield GaugeMetricFamily("summarize_jobs_queue_depth", "Documents of unfinished jobs not yet summarized",
                                value=stats["queue_depth"])
        by_status = GaugeMetricFamily("summarize_jobs", "Jobs kept, by status", labels=["status"])
        for status, count in sorted(stats["jobs"].items()):
            by_status.add_metric([status], count)
        yield by_status
        yield GaugeMetricFamily("summarize_jobs_documents_per_second",
                                f"Documents finished per second over the last {RATE_WINDOW:.0f} s",
                                value=stats["documents_recent"] / RATE_WINDOW)
        durations = stats["durations"]
        buckets = [(str(b), sum(1 for d in durations if d <= b)) for b in DURATION_BUCKETS]
        buckets.append(("+Inf", len(durations)))
        yield HistogramMetricFamily("summarize_job_duration_seconds",
                                    "Seconds from submission to the end, of the finished jobs kept",
                                    buckets=buckets, sum_value=math.fsum(durations))


def job_schemas(document: dict[str, Any], request_model: type[BaseModel], job_model: type[BaseModel],
                result_model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Add a kind of job's request, status and result schemas to the OpenAPI ``document``; their refs."""
    refs, defs = models_json_schema(
        [(request_model, "validation"), (job_model, "serialization"), (result_model, "serialization")],
        ref_template="#/components/schemas/{model}", schema_generator=ApiJsonSchema,  # type: ignore[arg-type]
    )
    document["components"]["schemas"].update(defs.get("$defs", {}))
    return (refs[(request_model, "validation")], refs[(job_model, "serialization")],
            refs[(result_model, "serialization")])


def add_job_paths(document: dict[str, Any], protected: bool, path: str, refs: tuple[dict[str, Any], ...],
                  summaries: tuple[str, str, str], result: tuple[str, dict[str, Any]]) -> None:
    """Add a kind of job's paths to the OpenAPI ``document``: ``POST path`` (202, ``Location``,
    ``Idempotency-Key``), ``GET``/``DELETE path/{job_id}`` and ``GET path/{job_id}/<name>``.

    ``refs`` are :func:`job_schemas`' (request, job); ``summaries`` those of the submit, status
    and cancel operations; ``result`` the name and operation of the result path.
    """
    from .openapi import _operation

    request_ref, job_ref = refs[0], refs[1]
    auth = [401] if protected else []
    post = _operation(summaries[0], job_ref, [400, *auth, 409, 413, 415, 422, 429, 500, 503], protected=protected,
                      body={"required": True, "content": {"application/json": {"schema": request_ref}}})
    post["responses"]["202"] = post["responses"].pop("200")
    post["responses"]["202"]["headers"]["Location"] = {"description": "the job's URL", "schema": {"type": "string"}}
    post["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                               "description": "a retried submission with the same key and body returns the "
                                              "same job", "schema": {"type": "string", "maxLength": 255}})
    job_id = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}
    get = _operation(summaries[1], job_ref, [*auth, 404], protected=protected)
    delete = _operation(summaries[2], job_ref, [*auth, 404], protected=protected)
    name, result_operation = result
    for op in (get, delete, result_operation):
        op["parameters"].append(job_id)
    document["paths"][path] = {"post": post}
    document["paths"][f"{path}/{{job_id}}"] = {"get": get, "delete": delete}
    document["paths"][f"{path}/{{job_id}}/{name}"] = {"get": result_operation}


def extend_openapi(document: dict[str, Any], protected: bool) -> None:
    """Add the jobs paths and schemas to the app's OpenAPI ``document``."""
    from .openapi import _operation

    config = current_app.extensions[EXTENSION]["config"]
    refs = job_schemas(document, _job_schema(config), JobOut, JobResultsOut)
    auth = [401] if protected else []
    results = _operation("A page of results in input order", refs[2], [*auth, 404, 422], protected=protected)
    results["responses"]["200"]["content"][NDJSON] = {"schema": {"type": "string"}}
    results["parameters"] += [
        {"name": "cursor", "in": "query", "required": False, "description": "next_cursor of the previous page",
         "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}},
    ]
    add_job_paths(document, protected, "/v1/jobs", refs,
                  (f"Queue a job of up to {config.max_documents} documents; 202 with the job and Location",
                   "A job's status, counts and progress", "Cancel a job (results already written stay readable)"),
                  ("results", results))
