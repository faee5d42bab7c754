"""The digest as a durable job of the jobs API (:mod:`summarizers.jobs`, on the run engine), without HTTP.

A digest needs all of its articles at once (stories cross any split), so a digest job is one
chunk holding every document: claimed with a lease, renewed by the worker's heartbeat, put back
on the queue when its worker dies, and written exactly once like any chunk. Its results are one
record per document, in input order: ``{"id", "story"}`` (the id of the story holding it) or
``{"id", "error"}``; the first member of each story also carries the story's ``entry`` (its
``Story.to_dict()``) and the first record the digest's ``digest_settings``. :func:`assemble`
turns the records back into the digest's JSON, the same as ``summarize digest --format json``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..batch.items import document_head
from ..batch.limits import DocumentLimits
from ..errors import SummarizerError
from ..registry import Registry, default_registry
from ..request import DEFAULT_LANGUAGE, DEFAULT_METHOD
from .build import summarize_digest

#: The ``kind`` in a digest job's settings.
DIGEST_KIND = "digest"
#: The document fields a digest job keeps.
FIELDS = ("title", "source", "published", "language")


def stored_item(index: int, doc: Mapping[str, Any], group_by: str | None = None) -> dict[str, Any]:
    """The stored form of one submitted article (its fields as given: the digest reads them
    with :class:`~summarizers.request.Input` when it runs); one whose ``text``/``html`` the input
    refuses carries its error."""
    item, given = document_head(index, doc, ("text", "html"))
    if given is None:
        return item
    item[given.kind] = given.body
    for name in (*FIELDS, *((group_by,) if group_by else ())):
        if doc.get(name) is not None:
            item[name] = doc[name]
    return item


def submit_digest(jobs: Any, documents: Sequence[Mapping[str, Any]], settings: Mapping[str, Any], *,
                  owner: str = "", idempotency_key: str | None = None, request_hash: str = "") -> str:
    """Store a digest job (one chunk) on ``jobs`` (a :class:`summarizers.jobs.Jobs`) and queue it;
    the job's id (an earlier job's for a reused idempotency key).

    ``settings``: ``method``, ``length``, ``language``, ``options``, ``group_by``.

    Raises:
        IdempotencyConflict: the key was used before with another request.
        QuotaExceeded: the owner is over its open-jobs or stored-bytes quota (as any job).
    """
    group_by = settings.get("group_by")
    items = [stored_item(i, d, group_by) for i, d in enumerate(documents)]
    job_id: str = jobs.create(items, {**settings, "kind": DIGEST_KIND}, [items], owner=owner,
                              idempotency_key=idempotency_key, request_hash=request_hash)
    return job_id


def is_digest(settings: Mapping[str, Any]) -> bool:
    """Whether a job's settings are a digest job's."""
    return settings.get("kind") == DIGEST_KIND


def run_digest_chunk(docs: Sequence[Mapping[str, Any]], settings: Mapping[str, Any],
                     registry_factory: Callable[[], Registry] = default_registry,
                     limits: DocumentLimits | None = None) -> list[dict[str, Any]]:
    """The digest of a job's stored documents, as one record per document (see the module);
    each article under ``limits`` (see :func:`~.build.summarize_digest`)."""
    group_by = settings.get("group_by")
    articles = [{k: v for k, v in d.items() if k not in ("i", "id_given")} for d in docs if "error" not in d]
    try:
        digest = summarize_digest(
            articles, method=settings.get("method", DEFAULT_METHOD), length=settings.get("length"),
            language=settings.get("language", DEFAULT_LANGUAGE), options=settings.get("options") or {},
            group_by=group_by, registry_factory=registry_factory, query_filter=bool(settings.get("query_filter")),
            limits=limits)
    except Exception as exc:  # settings were checked at submission; a bug must not lose the job
        from ..batch.worker import internal_error

        error = exc.to_dict() if isinstance(exc, SummarizerError) else internal_error(exc)
        return [{"id": d["id"], "error": d.get("error") or error} for d in docs]
    story_of = {doc: story for story in digest.stories for doc in story.documents}
    errors: defaultdict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for e in digest.errors:
        errors[_key(e.id)].append(e.error)
    left_out = {_key(doc) for f in digest.filtered or () for doc in f.documents}  # by the query filter
    records: list[dict[str, Any]] = []
    placed: set[Any] = set()
    led: set[str] = set()
    for d in docs:
        key = _key(d["id"])
        story = story_of.get(d["id"]) if key not in placed else None
        if "error" in d:
            record: dict[str, Any] = {"id": d["id"], "error": dict(d["error"])}
        elif story is None and key in left_out:
            record = {"id": d["id"], "filtered": True}
        elif story is not None:
            placed.add(key)
            record = {"id": d["id"], "story": story.id}
            if story.id not in led:
                led.add(story.id)
                record["entry"] = story.to_dict()
        else:
            found = errors[key].pop(0) if errors[key] else {"code": "internal_error",
                                                              "message": "the article is missing from the digest",
                                                              "details": {}}
            record = {"id": d["id"], "error": dict(found)}
        records.append(record)
    if records:
        records[0]["digest_settings"] = dict(digest.settings)
        if digest.filtered is not None:
            records[0]["digest_filtered"] = [f.to_dict() for f in digest.filtered]
    return records


def _key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)


def assemble(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The digest's JSON (``stories`` in rank order, ``errors`` in input order, ``settings``)
    from a digest job's records in input order."""
    stories: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    settings: dict[str, Any] = {}
    filtered: list[dict[str, Any]] | None = None
    for record in records:
        if "digest_settings" in record:
            settings = dict(record["digest_settings"])
        if "digest_filtered" in record:
            filtered = list(record["digest_filtered"])
        if "entry" in record:
            stories.append(dict(record["entry"]))
        if "error" in record:
            errors.append({"id": record.get("id"), "error": record["error"]})
    stories.sort(key=lambda s: int(str(s["id"]).rpartition("-")[2]))
    out = {"stories": stories, "errors": errors, "settings": settings}
    if filtered is not None:
        out["filtered"] = filtered
    return out
