"""Newsletter digests over HTTP, as durable jobs: ``POST /v1/digests`` (202), ``GET
/v1/digests/{id}`` (status, progress), ``DELETE /v1/digests/{id}`` (cancel),
``GET /v1/digests/{id}/result`` (the digest, once the job has ended).

A thin layer over :mod:`summarizers.digest.job` on the jobs engine of :mod:`summarizers_service.jobs_api`:
the same store, queue, workers, idempotency keys and per-key isolation (another key's digest is
a 404). The result is the JSON of ``summarize digest --format json`` on the same articles.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ConfigDict, Field, create_model

from summarizers.digest.build import make_plan
from summarizers.digest.job import assemble, is_digest, submit_digest
from summarizers.jobs.store import FINAL
from summarizers.methods.query import MAX_QUERY_CHARACTERS

from .errors import ApiError
from .jobs_api import (
    EXTENSION,
    JobStatusOut,
    _owner,
    accepted,
    add_job_paths,
    add_job_views,
    current_jobs,
    guard_jobs_blueprint,
    idempotency_key,
    job_or_404,
    job_schemas,
    job_view,
)
from .schemas import DocumentFields, LengthField, with_query
from .state import current_state

bp = Blueprint("digests", __name__)
guard_jobs_blueprint(bp)  # the jobs body limit, as /v1/jobs


class DigestDocument(DocumentFields):
    """One article: ``text`` or ``html``, and what is known of it (the library's
    :class:`~summarizers.Input` checks its shape). Other string fields are kept (for ``group_by``)."""

    model_config = ConfigDict(extra="allow", strict=True)

    source: str | None = Field(None, description="the outlet or feed")
    published: str | None = Field(None, description="ISO 8601 date or time")
    language: str | None = Field(None, description="this article's language (default: the digest's)")


class DigestRequest(BaseModel):
    """``POST /v1/digests``: one entry per story from the articles, nothing said twice."""

    model_config = ConfigDict(extra="forbid", strict=True)

    documents: list[DigestDocument] = Field(min_length=1, description="the day's articles")
    method: str = Field("newsrank", min_length=1, description="the ranking method, or an abstractive one")
    length: LengthField | None = Field(None, description="per story: sentences or words (default 3 sentences)")
    language: str = Field("english", min_length=1, description="language of articles without their own")
    options: dict[str, Any] = Field(default_factory=dict, description="the method's options")
    group_by: str | None = Field(None, min_length=1, description="a document field naming its story, instead "
                                 "of grouping by content")
    query: str | None = Field(None, description="summarize what the articles say about this phrase, question or "
                              "topic (the same as options.query)",
                              json_schema_extra={"maxLength": MAX_QUERY_CHARACTERS})
    query_filter: bool = Field(False, description="with a query: leave out the stories that do not bear on it "
                               "(listed in the result's filtered)")

    def library_options(self) -> dict[str, Any]:
        """``options`` with the top-level ``query`` in it (see :func:`.schemas.with_query`)."""
        return with_query(self.options, self.query)


class DigestJobOut(JobStatusOut):
    """A digest job: status, counts (articles), progress, timestamps, settings, and its result URL."""

    result_url: str


class DigestOut(BaseModel):
    """The digest: ``stories`` in rank order (``id``, ``headline``, ``summary``, ``sentences``
    with ``text``/``document``/``start``/``end``, ``documents``, ``duplicates``...), ``errors``
    (one per refused article) and the ``settings`` used."""

    stories: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    settings: dict[str, Any]
    filtered: list[dict[str, Any]] | None = Field(None, description="with query_filter: the stories left out "
                                                  "(headline, documents, query_coverage)")


def _schema() -> type[DigestRequest]:
    holder = current_app.extensions[EXTENSION]
    model = holder.get("digest_schema")
    if model is None:
        model = holder["digest_schema"] = create_model(  # type: ignore[call-overload]
            "DigestRequest", __base__=DigestRequest, __doc__=DigestRequest.__doc__,
            documents=(list[DigestDocument], Field(min_length=1, max_length=holder["config"].max_documents,
                                                   description="the day's articles")))
    return model


def _view(job: dict[str, Any]) -> dict[str, Any]:
    return job_view(job, "result_url", "digests.digest_result")


def _digest_or_404(job_id: str) -> dict[str, Any]:
    return job_or_404(job_id, "digest", is_digest)


@bp.post("/digests")
def submit() -> Response:
    """Queue a digest; 202 with the job and its ``Location``."""
    from .api_v1 import json_body

    state = current_state()
    jobs = current_jobs()
    body = _schema().model_validate(json_body())
    options = body.library_options()
    make_plan(state.registry, body.method, body.length, body.language, options,  # refuse bad settings now
              query_filter=body.query_filter)
    key = idempotency_key()
    settings = {"method": body.method, "length": body.length, "language": body.language, "options": options,
                "group_by": body.group_by, **({"query_filter": True} if body.query_filter else {})}
    documents = [d.model_dump(exclude_none=True) for d in body.documents]
    digest_hash = hashlib.sha256(b"digest:" + request.get_data(cache=True)).hexdigest()
    return accepted(lambda: submit_digest(jobs, documents, settings, owner=_owner(), idempotency_key=key,
                                          request_hash=digest_hash),
                    lambda job_id: _view(_digest_or_404(job_id)), "digests.get_digest")


add_job_views(bp, "/digests", "digest", _digest_or_404, _view)


@bp.get("/digests/<job_id>/result")
def digest_result(job_id: str) -> Response:
    """The digest, once the job has ended (409 before, or when it was cancelled)."""
    job = _digest_or_404(job_id)
    if job["status"] not in FINAL or job["status"] == "cancelled":
        raise ApiError("not_finished", f"the digest is {job['status']}, not finished",
                       details={"field": "id", "status": job["status"]})
    digest = assemble(json.loads(line) for line in current_jobs().stream(job))
    return Response(json.dumps(digest, ensure_ascii=False), content_type="application/json")


def extend_openapi(document: dict[str, Any], protected: bool) -> None:
    """Add the digest paths and schemas to the app's OpenAPI ``document``."""
    from .openapi import _operation

    refs = job_schemas(document, _schema(), DigestJobOut, DigestOut)
    result = _operation("The digest, once its job has ended", refs[2], [*([401] if protected else []), 404, 409],
                        protected=protected)
    add_job_paths(document, protected, "/v1/digests", refs,
                  ("Queue a newsletter digest of the articles; 202 with the job and Location",
                   "A digest job's status and progress", "Cancel a digest job"),
                  ("result", result))
