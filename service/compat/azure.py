"""Azure AI Language analyze-text jobs at Azure's paths, so that ``azure-ai-textanalytics``
(``TextAnalyticsClient(endpoint=<this server>, credential=AzureKeyCredential(<key>))``) works
unchanged: ``begin_extract_summary``, ``begin_abstract_summary``, ``begin_analyze_actions``.

- ``POST /language/analyze-text/jobs?api-version=...``: 202, ``Operation-Location`` = the job;
- ``GET /language/analyze-text/jobs/{jobId}`` (``showStats``, ``top``, ``skip``; ``nextLink``);
- ``POST /language/analyze-text/jobs/{jobId}:cancel``: 202.

A thin layer over :mod:`summarizers.jobs`: a job's (task, document) pairs are split by language
and options (:func:`.azure_model.plan_parts`) into internal jobs of the durable jobs engine,
owned by the caller's key like ``/v1/jobs``; the Azure job id is the first internal job's id,
whose settings also keep the Azure request's metadata (tasks, document ids, the other parts,
errors found before any work). Reading a job reads its parts' results and renders them in
Azure's shape. Every error is in Azure's envelope. The key is ``Ocp-Apim-Subscription-Key``
(or ``Authorization: Bearer``), one of the service's API keys.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import math
import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from summarizers import Registry, Request
from summarizers.document import validate_text
from summarizers.errors import InputTooLarge, InvalidInput, MethodUnavailable, SummarizerError, UnsupportedLanguage
from summarizers.jobs import FINAL
from summarizers.request import Input

from ..errors import ApiError, body_too_large, library_error, own_headers, set_body_limit, status_for
from ..jobs_api import current_jobs
from ..state import current_state
from .azure_model import (
    API_VERSIONS,
    RESULT_KIND,
    AzureError,
    JobRequest,
    Methods,
    Task,
    TaskOutcome,
    azure_language,
    invalid,
    job_status,
    library_azure_error,
    pair_id,
    parse_job,
    plan_parts,
    render_task,
    request_statistics,
    task_status,
    unsupported_language_error,
)
from .azure_model import library_error as azure_library_error
from .config import CompatConfig

log = logging.getLogger(__name__)

bp = Blueprint("azure", __name__, url_prefix="/language/analyze-text")

EXTENSION = "summarize_compat"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
MAX_TOP = 1000
#: Azure's 401 message (the client raises ``ClientAuthenticationError`` for the status).
UNAUTHORIZED = ("Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
                "valid key for an active subscription and use a correct regional API endpoint for your resource.")


def init_app(app: Flask, config: CompatConfig | None = None) -> None:
    """Attach the drop-in APIs' settings to ``app`` (the defaults when not given; the service
    passes those of its configuration, ``ServiceConfig.compat``)."""
    app.extensions[EXTENSION] = config or CompatConfig()


def compat_config() -> CompatConfig:
    """The settings of the app handling the request."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def request_key(*, bearer: bool = True) -> str | None:
    """The API key of the request: ``Ocp-Apim-Subscription-Key``, else ``Authorization: Bearer``."""
    key = request.headers.get(KEY_HEADER, "").strip()
    if key:
        return key
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if bearer and scheme.lower() == "bearer" and token.strip() else None


def owner_of(key: str | None) -> str:
    """Who owns the jobs of a key: the digest ``/v1/jobs`` uses (so a key sees its jobs in both
    APIs); empty when the service has no keys."""
    if not current_state().keys.enabled:
        return ""
    return hashlib.sha256((key or "").encode("utf-8", "surrogatepass")).hexdigest()[:32]


def throttle(key: str | None) -> int:
    """Seconds to wait under the service's rate limit (``SUMMARIZE_RATE_LIMIT``; 0: go on), in
    the same bucket as the key's ``/v1`` requests (the client's address when keys are off)."""
    state = current_state()
    if state.limiter is None:
        return 0
    if state.keys.enabled:
        client = "key:" + hashlib.sha256((key or "").encode("utf-8", "surrogatepass")).hexdigest()
    else:
        client = "addr:" + (request.remote_addr or "-")
    wait = state.limiter.take(client)
    if wait <= 0:
        return 0
    state.metrics.rejected.labels(kind="rate_limited").inc()
    return max(1, math.ceil(wait))


@bp.before_request
def _authenticate_and_version() -> None:
    """401 without a valid key (when the service has keys), 429 over the rate limit, then the
    ``api-version`` check."""
    keys = current_state().keys
    key = request_key()
    if keys.enabled and (key is None or not keys.accepts(key)):
        raise AzureError(401, "401", UNAUTHORIZED)
    wait = throttle(key)
    if wait:
        raise AzureError(429, "TooManyRequests", f"Rate limit is exceeded. Try again in {wait} seconds.",
                         headers={"Retry-After": str(wait)})
    version = request.args.get("api-version")
    if version is None:
        raise AzureError(404, "404", "Resource not found: the api-version query parameter is missing; "
                         f"supported versions: {', '.join(API_VERSIONS)}.")
    if version not in API_VERSIONS:
        raise AzureError(404, "UnsupportedApiVersion",
                         f"The HTTP resource that matches the request URI does not support the API version "
                         f"'{version}'. Supported versions: {', '.join(API_VERSIONS)}.")
    cfg = compat_config()
    set_body_limit(16 * cfg.azure_max_characters + 1024 * 1024, "SUMMARIZE_COMPAT_AZURE_MAX_CHARACTERS")


@bp.errorhandler(AzureError)
def _azure_error(exc: AzureError) -> Response:
    response = jsonify(exc.body())
    response.status_code = exc.status
    for name, value in exc.headers.items():
        response.headers[name] = value
    return with_retry_after(response)


def with_retry_after(response: Response) -> Response:
    """A 429 or 503 without ``Retry-After`` gets the service's (``SUMMARIZE_RETRY_AFTER``)."""
    if response.status_code in (429, 503) and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(current_state().config.retry_after)
    return response


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    """The service's own errors (body parsing) in Azure's envelope."""
    if exc.status in (400, 415):
        return _azure_error(AzureError(exc.status, "InvalidRequest", exc.message, "InvalidRequestBodyFormat"))
    if exc.status == 503:
        return _azure_error(AzureError(503, "ServiceUnavailable", exc.message, headers=exc.headers))
    return _azure_error(invalid(exc.message))


@bp.errorhandler(SummarizerError)
def _library_error(exc: SummarizerError) -> Response:
    """A library error (a body too large, a quota, a store fault...) in Azure's envelope, through
    the service's status table and the one code mapping (:func:`.azure_model.library_error`)."""
    error = library_error(exc) or exc
    return _azure_error(library_azure_error(status_for(error), error.to_dict(), headers=own_headers(error)))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 413:
        return _library_error(body_too_large())
    code = {404: "NotFound"}.get(status, "InvalidRequest")
    return _azure_error(AzureError(status, code, exc.description or exc.name))


@bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> Response:
    known = library_error(exc)  # a store driver's error the store did not translate
    if known is not None:
        return _library_error(known)
    log.exception("unhandled error in the Azure-compatible API")
    return _azure_error(AzureError(500, "InternalServerError",
                                   f"Internal error; quote request id {g.get('request_id', '-')} when reporting it."))


def server_methods(registry: Registry, config: CompatConfig) -> Methods:
    """What this server runs for Azure's tasks (from its registry)."""
    names = [m.name for m in registry if m.kind == "extractive"]
    # the configured method, else the registry's first extractive one (its registration order)
    default = config.extractive_method if config.extractive_method in names else next(iter(names), "")
    extractive = frozenset(names)
    models: tuple[str, ...] = ()
    name = next((m.name for m in registry if m.kind == "abstractive"), "abstractive")
    if name in registry:
        found = registry.get(name).models()
        models = tuple(m["name"] for m in sorted(found, key=lambda m: not m.get("default")))
    return Methods(extractive, default, models, name)


def document_checker(registry: Registry, check_size: Callable[[Request, str, str], None]
                     ) -> Callable[[Task, Input], dict[str, Any] | None]:
    """The check run on every (task, document) pair before the job is queued: each task is
    prepared once per language; the library's refusal of the document (an empty or binary text,
    an unsupported language) or ``check_size``'s (an abstractive input over
    ``SUMMARIZE_ABSTRACTIVE_MAX_CHARACTERS``, the service's own check) is that document's error,
    in Azure's form.

    Raises (from the returned function):
        AzureError: 400 for a task the library refuses whatever the document (bad length or
            options), 503 for a method that is unavailable.
    """
    prepared: dict[tuple[str, str], Request | dict[str, Any]] = {}

    def check(task: Task, doc: Input) -> dict[str, Any] | None:
        try:
            validate_text(doc.text, "Document text")
        except InvalidInput as exc:
            return azure_library_error(exc.to_dict())
        language = azure_language(doc.language)
        key = (json.dumps(task.to_dict(), sort_keys=True), language)
        if key not in prepared:
            try:
                prepared[key] = registry.prepare(task.method, task.length, language, task.options)
            except UnsupportedLanguage as exc:
                prepared[key] = unsupported_language_error(doc.language, exc.details.get("supported") or [])
            except SummarizerError as exc:
                prefix = "" if isinstance(exc, MethodUnavailable) else f"Task {task.name!r}: "
                raise library_azure_error(status_for(exc), exc.to_dict(), prefix=prefix) from None
        found = prepared[key]
        if isinstance(found, dict):
            return found
        try:
            check_size(found, doc.text, f"document {doc.id!r}")
        except InputTooLarge as exc:
            return azure_library_error(exc.to_dict())
        return None

    return check


def azure_id(internal: str) -> str:
    """The Azure job id (a GUID) of an internal job id."""
    return str(uuid.UUID(hex=internal))


def internal_id(job_id: str) -> str | None:
    """The internal job id of an Azure job id, or ``None`` for one that cannot be ours."""
    try:
        return uuid.UUID(job_id).hex
    except ValueError:
        return None


def _job_url(job_id: str) -> str:
    return url_for("azure.get_job", job_id=job_id, _external=True, **{"api-version": request.args["api-version"]})


@bp.post("/jobs")
def submit_job() -> Response:
    """Queue an analyze-text job; 202 with ``Operation-Location``."""
    from ..api_v1 import _check_size, json_body

    state, cfg = current_state(), compat_config()
    job = parse_job(json_body(), server_methods(state.registry, cfg), max_documents=cfg.azure_max_documents,
                    max_characters=cfg.azure_max_characters)
    parts, errors = plan_parts(job, document_checker(state.registry, functools.partial(_check_size, state)))
    jobs, owner = current_jobs(), owner_of(request_key())
    others = [jobs.submit(_part_documents(job, p.pairs, p.placeholders),
                          *_part_request(state.registry, job, p.pairs, p.language, p.options), owner=owner)
              for p in parts[1:]]
    first = parts[0]
    meta = {"api_version": request.args["api-version"], "display_name": job.display_name,
            "documents": [{"id": d.id, "language": d.language} for d in job.documents],
            "tasks": [t.to_dict() for t in job.tasks], "parts": others, "errors": errors}
    prepared, settings = _part_request(state.registry, job, first.pairs, first.language, first.options)
    primary = jobs.submit(_part_documents(job, first.pairs, first.placeholders), prepared,
                          {**settings, "azure": meta}, owner=owner)
    response = Response(status=202)
    response.headers["Operation-Location"] = _job_url(azure_id(primary))
    return response


def _part_documents(job: JobRequest, pairs: list[tuple[int, int]], placeholders: frozenset[tuple[int, int]]
                    ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for t, i in pairs:
        if (t, i) in placeholders:  # no text: the engine records an error, replaced by the one found here
            out.append({"id": pair_id(t, i)})
            continue
        task = job.tasks[t]
        doc: dict[str, Any] = {"id": pair_id(t, i), "text": job.documents[i].text, "method": task.method}
        if task.length is not None:
            doc["length"] = dict(task.length)
        out.append(doc)
    return out


def _part_request(registry: Any, job: JobRequest, pairs: list[tuple[int, int]], language: str,
                  options: Any) -> tuple[Any, dict[str, Any]]:
    """A part's request, prepared (its tasks' were checked by :func:`document_checker`), and its settings."""
    settings = {"method": job.tasks[pairs[0][0]].method, "length": None, "language": language,
                "options": dict(options)}
    return registry.prepare(settings["method"], None, language, settings["options"]), settings


@bp.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    """The job's status and (a page of) its results."""
    primary, parts = _load(job_id)
    meta = primary["settings"]["azure"]
    skip, top = _int_arg("skip", 0, 0, 10**9), _int_arg("top", compat_config().azure_page_size, 1, MAX_TOP)
    show_stats = request.args.get("showStats", "false").strip().lower() == "true"
    tasks = [Task.from_dict(t) for t in meta["tasks"]]
    documents, outcomes, versions = _outcomes(parts, meta, len(tasks))
    states = [render_task(task, documents, outcomes[t], skip=skip, top=top, show_stats=show_stats,
                          model_version=versions.get(t)) for t, task in enumerate(tasks)]
    cancelled = any(p["status"] == "cancelled" for p in parts)
    started = any(p["status"] != "queued" for p in parts)
    status = job_status(states, cancelled=cancelled, started=started)
    final = status in ("succeeded", "failed", "partiallyCompleted", "cancelled")
    updated = _iso(max(p["finished_at"] or p["started_at"] or p["created_at"] for p in parts))
    items = [_task_item(task, state, status, updated) for task, state in zip(tasks, states, strict=True)
             if final or state.complete]
    body: dict[str, Any] = {"jobId": job_id, "createdDateTime": _iso(primary["created_at"]),
                            "lastUpdatedDateTime": updated, "expirationDateTime": _iso(primary["expires_at"]),
                            "status": status, "errors": _task_errors(tasks, states)}
    if meta.get("display_name") is not None:
        body["displayName"] = meta["display_name"]
    body["tasks"] = {"completed": sum(1 for s in states if s.complete and not s.failed),
                     "failed": sum(1 for s in states if s.failed),
                     "inProgress": sum(1 for s in states if not s.complete and not cancelled),
                     "total": len(tasks), "items": items}
    if show_stats:
        invalid_everywhere = {i: {"error": {}} for i in range(len(documents))
                              if all("error" in per_task.get(i, {}) for per_task in outcomes)}
        body["statistics"] = request_statistics(documents, invalid_everywhere)
    if skip + top < len(documents):
        query = {"api-version": request.args["api-version"], "$skip": skip + top, "$top": top}
        if show_stats:
            query["showStats"] = "true"
        body["nextLink"] = url_for("azure.get_job", job_id=job_id, _external=True, **query)
    response = jsonify(body)
    if not final:
        response.headers["Retry-After"] = str(compat_config().azure_retry_after)
    return response


@bp.post("/jobs/<job_id>:cancel")
def cancel_job(job_id: str) -> Response:
    """Cancel the job (a no-op for one that has ended); 202 with ``Operation-Location``."""
    _, parts = _load(job_id)
    jobs = current_jobs()
    for part in parts:
        if part["status"] not in FINAL:
            jobs.cancel(part["id"])
    response = Response(status=202)
    response.headers["Operation-Location"] = _job_url(job_id)
    return response


def _load(job_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The job's first internal job and all its parts (the first included).

    Raises:
        AzureError: 404 for an unknown or expired job, or another key's.
    """
    jobs, owner = current_jobs(), owner_of(request_key())
    internal = internal_id(job_id)
    primary = jobs.get(internal, owner) if internal else None
    if primary is None or not isinstance(primary["settings"].get("azure"), dict):
        raise AzureError(404, "NotFound", f"The job {job_id!r} was not found (unknown, expired, or another key's).",
                         target="jobId")
    parts = [primary]
    for other in primary["settings"]["azure"]["parts"]:
        part = jobs.get(other, owner)
        if part is None:
            raise AzureError(404, "NotFound", f"The job {job_id!r} has expired.", target="jobId")
        parts.append(part)
    return primary, parts


def _outcomes(parts: list[dict[str, Any]], meta: dict[str, Any], tasks: int
              ) -> tuple[list[Input], list[dict[int, dict[str, Any]]], dict[int, str]]:
    """The documents (texts read back from the parts' stored chunks) and, per task, each
    document's outcome known so far; and the model that computed each task, when reported."""
    jobs = current_jobs()
    texts: dict[int, str] = {}
    outcomes: list[dict[int, dict[str, Any]]] = [{} for _ in range(tasks)]
    versions: dict[int, str] = {}
    for part in parts:
        for k in range(part["chunks"]):
            for doc in jobs.store.chunk(part["id"], k):
                text = (doc.get("input") or {}).get("text")  # the wire form of its Input
                if isinstance(text, str):
                    texts[int(str(doc["id"]).split(".")[1])] = text
        for line in jobs.results(part, 0, max(1, part["total"])).records:
            record = json.loads(line)
            t, i = (int(x) for x in str(record["id"]).split("."))
            if "result" in record:
                outcomes[t][i] = {"result": record["result"]}
                name = (record["result"].get("model") or {}).get("name")
                if name:
                    versions.setdefault(t, str(name))
            else:
                outcomes[t][i] = {"error": azure_library_error(record["error"])}
    for key, error in meta["errors"].items():  # found before any work: known at once, and they win
        t, i = (int(x) for x in key.split("."))
        outcomes[t][i] = {"error": error}
    documents = [Input(text=texts.get(i, ""), id=d["id"], language=d["language"])
                 for i, d in enumerate(meta["documents"])]
    return documents, outcomes, versions


def _task_item(task: Task, state: TaskOutcome, job: str, updated: str) -> dict[str, Any]:
    return {"kind": RESULT_KIND[task.kind], "taskName": task.name, "lastUpdateDateTime": updated,
            "status": task_status(state, job), "results": state.results}


def _task_errors(tasks: list[Task], states: list[TaskOutcome]) -> list[dict[str, Any]]:
    """Job-level errors: one per failed task, pointing at it (what the clients report)."""
    out = []
    for t, (task, state) in enumerate(zip(tasks, states, strict=True)):
        if state.failed:
            first = next(iter(state.results["errors"]), None)
            detail = f": {first['error']['message']}" if first else ""
            out.append({"code": "InternalServerError", "message": f"Task {task.name!r} failed{detail}",
                        "target": f"#/tasks/items/{t}"})
    return out


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, request.args.get("$" + name))
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise invalid(f"{name} must be a whole number from {low} to {high}.", target=name)
    return value


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
