"""Azure AI Language analyze-text jobs, translated (pure functions, no HTTP, no store).

- :func:`parse_job`: the body of ``POST /language/analyze-text/jobs`` into documents and
  tasks (each task a method, a length and options of the library), or an :class:`AzureError`;
- :func:`plan_parts`: the (task, document) pairs grouped into the internal jobs that compute
  them (one per language and option set; pairs with a document error are placeholders);
- :func:`render_task`: the results of one task in Azure's shape (sentences with ``rankScore``,
  ``offset`` and ``length`` in the task's ``stringIndexType``; summaries with ``contexts``;
  warnings; per-document errors; statistics);
- :func:`job_status`: Azure's job status from the tasks' states.

The shapes follow the 2023-04-01 and 2024-11-01 REST API (what ``azure-ai-textanalytics`` 5.3
and later send and parse).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarizers.request import Input

from .indexes import STRING_INDEX_TYPES, StringIndex, StringIndexType, count

#: API versions served (``azure-ai-textanalytics`` 5.3+ sends 2023-04-01).
API_VERSIONS = ("2023-04-01", "2024-11-01")
EXTRACTIVE, ABSTRACTIVE = "ExtractiveSummarization", "AbstractiveSummarization"
#: The kind of each task's results.
RESULT_KIND = {EXTRACTIVE: "ExtractiveSummarizationLROResults", ABSTRACTIVE: "AbstractiveSummarizationLROResults"}
#: Azure's bounds and defaults of the summarization parameters.
MAX_SENTENCES, DEFAULT_EXTRACTIVE_SENTENCES = 20, 3
MAX_TASKS = 10
#: ``summaryLength`` (2024-11-01) as a word budget: Azure documents these as approximate.
SUMMARY_LENGTH_WORDS = {"short": 40, "medium": 60, "long": 100}
DEFAULT_INDEX: StringIndexType = "TextElements_v8"
#: Characters per transaction in ``statistics`` (Azure bills a text record per 1,000 characters).
TRANSACTION_CHARACTERS = 1000

_TASK_PARAMETERS = {
    EXTRACTIVE: {"loggingOptOut", "modelVersion", "query", "sentenceCount", "sortBy", "stringIndexType"},
    ABSTRACTIVE: {"loggingOptOut", "modelVersion", "sentenceCount", "summaryLength", "stringIndexType"},
}
_TRUNCATED = re.compile(r"over the model's|was cut|truncat", re.IGNORECASE)


class AzureError(Exception):
    """An error answer in Azure's envelope: ``{"error": {"code", "message", "innererror": {...}}}``.

    Args:
        status: the HTTP status.
        code: the top-level code (``InvalidRequest``, ``InvalidArgument``, ``NotFound``...).
        message: what is wrong, for a person.
        inner: the specific code (``InvalidDocumentBatch``, ``UnsupportedLanguageCode``...), if any.
        target: the request field at fault, if any.
    """

    def __init__(self, status: int, code: str, message: str, inner: str | None = None, *,
                 target: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.inner, self.target = status, code, message, inner, target
        self.headers = dict(headers or {})

    def to_dict(self) -> dict[str, Any]:
        """The ``error`` object."""
        return error_object(self.code, self.message, self.inner, self.target)

    def body(self) -> dict[str, Any]:
        """The response body."""
        return {"error": self.to_dict()}


def error_object(code: str, message: str, inner: str | None = None, target: str | None = None) -> dict[str, Any]:
    """Azure's error object (the inner error repeats the message with the specific code)."""
    out: dict[str, Any] = {"code": code, "message": message}
    if target is not None:
        out["target"] = target
    if inner is not None:
        out["innererror"] = {"code": inner, "message": message, **({"target": target} if target else {})}
    return out


def invalid(message: str, inner: str = "InvalidParameterValue", target: str | None = None) -> AzureError:
    """A 400 ``InvalidArgument``."""
    return AzureError(400, "InvalidArgument", message, inner, target=target)


@dataclass(frozen=True)
class Task:
    """One task of a job, as the library will run it.

    ``model_version`` is what the results report as ``modelVersion`` (the method, or for
    abstractive the model's name).
    """

    kind: str
    name: str
    method: str
    length: Mapping[str, Any] | None
    options: Mapping[str, Any]
    sort_by: str
    index_type: StringIndexType
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able form, stored with the job."""
        return {"kind": self.kind, "name": self.name, "method": self.method, "length": self.length,
                "options": dict(self.options), "sort_by": self.sort_by, "index_type": self.index_type,
                "model_version": self.model_version}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Task:
        """The inverse of :meth:`to_dict`."""
        return cls(**data)


@dataclass(frozen=True)
class Methods:
    """What the server can run for the tasks: the extractive methods, the default one, and the
    abstractive method's model names (default first; empty when there is no abstractive method)."""

    extractive: frozenset[str]
    default_extractive: str
    abstractive_models: tuple[str, ...] = ()
    abstractive_method: str = "abstractive"


@dataclass(frozen=True)
class JobRequest:
    """A parsed job: its display name, documents and tasks."""

    display_name: str | None
    documents: list[Input]
    tasks: list[Task] = field(default_factory=list)


def parse_job(body: Any, methods: Methods, *, max_documents: int, max_characters: int) -> JobRequest:
    """The job a ``POST /language/analyze-text/jobs`` body asks for.

    Raises:
        AzureError: 400 with Azure's codes: ``InvalidRequestBodyFormat`` (shape),
            ``MissingInputDocuments``, ``InvalidDocumentBatch`` (too many documents or
            characters), ``InvalidDocument`` (duplicate ids), ``InvalidParameterValue``,
            ``ModelVersionIncorrect``.
    """
    if not isinstance(body, dict):
        raise AzureError(400, "InvalidRequest", "The request body must be a JSON object.", "InvalidRequestBodyFormat")
    _only(body, {"displayName", "analysisInput", "tasks"}, "")
    display = body.get("displayName")
    if display is not None and not isinstance(display, str):
        raise invalid("displayName must be a string.", target="displayName")
    analysis = body.get("analysisInput")
    if not isinstance(analysis, dict) or not isinstance(analysis.get("documents"), list):
        raise AzureError(400, "InvalidRequest", "analysisInput.documents is required: a list of documents.",
                         "MissingInputDocuments", target="analysisInput")
    _only(analysis, {"documents"}, "analysisInput.")
    raw_docs = analysis["documents"]
    if not raw_docs:
        raise AzureError(400, "InvalidRequest", "Missing input documents.", "MissingInputDocuments",
                         target="analysisInput.documents")
    if len(raw_docs) > max_documents:
        raise AzureError(400, "InvalidRequest",
                         f"Batch request contains too many records. Max {max_documents} records are permitted.",
                         "InvalidDocumentBatch", target="analysisInput.documents")
    documents = [_document(i, d) for i, d in enumerate(raw_docs)]
    if len({d.id for d in documents}) != len(documents):
        raise AzureError(400, "InvalidArgument",
                         "Request contains duplicated Ids. Make sure each document has a unique Id.",
                         "InvalidDocument", target="analysisInput.documents")
    characters = sum(len(d.text) for d in documents)
    if characters > max_characters:
        raise AzureError(400, "InvalidRequest",
                         f"Request payload limit exceeded: the documents have {characters} characters; at most "
                         f"{max_characters} are permitted in one job.", "InvalidDocumentBatch",
                         target="analysisInput.documents")
    raw_tasks = body.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        raise invalid("tasks is required: a list of at least one task.", target="tasks")
    if len(raw_tasks) > MAX_TASKS:
        raise invalid(f"A job may have at most {MAX_TASKS} tasks; this one has {len(raw_tasks)}.", target="tasks")
    tasks = [_task(i, t, methods) for i, t in enumerate(raw_tasks)]
    if len({t.name for t in tasks}) != len(tasks):
        raise invalid("Task names must be unique within a job.", target="tasks")
    return JobRequest(display, documents, tasks)


def _only(obj: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise invalid(f"Unknown field(s) {', '.join(where + u for u in unknown)}; allowed: "
                      f"{', '.join(sorted(allowed))}.", target=where + unknown[0])


def _document(i: int, raw: Any) -> Input:
    """The ``i``-th document of a request: the library's :class:`~summarizers.request.Input`, with
    its id, text and language as asked (``auto`` to detect; ``en`` when not given)."""
    where = f"analysisInput.documents[{i}]"
    if not isinstance(raw, dict):
        raise AzureError(400, "InvalidRequest", f"{where} must be an object with id and text.",
                         "InvalidRequestBodyFormat", target=where)
    _only(raw, {"id", "text", "language"}, where + ".")
    doc_id, text, language = raw.get("id"), raw.get("text"), raw.get("language")
    if not isinstance(doc_id, str) or not doc_id:
        raise invalid(f"{where}.id is required: a non-empty string.", "InvalidDocument", target=where + ".id")
    if not isinstance(text, str):
        raise invalid(f"{where}.text is required: a string.", "InvalidDocument", target=where + ".text")
    if language is not None and not isinstance(language, str):
        raise invalid(f"{where}.language must be a string.", "UnsupportedLanguageCode", target=where + ".language")
    return Input(text=text, id=doc_id, language=(language or "en").strip() or "en")


def _task(i: int, raw: Any, methods: Methods) -> Task:
    where = f"tasks[{i}]"
    if not isinstance(raw, dict):
        raise invalid(f"{where} must be an object with kind and parameters.", target=where)
    _only(raw, {"kind", "taskName", "parameters"}, where + ".")
    kind, name, params = raw.get("kind"), raw.get("taskName"), raw.get("parameters") or {}
    if kind not in _TASK_PARAMETERS:
        raise invalid(f"Task kind {kind!r} is not supported by this server; supported: "
                      f"{', '.join(_TASK_PARAMETERS)}.", target=where + ".kind")
    if name is not None and not isinstance(name, str):
        raise invalid(f"{where}.taskName must be a string.", target=where + ".taskName")
    if not isinstance(params, dict):
        raise invalid(f"{where}.parameters must be an object.", target=where + ".parameters")
    _only(params, _TASK_PARAMETERS[kind], where + ".parameters.")
    index_type = params.get("stringIndexType", DEFAULT_INDEX)
    if index_type not in STRING_INDEX_TYPES:
        raise invalid(f"stringIndexType must be one of {', '.join(STRING_INDEX_TYPES)}.",
                      target=where + ".parameters.stringIndexType")
    sentences = params.get("sentenceCount")
    if sentences is not None and (isinstance(sentences, bool) or not isinstance(sentences, int)
                                  or not 1 <= sentences <= MAX_SENTENCES):
        raise invalid(f"sentenceCount must be a whole number from 1 to {MAX_SENTENCES}.",
                      target=where + ".parameters.sentenceCount")
    version = params.get("modelVersion")
    if version is not None and not isinstance(version, str):
        raise invalid("modelVersion must be a string.", target=where + ".parameters.modelVersion")
    version = None if version in (None, "", "latest") else version
    task_name = name if name else str(i)
    if kind == EXTRACTIVE:
        sort_by = params.get("sortBy", "Offset")
        if sort_by not in ("Offset", "Rank"):
            raise invalid("sortBy must be Offset or Rank.", target=where + ".parameters.sortBy")
        method = methods.default_extractive if version is None else version
        if method not in methods.extractive:
            raise invalid(f"Invalid model version {version!r}: use latest, or one of this server's extractive "
                          f"methods: {', '.join(sorted(methods.extractive))}.", "ModelVersionIncorrect",
                          target=where + ".parameters.modelVersion")
        query = params.get("query")
        if query is not None and not isinstance(query, str):
            raise invalid("query must be a string.", target=where + ".parameters.query")
        # the sentences that bear on the query (options.query: the library checks its length and
        # refuses it for a method without a query-aware variant)
        options = {"query": query} if query and query.strip() else {}
        return Task(kind, task_name, method, {"sentences": sentences or DEFAULT_EXTRACTIVE_SENTENCES}, options,
                    sort_by, index_type, method)
    if not methods.abstractive_models:
        raise invalid("Abstractive summarization is not available on this server (no abstractive method).",
                      "ModelVersionIncorrect", target=where + ".kind")
    if version is not None and version not in methods.abstractive_models:
        raise invalid(f"Invalid model version {version!r}: use latest, or one of this server's models: "
                      f"{', '.join(methods.abstractive_models)}.", "ModelVersionIncorrect",
                      target=where + ".parameters.modelVersion")
    summary_length = params.get("summaryLength")
    if summary_length is not None and summary_length not in SUMMARY_LENGTH_WORDS:
        raise invalid("summaryLength must be short, medium or long.", target=where + ".parameters.summaryLength")
    if summary_length is not None and sentences is not None:
        raise invalid("Give sentenceCount or summaryLength, not both.", target=where + ".parameters")
    length = ({"sentences": sentences} if sentences is not None
              else {"words": SUMMARY_LENGTH_WORDS[summary_length]} if summary_length is not None else None)
    options = {} if version is None else {"model": version}
    return Task(kind, task_name, methods.abstractive_method, length, options, "Offset", index_type,
                version or methods.abstractive_models[0])


def azure_language(language: str) -> str:
    """The library's language for an Azure language code: ``auto``, or the code's language part
    (``pt-BR`` is ``pt``); the library tells whether it is supported."""
    code = language.strip().lower()
    return code if code == "auto" else code.split("-")[0].split("_")[0]


@dataclass(frozen=True)
class Part:
    """One internal job: its language and options, and the (task, document) pairs it computes;
    pairs in ``placeholders`` have a document error already and are not summarized."""

    language: str
    options: Mapping[str, Any]
    pairs: list[tuple[int, int]]
    placeholders: frozenset[tuple[int, int]] = frozenset()


def pair_id(t: int, i: int) -> str:
    """The internal document id of task ``t``'s document ``i``."""
    return f"{t}.{i}"


def plan_parts(job: JobRequest, document_error: Callable[[Task, Input], dict[str, Any] | None]
               ) -> tuple[list[Part], dict[str, dict[str, Any]]]:
    """Group the job's (task, document) pairs into internal jobs, and find the pairs that fail
    before any work (``document_error``: an unsupported language, an empty text).

    Returns the parts (every pair in exactly one; the placeholders in the first) and the
    errors by :func:`pair_id`.
    """
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    errors: dict[str, dict[str, Any]] = {}
    failed: list[tuple[int, int]] = []
    for t, task in enumerate(job.tasks):
        for i, doc in enumerate(job.documents):
            error = document_error(task, doc)
            if error is not None:
                errors[pair_id(t, i)] = error
                failed.append((t, i))
                continue
            key = (azure_language(doc.language), json.dumps(task.options, sort_keys=True))
            groups.setdefault(key, []).append((t, i))
    parts = [Part(lang, json.loads(opts), pairs) for (lang, opts), pairs in groups.items()]
    if failed:
        if parts:
            first = parts[0]
            parts[0] = Part(first.language, first.options, failed + first.pairs, frozenset(failed))
        else:
            parts = [Part("en", {}, failed, frozenset(failed))]
    return parts, errors


def unsupported_language_error(language: str, supported: Sequence[str]) -> dict[str, Any]:
    """Azure's error for a document in a language the task does not support."""
    return error_object("InvalidArgument", f"Invalid language code {language!r}. Supported languages: "
                        f"{', '.join(supported)}. (Or auto, to detect it.)", "UnsupportedLanguageCode")


#: Azure's codes (top-level, inner) for the library's and the jobs engine's error codes: the one
#: translation of library errors, for a document's error and for a whole request's alike.
_ERROR_CODES = {
    "unsupported_language": ("InvalidArgument", "UnsupportedLanguageCode"),
    "invalid_input": ("InvalidArgument", "InvalidDocument"),
    "empty_input": ("InvalidArgument", "InvalidDocument"),
    "invalid_length": ("InvalidArgument", "InvalidParameterValue"),
    "invalid_option": ("InvalidArgument", "InvalidParameterValue"),
    "unknown_method": ("InvalidArgument", "ModelVersionIncorrect"),
    "method_unavailable": ("ServiceUnavailable", None),
    "input_too_large": ("InvalidArgument", "InvalidDocument"),
    "payload_too_large": ("InvalidRequest", "InvalidDocumentBatch"),
    "model_missing": ("ServiceUnavailable", None),
    "quota_exceeded": ("TooManyRequests", None),
    "store_unavailable": ("ServiceUnavailable", None),
    "idempotency_conflict": ("InvalidRequest", None),
    "timeout": ("Timeout", None),
}


def library_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """A library error (``{"code", "message", "details"}``) as Azure's error object."""
    code, inner = _ERROR_CODES.get(str(error.get("code")), ("InternalServerError", None))
    return error_object(code, str(error.get("message") or "the document could not be summarized"), inner)


def library_azure_error(status: int, error: Mapping[str, Any], *, prefix: str = "",
                        headers: Mapping[str, str] | None = None) -> AzureError:
    """A library error (``{"code", "message", "details"}``) answering a whole request with
    ``status`` (the service's; Azure answers 400 where the service answers 422)."""
    obj = library_error(error)
    inner = obj.get("innererror", {}).get("code")
    return AzureError(400 if status == 422 else status, obj["code"], prefix + obj["message"], inner, headers=headers)


def is_server_error(error: Mapping[str, Any]) -> bool:
    """Whether an Azure error object is the server's fault (not the document's)."""
    return error.get("code") in ("InternalServerError", "ServiceUnavailable", "Timeout")


def rank_scores(scores: Sequence[float]) -> list[float]:
    """Scores as ``rankScore`` in 0..1: kept when they already are, else divided by the largest
    (methods such as Luhn or TextRank score on their own scales)."""
    clean = [s if math.isfinite(s) else 0.0 for s in scores]
    if all(0.0 <= s <= 1.0 for s in clean):
        return [round(s, 4) for s in clean]
    top = max((abs(s) for s in clean), default=0.0)
    return [round(max(0.0, s / top), 4) if top else 0.0 for s in clean]


def warnings_of(result: Mapping[str, Any]) -> list[dict[str, str]]:
    """The library's warnings as Azure's: ``DocumentTruncated`` when the input was cut to fit
    the model, ``Warning`` with the library's message otherwise."""
    return [{"code": "DocumentTruncated" if _TRUNCATED.search(w) else "Warning", "message": w}
            for w in result.get("warnings") or []]


def document_statistics(text: str, index_type: StringIndexType) -> dict[str, int]:
    """``charactersCount`` (in the task's index type) and ``transactionsCount``."""
    return {"charactersCount": count(text, index_type),
            "transactionsCount": max(1, math.ceil(len(text) / TRANSACTION_CHARACTERS))}


def extractive_document(doc: Input, result: Mapping[str, Any], task: Task) -> dict[str, Any]:
    """One document's extractive result: its sentences, each cut from the text at its offsets."""
    index = StringIndex(doc.text, task.index_type)
    chosen = list(result.get("sentences") or [])
    scores = rank_scores([float(s.get("score") or 0.0) for s in chosen])
    sentences = []
    for sentence, score in zip(chosen, scores, strict=True):
        offset, length = index.span(sentence["start"], sentence["end"])
        sentences.append({"text": doc.text[sentence["start"]:sentence["end"]], "rankScore": score,
                          "offset": offset, "length": length})
    if task.sort_by == "Rank":
        order = sorted(range(len(sentences)), key=lambda k: (-sentences[k]["rankScore"], sentences[k]["offset"]))
        sentences = [sentences[k] for k in order]
    else:
        sentences.sort(key=lambda s: s["offset"])
    return {"id": doc.id, "sentences": sentences, "warnings": warnings_of(result)}


def abstractive_document(doc: Input, result: Mapping[str, Any], task: Task) -> dict[str, Any]:
    """One document's abstractive result: the summary, and as its ``contexts`` the spans of the
    text that grounding found supporting its sentences (merged, in text order)."""
    index = StringIndex(doc.text, task.index_type)
    spans = sorted((s["start"], s["end"]) for sentence in result.get("sentences") or []
                   for s in sentence.get("support") or [] if s["end"] > s["start"])
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    contexts = [dict(zip(("offset", "length"), index.span(a, b), strict=True)) for a, b in merged]
    return {"id": doc.id, "summaries": [{"text": result.get("summary") or "", "contexts": contexts}],
            "warnings": warnings_of(result)}


def detected_language(result: Mapping[str, Any]) -> dict[str, Any] | None:
    """``detectedLanguage`` of a result whose language was detected (``auto``)."""
    info = result.get("input") or {}
    name = info.get("language")
    if not name:
        return None
    from summarizers.text.language import LANGUAGES

    confidence = info.get("language_confidence")
    return {"name": str(name).title(), "iso6391Name": LANGUAGES.get(name, name),
            "confidenceScore": round(float(confidence), 2) if confidence is not None else 0.0}


@dataclass(frozen=True)
class TaskOutcome:
    """One task's rendered ``results`` and its state."""

    results: dict[str, Any]
    complete: bool
    failed: bool


def render_task(task: Task, documents: Sequence[Input], outcomes: Mapping[int, Mapping[str, Any]],
                *, skip: int, top: int, show_stats: bool, model_version: str | None = None) -> TaskOutcome:
    """The ``results`` of one task over documents ``skip..skip+top``.

    Args:
        task: the task.
        documents: every document of the job.
        outcomes: the records known so far by document index: ``{"result": ...}`` (the
            library's ``Summary.to_dict()``) or ``{"error": <Azure error object>}``.
        skip, top: the page of documents.
        show_stats: whether to add ``statistics``.
        model_version: the model that computed the results, when known (else the task's).
    """
    render = extractive_document if task.kind == EXTRACTIVE else abstractive_document
    docs_out: list[dict[str, Any]] = []
    errors_out: list[dict[str, Any]] = []
    for i in range(skip, min(len(documents), skip + top)):
        doc, outcome = documents[i], outcomes.get(i)
        if outcome is None:
            continue
        if "error" in outcome:
            errors_out.append({"id": doc.id, "error": outcome["error"]})
            continue
        item = render(doc, outcome["result"], task)
        if show_stats:
            item["statistics"] = document_statistics(doc.text, task.index_type)
        if azure_language(doc.language) == "auto":
            detected = detected_language(outcome["result"])
            if detected is not None:
                item["detectedLanguage"] = detected
        docs_out.append(item)
    results: dict[str, Any] = {"documents": docs_out, "errors": errors_out,
                               "modelVersion": model_version or task.model_version}
    if show_stats:
        results["statistics"] = request_statistics(documents, outcomes)
    complete = len(outcomes) >= len(documents)
    # failed: nothing summarized, and not only because of the documents (the server's fault)
    failed = complete and not any("result" in o for o in outcomes.values()) and any(
        is_server_error(o["error"]) for o in outcomes.values())
    return TaskOutcome(results, complete, failed)


def request_statistics(documents: Sequence[Input], outcomes: Mapping[int, Mapping[str, Any]]) -> dict[str, int]:
    """Azure's ``RequestStatistics`` of a task (or of the job)."""
    erroneous = sum(1 for o in outcomes.values() if "error" in o)
    return {"documentsCount": len(documents), "validDocumentsCount": len(documents) - erroneous,
            "erroneousDocumentsCount": erroneous,
            "transactionsCount": sum(max(1, math.ceil(len(d.text) / TRANSACTION_CHARACTERS)) for d in documents)}


def job_status(task_states: Sequence[TaskOutcome], *, cancelled: bool, started: bool) -> str:
    """Azure's job status: ``cancelled``; once every task is complete ``succeeded``, ``failed``
    (every task failed) or ``partiallyCompleted``; before, ``running`` or ``notStarted``."""
    if cancelled:
        return "cancelled"
    if all(s.complete for s in task_states):
        failed = sum(1 for s in task_states if s.failed)
        if failed == 0:
            return "succeeded"
        return "failed" if failed == len(task_states) else "partiallyCompleted"
    return "running" if started else "notStarted"


def task_status(state: TaskOutcome, job: str) -> str:
    """A task's status within a job of status ``job``."""
    if state.complete:
        return "failed" if state.failed else "succeeded"
    return job if job in ("cancelled", "notStarted") else "running"
